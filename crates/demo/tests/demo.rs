//! Demo data: realistic, valid, complete, and the same for the same seed.

use chrono::{Duration, NaiveDate};
use rapportino_core::calendars::{self, CalendarPreset};
use rapportino_core::classes;
use rapportino_core::contracts::{self, ContractKind};
use rapportino_core::ids::ClientId;
use rapportino_core::ledger::{self, BalanceStatus};
use rapportino_core::tickets::TicketFilter;
use rapportino_core::validate::{validate_fiscal_code, validate_vat_number};
use rapportino_core::views;
use rapportino_core::{Code, Store};
use rapportino_demo::{generate, DemoOptions};

fn opts(seed: u64) -> DemoOptions {
    DemoOptions {
        seed,
        clients: 40,
        interventions: 1_200,
        years: 3,
        until: Some("2026-11-20".into()),
        open_tickets: None,
    }
}

/// Enough clients for every segment to appear several times.
fn service_opts() -> DemoOptions {
    DemoOptions {
        seed: 11,
        clients: 150,
        interventions: 3_000,
        years: 3,
        until: Some("2026-10-31".into()),
        open_tickets: None,
    }
}

/// The domain tables as text. This device's own id (made when the database was created) is the
/// one thing that differs between two databases; it is replaced by a placeholder.
#[allow(clippy::unwrap_used)] // a failure is the test failing
fn dump(s: &Store) -> String {
    let device = s.device_id().unwrap().to_string();
    let mut out = String::new();
    for table in [
        "settings",
        "technicians",
        "devices",
        "clients",
        "sites",
        "contacts",
        "tickets",
        "ticket_events",
        "interventions",
        "materials",
        "time_entries",
        "calendars",
        "customer_classes",
        "contracts",
    ] {
        let mut stmt = s
            .conn()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap().as_str() {
                        Ok(t) => t.to_owned(),
                        Err(_) => format!("{:?}", r.get_ref(i).unwrap()),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out.replace(&device, "<this device>")
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    let mut c = Store::open_in_memory().unwrap();
    let with_open = DemoOptions {
        open_tickets: Some(25),
        ..opts(7)
    };
    generate(&mut a, &with_open).unwrap();
    generate(&mut b, &with_open).unwrap();
    generate(&mut c, &opts(8)).unwrap();
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.contains("hour_package") && da.contains("incident_pack"));
    assert_eq!(da, db);
    assert_ne!(da, dump(&c));
}

#[test]
fn demo_data_is_valid_and_covers_every_case() {
    let mut s = Store::open_in_memory().unwrap();
    let report = generate(&mut s, &opts(1)).unwrap();
    assert_eq!(report.interventions, 1_200);
    assert_eq!(report.clients, 40);
    let conn = s.conn();
    let col = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    for v in col("SELECT vat_number FROM clients WHERE vat_number IS NOT NULL") {
        validate_vat_number("vat", &v).unwrap();
    }
    let cfs = col("SELECT fiscal_code FROM clients WHERE fiscal_code IS NOT NULL");
    assert!(
        cfs.iter().any(|c| c.len() == 16),
        "some people with a personal CF"
    );
    for cf in cfs {
        validate_fiscal_code("cf", &cf).unwrap();
    }
    for (column, expected) in [("severity", 3), ("origin", 7), ("status", 7)] {
        let n = col(&format!("SELECT DISTINCT {column} FROM tickets")).len();
        assert_eq!(n, expected, "every {column} appears");
    }
    let years = col("SELECT DISTINCT substr(opened_at, 1, 4) FROM tickets");
    assert!(years.len() >= 3, "{years:?}");
    assert!(!col("SELECT id FROM interventions WHERE escalated_from_id IS NOT NULL").is_empty());
    assert!(!col("SELECT id FROM materials").is_empty());
    // Every row went through the write path.
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE entity = 'intervention'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1_200);
    // Ticket numbers are unique and this device continues after its own history.
    let dup: i64 = conn
        .query_row(
            "SELECT count(*) - count(DISTINCT number) FROM tickets",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup, 0);
    // Demo refuses a database that already has data.
    assert_eq!(
        generate(&mut s, &opts(1)).unwrap_err().code(),
        Code::AlreadyExists
    );
}

#[test]
fn this_device_continues_numbering_after_the_demo() {
    let mut s = Store::open_in_memory().unwrap();
    generate(&mut s, &opts(3)).unwrap();
    let max_mr: String = s
        .conn()
        .query_row(
            "SELECT max(number) FROM tickets WHERE number LIKE 'T-2026-MR-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let client = rapportino_core::clients::list(&s, &Default::default(), &Default::default())
        .unwrap()
        .items[0]
        .clone();
    let t = rapportino_core::tickets::open(
        &mut s,
        &rapportino_core::tickets::NewTicket {
            client_id: client.id,
            contact_id: None,
            site_id: None,
            origin: rapportino_core::tickets::Origin::Phone,
            severity: rapportino_core::tickets::Severity::Request,
            urgent: false,
            category: None,
            is_bug: false,
            title: "nuovo".into(),
            description: None,
            reported_at: None,
            assigned_technician_id: None,
            contract_id: None,
            extra_time_pin: None,
            priority_requested: false,
            out_of_scope: false,
            service: None,
        },
    )
    .unwrap();
    if t.number.starts_with("T-2026-MR-") {
        assert!(t.number > max_mr, "{} after {max_mr}", t.number);
    }
}

#[allow(clippy::unwrap_used)] // a failure is the test failing
fn strings(s: &Store, sql: &str) -> Vec<String> {
    let mut st = s.conn().prepare(sql).unwrap();
    let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[allow(clippy::unwrap_used)]
fn count(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn demo_has_the_five_service_models() {
    let mut s = Store::open_in_memory().unwrap();
    generate(&mut s, &service_opts()).unwrap();

    // The four preset calendars and classes, as the app itself creates them.
    let mut fresh = Store::open_in_memory().unwrap();
    for preset in CalendarPreset::ALL {
        let made = calendars::create_from_preset(&mut fresh, *preset).unwrap();
        let demo: Vec<_> = calendars::list(&s)
            .unwrap()
            .into_iter()
            .filter(|c| c.preset == Some(*preset))
            .collect();
        assert_eq!(demo.len(), 1, "{preset:?}");
        let d = &demo[0];
        assert_eq!(
            (
                &d.name,
                &d.time_zone,
                &d.windows,
                d.open_on_holidays,
                &d.exceptions
            ),
            (
                &made.name,
                &made.time_zone,
                &made.windows,
                made.open_on_holidays,
                &made.exceptions
            )
        );
    }
    let presets = classes::install_presets(&mut fresh).unwrap();
    let demo_classes = classes::list(&s).unwrap();
    assert_eq!(demo_classes.len(), 4);
    for p in presets {
        let d = demo_classes.iter().find(|c| c.code == p.code).unwrap();
        assert_eq!(
            (
                &d.name,
                &d.channels,
                &d.services,
                d.free_minutes_per_year,
                d.priority
            ),
            (
                &p.name,
                &p.channels,
                &p.services,
                p.free_minutes_per_year,
                p.priority
            )
        );
    }

    // Patron days by town; classes are the presets' codes or none.
    assert_eq!(
        strings(
            &s,
            "SELECT DISTINCT patron_day FROM clients WHERE city = 'Milano'"
        ),
        ["12-07"]
    );
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM clients WHERE city = 'Verona' AND patron_day IS NOT NULL"
        ),
        0
    );
    assert!(count(&s, "SELECT count(*) FROM sites WHERE patron_day = '06-24'") > 0);
    let used_classes = strings(&s, "SELECT DISTINCT customer_class FROM clients ORDER BY 1");
    for code in ["agreement", "licence", "none", "pay_per_incident"] {
        assert!(used_classes.iter().any(|c| c == code), "{used_classes:?}");
    }
    assert!(used_classes
        .iter()
        .all(|c| c == "none" || demo_classes.iter().any(|d| &d.code == c)));

    // Contracts of every kind, readable through the contracts module; extra time with a PIN.
    let kinds = strings(&s, "SELECT DISTINCT kind FROM contracts ORDER BY 1");
    assert_eq!(
        kinds,
        [
            "free_hours",
            "hour_package",
            "incident_pack",
            "sla",
            "time_materials"
        ]
    );
    let clients: Vec<ClientId> = {
        let mut st = s
            .conn()
            .prepare("SELECT id FROM clients ORDER BY rid")
            .unwrap();
        let rows = st.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let mut all = Vec::new();
    for c in &clients {
        let list = contracts::for_client(&s, *c).unwrap();
        assert!(!list.is_empty(), "every client has contracts");
        all.extend(list);
    }
    let pinned: Vec<_> = all.iter().filter(|c| c.terms.extra_time_allowed).collect();
    assert!(!pinned.is_empty());
    assert!(pinned
        .iter()
        .all(|c| c.has_extra_time_pin && c.terms.extra_time_multiplier_pct == 150));
    let hashes = strings(
        &s,
        "SELECT extra_time_pin_hash FROM contracts WHERE extra_time_pin_hash IS NOT NULL",
    );
    // The stored form is `salt$sha256`, and one of the 10,000 PINs matches it.
    assert!((0..10_000).any(|p| contracts::verify_pin(&format!("{p:04}"), &hashes[0])));
    assert!(all.iter().any(|c| c.terms.kind == ContractKind::FreeHours
        && c.terms.customer_class.as_deref() == Some("licence")));

    // Every ticket has a contract valid on the day it was reported (the ledger's governing rule).
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM tickets t JOIN clients k ON k.id = t.client_id WHERE NOT EXISTS (
                SELECT 1 FROM contracts c WHERE c.client_id = t.client_id
                  AND c.starts_on <= substr(t.reported_at, 1, 10) AND c.ends_on >= substr(t.reported_at, 1, 10)
                  AND (c.kind <> 'free_hours' OR c.customer_class = k.customer_class))"
        ),
        0
    );
    // A contract starts before the work it covers: none starts after the history.
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM contracts WHERE starts_on > '2026-10-31'"
        ),
        0
    );
    for flag in ["is_bug", "extra_time", "priority_requested", "out_of_scope"] {
        assert!(
            count(
                &s,
                &format!("SELECT count(*) FROM tickets WHERE {flag} = 1")
            ) > 0,
            "some tickets have {flag}"
        );
    }
    assert!(count(&s, "SELECT count(*) FROM tickets WHERE service IS NOT NULL") > 0);

    // The ledger finds real balances: used SLA hours, used packages and packs, free hours…
    let until = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    let mut used = std::collections::HashMap::new();
    for c in &clients {
        for b in ledger::client_balances(&s, *c, Some(until))
            .unwrap()
            .balances
        {
            let u = if b.kind == ContractKind::IncidentPack {
                b.incident_used
            } else {
                b.used_minutes
            };
            *used.entry(b.kind).or_insert(0) += u;
        }
    }
    for kind in [
        ContractKind::Sla,
        ContractKind::HourPackage,
        ContractKind::IncidentPack,
        ContractKind::FreeHours,
    ] {
        assert!(
            used.get(&kind).copied().unwrap_or(0) > 0,
            "{kind:?} used: {used:?}"
        );
    }
    // …and packages that expired with hours left, forfeited.
    let expired_packages: Vec<_> = all
        .iter()
        .filter(|c| c.terms.kind == ContractKind::HourPackage && c.ends() < until)
        .collect();
    assert!(!expired_packages.is_empty());
    let forfeited: i64 = expired_packages
        .iter()
        .map(|p| {
            let day = p.ends() + Duration::days(1);
            let b = ledger::client_balances(&s, p.client_id, Some(day)).unwrap();
            b.balances
                .iter()
                .filter(|x| x.contract_id == p.id && x.status == BalanceStatus::Expired)
                .map(|x| x.forfeited_minutes)
                .sum::<i64>()
        })
        .sum();
    assert!(forfeited > 0, "some package expired with hours left");
    let exhausted = expired_packages.iter().any(|p| {
        let b = ledger::client_balances(&s, p.client_id, Some(p.ends())).unwrap();
        b.balances
            .iter()
            .any(|x| x.contract_id == p.id && x.remaining_minutes == Some(0))
    });
    assert!(exhausted, "some package was used up before it expired");
}

#[test]
fn open_tickets_are_added_for_the_sla_benchmark() {
    let open = "SELECT count(*) FROM tickets WHERE status IN ('new', 'taken', 'in_progress', 'waiting_client')";
    let mut plain = Store::open_in_memory().unwrap();
    generate(&mut plain, &opts(4)).unwrap();
    let mut more = Store::open_in_memory().unwrap();
    let report = generate(
        &mut more,
        &DemoOptions {
            open_tickets: Some(300),
            ..opts(4)
        },
    )
    .unwrap();
    let natural = count(&plain, open);
    assert!(natural < 300);
    assert_eq!(
        count(&more, open),
        300,
        "open tickets up to the count asked for"
    );
    assert_eq!(
        report.tickets as i64,
        count(&plain, "SELECT count(*) FROM tickets") + 300 - natural
    );
    // The history itself is unchanged, and the extra tickets have no work.
    assert_eq!(
        count(&more, "SELECT count(*) FROM interventions"),
        count(&plain, "SELECT count(*) FROM interventions")
    );
    let statuses = strings(
        &more,
        "SELECT DISTINCT t.status FROM tickets t WHERE t.opened_at >= '2026-11-10'
           AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.ticket_id = t.id) ORDER BY 1",
    );
    assert!(
        statuses.iter().any(|s| s == "waiting_client"),
        "{statuses:?}"
    );
    let all = views::open_tickets_with_sla(&more, &TicketFilter::default()).unwrap();
    assert_eq!(all.len() as i64, count(&more, open));
    assert!(all.iter().any(|u| u.sla.response.is_some()));
    assert!(all
        .iter()
        .any(|u| u.sla.intervention.as_ref().is_some_and(|c| c.paused)));
    assert!(all.iter().any(|u| u.sla.open_clock().is_some()));
}
