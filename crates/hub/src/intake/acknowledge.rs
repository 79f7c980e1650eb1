//! The acknowledgement of a ticket the hub opened: written as a device's outbox writes it, with
//! sender `hub`, so that the hub's mail round sends it.

use std::collections::BTreeMap;

use chrono::DateTime;
use rapportino_model::labels::Locale;
use rapportino_model::vocab::{MessageKind, Origin, Severity};
use rapportino_model::Entity;
use serde_json::{json, Value};

use super::{new_id, obj, text, truthy, Writer, SHOP_TZ};
use crate::error::HubError;

/// The `ticket_opened` message, as a device's outbox writes it: only when the shop sends that
/// kind and the client did not opt out; to the requester (else the client's address, + PEC on
/// request), a copy to the shop on request; `held` with nobody to send to.
/// The ticket an acknowledgement is about.
pub(super) struct Opened<'a> {
    pub ticket_id: &'a str,
    pub number: &'a str,
    pub client_id: &'a str,
    pub contact_id: &'a str,
    pub title: &'a str,
    pub reported_at: &'a str,
    pub origin: Origin,
    pub severity: Severity,
    /// The language the requester wrote in, when the channel knows it (the web form's page):
    /// used when the client has no language of its own, before the shop's.
    pub language: Option<&'a str>,
}

pub(super) fn acknowledge(w: &mut Writer<'_>, t: &Opened<'_>) -> Result<(), HubError> {
    let Opened {
        ticket_id,
        number,
        client_id,
        contact_id,
        title,
        reported_at,
        ..
    } = *t;
    let kind = MessageKind::TicketOpened;
    let settings = w.setting("mail")?.unwrap_or_default();
    let kinds: Vec<String> = settings
        .get("kinds")
        .and_then(|k| serde_json::from_value(k.clone()).ok())
        .unwrap_or_else(|| MessageKind::TEXTS.iter().map(|s| s.to_string()).collect());
    if !truthy(settings.get("enabled")) || !kinds.iter().any(|k| k == kind.as_str()) {
        return Ok(());
    }
    let prefs = w
        .setting(&format!("mail.client.{client_id}"))?
        .unwrap_or_default();
    let off: Vec<String> = prefs
        .get("off")
        .and_then(|k| serde_json::from_value(k.clone()).ok())
        .unwrap_or_default();
    if off.iter().any(|k| k == kind.as_str()) {
        return Ok(());
    }
    let language = prefs
        .get("language")
        .and_then(Value::as_str)
        .or(t.language)
        .or_else(|| settings.get("language").and_then(Value::as_str))
        .unwrap_or("it")
        .to_owned();
    let locale = if language == "en" {
        Locale::En
    } else {
        Locale::It
    };
    let client =
        w.tx.load_row(Entity::Client.name(), client_id)?
            .map(|r| r.fields)
            .unwrap_or_default();
    let contact =
        w.tx.load_row(Entity::Contact.name(), contact_id)?
            .map(|r| r.fields)
            .unwrap_or_default();
    let shop = w.setting("shop")?.unwrap_or_default();
    let shop_email = shop.get("email").and_then(Value::as_str).map(str::to_owned);
    let mut recipients: Vec<String> = text(&contact, "email")
        .or_else(|| text(&client, "email"))
        .map(str::to_owned)
        .into_iter()
        .collect();
    if truthy(prefs.get("to_pec")) {
        recipients.extend(text(&client, "pec").map(str::to_owned));
    }
    recipients.retain(|r| !r.trim().is_empty());
    recipients.dedup();
    let cc: Vec<String> = shop_email
        .iter()
        .filter(|_| truthy(settings.get("cc_shop")))
        .cloned()
        .collect();
    let severity = w
        .setting("severity_labels")?
        .and_then(|v| v.get(t.severity.as_str())?.as_str().map(str::to_owned))
        .unwrap_or_else(|| t.severity.label(locale).to_owned());
    let reported_local = DateTime::parse_from_rfc3339(reported_at)
        .map(|t| {
            t.with_timezone(&SHOP_TZ)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| reported_at.to_owned());
    let mut facts: BTreeMap<&str, String> = BTreeMap::new();
    facts.insert(
        "client",
        text(&client, "name").unwrap_or_default().to_owned(),
    );
    facts.insert(
        "shop",
        shop.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    );
    facts.insert("ticket", number.to_owned());
    facts.insert("title", title.to_owned());
    facts.insert("severity", severity);
    facts.insert("origin", t.origin.label(locale).to_owned());
    facts.insert("reported_at", reported_local);
    let own = w.setting(&format!("mail.template.{}.{language}", kind.as_str()))?;
    let (default_subject, default_body) =
        rapportino_model::templates::default_text(kind, locale == Locale::En);
    let subject_t = own
        .as_ref()
        .and_then(|t| t.get("subject")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| default_subject.to_owned());
    let body_t = own
        .as_ref()
        .and_then(|t| t.get("body")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| default_body.to_owned());
    let subject = rapportino_model::templates::fill(&subject_t, &facts);
    let body = rapportino_model::templates::fill(&body_t, &facts);
    let id = new_id();
    let domain = shop_email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| d.trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
        })
        .unwrap_or_else(|| "rapportino.invalid".to_owned());
    let status = if recipients.is_empty() {
        "held"
    } else {
        "queued"
    };
    w.insert(
        Entity::Message,
        &id,
        obj(json!({
            "kind": kind.as_str(),
            "client_id": client_id,
            "ticket_id": ticket_id,
            "report_id": null,
            "period": null,
            "language": language,
            "recipients": serde_json::to_string(&recipients).unwrap_or_default(),
            "cc": serde_json::to_string(&cc).unwrap_or_default(),
            "subject": subject.chars().take(300).collect::<String>(),
            "body": body,
            "message_id": format!("<{id}@{domain}>"),
            "in_reply_to": null,
            "sender": "hub",
            "status": status,
            "attempts": 0,
            "attachments_ready": true,
        })),
    )
}
