//! Demo tickets and interventions, in chronological order, with their events, time entries and
//! materials; then, on request, extra open tickets for the SLA benchmark.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use serde_json::Value;
use std::collections::HashMap;

use super::data::*;
use super::people::{DemoClient, DemoTechnician};
use super::services::{self, Services, TicketTerms};
use super::{DemoReport, Gen, Progress};
use rapportino_core::error::Result;
use rapportino_core::ids::{InterventionId, MaterialId, TicketEventId, TicketId, TimeEntryId};
use rapportino_core::interventions::InterventionMode;
use rapportino_core::store::{field, Entity, Store, WriteTx};
use rapportino_core::tickets::{format_number, Severity, TicketStatus};
use rapportino_core::time::{format_instant, local_year};

const TICKETS_PER_TRANSACTION: u64 = 5_000;

/// The period of the history and what to fill it with.
pub(crate) struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub interventions: u32,
    /// Open tickets wanted at the end: the history's own, then new ones without work up to this.
    pub open_tickets: u32,
}

pub(super) struct Ctx<'a> {
    pub(super) svc: &'a mut Services,
    pub(super) techs: &'a [DemoTechnician],
    pub(super) clients: &'a [DemoClient],
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
    pub(super) total: u64,
    pub(super) made: u64,
    pub(super) tickets: u64,
    /// Tickets of the history left open (new, taken, in progress, waiting for the client).
    pub(super) open: u64,
    /// Next sequence per (device code, year), as each technician's laptop would have issued them.
    pub(super) sequences: HashMap<(&'static str, i32), i64>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn write_history(
    store: &mut Store,
    gen: &mut Gen,
    svc: &mut Services,
    techs: &[DemoTechnician],
    clients: &[DemoClient],
    span: Span,
    report: &mut DemoReport,
    progress: Progress<'_>,
) -> Result<()> {
    let mut ctx = Ctx {
        svc,
        techs,
        clients,
        start: span.start,
        end: span.end,
        total: u64::from(span.interventions),
        made: 0,
        tickets: 0,
        open: 0,
        sequences: HashMap::new(),
    };
    // Tickets keep coming until the intervention target is met; time advances with the count so
    // the history spans the whole period. A few open tickets without work close the period.
    while ctx.made < ctx.total || ctx.tickets == 0 {
        store.write(|tx| {
            for _ in 0..TICKETS_PER_TRANSACTION {
                if ctx.made >= ctx.total && ctx.tickets > 0 {
                    break;
                }
                write_ticket(tx, gen, &mut ctx, report)?;
            }
            Ok(())
        })?;
        progress(ctx.made, ctx.total);
    }
    let mut left = u64::from(span.open_tickets).saturating_sub(ctx.open);
    while left > 0 {
        let chunk = left.min(TICKETS_PER_TRANSACTION);
        store.write(|tx| {
            for _ in 0..chunk {
                super::open_tickets::write_open_ticket(tx, gen, &mut ctx)?;
            }
            Ok(())
        })?;
        left -= chunk;
    }
    // This device continues its own numbering after the demo history.
    let this_code = techs.first().map(|t| t.code).unwrap_or("MR");
    store.write(|tx| {
        for ((code, year), next) in &ctx.sequences {
            if *code == this_code {
                tx.set_sequence("T", *year, *next)?;
            }
        }
        Ok(())
    })?;
    report.tickets = ctx.tickets;
    report.interventions = ctx.made;
    Ok(())
}

/// Moves an instant into working hours (Mon–Fri 08:30–18:00 Rome time, roughly).
pub(super) fn business_hours(t: DateTime<Utc>, gen: &mut Gen) -> DateTime<Utc> {
    let local = t.with_timezone(&rapportino_core::time::DEFAULT_TZ);
    let mut t = t;
    match local.weekday() {
        Weekday::Sat => t += Duration::days(2),
        Weekday::Sun => t += Duration::days(1),
        _ => {}
    }
    let hour = local.hour();
    if !(8..18).contains(&hour) {
        let shift = (i64::from(9 + gen.range(0, 7) as u32) - i64::from(hour)).rem_euclid(24);
        t += Duration::hours(shift);
    }
    t
}

fn write_ticket(
    tx: &mut WriteTx<'_>,
    gen: &mut Gen,
    ctx: &mut Ctx<'_>,
    report: &mut DemoReport,
) -> Result<()> {
    let span = (ctx.end - ctx.start).num_seconds().max(1);
    let progress = if ctx.total == 0 {
        1.0
    } else {
        ctx.made as f64 / ctx.total as f64
    };
    let base = ctx.start + Duration::seconds((span as f64 * progress) as i64 + gen.range(0, 3_600));
    let mut opened = business_hours(base, gen).min(ctx.end - Duration::minutes(30));
    let age_days = (ctx.end - opened).num_days();

    // Big clients call more often: a skewed pick.
    let clients = ctx.clients;
    let client = pick_client(gen, clients);
    let tech = &ctx.techs[gen.range(0, ctx.techs.len() as i64 - 1) as usize];
    let severity = pick_severity(gen);
    let origin = pick_origin(gen);
    let status = if age_days > 20 || ctx.made >= ctx.total {
        if ctx.made >= ctx.total {
            TicketStatus::New
        } else {
            match gen.unit() {
                x if x < 0.88 => TicketStatus::Closed,
                x if x < 0.92 => TicketStatus::Cancelled,
                _ => TicketStatus::Resolved,
            }
        }
    } else {
        match gen.unit() {
            x if x < 0.10 => TicketStatus::New,
            x if x < 0.25 => TicketStatus::Taken,
            x if x < 0.50 => TicketStatus::InProgress,
            x if x < 0.60 => TicketStatus::WaitingClient,
            x if x < 0.80 => TicketStatus::Resolved,
            _ => TicketStatus::Closed,
        }
    };
    // The contracts the client needs on that day; extra time moves the call out of hours.
    let extra_time = ctx.svc.before_ticket(tx, client, opened, severity)?;
    if extra_time {
        opened = services::evening(opened, tx.tz()).min(ctx.end - Duration::minutes(30));
    }
    let (title, description) = title_and_description(gen, severity);
    let reported = opened - Duration::minutes(gen.range(0, 40));
    let id = TicketId(gen.uuid_at(opened));
    let number = next_number(ctx, tech.code, local_year(opened, tx.tz()));

    // Work happens between taking in charge and resolution.
    let idle = matches!(status, TicketStatus::New | TicketStatus::Taken);
    let cancelled_early = status == TicketStatus::Cancelled && gen.chance(0.6);
    let worked = !idle && !cancelled_early;
    let wanted = if worked {
        match gen.unit() {
            x if x < 0.72 => 1,
            x if x < 0.94 => 2,
            _ => 3,
        }
    } else {
        0
    };
    let count = wanted.min(ctx.total.saturating_sub(ctx.made));
    let taken = (opened + Duration::minutes(gen.range(5, 240))).min(ctx.end);
    let mut cursor = taken + Duration::minutes(gen.range(10, 120));
    let mut plans = Vec::new();
    for j in 0..count {
        if j > 0 {
            cursor = business_hours(cursor + Duration::hours(gen.range(1, 72)), gen);
        }
        if cursor >= ctx.end - Duration::hours(1) {
            cursor = ctx.end - Duration::hours(1) - Duration::minutes(gen.range(0, 600));
        }
        let segments: Vec<(DateTime<Utc>, i64)> = {
            let mut s = Vec::new();
            let mut t = cursor;
            for _ in 0..gen.range(1, 3) {
                let mins = gen.range(10, 150);
                s.push((t, mins * 60));
                t += Duration::minutes(mins + gen.range(5, 60));
            }
            s
        };
        cursor = segments
            .last()
            .map_or(cursor, |(t, secs)| *t + Duration::seconds(*secs));
        plans.push(segments);
    }
    let resolved = cursor.max(taken) + Duration::minutes(gen.range(5, 120));
    let closed = resolved + Duration::days(gen.range(1, 5));
    let has = |s: &[TicketStatus]| s.contains(&status);
    use TicketStatus::*;
    let contact = *gen.pick(&client.contacts);
    let urgent = gen.chance(0.08);
    let category = *gen.pick(CATEGORIES);
    let is_bug = gen.chance(0.03);
    let terms = ctx
        .svc
        .ticket_terms(client, severity, urgent, is_bug, status, extra_time);
    insert_ticket(
        tx,
        gen,
        ctx.end,
        &TicketRow {
            id,
            number,
            client,
            contact,
            origin,
            severity,
            urgent,
            category,
            is_bug,
            title,
            description,
            status,
            reported,
            opened,
            taken: (!(has(&[New]) || (status == Cancelled && count == 0))).then_some(taken),
            resolved: has(&[Resolved, Closed]).then_some(resolved),
            closed: has(&[Closed]).then_some(closed),
            cancelled: has(&[Cancelled]).then_some(resolved),
            technician: (!has(&[New])).then_some(tech),
            terms,
        },
    )?;
    ctx.tickets += 1;
    if has(&[New, Taken, InProgress, WaitingClient]) {
        ctx.open += 1;
    }

    // Status history along the path the ticket took.
    let mut path: Vec<(TicketStatus, DateTime<Utc>)> = vec![(New, opened)];
    if !(status == New || (status == Cancelled && count == 0)) {
        path.push((Taken, taken));
    }
    if count > 0 {
        path.push((InProgress, plans[0][0].0));
        if status == WaitingClient {
            path.push((WaitingClient, cursor));
        }
    }
    match status {
        Resolved => path.push((Resolved, resolved)),
        Closed => {
            path.push((Resolved, resolved));
            path.push((Closed, closed));
        }
        Cancelled => path.push((Cancelled, resolved)),
        _ => {}
    }
    let mut from: Option<TicketStatus> = None;
    for (to, t) in path {
        write_event(tx, gen, id, from, to, t.min(ctx.end), tech)?;
        from = Some(to);
    }

    let mut previous: Option<(InterventionId, &str)> = None;
    let n_plans = plans.len();
    for (j, segments) in plans.into_iter().enumerate() {
        let last = j + 1 == n_plans;
        let escalated = matches!(previous, Some((_, "remote"))) && gen.chance(0.5);
        let mode = if escalated || gen.chance(0.4) {
            "on_site"
        } else {
            "remote"
        };
        let first = segments[0].0;
        let finish = segments
            .last()
            .map_or(first, |(t, s)| *t + Duration::seconds(*s));
        let seconds: i64 = segments.iter().map(|(_, s)| *s).sum();
        let imode = if mode == "on_site" {
            InterventionMode::OnSite
        } else {
            InterventionMode::Remote
        };
        ctx.svc.before_work(tx, client, first, imode, seconds)?;
        let iid = InterventionId(gen.uuid_at(first));
        let outcome = if !last {
            field::text("follow_up")
        } else if has(&[Resolved, Closed]) {
            if gen.chance(0.08) {
                field::text("out_of_contract")
            } else {
                field::text("resolved")
            }
        } else {
            Value::Null
        };
        let reason = if outcome == field::text("out_of_contract") {
            field::text(*gen.pick(OUT_OF_CONTRACT_REASONS))
        } else {
            Value::Null
        };
        let mut work = gen.pick(WORK_DONE).to_string();
        for _ in 0..gen.range(0, 2) {
            work.push(' ');
            work.push_str(gen.pick::<&str>(WORK_DONE));
        }
        let on_site = mode == "on_site";
        tx.insert_stamped(
            Entity::Intervention,
            &iid.to_string(),
            vec![
                ("ticket_id", field::text(id.to_string())),
                ("client_id", field::text(client.id.to_string())),
                (
                    "site_id",
                    if on_site {
                        field::text(gen.pick(&client.sites).to_string())
                    } else {
                        Value::Null
                    },
                ),
                ("mode", field::text(mode)),
                ("technician_id", field::text(tech.id.to_string())),
                ("work_done", field::text(work)),
                ("outcome", outcome),
                ("outcome_reason", reason),
                (
                    "escalated_from_id",
                    if escalated {
                        field::opt_id(previous.map(|p| p.0))
                    } else {
                        Value::Null
                    },
                ),
                (
                    "travel_km",
                    field::real(if on_site {
                        gen.range(20, 800) as f64 / 10.0
                    } else {
                        0.0
                    }),
                ),
                (
                    "travel_minutes",
                    field::int(if on_site { gen.range(10, 90) } else { 0 }),
                ),
                ("started_at", field::text(format_instant(first))),
                ("finished_at", field::text(format_instant(finish))),
                ("contract_id", Value::Null),
            ],
            gen.stamp(first),
        )?;
        for (t, secs) in &segments {
            let flagged = gen.chance(0.0005);
            let secs = if flagged { 13 * 3600 } else { *secs };
            let entry = write_entry(tx, gen, iid, tech, "timer", *t, Some(secs), None, flagged)?;
            report.time_entries += 1;
            if flagged {
                write_entry(
                    tx,
                    gen,
                    iid,
                    tech,
                    "approval",
                    *t + Duration::days(1),
                    None,
                    Some(entry),
                    false,
                )?;
                report.time_entries += 1;
            }
        }
        if gen.chance(0.01) {
            let minutes = gen.range(15, 60);
            write_entry(
                tx,
                gen,
                iid,
                tech,
                "manual",
                finish,
                Some(minutes * 60),
                None,
                false,
            )?;
            report.time_entries += 1;
        }
        if gen.chance(0.005) {
            write_entry(
                tx,
                gen,
                iid,
                tech,
                "adjustment",
                finish,
                Some(-15 * 60),
                None,
                false,
            )?;
            report.time_entries += 1;
        }
        if gen.chance(0.25) {
            for _ in 0..gen.range(1, 2) {
                let (desc, price) = *gen.pick(MATERIALS);
                tx.insert_stamped(
                    Entity::Material,
                    &MaterialId(gen.uuid_at(finish)).to_string(),
                    vec![
                        ("intervention_id", field::text(iid.to_string())),
                        ("description", field::text(desc)),
                        ("quantity", field::real(gen.range(1, 3) as f64)),
                        ("unit_price_cents", field::int(price)),
                    ],
                    gen.stamp(finish),
                )?;
                report.materials += 1;
            }
        }
        previous = Some((iid, mode));
        ctx.made += 1;
    }
    Ok(())
}

/// Big clients call more often: client ⌊u²·n⌋.
pub(super) fn pick_client<'c>(gen: &mut Gen, clients: &'c [DemoClient]) -> &'c DemoClient {
    let u = gen.unit();
    &clients[((u * u) * clients.len() as f64) as usize % clients.len()]
}

pub(super) fn pick_severity(gen: &mut Gen) -> Severity {
    match gen.unit() {
        x if x < 0.10 => Severity::Blocking,
        x if x < 0.45 => Severity::Degraded,
        _ => Severity::Request,
    }
}

pub(super) fn pick_origin(gen: &mut Gen) -> &'static str {
    match gen.unit() {
        x if x < 0.35 => "phone",
        x if x < 0.65 => "email",
        x if x < 0.75 => "web_form",
        x if x < 0.85 => "monitoring",
        x if x < 0.92 => "chat",
        x if x < 0.97 => "on_site",
        _ => "other",
    }
}

pub(super) fn title_and_description(gen: &mut Gen, severity: Severity) -> (&'static str, String) {
    let title = *gen.pick(match severity {
        Severity::Blocking => TITLES_BLOCKING,
        Severity::Degraded => TITLES_DEGRADED,
        Severity::Request => TITLES_REQUEST,
    });
    let mut description = gen.pick(DESCRIPTIONS).to_string();
    if gen.chance(0.5) {
        description.push(' ');
        description.push_str(gen.pick::<&str>(DESCRIPTIONS));
    }
    (title, description)
}

/// The next number of a technician's device in a year, as its laptop would have issued it.
pub(super) fn next_number(ctx: &mut Ctx<'_>, code: &'static str, year: i32) -> String {
    let seq = ctx.sequences.entry((code, year)).or_insert(1);
    let number = format_number("T", year, code, *seq);
    *seq += 1;
    number
}

/// A ticket row; instants after the end of the history are clamped to it.
pub(super) struct TicketRow<'a> {
    pub(super) id: TicketId,
    pub(super) number: String,
    pub(super) client: &'a DemoClient,
    pub(super) contact: rapportino_core::ids::ContactId,
    pub(super) origin: &'static str,
    pub(super) severity: Severity,
    pub(super) urgent: bool,
    pub(super) category: &'static str,
    pub(super) is_bug: bool,
    pub(super) title: &'static str,
    pub(super) description: String,
    pub(super) status: TicketStatus,
    pub(super) reported: DateTime<Utc>,
    pub(super) opened: DateTime<Utc>,
    pub(super) taken: Option<DateTime<Utc>>,
    pub(super) resolved: Option<DateTime<Utc>>,
    pub(super) closed: Option<DateTime<Utc>>,
    pub(super) cancelled: Option<DateTime<Utc>>,
    pub(super) technician: Option<&'a DemoTechnician>,
    pub(super) terms: TicketTerms,
}

pub(super) fn insert_ticket(
    tx: &mut WriteTx<'_>,
    gen: &mut Gen,
    end: DateTime<Utc>,
    t: &TicketRow<'_>,
) -> Result<()> {
    let at = |t: DateTime<Utc>| field::text(format_instant(t.min(end)));
    let opt_at = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, at);
    tx.insert_stamped(
        Entity::Ticket,
        &t.id.to_string(),
        vec![
            ("number", field::text(t.number.clone())),
            ("client_id", field::text(t.client.id.to_string())),
            ("contact_id", field::text(t.contact.to_string())),
            ("site_id", Value::Null),
            ("origin", field::text(t.origin)),
            ("severity", t.severity.into()),
            ("urgent", field::flag(t.urgent)),
            ("category", field::text(t.category)),
            ("is_bug", field::flag(t.is_bug)),
            ("title", field::text(t.title)),
            ("description", field::text(t.description.clone())),
            ("status", t.status.into()),
            ("reported_at", at(t.reported)),
            ("opened_at", at(t.opened)),
            ("taken_at", opt_at(t.taken)),
            ("resolved_at", opt_at(t.resolved)),
            ("closed_at", opt_at(t.closed)),
            ("cancelled_at", opt_at(t.cancelled)),
            ("estimated_resolution_at", Value::Null),
            (
                "assigned_technician_id",
                field::opt_id(t.technician.map(|x| x.id)),
            ),
            ("contract_id", Value::Null),
            ("extra_time", field::flag(t.terms.extra_time)),
            (
                "priority_requested",
                field::flag(t.terms.priority_requested),
            ),
            ("out_of_scope", field::flag(t.terms.out_of_scope)),
            ("service", field::opt_text(t.terms.service)),
        ],
        gen.stamp(t.opened),
    )
}

pub(super) fn write_event(
    tx: &mut WriteTx<'_>,
    gen: &mut Gen,
    ticket: TicketId,
    from: Option<TicketStatus>,
    to: TicketStatus,
    t: DateTime<Utc>,
    tech: &DemoTechnician,
) -> Result<()> {
    tx.insert_stamped(
        Entity::TicketEvent,
        &TicketEventId(gen.uuid_at(t)).to_string(),
        vec![
            ("ticket_id", field::text(ticket.to_string())),
            ("from_status", from.map_or(Value::Null, Into::into)),
            ("to_status", to.into()),
            ("at", field::text(format_instant(t))),
            ("technician_id", field::text(tech.id.to_string())),
            ("note", Value::Null),
        ],
        gen.stamp(t),
    )
}

#[allow(clippy::too_many_arguments)]
fn write_entry(
    tx: &mut WriteTx<'_>,
    gen: &mut Gen,
    intervention: InterventionId,
    tech: &DemoTechnician,
    kind: &str,
    start: DateTime<Utc>,
    seconds: Option<i64>,
    corrects: Option<TimeEntryId>,
    needs_review: bool,
) -> Result<TimeEntryId> {
    let id = TimeEntryId(gen.uuid_at(start));
    let ended = match (kind, seconds) {
        ("timer", Some(s)) => field::text(format_instant(start + Duration::seconds(s))),
        _ => Value::Null,
    };
    tx.insert_stamped(
        Entity::TimeEntry,
        &id.to_string(),
        vec![
            ("intervention_id", field::text(intervention.to_string())),
            ("technician_id", field::text(tech.id.to_string())),
            ("kind", field::text(kind)),
            ("started_at", field::text(format_instant(start))),
            ("ended_at", ended),
            ("seconds", seconds.map_or(Value::Null, field::int)),
            ("corrects_id", field::opt_id(corrects)),
            (
                "note",
                if kind == "adjustment" {
                    field::text("Tempo di attesa non addebitabile")
                } else {
                    Value::Null
                },
            ),
            ("needs_review", field::flag(needs_review)),
            ("device_id", field::text(tech.device.to_string())),
        ],
        gen.stamp(start),
    )?;
    Ok(id)
}
