use clap::Subcommand;
use rapportino_core::format::{hours_minutes, local_datetime};
use rapportino_core::ids::{ClientId, ContactId, SiteId, TechnicianId, TicketId};
use rapportino_core::tickets::{
    self, NewTicket, Origin, Severity, Ticket, TicketDetail, TicketFilter, TicketPatch,
    TicketStatus, TransitionInput,
};
use rapportino_core::{Result, Store};

use super::Paging;
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
    },
    /// Move a ticket to another status (taken, in_progress, waiting_client, resolved, closed, cancelled).
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
    },
    /// Show a ticket with its history and interventions.
    Show { ticket: String },
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

fn print_ticket(t: &Ticket, tz: rapportino_core::time::Tz) -> String {
    format!(
        "{}  [{}]  {}\n  {} · {} · {}{}{}\n  aperto {}  segnalato {}\n  id {}",
        t.number,
        t.status,
        t.title,
        t.severity,
        t.origin,
        or_dash(&t.category),
        if t.urgent { " · URGENTE" } else { "" },
        if t.is_bug { " · bug" } else { "" },
        local_datetime(&t.opened_at, tz),
        local_datetime(&t.reported_at, tz),
        t.id
    )
}

fn print_detail(d: &TicketDetail, tz: rapportino_core::time::Tz) -> String {
    let mut s = print_ticket(&d.ticket, tz);
    s.push_str(&format!(
        "\n  cliente {}  referente {}  tecnico {}",
        d.client_name,
        or_dash(&d.contact_name),
        or_dash(&d.assigned_technician_name)
    ));
    if let Some(desc) = &d.ticket.description {
        s.push_str(&format!("\n\n{desc}"));
    }
    s.push_str("\n\nStorico:");
    for e in &d.events {
        let from = e.from_status.map_or("—".to_owned(), |f| f.to_string());
        s.push_str(&format!(
            "\n  {} {from} → {}{}",
            local_datetime(&e.at, tz),
            e.to_status,
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
        } => {
            let t = tickets::open(
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
                    contract_id: None,
                    extra_time_pin: None,
                    priority_requested: false,
                    out_of_scope: false,
                    service: None,
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
        } => {
            let id = resolve(store, &ticket)?;
            let input = TransitionInput {
                to,
                note,
                technician_id: technician,
                estimated_resolution_at: estimate,
            };
            out.emit(&tickets::transition(store, id, &input)?, |t| {
                print_ticket(t, tz)
            });
        }
        TicketCommand::Show { ticket } => {
            let id = resolve(store, &ticket)?;
            out.emit(&tickets::detail(store, id)?, |d| print_detail(d, tz));
        }
        TicketCommand::List {
            client,
            technician,
            status,
            open,
            paging,
        } => {
            let filter = TicketFilter {
                client_id: client,
                technician_id: technician,
                status,
                open_only: Some(open),
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
