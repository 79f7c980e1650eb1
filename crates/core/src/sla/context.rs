//! What SLA and ledger computations read, loaded once per request or batch: contracts per client,
//! the clients' class and patron day, the sites' patron days, calendars resolved for arithmetic.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use super::TicketSla;
use crate::calendars::{self, BusinessCalendar, Calendar};
use crate::contracts::governing::{self, Governing};
use crate::contracts::{self, Contract};
use crate::error::Result;
use crate::ids::{CalendarId, ClientId, SiteId, TicketId};
use crate::tickets::{self, Ticket, TicketFilter, TicketStatus, TicketSummary};
use crate::time::{parse_instant, Tz};

type MonthDay = (u32, u32);
type Pauses = Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>;
/// Resolved calendars by (calendar, patron day closed).
type BusinessCache = RefCell<HashMap<(CalendarId, Option<MonthDay>), Rc<BusinessCalendar>>>;

#[derive(Debug, Clone, Default)]
struct ClientTerms {
    class: String,
    patron: Option<MonthDay>,
}

pub struct Context {
    contracts: HashMap<ClientId, Vec<Contract>>,
    clients: HashMap<ClientId, ClientTerms>,
    site_patrons: HashMap<SiteId, MonthDay>,
    calendars: HashMap<CalendarId, Calendar>,
    business: BusinessCache,
}

/// `12-07` → (12, 7).
pub(crate) fn parse_month_day(s: &str) -> Option<MonthDay> {
    let (m, d) = s.trim().split_once('-')?;
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(2024, m, d).map(|_| (m, d))
}

impl Context {
    fn load(conn: &Connection, client: Option<ClientId>, since: Option<NaiveDate>) -> Result<Self> {
        let mut contracts: HashMap<ClientId, Vec<Contract>> = HashMap::new();
        let list = match client {
            Some(c) => contracts::for_client_in(conn, c)?,
            None => contracts::all_in(conn, since)?,
        };
        for c in list {
            contracts.entry(c.client_id).or_default().push(c);
        }
        let mut clients = HashMap::new();
        let mut site_patrons = HashMap::new();
        {
            let (sql, param) = match client {
                Some(c) => (
                    "SELECT id, customer_class, patron_day FROM clients WHERE id = ?1",
                    Some(c),
                ),
                None => ("SELECT id, customer_class, patron_day FROM clients", None),
            };
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = match param {
                Some(c) => stmt.query([c])?,
                None => stmt.query([])?,
            };
            while let Some(r) = rows.next()? {
                let patron: Option<String> = r.get(2)?;
                clients.insert(
                    r.get::<_, ClientId>(0)?,
                    ClientTerms {
                        class: r.get(1)?,
                        patron: patron.as_deref().and_then(parse_month_day),
                    },
                );
            }
            let sql = match client {
                Some(_) => "SELECT id, patron_day FROM sites WHERE client_id = ?1 AND patron_day IS NOT NULL",
                None => "SELECT id, patron_day FROM sites WHERE patron_day IS NOT NULL",
            };
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = match client {
                Some(c) => stmt.query([c])?,
                None => stmt.query([])?,
            };
            while let Some(r) = rows.next()? {
                let day: String = r.get(1)?;
                if let Some(md) = parse_month_day(&day) {
                    site_patrons.insert(r.get::<_, SiteId>(0)?, md);
                }
            }
        }
        let mut calendars_by_id = HashMap::new();
        let wanted: Vec<CalendarId> = contracts
            .values()
            .flatten()
            .flat_map(|c| {
                c.terms
                    .calendar_id
                    .into_iter()
                    .chain(c.terms.severity_calendars.all())
            })
            .collect();
        for id in wanted {
            if let std::collections::hash_map::Entry::Vacant(e) = calendars_by_id.entry(id) {
                e.insert(calendars::get_in(conn, id)?);
            }
        }
        Ok(Context {
            contracts,
            clients,
            site_patrons,
            calendars: calendars_by_id,
            business: RefCell::new(HashMap::new()),
        })
    }

    /// Everything one client's tickets and interventions need.
    pub fn for_client(conn: &Connection, client: ClientId) -> Result<Self> {
        Self::load(conn, Some(client), None)
    }

    /// Everything, for batches over all clients.
    pub fn for_all(conn: &Connection) -> Result<Self> {
        Self::load(conn, None, None)
    }

    /// For batches that only look at days from `since` on (SLA clocks of tickets reported since):
    /// contracts that ended before are not read, so the cost does not grow with the years.
    pub fn for_all_since(conn: &Connection, since: NaiveDate) -> Result<Self> {
        Self::load(conn, None, Some(since))
    }

    pub fn contracts_of(&self, client: ClientId) -> &[Contract] {
        self.contracts.get(&client).map_or(&[], Vec::as_slice)
    }

    pub fn client_class(&self, client: ClientId) -> &str {
        self.clients
            .get(&client)
            .map_or("none", |c| c.class.as_str())
    }

    /// The patron day that closes a ticket's calendar: the site's, else the client's.
    fn patron(&self, client: ClientId, site: Option<SiteId>) -> Option<MonthDay> {
        site.and_then(|s| self.site_patrons.get(&s).copied())
            .or_else(|| self.clients.get(&client).and_then(|c| c.patron))
    }

    /// The calendar resolved for arithmetic, with the patron day closed; built once per pair.
    pub fn business(
        &self,
        calendar: CalendarId,
        client: ClientId,
        site: Option<SiteId>,
    ) -> Result<Option<(Rc<BusinessCalendar>, String)>> {
        let Some(cal) = self.calendars.get(&calendar) else {
            return Ok(None);
        };
        let patron = self.patron(client, site);
        let key = (calendar, patron);
        if let Some(b) = self.business.borrow().get(&key) {
            return Ok(Some((b.clone(), cal.name.clone())));
        }
        let mut b = BusinessCalendar::from_calendar(cal)?;
        if let Some(md) = patron {
            b = b.with_closed_days(&[md]);
        }
        let b = Rc::new(b);
        self.business.borrow_mut().insert(key, b.clone());
        Ok(Some((b, cal.name.clone())))
    }

    pub fn governing(&self, ticket: &Ticket, tz: Tz) -> Governing {
        governing::choose(
            self.contracts_of(ticket.client_id),
            self.client_class(ticket.client_id),
            super::reported_on(ticket, tz),
            ticket.contract_id,
        )
    }

    pub fn ticket_sla(
        &self,
        ticket: &Ticket,
        pauses: &Pauses,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<TicketSla> {
        let governing = self.governing(ticket, tz);
        let cal = match governing
            .contract
            .as_ref()
            .and_then(|c| c.terms.calendar_for(ticket.severity))
        {
            Some(id) => self.business(id, ticket.client_id, ticket.site_id)?,
            None => None,
        };
        super::compute(
            ticket,
            governing,
            cal.as_ref().map(|(b, n)| (b.as_ref(), n.clone())),
            pauses,
            now,
        )
    }
}

/// The intervals the given tickets spent waiting (for the client or a third party: the states
/// that pause the clocks, [`TicketStatus::pauses_sla`]), from their status events.
pub(crate) fn pauses_of(conn: &Connection, ids: &[TicketId]) -> Result<HashMap<TicketId, Pauses>> {
    let mut out: HashMap<TicketId, Pauses> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    // One pass over the (rare) waiting events of open tickets, instead of one query per ticket.
    let wanted: std::collections::HashSet<TicketId> = ids.iter().copied().collect();
    const WAITING: &str = "('waiting_client', 'waiting_third_party')";
    let sql = if ids.len() == 1 {
        format!(
            "SELECT ticket_id, from_status, to_status, at FROM ticket_events
             WHERE ticket_id = ?1 AND (to_status IN {WAITING} OR from_status IN {WAITING})
             ORDER BY ticket_id, at, id"
        )
    } else {
        format!(
            "SELECT e.ticket_id, e.from_status, e.to_status, e.at FROM ticket_events e
             JOIN tickets t ON t.id = e.ticket_id
             WHERE t.status IN {}
               AND (e.to_status IN {WAITING} OR e.from_status IN {WAITING})
             ORDER BY e.ticket_id, e.at, e.id",
            TicketStatus::OPEN_SQL
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = if ids.len() == 1 {
        stmt.query([ids[0]])?
    } else {
        stmt.query([])?
    };
    while let Some(r) = rows.next()? {
        let ticket: TicketId = r.get(0)?;
        if !wanted.contains(&ticket) {
            continue;
        }
        let from: Option<TicketStatus> = r.get(1)?;
        let to: TicketStatus = r.get(2)?;
        let at = parse_instant(&r.get::<_, String>(3)?)?;
        let list = out.entry(ticket).or_default();
        let open = list.last().is_some_and(|p| p.1.is_none());
        if to.pauses_sla() {
            // A move from one wait to another (a synced history may hold one) continues the pause.
            if !open {
                list.push((at, None));
            }
        } else if from.is_some_and(TicketStatus::pauses_sla) {
            if let Some(last) = list.last_mut().filter(|p| p.1.is_none()) {
                last.1 = Some(at);
            }
        }
    }
    Ok(out)
}

/// Open tickets matching the filter, each with its list row.
pub(crate) fn open_tickets(
    conn: &Connection,
    filter: &TicketFilter,
) -> Result<Vec<(Ticket, TicketSummary)>> {
    let cols: String = tickets::COLUMNS
        .split(',')
        .map(|c| format!("t.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!(
        "SELECT {cols}, c.name, tech.code FROM tickets t JOIN clients c ON c.id = t.client_id
         LEFT JOIN technicians tech ON tech.id = t.assigned_technician_id
         WHERE t.status IN {}",
        TicketStatus::OPEN_SQL
    );
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(c) = filter.client_id {
        params.push(c.to_string().into());
        sql.push_str(&format!(" AND t.client_id = ?{}", params.len()));
    }
    if let Some(t) = filter.technician_id {
        params.push(t.to_string().into());
        sql.push_str(&format!(
            " AND t.assigned_technician_id = ?{}",
            params.len()
        ));
    }
    if let Some(s) = filter.status {
        params.push(s.as_str().to_owned().into());
        sql.push_str(&format!(" AND t.status = ?{}", params.len()));
    }
    let n = tickets::COLUMNS.split(',').count();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        let t = tickets::from_row(r)?;
        let summary = TicketSummary {
            id: t.id,
            number: t.number.clone(),
            client_id: t.client_id,
            client_name: r.get(n)?,
            title: t.title.clone(),
            origin: t.origin,
            severity: t.severity,
            urgent: t.urgent,
            status: t.status,
            opened_at: t.opened_at.clone(),
            assigned_technician_code: r.get(n + 1)?,
        };
        Ok((t, summary))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
