//! The PDFs of customer messages: core's outbox queues a signed report's or a statement's message
//! without its PDF (core cannot render); the device renders it here and adds it, which makes the
//! message ready for its sender — the hub or this device. A signed report's attachment is
//! byte-identical to the printed file (same renderer, same instant: the signing); so is a sent
//! quote's (the instant of its sending).

use rapportino_core::outbox::{self, MessageKind};
use rapportino_core::reports::{self, logo};
use rapportino_core::{Error, Result, Store};

use crate::export::report_bytes;
use crate::Renderer;

/// Renders and adds the PDF of every message waiting for one; how many were prepared. A message
/// whose PDF cannot be made stays waiting (its error is returned after the others are done).
pub fn prepare(store: &mut Store, renderer: &Renderer) -> Result<usize> {
    let mut done = 0;
    let mut first_error: Option<Error> = None;
    for m in outbox::awaiting_attachment(store)? {
        let rendered = match (m.kind, m.report_id, m.period.as_deref()) {
            (MessageKind::ReportSigned, Some(report), _) => {
                let number = reports::get(store, report)?.number;
                report_bytes(store, renderer, report)
                    .and_then(|b| Ok((reports::pdf_file_name(&number)?, b)))
            }
            (MessageKind::Statement, _, Some(period)) => statement(store, renderer, &m, period),
            (MessageKind::Quote, _, _) => {
                let Some(id) = m.quote_id else { continue };
                let number = rapportino_core::quotes::get(store, id)?.number;
                crate::export::quote_bytes(store, renderer, id)
                    .and_then(|b| Ok((rapportino_core::quotes::pdf_file_name(&number)?, b)))
            }
            _ => continue,
        };
        match rendered.and_then(|(name, bytes)| {
            outbox::add_attachment(store, &m.id, &name, "application/pdf", &bytes)
        }) {
            Ok(_) => done += 1,
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

fn statement(
    store: &Store,
    renderer: &Renderer,
    m: &outbox::Message,
    period: &str,
) -> Result<(String, Vec<u8>)> {
    let bad = || Error::Inconsistent(format!("message {}: period {period:?}", m.id));
    let (y, mo) = period.split_once('-').ok_or_else(bad)?;
    let (year, month): (i32, u32) = (
        y.parse().map_err(|_| bad())?,
        mo.parse().map_err(|_| bad())?,
    );
    let client = m.client_id.ok_or_else(bad)?;
    let doc = reports::statement::for_client(store, client, year, month)?;
    let logo = logo::get(store.conn())?;
    // The statement's date is the message's: rendering it again gives the same bytes.
    let at = rapportino_core::time::parse_instant(&m.created_at)?;
    let bytes = renderer.statement(&doc, logo.as_ref(), at)?;
    Ok((format!("Rendiconto-{period}.pdf"), bytes))
}

/// "Invia ora" and the app's background round: renders the PDFs messages wait for, then sends
/// what this device owes (`sending::send_due`: nothing on an enrolled device, whose hub sends);
/// how many PDFs were made and what the sending did. A PDF that could not be made does not stop
/// the others from going; its error is returned after the sending, which is recorded on each
/// message either way.
pub fn prepare_and_send(
    store: &mut Store,
    renderer: &Renderer,
) -> Result<(usize, rapportino_core::sending::SendReport)> {
    let prepared = prepare(store, renderer);
    let report = rapportino_core::sending::send_due(store)?;
    prepared.map(|n| (n, report))
}
