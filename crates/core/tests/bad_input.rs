//! Bad input: a clear error with a stable code, and nothing written.

mod common;

use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::ids::{ClientId, InterventionId, TicketId};
use rapportino_core::interventions::{
    self, InterventionMode, InterventionPatch, MaterialInput, Outcome,
};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_core::Code;

#[test]
fn invalid_clients_are_refused_with_their_field() {
    let (mut s, _) = store();
    let before = snapshot(&s);
    let cases = [
        (
            ClientInput {
                name: "".into(),
                ..Default::default()
            },
            Code::Required,
            "name",
        ),
        (
            ClientInput {
                name: "x".repeat(201),
                ..Default::default()
            },
            Code::TooLong,
            "name",
        ),
        (
            ClientInput {
                name: "A".into(),
                vat_number: Some("00743110158".into()),
                ..Default::default()
            },
            Code::InvalidVatNumber,
            "vat_number",
        ),
        (
            ClientInput {
                name: "A".into(),
                fiscal_code: Some("RSSMRA85T10A562X".into()),
                ..Default::default()
            },
            Code::InvalidFiscalCode,
            "fiscal_code",
        ),
        (
            ClientInput {
                name: "A".into(),
                email: Some("non-una-mail".into()),
                ..Default::default()
            },
            Code::InvalidFormat,
            "email",
        ),
        (
            ClientInput {
                name: "A".into(),
                address: rapportino_core::address::Address {
                    postcode: Some("123".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            Code::InvalidFormat,
            "postcode",
        ),
        (
            ClientInput {
                name: "A".into(),
                notes: Some("x".repeat(10_001)),
                ..Default::default()
            },
            Code::TooLong,
            "notes",
        ),
    ];
    for (input, code, field) in cases {
        let err = clients::create(&mut s, &input).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.field(), Some(field));
    }
    assert_eq!(snapshot(&s), before);
}

#[test]
fn unknown_ids_are_not_found() {
    let (mut s, _) = store();
    let c = client(&mut s, "Esiste");
    let before = snapshot(&s);
    assert_eq!(
        clients::get(&s, ClientId::new()).unwrap_err().code(),
        Code::NotFound
    );
    assert_eq!(
        tickets::get(&s, TicketId::new()).unwrap_err().code(),
        Code::NotFound
    );
    assert_eq!(
        tickets::transition(
            &mut s,
            TicketId::new(),
            &TransitionInput::to(TicketStatus::Taken)
        )
        .unwrap_err()
        .code(),
        Code::NotFound
    );
    assert_eq!(
        interventions::start(&mut s, InterventionId::new())
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    let mut t = new_ticket(&c, "x");
    t.client_id = ClientId::new();
    let err = tickets::open(&mut s, &t).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::NotFound, Some("client_id"))
    );
    assert_eq!(
        contacts::create(
            &mut s,
            ClientId::new(),
            &ContactInput {
                name: "x".into(),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        Code::NotFound
    );
    assert_eq!(snapshot(&s), before);
}

#[test]
fn records_of_another_client_are_refused() {
    let (mut s, _) = store();
    let a = client(&mut s, "A");
    let b = client(&mut s, "B");
    let contact_of_b = contacts::create(
        &mut s,
        b.id,
        &ContactInput {
            name: "Luca".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let mut t = new_ticket(&a, "x");
    t.contact_id = Some(contact_of_b.id);
    assert_eq!(
        tickets::open(&mut s, &t).unwrap_err().code(),
        Code::Inconsistent
    );
}

#[test]
fn intervention_rules() {
    let (mut s, _) = store();
    let c = client(&mut s, "C");
    let i = {
        let tk = ticket(&mut s, &c, "x");
        intervention(&mut s, tk, InterventionMode::OnSite)
    };
    let out_of_contract = InterventionPatch {
        outcome: Some(Outcome::OutOfContract),
        ..Default::default()
    };
    let err = interventions::update(&mut s, i.id, &out_of_contract).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        (Code::Required, Some("outcome_reason"))
    );
    let bad_km = InterventionPatch {
        travel_km: Some(-3.0),
        ..Default::default()
    };
    assert_eq!(
        interventions::update(&mut s, i.id, &bad_km)
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    let bad = |q: f64, p: i64| MaterialInput {
        description: "Cavo".into(),
        quantity: q,
        unit_price_cents: p,
        ..Default::default()
    };
    assert_eq!(
        interventions::add_material(&mut s, i.id, &bad(0.0, 100))
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    assert_eq!(
        interventions::add_material(&mut s, i.id, &bad(f64::NAN, 100))
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    assert_eq!(
        interventions::add_material(&mut s, i.id, &bad(1.0, -1))
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    let m = interventions::add_material(&mut s, i.id, &bad(2.5, 450)).unwrap();
    assert_eq!(m.total_cents, 1125);
    interventions::remove_material(&mut s, m.id).unwrap();
    assert_eq!(
        interventions::remove_material(&mut s, m.id)
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}
