//! `dashboard`: the app's home screen as text — timer, my open tickets by urgency, today's work,
//! balances to watch.

use rapportino_core::format::hours_minutes;
use rapportino_core::views::dashboard::{self, BalanceAlert, Dashboard};
use rapportino_core::{Result, Store};
use serde::Serialize;

use crate::output::Out;

pub fn run(store: &mut Store, out: Out) -> Result<()> {
    let started = std::time::Instant::now();
    let d = dashboard::overview(store, None)?;
    let first = started.elapsed();
    let alerts = dashboard::balance_alerts(store, None)?;
    let total = started.elapsed();
    let both = Both {
        dashboard: d,
        balance_alerts: alerts,
    };
    out.emit(&both, print);
    if !out.json {
        eprintln!(
            "(letto in {:.1} ms, saldi compresi {:.1} ms)",
            first.as_secs_f64() * 1000.0,
            total.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Both {
    #[serde(flatten)]
    dashboard: Dashboard,
    balance_alerts: Vec<BalanceAlert>,
}

fn print(both: &Both) -> String {
    let d = &both.dashboard;
    let mut s = String::new();
    match (&d.running, &d.paused) {
        (Some(r), _) => {
            s += &format!(
                "⏱ timer in corso: {} · {} — {}\n",
                r.ticket_number,
                r.client_name,
                hours_minutes(r.total_seconds)
            )
        }
        (None, Some(p)) => s += &format!("⏸ in pausa: {} · {}\n", p.ticket_number, p.client_name),
        (None, None) => s += "nessun timer\n",
    }
    s += &format!(
        "\nI miei ticket aperti: {} ({} fuori SLA)\n",
        d.my_tickets_total, d.breached
    );
    for u in &d.my_tickets {
        let due = u
            .sla
            .open_clock()
            .map(|c| format!("{} min", c.left_minutes))
            .unwrap_or_else(|| "—".into());
        s += &format!(
            "  {:<16} {:>10}  {:<24.24}  {}\n",
            u.ticket.number, due, u.ticket.client_name, u.ticket.title
        );
    }
    s += &format!("\nInterventi di oggi ({}):\n", d.today);
    for i in &d.today_interventions {
        s += &format!(
            "  {:<16} {:<24.24} {}\n",
            i.ticket_number,
            i.client_name,
            hours_minutes(i.billable_seconds)
        );
    }
    s += "\nSaldi da tenere d'occhio:\n";
    for a in &both.balance_alerts {
        let left = a
            .balance
            .remaining_minutes
            .map(|m| hours_minutes(m * 60))
            .unwrap_or_else(|| "—".into());
        s += &format!(
            "  {:<24.24} {:<28.28} residue {}{}{}\n",
            a.client_name,
            a.balance.name,
            left,
            if a.low { " · in esaurimento" } else { "" },
            if a.expiring {
                format!(" · scade tra {} giorni", a.balance.days_to_expiry)
            } else {
                String::new()
            }
        );
    }
    let sync = &both.dashboard.sync;
    s += &if !sync.configured {
        "\nSincronizzazione: non configurata\n".to_owned()
    } else {
        format!(
            "\nSincronizzazione: ultima {} · {} modifiche in attesa\n",
            sync.last_sync_at.as_deref().unwrap_or("mai"),
            sync.pending_changes
        )
    };
    s
}
