//! Demo service models: the four preset coverage calendars and customer classes, patron days by
//! town, and each client's contracts over the whole history, chosen by segment:
//!
//! - about 30% SLA contracts renewed every year (5x8 mostly, some 7x8 or 24x7; per-severity
//!   targets; 10–40 included hours per contract year; some with extra time, PIN and 150%);
//! - about 30% prepaid hour packages (12/24/48/96 h, on-site, remote or any), a new one bought
//!   when the expected usage would exhaust the current one, or when it has expired — so light
//!   users let some expire with hours left (forfeited);
//! - about 10% incident packs (5 or 10 tickets, 12 months), renewed the same way;
//! - about 10% licence holders (class `licence`) with yearly free hours and a time-and-materials
//!   price list for the rest;
//! - the rest time and materials, with a price list renewed every three years.
//!
//! The clients with the heaviest expected use get SLA or time and materials only. Packages and
//! packs are bought while the history is written (the demo knows each client's work as it makes
//! it), so a contract always starts on or before the work that triggered it.
//!
//! Every choice here comes from its own random stream (stream 1 of the seed), so the service
//! models do not change which clients call or what their tickets say; only the few extra-time
//! tickets, moved out of hours, shift the times drawn after them.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};

use super::people::DemoClient;
use super::Gen;
use rapportino_core::calendars::{self, CalendarPreset};
use rapportino_core::classes;
use rapportino_core::contracts::{ContractInput, PackageMode};
use rapportino_core::error::Result;
use rapportino_core::ids::{CalendarId, ContractId, CustomerClassId};
use rapportino_core::interventions::InterventionMode;
use rapportino_core::store::{field, Entity, Store, WriteTx};
use rapportino_core::tickets::{Severity, TicketStatus};
use rapportino_core::time::{local_date, Tz};

/// Patron saints' days of the towns that close for one (`MM-DD`).
mod purchases;

pub(crate) fn patron_day(city: &str) -> Option<&'static str> {
    Some(match city {
        "Milano" => "12-07",
        "Roma" => "06-29",
        "Torino" | "Genova" | "Firenze" => "06-24",
        "Bologna" => "10-04",
        "Napoli" => "09-19",
        "Venezia" => "04-25",
        "Bari" => "12-06",
        "Palermo" => "07-15",
        _ => return None,
    })
}

const PRESETS: [CalendarPreset; 4] = [
    CalendarPreset::FiveByEight,
    CalendarPreset::SevenByEight,
    CalendarPreset::AlwaysOpen,
    CalendarPreset::Desk,
];

/// Billed hours per intervention, roughly (two segments of 80 minutes, rounded to 15 minutes).
const HOURS_PER_INTERVENTION: f64 = 2.8;
/// Tickets per intervention in the demo history.
const TICKETS_PER_INTERVENTION: f64 = 0.77;
/// Clients expected to use more than this many hours a year get SLA or time and materials only.
const BIG_CLIENT_HOURS: f64 = 4.0 * 96.0;
const PACKAGE_HOURS: [i64; 4] = [12, 24, 48, 96];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Sla,
    Package,
    IncidentPack,
    Licence,
    TimeMaterials,
}

/// One yearly SLA row, as the ticket hook needs it.
struct SlaRow {
    starts: NaiveDate,
    ends: NaiveDate,
    extra_time: bool,
}

/// The package or pack being used up, with the demo's own estimate of what is left.
struct Current {
    ends: NaiveDate,
    /// Minutes (packages) or tickets (packs) left, by the demo's estimate.
    left: i64,
}

struct Plan {
    segment: Segment,
    /// Expected billed hours per year (drives the package size and the pack size).
    hours_per_year: f64,
    sla: Vec<SlaRow>,
    package_mode: PackageMode,
    current: Option<Current>,
}

/// What the history asks of the service models for one ticket.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TicketTerms {
    pub extra_time: bool,
    pub priority_requested: bool,
    pub out_of_scope: bool,
    pub service: Option<&'static str>,
}

pub(crate) struct Services {
    gen: Gen,
    tz: Tz,
    /// First and last local day of the history.
    first_day: NaiveDate,
    last_day: NaiveDate,
    clients_total: usize,
    interventions_per_year: f64,
    calendars: [CalendarId; 4],
    plans: Vec<Plan>,
    /// Each demo PIN hashed once (argon2id is slow on purpose).
    pin_hashes: std::collections::HashMap<String, String>,
}

/// 09:00 local time of a day: when contracts are signed.
fn morning(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_hms_opt(9, 0, 0).unwrap_or_default())
        .earliest()
        .map_or_else(
            || Utc.from_utc_datetime(&d.and_hms_opt(8, 0, 0).unwrap_or_default()),
            |t| t.with_timezone(&Utc),
        )
}

impl Services {
    pub fn new(
        seed: u64,
        tz: Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        clients: u32,
        interventions: u32,
        years: u32,
    ) -> Self {
        let mut gen = Gen::with_stream(seed, 1);
        let calendars = PRESETS.map(|_| CalendarId(gen.uuid_at(start)));
        Services {
            gen,
            tz,
            first_day: local_date(start, tz),
            last_day: local_date(end, tz),
            clients_total: clients as usize,
            interventions_per_year: f64::from(interventions) / f64::from(years.max(1)),
            calendars,
            plans: Vec::with_capacity(clients as usize),
            pin_hashes: std::collections::HashMap::new(),
        }
    }

    /// Chooses the segment of the next client (in creation order): its class and patron day.
    pub fn plan_client(&mut self, city: &str) -> (&'static str, Option<&'static str>) {
        let i = self.plans.len() as f64;
        let n = self.clients_total.max(1) as f64;
        // The history picks client ⌊u²·n⌋: client i gets √((i+1)/n) − √(i/n) of the work.
        let share = ((i + 1.0) / n).sqrt() - (i / n).sqrt();
        let hours_per_year = self.interventions_per_year * share * HOURS_PER_INTERVENTION;
        let u = self.gen.unit();
        let segment = if hours_per_year > BIG_CLIENT_HOURS {
            if u < 0.7 {
                Segment::Sla
            } else {
                Segment::TimeMaterials
            }
        } else {
            match u {
                x if x < 0.30 => Segment::Sla,
                x if x < 0.60 => Segment::Package,
                x if x < 0.70 => Segment::IncidentPack,
                x if x < 0.80 => Segment::Licence,
                _ => Segment::TimeMaterials,
            }
        };
        let class = match segment {
            Segment::Sla => "agreement",
            Segment::Licence => "licence",
            Segment::IncidentPack => "pay_per_incident",
            Segment::Package => {
                if self.gen.chance(0.3) {
                    "agreement"
                } else {
                    "none"
                }
            }
            Segment::TimeMaterials => {
                if self.gen.chance(0.1) {
                    "no_licence"
                } else {
                    "none"
                }
            }
        };
        let package_mode = match self.gen.unit() {
            x if x < 0.6 => PackageMode::Any,
            x if x < 0.8 => PackageMode::OnSite,
            _ => PackageMode::Remote,
        };
        self.plans.push(Plan {
            segment,
            hours_per_year,
            sla: Vec::new(),
            package_mode,
            current: None,
        });
        (class, patron_day(city))
    }

    /// Calendars, customer classes and the contracts known before the history starts: SLA and
    /// free-hours years, price lists, each package and pack client's first purchase.
    pub fn write_setup(&mut self, store: &mut Store, clients: &[DemoClient]) -> Result<()> {
        let at = morning(self.first_day, self.tz) - Duration::days(400);
        store.write(|tx| {
            for (preset, id) in PRESETS.iter().zip(self.calendars) {
                let input = calendars::preset_input(*preset);
                calendars::validate(&input)?;
                let windows = serde_json::to_string(&input.windows)
                    .map_err(|e| rapportino_core::error::Error::Inconsistent(e.to_string()))?;
                tx.insert_stamped(
                    Entity::Calendar,
                    &id.to_string(),
                    vec![
                        ("name", field::text(input.name)),
                        ("time_zone", field::opt_text(input.time_zone)),
                        ("windows", field::text(windows)),
                        ("open_on_holidays", field::flag(input.open_on_holidays)),
                        ("exceptions", field::text("[]")),
                        ("preset", field::text(preset.as_str())),
                        ("archived", field::flag(false)),
                    ],
                    self.gen.stamp(at),
                )?;
            }
            for class in classes::presets() {
                let id = CustomerClassId(self.gen.uuid_at(at));
                tx.insert_stamped(
                    Entity::CustomerClass,
                    &id.to_string(),
                    vec![
                        ("code", field::text(class.code)),
                        ("name", field::text(class.name)),
                        ("channels", json_list(&class.channels)),
                        ("services", json_list(&class.services)),
                        (
                            "free_minutes_per_year",
                            field::int(class.free_minutes_per_year),
                        ),
                        ("priority", field::int(class.priority)),
                        ("archived", field::flag(false)),
                    ],
                    self.gen.stamp(at),
                )?;
            }
            Ok(())
        })?;
        // Contracts in chunks, like the rest of the demo.
        for chunk in clients.chunks(2_000) {
            store.write(|tx| {
                for c in chunk {
                    self.first_contracts(tx, c)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Called for every ticket before it is written: buys a package or pack when the client's
    /// has expired (or the pack is used up), and decides the ticket's commercial terms.
    pub fn before_ticket(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: &DemoClient,
        opened: DateTime<Utc>,
        severity: Severity,
    ) -> Result<bool> {
        let day = local_date(opened, self.tz);
        let idx = client.index;
        let plan = &self.plans[idx];
        match plan.segment {
            Segment::Package => {
                if let Some(starts) = renewal(plan.current.as_ref(), day) {
                    self.buy_package(tx, client.id, idx, starts, 0.0)?;
                }
            }
            Segment::IncidentPack => {
                let used_up = plan.current.as_ref().is_some_and(|c| c.left <= 0);
                if let Some(starts) = renewal(plan.current.as_ref(), day) {
                    self.buy_pack(tx, client.id, idx, starts)?;
                } else if used_up {
                    self.buy_pack(tx, client.id, idx, day)?;
                }
            }
            _ => {}
        }
        // Extra time: a blocking problem out of hours under an SLA that allows it.
        let plan = &self.plans[idx];
        let extra_allowed = plan.segment == Segment::Sla
            && plan
                .sla
                .iter()
                .any(|r| r.extra_time && r.starts <= day && day <= r.ends);
        Ok(extra_allowed && severity == Severity::Blocking && self.gen.chance(0.2))
    }

    /// The rest of a ticket's terms, once its flags are known; counts a closed case against the
    /// client's incident pack.
    pub fn ticket_terms(
        &mut self,
        client: &DemoClient,
        severity: Severity,
        urgent: bool,
        is_bug: bool,
        status: TicketStatus,
        extra_time: bool,
    ) -> TicketTerms {
        let plan = &mut self.plans[client.index];
        if plan.segment == Segment::IncidentPack && status == TicketStatus::Closed && !is_bug {
            if let Some(c) = plan.current.as_mut() {
                c.left -= 1;
            }
        }
        let request = severity == Severity::Request;
        TicketTerms {
            extra_time,
            priority_requested: request && !urgent && self.gen.chance(0.02),
            out_of_scope: self.gen.chance(0.01),
            service: match self.gen.unit() {
                x if request && x < 0.04 => Some("upgrades"),
                x if x < 0.02 => Some("on_site"),
                _ => None,
            },
        }
    }

    /// Called for every intervention before it is written: a package client whose estimated
    /// balance this work would exhaust buys the next package, starting that day.
    pub fn before_work(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: &DemoClient,
        at: DateTime<Utc>,
        mode: InterventionMode,
        seconds: i64,
    ) -> Result<()> {
        let idx = client.index;
        let plan = &self.plans[idx];
        if plan.segment != Segment::Package {
            return Ok(());
        }
        let matches = match plan.package_mode {
            PackageMode::Any => true,
            PackageMode::OnSite => mode == InterventionMode::OnSite,
            PackageMode::Remote => mode == InterventionMode::Remote,
        };
        let day = local_date(at, self.tz);
        let minutes = ((seconds + 59) / 60 + 14) / 15 * 15;
        let minutes = minutes.max(30);
        let left = plan.current.as_ref().map_or(0, |c| c.left);
        if let Some(starts) = renewal(plan.current.as_ref(), day) {
            self.buy_package(tx, client.id, idx, starts, 0.0)?;
        } else if matches && left < minutes {
            self.buy_package(tx, client.id, idx, day, 0.0)?;
            if let Some(c) = self.plans[idx].current.as_mut() {
                c.left += left.max(0);
            }
        }
        if matches {
            if let Some(c) = self.plans[idx].current.as_mut() {
                c.left -= minutes;
            }
        }
        Ok(())
    }

    /// An argon2id hash of `pin`, as `contracts::verify_pin` reads it. A slow hash per contract
    /// would make a large demo crawl: the demo hashes each PIN once, with a salt from the seed.
    fn pin_hash(&mut self, pin: &str) -> String {
        if let Some(h) = self.pin_hashes.get(pin) {
            return h.clone();
        }
        let mut salt = [0u8; 16];
        rand::RngExt::fill(&mut self.gen.rng, &mut salt);
        let h = rapportino_core::contracts::hash_pin_with_salt(pin, &salt).unwrap_or_default();
        self.pin_hashes.insert(pin.to_owned(), h.clone());
        h
    }

    /// Writes a contract, stamped at 09:00 on `signed` (never before the demo shop existed).
    fn write_contract(
        &mut self,
        tx: &mut WriteTx<'_>,
        input: &ContractInput,
        pin_hash: Option<String>,
        signed: NaiveDate,
    ) -> Result<ContractId> {
        let at = morning(signed, self.tz);
        let id = ContractId(self.gen.uuid_at(at));
        // The same columns as `contracts::create`; the PIN hash is the demo's deterministic one.
        let mut fields = rapportino_core::contracts::validated_fields(input)?;
        if let Some(h) = pin_hash {
            fields.push(("extra_time_pin_hash", field::text(h)));
        }
        tx.insert_stamped(
            Entity::Contract,
            &id.to_string(),
            fields,
            self.gen.stamp(at),
        )?;
        Ok(id)
    }
}

/// A list column as `classes` writes it: a JSON array in a text value.
fn json_list(v: &[String]) -> serde_json::Value {
    field::text(serde_json::Value::from(v.to_vec()).to_string())
}

/// Tickets and work come roughly, not exactly, in date order (weekends, follow-ups days later):
/// how far back a renewal reaches so that the slightly earlier ones are covered too.
const RENEWAL_SLACK_DAYS: i64 = 14;

/// When the package or pack in use has expired by `day`: the first day of its renewal (the day
/// after it ended, or a little before `day` after a long pause).
fn renewal(current: Option<&Current>, day: NaiveDate) -> Option<NaiveDate> {
    match current {
        Some(c) if c.ends >= day => None,
        Some(c) => Some((c.ends + Duration::days(1)).max(day - Duration::days(RENEWAL_SLACK_DAYS))),
        None => Some(day - Duration::days(RENEWAL_SLACK_DAYS)),
    }
}

/// Moves a ticket opened in working hours to the evening of the same day (extra time).
pub(crate) fn evening(t: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = t.with_timezone(&tz);
    let shift = if local.hour() < 12 { 11 } else { 5 };
    t + Duration::hours(shift)
}
