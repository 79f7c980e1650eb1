//! Extra open tickets without work, for the SLA benchmark (`DemoOptions::open_tickets`).

use super::data::*;
use super::history::*;
use super::services;
use super::Gen;
use chrono::Duration;
use rapportino_core::error::Result;
use rapportino_core::ids::TicketId;
use rapportino_core::store::WriteTx;
use rapportino_core::tickets::TicketStatus;
use rapportino_core::time::local_year;

/// One more open ticket without work, opened in the last ten days of the history: new, taken, or
/// waiting for the client (from new or after taking it in charge).
pub(super) fn write_open_ticket(
    tx: &mut WriteTx<'_>,
    gen: &mut Gen,
    ctx: &mut Ctx<'_>,
) -> Result<()> {
    use TicketStatus::*;
    let window = Duration::days(10).num_seconds();
    let base = ctx.end - Duration::seconds(gen.range(0, window));
    let mut opened = business_hours(base, gen).min(ctx.end - Duration::minutes(30));
    let clients = ctx.clients;
    let client = pick_client(gen, clients);
    let tech = &ctx.techs[gen.range(0, ctx.techs.len() as i64 - 1) as usize];
    let severity = pick_severity(gen);
    let origin = pick_origin(gen);
    let status = match gen.unit() {
        x if x < 0.40 => New,
        x if x < 0.75 => Taken,
        _ => WaitingClient,
    };
    let extra_time = ctx.svc.before_ticket(tx, client, opened, severity)?;
    if extra_time {
        opened = services::evening(opened, tx.tz()).min(ctx.end - Duration::minutes(30));
    }
    let (title, description) = title_and_description(gen, severity);
    let reported = opened - Duration::minutes(gen.range(0, 40));
    let id = TicketId(gen.uuid_at(opened));
    let number = next_number(ctx, tech.code, local_year(opened, tx.tz()));
    let contact = *gen.pick(&client.contacts);
    let urgent = gen.chance(0.08);
    let category = *gen.pick(CATEGORIES);
    let is_bug = gen.chance(0.03);
    let terms = ctx
        .svc
        .ticket_terms(client, severity, urgent, is_bug, status, extra_time);
    let via_taken = status == Taken || (status == WaitingClient && gen.chance(0.5));
    let taken = (opened + Duration::minutes(gen.range(5, 240))).min(ctx.end);
    let waiting = (if via_taken { taken } else { opened } + Duration::minutes(gen.range(10, 600)))
        .min(ctx.end);
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
            taken: via_taken.then_some(taken),
            resolved: None,
            closed: None,
            cancelled: None,
            technician: (status != New).then_some(tech),
            terms,
        },
    )?;
    ctx.tickets += 1;
    write_event(tx, gen, id, None, New, opened, tech)?;
    let mut from = New;
    if via_taken {
        write_event(tx, gen, id, Some(New), Taken, taken, tech)?;
        from = Taken;
    }
    if status == WaitingClient {
        write_event(tx, gen, id, Some(from), WaitingClient, waiting, tech)?;
    }
    Ok(())
}
