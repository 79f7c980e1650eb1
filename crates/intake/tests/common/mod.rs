//! A directory the tests know by heart: two clients, their authorised contacts, two tickets and
//! one message we sent.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeZone, Utc};
use rapportino_intake::{Directory, Envelope, IntakeError, TicketRef};
use rapportino_model::status::TicketStatus;

pub struct TestDirectory {
    pub recorded: RefCell<BTreeSet<String>>,
    pub arrivals: RefCell<Vec<(String, DateTime<Utc>)>>,
    pub tickets: BTreeMap<String, TicketRef>,
    pub ours: BTreeMap<String, String>,
    pub contacts: BTreeMap<String, Vec<(String, String)>>,
}

fn ticket(id: &str, number: &str, client: &str, status: TicketStatus) -> (String, TicketRef) {
    (
        number.to_owned(),
        TicketRef {
            id: id.into(),
            number: number.into(),
            client_id: client.into(),
            status,
        },
    )
}

impl TestDirectory {
    pub fn new() -> Self {
        TestDirectory {
            recorded: RefCell::default(),
            arrivals: RefCell::default(),
            tickets: [
                ticket("t-1", "T-2026-MR-0001", "c-1", TicketStatus::InProgress),
                ticket("t-2", "T-2026-MR-0002", "c-1", TicketStatus::Resolved),
                ticket("t-3", "T-2026-MR-0003", "c-1", TicketStatus::Closed),
            ]
            .into_iter()
            .collect(),
            ours: [(
                "0193a-opened@negozio.it".to_owned(),
                "T-2026-MR-0001".to_owned(),
            )]
            .into_iter()
            .collect(),
            contacts: [
                ("anna@cliente.it", vec![("c-1", "k-anna")]),
                (
                    "mario@consulente.it",
                    vec![("c-1", "k-m1"), ("c-2", "k-m2")],
                ),
            ]
            .into_iter()
            .map(|(e, l)| {
                (
                    e.to_owned(),
                    l.into_iter().map(|(c, k)| (c.into(), k.into())).collect(),
                )
            })
            .collect(),
        }
    }

    /// Records a request as the applier would.
    pub fn record(&self, key: &str, sender: Option<&str>, at: DateTime<Utc>) {
        self.recorded.borrow_mut().insert(key.to_owned());
        if let Some(s) = sender {
            self.arrivals.borrow_mut().push((s.to_owned(), at));
        }
    }
}

impl Directory for TestDirectory {
    fn already_recorded(&self, key: &str) -> Result<bool, IntakeError> {
        Ok(self.recorded.borrow().contains(key))
    }
    fn ticket_by_number(&self, number: &str) -> Result<Option<TicketRef>, IntakeError> {
        Ok(self.tickets.get(number).cloned())
    }
    fn our_message(&self, id: &str) -> Result<Option<Option<TicketRef>>, IntakeError> {
        Ok(self
            .ours
            .get(id)
            .map(|number| self.tickets.get(number).cloned()))
    }
    fn authorising(&self, email: &str) -> Result<Vec<(String, String)>, IntakeError> {
        Ok(self.contacts.get(email).cloned().unwrap_or_default())
    }
    fn requests_since(&self, email: &str, since: DateTime<Utc>) -> Result<u32, IntakeError> {
        Ok(self
            .arrivals
            .borrow()
            .iter()
            .filter(|(e, at)| e == email && *at >= since)
            .count() as u32)
    }
}

pub fn arrival() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 16, 30, 0)
        .single()
        .expect("a valid instant")
}

pub fn envelope() -> Envelope {
    Envelope {
        source: "assistenza".into(),
        received_at: arrival(),
        fallback_key: Envelope::imap_key("assistenza", 7, 42),
        category: Some("assistenza".into()),
        service: None,
        kept_max: 25 << 20,
    }
}
