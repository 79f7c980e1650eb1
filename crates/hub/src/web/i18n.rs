//! The public pages' words, Italian first and English: the language comes from `?lang=` (the
//! visible switch), else the form's hidden `lang` field, else `Accept-Language`, else Italian.

use rapportino_model::labels::Locale;

/// A page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    It,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The visitor's choice: an explicit code, else the best of `Accept-Language`, else Italian.
    pub fn choose(explicit: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = explicit.and_then(Lang::parse) {
            return lang;
        }
        // The visitor's languages by preference; a regional tag counts as its language
        // (`en-GB` is English).
        accept_language
            .and_then(|h| {
                accept_language::parse(h)
                    .iter()
                    .find_map(|tag| Lang::parse(tag.split(['-', '_']).next().unwrap_or_default()))
            })
            .unwrap_or(Lang::It)
    }

    pub fn locale(self) -> Locale {
        match self {
            Lang::It => Locale::It,
            Lang::En => Locale::En,
        }
    }

    pub fn t(self) -> &'static Words {
        match self {
            Lang::It => &IT,
            Lang::En => &EN,
        }
    }
}

/// Every word of the public pages.
pub struct Words {
    pub switch_label: &'static str,
    pub form_title: &'static str,
    pub form_intro: &'static str,
    pub email: &'static str,
    pub email_hint: &'static str,
    pub name: &'static str,
    pub client: &'static str,
    pub client_hint: &'static str,
    pub subject: &'static str,
    pub description: &'static str,
    pub description_hint: &'static str,
    pub severity: &'static str,
    pub severity_hints: [&'static str; 3],
    pub attachment: &'static str,
    pub attachment_hint: &'static str,
    pub optional: &'static str,
    pub honeypot: &'static str,
    pub submit: &'static str,
    pub privacy: &'static str,
    pub errors_title: &'static str,
    pub thanks_title: &'static str,
    pub thanks_mail: &'static str,
    pub thanks_next: &'static str,
    pub new_request: &'static str,
    pub error_title: &'static str,
    pub back: &'static str,
    pub code: &'static str,
}

/// The message of a stable error code, in this language.
pub fn error_text(lang: Lang, code: &str) -> &'static str {
    let it = lang == Lang::It;
    match code {
        "EMAIL_REQUIRED" => pick(
            it,
            "Indichi il suo indirizzo e-mail.",
            "Enter your e-mail address.",
        ),
        "EMAIL_INVALID" => pick(
            it,
            "L'indirizzo e-mail non sembra valido (esempio: nome@azienda.it).",
            "The e-mail address does not look valid (example: name@company.com).",
        ),
        "NAME_REQUIRED" => pick(it, "Indichi il suo nome.", "Enter your name."),
        "SUBJECT_REQUIRED" => pick(it, "Scriva l'oggetto della richiesta.", "Enter a subject."),
        "DESCRIPTION_REQUIRED" => pick(
            it,
            "Descriva il problema o la richiesta.",
            "Describe the problem or the request.",
        ),
        "SEVERITY_INVALID" => pick(it, "Scelga la gravità.", "Choose a severity."),
        "FIELD_TOO_LONG" => pick(it, "Un campo è troppo lungo.", "A field is too long."),
        "ATTACHMENT_TOO_LARGE" => pick(
            it,
            "L'allegato è troppo grande.",
            "The attachment is too large.",
        ),
        "BODY_TOO_LARGE" => pick(
            it,
            "La richiesta è troppo grande.",
            "The request is too large.",
        ),
        "CSRF_MISSING" => pick(
            it,
            "Il modulo è scaduto o i cookie sono disattivati: ricontrolli i dati e invii di nuovo.",
            "The form has expired or cookies are off: check your details and send again.",
        ),
        "CSRF_INVALID" => pick(
            it,
            "Il modulo non è valido: ricontrolli i dati e invii di nuovo.",
            "The form is not valid: check your details and send again.",
        ),
        "CSRF_EXPIRED" => pick(
            it,
            "Il modulo è scaduto: ricontrolli i dati e invii di nuovo.",
            "The form has expired: check your details and send again.",
        ),
        "RATE_LIMITED" => pick(
            it,
            "Troppe richieste in poco tempo: riprovi più tardi.",
            "Too many requests in a short time: try again later.",
        ),
        "MALFORMED_BODY" => pick(
            it,
            "Il modulo inviato non è leggibile.",
            "The form sent cannot be read.",
        ),
        _ => pick(
            it,
            "Non è stato possibile registrare la richiesta: riprovi tra poco.",
            "The request could not be recorded: try again shortly.",
        ),
    }
}

fn pick(it: bool, a: &'static str, b: &'static str) -> &'static str {
    if it {
        a
    } else {
        b
    }
}

static IT: Words = Words {
    switch_label: "Lingua",
    form_title: "Richiesta di assistenza",
    form_intro: "Descriva il problema: le risponderemo con il numero della richiesta. I campi senza l'indicazione «facoltativo» sono obbligatori.",
    email: "E-mail",
    email_hint: "Le invieremo la conferma a questo indirizzo.",
    name: "Nome e cognome",
    client: "Azienda",
    client_hint: "Il nome della sua azienda o ente.",
    subject: "Oggetto",
    description: "Descrizione",
    description_hint: "Cosa succede, da quando, su quale postazione o servizio.",
    severity: "Gravità",
    severity_hints: [
        "Tutto fermo, nessuna alternativa.",
        "Funziona in parte o lentamente.",
        "Nessun fermo: domande, modifiche, informazioni.",
    ],
    attachment: "Allegato",
    attachment_hint: "Una schermata o un documento, fino a",
    optional: "facoltativo",
    honeypot: "Lasciare vuoto",
    submit: "Invia la richiesta",
    privacy: "I dati inviati servono solo a gestire questa richiesta.",
    errors_title: "Controlli i campi indicati:",
    thanks_title: "Richiesta ricevuta",
    thanks_mail: "Richiesta ricevuta: riceverà una conferma via e-mail.",
    thanks_next: "Il nostro ufficio la esaminerà e, se serve, la ricontatterà.",
    new_request: "Nuova richiesta",
    error_title: "Richiesta non accettata",
    back: "Torna al modulo",
    code: "Codice",
};

static EN: Words = Words {
    switch_label: "Language",
    form_title: "Support request",
    form_intro: "Describe the problem: we will answer with your request's number. Fields not marked \u{201c}optional\u{201d} are required.",
    email: "E-mail",
    email_hint: "We will send the confirmation to this address.",
    name: "Full name",
    client: "Company",
    client_hint: "The name of your company or organisation.",
    subject: "Subject",
    description: "Description",
    description_hint: "What happens, since when, on which computer or service.",
    severity: "Severity",
    severity_hints: [
        "Everything stopped, no workaround.",
        "Works partly or slowly.",
        "Nothing stopped: questions, changes, information.",
    ],
    attachment: "Attachment",
    attachment_hint: "A screenshot or a document, up to",
    optional: "optional",
    honeypot: "Leave empty",
    submit: "Send the request",
    privacy: "What you send is used only to handle this request.",
    errors_title: "Please check these fields:",
    thanks_title: "Request received",
    thanks_mail: "Request received: you will get a confirmation by e-mail.",
    thanks_next: "Our office will look at it and, if needed, get back to you.",
    new_request: "New request",
    error_title: "Request not accepted",
    back: "Back to the form",
    code: "Code",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_follows_the_switch_then_the_browser_then_italian() {
        assert_eq!(Lang::choose(Some("en"), Some("it-IT,it;q=0.9")), Lang::En);
        assert_eq!(
            Lang::choose(None, Some("de-DE,en;q=0.8,it;q=0.5")),
            Lang::En
        );
        assert_eq!(Lang::choose(None, Some("en-GB,it;q=0.9")), Lang::En);
        assert_eq!(Lang::choose(None, Some("it-IT,en;q=0.5")), Lang::It);
        assert_eq!(Lang::choose(Some("xx"), Some("fr")), Lang::It);
        assert_eq!(Lang::choose(None, None), Lang::It);
    }

    #[test]
    fn every_code_has_words_in_both_languages() {
        for code in crate::web::form::CODES {
            for lang in Lang::ALL {
                assert_ne!(error_text(lang, code), error_text(lang, "?"), "{code}");
            }
        }
    }
}
