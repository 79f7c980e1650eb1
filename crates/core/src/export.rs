//! CSV export (issue 20, item 2): clients, tickets, interventions with their times, time entries,
//! materials and the month's billable lines, written by the one writer ([`CsvWriter`]) so they
//! open right in LibreOffice and Excel ([`CsvStyle::Italian`]: BOM, `;`, decimal comma, local
//! `dd/mm/yyyy HH:MM` times; [`CsvStyle::Plain`]: `,`, decimal point, `yyyy-mm-dd HH:MM`).
//!
//! The clients', contracts' and technicians' headers are the import's field names, so an exported
//! file imports back with no mapping to choose (and re-importing it updates by external id,
//! Partita IVA, client and name, or code).

use chrono_tz::Tz;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csvfile::{CsvStyle, CsvWriter};
use crate::error::{Error, Result};
use crate::interventions::timer::BILLABLE_SECONDS_SQL;
use crate::macros::string_enum;
use crate::store::Store;
use crate::time::parse_instant;
use crate::views::{billing, billing_csv};

string_enum! {
    /// What one CSV export holds.
    ExportKind, field = "kind" {
        Clients => "clients",
        Tickets => "tickets",
        /// One row per intervention with its billable hours.
        Interventions => "interventions",
        TimeEntries => "time_entries",
        Materials => "materials",
        /// The month's billable lines (needs `month`).
        BillableLines => "billable_lines",
        /// Contracts with their opening balance, headed with the import's field names.
        Contracts => "contracts",
        /// Technicians, headed with the import's field names.
        Technicians => "technicians",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportOptions {
    pub kind: ExportKind,
    pub style: CsvStyle,
    /// `2026-11` or `11/2026`: the billable lines' month (required for them), or only the
    /// tickets opened, interventions started, time and materials recorded in that month.
    #[serde(default)]
    #[ts(optional)]
    pub month: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Exported {
    pub kind: ExportKind,
    pub rows: u32,
    #[serde(skip)]
    #[ts(skip)]
    pub bytes: Vec<u8>,
}

/// An export saved to a file (what the app reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedExport {
    pub kind: ExportKind,
    pub rows: u32,
    pub path: String,
}

/// One export the app offers, with its words (Italian first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportKindInfo {
    pub kind: ExportKind,
    pub label_it: String,
    pub label_en: String,
    /// The month must be given (the billable lines); for the others it is an optional filter.
    pub month_required: bool,
}

/// Every export, in [`ExportKind::ALL`] order.
pub fn kinds() -> Vec<ExportKindInfo> {
    ExportKind::ALL
        .iter()
        .map(|&kind| {
            let (it, en) = match kind {
                ExportKind::Clients => ("Clienti", "Clients"),
                ExportKind::Contracts => ("Contratti", "Contracts"),
                ExportKind::Technicians => ("Tecnici", "Technicians"),
                ExportKind::Tickets => ("Ticket", "Tickets"),
                ExportKind::Interventions => ("Interventi con le ore", "Interventions with hours"),
                ExportKind::TimeEntries => ("Registrazioni di tempo", "Time entries"),
                ExportKind::Materials => ("Materiali", "Materials"),
                ExportKind::BillableLines => {
                    ("Righe da fatturare del mese", "The month's billable lines")
                }
            };
            ExportKindInfo {
                kind,
                label_it: it.to_owned(),
                label_en: en.to_owned(),
                month_required: kind == ExportKind::BillableLines,
            }
        })
        .collect()
}

/// The clients' columns (archived clients are left out): the import's field names (see
/// `import::mapping::targets`).
const CLIENT_HEADER: [&str; 14] = [
    "name",
    "external_id",
    "vat_number",
    "fiscal_code",
    "street",
    "postcode",
    "city",
    "province",
    "email",
    "pec",
    "phone",
    "notes",
    "customer_class",
    "patron_day",
];

/// One export's query: its header and SQL (`?1`/`?2` bound to the month's first and next
/// day, UTC instants, or NULL for no period). Columns are text, numbers or instants (`*_at`
/// columns are shown local).
struct Query {
    header: &'static [&'static str],
    sql: String,
    /// How each column is written.
    kinds: &'static [Col],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Text,
    Instant,
    Hours,
    Number,
    Money,
    /// Minutes written as decimal hours.
    Minutes,
    /// 0/1 written as `sì`/`no`.
    YesNo,
}

fn query(kind: ExportKind) -> Query {
    use Col::*;
    let period = |col: &str| format!("(?1 IS NULL OR ({col} >= ?1 AND {col} < ?2))");
    match kind {
        ExportKind::Clients => Query {
            header: &CLIENT_HEADER,
            sql: "SELECT name, external_id, vat_number, fiscal_code, street, postcode, city, province,
                         email, pec, phone, notes, customer_class, patron_day
                  FROM clients WHERE archived = 0 ORDER BY name COLLATE NOCASE, id"
                .to_owned(),
            kinds: &[Text; 14],
        },
        ExportKind::Tickets => Query {
            header: &[
                "numero", "cliente", "titolo", "stato", "gravita", "origine", "categoria",
                "segnalato_il", "aperto_il", "risolto_il", "chiuso_il", "tecnico", "ore",
            ],
            sql: format!(
                "SELECT t.number, c.name, t.title, t.status, t.severity, t.origin, t.category,
                        t.reported_at, t.opened_at, t.resolved_at, t.closed_at, te.code,
                        (SELECT COALESCE(SUM(({BILLABLE_SECONDS_SQL})), 0) FROM interventions i
                         WHERE i.ticket_id = t.id)
                 FROM tickets t JOIN clients c ON c.id = t.client_id
                 LEFT JOIN technicians te ON te.id = t.assigned_technician_id
                 WHERE {} ORDER BY t.opened_at, t.number",
                period("t.opened_at")
            ),
            kinds: &[
                Text, Text, Text, Text, Text, Text, Text, Instant, Instant, Instant, Instant,
                Text, Hours,
            ],
        },
        ExportKind::Interventions => Query {
            header: &[
                "ticket", "cliente", "modalita", "tecnico", "inizio", "fine", "ore", "km",
                "minuti_viaggio", "esito", "lavoro_svolto",
            ],
            sql: format!(
                "SELECT t.number, c.name, i.mode, te.code, i.started_at, i.finished_at,
                        ({BILLABLE_SECONDS_SQL}), i.travel_km, i.travel_minutes, i.outcome, i.work_done
                 FROM interventions i JOIN tickets t ON t.id = i.ticket_id
                 JOIN clients c ON c.id = i.client_id
                 LEFT JOIN technicians te ON te.id = i.technician_id
                 WHERE {} ORDER BY i.started_at, t.number",
                period("i.started_at")
            ),
            kinds: &[
                Text, Text, Text, Text, Instant, Instant, Hours, Number, Number, Text, Text,
            ],
        },
        ExportKind::TimeEntries => Query {
            header: &[
                "ticket", "cliente", "tecnico", "tipo", "inizio", "fine", "ore", "da_rivedere",
                "nota",
            ],
            sql: format!(
                "SELECT t.number, c.name, te.code, e.kind, e.started_at, e.ended_at, e.seconds,
                        e.needs_review, e.note
                 FROM time_entries e JOIN interventions i ON i.id = e.intervention_id
                 JOIN tickets t ON t.id = i.ticket_id JOIN clients c ON c.id = i.client_id
                 LEFT JOIN technicians te ON te.id = e.technician_id
                 WHERE {} ORDER BY e.started_at, e.id",
                period("e.started_at")
            ),
            kinds: &[Text, Text, Text, Text, Instant, Instant, Hours, Number, Text],
        },
        ExportKind::Materials => Query {
            header: &[
                "ticket", "cliente", "data", "descrizione", "quantita", "prezzo_unitario",
                "aliquota_iva", "imponibile",
            ],
            sql: format!(
                "SELECT t.number, c.name, m.created_at, m.description, m.quantity,
                        m.unit_price_cents, m.vat_rate, CAST(round(m.quantity * m.unit_price_cents) AS INTEGER)
                 FROM materials m JOIN interventions i ON i.id = m.intervention_id
                 JOIN tickets t ON t.id = i.ticket_id JOIN clients c ON c.id = i.client_id
                 WHERE {} ORDER BY m.created_at, m.id",
                period("m.created_at")
            ),
            kinds: &[Text, Text, Instant, Text, Number, Money, Number, Money],
        },
        // Archived contracts are left out; the columns are exactly the import's fields, so the
        // file imports back; hours as decimal hours, rates and fees in euros.
        ExportKind::Contracts => Query {
            header: crate::import::mapping::targets(crate::import::ImportEntity::Contracts),
            sql: "SELECT k.name, k.external_id, c.external_id, c.vat_number, c.fiscal_code, k.kind,
                         k.starts_on, k.ends_on, k.included_minutes, k.package_mode,
                         k.incident_tickets, cal.name, k.customer_class, k.overage_rate_cents,
                         k.rate_on_site_cents, k.rate_remote_cents, k.callout_fee_cents,
                         k.km_rate_cents, k.rounding_minutes, k.minimum_minutes, k.notes,
                         k.opening_used_minutes, k.opening_used_tickets
                  FROM contracts k JOIN clients c ON c.id = k.client_id
                  LEFT JOIN calendars cal ON cal.id = k.calendar_id
                  WHERE k.archived = 0
                  ORDER BY c.name COLLATE NOCASE, k.starts_on, k.name, k.id"
                .to_owned(),
            kinds: &[
                Text, Text, Text, Text, Text, Text, Text, Text, Minutes, Text, Number, Text, Text,
                Money, Money, Money, Money, Money, Number, Number, Text, Minutes, Number,
            ],
        },
        ExportKind::Technicians => Query {
            header: &["code", "name", "email", "phone", "active"],
            sql: "SELECT code, name, email, phone, active FROM technicians ORDER BY code"
                .to_owned(),
            kinds: &[Text, Text, Text, Text, YesNo],
        },
        ExportKind::BillableLines => unreachable!("written by views::billing_csv"),
    }
}

fn instant(style: CsvStyle, tz: Tz, s: &str) -> String {
    let format = match style {
        CsvStyle::Italian => "%d/%m/%Y %H:%M",
        CsvStyle::Plain => "%Y-%m-%d %H:%M",
    };
    parse_instant(s).map_or_else(
        |_| s.to_owned(),
        |t| t.with_timezone(&tz).format(format).to_string(),
    )
}

fn cell(w: &CsvWriter, style: CsvStyle, tz: Tz, kind: Col, v: SqlValue) -> String {
    let as_f64 = |v: &SqlValue| match v {
        SqlValue::Integer(i) => Some(*i as f64),
        SqlValue::Real(r) => Some(*r),
        _ => None,
    };
    match (kind, &v) {
        (_, SqlValue::Null) => String::new(),
        (Col::Instant, SqlValue::Text(s)) => instant(style, tz, s),
        (Col::Hours, SqlValue::Integer(secs)) => w.number(*secs as f64 / 3600.0),
        (Col::Money, SqlValue::Integer(cents)) => w.money(*cents),
        (Col::Minutes, SqlValue::Integer(minutes)) => w.hours(*minutes),
        (Col::YesNo, SqlValue::Integer(flag)) => {
            String::from(if *flag != 0 { "sì" } else { "no" })
        }
        (Col::Number, v) if as_f64(v).is_some() => w.number(as_f64(v).unwrap_or_default()),
        (_, SqlValue::Text(s)) => s.clone(),
        (_, SqlValue::Integer(i)) => i.to_string(),
        (_, SqlValue::Real(r)) => w.number(*r),
        (_, SqlValue::Blob(_)) => String::new(),
    }
}

/// Writes the export `options` asks for.
pub fn export(store: &Store, options: &ExportOptions) -> Result<Exported> {
    let bounds = match &options.month {
        None => None,
        Some(m) => {
            let (y, mo) = crate::time::parse_month(m)?;
            let (first, last) = crate::time::month_bounds(y, mo)?;
            let next = last.succ_opt().unwrap_or(last);
            let tz = store.tz();
            Some((
                crate::time::format_instant(crate::time::start_of_day(first, tz)),
                crate::time::format_instant(crate::time::start_of_day(next, tz)),
            ))
        }
    };
    if options.kind == ExportKind::BillableLines {
        let m = options
            .month
            .as_deref()
            .ok_or_else(|| Error::required("month"))?;
        let (y, mo) = crate::time::parse_month(m)?;
        let month = billing::month(store, y, mo, None)?;
        let rows = month.clients.iter().map(|c| c.lines.len()).sum::<usize>();
        let bytes = billing_csv::to_csv(
            &month,
            billing_csv::CsvOptions {
                style: options.style,
            },
        )?;
        return Ok(Exported {
            kind: options.kind,
            rows: u32::try_from(rows).unwrap_or(u32::MAX),
            bytes,
        });
    }
    let q = query(options.kind);
    let tz = store.tz();
    let mut w = CsvWriter::new(options.style, q.header)?;
    let mut stmt = store.conn().prepare(&q.sql)?;
    let (from, to) = match &bounds {
        Some((a, b)) => (Some(a.as_str()), Some(b.as_str())),
        None => (None, None),
    };
    let params: &[&dyn rusqlite::ToSql] = if matches!(
        options.kind,
        ExportKind::Clients | ExportKind::Contracts | ExportKind::Technicians
    ) {
        &[]
    } else {
        &[&from, &to]
    };
    let mut rows = stmt.query(params)?;
    let mut n = 0u32;
    while let Some(r) = rows.next()? {
        let mut cells = Vec::with_capacity(q.kinds.len());
        for (i, kind) in q.kinds.iter().enumerate() {
            cells.push(cell(&w, options.style, tz, *kind, r.get::<_, SqlValue>(i)?));
        }
        w.row(cells)?;
        n += 1;
    }
    Ok(Exported {
        kind: options.kind,
        rows: n,
        bytes: w.finish()?,
    })
}
