//! `contract`: the terms a client bought — SLA, hour packages, incident packs, free hours, time
//! and materials. Targets and hours take durations (`30`, `2h`, `1h30`), rates euro (`45,00`).

use clap::{Args, Subcommand};
use rapportino_core::contracts::{
    self, Contract, ContractInput, ContractKind, PackageMode, Rates, SlaTarget,
};
use rapportino_core::format::euro;
use rapportino_core::ids::{CalendarId, ClientId, ContractId};
use rapportino_core::ledger::{self, ContractBalance};
use rapportino_core::tickets::Severity;
use rapportino_core::time::local_date;
use rapportino_core::{calendars, clients, Result, Store};

use super::labels::{self, hm, list, opt_hm};
use super::parse::{self, Unit};
use crate::output::Out;

#[derive(Args, Default)]
pub struct ContractFields {
    /// Name (default: from the kind, e.g. "Pacchetto 24 ore remoto").
    #[arg(long)]
    name: Option<String>,
    /// First day of validity, dd/mm/yyyy or YYYY-MM-DD (default: today).
    #[arg(long = "from", value_name = "DATE")]
    starts_on: Option<String>,
    /// Last day of validity, included (default: 12 months after --from).
    #[arg(long = "to", value_name = "DATE")]
    ends_on: Option<String>,
    /// Coverage calendar, id or name (required for SLA).
    #[arg(long)]
    calendar: Option<String>,
    /// Response target in business time, repeatable: blocking=30, degraded=2h, request=none.
    #[arg(long = "response", value_name = "SEVERITY=TIME")]
    response: Vec<String>,
    /// Intervention target in business time, repeatable: blocking=1h, degraded=4h.
    #[arg(long = "intervention", value_name = "SEVERITY=TIME")]
    intervention: Vec<String>,
    /// Resolution target (opened → resolved) in business time, repeatable: blocking=8h,
    /// request=none.
    #[arg(long = "resolution", value_name = "SEVERITY=TIME")]
    resolution: Vec<String>,
    /// A severity timed on its own calendar (id or name), repeatable: blocking="Esteso 7x8";
    /// blocking=none goes back to the contract's calendar.
    #[arg(long = "severity-calendar", value_name = "SEVERITY=CALENDAR")]
    severity_calendar: Vec<String>,
    /// Included hours: per contract year (SLA, free hours), in total (package). 20, 7h30, none.
    #[arg(long, value_name = "HOURS", conflicts_with = "minutes")]
    hours: Option<String>,
    /// Included time in minutes (instead of --hours).
    #[arg(long, value_name = "MINUTES")]
    minutes: Option<String>,
    /// Which work an hour package pays for: on_site, remote, any.
    #[arg(long)]
    mode: Option<PackageMode>,
    /// Tickets in an incident pack.
    #[arg(long)]
    tickets: Option<i64>,
    /// Free hours: the customer class the client must belong to.
    #[arg(long = "class")]
    customer_class: Option<String>,
    /// A channel this contract entitles to, repeatable (on edit, replaces the list).
    #[arg(long = "channel", value_name = "CHANNEL")]
    channels: Vec<String>,
    /// On edit: no channels of its own.
    #[arg(long, conflicts_with = "channels")]
    no_channels: bool,
    /// A service this contract entitles to, repeatable (on edit, replaces the list).
    #[arg(long = "service", value_name = "SERVICE")]
    services: Vec<String>,
    /// On edit: no services of its own.
    #[arg(long, conflicts_with = "services")]
    no_services: bool,
    /// Allow extra time outside the coverage window (SLA only; needs --pin).
    #[arg(long, conflicts_with = "no_extra_time")]
    extra_time: bool,
    /// Stop allowing extra time.
    #[arg(long)]
    no_extra_time: bool,
    /// The PIN the client gives to ask for extra time (stored hashed; on edit, omit to keep it).
    #[arg(long)]
    pin: Option<String>,
    /// Extra time surcharge in percent: 150 = 1.5×.
    #[arg(long, value_name = "PERCENT")]
    multiplier: Option<String>,
    /// Euro per hour beyond the included hours (45,00; none to clear).
    #[arg(long, value_name = "EURO")]
    overage_rate: Option<String>,
    /// Euro per hour of on-site work not covered by included hours.
    #[arg(long, value_name = "EURO")]
    on_site_rate: Option<String>,
    /// Euro per hour of remote work not covered by included hours.
    #[arg(long, value_name = "EURO")]
    remote_rate: Option<String>,
    /// Euro per hour of extra time (default: the hourly rate × the multiplier).
    #[arg(long, value_name = "EURO")]
    extra_rate: Option<String>,
    /// Call-out fee of an on-site visit (time and materials).
    #[arg(long, value_name = "EURO")]
    callout_fee: Option<String>,
    /// Euro per kilometre.
    #[arg(long, value_name = "EURO")]
    km_rate: Option<String>,
    /// Billed time is rounded up to a multiple of this (minutes; 15, 30, 1h).
    #[arg(long, value_name = "MINUTES")]
    rounding: Option<String>,
    /// Minimum charge of an intervention (minutes).
    #[arg(long, value_name = "MINUTES")]
    minimum: Option<String>,
    /// Free notes.
    #[arg(long)]
    notes: Option<String>,
    /// Priority on demand: a fixed fee per ticket (25,00; none to clear).
    #[arg(long, value_name = "EURO")]
    priority_fee: Option<String>,
    /// Priority on demand: a percentage of the ticket's labour at the rate (20; none to clear).
    #[arg(long, value_name = "PERCENT")]
    priority_pct: Option<String>,
    /// Free hours only: a channel whose tickets may use them, repeatable (on edit, replaces the
    /// list; none given: any channel).
    #[arg(long = "free-hours-channel", value_name = "CHANNEL")]
    free_hours_channels: Vec<String>,
    /// On edit: free hours usable from any channel again.
    #[arg(long, conflicts_with = "free_hours_channels")]
    any_channel: bool,
}

fn set_target(targets: &mut contracts::SlaTargets, sev: Severity) -> &mut SlaTarget {
    match sev {
        Severity::Blocking => &mut targets.blocking,
        Severity::Degraded => &mut targets.degraded,
        Severity::Request => &mut targets.request,
    }
}

fn rate(field: &'static str, flag: &Option<String>, current: &mut Option<i64>) -> Result<()> {
    if let Some(v) = flag {
        *current = parse::opt_euro(field, v)?;
    }
    Ok(())
}

impl ContractFields {
    /// The given flags over `base` (the current terms on edit).
    fn over(self, store: &Store, mut base: ContractInput) -> Result<ContractInput> {
        if let Some(n) = self.name {
            base.name = Some(n);
        }
        if let Some(d) = self.starts_on {
            base.starts_on = d;
        }
        if let Some(d) = self.ends_on {
            base.ends_on = Some(d);
        }
        if let Some(c) = self.calendar {
            base.calendar_id = if parse::is_none_word(&c) {
                None
            } else {
                Some(super::calendars::resolve(store, &c)?)
            };
        }
        for r in &self.response {
            let (sev, v) = parse::target("targets", r)?;
            set_target(&mut base.targets, sev).response_minutes = v;
        }
        for r in &self.intervention {
            let (sev, v) = parse::target("targets", r)?;
            set_target(&mut base.targets, sev).intervention_minutes = v;
        }
        for r in &self.resolution {
            let (sev, v) = parse::target("targets", r)?;
            set_target(&mut base.targets, sev).resolution_minutes = v;
        }
        for r in &self.severity_calendar {
            let (sev, cal) = r.split_once('=').ok_or_else(|| {
                parse::bad(
                    "severity_calendars",
                    format!("{r:?}: use severity=calendar, e.g. blocking=\"Esteso 7x8\""),
                )
            })?;
            let sev = parse::severity("severity_calendars", sev)?;
            let id = if parse::is_none_word(cal) {
                None
            } else {
                Some(super::calendars::resolve(store, cal)?)
            };
            let cals = &mut base.severity_calendars;
            match sev {
                Severity::Blocking => cals.blocking = id,
                Severity::Degraded => cals.degraded = id,
                Severity::Request => cals.request = id,
            }
        }
        let included = match (&self.hours, &self.minutes) {
            (Some(h), _) => Some((h, Unit::Hours)),
            (None, Some(m)) => Some((m, Unit::Minutes)),
            _ => None,
        };
        if let Some((v, unit)) = included {
            base.included_minutes = if parse::is_none_word(v) {
                None
            } else {
                Some(parse::minutes("included_minutes", v, unit)?)
            };
        }
        if self.mode.is_some() {
            base.package_mode = self.mode;
        }
        if self.tickets.is_some() {
            base.incident_tickets = self.tickets;
        }
        if self.customer_class.is_some() {
            base.customer_class = self.customer_class;
        }
        if self.no_channels {
            base.channels.clear();
        } else if !self.channels.is_empty() {
            base.channels = self.channels;
        }
        if self.no_services {
            base.services.clear();
        } else if !self.services.is_empty() {
            base.services = self.services;
        }
        if self.extra_time || self.no_extra_time {
            base.extra_time_allowed = self.extra_time;
        }
        if self.pin.is_some() {
            base.extra_time_pin = self.pin;
        }
        if let Some(m) = self.multiplier {
            base.extra_time_multiplier_pct =
                Some(super::ledger::percent("extra_time_multiplier_pct", &m)?);
        }
        let r = &mut base.rates;
        rate(
            "overage_rate_cents",
            &self.overage_rate,
            &mut r.overage_rate_cents,
        )?;
        rate(
            "on_site_rate_cents",
            &self.on_site_rate,
            &mut r.on_site_rate_cents,
        )?;
        rate(
            "remote_rate_cents",
            &self.remote_rate,
            &mut r.remote_rate_cents,
        )?;
        rate(
            "extra_rate_cents",
            &self.extra_rate,
            &mut r.extra_rate_cents,
        )?;
        rate(
            "callout_fee_cents",
            &self.callout_fee,
            &mut r.callout_fee_cents,
        )?;
        rate("km_rate_cents", &self.km_rate, &mut r.km_rate_cents)?;
        if let Some(v) = self.rounding {
            base.rounding_minutes = Some(parse::minutes("rounding_minutes", &v, Unit::Minutes)?);
        }
        if let Some(v) = self.minimum {
            base.minimum_minutes = Some(parse::minutes("minimum_minutes", &v, Unit::Minutes)?);
        }
        if let Some(n) = self.notes {
            base.notes = Some(n);
        }
        let b = &mut base.billing;
        rate(
            "priority_fee_cents",
            &self.priority_fee,
            &mut b.priority_fee_cents,
        )?;
        if let Some(p) = self.priority_pct {
            b.priority_surcharge_pct = if parse::is_none_word(&p) {
                None
            } else {
                Some(super::ledger::percent("priority_surcharge_pct", &p)?)
            };
        }
        if self.any_channel {
            b.free_hours_channels.clear();
        } else if !self.free_hours_channels.is_empty() {
            b.free_hours_channels = self.free_hours_channels;
        }
        Ok(base)
    }
}

#[derive(Subcommand)]
pub enum ContractCommand {
    /// A client's contracts, newest first (archived ones with --archived).
    List {
        client: ClientId,
        #[arg(long)]
        archived: bool,
    },
    /// Show a contract's terms and where it stands today.
    Show { id: ContractId },
    /// Create a contract.
    Create {
        /// The client's id.
        #[arg(long)]
        client: ClientId,
        /// sla, hour_package, incident_pack, free_hours, time_materials
        #[arg(long)]
        kind: ContractKind,
        #[command(flatten)]
        fields: Box<ContractFields>,
    },
    /// Edit a contract: only the given flags change (client and kind are fixed).
    Edit {
        id: ContractId,
        #[command(flatten)]
        fields: Box<ContractFields>,
    },
    /// Archive a contract (or bring it back with --undo).
    Archive {
        id: ContractId,
        #[arg(long)]
        undo: bool,
    },
}

fn input_of(c: &Contract) -> ContractInput {
    ContractInput {
        client_id: c.client_id,
        kind: c.terms.kind,
        name: Some(c.name.clone()),
        starts_on: c.starts_on.clone(),
        ends_on: Some(c.ends_on.clone()),
        calendar_id: c.terms.calendar_id,
        targets: c.terms.targets,
        included_minutes: c.terms.included_minutes,
        package_mode: c.terms.package_mode,
        incident_tickets: c.terms.incident_tickets,
        customer_class: c.terms.customer_class.clone(),
        channels: c.terms.channels.clone(),
        services: c.terms.services.clone(),
        extra_time_allowed: c.terms.extra_time_allowed,
        // Absent keeps the stored PIN.
        extra_time_pin: None,
        extra_time_multiplier_pct: Some(c.terms.extra_time_multiplier_pct),
        rates: c.terms.rates,
        rounding_minutes: Some(c.terms.rounding_minutes),
        minimum_minutes: Some(c.terms.minimum_minutes),
        notes: c.terms.notes.clone(),
        severity_calendars: c.terms.severity_calendars,
        billing: c.terms.billing.clone(),
    }
}

fn opt_euro(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), euro)
}

/// `45,00 €/h` or `—`.
fn per_hour(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), |c| format!("{}/h", euro(c)))
}

/// One line about a balance: used, left, status, expiry.
pub fn balance_line(b: &ContractBalance) -> String {
    let mut parts = Vec::new();
    if let Some(inc) = b.included_minutes {
        parts.push(format!(
            "usate {} di {}, residue {}",
            hm(b.used_minutes),
            hm(inc),
            opt_hm(b.remaining_minutes)
        ));
    } else if b.used_minutes > 0 {
        parts.push(format!("usate {}", hm(b.used_minutes)));
    }
    if let Some(n) = b.incident_tickets {
        parts.push(format!(
            "ticket usati {} di {n}, rimasti {}",
            b.incident_used,
            b.incident_left.unwrap_or(0)
        ));
    }
    if b.forfeited_minutes > 0 {
        parts.push(format!("perse alla scadenza {}", hm(b.forfeited_minutes)));
    }
    parts.push(match b.days_to_expiry {
        d if d < 0 => format!("scaduto il {}", labels::date(&b.ends_on)),
        0 => format!("{}, scade oggi", labels::balance_status(b.status)),
        1 => format!("{}, scade domani", labels::balance_status(b.status)),
        d => format!(
            "{}, scade il {} (tra {d} giorni)",
            labels::balance_status(b.status),
            labels::date(&b.ends_on)
        ),
    });
    parts.join(" · ")
}

fn print_contract(
    c: &Contract,
    client: &str,
    calendar: Option<&str>,
    calendar_name: &dyn Fn(CalendarId) -> String,
    balance: Option<&ContractBalance>,
) -> String {
    let mut s = format!(
        "{}  [{}]{}\n  cliente {}\n  valido dal {} al {}",
        c.name,
        labels::kind(c.terms.kind),
        if c.archived { "  [archiviato]" } else { "" },
        client,
        labels::date(&c.starts_on),
        labels::date(&c.ends_on)
    );
    if let Some(cal) = calendar {
        s.push_str(&format!("\n  calendario {cal}"));
    }
    if c.terms.kind == ContractKind::Sla {
        s.push_str(
            "\n  tempi SLA (lavorativi)   risposta      intervento    risoluzione   calendario",
        );
        for sev in [Severity::Blocking, Severity::Degraded, Severity::Request] {
            let t = c.terms.targets.for_severity(sev);
            let cal = c
                .terms
                .severity_calendars
                .for_severity(sev)
                .map_or_else(|| "del contratto".to_owned(), calendar_name);
            s.push_str(&format!(
                "\n    {:<22} {:<13} {:<13} {:<13} {cal}",
                sev.as_str(),
                opt_hm(t.response_minutes),
                opt_hm(t.intervention_minutes),
                opt_hm(t.resolution_minutes)
            ));
        }
    }
    if let Some(m) = c.terms.included_minutes {
        let per = match c.terms.kind {
            ContractKind::Sla | ContractKind::FreeHours => " all'anno",
            _ => "",
        };
        s.push_str(&format!("\n  ore incluse {}{per}", hm(m)));
    }
    if let Some(m) = c.terms.package_mode {
        s.push_str(&format!("\n  vale per lavoro {}", labels::package_mode(m)));
    }
    if let Some(n) = c.terms.incident_tickets {
        s.push_str(&format!("\n  ticket inclusi {n}"));
    }
    if let Some(cl) = &c.terms.customer_class {
        s.push_str(&format!("\n  per i clienti di classe {cl}"));
    }
    if c.terms.kind == ContractKind::Sla {
        s.push_str(&format!(
            "\n  extra orario: {}",
            if c.terms.extra_time_allowed {
                format!(
                    "ammesso con PIN{}, maggiorazione {}%",
                    if c.has_extra_time_pin {
                        ""
                    } else {
                        " (PIN mancante)"
                    },
                    c.terms.extra_time_multiplier_pct
                )
            } else {
                "non ammesso".to_owned()
            }
        ));
    }
    let r: &Rates = &c.terms.rates;
    s.push_str(&format!(
        "\n  tariffe: oltre franchigia {} · on-site {} · remoto {} · extra {} · chiamata {} · km {}",
        per_hour(r.overage_rate_cents),
        per_hour(r.on_site_rate_cents),
        per_hour(r.remote_rate_cents),
        per_hour(r.extra_rate_cents),
        opt_euro(r.callout_fee_cents),
        opt_euro(r.km_rate_cents)
    ));
    s.push_str(&format!(
        "\n  arrotondamento {}, minimo {}",
        hm(c.terms.rounding_minutes),
        hm(c.terms.minimum_minutes)
    ));
    if !c.terms.channels.is_empty() || !c.terms.services.is_empty() {
        s.push_str(&format!(
            "\n  canali: {}  servizi: {}",
            list(&c.terms.channels),
            list(&c.terms.services)
        ));
    }
    let b = &c.terms.billing;
    if b.bills_priority() {
        let parts: Vec<String> = [
            b.priority_fee_cents
                .filter(|f| *f > 0)
                .map(|f| format!("{} per ticket", euro(f))),
            b.priority_surcharge_pct
                .filter(|p| *p > 0)
                .map(|p| format!("{p} % della manodopera")),
        ]
        .into_iter()
        .flatten()
        .collect();
        s.push_str(&format!("\n  priorità su richiesta: {}", parts.join(" + ")));
    }
    if !b.free_hours_channels.is_empty() {
        s.push_str(&format!(
            "\n  ore gratuite solo dai canali: {}",
            list(&b.free_hours_channels)
        ));
    }
    if let Some(n) = &c.terms.notes {
        s.push_str(&format!("\n  note: {n}"));
    }
    if let Some(b) = balance {
        s.push_str(&format!("\n  oggi: {}", balance_line(b)));
    }
    s.push_str(&format!("\n  id {}", c.id));
    s
}

fn show(store: &Store, out: Out, c: &Contract) -> Result<()> {
    let client = clients::get(store, c.client_id)?.name;
    let calendar = c
        .terms
        .calendar_id
        .and_then(|id| calendars::get(store, id).ok())
        .map(|cal| cal.name);
    let balance = ledger::client_balances(store, c.client_id, None)?
        .balances
        .into_iter()
        .find(|b| b.contract_id == c.id);
    let calendar_name =
        |id: CalendarId| calendars::get(store, id).map_or_else(|_| id.to_string(), |cal| cal.name);
    out.emit(c, |c| {
        print_contract(
            c,
            &client,
            calendar.as_deref(),
            &calendar_name,
            balance.as_ref(),
        )
    });
    Ok(())
}

pub fn run(store: &mut Store, out: Out, c: ContractCommand) -> Result<()> {
    match c {
        ContractCommand::List { client, archived } => {
            clients::get(store, client)?;
            let list: Vec<Contract> = contracts::for_client(store, client)?
                .into_iter()
                .filter(|c| archived || !c.archived)
                .collect();
            out.emit(&list, |l| {
                if l.is_empty() {
                    return "nessun contratto: il lavoro si fattura a consuntivo".into();
                }
                l.iter()
                    .map(|c| {
                        format!(
                            "{:<32} {:<16} {} – {}{}  {}",
                            c.name,
                            labels::kind(c.terms.kind),
                            labels::date(&c.starts_on),
                            labels::date(&c.ends_on),
                            if c.archived { " [archiviato]" } else { "" },
                            c.id
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        ContractCommand::Show { id } => show(store, out, &contracts::get(store, id)?),
        ContractCommand::Create {
            client,
            kind,
            fields,
        } => {
            let today = local_date(store.now(), store.tz()).to_string();
            let base = ContractInput {
                client_id: client,
                kind,
                starts_on: today,
                ..ContractInput::default()
            };
            let input = fields.over(store, base)?;
            let c = contracts::create(store, &input)?;
            show(store, out, &c)
        }
        ContractCommand::Edit { id, fields } => {
            let current = contracts::get(store, id)?;
            let input = fields.over(store, input_of(&current))?;
            let c = contracts::update(store, id, &input)?;
            show(store, out, &c)
        }
        ContractCommand::Archive { id, undo } => {
            let c = contracts::set_archived(store, id, !undo)?;
            show(store, out, &c)
        }
    }
}
