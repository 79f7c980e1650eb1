//! Rapporti d'intervento: numbered offline when created, built from an intervention, signed on the
//! laptop, frozen as a hashed snapshot, verifiable; plus the printable monthly statements.
//!
//! Life of a report: [`create`] allocates `RI-{year}-{device}-{seq:04}` in the same transaction as
//! the draft row. A draft's content is read live from its intervention ([`document`]). [`sign`]
//! freezes the canonical snapshot (content + both signatures' strokes + instant), stores it with
//! its SHA-256, and from then on the row can never change — the API refuses and SQL triggers refuse
//! even raw writes. A correction is [`amend`]: a new draft naming the report it supersedes.
//! [`verify`] recomputes the hash of what is stored.

pub(crate) mod content;
pub mod document;
pub mod labels;
pub mod logo;
pub mod own_signature;
pub mod signing;
pub mod statement;
pub mod statement_mail;

pub use document::*;
pub use signing::SignedSnapshot;

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::ids::{ClientId, InterventionId, ReportId};
use crate::interventions::{self, InterventionPatch, TimerState};
use crate::paging::{Page, PageRequest};
use crate::setup;
use crate::store::{field, Entity, Store};
use crate::tickets::format_number;
use crate::time::{format_instant, local_date, local_year, parse_instant};
pub use rapportino_model::vocab::ReportStatus;

/// A report as stored (the snapshot itself is read by [`document`] and [`verify`]).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Report {
    pub id: ReportId,
    pub number: String,
    pub intervention_id: InterventionId,
    pub client_id: ClientId,
    pub supersedes_id: Option<ReportId>,
    /// Local date of the work (`YYYY-MM-DD`).
    pub work_date: String,
    pub status: ReportStatus,
    pub signer_name: Option<String>,
    pub signed_at: Option<String>,
    pub snapshot_sha256: Option<String>,
    pub created_at: String,
}

/// A row of the reports list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportSummary {
    #[serde(flatten)]
    #[ts(flatten)]
    pub report: Report,
    pub client_name: String,
    pub ticket_number: String,
    pub supersedes_number: Option<String>,
    pub superseded_by_number: Option<String>,
}

/// Filters of the reports list; all optional and combined.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ReportFilter {
    /// Part of the report number, the client's name or the ticket number.
    #[ts(optional)]
    pub query: Option<String>,
    #[ts(optional)]
    pub client_id: Option<ClientId>,
    #[ts(optional)]
    pub intervention_id: Option<InterventionId>,
    /// Work dates from/to, inclusive (`YYYY-MM-DD`).
    #[ts(optional)]
    pub from: Option<String>,
    #[ts(optional)]
    pub to: Option<String>,
    #[ts(optional)]
    pub status: Option<ReportStatus>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Verification {
    pub number: String,
    /// The hash stored when the report was signed.
    pub stored_sha256: String,
    /// The hash of the snapshot as stored now.
    pub computed_sha256: String,
    /// The snapshot is still in canonical form (it parses and re-serialises to the same bytes).
    pub canonical: bool,
    pub matches: bool,
    pub signed_at: String,
    pub signer_name: String,
}

/// Both signatures, as captured by the app's pad or given to the CLI as JSON — or the
/// technician's alone with the reason the customer did not sign.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SignInput {
    /// Required unless `customer_absence` is given (exactly one of the two).
    #[serde(default)]
    pub customer: Option<Signature>,
    /// The technician's name may be left empty: the intervention's technician is used.
    pub technician: Signature,
    #[serde(default)]
    pub customer_absence: Option<CustomerAbsence>,
}

const COLUMNS: &str =
    "r.id, r.number, r.intervention_id, r.client_id, r.supersedes_id, r.work_date, \
    r.status, r.signer_name, r.signed_at, r.snapshot_sha256, r.created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Report> {
    Ok(Report {
        id: r.get(0)?,
        number: r.get(1)?,
        intervention_id: r.get(2)?,
        client_id: r.get(3)?,
        supersedes_id: r.get(4)?,
        work_date: r.get(5)?,
        status: r.get(6)?,
        signer_name: r.get(7)?,
        signed_at: r.get(8)?,
        snapshot_sha256: r.get(9)?,
        created_at: r.get(10)?,
    })
}

fn get_in(conn: &rusqlite::Connection, id: ReportId) -> Result<Report> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM reports r WHERE r.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("report", id))
}

pub fn get(store: &Store, id: ReportId) -> Result<Report> {
    get_in(store.conn(), id)
}

/// A report by its number (case-insensitive).
pub fn get_by_number(store: &Store, number: &str) -> Result<Report> {
    store
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reports r WHERE r.number = ?1"
        ))?
        .query_row([number.trim().to_uppercase()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("report", number))
}

/// Refuses work that is still being timed: a report prints final times only.
fn ensure_timer_stopped(store: &Store, intervention: InterventionId) -> Result<()> {
    let detail = interventions::detail(store, intervention)?;
    if matches!(detail.timer_state, TimerState::Running | TimerState::Paused) {
        return Err(Error::invalid(
            Code::TimerRunning,
            "intervention",
            "the intervention's timer is still running or paused: stop it before the report",
        ));
    }
    Ok(())
}

/// The prefix of report numbers.
pub const NUMBER_PREFIX: &str = "RI";
/// The longest report number (`RI-2999-ABCDEFGH-999999`).
const MAX_NUMBER_LEN: usize = 23;

/// The file name of a report's PDF, `RI-2026-MR-0001.pdf`, from its number — only when the
/// number has exactly the shape this app issues (`RI-{year}-{device code}-{seq:04}`, checked with
/// the model's parser and formatted back the same): a number that arrived by sync or from an
/// altered database could otherwise name a file outside its folder (`../../x`, `a/b`, a NUL,
/// a name too long for the file system). `REPORT_NUMBER_INVALID` otherwise.
pub fn pdf_file_name(number: &str) -> Result<String> {
    let canonical = (number.len() <= MAX_NUMBER_LEN)
        .then(|| rapportino_model::numbers::parse(number))
        .flatten()
        .filter(|n| n.prefix == NUMBER_PREFIX)
        .is_some_and(|n| format_number(n.prefix, n.year, n.device_code, n.seq) == number);
    if !canonical {
        let shown: String = number
            .chars()
            .take(40)
            .collect::<String>()
            .escape_debug()
            .to_string();
        return Err(Error::invalid(
            Code::ReportNumberInvalid,
            "number",
            format!(
                "the report number {shown}{} is not of the shape RI-2026-MR-0001: it is not used \
                 as a file name",
                if number.chars().count() > 40 {
                    "…"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(format!("{number}.pdf"))
}

/// The report of an intervention: its open draft if there is one, else a new draft with the next
/// number. Refused while the timer runs (TIMER_RUNNING) and when the intervention already has a
/// signed report still in force (REPORT_SIGNED: amend it instead).
pub fn create(store: &mut Store, intervention: InterventionId) -> Result<Report> {
    ensure_timer_stopped(store, intervention)?;
    let existing: Vec<Report> = store
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reports r WHERE r.intervention_id = ?1
             AND NOT EXISTS (SELECT 1 FROM reports s WHERE s.supersedes_id = r.id)"
        ))?
        .query_map([intervention], from_row)?
        .collect::<Result<_, _>>()?;
    if let Some(draft) = existing.iter().find(|r| r.status == ReportStatus::Draft) {
        return Ok(draft.clone());
    }
    if let Some(signed) = existing.first() {
        return Err(Error::invalid(
            Code::ReportSigned,
            "intervention",
            format!(
                "the intervention already has the signed report {}: make an amendment",
                signed.number
            ),
        ));
    }
    insert_draft(store, intervention, None)
}

/// "Termina e firma": what the technician typed and has not saved (`pending`) is saved first,
/// the timer stops if it runs or is paused, and the intervention's report is returned (its draft,
/// or a new one) — so what the customer signs is what the technician saw on screen. A wrong field
/// refuses everything before the timer is touched.
pub fn finish_and_open(
    store: &mut Store,
    intervention: InterventionId,
    pending: &InterventionPatch,
) -> Result<Report> {
    interventions::update(store, intervention, pending)?;
    let state = interventions::detail(store, intervention)?.timer_state;
    if matches!(state, TimerState::Running | TimerState::Paused) {
        interventions::stop(store, intervention)?;
    }
    create(store, intervention)
}

/// A new draft that supersedes the signed report `number` (the amendment). Refused for a draft
/// (INCONSISTENT: edit the intervention instead) and for a report already amended (ALREADY_EXISTS).
pub fn amend(store: &mut Store, number: &str) -> Result<Report> {
    let old = get_by_number(store, number)?;
    if old.status != ReportStatus::Signed {
        return Err(Error::Inconsistent(format!(
            "{} is a draft: it follows its intervention until signed, there is nothing to amend",
            old.number
        )));
    }
    let amended: Option<String> = store
        .conn()
        .query_row(
            "SELECT number FROM reports WHERE supersedes_id = ?1",
            [old.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(by) = amended {
        return Err(Error::AlreadyExists {
            what: "amendment",
            value: format!("{} is already amended by {by}", old.number),
        });
    }
    ensure_timer_stopped(store, old.intervention_id)?;
    insert_draft(store, old.intervention_id, Some(old.id))
}

fn insert_draft(
    store: &mut Store,
    intervention: InterventionId,
    supersedes: Option<ReportId>,
) -> Result<Report> {
    let i = interventions::get(store, intervention)?;
    let tz = store.tz();
    let work_date = i
        .started_at
        .as_deref()
        .map(parse_instant)
        .transpose()?
        .map_or_else(|| local_date(store.now(), tz), |t| local_date(t, tz));
    let id = ReportId::new();
    store.write(|tx| {
        let device_code = setup::device_code(tx.conn())?;
        let year = local_year(tx.now(), tx.tz());
        let seq = tx.next_sequence("RI", year)?;
        tx.insert(
            Entity::Report,
            &id.to_string(),
            vec![
                (
                    "number",
                    field::text(format_number("RI", year, &device_code, seq)),
                ),
                ("intervention_id", field::text(intervention.to_string())),
                ("client_id", field::text(i.client_id.to_string())),
                ("supersedes_id", field::opt_id(supersedes)),
                ("work_date", field::text(work_date.to_string())),
                ("status", field::text(ReportStatus::Draft.as_str())),
            ],
        )
    })?;
    get(store, id)
}

fn supersedes_number(store: &Store, report: &Report) -> Result<Option<String>> {
    report
        .supersedes_id
        .map(|id| get(store, id).map(|r| r.number))
        .transpose()
}

fn superseded_by_number(store: &Store, report: &Report) -> Result<Option<String>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT number FROM reports WHERE supersedes_id = ?1",
            [report.id],
            |r| r.get(0),
        )
        .optional()?)
}

fn stored_snapshot(store: &Store, id: ReportId) -> Result<(String, String)> {
    let row: (Option<String>, Option<String>) = store.conn().query_row(
        "SELECT snapshot, snapshot_sha256 FROM reports WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match row {
        (Some(s), Some(h)) => Ok((s, h)),
        _ => Err(Error::Inconsistent("the report is not signed".into())),
    }
}

/// What to print: for a draft, the content built now from its intervention; for a signed report,
/// the frozen snapshot (its content, signatures and hash), whatever happened since.
pub fn document(store: &Store, id: ReportId) -> Result<ReportDocument> {
    let report = get(store, id)?;
    let superseded_by = superseded_by_number(store, &report)?;
    match report.status {
        ReportStatus::Draft => Ok(ReportDocument {
            content: content::build(
                store,
                report.intervention_id,
                &report.number,
                supersedes_number(store, &report)?,
            )?,
            signed: None,
            superseded_by,
        }),
        ReportStatus::Signed => {
            let (snapshot, sha256) = stored_snapshot(store, id)?;
            let snap: SignedSnapshot = serde_json::from_str(&snapshot).map_err(|e| {
                Error::invalid(
                    Code::HashMismatch,
                    "snapshot",
                    format!("the stored snapshot of {} is damaged: {e}", report.number),
                )
            })?;
            Ok(ReportDocument {
                signed: Some(SignedBlock {
                    signed_at: crate::format::local_datetime(&snap.signed_at, store.tz()),
                    customer: snap.customer,
                    customer_absence: snap.customer_absence,
                    technician: snap.technician,
                    sha256,
                }),
                content: snap.content,
                superseded_by,
            })
        }
    }
}

/// Signs a draft: checks both signatures, freezes the canonical snapshot of the content as it is
/// now with the strokes, stores it and its SHA-256. All or nothing; a second signature is refused
/// with REPORT_ALREADY_SIGNED.
pub fn sign(store: &mut Store, id: ReportId, input: &SignInput) -> Result<Report> {
    let report = get(store, id)?;
    if report.status == ReportStatus::Signed {
        return Err(Error::invalid(
            Code::ReportAlreadySigned,
            "report",
            format!("{} is already signed", report.number),
        ));
    }
    ensure_timer_stopped(store, report.intervention_id)?;
    let (customer, customer_absence) = signing::customer_side(input)?;
    let content = content::build(
        store,
        report.intervention_id,
        &report.number,
        supersedes_number(store, &report)?,
    )?;
    let mut technician_input = input.technician.clone();
    if technician_input.signer_name.trim().is_empty() {
        technician_input.signer_name = content.technician_name.clone();
    }
    let technician = signing::clean_signature("technician", &technician_input)?;
    let signed_at = format_instant(store.now());
    let snapshot = SignedSnapshot {
        format: signing::SNAPSHOT_FORMAT,
        content,
        customer,
        technician,
        signed_at: signed_at.clone(),
        customer_absence,
    };
    let json = snapshot.canonical_json()?;
    let sha256 = signing::sha256_hex(json.as_bytes());
    store.write(|tx| {
        // Re-read inside the transaction: two windows signing at once must not both win.
        if get_in(tx.conn(), id)?.status == ReportStatus::Signed {
            return Err(Error::invalid(
                Code::ReportAlreadySigned,
                "report",
                format!("{} is already signed", report.number),
            ));
        }
        tx.update(
            Entity::Report,
            &id.to_string(),
            vec![
                ("status", field::text(ReportStatus::Signed.as_str())),
                // Who signed: the customer, or the technician alone.
                (
                    "signer_name",
                    field::text(
                        snapshot
                            .customer
                            .as_ref()
                            .map_or(&snapshot.technician.signer_name, |c| &c.signer_name),
                    ),
                ),
                ("signed_at", field::text(&signed_at)),
                ("snapshot", field::text(&json)),
                ("snapshot_sha256", field::text(&sha256)),
            ],
        )?;
        crate::outbox::on_report_signed(tx, id)
    })?;
    get(store, id)
}

/// Recomputes the SHA-256 of the stored snapshot and compares it with the stored hash.
pub fn verify(store: &Store, id: ReportId) -> Result<Verification> {
    let report = get(store, id)?;
    if report.status != ReportStatus::Signed {
        return Err(Error::Inconsistent(format!(
            "{} is a draft: only signed reports carry a hash",
            report.number
        )));
    }
    let (snapshot, stored) = stored_snapshot(store, id)?;
    let computed = signing::sha256_hex(snapshot.as_bytes());
    let canonical = serde_json::from_str::<SignedSnapshot>(&snapshot)
        .ok()
        .and_then(|s| s.canonical_json().ok())
        .is_some_and(|c| c == snapshot);
    Ok(Verification {
        number: report.number,
        matches: canonical && computed == stored,
        stored_sha256: stored,
        computed_sha256: computed,
        canonical,
        signed_at: report.signed_at.unwrap_or_default(),
        signer_name: report.signer_name.unwrap_or_default(),
    })
}

/// Reports, newest work first, filtered by text (number, client, ticket), client, dates, status.
pub fn list(
    store: &Store,
    filter: &ReportFilter,
    page: &PageRequest,
) -> Result<Page<ReportSummary>> {
    let mut sql = format!(
        "SELECT {COLUMNS}, c.name, t.number,
                (SELECT number FROM reports p WHERE p.id = r.supersedes_id),
                (SELECT number FROM reports n WHERE n.supersedes_id = r.id)
         FROM reports r
         JOIN clients c ON c.id = r.client_id
         JOIN interventions i ON i.id = r.intervention_id
         JOIN tickets t ON t.id = i.ticket_id
         WHERE 1 = 1"
    );
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, v: String| {
        params.push(v.into());
        sql.push_str(&clause.replace("?", &format!("?{}", params.len())));
    };
    if let Some(q) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        push(
            &mut sql,
            " AND (r.number LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR t.number LIKE ? ESCAPE '\\' OR r.signer_name LIKE ? ESCAPE '\\')",
            like,
        );
    }
    if let Some(c) = filter.client_id {
        push(&mut sql, " AND r.client_id = ?", c.to_string());
    }
    if let Some(i) = filter.intervention_id {
        push(&mut sql, " AND r.intervention_id = ?", i.to_string());
    }
    for (value, clause, field) in [
        (&filter.from, " AND r.work_date >= ?", "from"),
        (&filter.to, " AND r.work_date <= ?", "to"),
    ] {
        if let Some(d) = value.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            push(
                &mut sql,
                clause,
                crate::time::parse_user_date(field, d)?.to_string(),
            );
        }
    }
    if let Some(s) = filter.status {
        push(&mut sql, " AND r.status = ?", s.as_str().to_owned());
    }
    params.push(page.sql_limit().into());
    params.push(page.sql_offset().into());
    sql.push_str(&format!(
        " ORDER BY r.work_date DESC, r.number DESC LIMIT ?{} OFFSET ?{}",
        params.len() - 1,
        params.len()
    ));
    let rows = store
        .conn()
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(params), |r| {
            Ok(ReportSummary {
                report: from_row(r)?,
                client_name: r.get(11)?,
                ticket_number: r.get(12)?,
                supersedes_number: r.get(13)?,
                superseded_by_number: r.get(14)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(rows, page))
}
