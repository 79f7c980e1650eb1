//! The reserved area's words, Italian first and English.

use super::super::i18n::Lang;

pub struct Words {
    pub area: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub email: &'static str,
    pub send_link: &'static str,
    pub link_sent_title: &'static str,
    pub link_sent: &'static str,
    pub link_title: &'static str,
    pub link_intro: &'static str,
    pub link_confirm: &'static str,
    pub tickets_title: &'static str,
    pub no_tickets: &'static str,
    pub number: &'static str,
    pub subject: &'static str,
    pub status: &'static str,
    pub severity: &'static str,
    pub sla: &'static str,
    pub urgent: &'static str,
    pub estimate: &'static str,
    pub resolved_on: &'static str,
    pub reported: &'static str,
    pub history: &'static str,
    pub no_history: &'static str,
    pub from_you: &'static str,
    pub to_you: &'static str,
    pub moved: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub new_request: &'static str,
    pub request_intro: &'static str,
    pub description: &'static str,
    pub send: &'static str,
    pub request_sent: &'static str,
    pub back_to_tickets: &'static str,
    pub sign_out: &'static str,
    pub sign_out_everywhere: &'static str,
    pub signed_out: &'static str,
    pub signed_in_as: &'static str,
    pub mail_subject: &'static str,
    pub mail_body: &'static str,
    pub error_title: &'static str,
    pub not_found: &'static str,
}

const IT: Words = Words {
    area: "Area riservata",
    sign_in_title: "Accesso all'area riservata",
    sign_in_intro: "Scriva l'indirizzo e-mail con cui ci contatta: se è quello di un referente autorizzato, le inviamo un link di accesso valido 15 minuti. Nessuna password da ricordare.",
    email: "Indirizzo e-mail",
    send_link: "Inviami il link",
    link_sent_title: "Controlli la posta",
    link_sent: "Se l'indirizzo è quello di un referente autorizzato, tra poco riceverà un link di accesso valido 15 minuti e utilizzabile una volta sola.",
    link_title: "Conferma l'accesso",
    link_intro: "Prema il pulsante per entrare nell'area riservata da questo dispositivo.",
    link_confirm: "Entra",
    tickets_title: "I vostri ticket",
    no_tickets: "Nessun ticket.",
    number: "Numero",
    subject: "Oggetto",
    status: "Stato",
    severity: "Gravità",
    sla: "Tempi",
    urgent: "Urgente",
    estimate: "Risoluzione stimata",
    resolved_on: "Risolto il",
    reported: "Segnalato il",
    history: "Cronologia",
    no_history: "Nessun evento.",
    from_you: "Vostro messaggio",
    to_you: "Nostra comunicazione",
    moved: "Stato",
    previous: "Precedenti",
    next: "Successivi",
    page: "Pagina",
    new_request: "Nuova richiesta",
    request_intro: "Descriva il problema: la richiesta diventa un ticket e riceverà la conferma per e-mail.",
    description: "Descrizione",
    send: "Invia la richiesta",
    request_sent: "Richiesta ricevuta: riceverà la conferma con il numero del ticket per e-mail.",
    back_to_tickets: "Torna ai ticket",
    sign_out: "Esci",
    sign_out_everywhere: "Esci da tutti i dispositivi",
    signed_out: "È uscito dall'area riservata.",
    signed_in_as: "Accesso come",
    mail_subject: "Accesso all'area riservata",
    mail_body: "Gentile {name},\n\nper entrare nell'area riservata di {client} apra questo link entro {minutes} minuti (vale una volta sola):\n\n{link}\n\nSe non ha chiesto lei l'accesso, ignori questo messaggio.\n\nCordiali saluti,\n{shop}",
    error_title: "Impossibile procedere",
    not_found: "Pagina non trovata.",
};

const EN: Words = Words {
    area: "Reserved area",
    sign_in_title: "Sign in to the reserved area",
    sign_in_intro: "Type the e-mail address you contact us from: if it is an authorised contact's, we send you a sign-in link valid for 15 minutes. No password to remember.",
    email: "E-mail address",
    send_link: "Send me the link",
    link_sent_title: "Check your mail",
    link_sent: "If the address is an authorised contact's, you will shortly receive a sign-in link, valid for 15 minutes and usable once.",
    link_title: "Confirm the sign-in",
    link_intro: "Press the button to enter the reserved area from this device.",
    link_confirm: "Sign in",
    tickets_title: "Your tickets",
    no_tickets: "No tickets.",
    number: "Number",
    subject: "Subject",
    status: "Status",
    severity: "Severity",
    sla: "Times",
    urgent: "Urgent",
    estimate: "Estimated resolution",
    resolved_on: "Resolved on",
    reported: "Reported on",
    history: "History",
    no_history: "No events.",
    from_you: "Your message",
    to_you: "Our message",
    moved: "Status",
    previous: "Previous",
    next: "Next",
    page: "Page",
    new_request: "New request",
    request_intro: "Describe the problem: the request becomes a ticket and you get a confirmation by e-mail.",
    description: "Description",
    send: "Send the request",
    request_sent: "Request received: you will get the confirmation with the ticket's number by e-mail.",
    back_to_tickets: "Back to the tickets",
    sign_out: "Sign out",
    sign_out_everywhere: "Sign out on every device",
    signed_out: "You have signed out of the reserved area.",
    signed_in_as: "Signed in as",
    mail_subject: "Sign-in to the reserved area",
    mail_body: "Dear {name},\n\nto enter the reserved area of {client} open this link within {minutes} minutes (it works once):\n\n{link}\n\nIf you did not ask to sign in, ignore this message.\n\nKind regards,\n{shop}",
    error_title: "Cannot go on",
    not_found: "Page not found.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// The text of a reserved-area code (the request form's codes from its own table).
pub fn error_text(lang: Lang, code: &str) -> &'static str {
    let it = lang == Lang::It;
    match code {
        "LINK_INVALID" => {
            if it {
                "Il link non è valido. Ne chieda uno nuovo."
            } else {
                "The link is not valid. Ask for a new one."
            }
        }
        "LINK_USED" => {
            if it {
                "Il link è già stato usato. Ne chieda uno nuovo."
            } else {
                "The link has already been used. Ask for a new one."
            }
        }
        "LINK_EXPIRED" => {
            if it {
                "Il link è scaduto. Ne chieda uno nuovo."
            } else {
                "The link has expired. Ask for a new one."
            }
        }
        "LOCKED_OUT" => {
            if it {
                "Troppi link non validi da questo indirizzo: riprovi più tardi."
            } else {
                "Too many invalid links from this address: try again later."
            }
        }
        "PAGE_INVALID" => {
            if it {
                "Numero di pagina non valido."
            } else {
                "Invalid page number."
            }
        }
        "NOT_FOUND" => {
            if it {
                "Pagina non trovata."
            } else {
                "Page not found."
            }
        }
        other => super::super::i18n::error_text(lang, other),
    }
}
