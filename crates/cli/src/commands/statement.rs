//! `statement`: a client's monthly statement data (rendiconto mensile) — the month's
//! interventions with who paid for them, minutes per contract, balances, incident tickets,
//! what expires in the next 60 days.

use clap::Args;
use rapportino_core::contracts::ContractKind;
use rapportino_core::format::euro;
use rapportino_core::ids::ClientId;
use rapportino_core::labels::{month_year, Locale};
use rapportino_core::views::statements::{self, StatementData, EXPIRING_WITHIN_DAYS};
use rapportino_core::{Result, Store};

use super::contracts::balance_line;
use super::labels::{self, hm};
use crate::output::Out;

#[derive(Args)]
pub struct StatementArgs {
    client: ClientId,
    /// The month: 2026-03 or 03/2026.
    month: String,
    /// Write the statement as PDF to this file (instead of printing its data).
    #[arg(long, value_name = "FILE")]
    pdf: Option<std::path::PathBuf>,
    /// Write the statement as an HTML page to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<std::path::PathBuf>,
}

fn print_statement(s: &StatementData) -> String {
    let mut t = format!(
        "Rendiconto di {} — {}  ({} – {})",
        month_year(s.year, s.month, Locale::It),
        s.client_name,
        labels::date(&s.period_start),
        labels::date(&s.period_end)
    );
    t.push_str("\nInterventi:");
    if s.interventions.is_empty() {
        t.push_str("\n  nessun intervento nel mese");
    }
    for a in &s.interventions {
        let paid: Vec<String> = a
            .lines
            .iter()
            .filter(|l| l.minutes > 0)
            .map(|l| {
                format!(
                    "{} {}{}",
                    labels::source(l.source),
                    hm(l.minutes),
                    l.contract_name
                        .as_ref()
                        .map_or(String::new(), |n| format!(" ({n})"))
                )
            })
            .collect();
        t.push_str(&format!(
            "\n  {} {:<18} {:<7} addebitato {:>12}  {}{}{}",
            labels::date(&a.date),
            a.ticket_number,
            a.mode.as_str(),
            hm(a.billed_minutes),
            if paid.is_empty() {
                "—".to_owned()
            } else {
                paid.join(", ")
            },
            if a.charges_cents > 0 {
                format!("  da fatturare {}", euro(a.charges_cents))
            } else {
                String::new()
            },
            if a.is_final { "" } else { "  (anteprima)" }
        ));
    }
    if !s.usage.is_empty() {
        t.push_str("\nOre per contratto o pacchetto:");
        for u in &s.usage {
            t.push_str(&format!(
                "\n  {:<32} {:<20} {:>12}{}",
                u.name.as_deref().unwrap_or("—"),
                labels::source(u.source),
                if u.minutes > 0 {
                    hm(u.minutes)
                } else {
                    String::new()
                },
                if u.amount_cents > 0 {
                    format!("  {}", euro(u.amount_cents))
                } else {
                    String::new()
                }
            ));
        }
    }
    t.push_str("\nSaldi a fine mese:");
    if s.balances.is_empty() {
        t.push_str("\n  nessun contratto con ore o ticket");
    }
    for b in &s.balances {
        t.push_str(&format!(
            "\n  {} [{}]: {}",
            b.name,
            labels::kind(b.kind),
            balance_line(b)
        ));
    }
    let packs = s
        .balances
        .iter()
        .any(|b| b.kind == ContractKind::IncidentPack);
    if packs || s.incident_tickets_used > 0 {
        t.push_str(&format!(
            "\nPacchetti ticket: {} usati nel mese, {} rimasti",
            s.incident_tickets_used, s.incident_tickets_left
        ));
    }
    t.push_str(&format!(
        "\nIn scadenza entro {EXPIRING_WITHIN_DAYS} giorni:"
    ));
    if s.expiring.is_empty() {
        t.push_str(" nulla");
    }
    for b in &s.expiring {
        t.push_str(&format!(
            "\n  {} scade il {}",
            b.name,
            labels::date(&b.ends_on)
        ));
    }
    t.push_str(&format!(
        "\nTotale del mese: addebitato {} · da fatturare {}",
        hm(s.billed_minutes),
        euro(s.charges_cents)
    ));
    t
}

pub fn run(store: &mut Store, out: Out, a: StatementArgs) -> Result<()> {
    if a.pdf.is_some() || a.html.is_some() {
        return super::reports::statement_file(
            store,
            out,
            a.client,
            &a.month,
            a.pdf.as_deref(),
            a.html.as_deref(),
        );
    }
    let (year, month) = statements::parse_month(&a.month)?;
    let data = statements::monthly(store, a.client, year, month)?;
    out.emit(&data, print_statement);
    Ok(())
}
