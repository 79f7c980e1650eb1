//! Demo data: realistic, valid, complete, and the same for the same seed.

use rapportino_core::demo::{generate, DemoOptions};
use rapportino_core::validate::{validate_fiscal_code, validate_vat_number};
use rapportino_core::{Code, Store};

fn opts(seed: u64) -> DemoOptions {
    DemoOptions {
        seed,
        clients: 40,
        interventions: 1_200,
        years: 3,
        until: Some("2026-11-20".into()),
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
    generate(&mut a, &opts(7)).unwrap();
    generate(&mut b, &opts(7)).unwrap();
    generate(&mut c, &opts(8)).unwrap();
    assert_eq!(dump(&a), dump(&b));
    assert_ne!(dump(&a), dump(&c));
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
