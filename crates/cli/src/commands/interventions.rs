use clap::Subcommand;
use rapportino_core::format::{clock, euro, hours_minutes, local_datetime, parse_euro};
use rapportino_core::ids::{
    ClientId, InterventionId, MaterialId, SiteId, TechnicianId, TimeEntryId,
};
use rapportino_core::interventions::{
    self, InterventionDetail, InterventionFilter, InterventionMode, InterventionPatch,
    ManualTimeInput, MaterialInput, NewIntervention, Outcome, TimeEntry,
};
use rapportino_core::time::Tz;
use rapportino_core::{Result, Store};

use super::{tickets::resolve, Paging};
use crate::output::{cell, more, or_dash, Out};

#[derive(Subcommand)]
pub enum InterventionCommand {
    /// Start an intervention on a ticket (a new ticket is taken in charge).
    Add {
        /// Ticket id or number.
        #[arg(long)]
        ticket: String,
        /// on_site or remote
        #[arg(long)]
        mode: InterventionMode,
        #[arg(long)]
        site: Option<SiteId>,
        #[arg(long)]
        technician: Option<TechnicianId>,
    },
    /// Edit work done, outcome, travel.
    Edit {
        id: InterventionId,
        #[arg(long)]
        work_done: Option<String>,
        /// resolved, follow_up, out_of_contract
        #[arg(long)]
        outcome: Option<Outcome>,
        /// Why the cause lies outside the contract.
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        site: Option<SiteId>,
        #[arg(long)]
        travel_km: Option<f64>,
        #[arg(long)]
        travel_minutes: Option<i64>,
    },
    /// Escalate a remote intervention to on-site (stops its timer, creates the on-site one).
    Escalate {
        id: InterventionId,
        #[arg(long)]
        site: Option<SiteId>,
    },
    /// Show an intervention: time entries, materials, totals.
    Show { id: InterventionId },
    /// List interventions, newest first.
    List {
        #[arg(long)]
        client: Option<ClientId>,
        /// Ticket id or number.
        #[arg(long)]
        ticket: Option<String>,
        #[arg(long)]
        technician: Option<TechnicianId>,
        #[command(flatten)]
        paging: Paging,
    },
}

#[derive(Subcommand)]
pub enum MaterialCommand {
    /// Add a material line.
    Add {
        intervention: InterventionId,
        /// Free text; the article's description when --article is given and this is not.
        #[arg(long)]
        description: Option<String>,
        #[arg(long, default_value_t = 1.0)]
        quantity: f64,
        /// Unit price before VAT in euro (12,50 or 12.50); the article's when --article is given.
        #[arg(long)]
        unit_price: Option<String>,
        /// A catalogue article's code: its description, price and VAT rate by default.
        #[arg(long)]
        article: Option<String>,
        /// VAT rate in percent (the article's, else 22).
        #[arg(long)]
        vat: Option<i64>,
    },
    /// Remove a material line.
    Remove { id: MaterialId },
}

#[derive(Subcommand)]
pub enum TimerCommand {
    /// Start the timer. On a ticket outside the contract with no accepted quote it is refused
    /// with QUOTE_REQUIRED (the work would be billed at the rate) unless confirmed.
    Start {
        intervention: InterventionId,
        /// Start anyway on an out-of-scope ticket with no accepted quote.
        #[arg(long)]
        without_quote: bool,
    },
    Pause {
        intervention: InterventionId,
    },
    Resume {
        intervention: InterventionId,
    },
    Stop {
        intervention: InterventionId,
    },
    /// The running timer of this device's technician (or --technician).
    Status {
        #[arg(long)]
        technician: Option<TechnicianId>,
    },
}

#[derive(Subcommand)]
pub enum TimeCommand {
    /// Log work done without the timer.
    Add {
        intervention: InterventionId,
        #[arg(long)]
        minutes: i64,
        /// When the work started (dd/mm/yyyy HH:MM; default: now minus the minutes).
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Add or remove minutes with a reason (negative to remove).
    Adjust {
        intervention: InterventionId,
        #[arg(long, allow_hyphen_values = true)]
        minutes: i64,
        #[arg(long)]
        note: String,
    },
    /// Cancel an entry (it stays in the history).
    Void {
        entry: TimeEntryId,
        #[arg(long)]
        note: String,
    },
    /// Accept a segment flagged for review (over 12 hours).
    Approve { entry: TimeEntryId },
    /// Segments waiting for review.
    Review,
}

fn print_entry(e: &TimeEntry, tz: Tz) -> String {
    format!(
        "  {:10} {} → {} {}{}{}  {}",
        e.kind.as_str(),
        local_datetime(&e.started_at, tz),
        e.ended_at
            .as_deref()
            .map_or("in corso".to_owned(), |t| local_datetime(t, tz)),
        e.seconds.map_or(String::new(), hours_minutes),
        if e.needs_review {
            "  DA VERIFICARE"
        } else {
            ""
        },
        e.note
            .as_ref()
            .map_or(String::new(), |n| format!("  ({n})")),
        e.id
    )
}

fn print_detail(d: &InterventionDetail, tz: Tz) -> String {
    let i = &d.intervention;
    let mut s = format!(
        "Intervento {} · {} · {}\n  ticket {} {} [{}]\n  cliente {}  sede {}\n  tecnico {} [{}]  timer {}\n  lavoro: {}\n  esito: {}{}",
        i.mode,
        i.started_at.as_deref().map_or("non iniziato".to_owned(), |t| local_datetime(t, tz)),
        i.id,
        d.ticket_number,
        d.ticket_title,
        d.ticket_status,
        d.client_name,
        or_dash(&d.site_name),
        d.technician_name,
        d.technician_code,
        d.timer_state,
        or_dash(&i.work_done),
        i.outcome.map_or("—".to_owned(), |o| o.to_string()),
        i.outcome_reason.as_ref().map_or(String::new(), |r| format!(" ({r})"))
    );
    if i.travel_km > 0.0 || i.travel_minutes > 0 {
        s.push_str(&format!(
            "\n  trasferta: {:.1} km, {}",
            i.travel_km,
            hours_minutes(i.travel_minutes * 60)
        ));
    }
    s.push_str("\nTempi:");
    for e in &d.time_entries {
        s.push('\n');
        s.push_str(&print_entry(e, tz));
    }
    s.push_str(&format!(
        "\n  totale addebitabile {}{}{}",
        hours_minutes(d.totals.billable_seconds),
        if d.totals.running_seconds > 0 {
            format!("  + in corso {}", clock(d.totals.running_seconds))
        } else {
            String::new()
        },
        if d.totals.pending_review_seconds > 0 {
            format!(
                "  (da verificare {})",
                hours_minutes(d.totals.pending_review_seconds)
            )
        } else {
            String::new()
        }
    ));
    if !d.materials.is_empty() {
        s.push_str("\nMateriali:");
        for m in &d.materials {
            s.push_str(&format!(
                "\n  {} × {} a {} = {} (IVA {}%)  {}",
                m.quantity,
                m.description,
                euro(m.unit_price_cents),
                euro(m.total_cents),
                m.vat_rate,
                m.id
            ));
        }
        s.push_str(&format!(
            "\n  totale materiali {}",
            euro(d.materials_total_cents)
        ));
    }
    if let Some(to) = d.escalated_to_id {
        s.push_str(&format!("\nScalato on-site: {to}"));
    }
    s
}

fn show(store: &Store, out: Out, id: InterventionId) -> Result<()> {
    let tz = store.tz();
    out.emit(&interventions::detail(store, id)?, |d| print_detail(d, tz));
    Ok(())
}

pub fn intervention(store: &mut Store, out: Out, c: InterventionCommand) -> Result<()> {
    match c {
        InterventionCommand::Add {
            ticket,
            mode,
            site,
            technician,
        } => {
            let ticket_id = resolve(store, &ticket)?;
            let i = interventions::create(
                store,
                &NewIntervention {
                    ticket_id,
                    mode,
                    site_id: site,
                    technician_id: technician,
                },
            )?;
            show(store, out, i.id)
        }
        InterventionCommand::Edit {
            id,
            work_done,
            outcome,
            reason,
            site,
            travel_km,
            travel_minutes,
        } => {
            let patch = InterventionPatch {
                work_done,
                outcome,
                outcome_reason: reason,
                site_id: site,
                travel_km,
                travel_minutes,
            };
            interventions::update(store, id, &patch)?;
            show(store, out, id)
        }
        InterventionCommand::Escalate { id, site } => {
            let on_site = interventions::escalate(store, id, site)?;
            show(store, out, on_site.id)
        }
        InterventionCommand::Show { id } => show(store, out, id),
        InterventionCommand::List {
            client,
            ticket,
            technician,
            paging,
        } => {
            let ticket_id = ticket.map(|t| resolve(store, &t)).transpose()?;
            let filter = InterventionFilter {
                client_id: client,
                ticket_id,
                technician_id: technician,
            };
            let tz = store.tz();
            let page = interventions::list(store, &filter, &paging.into())?;
            out.emit(&page, |p| {
                let mut s: Vec<String> = p
                    .items
                    .iter()
                    .map(|i| {
                        format!(
                            "{} {} {} {:3} {:>12} {} {}",
                            local_datetime(&i.created_at, tz),
                            cell(&i.ticket_number, 18),
                            cell(i.mode.as_str(), 7),
                            i.technician_code,
                            hours_minutes(i.billable_seconds),
                            cell(&i.client_name, 30),
                            i.id
                        )
                    })
                    .collect();
                s.push(more(p.has_more, p.offset, p.limit));
                s.join("\n")
            });
            Ok(())
        }
    }
}

pub fn material(store: &mut Store, out: Out, c: MaterialCommand) -> Result<()> {
    match c {
        MaterialCommand::Add {
            intervention,
            description,
            quantity,
            unit_price,
            article,
            vat,
        } => {
            let article = article
                .map(|code| {
                    rapportino_core::catalogue::find(store, &code)?.ok_or_else(|| {
                        rapportino_core::Error::invalid(
                            rapportino_core::Code::NotFound,
                            "article",
                            format!("no article with code {code:?}"),
                        )
                    })
                })
                .transpose()?;
            let unit_price_cents = match (unit_price, &article) {
                (Some(p), _) => parse_euro("unit_price", &p)?,
                (None, Some(a)) => a.unit_price_cents,
                (None, None) => {
                    return Err(rapportino_core::Error::invalid(
                        rapportino_core::Code::Required,
                        "unit_price",
                        "give --unit-price or --article",
                    ))
                }
            };
            let input = MaterialInput {
                description: description
                    .or_else(|| article.as_ref().map(|a| a.description.clone()))
                    .unwrap_or_default(),
                quantity,
                unit_price_cents,
                article_id: article.as_ref().map(|a| a.id),
                vat_rate: vat,
            };
            let m = interventions::add_material(store, intervention, &input)?;
            out.emit(&m, |m| {
                format!(
                    "{} × {} = {} IVA esclusa (IVA {}%)  {}",
                    m.quantity,
                    m.description,
                    euro(m.total_cents),
                    m.vat_rate,
                    m.id
                )
            });
        }
        MaterialCommand::Remove { id } => {
            interventions::remove_material(store, id)?;
            out.emit(&serde_json::json!({ "removed": id }), |_| {
                "materiale rimosso".into()
            });
        }
    }
    Ok(())
}

pub fn timer(store: &mut Store, out: Out, c: TimerCommand) -> Result<()> {
    let id = match c {
        TimerCommand::Start {
            intervention,
            without_quote,
        } => {
            interventions::start_confirmed(store, intervention, without_quote)?;
            intervention
        }
        TimerCommand::Pause { intervention } => {
            interventions::pause(store, intervention)?;
            intervention
        }
        TimerCommand::Resume { intervention } => {
            interventions::resume(store, intervention)?;
            intervention
        }
        TimerCommand::Stop { intervention } => {
            interventions::stop(store, intervention)?;
            intervention
        }
        TimerCommand::Status { technician } => {
            let running = interventions::running_timer(store, technician)?;
            out.emit(&running, |r| match r {
                None => "nessun timer in corso".into(),
                Some(r) => format!(
                    "⏱ {} su {} ({}) — totale {}{}\n  intervento {}",
                    clock(r.segment_seconds),
                    r.ticket_number,
                    r.client_name,
                    clock(r.total_seconds),
                    if r.over_limit {
                        "  OLTRE 12 ORE: sarà da verificare"
                    } else {
                        ""
                    },
                    r.intervention_id
                ),
            });
            return Ok(());
        }
    };
    show(store, out, id)
}

pub fn time(store: &mut Store, out: Out, c: TimeCommand) -> Result<()> {
    let id = match c {
        TimeCommand::Add {
            intervention,
            minutes,
            at,
            note,
        } => {
            interventions::add_manual(
                store,
                intervention,
                &ManualTimeInput {
                    minutes,
                    started_at: at,
                    note,
                },
            )?;
            intervention
        }
        TimeCommand::Adjust {
            intervention,
            minutes,
            note,
        } => {
            interventions::adjust(store, intervention, minutes, &note)?;
            intervention
        }
        TimeCommand::Void { entry, note } => {
            interventions::void_entry(store, entry, &note)?;
            return ok_done(out, "voce annullata");
        }
        TimeCommand::Approve { entry } => {
            interventions::approve(store, entry)?;
            return ok_done(out, "voce approvata");
        }
        TimeCommand::Review => {
            let tz = store.tz();
            let list = interventions::entries_needing_review(store)?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    "nessuna voce da verificare".into()
                } else {
                    l.iter()
                        .map(|e| {
                            format!("{}  intervento {}", print_entry(e, tz), e.intervention_id)
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
            return Ok(());
        }
    };
    show(store, out, id)
}

fn ok_done(out: Out, message: &str) -> Result<()> {
    out.emit(&serde_json::json!({ "ok": true }), |_| message.to_owned());
    Ok(())
}
