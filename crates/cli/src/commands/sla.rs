//! SLA clocks, the governing contract and entitlement warnings as people read them: the ticket
//! page's SLA block and the urgency list (`ticket urgent`).

use chrono::{DateTime, Utc};
use rapportino_core::entitlement::Entitlement;
use rapportino_core::sla::{ClockKind, SlaClock, SlaState, TicketSla};
use rapportino_core::tickets::TicketFilter;
use rapportino_core::time::{parse_instant, Tz};
use rapportino_core::views::{self, UrgentTicket};
use rapportino_core::{Page, PageRequest, Result, Store};

use super::calendars::local_with_weekday;
use super::labels::{self, hm, short};
use crate::output::{cell, more, Out};

fn at(instant: &Option<String>, tz: Tz) -> String {
    instant
        .as_deref()
        .and_then(|t| parse_instant(t).ok())
        .map_or_else(String::new, |t| local_with_weekday(t, tz))
}

/// Where one clock stands: "scade tra 1h 20m (lun 02/03/2026 10:20)", "SCADUTO da 35m",
/// "in pausa (restano 2h)", "rispettato".
pub fn clock_text(c: &SlaClock, now: DateTime<Utc>, tz: Tz) -> String {
    let used = format!("usati {} su {}", hm(c.used_minutes), hm(c.target_minutes));
    if c.stopped_at.is_some() {
        return match c.state {
            SlaState::Breached => {
                format!("superato di {} ({used})", short(-c.left_minutes))
            }
            _ => format!("rispettato ({used})"),
        };
    }
    if c.paused {
        return if c.left_minutes < 0 {
            format!("in pausa, SCADUTO da {}", short(-c.left_minutes))
        } else {
            format!("in pausa (restano {})", short(c.left_minutes))
        };
    }
    if c.left_minutes < 0 {
        return format!(
            "SCADUTO da {} (scadeva {})",
            short(-c.left_minutes),
            at(&c.due_at, tz)
        );
    }
    let not_yet = parse_instant(&c.counting_from).is_ok_and(|t| t > now);
    format!(
        "scade tra {} ({}) · {}{}",
        short(c.left_minutes),
        at(&c.due_at, tz),
        labels::sla_state(c.state),
        if not_yet {
            format!(
                ", fuori orario: conta da {}",
                at(&Some(c.counting_from.clone()), tz)
            )
        } else {
            String::new()
        }
    )
}

/// The ticket page's SLA block.
pub fn print_sla(s: &TicketSla, now: DateTime<Utc>, tz: Tz) -> String {
    let mut t = match &s.contract_name {
        Some(name) => format!(
            "Contratto: {name} [{}] — {}",
            s.contract_kind.map_or("?", labels::kind),
            labels::governing_reason(s.governing_reason)
        ),
        None => format!(
            "Contratto: nessuno — {}",
            labels::governing_reason(s.governing_reason)
        ),
    };
    if let Some(cal) = &s.calendar_name {
        t.push_str(&format!(
            "\n  calendario {cal}{}",
            if s.wall_clock {
                " — extra orario: i tempi corrono a orologio"
            } else {
                ""
            }
        ));
    }
    if s.response.is_none() && s.intervention.is_none() && s.resolution.is_none() {
        t.push_str("\n  SLA: nessun tempo garantito per questo ticket");
    }
    for (label, c) in [
        ("risposta", &s.response),
        ("intervento", &s.intervention),
        ("risoluzione", &s.resolution),
    ] {
        if let Some(c) = c {
            t.push_str(&format!(
                "\n  SLA {label} entro {}: {}",
                hm(c.target_minutes),
                clock_text(c, now, tz)
            ));
        }
    }
    t
}

/// Entitlement warnings (or their absence).
pub fn print_entitlement(e: &Entitlement) -> String {
    let mut t = String::from("Diritti:");
    if e.ok {
        t.push_str(" nessun avviso");
    }
    for i in &e.issues {
        t.push_str(&format!("\n  ! {}", labels::entitlement_issue(*i)));
    }
    if e.quote_required {
        t.push_str("\n  → serve un preventivo prima di lavorare");
    }
    if e.billable_extra {
        t.push_str("\n  → extra a pagamento");
    }
    if let Some(c) = &e.class_name {
        t.push_str(&format!("\n  classe {c}"));
    }
    if !e.channels.is_empty() || !e.services.is_empty() {
        t.push_str(&format!(
            "\n  canali previsti: {} · servizi previsti: {}",
            labels::list(&e.channels),
            labels::list(&e.services)
        ));
    }
    t
}

/// The Italian name of a clock.
pub fn clock_label(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::Response => "risposta",
        ClockKind::Intervention => "intervento",
        ClockKind::Resolution => "risoluzione",
    }
}

/// One row of the urgency list: the open clock (the one that decides urgency), else the
/// intervention clock, else the response clock; the customer class priority when it has one.
fn urgent_row(u: &UrgentTicket, now: DateTime<Utc>, tz: Tz) -> String {
    let t = &u.ticket;
    let clock = u
        .sla
        .open_clock()
        .or(u.sla.intervention.as_ref())
        .or(u.sla.response.as_ref())
        .map(|c| (clock_label(c.kind), c));
    let status = match clock {
        Some((label, c)) => format!("{label}: {}", clock_text(c, now, tz)),
        None => u.sla.contract_name.as_ref().map_or_else(
            || "nessun contratto".to_owned(),
            |n| format!("nessun SLA ({n})"),
        ),
    };
    let class = if u.class_priority != 0 {
        format!(" · priorità classe {}", u.class_priority)
    } else {
        String::new()
    };
    format!(
        "{} {} {} {} {} {}{class}",
        cell(&t.number, 18),
        cell(t.severity.as_str(), 8),
        cell(t.status.as_str(), 14),
        cell(&t.client_name, 24),
        cell(&t.title, 30),
        status
    )
}

/// `ticket urgent`: open tickets by SLA urgency.
pub fn urgent(store: &Store, out: Out, filter: &TicketFilter, page: &PageRequest) -> Result<()> {
    let (now, tz) = (store.now(), store.tz());
    let p: Page<UrgentTicket> = views::urgency_list(store, filter, page)?;
    out.emit(&p, |p| {
        if p.items.is_empty() {
            return "nessun ticket aperto".into();
        }
        let mut s: Vec<String> = p.items.iter().map(|u| urgent_row(u, now, tz)).collect();
        s.push(more(p.has_more, p.offset, p.limit));
        s.join("\n")
    });
    Ok(())
}
