//! Messages the user asks for by hand: "Invia al cliente" on a signed report (when the automatic
//! one was not written — mail was off when it was signed, the client had opted out, or it was
//! cancelled), and the check that keeps a month's statement from being queued twice.

use rapportino_model::vocab::ReportStatus;
use rusqlite::OptionalExtension;

use super::{get, report_draft, settings, write_draft, Message, MessageKind};
use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, ReportId};
use crate::store::Store;

/// "Invia al cliente": the signed report's message — the one already waiting or sent, else a
/// new one queued now (its PDF added by the device). The user asked: the shop's kinds and the
/// client's opt-out do not stop it, but customer mail must be on (`MAIL_NOT_CONFIGURED`), and a
/// draft is refused (`REPORT_NOT_SIGNED`). A message with no address is `held`.
pub fn queue_report(store: &mut Store, report: ReportId) -> Result<Message> {
    let status: Option<ReportStatus> = store
        .conn()
        .prepare_cached("SELECT status FROM reports WHERE id = ?1")?
        .query_row([report], |r| r.get(0))
        .optional()?;
    match status {
        None => return Err(Error::not_found("report", report)),
        Some(ReportStatus::Signed) => {}
        Some(_) => {
            return Err(Error::invalid(
                Code::ReportNotSigned,
                "report",
                "the report is a draft: sign it before sending it to the customer",
            ))
        }
    }
    if !settings(store.conn())?.enabled {
        return Err(Error::invalid(
            Code::MailNotConfigured,
            "mail",
            "customer mail is off: turn it on in Impostazioni › Posta",
        ));
    }
    let existing: Option<String> = store
        .conn()
        .prepare_cached(
            "SELECT id FROM messages WHERE report_id = ?1 AND kind = ?2 AND status <> 'cancelled'
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row(
            rusqlite::params![report, MessageKind::ReportSigned.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return get(store, &id);
    }
    let id = store.write(|tx| {
        let draft = report_draft(tx, report)?;
        write_draft(tx, draft)
    })?;
    get(store, &id)
}

/// The month's statement already queued (or sent) for `client`, if any: a batch run twice does
/// not send it twice.
pub fn statement_queued(
    store: &Store,
    client: ClientId,
    year: i32,
    month: u32,
) -> Result<Option<Message>> {
    let id: Option<String> = store
        .conn()
        .prepare_cached(
            "SELECT id FROM messages
             WHERE client_id = ?1 AND kind = ?2 AND period = ?3 AND status <> 'cancelled'
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row(
            rusqlite::params![
                client,
                MessageKind::Statement.as_str(),
                format!("{year:04}-{month:02}")
            ],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| get(store, &id)).transpose()
}
