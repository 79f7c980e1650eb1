//! The demo's contract purchases: the first contracts of a client, SLA and free-hours years,
//! price lists, hour packages and incident packs bought as the history unfolds.

use chrono::{Datelike, Duration, NaiveDate};

use super::super::people::DemoClient;
use super::*;
use rapportino_core::contracts::{
    default_end, ContractInput, ContractKind, PackageMode, Rates, SlaTarget, SlaTargets,
};
use rapportino_core::error::Result;
use rapportino_core::ids::ClientId;
use rapportino_core::store::WriteTx;

impl Services {
    pub(super) fn first_contracts(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: &DemoClient,
    ) -> Result<()> {
        let idx = client.index;
        let segment = self.plans[idx].segment;
        // Every client was already a client on the first day of the history.
        let since = self.first_day - Duration::days(self.gen.range(1, 364));
        match segment {
            Segment::Sla => self.sla_years(tx, client.id, idx, since)?,
            Segment::Licence => {
                self.free_hours_years(tx, client.id, since)?;
                self.price_lists(tx, client.id, since)?;
            }
            Segment::TimeMaterials => self.price_lists(tx, client.id, since)?,
            Segment::Package => {
                let starts = self.first_day - Duration::days(self.gen.range(0, 120));
                let already_used = self.gen.unit() * 0.5;
                self.buy_package(tx, client.id, idx, starts, already_used)?;
            }
            Segment::IncidentPack => {
                let starts = self.first_day - Duration::days(self.gen.range(0, 120));
                self.buy_pack(tx, client.id, idx, starts)?;
            }
        }
        Ok(())
    }

    /// Yearly SLA rows from `since` until one covers the last day of the history.
    fn sla_years(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: ClientId,
        idx: usize,
        since: NaiveDate,
    ) -> Result<()> {
        let preset = match self.gen.unit() {
            x if x < 0.70 => 0, // 5x8
            x if x < 0.85 => 1, // 7x8
            _ => 2,             // 24x7
        };
        let calendar = self.calendars[preset];
        let label = ["5x8", "7x8", "H24"][preset];
        let gold = self.gen.chance(0.35);
        let target = |r: i64, i: i64| SlaTarget {
            response_minutes: Some(r),
            intervention_minutes: Some(i),
            resolution_minutes: None,
        };
        let targets = if gold {
            SlaTargets {
                blocking: target(15, 60),
                degraded: target(60, 240),
                request: target(240, 960),
            }
        } else {
            SlaTargets {
                blocking: target(30, 120),
                degraded: target(120, 480),
                request: target(480, 1440),
            }
        };
        let extra_time = preset != 2 && self.gen.chance(0.35);
        let pin = format!("{:04}", self.gen.range(0, 9_999));
        let mut included_hours = self.gen.range(10, 40);
        let mut overage = 4_500 + 250 * self.gen.range(0, 8);
        let mut starts = since;
        while starts <= self.last_day {
            let ends = default_end(starts);
            let input = ContractInput {
                client_id: client,
                kind: ContractKind::Sla,
                name: Some(format!(
                    "Assistenza {} {label} {}/{:02}",
                    if gold { "Gold" } else { "Standard" },
                    starts.year(),
                    (starts.year() + 1) % 100
                )),
                starts_on: starts.to_string(),
                ends_on: Some(ends.to_string()),
                calendar_id: Some(calendar),
                targets,
                included_minutes: Some(included_hours * 60),
                extra_time_allowed: extra_time,
                extra_time_multiplier_pct: Some(if extra_time { 150 } else { 100 }),
                rates: Rates {
                    overage_rate_cents: Some(overage),
                    ..Rates::default()
                },
                rounding_minutes: Some(15),
                minimum_minutes: Some(0),
                ..ContractInput::default()
            };
            let pin_hash = extra_time.then(|| self.pin_hash(&pin));
            self.write_contract(tx, &input, pin_hash, starts - Duration::days(10))?;
            self.plans[idx].sla.push(SlaRow {
                starts,
                ends,
                extra_time,
            });
            // A renewal sometimes changes the terms a little.
            if self.gen.chance(0.3) {
                included_hours = (included_hours + self.gen.range(-5, 10)).clamp(10, 40);
            }
            if self.gen.chance(0.4) {
                overage += 250;
            }
            starts = ends + Duration::days(1);
        }
        Ok(())
    }

    /// Yearly free hours of a licence holder (class `licence`).
    fn free_hours_years(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: ClientId,
        since: NaiveDate,
    ) -> Result<()> {
        let hours = *self.gen.pick(&[5, 5, 5, 8, 10]);
        let mut starts = since;
        while starts <= self.last_day {
            let ends = default_end(starts);
            let input = ContractInput {
                client_id: client,
                kind: ContractKind::FreeHours,
                name: Some(format!("Licenza: {hours} ore gratuite {}", starts.year())),
                starts_on: starts.to_string(),
                ends_on: Some(ends.to_string()),
                included_minutes: Some(hours * 60),
                customer_class: Some("licence".into()),
                rounding_minutes: Some(15),
                ..ContractInput::default()
            };
            self.write_contract(tx, &input, None, starts)?;
            starts = ends + Duration::days(1);
        }
        Ok(())
    }

    /// Time-and-materials price lists, three years each, a little dearer every time.
    fn price_lists(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: ClientId,
        since: NaiveDate,
    ) -> Result<()> {
        let mut on_site = 4_500 + 250 * self.gen.range(0, 6);
        let mut remote = on_site - 1_000;
        let callout = 2_500 + 500 * self.gen.range(0, 3);
        let km = 35 + 5 * self.gen.range(0, 3);
        let mut starts = since;
        while starts <= self.last_day {
            let ends = starts
                .checked_add_months(chrono::Months::new(36))
                .and_then(|d| d.pred_opt())
                .unwrap_or(starts);
            let input = ContractInput {
                client_id: client,
                kind: ContractKind::TimeMaterials,
                name: Some(format!("Listino a consuntivo {}", starts.year())),
                starts_on: starts.to_string(),
                ends_on: Some(ends.to_string()),
                rates: Rates {
                    on_site_rate_cents: Some(on_site),
                    remote_rate_cents: Some(remote),
                    callout_fee_cents: Some(callout),
                    km_rate_cents: Some(km),
                    ..Rates::default()
                },
                rounding_minutes: Some(15),
                minimum_minutes: Some(30),
                ..ContractInput::default()
            };
            self.write_contract(tx, &input, None, starts - Duration::days(5))?;
            on_site += 250;
            remote += 250;
            starts = ends + Duration::days(1);
        }
        Ok(())
    }

    /// A new hour package from `starts`, sized to last a few months to a bit over a year at the
    /// client's expected pace. `already_used` (0–1) is the share used before the history.
    pub(super) fn buy_package(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: ClientId,
        idx: usize,
        starts: NaiveDate,
        already_used: f64,
    ) -> Result<()> {
        let plan = &self.plans[idx];
        let mode = plan.package_mode;
        let share = match mode {
            PackageMode::Any => 1.0,
            PackageMode::OnSite => 0.5,
            PackageMode::Remote => 0.5,
        };
        let wanted = plan.hours_per_year * share * (0.3 + self.gen.unit() * 0.9);
        let hours = PACKAGE_HOURS
            .iter()
            .copied()
            .find(|h| *h as f64 >= wanted)
            .unwrap_or(96);
        let ends = default_end(starts);
        let input = ContractInput {
            client_id: client,
            kind: ContractKind::HourPackage,
            name: Some(format!(
                "Pacchetto {hours} ore{} {}",
                match mode {
                    PackageMode::OnSite => " on-site",
                    PackageMode::Remote => " remoto",
                    PackageMode::Any => "",
                },
                starts.format("%m/%Y")
            )),
            starts_on: starts.to_string(),
            ends_on: Some(ends.to_string()),
            included_minutes: Some(hours * 60),
            package_mode: Some(mode),
            rounding_minutes: Some(15),
            minimum_minutes: Some(30),
            ..ContractInput::default()
        };
        self.write_contract(tx, &input, None, starts)?;
        self.plans[idx].current = Some(Current {
            ends,
            left: ((hours * 60) as f64 * (1.0 - already_used)) as i64,
        });
        Ok(())
    }

    /// A new incident pack (5 or 10 tickets, 12 months) from `starts`.
    pub(super) fn buy_pack(
        &mut self,
        tx: &mut WriteTx<'_>,
        client: ClientId,
        idx: usize,
        starts: NaiveDate,
    ) -> Result<()> {
        let tickets_per_year =
            self.plans[idx].hours_per_year / HOURS_PER_INTERVENTION * TICKETS_PER_INTERVENTION;
        // Busier clients tend to buy the larger pack.
        let tens = if tickets_per_year > 10.0 { 0.7 } else { 0.3 };
        let tickets = if self.gen.chance(tens) { 10 } else { 5 };
        let ends = default_end(starts);
        let input = ContractInput {
            client_id: client,
            kind: ContractKind::IncidentPack,
            name: Some(format!(
                "Pacchetto {tickets} ticket {}",
                starts.format("%m/%Y")
            )),
            starts_on: starts.to_string(),
            ends_on: Some(ends.to_string()),
            incident_tickets: Some(tickets),
            rounding_minutes: Some(15),
            ..ContractInput::default()
        };
        self.write_contract(tx, &input, None, starts)?;
        self.plans[idx].current = Some(Current {
            ends,
            left: tickets,
        });
        Ok(())
    }
}
