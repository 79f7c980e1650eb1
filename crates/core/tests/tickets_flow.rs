//! The ticket state machine as users drive it.

mod common;

use common::*;
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_core::views;
use rapportino_core::Code;

fn to(s: TicketStatus) -> TransitionInput {
    TransitionInput::to(s)
}

#[test]
fn the_whole_life_of_a_ticket() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Farmacia Centrale");
    let id = ticket(&mut s, &c, "Stampante non stampa");
    clock.advance(chrono::Duration::minutes(10));
    let mut take = to(TicketStatus::Taken);
    take.estimated_resolution_at = Some("17/11/2026 12:00".into());
    let t = tickets::transition(&mut s, id, &take).unwrap();
    assert_eq!(t.status, TicketStatus::Taken);
    assert_eq!(t.taken_at.as_deref(), Some("2026-11-16T09:10:00Z"));
    assert_eq!(
        t.estimated_resolution_at.as_deref(),
        Some("2026-11-17T11:00:00Z")
    );
    assert!(t.assigned_technician_id.is_some());
    for next in [
        TicketStatus::InProgress,
        TicketStatus::WaitingClient,
        TicketStatus::InProgress,
        TicketStatus::Resolved,
    ] {
        clock.advance(chrono::Duration::minutes(5));
        tickets::transition(&mut s, id, &to(next)).unwrap();
    }
    // Reopen (with its reason: refused without), resolve again, close.
    clock.advance(chrono::Duration::minutes(5));
    let err = tickets::transition(&mut s, id, &to(TicketStatus::InProgress)).unwrap_err();
    assert_eq!((err.code(), err.field()), (Code::Required, Some("note")));
    let reopen = TransitionInput {
        note: Some("Il problema si è ripresentato".into()),
        ..to(TicketStatus::InProgress)
    };
    let t = tickets::transition(&mut s, id, &reopen).unwrap();
    assert_eq!(t.resolved_at, None);
    clock.advance(chrono::Duration::minutes(5));
    tickets::transition(&mut s, id, &to(TicketStatus::Resolved)).unwrap();
    clock.advance(chrono::Duration::minutes(5));
    let t = tickets::transition(&mut s, id, &to(TicketStatus::Closed)).unwrap();
    assert!(t.closed_at.is_some());
    let d = views::ticket_detail(&s, id).unwrap();
    let path: Vec<TicketStatus> = d.events.iter().map(|e| e.to_status).collect();
    assert_eq!(
        path,
        [
            TicketStatus::New,
            TicketStatus::Taken,
            TicketStatus::InProgress,
            TicketStatus::WaitingClient,
            TicketStatus::InProgress,
            TicketStatus::Resolved,
            TicketStatus::InProgress,
            TicketStatus::Resolved,
            TicketStatus::Closed
        ]
    );
    assert!(d.next_statuses.is_empty());
}

#[test]
fn illegal_transitions_are_refused_and_write_nothing() {
    let (mut s, _) = store();
    let c = client(&mut s, "Ottica Bassi");
    let id = ticket(&mut s, &c, "Wi-Fi lento");
    let before = snapshot(&s);
    for bad in [
        TicketStatus::Resolved,
        TicketStatus::Closed,
        TicketStatus::InProgress,
        TicketStatus::New,
    ] {
        let err = tickets::transition(&mut s, id, &to(bad)).unwrap_err();
        assert_eq!(err.code(), Code::IllegalTransition, "{bad}");
    }
    assert_eq!(snapshot(&s), before);
    // Cancelling needs its reason: refused without one, nothing written.
    let err = tickets::transition(&mut s, id, &to(TicketStatus::Cancelled)).unwrap_err();
    assert_eq!((err.code(), err.field()), (Code::Required, Some("note")));
    assert_eq!(snapshot(&s), before);
    let cancel = TransitionInput {
        note: Some("Il cliente ha risolto da solo".into()),
        ..to(TicketStatus::Cancelled)
    };
    tickets::transition(&mut s, id, &cancel).unwrap();
    let err = tickets::transition(&mut s, id, &to(TicketStatus::InProgress)).unwrap_err();
    assert_eq!(err.code(), Code::IllegalTransition);
    // A cancelled ticket takes no more work.
    let err = interventions::create(
        &mut s,
        &interventions::NewIntervention {
            ticket_id: id,
            mode: InterventionMode::Remote,
            site_id: None,
            technician_id: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::Inconsistent);
}

#[test]
fn a_ticket_cannot_be_resolved_while_a_timer_runs() {
    let (mut s, _) = store();
    let c = client(&mut s, "Hotel Moretti");
    let id = ticket(&mut s, &c, "VPN");
    let i = intervention(&mut s, id, InterventionMode::Remote);
    interventions::start(&mut s, i.id).unwrap();
    let err = tickets::transition(&mut s, id, &to(TicketStatus::Resolved)).unwrap_err();
    assert_eq!(err.code(), Code::TimerState);
    interventions::stop(&mut s, i.id).unwrap();
    tickets::transition(&mut s, id, &to(TicketStatus::Resolved)).unwrap();
}

#[test]
fn lists_are_paginated_and_filtered() {
    let (mut s, _) = store();
    let c = client(&mut s, "Logistica Ferri");
    let other = client(&mut s, "Altro");
    for i in 0..7 {
        ticket(&mut s, &c, &format!("t{i}"));
    }
    ticket(&mut s, &other, "altro");
    let page = |offset| {
        tickets::list(
            &s,
            &tickets::TicketFilter {
                client_id: Some(c.id),
                ..Default::default()
            },
            &rapportino_core::PageRequest::new(3, offset),
        )
        .unwrap()
    };
    let (p1, p3) = (page(0), page(6));
    assert_eq!(p1.items.len(), 3);
    assert!(p1.has_more);
    assert_eq!(p3.items.len(), 1);
    assert!(!p3.has_more);
    assert!(p1.items.iter().all(|t| t.client_id == c.id));
}

#[test]
fn a_ticket_opened_here_is_this_technicians_unless_another_is_chosen() {
    let (mut s, _clock) = store();
    let me = rapportino_core::setup::current_technician(s.conn()).unwrap();
    let c = client(&mut s, "Ottica Bassi");
    let mine = tickets::open(&mut s, &new_ticket(&c, "Scanner fermo")).unwrap();
    assert_eq!(mine.assigned_technician_id, Some(me));
    let other = rapportino_core::technicians::create(
        &mut s,
        &rapportino_core::technicians::TechnicianInput {
            code: "GV".into(),
            name: "Giulia Verdi".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let theirs = tickets::open(
        &mut s,
        &tickets::NewTicket {
            assigned_technician_id: Some(other.id),
            ..new_ticket(&c, "Rete lenta")
        },
    )
    .unwrap();
    assert_eq!(theirs.assigned_technician_id, Some(other.id));
}

/// The front desk edits a ticket after opening it: the requester is set among the client's
/// contacts, cleared with `null`, and another client's contact is refused on its field with
/// nothing written.
#[test]
fn the_requester_is_edited_after_opening() {
    use rapportino_core::contacts::{self, ContactInput};
    use rapportino_core::tickets::TicketPatch;
    let (mut s, _) = store();
    let c = client(&mut s, "Studio Neri");
    let other = client(&mut s, "Bar Sport");
    let person = |name: &str| ContactInput {
        name: name.into(),
        ..Default::default()
    };
    let anna = contacts::create(&mut s, c.id, &person("Anna Neri")).unwrap();
    let stranger = contacts::create(&mut s, other.id, &person("Gino Sport")).unwrap();
    let id = ticket(&mut s, &c, "Posta bloccata");

    // Absent in JSON: left as it is; a value: set; null: cleared.
    let set: TicketPatch = serde_json::from_value(serde_json::json!({
        "contact_id": anna.id.to_string(), "category": "Posta"
    }))
    .unwrap();
    let t = tickets::update(&mut s, id, &set).unwrap();
    assert_eq!(
        (t.contact_id, t.category.as_deref()),
        (Some(anna.id), Some("Posta"))
    );
    let keep: TicketPatch =
        serde_json::from_value(serde_json::json!({"title": "Posta ferma"})).unwrap();
    assert_eq!(
        tickets::update(&mut s, id, &keep).unwrap().contact_id,
        Some(anna.id)
    );

    let before = snapshot(&s);
    let wrong = TicketPatch {
        contact_id: Some(Some(stranger.id)),
        title: Some("Non scritto".into()),
        ..Default::default()
    };
    let err = tickets::update(&mut s, id, &wrong).unwrap_err();
    assert_eq!(err.field(), Some("contact_id"), "{err}");
    assert_eq!(snapshot(&s), before);
    assert_eq!(tickets::get(&s, id).unwrap().title, "Posta ferma");

    let clear: TicketPatch =
        serde_json::from_value(serde_json::json!({"contact_id": null})).unwrap();
    assert_eq!(clear.contact_id, Some(None));
    assert_eq!(
        tickets::update(&mut s, id, &clear).unwrap().contact_id,
        None
    );
    assert_eq!(tickets::categories(&s).unwrap(), ["Posta"]);
}
