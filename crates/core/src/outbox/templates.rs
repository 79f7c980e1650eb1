//! The words of customer messages: one template (subject and body) per kind and language, with
//! `{placeholders}` filled from the event's facts. The defaults read well in Italian; a shop may
//! replace any of them (synced setting `mail.template.<kind>.<lang>`).
//!
//! Placeholders are plain names in braces; a template naming an unknown one is refused when it is
//! saved (`INVALID_FORMAT` on `template`), so a message never goes out with `{tcket}` in it. A
//! ticket's subject must keep `[{ticket}]`: replies are threaded by it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::MessageKind;
use crate::error::{Code, Error, Result};
use crate::labels::Locale;
use crate::store::settings::{get_setting_conn, to_json_text};
use crate::store::{Entity, Store};

/// Every placeholder a template may use, with what it stands for (shown in Settings).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("shop", "il nome dell'azienda"),
    ("client", "il cliente"),
    ("ticket", "il numero del ticket (T-2026-MR-0001)"),
    ("title", "l'oggetto del ticket"),
    ("severity", "la gravità"),
    ("origin", "il canale della richiesta"),
    ("reported_at", "quando è arrivata la richiesta"),
    ("estimate", "la data di risoluzione stimata"),
    ("technician", "il tecnico"),
    ("report", "il numero del rapporto (RI-2026-MR-0001)"),
    ("hash", "l'impronta del rapporto firmato"),
    ("month", "il mese del rendiconto"),
    ("reason", "il motivo (causa esterna al contratto)"),
    ("quote", "il numero del preventivo (P-2026-MR-0001)"),
    ("total", "il totale del preventivo, IVA inclusa"),
    ("valid_until", "la data di validità del preventivo"),
    ("sender", "chi ha scritto (richiesta non accolta)"),
    ("subject", "l'oggetto del suo messaggio"),
    ("received_at", "quando è arrivato il suo messaggio"),
];

/// A message's subject and body before the facts are filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

fn setting_key(kind: MessageKind, locale: Locale) -> String {
    format!("mail.template.{kind}.{locale}")
}

/// The template in use: the shop's own, else the default.
pub fn get(conn: &rusqlite::Connection, kind: MessageKind, locale: Locale) -> Result<Template> {
    Ok(
        get_setting_conn::<Template>(conn, &setting_key(kind, locale))?
            .unwrap_or_else(|| default(kind, locale)),
    )
}

/// Saves the shop's template for `kind` in `locale` after checking its placeholders.
pub fn set(store: &mut Store, kind: MessageKind, locale: Locale, t: &Template) -> Result<()> {
    check(kind, t)?;
    let key = setting_key(kind, locale);
    let value = to_json_text(t)?;
    store.write(|tx| tx.upsert(Entity::Setting, &key, vec![("value", value)]))
}

/// Back to the default wording.
pub fn reset(store: &mut Store, kind: MessageKind, locale: Locale) -> Result<()> {
    let key = setting_key(kind, locale);
    let exists = crate::store::settings::get_setting_conn::<Template>(store.conn(), &key)?;
    if exists.is_none() {
        return Ok(());
    }
    store.write(|tx| tx.delete(Entity::Setting, &key))
}

/// Refuses unknown placeholders, unbalanced braces, an empty subject or body, and a ticket
/// message whose subject lost `[{ticket}]`.
pub fn check(kind: MessageKind, t: &Template) -> Result<()> {
    let invalid = |msg: String| Error::invalid(Code::InvalidFormat, "template", msg);
    if t.subject.trim().is_empty() || t.body.trim().is_empty() {
        return Err(invalid("the subject and the text cannot be empty".into()));
    }
    if t.subject.contains('\n') {
        return Err(invalid("the subject is one line".into()));
    }
    for part in [&t.subject, &t.body] {
        for name in placeholders(part).map_err(invalid)? {
            if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
                return Err(invalid(format!("unknown placeholder {{{name}}}")));
            }
        }
    }
    if kind.about_a_ticket() && !t.subject.contains("[{ticket}]") {
        return Err(invalid(
            "the subject must keep [{ticket}]: replies are matched to the ticket by it".into(),
        ));
    }
    Ok(())
}

/// The placeholder names in `text`, in order; an error for a brace left open or closed alone.
fn placeholders(text: &str) -> std::result::Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a '}' without its '{'".into());
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| "a '{' without its '}'".to_owned())?;
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// `text` with every `{name}` replaced by its fact (a missing fact becomes "—").
pub use rapportino_model::templates::fill;

/// The facts of an invented ticket, report and month, for the live preview in Settings.
pub fn sample_facts(locale: Locale) -> BTreeMap<&'static str, String> {
    let en = locale == Locale::En;
    let pick = |it: &str, e: &str| if en { e.to_owned() } else { it.to_owned() };
    BTreeMap::from([
        ("shop", "Assistenza Rinaldi".to_owned()),
        ("client", "Studio Dentistico Bellè".to_owned()),
        ("ticket", "T-2026-MR-0042".to_owned()),
        (
            "title",
            pick("La stampante non stampa", "The printer does not print"),
        ),
        ("severity", pick("Disservizio", "Degraded")),
        ("origin", pick("Telefono", "Phone")),
        ("reported_at", "17/11/2026 09:12".to_owned()),
        ("estimate", "18/11/2026 12:00".to_owned()),
        ("technician", "Marco Rinaldi".to_owned()),
        ("report", "RI-2026-MR-0017".to_owned()),
        (
            "hash",
            "9f2c4e1a7b3d5f60c8e2a4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5".to_owned(),
        ),
        ("month", pick("novembre 2026", "November 2026")),
        ("quote", "P-2026-MR-0005".to_owned()),
        ("total", "1.220,00 €".to_owned()),
        ("valid_until", "17/12/2026".to_owned()),
        (
            "reason",
            pick(
                "alimentatore danneggiato da un temporale",
                "power supply damaged by a storm",
            ),
        ),
        ("sender", "Mario Bianchi".to_owned()),
        (
            "subject",
            pick("Richiesta di preventivo", "Request for a quote"),
        ),
        ("received_at", "17/11/2026 08:41".to_owned()),
    ])
}

/// `t` checked ([`check`]) and filled with [`sample_facts`]: what the customer would read.
pub fn preview(kind: MessageKind, locale: Locale, t: &Template) -> Result<Template> {
    check(kind, t)?;
    let facts = sample_facts(locale);
    Ok(Template {
        subject: fill(&t.subject, &facts),
        body: fill(&t.body, &facts),
    })
}

/// The default wording of each message.
pub fn default(kind: MessageKind, locale: Locale) -> Template {
    let (subject, body) = rapportino_model::templates::default_text(kind, locale == Locale::En);
    Template {
        subject: subject.to_owned(),
        body: body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_default_is_valid_in_both_languages() {
        for &kind in MessageKind::ALL {
            for &locale in Locale::ALL {
                check(kind, &default(kind, locale)).unwrap();
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_refused() {
        let facts = BTreeMap::from([
            ("ticket", "T-2026-MR-0001".to_owned()),
            ("client", "Bellè Srl".into()),
        ]);
        assert_eq!(
            fill("[{ticket}] per {client}: {estimate}", &facts),
            "[T-2026-MR-0001] per Bellè Srl: —"
        );
        let t = |s: &str, b: &str| Template {
            subject: s.into(),
            body: b.into(),
        };
        let kind = MessageKind::TicketOpened;
        for (bad, why) in [
            (t("[{ticket}] {tcket}", "x"), "unknown placeholder {tcket}"),
            (t("[{ticket}] {title", "x"), "without its '}'"),
            (t("[{ticket}]", "a } b"), "without its '{'"),
            (t("Richiesta {title}", "x"), "must keep [{ticket}]"),
            (t("[{ticket}]", " "), "cannot be empty"),
        ] {
            let err = check(kind, &bad).unwrap_err();
            assert_eq!(err.code(), Code::InvalidFormat);
            assert!(err.to_string().contains(why), "{err}");
        }
        // The preview checks first, then fills every placeholder.
        let err = preview(kind, Locale::It, &t("[{ticket}] {tcket}", "x")).unwrap_err();
        assert_eq!(err.code(), Code::InvalidFormat);
        for &k in MessageKind::ALL {
            let p = preview(k, Locale::It, &default(k, Locale::It)).unwrap();
            assert!(!p.subject.contains('{') && !p.body.contains('{'), "{p:?}");
            assert!(
                !p.body.contains('—') || k == MessageKind::Statement,
                "{p:?}"
            );
        }
        let p = preview(kind, Locale::It, &default(kind, Locale::It)).unwrap();
        assert_eq!(
            p.subject,
            "[T-2026-MR-0042] Richiesta ricevuta: La stampante non stampa"
        );
        // A statement is not about a ticket: no number needed.
        check(
            MessageKind::Statement,
            &t("Rendiconto {month}", "Allegato."),
        )
        .unwrap();
    }
}
