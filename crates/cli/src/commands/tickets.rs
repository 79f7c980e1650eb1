use chrono::{DateTime, Utc};
use clap::Subcommand;
use rapportino_core::format::{hours_minutes, local_datetime};
use rapportino_core::ids::{ClientId, ContactId, ContractId, SiteId, TechnicianId, TicketId};
use rapportino_core::labels::Locale;
use rapportino_core::tickets::{
    self, NewTicket, Origin, PartyKind, Severity, Ticket, TicketFilter, TicketPatch, TicketStatus,
    TicketTerms, TransitionInput, WaitingParty,
};
use rapportino_core::views::{self, TicketDetail};
use rapportino_core::{Result, Store};

use super::parse::{flag_value, is_none_word};
use super::{sla, Paging};
use crate::output::{cell, more, or_dash, Out};

#[derive(Subcommand)]
pub enum TicketCommand {
    /// Open a ticket; its number (T-year-device-seq) is issued offline.
    Open {
        #[arg(long)]
        client: ClientId,
        #[arg(long)]
        title: String,
        /// phone, email, web_form, monitoring, chat, on_site, other
        #[arg(long)]
        origin: Origin,
        /// blocking, degraded, request
        #[arg(long)]
        severity: Severity,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        urgent: bool,
        /// A defect of the shop's own product (never charged).
        #[arg(long)]
        bug: bool,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        contact: Option<ContactId>,
        #[arg(long)]
        site: Option<SiteId>,
        /// When the client reported it (dd/mm/yyyy HH:MM or RFC 3339; default now).
        #[arg(long)]
        reported_at: Option<String>,
        #[arg(long)]
        assign: Option<TechnicianId>,
        /// The governing contract, chosen by hand (default: the automatic rule).
        #[arg(long)]
        contract: Option<ContractId>,
        /// The caller's extra-time PIN: opens the ticket under extra time (SLA clocks run at once).
        #[arg(long, value_name = "PIN")]
        extra_time_pin: Option<String>,
        /// Priority given on the client's demand to a non-urgent request (billable extra).
        #[arg(long)]
        priority_requested: bool,
        /// Work outside the contract's scope (a quote is required).
        #[arg(long)]
        out_of_scope: bool,
        /// The service asked for (remote, on_site, priority, upgrades…), checked against entitlements.
        #[arg(long)]
        service: Option<String>,
    },
    /// Edit a ticket's details.
    Edit {
        ticket: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        severity: Option<Severity>,
        #[arg(long)]
        urgent: Option<bool>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        bug: Option<bool>,
        #[arg(long)]
        assign: Option<TechnicianId>,
        /// The requester: one of the client's contacts.
        #[arg(long, conflicts_with = "no_contact")]
        contact: Option<ContactId>,
        /// Clear the requester.
        #[arg(long)]
        no_contact: bool,
    },
    /// Move a ticket to another status (taken, in_progress, waiting_client, waiting_third_party,
    /// resolved, closed, cancelled).
    Move {
        /// Ticket id or number.
        ticket: String,
        to: TicketStatus,
        #[arg(long)]
        note: Option<String>,
        /// When taking in charge: estimated resolution (dd/mm/yyyy HH:MM).
        #[arg(long)]
        estimate: Option<String>,
        /// When taking in charge: the technician (default: this device's).
        #[arg(long)]
        technician: Option<TechnicianId>,
        /// Waiting for a third party: who (carrier, vendor, provider, other).
        #[arg(long, requires = "party")]
        party_kind: Option<PartyKind>,
        /// Waiting for a third party: the party's name (Fastweb, BRT...).
        #[arg(long, requires = "party_kind")]
        party: Option<String>,
    },
    /// Show a ticket with its SLA clocks, contract, entitlement, history and interventions.
    Show { ticket: String },
    /// Open tickets by SLA urgency: breached first, then by business time left.
    Urgent {
        #[arg(long)]
        client: Option<ClientId>,
        #[arg(long)]
        technician: Option<TechnicianId>,
        #[command(flatten)]
        paging: Paging,
    },
    /// Change a ticket's terms: governing contract, priority on demand, out of scope, service.
    Terms {
        /// Ticket id or number.
        ticket: String,
        /// A contract id, or `auto` for the automatic rule.
        #[arg(long)]
        contract: Option<String>,
        /// Priority on the client's demand (`--priority-requested false` to undo).
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = flag_value)]
        priority_requested: Option<bool>,
        /// Out of the contract's scope (`--out-of-scope false` to undo).
        #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = flag_value)]
        out_of_scope: Option<bool>,
        /// The service asked for (`none` to clear).
        #[arg(long)]
        service: Option<String>,
    },
    /// Put a ticket under extra time, with the PIN the client gave.
    ExtraTime {
        /// Ticket id or number.
        ticket: String,
        #[arg(long)]
        pin: String,
    },
    /// List tickets, newest first.
    List {
        #[arg(long)]
        client: Option<ClientId>,
        #[arg(long)]
        technician: Option<TechnicianId>,
        #[arg(long)]
        status: Option<TicketStatus>,
        /// Only open tickets (new, taken, in progress, waiting).
        #[arg(long)]
        open: bool,
        /// Only resolved, closed and cancelled tickets.
        #[arg(long, conflicts_with = "open")]
        closed: bool,
        /// Open tickets by SLA urgency (same as `ticket urgent`).
        #[arg(long)]
        by_sla: bool,
        #[command(flatten)]
        paging: Paging,
    },
}

/// A ticket by id or by number (T-2026-MR-0001).
pub fn resolve(store: &Store, reference: &str) -> Result<TicketId> {
    match reference.parse::<TicketId>() {
        Ok(id) => Ok(id),
        Err(_) => Ok(tickets::get_by_number(store, reference)?.id),
    }
}

fn terms_line(t: &Ticket) -> String {
    let mut parts = Vec::new();
    if let Some(c) = t.contract_id {
        parts.push(format!("contratto scelto {c}"));
    }
    if t.extra_time {
        parts.push("EXTRA ORARIO".to_owned());
    }
    if t.priority_requested {
        parts.push("priorità su richiesta".to_owned());
    }
    if t.out_of_scope {
        parts.push("fuori perimetro".to_owned());
    }
    if let Some(s) = &t.service {
        parts.push(format!("servizio {s}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("\n  {}", parts.join(" · "))
    }
}

fn print_ticket(t: &Ticket, tz: rapportino_core::time::Tz) -> String {
    format!(
        "{}  [{}{}]  {}\n  {} · {} · {}{}{}{}\n  aperto {}  segnalato {}\n  id {}",
        t.number,
        t.status,
        t.waiting_party
            .as_ref()
            .map_or(String::new(), |p| format!(": {}", p.label(Locale::It))),
        t.title,
        t.severity,
        t.origin,
        or_dash(&t.category),
        if t.urgent { " · URGENTE" } else { "" },
        if t.is_bug { " · bug" } else { "" },
        terms_line(t),
        local_datetime(&t.opened_at, tz),
        local_datetime(&t.reported_at, tz),
        t.id
    )
}

fn print_detail(d: &TicketDetail, now: DateTime<Utc>, tz: rapportino_core::time::Tz) -> String {
    let mut s = print_ticket(&d.ticket, tz);
    s.push_str(&format!(
        "\n  cliente {}  referente {}  tecnico {}",
        d.client_name,
        or_dash(&d.contact_name),
        or_dash(&d.assigned_technician_name)
    ));
    s.push_str(&format!("\n\n{}", sla::print_sla(&d.sla, now, tz)));
    s.push_str(&format!("\n{}", sla::print_entitlement(&d.entitlement)));
    if let Some(desc) = &d.ticket.description {
        s.push_str(&format!("\n\n{desc}"));
    }
    s.push_str("\n\nStorico:");
    for e in &d.events {
        let from = e.from_status.map_or("—".to_owned(), |f| f.to_string());
        s.push_str(&format!(
            "\n  {} {from} → {}{}{}",
            local_datetime(&e.at, tz),
            e.to_status,
            e.waiting_party
                .as_ref()
                .map_or(String::new(), |p| format!(": {}", p.label(Locale::It))),
            e.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
        ));
    }
    s.push_str("\nInterventi:");
    for i in &d.interventions {
        s.push_str(&format!(
            "\n  {} {} {} {}  {}",
            local_datetime(&i.created_at, tz),
            i.mode,
            i.technician_code,
            hours_minutes(i.billable_seconds),
            i.id
        ));
    }
    let next: Vec<&str> = d.next_statuses.iter().map(|s| s.as_str()).collect();
    s.push_str(&format!(
        "\nStati possibili: {}",
        if next.is_empty() {
            "—".to_owned()
        } else {
            next.join(", ")
        }
    ));
    s
}

/// Prints a ticket's detail (SLA block included).
fn show(store: &Store, out: Out, id: TicketId) -> Result<()> {
    let (now, tz) = (store.now(), store.tz());
    out.emit(&views::ticket_detail(store, id)?, |d| {
        print_detail(d, now, tz)
    });
    Ok(())
}

pub fn run(store: &mut Store, out: Out, c: TicketCommand) -> Result<()> {
    let tz = store.tz();
    match c {
        TicketCommand::Open {
            client,
            title,
            origin,
            severity,
            description,
            urgent,
            bug,
            category,
            contact,
            site,
            reported_at,
            assign,
            contract,
            extra_time_pin,
            priority_requested,
            out_of_scope,
            service,
        } => {
            let t = rapportino_sync_http::open_ticket(
                store,
                &NewTicket {
                    client_id: client,
                    contact_id: contact,
                    site_id: site,
                    origin,
                    severity,
                    urgent,
                    category,
                    is_bug: bug,
                    title,
                    description,
                    reported_at,
                    assigned_technician_id: assign,
                    contract_id: contract,
                    extra_time_pin,
                    priority_requested,
                    out_of_scope,
                    service,
                },
            )?;
            out.emit(&t, |t| print_ticket(t, tz));
        }
        TicketCommand::Edit {
            ticket,
            title,
            description,
            severity,
            urgent,
            category,
            bug,
            assign,
            contact,
            no_contact,
        } => {
            let id = resolve(store, &ticket)?;
            let patch = TicketPatch {
                title,
                description,
                severity,
                urgent,
                category,
                is_bug: bug,
                assigned_technician_id: assign,
                contact_id: if no_contact {
                    Some(None)
                } else {
                    contact.map(Some)
                },
            };
            out.emit(&tickets::update(store, id, &patch)?, |t| {
                print_ticket(t, tz)
            });
        }
        TicketCommand::Move {
            ticket,
            to,
            note,
            estimate,
            technician,
            party_kind,
            party,
        } => {
            let id = resolve(store, &ticket)?;
            let input = TransitionInput {
                to,
                note,
                technician_id: technician,
                estimated_resolution_at: estimate,
                party: party_kind
                    .zip(party)
                    .map(|(kind, name)| WaitingParty { kind, name }),
            };
            out.emit(&tickets::transition(store, id, &input)?, |t| {
                print_ticket(t, tz)
            });
        }
        TicketCommand::Show { ticket } => {
            let id = resolve(store, &ticket)?;
            show(store, out, id)?;
        }
        TicketCommand::Urgent {
            client,
            technician,
            paging,
        } => {
            let filter = TicketFilter {
                client_id: client,
                technician_id: technician,
                status: None,
                open_only: Some(true),
                closed_only: None,
            };
            sla::urgent(store, out, &filter, &paging.into())?;
        }
        TicketCommand::Terms {
            ticket,
            contract,
            priority_requested,
            out_of_scope,
            service,
        } => {
            let id = resolve(store, &ticket)?;
            let t = tickets::get(store, id)?;
            let contract_id = match contract {
                None => t.contract_id,
                Some(c) if is_none_word(&c) || c.trim().eq_ignore_ascii_case("auto") => None,
                Some(c) => Some(c.parse::<ContractId>()?),
            };
            let terms = TicketTerms {
                contract_id,
                priority_requested: priority_requested.unwrap_or(t.priority_requested),
                out_of_scope: out_of_scope.unwrap_or(t.out_of_scope),
                service: match service {
                    None => t.service,
                    Some(s) if is_none_word(&s) => None,
                    Some(s) => Some(s),
                },
            };
            tickets::set_terms(store, id, &terms)?;
            show(store, out, id)?;
        }
        TicketCommand::ExtraTime { ticket, pin } => {
            let id = resolve(store, &ticket)?;
            rapportino_sync_http::claim_extra_time(store, id, &pin)?;
            show(store, out, id)?;
        }
        TicketCommand::List {
            by_sla: true,
            client,
            technician,
            paging,
            ..
        } => {
            let filter = TicketFilter {
                client_id: client,
                technician_id: technician,
                status: None,
                open_only: Some(true),
                closed_only: None,
            };
            sla::urgent(store, out, &filter, &paging.into())?;
        }
        TicketCommand::List {
            client,
            technician,
            status,
            open,
            closed,
            paging,
            by_sla: false,
        } => {
            let filter = TicketFilter {
                client_id: client,
                technician_id: technician,
                status,
                open_only: Some(open),
                closed_only: Some(closed),
            };
            let page = tickets::list(store, &filter, &paging.into())?;
            out.emit(&page, |p| {
                let mut s: Vec<String> = p
                    .items
                    .iter()
                    .map(|t| {
                        format!(
                            "{} {} {} {} {} {}",
                            cell(&t.number, 18),
                            local_datetime(&t.opened_at, tz),
                            cell(t.status.as_str(), 14),
                            cell(t.severity.as_str(), 8),
                            cell(&t.client_name, 30),
                            cell(&t.title, 40)
                        )
                    })
                    .collect();
                s.push(more(p.has_more, p.offset, p.limit));
                s.join("\n")
            });
        }
    }
    Ok(())
}
