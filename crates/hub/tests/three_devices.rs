//! A real hub on a random loopback port over TLS, three devices working offline, then syncing:
//! every replica converges, concurrent edits leave conflicts, numbers stay unique, the rules
//! of signed reports, time entries and ticket moves hold.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use rapportino_core::clients::{self, ClientInput};
use rapportino_core::store::Entity;
use rapportino_core::sync::conflicts::{self, Resolution};
use rapportino_core::tickets::{self, TicketStatus, TransitionInput};
use rapportino_model::protocol::Role;
use sync_support::*;

fn ticket(d: &mut Device, client: rapportino_core::ids::ClientId, title: &str) -> tickets::Ticket {
    tickets::open(&mut d.store, &new_ticket(client, title)).unwrap()
}

fn set_city(d: &mut Device, id: rapportino_core::ids::ClientId, city: &str) {
    let c = clients::get(&d.store, id).unwrap();
    clients::update(
        &mut d.store,
        id,
        &ClientInput {
            name: c.name,
            address: rapportino_core::address::Address {
                city: Some(city.into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
}

fn move_ticket(d: &mut Device, id: rapportino_core::ids::TicketId, to: TicketStatus) {
    let from = tickets::get(&d.store, id).unwrap().status;
    let input = TransitionInput {
        note: from.note_required(to).then(|| "motivo".to_owned()),
        ..TransitionInput::to(to)
    };
    tickets::transition(&mut d.store, id, &input).unwrap();
}

fn three_devices_converge(storage_url: Option<&str>) {
    let hub = TestHub::start(storage_url, true);
    let dir = tempfile::tempdir().unwrap();
    let mut office = Device::enrolled(dir.path(), &hub, "UF", rome(2026, 11, 16, 8, 0));
    let client = office.client("Ottica Bassi");
    let shared = ticket(&mut office, client.id, "Stampante in rete");
    office.sync();

    let mut b = Device::enrolled(dir.path(), &hub, "MR", rome(2026, 11, 16, 9, 0));
    let mut c = Device::enrolled(dir.path(), &hub, "LB", rome(2026, 11, 16, 9, 0));
    let first_b = b.sync();
    assert!(
        first_b.snapshot_rows > 0,
        "a new device starts from a snapshot"
    );
    c.sync();
    assert_eq!(
        clients::get(&b.store, client.id).unwrap().name,
        "Ottica Bassi"
    );

    // Offline: both technicians change the client's city; C does it later.
    b.clock.set(rome(2026, 11, 16, 10, 0));
    set_city(&mut b, client.id, "Bari");
    c.clock.set(rome(2026, 11, 16, 11, 0));
    set_city(&mut c, client.id, "Lecce");
    // Each opens a ticket: numbers carry the device code, so none can clash.
    let tb = ticket(&mut b, client.id, "Router");
    let tc = ticket(&mut c, client.id, "Backup NAS");
    // B takes the shared ticket in charge; C, not knowing, cancels it... then tries to take it.
    move_ticket(&mut b, shared.id, TicketStatus::Taken);
    move_ticket(&mut c, shared.id, TicketStatus::Cancelled);
    // The office edits the client's name meanwhile (a field nobody else touched).
    office.clock.set(rome(2026, 11, 16, 12, 0));
    let mut input = ClientInput {
        name: "Ottica Bassi Srl".into(),
        address: rapportino_core::address::Address {
            city: Some("Milano".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    input.notes = None;
    clients::update(&mut office.store, client.id, &input).unwrap();

    b.sync();
    c.sync();
    office.sync();
    b.sync();
    c.sync();
    assert_converged(&[&office, &b, &c]);

    // The latest clock won the city; B's value is kept as a conflict on every device.
    let final_client = clients::get(&office.store, client.id).unwrap();
    assert_eq!(final_client.address.city.as_deref(), Some("Lecce"));
    assert_eq!(final_client.name, "Ottica Bassi Srl");
    let open = conflicts::list(&office.store, false).unwrap();
    let city = open
        .iter()
        .find(|k| k.entity == "client" && k.field == "city")
        .expect("the overwritten city is kept");
    assert_eq!(city.lost_value, serde_json::json!("Bari"));
    assert_eq!(city.current_value, serde_json::json!("Lecce"));
    assert_eq!(city.lost_device_code.as_deref(), Some("MR"));
    assert!(city.restorable);

    // The ticket went new → taken (B, first to sync); C's cancel came later but taken →
    // cancelled is legal too, so the state machine accepts it.
    let shared_now = tickets::get(&office.store, shared.id).unwrap();
    assert_eq!(shared_now.status, TicketStatus::Cancelled);

    // Numbers unique everywhere.
    for d in [&office, &b, &c] {
        assert_eq!(
            count(
                &d.store,
                "SELECT count(*) - count(DISTINCT number) FROM tickets"
            ),
            0
        );
        assert_eq!(count(&d.store, "SELECT count(*) FROM tickets"), 3);
        assert_eq!(
            rapportino_core::sync::status(&d.store)
                .unwrap()
                .pending_changes,
            0
        );
    }
    assert!(tb.number.contains("-MR-") && tc.number.contains("-LB-"));

    // Restoring B's value from the review screen is an ordinary change that syncs everywhere.
    conflicts::resolve(&mut office.store, &city.id, Resolution::RestoreLost).unwrap();
    office.sync();
    b.sync();
    c.sync();
    assert_eq!(
        clients::get(&c.store, client.id)
            .unwrap()
            .address
            .city
            .as_deref(),
        Some("Bari")
    );
    assert!(conflicts::list(&c.store, false)
        .unwrap()
        .iter()
        .all(|k| k.id != city.id));
    assert_converged(&[&office, &b, &c]);

    // An illegal move is refused by the hub: B (still seeing "cancelled"? no: it pulled it)
    // forces one through the raw write path, as an old or buggy client could.
    b.store
        .write(|tx| {
            tx.update(
                Entity::Ticket,
                &shared.id.to_string(),
                vec![("status", serde_json::json!("in_progress"))],
            )
        })
        .unwrap();
    let report = b.sync();
    assert_eq!(report.rejected, 1);
    assert_eq!(
        tickets::get(&b.store, shared.id).unwrap().status,
        TicketStatus::Cancelled,
        "the device puts the hub's status back"
    );
    let _ = Role::Admin;
}

#[test]
fn three_devices_converge_on_a_sqlite_hub() {
    three_devices_converge(None);
}

#[test]
fn three_devices_converge_on_a_postgres_hub() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    three_devices_converge(Some(&db.url));
}
