//! What to invoice (issue 17, item 9): a month's billable lines per client, derived from the same
//! ledger replay as the monthly statement ([`super::statements`]) — never a second allocation —
//! plus the month's materials and accepted quotes.
//!
//! - Hours beyond every allowance (and work with no contract, or outside the contract with no
//!   quote), one line per rate; extra time, one line per rate; priority on demand, one line per
//!   ticket; call-out fees, one line per fee; kilometres, one line per rate.
//! - Only final work (finished interventions, no timer running): a preview is not invoiced.
//! - Materials of the month's final interventions at their own VAT rate; none on a defect of the
//!   shop's own product, none on a ticket charged per an accepted quote (the quote prices them).
//! - Accepted quotes in the month they were accepted (local date), line by line as the quote
//!   prices them, at each line's VAT rate. Their work is never drawn from packages (the ledger).
//! - Services (hours, surcharges, call-out, travel) at the shop's default VAT rate.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::format::euro;
use crate::ids::{ClientId, InterventionId};
use crate::ledger::{AllocationLine, InterventionAllocation, Source};
use crate::macros::string_enum;
use crate::store::Store;
use crate::time::{format_instant, local_date, parse_instant, start_of_day};
use crate::vat::{self, VatTotals};
use crate::views::statements::{self, StatementData};

string_enum! {
    /// What a billable line is for.
    BillableKind, field = "kind" {
        /// Hours billed at a rate (overage, no contract, out of scope without a quote).
        Hours => "hours",
        /// Hours outside the coverage window, surcharged.
        ExtraTime => "extra_time",
        /// Priority on demand's surcharge.
        Priority => "priority",
        Callout => "callout",
        Travel => "travel",
        Material => "material",
        /// A line of an accepted quote.
        Quote => "quote",
    }
}

/// One line to invoice.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BillableLine {
    pub kind: BillableKind,
    /// Italian, as the invoice would say it.
    pub description: String,
    /// The tickets or the quote the line comes from (`T-…`, `P-…`), comma-separated.
    pub reference: String,
    /// Hours (decimal) for time, km for travel, units for materials and quote lines.
    pub quantity: f64,
    /// `h`, `km`, `pz`…
    pub unit: String,
    /// Before VAT.
    pub unit_price_cents: i64,
    /// Before VAT (for time: the sum of each intervention's amount, as the statement has it).
    pub amount_cents: i64,
    pub vat_rate: i64,
}

/// One client's lines for a month.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ClientBillable {
    pub client_id: ClientId,
    pub client_name: String,
    pub lines: Vec<BillableLine>,
    /// Imponibile, IVA per rate, total.
    pub vat: VatTotals,
}

/// The month's billable lines of every client with something to invoice.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BillingMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub clients: Vec<ClientBillable>,
    /// The grand total over the clients (VAT per rate summed client by client).
    pub vat: VatTotals,
}

/// One client's billable lines for a month.
pub fn for_client(
    store: &Store,
    client: ClientId,
    year: i32,
    month: u32,
) -> Result<ClientBillable> {
    let data = statements::monthly(store, client, year, month)?;
    from_statement(store, &data)
}

/// Every client's billable lines for a month (clients with nothing to invoice left out).
///
/// The ledger replay is the statements' one, client by client; the month's materials and accepted
/// quotes are then one query each for every client at once, grouped by client (a look-up per
/// client cost as much as a fifth of the replay on 5,000 clients).
pub fn month(store: &Store, year: i32, month: u32, limit: Option<usize>) -> Result<BillingMonth> {
    let (first, last) = statements::month_bounds(year, month)?;
    let mut all = Vec::new();
    statements::for_each_monthly(store, year, month, limit, |_, _, data| {
        all.push(data);
        Ok(())
    })?;
    let finals: HashMap<ClientId, HashSet<InterventionId>> = all
        .iter()
        .map(|d| (d.client_id, final_ids(d)))
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    let mut materials = materials(store, first, last, &finals)?;
    let mut quotes = quotes(store, None, first, last)?;
    let services_vat = crate::catalogue::default_vat_rate_in(store.conn())?;
    let clients = all
        .iter()
        .map(|d| {
            let extra = (materials.remove(&d.client_id), quotes.remove(&d.client_id));
            client_lines(d, services_vat, extra)
        })
        .filter(|c| !c.lines.is_empty())
        .collect();
    Ok(assemble(year, month, clients))
}

/// The month of many clients' lines, with the grand total.
pub fn assemble(year: i32, month: u32, clients: Vec<ClientBillable>) -> BillingMonth {
    let vat = sum_totals(clients.iter().map(|c| &c.vat));
    BillingMonth {
        month: format!("{year}-{month:02}"),
        clients,
        vat,
    }
}

/// The sum of several documents' totals, rate by rate (each client's VAT is computed on its own
/// invoice, so the grand total adds the clients' VAT, it does not recompute it).
pub fn sum_totals<'a>(all: impl IntoIterator<Item = &'a VatTotals>) -> VatTotals {
    let mut out = VatTotals::default();
    for t in all {
        for r in &t.per_rate {
            match out.per_rate.iter_mut().find(|o| o.rate == r.rate) {
                Some(o) => {
                    o.taxable_cents += r.taxable_cents;
                    o.vat_cents += r.vat_cents;
                }
                None => out.per_rate.push(*r),
            }
        }
        out.taxable_cents += t.taxable_cents;
        out.vat_cents += t.vat_cents;
        out.total_cents += t.total_cents;
    }
    out.per_rate.sort_by_key(|r| std::cmp::Reverse(r.rate));
    out
}

/// The billable lines of one client's month, from its statement data (the ledger replay already
/// done) and the month's materials and accepted quotes.
pub fn from_statement(store: &Store, data: &StatementData) -> Result<ClientBillable> {
    let services_vat = crate::catalogue::default_vat_rate_in(store.conn())?;
    let first = NaiveDate::parse_from_str(&data.period_start, "%Y-%m-%d").unwrap_or_default();
    let last = NaiveDate::parse_from_str(&data.period_end, "%Y-%m-%d").unwrap_or_default();
    let finals = HashMap::from([(data.client_id, final_ids(data))]);
    let materials = materials(store, first, last, &finals)?.remove(&data.client_id);
    let quotes = quotes(store, Some(data.client_id), first, last)?.remove(&data.client_id);
    Ok(client_lines(data, services_vat, (materials, quotes)))
}

/// The month's final interventions (a preview is not invoiced).
fn final_ids(data: &StatementData) -> HashSet<InterventionId> {
    data.interventions
        .iter()
        .filter(|a| a.is_final)
        .map(|a| a.intervention_id)
        .collect()
}

/// One client's lines: the ledger's, then its materials and quotes of the month (already fetched).
fn client_lines(
    data: &StatementData,
    services_vat: i64,
    (materials, quotes): (Option<Vec<BillableLine>>, Option<Vec<BillableLine>>),
) -> ClientBillable {
    let finals: Vec<&InterventionAllocation> =
        data.interventions.iter().filter(|a| a.is_final).collect();
    let mut lines = ledger_lines(&finals, services_vat);
    lines.extend(materials.unwrap_or_default());
    lines.extend(quotes.unwrap_or_default());
    let vat = vat::totals(lines.iter().map(|l| (l.vat_rate, l.amount_cents)));
    ClientBillable {
        client_id: data.client_id,
        client_name: data.client_name.clone(),
        lines,
        vat,
    }
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// One line being summed: its kind and key (the rate, the fee, the ticket), the line, the
/// tickets it covers and its minutes.
struct Group {
    key: (BillableKind, String),
    line: BillableLine,
    tickets: Vec<String>,
    minutes: i64,
}

/// One ledger line's share of a billable line.
struct Share<'a> {
    kind: BillableKind,
    key: String,
    unit: &'static str,
    unit_price: i64,
    quantity: f64,
    minutes: i64,
    amount: i64,
    ticket: &'a str,
}

fn add(groups: &mut Vec<Group>, s: Share<'_>, vat_rate: i64, description: impl FnOnce() -> String) {
    let key = (s.kind, s.key);
    let at = match groups.iter().position(|g| g.key == key) {
        Some(at) => at,
        None => {
            groups.push(Group {
                key,
                line: BillableLine {
                    kind: s.kind,
                    description: description(),
                    reference: String::new(),
                    quantity: 0.0,
                    unit: s.unit.to_owned(),
                    unit_price_cents: s.unit_price,
                    amount_cents: 0,
                    vat_rate,
                },
                tickets: Vec::new(),
                minutes: 0,
            });
            groups.len() - 1
        }
    };
    let g = &mut groups[at];
    g.line.quantity += s.quantity;
    g.line.amount_cents += s.amount;
    g.minutes += s.minutes;
    if !g.tickets.iter().any(|t| t == s.ticket) {
        g.tickets.push(s.ticket.to_owned());
    }
}

/// Time and charges from the ledger's lines (lines of no amount are not billed: allowances,
/// bug fixes, quote-charged work, the free-hours channel note).
fn ledger_lines(finals: &[&InterventionAllocation], vat_rate: i64) -> Vec<BillableLine> {
    let mut groups: Vec<Group> = Vec::new();
    for a in finals {
        for l in a.lines.iter().filter(|l| l.amount_cents != 0) {
            add_ledger_line(&mut groups, a, l, vat_rate);
        }
    }
    let mut out: Vec<BillableLine> = groups
        .into_iter()
        .map(|g| {
            let mut line = g.line;
            match line.kind {
                BillableKind::Hours | BillableKind::ExtraTime => line.quantity = hours(g.minutes),
                // A ticket's fee and percentage together: one item at their sum.
                BillableKind::Priority => {
                    line.quantity = 1.0;
                    line.unit_price_cents = line.amount_cents;
                }
                _ => {}
            }
            line.quantity = (line.quantity * 1000.0).round() / 1000.0;
            line.reference = g.tickets.join(", ");
            line
        })
        .collect();
    out.sort_by_key(|l| kind_rank(l.kind));
    out
}

fn kind_rank(k: BillableKind) -> u8 {
    match k {
        BillableKind::Hours => 0,
        BillableKind::ExtraTime => 1,
        BillableKind::Priority => 2,
        BillableKind::Callout => 3,
        BillableKind::Travel => 4,
        BillableKind::Material => 5,
        BillableKind::Quote => 6,
    }
}

fn add_ledger_line(
    groups: &mut Vec<Group>,
    a: &InterventionAllocation,
    l: &AllocationLine,
    vat: i64,
) {
    let ticket = a.ticket_number.as_str();
    let rate = l.rate_cents.unwrap_or(0);
    let share = |kind, key: String, unit, unit_price, quantity, minutes| Share {
        kind,
        key,
        unit,
        unit_price,
        quantity,
        minutes,
        amount: l.amount_cents,
        ticket,
    };
    match l.source {
        Source::ExtraTime => add(
            groups,
            share(
                BillableKind::ExtraTime,
                rate.to_string(),
                "h",
                rate,
                0.0,
                l.minutes,
            ),
            vat,
            || format!("Assistenza fuori orario a {}/h", euro(rate)),
        ),
        Source::Priority => add(
            groups,
            share(BillableKind::Priority, ticket.to_owned(), "", 0, 0.0, 0),
            vat,
            || format!("Priorità su richiesta, ticket {ticket}"),
        ),
        Source::Callout => add(
            groups,
            share(
                BillableKind::Callout,
                l.amount_cents.to_string(),
                "",
                l.amount_cents,
                1.0,
                0,
            ),
            vat,
            || "Diritto di chiamata".to_owned(),
        ),
        Source::Travel => {
            let km_rate = l.km_rate_cents.unwrap_or(0);
            add(
                groups,
                share(
                    BillableKind::Travel,
                    km_rate.to_string(),
                    "km",
                    km_rate,
                    l.km.unwrap_or(0.0),
                    0,
                ),
                vat,
                || format!("Trasferta a {}/km", euro(km_rate)),
            );
        }
        // Overage, no contract, a package's mode limit, out of scope without a quote: hours.
        _ => add(
            groups,
            share(
                BillableKind::Hours,
                rate.to_string(),
                "h",
                rate,
                0.0,
                l.minutes,
            ),
            vat,
            || format!("Assistenza tecnica a {}/h", euro(rate)),
        ),
    }
}

/// The month's materials of final interventions, at their own VAT rate, one line each, grouped by
/// client: one query for every client, driven by the final interventions' ids (primary key, then
/// `materials_intervention`), so it costs what the month holds, not what the database holds.
fn materials(
    store: &Store,
    first: NaiveDate,
    last: NaiveDate,
    finals: &HashMap<ClientId, HashSet<InterventionId>>,
) -> Result<HashMap<ClientId, Vec<BillableLine>>> {
    let mut out: HashMap<ClientId, Vec<BillableLine>> = HashMap::new();
    let ids: Vec<String> = finals.values().flatten().map(|id| id.to_string()).collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let ids = serde_json::to_string(&ids).map_err(|e| {
        crate::error::Error::Inconsistent(format!("intervention ids not serialisable: {e}"))
    })?;
    let tz = store.tz();
    let lo = format_instant(start_of_day(first, tz));
    let hi = format_instant(start_of_day(last + chrono::Duration::days(1), tz));
    // CROSS JOIN keeps the ids first: SQLite does not reorder it.
    let mut stmt = store.conn().prepare_cached(
        "SELECT i.client_id, i.id, t.number, m.description, m.quantity, m.unit_price_cents,
                m.vat_rate, COALESCE(a.unit, 'pz')
         FROM json_each(?1) j
         CROSS JOIN interventions i ON i.id = j.value
         JOIN tickets t ON t.id = i.ticket_id
         JOIN materials m ON m.intervention_id = i.id
         LEFT JOIN articles a ON a.id = m.article_id
         WHERE t.is_bug = 0
           AND NOT (t.out_of_scope <> 0 AND EXISTS (SELECT 1 FROM quotes q
                    WHERE q.ticket_id = t.id AND q.status = 'accepted'))
           AND ((i.started_at >= ?2 AND i.started_at < ?3)
             OR (i.started_at IS NULL AND i.created_at >= ?2 AND i.created_at < ?3))
         ORDER BY COALESCE(i.started_at, i.created_at), i.id, m.created_at, m.id",
    )?;
    let mut rows = stmt.query(rusqlite::params![ids, lo, hi])?;
    while let Some(r) = rows.next()? {
        let client: ClientId = r.get(0)?;
        let id: InterventionId = r.get(1)?;
        // The client's own final interventions only (as the statement's allocations have them).
        if !finals.get(&client).is_some_and(|f| f.contains(&id)) {
            continue;
        }
        let quantity: f64 = r.get(4)?;
        let unit_price: i64 = r.get(5)?;
        out.entry(client).or_default().push(BillableLine {
            kind: BillableKind::Material,
            description: r.get(3)?,
            reference: r.get(2)?,
            quantity,
            unit: r.get(7)?,
            unit_price_cents: unit_price,
            amount_cents: vat::line_net(quantity, unit_price),
            vat_rate: r.get(6)?,
        });
    }
    Ok(out)
}

/// A quote's line as stored (the fields invoicing needs; `quotes::lines::QuoteLine` holds more).
#[derive(Deserialize)]
struct StoredQuoteLine {
    description: String,
    quantity: f64,
    unit: String,
    unit_price_cents: i64,
    vat_rate: i64,
}

/// The quotes accepted in the month (local date), line by line, grouped by client: one client's
/// (by `quotes_client`) or every client's in one query.
fn quotes(
    store: &Store,
    client: Option<ClientId>,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<HashMap<ClientId, Vec<BillableLine>>> {
    let tz = store.tz();
    let conn = store.conn();
    let mut stmt;
    let mut rows = match client {
        Some(c) => {
            stmt = conn.prepare_cached(
                "SELECT client_id, number, lines, accepted_at FROM quotes
                 WHERE client_id = ?1 AND status = 'accepted' ORDER BY accepted_at, id",
            )?;
            stmt.query([c])?
        }
        None => {
            stmt = conn.prepare_cached(
                "SELECT client_id, number, lines, accepted_at FROM quotes
                 WHERE status = 'accepted' ORDER BY accepted_at, id",
            )?;
            stmt.query([])?
        }
    };
    let mut out: HashMap<ClientId, Vec<BillableLine>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let accepted: String = r.get(3)?;
        let day = local_date(parse_instant(&accepted)?, tz);
        if day < first || day > last {
            continue;
        }
        let client: ClientId = r.get(0)?;
        let number: String = r.get(1)?;
        let lines: String = r.get(2)?;
        let lines: Vec<StoredQuoteLine> = serde_json::from_str(&lines).map_err(|e| {
            crate::error::Error::Inconsistent(format!("quote {number}: unreadable lines: {e}"))
        })?;
        let to = out.entry(client).or_default();
        for l in lines {
            to.push(BillableLine {
                kind: BillableKind::Quote,
                description: format!("Preventivo {number}: {}", l.description),
                reference: number.clone(),
                quantity: l.quantity,
                unit: l.unit,
                unit_price_cents: l.unit_price_cents,
                amount_cents: vat::line_net(l.quantity, l.unit_price_cents),
                vat_rate: l.vat_rate,
            });
        }
    }
    Ok(out)
}
