#![allow(dead_code, clippy::unwrap_used)] // test helpers: a failure is the test failing

pub mod services;
pub mod sync_helpers;

use chrono::{TimeZone, Utc};
use rapportino_core::clients::{self, Client, ClientInput};
use rapportino_core::ids::TicketId;
use rapportino_core::interventions::{self, Intervention, InterventionMode, NewIntervention};
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::tickets::{self, NewTicket, Origin, Severity};
use rapportino_core::time::ManualClock;
use rapportino_core::Store;
use std::sync::Arc;

/// An onboarded in-memory store whose clock the test moves: 10:00 Rome on Monday 16 Nov 2026.
pub fn store() -> (Store, Arc<ManualClock>) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let mut s = Store::open_in_memory().unwrap().with_clock(clock.clone());
    onboard(&mut s, "MR");
    (s, clock)
}

pub fn onboard(s: &mut Store, code: &str) {
    setup::onboard(
        s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: Some(code.into()),
        },
    )
    .unwrap();
}

pub fn client(s: &mut Store, name: &str) -> Client {
    clients::create(
        s,
        &ClientInput {
            name: name.into(),
            vat_number: Some("00743110157".into()),
            address: rapportino_core::address::Address {
                city: Some("Milano".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap()
}

pub fn new_ticket(client: &Client, title: &str) -> NewTicket {
    NewTicket {
        client_id: client.id,
        contact_id: None,
        site_id: None,
        origin: Origin::Phone,
        severity: Severity::Degraded,
        urgent: false,
        category: None,
        is_bug: false,
        title: title.into(),
        description: Some("Il server non parte".into()),
        reported_at: None,
        assigned_technician_id: None,
        contract_id: None,
        extra_time_pin: None,
        priority_requested: false,
        out_of_scope: false,
        service: None,
    }
}

pub fn ticket(s: &mut Store, client: &Client, title: &str) -> TicketId {
    tickets::open(s, &new_ticket(client, title)).unwrap().id
}

pub fn intervention(s: &mut Store, ticket: TicketId, mode: InterventionMode) -> Intervention {
    interventions::create(
        s,
        &NewIntervention {
            ticket_id: ticket,
            mode,
            site_id: None,
            technician_id: None,
        },
    )
    .unwrap()
}

/// Rows in a table (to prove that a failed operation wrote nothing).
pub fn count(s: &Store, table: &str) -> i64 {
    s.conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every synced table and the change log, to compare before and after a failed call.
pub fn snapshot(s: &Store) -> Vec<i64> {
    [
        "clients",
        "sites",
        "contacts",
        "tickets",
        "ticket_events",
        "interventions",
        "materials",
        "time_entries",
        "change_log",
        "number_sequences",
        "reports",
    ]
    .iter()
    .map(|t| count(s, t))
    .collect()
}

pub fn number(s: &mut Store, client: &Client, title: &str) -> String {
    tickets::open(s, &new_ticket(client, title)).unwrap().number
}
