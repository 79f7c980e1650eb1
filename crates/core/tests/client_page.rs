//! The client page: hours per month for the chart, archiving sites and contacts, closed tickets,
//! the client's reports, fiscal ids checked as typed.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::*;
use rapportino_core::clients;
use rapportino_core::contacts::{self, ContactInput};
use rapportino_core::contracts::PackageMode;
use rapportino_core::interventions::InterventionMode;
use rapportino_core::ledger::{self, MonthHours};
use rapportino_core::sites::{self, SiteInput};
use rapportino_core::tickets::{self, Severity, TicketFilter, TicketStatus};
use rapportino_core::{Code, PageRequest};

fn month(m: &str, used: i64, available: Option<i64>) -> MonthHours {
    MonthHours {
        month: m.into(),
        used_minutes: used,
        available_minutes: available,
    }
}

/// A 12 h package from 10/01/2026: 1 h and 1 h 30 in March, 2 h in May. On 15/06/2026 the chart
/// shows July 2025 – June 2026: nothing available before the package, 12 h until March's end,
/// then 9 h 30, then 7 h 30 from May on. Asking again (checkpoints written by the first replay)
/// gives the same figures.
#[test]
fn hours_per_month_of_a_package() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Ferramenta Colombo");
    let p = package(&mut s, &c, "2026-01-10", 12, PackageMode::Any);
    for (at, minutes) in [
        ("2026-03-05 09:00", 60),
        ("2026-03-20 14:00", 90),
        ("2026-05-02 10:00", 120),
    ] {
        clock.set(local(at));
        let t = open_ticket(&mut s, &c, Severity::Request, None);
        work(&mut s, &clock, t, InterventionMode::Remote, at, minutes);
    }
    let as_of = Some(day("2026-06-15"));
    let hours = ledger::client_monthly_hours(&s, c.id, as_of).unwrap();
    assert_eq!(hours.as_of, "2026-06-15");
    assert_eq!(hours.contracts.len(), 1);
    let h = &hours.contracts[0];
    assert_eq!((h.contract_id, h.included_minutes), (p, Some(720)));
    let mut expected = Vec::new();
    for m in [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
    ] {
        expected.push(month(m, 0, None));
    }
    expected.extend([
        month("2026-01", 0, Some(720)),
        month("2026-02", 0, Some(720)),
        month("2026-03", 150, Some(570)),
        month("2026-04", 0, Some(570)),
        month("2026-05", 120, Some(450)),
        month("2026-06", 0, Some(450)),
    ]);
    assert_eq!(h.months, expected);

    // The balances agree with the chart's last month.
    let bal = ledger::client_balances(&s, c.id, as_of).unwrap();
    assert_eq!(bal.balances[0].remaining_minutes, Some(450));
    let again = ledger::client_monthly_hours(&s, c.id, as_of).unwrap();
    assert_eq!(again.contracts, hours.contracts);

    // A month later the window slides: July 2025 drops out, July 2026 comes in.
    let later = ledger::client_monthly_hours(&s, c.id, Some(day("2026-07-03"))).unwrap();
    let months = &later.contracts[0].months;
    assert_eq!(months[0].month, "2025-08");
    assert_eq!(months[11], month("2026-07", 0, Some(450)));
    assert_eq!(months[7], month("2026-03", 150, Some(570)));

    // Unknown client: NOT_FOUND.
    let other = rapportino_core::ids::ClientId::new();
    assert_eq!(
        ledger::client_monthly_hours(&s, other, as_of)
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}

#[test]
fn sites_and_contacts_are_archived_not_deleted() {
    let (mut s, _) = store();
    let c = client(&mut s, "Studio Bianchi");
    let site = sites::create(
        &mut s,
        c.id,
        &SiteInput {
            name: "Magazzino".into(),
            address: rapportino_core::address::Address {
                city: Some("Monza".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let archived = sites::set_archived(&mut s, site.id, true).unwrap();
    assert!(archived.archived);
    assert_eq!(sites::list_for_client(&s, c.id).unwrap().len(), 1);
    assert!(
        !sites::set_archived(&mut s, site.id, false)
            .unwrap()
            .archived
    );

    let person = contacts::create(
        &mut s,
        c.id,
        &ContactInput {
            name: "Anna Bianchi".into(),
            email: Some("anna@studiobianchi.it".into()),
            authorised: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        contacts::clients_authorising(&s, "anna@studiobianchi.it").unwrap(),
        vec![c.id]
    );
    assert!(
        contacts::set_archived(&mut s, person.id, true)
            .unwrap()
            .archived
    );
    // An archived contact no longer opens requests for the client.
    assert!(contacts::clients_authorising(&s, "anna@studiobianchi.it")
        .unwrap()
        .is_empty());

    let missing = rapportino_core::ids::SiteId::new();
    assert_eq!(
        sites::set_archived(&mut s, missing, true)
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}

#[test]
fn open_and_closed_tickets_listed_apart() {
    let (mut s, _) = store();
    let c = client(&mut s, "Pasticceria Riva");
    let open = ticket(&mut s, &c, "Stampante");
    let done = ticket(&mut s, &c, "Posta");
    transition(&mut s, done, TicketStatus::Cancelled);
    let list = |open_only, closed_only| {
        tickets::list(
            &s,
            &TicketFilter {
                client_id: Some(c.id),
                open_only,
                closed_only,
                ..Default::default()
            },
            &PageRequest::new(10, 0),
        )
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(list(Some(true), None), vec![open]);
    assert_eq!(list(None, Some(true)), vec![done]);
}

#[test]
fn fiscal_ids_checked_as_typed() {
    assert!(clients::check_field("vat_number", "00743110157").is_ok());
    assert!(clients::check_field("vat_number", "").is_ok());
    let e = clients::check_field("vat_number", "00743110158").unwrap_err();
    assert_eq!(e.field(), Some("vat_number"));
    let e = clients::check_field("vat_number", "0074311").unwrap_err();
    assert_eq!(e.field(), Some("vat_number"));
    assert!(clients::check_field("fiscal_code", "rssmra85t10a562s").is_ok());
    let e = clients::check_field("fiscal_code", "RSSMRA85T10A562X").unwrap_err();
    assert_eq!(e.field(), Some("fiscal_code"));
    // A company's CF is its P.IVA.
    assert!(clients::check_field("fiscal_code", "00743110157").is_ok());
    assert_eq!(
        clients::check_field("province", "Milano")
            .unwrap_err()
            .field(),
        Some("province")
    );
    assert_eq!(
        clients::check_field("name", "x").unwrap_err().code(),
        Code::InvalidFormat
    );
    // The same rule as saving: what the check refuses, create refuses with the same code.
    let (mut s, _) = store();
    let checked = clients::check_field("fiscal_code", "RSSMRA85T10A562X").unwrap_err();
    let saved = clients::create(
        &mut s,
        &clients::ClientInput {
            name: "Mario Rossi".into(),
            fiscal_code: Some("RSSMRA85T10A562X".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (checked.code(), checked.field()),
        (saved.code(), saved.field())
    );
}
