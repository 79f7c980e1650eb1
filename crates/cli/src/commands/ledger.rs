//! The hour ledger from the command line: `balances` (where each contract stands), `allocation`
//! (who paid for an intervention's minutes, and why), `billing` (the shop's own rates).

use clap::{Args, Subcommand};
use rapportino_core::format::{euro, parse_euro};
use rapportino_core::ids::{ClientId, InterventionId};
use rapportino_core::ledger::{
    self, defaults, AllocationLine, BillingDefaults, ClientBalances, ContractBalance,
    InterventionAllocation,
};
use rapportino_core::time::parse_user_date;
use rapportino_core::{clients, Code, Error, Result, Store};

use super::contracts::balance_line;
use super::labels::{self, hm};
use super::parse::{self, Unit};
use crate::output::Out;

#[derive(Args)]
pub struct BalancesArgs {
    client: ClientId,
    /// The day to look at (dd/mm/yyyy or YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Args)]
pub struct AllocationArgs {
    intervention: InterventionId,
    /// Make this contract or package pay first (`auto`: back to the automatic order).
    #[arg(long, value_name = "CONTRACT|auto")]
    pay_from: Option<String>,
}

#[derive(Subcommand)]
pub enum BillingCommand {
    /// The shop's billing terms for work no contract prices.
    Show,
    /// Change them (only the given values change).
    Set(BillingFields),
    /// What to invoice for a month: per client, hours by rate, surcharges, materials with VAT,
    /// km, call-out, accepted quotes; `--csv FILE` for the accountant.
    Lines(super::billing_lines::LinesArgs),
    /// The shop's default VAT rate (shown, or `--set 22`).
    Vat(super::billing_lines::VatArgs),
}

#[derive(Args)]
pub struct BillingFields {
    /// Billed time is rounded up to a multiple of this (minutes; 15, 30, 1h).
    #[arg(long, value_name = "MINUTES")]
    rounding: Option<String>,
    /// Minimum charge of an intervention (minutes).
    #[arg(long, value_name = "MINUTES")]
    minimum: Option<String>,
    /// Euro per hour on site.
    #[arg(long, value_name = "EURO")]
    on_site_rate: Option<String>,
    /// Euro per hour remote.
    #[arg(long, value_name = "EURO")]
    remote_rate: Option<String>,
    /// Extra time surcharge in percent (150 = 1.5×).
    #[arg(long, value_name = "PERCENT")]
    multiplier: Option<String>,
    /// Call-out fee of an on-site visit, euro.
    #[arg(long, value_name = "EURO")]
    callout_fee: Option<String>,
    /// Euro per kilometre.
    #[arg(long, value_name = "EURO")]
    km_rate: Option<String>,
}

/// A percentage: `150` or `150%`.
pub fn percent(field: &'static str, s: &str) -> Result<i64> {
    s.trim().trim_end_matches('%').trim().parse().map_err(|_| {
        Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{s:?} is not a percentage (e.g. 150)"),
        )
    })
}

fn print_balance(b: &ContractBalance) -> String {
    let period = if b.period_start != b.starts_on || b.period_end != b.ends_on {
        format!(
            "  anno {} – {}",
            labels::date(&b.period_start),
            labels::date(&b.period_end)
        )
    } else {
        format!(
            "  {} – {}",
            labels::date(&b.starts_on),
            labels::date(&b.ends_on)
        )
    };
    format!(
        "{}  [{}]{period}\n  {}",
        b.name,
        labels::kind(b.kind),
        balance_line(b)
    )
}

pub fn print_balances(client_name: &str, b: &ClientBalances) -> String {
    let mut s = format!("Saldi di {client_name} al {}", labels::date(&b.as_of));
    if b.balances.is_empty() {
        s.push_str("\n  nessun contratto con ore o ticket: il lavoro si fattura a consuntivo");
    }
    for x in &b.balances {
        s.push('\n');
        s.push_str(&print_balance(x));
    }
    if b.incident_tickets_uncovered > 0 {
        s.push_str(&format!(
            "\nTicket chiusi senza pacchetto disponibile: {} (da fatturare uno per uno)",
            b.incident_tickets_uncovered
        ));
    }
    s
}

fn print_line(l: &AllocationLine) -> String {
    let who = match (&l.contract_name, &l.period_start) {
        (Some(n), Some(p)) => format!("  {n} (anno dal {})", labels::date(p)),
        (Some(n), None) => format!("  {n}"),
        _ => String::new(),
    };
    let money = match (l.rate_cents, l.amount_cents) {
        (Some(r), a) => format!("  {}/h = {}", euro(r), euro(a)),
        (None, 0) => String::new(),
        (None, a) => format!("  {}", euro(a)),
    };
    let time = if l.minutes > 0 {
        hm(l.minutes)
    } else {
        "—".to_owned()
    };
    format!(
        "  {time:>12}  {}{who}{money}\n                {}",
        labels::source(l.source),
        labels::reason(l.reason)
    )
}

/// The allocation of one intervention, for people.
pub fn print_allocation(a: &InterventionAllocation) -> String {
    let mut s = format!(
        "Intervento {} · {} · {}{}",
        a.ticket_number,
        a.mode,
        labels::date(&a.date),
        if a.is_final {
            ""
        } else {
            "  (anteprima: intervento non concluso, non conta ancora nei saldi)"
        }
    );
    if a.billed_minutes == 0 {
        s.push_str("\n  nessun tempo addebitabile");
        return s;
    }
    s.push_str(&format!(
        "\n  lavorato {} → addebitato {} (arrotondamento {}, minimo {})",
        hm(a.worked_minutes),
        hm(a.billed_minutes),
        hm(a.rounding_minutes),
        hm(a.minimum_minutes)
    ));
    if a.extra_time_minutes > 0 {
        s.push_str(&format!(
            "\n  di cui extra orario {}",
            hm(a.extra_time_minutes)
        ));
    }
    for l in &a.lines {
        s.push('\n');
        s.push_str(&print_line(l));
    }
    s.push_str(&format!("\n  da fatturare: {}", euro(a.charges_cents)));
    s
}

fn print_defaults(d: &BillingDefaults) -> String {
    format!(
        "Tariffe del negozio (lavoro senza contratto che lo prezzi)\n  on-site {}/h · remoto {}/h\n  arrotondamento {}, minimo {}\n  extra orario {}% · diritto di chiamata {} · km {}",
        euro(d.on_site_rate_cents),
        euro(d.remote_rate_cents),
        hm(d.rounding_minutes),
        hm(d.minimum_minutes),
        d.extra_multiplier_pct,
        euro(d.callout_fee_cents),
        euro(d.km_rate_cents)
    )
}

pub fn balances(store: &mut Store, out: Out, a: BalancesArgs) -> Result<()> {
    let as_of = a.as_of.map(|d| parse_user_date("as_of", &d)).transpose()?;
    let name = clients::get(store, a.client)?.name;
    let b = ledger::client_balances(store, a.client, as_of)?;
    out.emit(&b, |b| print_balances(&name, b));
    Ok(())
}

pub fn allocation(store: &mut Store, out: Out, a: AllocationArgs) -> Result<()> {
    let alloc = match a.pay_from.as_deref().map(str::trim) {
        None => ledger::intervention_allocation(store, a.intervention)?,
        Some("auto") => ledger::pay_from(store, a.intervention, None)?,
        Some(id) => ledger::pay_from(store, a.intervention, Some(id.parse()?))?,
    };
    out.emit(&alloc, print_allocation);
    Ok(())
}

pub fn billing(store: &mut Store, out: Out, c: BillingCommand) -> Result<()> {
    match c {
        BillingCommand::Show => out.emit(&defaults::get(store)?, print_defaults),
        BillingCommand::Set(f) => {
            let mut d = defaults::get(store)?;
            if let Some(v) = f.rounding {
                d.rounding_minutes = parse::minutes("rounding_minutes", &v, Unit::Minutes)?;
            }
            if let Some(v) = f.minimum {
                d.minimum_minutes = parse::minutes("minimum_minutes", &v, Unit::Minutes)?;
            }
            if let Some(v) = f.on_site_rate {
                d.on_site_rate_cents = parse_euro("on_site_rate_cents", &v)?;
            }
            if let Some(v) = f.remote_rate {
                d.remote_rate_cents = parse_euro("remote_rate_cents", &v)?;
            }
            if let Some(v) = f.multiplier {
                d.extra_multiplier_pct = percent("extra_multiplier_pct", &v)?;
            }
            if let Some(v) = f.callout_fee {
                d.callout_fee_cents = parse_euro("callout_fee_cents", &v)?;
            }
            if let Some(v) = f.km_rate {
                d.km_rate_cents = parse_euro("km_rate_cents", &v)?;
            }
            out.emit(&defaults::set(store, &d)?, print_defaults);
        }
        BillingCommand::Lines(a) => super::billing_lines::lines(store, out, a)?,
        BillingCommand::Vat(a) => super::billing_lines::vat(store, out, a)?,
    }
    Ok(())
}
