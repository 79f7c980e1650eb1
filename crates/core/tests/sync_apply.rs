#![allow(clippy::unwrap_used)] // tests: a failure is the test failing

//! Device side of sync without a hub: the outbox, applying pulled changes, shadowing by unsent
//! local edits, numbering after a restore. The hub itself is exercised in crates/hub/tests.

mod common;

use common::sync_helpers::{second_device, served};
use common::*;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::error::Code;
use rapportino_core::store::field;
use rapportino_core::sync::apply::{self, outbox};
use rapportino_core::sync::protocol::{MutationResult, Outcome, PushResponse, ServerChange};
use rapportino_core::sync::{self, keys, quarantine};
use rapportino_core::tickets;
use rapportino_core::Store;

fn count(s: &Store, table: &str) -> i64 {
    s.conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn pulled_changes_land_in_the_tables_and_not_in_the_outbox() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let t = tickets::open(&mut a, &new_ticket(&c, "Stampante")).unwrap();
    let changes = served(&a, 1);
    let mut b = second_device("LB");
    let outbox_before = count(&b, "change_log");
    let last = changes.last().unwrap().server_seq;
    apply::apply_changes(&mut b, &changes, last).unwrap();
    assert_eq!(
        count(&b, "change_log"),
        outbox_before,
        "remote data is not a local change"
    );
    let got = clients::get(&b, c.id).unwrap();
    assert_eq!(got.name, "Ottica Bassi");
    assert_eq!(tickets::get(&b, t.id).unwrap().number, t.number);
    assert_eq!(sync::status(&b).unwrap().pending_changes, outbox_before);
    // Applying the same page again changes nothing (a duplicated answer).
    apply::apply_changes(&mut b, &changes, last).unwrap();
    assert_eq!(count(&b, "clients"), 1);
    // The cursor moved, and later local changes record it as what they had seen.
    clients::update(
        &mut b,
        c.id,
        &ClientInput {
            name: "Ottica Bassi Srl".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let mine = outbox(b.conn(), 10_000).unwrap();
    assert_eq!(mine.last().unwrap().base_seq, last);
}

#[test]
fn an_unsent_newer_local_edit_is_not_overwritten_by_an_older_pulled_one() {
    let (mut a, clock) = store();
    let c = client(&mut a, "Ottica Bassi");
    let mut b = second_device("LB");
    let changes = served(&a, 1);
    apply::apply_changes(&mut b, &changes, 1).unwrap();
    // A renames first (older clock), B renames later and has not pushed yet.
    let rename = |s: &mut Store, name: &str| {
        clients::update(
            s,
            c.id,
            &ClientInput {
                name: name.into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    rename(&mut a, "Nome di A");
    clock.advance(chrono::Duration::seconds(5));
    std::thread::sleep(std::time::Duration::from_millis(5));
    rename(&mut b, "Nome di B");
    let from_a: Vec<ServerChange> = served(&a, 1)
        .into_iter()
        .filter(|ch| ch.entity == "client" && ch.op == rapportino_core::sync::protocol::Op::Update)
        .collect();
    apply::apply_changes(&mut b, &from_a, 2).unwrap();
    assert_eq!(clients::get(&b, c.id).unwrap().name, "Nome di B");
}

#[test]
fn after_a_restore_numbers_wait_for_a_sync_and_then_continue_past_the_hubs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let backup = dir.path().join("old.db");
    let mut disk = Store::open(&path).unwrap();
    onboard(&mut disk, "MR");
    let c2 = client(&mut disk, "Ottica Bassi");
    rapportino_core::backup::backup_to(&disk, &backup).unwrap();
    // Enrolled (as far as the local state goes), then two tickets after the backup.
    disk.write(|tx| tx.set_local(keys::HUB_URL, "https://hub.example.it"))
        .unwrap();
    let t1 = tickets::open(&mut disk, &new_ticket(&c2, "Uno")).unwrap();
    let t2 = tickets::open(&mut disk, &new_ticket(&c2, "Due")).unwrap();
    let issued = served(&disk, 100);
    // The backup predates the enrolment: the device still knows it was enrolled.
    rapportino_core::backup::restore_from(&mut disk, &backup, &dir.path().join("safety")).unwrap();
    let err = tickets::open(&mut disk, &new_ticket(&c2, "Tre")).unwrap_err();
    assert_eq!(err.code(), Code::SyncRequired);
    assert!(sync::status(&disk).unwrap().numbering_hold);
    // The hub sends back what this device issued before the restore.
    let last = issued.last().unwrap().server_seq;
    apply::apply_changes(&mut disk, &issued, last).unwrap();
    disk.write(|tx| {
        tx.conn().execute(
            "DELETE FROM local_state WHERE key = ?1",
            [keys::NUMBERING_HOLD],
        )?;
        Ok(())
    })
    .unwrap();
    let t3 = tickets::open(&mut disk, &new_ticket(&c2, "Tre")).unwrap();
    assert_ne!(t3.number, t1.number);
    assert_ne!(t3.number, t2.number);
    assert!(t3.number > t2.number, "{} after {}", t3.number, t2.number);
}

/// The changes `a` would push, with the ticket's number replaced by `number`.
fn ticket_numbered(a: &Store, number: &str) -> Vec<ServerChange> {
    let mut changes = served(a, 1);
    for c in &mut changes {
        if c.entity == "ticket" && c.op == rapportino_core::sync::protocol::Op::Insert {
            c.fields.insert("number".into(), number.into());
        }
    }
    changes
}

#[test]
fn a_pulled_number_with_an_insane_sequence_leaves_this_devices_numbering_alone() {
    // Another device (or a hostile one) sends a ticket carrying this device's code and a
    // sequence near i64::MAX: this device's counter must not follow it.
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    tickets::open(&mut a, &new_ticket(&c, "Stampante")).unwrap();
    let mut b = second_device("BB");
    for insane in [
        "T-2026-BB-9223372036854775806",
        "T-2026-BB-1000000",
        "T-2026-BB-+12",
        "T-2026-BB-0",
        "T-99999-BB-0005",
    ] {
        let changes = ticket_numbered(&a, insane);
        apply::apply_changes(&mut b, &changes, changes.len() as i64).unwrap();
    }
    let t = tickets::open(&mut b, &new_ticket(&c, "Rete")).unwrap();
    assert_eq!(t.number, "T-2026-BB-0001");
    // A sane number of this device's moves its counter past it (a restore from a backup).
    let changes = ticket_numbered(&a, "T-2026-BB-0041");
    apply::apply_changes(&mut b, &changes, changes.len() as i64).unwrap();
    let t = tickets::open(&mut b, &new_ticket(&c, "Rete")).unwrap();
    assert_eq!(t.number, "T-2026-BB-0042");
}

#[test]
fn numbers_end_with_a_clear_error_instead_of_overflowing() {
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    // The largest sane sequence (what the hub accepts) is the last one issued.
    a.write(|tx| tx.set_sequence("T", 2026, 999_999)).unwrap();
    let t = tickets::open(&mut a, &new_ticket(&c, "Ultimo")).unwrap();
    assert_eq!(t.number, "T-2026-MR-999999");
    let err = tickets::open(&mut a, &new_ticket(&c, "Oltre")).unwrap_err();
    assert_eq!(err.code(), Code::NumberingExhausted, "{err}");
    // A counter already pushed to the top by an older version: the same clear error, no
    // DATABASE error about REAL values.
    a.write(|tx| tx.set_sequence("T", 2026, i64::MAX)).unwrap();
    let err = tickets::open(&mut a, &new_ticket(&c, "Oltre")).unwrap_err();
    assert_eq!(err.code(), Code::NumberingExhausted, "{err}");
}

#[test]
fn a_counter_broken_by_an_older_version_is_repaired_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bb.db");
    let mut b = Store::open(&path).unwrap();
    onboard(&mut b, "BB");
    let c = client(&mut b, "Ottica Bassi");
    for title in ["Uno", "Due", "Tre"] {
        tickets::open(&mut b, &new_ticket(&c, title)).unwrap();
    }
    // What an older version did with a pulled T-2026-BB-9223372036854775806: the ticket is
    // stored and the counter follows it.
    b.write(|tx| tx.set_sequence("T", 2026, i64::MAX)).unwrap();
    b.conn()
        .execute(
            "UPDATE tickets SET number = 'T-2026-BB-9223372036854775806' WHERE title = 'Tre'",
            [],
        )
        .unwrap();
    // A database of version 8: without the later migrations' columns and tables.
    for undo in [
        "DROP INDEX contracts_external_id",
        "ALTER TABLE contracts DROP COLUMN external_id",
        "ALTER TABLE contracts DROP COLUMN opening_used_minutes",
        "ALTER TABLE contracts DROP COLUMN opening_used_tickets",
        "DROP INDEX clients_external_id",
        "ALTER TABLE clients DROP COLUMN external_id",
        "DROP TRIGGER ledger_cp_ticket_severity_au",
    ] {
        b.conn().execute(undo, []).unwrap();
    }
    for undo_0019 in [
        "ALTER TABLE tickets DROP COLUMN waiting_party_kind",
        "ALTER TABLE tickets DROP COLUMN waiting_party_name",
        "ALTER TABLE ticket_events DROP COLUMN waiting_party_kind",
        "ALTER TABLE ticket_events DROP COLUMN waiting_party_name",
    ] {
        b.conn().execute(undo_0019, []).unwrap();
    }
    b.conn()
        .execute("ALTER TABLE tickets DROP COLUMN extra_time_grant", [])
        .unwrap();
    for undo_0017 in [
        "DROP TRIGGER ledger_cp_ticket_origin_au",
        "ALTER TABLE contracts DROP COLUMN priority_fee_cents",
        "ALTER TABLE contracts DROP COLUMN priority_surcharge_pct",
        "ALTER TABLE contracts DROP COLUMN free_hours_channels",
        "ALTER TABLE contract_templates DROP COLUMN priority_fee_cents",
        "ALTER TABLE contract_templates DROP COLUMN priority_surcharge_pct",
        "ALTER TABLE contract_templates DROP COLUMN free_hours_channels",
    ] {
        b.conn().execute(undo_0017, []).unwrap();
    }
    for undo_0014 in [
        "ALTER TABLE messages DROP COLUMN quote_id",
        "ALTER TABLE materials DROP COLUMN article_id",
        "ALTER TABLE materials DROP COLUMN vat_rate",
        "DROP TRIGGER ledger_cp_ticket_scope_au",
        "DROP TABLE quotes",
        "DROP TABLE articles",
    ] {
        b.conn().execute(undo_0014, []).unwrap();
    }
    for table in ["contracts", "contract_templates"] {
        for undo_0015 in [
            "resolution_blocking_minutes",
            "resolution_degraded_minutes",
            "resolution_request_minutes",
            "calendar_blocking_id",
            "calendar_degraded_id",
            "calendar_request_id",
        ] {
            b.conn()
                .execute(&format!("ALTER TABLE {table} DROP COLUMN {undo_0015}"), [])
                .unwrap();
        }
    }
    b.conn().pragma_update(None, "user_version", 8).unwrap();
    drop(b);
    let mut b = Store::open(&path).unwrap();
    let t = tickets::open(&mut b, &new_ticket(&c, "Quattro")).unwrap();
    assert_eq!(
        t.number, "T-2026-BB-0003",
        "past the highest sane number stored"
    );
}

#[test]
fn one_technicians_timer_running_on_two_laptops_keeps_both_segments() {
    use rapportino_core::interventions::{self, InterventionMode, NewIntervention};
    use rapportino_core::setup;
    // Marco's office PC (A) and his laptop (B), both working on A's ticket offline.
    let (mut a, _) = store();
    let c = client(&mut a, "Ottica Bassi");
    let t = tickets::open(&mut a, &new_ticket(&c, "Stampante")).unwrap();
    let on_a = intervention(&mut a, t.id, InterventionMode::Remote);
    let marco = setup::current_technician(a.conn()).unwrap();
    let mut b = second_device("BB");
    let first = served(&a, 1);
    let n = first.len() as i64;
    apply::apply_changes(&mut b, &first, n).unwrap();
    let new_on = |s: &mut Store| {
        interventions::create(
            s,
            &NewIntervention {
                ticket_id: t.id,
                mode: InterventionMode::OnSite,
                site_id: None,
                technician_id: Some(marco),
            },
        )
        .unwrap()
    };
    let on_b = new_on(&mut b);
    interventions::start(&mut b, on_b.id).unwrap();
    interventions::start(&mut a, on_a.id).unwrap();
    // A's running segment reaches B: stored beside B's own, nothing set aside.
    let later: Vec<ServerChange> = served(&a, 1).into_iter().skip(first.len()).collect();
    let later: Vec<ServerChange> = later
        .into_iter()
        .enumerate()
        .map(|(i, mut ch)| {
            ch.server_seq = n + 1 + i as i64;
            ch
        })
        .collect();
    let last = later.last().unwrap().server_seq;
    apply::apply_changes(&mut b, &later, last).unwrap();
    assert!(
        quarantine::list(&b).unwrap().is_empty(),
        "{:?}",
        quarantine::list(&b).unwrap()
    );
    let running: i64 = b
        .conn()
        .query_row(
            "SELECT count(*) FROM time_entries
             WHERE technician_id = ?1 AND kind = 'timer' AND ended_at IS NULL",
            [marco.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(running, 2, "both segments are kept");
    // B shows and stops its own segment, not A's.
    let shown = interventions::running_timer(&b, Some(marco))
        .unwrap()
        .unwrap();
    assert_eq!(shown.intervention_id, on_b.id);
    // Each device still runs one timer of its own at a time.
    let other = new_on(&mut b);
    let err = interventions::start(&mut b, other.id).unwrap_err();
    assert_eq!(err.code(), Code::TimerAlreadyRunning);
    let dup = b.write(|tx| {
        let device = tx.device_id().to_string();
        tx.insert(
            rapportino_core::store::Entity::TimeEntry,
            &rapportino_core::ids::TimeEntryId::new().to_string(),
            vec![
                ("intervention_id", field::text(other.id.to_string())),
                ("technician_id", field::text(marco.to_string())),
                ("kind", field::text("timer")),
                ("started_at", field::text("2026-11-16T09:30:00Z")),
                ("needs_review", field::flag(false)),
                ("device_id", field::text(device)),
            ],
        )
    });
    assert_eq!(
        dup.unwrap_err().code(),
        Code::AlreadyExists,
        "the index itself holds"
    );
    interventions::stop(&mut b, on_b.id).unwrap();
    interventions::start(&mut b, other.id).unwrap();
}

#[test]
fn a_timer_overlap_flagged_by_the_hub_is_stored_and_listed_for_review() {
    use rapportino_core::sync::conflicts::{self, ConflictReason};
    let (mut a, _) = store();
    client(&mut a, "Ottica Bassi");
    let page = served(&a, 1);
    let n = page.len() as i64;
    let mut b = second_device("BB");
    apply::apply_changes(&mut b, &page, n).unwrap();
    // What the hub sends when a second running segment of one technician arrives.
    let id = "0190c0de-0000-7000-8000-0000000000cc";
    let fields = serde_json::json!({
        "entity": "time_entry", "entity_id": "0190c0de-0000-7000-8000-0000000000dd",
        "field": "started_at", "reason": "timer_overlap",
        "winner_value": "\"2026-11-16T09:00:00Z\"", "winner_device_id": null,
        "lost_value": "\"2026-11-16T09:10:00Z\"", "lost_device_id": "0190c0de-0000-7000-8000-0000000000ee",
        "lost_mutation_id": "m-1", "lost_at": "2026-11-16T09:10:00Z",
        "resolved_at": null, "resolution": null,
        "created_at": "2026-11-16T09:11:00Z", "updated_at": "2026-11-16T09:11:00Z"
    });
    let conflict = ServerChange {
        server_seq: n + 1,
        mutation_id: format!("hub-{id}"),
        entity: "sync_conflict".into(),
        entity_id: id.into(),
        op: rapportino_core::sync::protocol::Op::Insert,
        fields: fields.as_object().unwrap().clone(),
        hlc: 1,
        device_id: "hub".into(),
        recorded_at: "2026-11-16T09:11:00Z".into(),
    };
    apply::apply_changes(&mut b, &[conflict], n + 1).unwrap();
    assert!(
        quarantine::list(&b).unwrap().is_empty(),
        "{:?}",
        quarantine::list(&b).unwrap()
    );
    let listed = conflicts::list(&b, false).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].reason, ConflictReason::TimerOverlap);
    assert!(
        !listed[0].restorable,
        "reviewed by voiding or adjusting time"
    );
    assert_eq!(sync::status(&b).unwrap().open_conflicts, 1);
}

/// All answered: the whole pushed batch leaves the outbox.
fn answer_all(pushed: &[rapportino_core::sync::protocol::Mutation]) -> PushResponse {
    PushResponse {
        results: pushed
            .iter()
            .map(|m| MutationResult {
                mutation_id: m.mutation_id.clone(),
                outcome: Outcome::Applied,
                server_seq: Some(1),
                code: None,
                corrections: Vec::new(),
            })
            .collect(),
        hub_hlc: 0,
        clock_skew_ms: None,
    }
}

fn outbox_ids(s: &Store) -> Vec<String> {
    outbox(s.conn(), 10_000)
        .unwrap()
        .into_iter()
        .map(|m| m.mutation_id)
        .collect()
}

/// The acknowledgement removes exactly what the hub answered: the oldest entries by one range
/// when the batch is them, and never an entry that was not pushed or not answered.
#[test]
fn acknowledgements_remove_exactly_the_answered_entries() {
    let (mut a, _) = store();
    for name in ["Uno", "Due", "Tre", "Quattro", "Cinque", "Sei"] {
        client(&mut a, name);
    }
    let all = outbox_ids(&a);
    assert!(all.len() >= 6, "{all:?}");
    // The two oldest, all answered: gone, the rest kept.
    let first = outbox(a.conn(), 2).unwrap();
    let (acked, _) = apply::acknowledge(&mut a, &first, &answer_all(&first)).unwrap();
    assert_eq!(acked, 2);
    assert_eq!(outbox_ids(&a), all[2..]);
    // A batch that skips the oldest entry: that one stays (no range over it).
    let mut skipping = outbox(a.conn(), 3).unwrap();
    skipping.remove(0);
    let (acked, _) = apply::acknowledge(&mut a, &skipping, &answer_all(&skipping)).unwrap();
    assert_eq!(acked, 2);
    assert_eq!(outbox_ids(&a)[0], all[2]);
    assert_eq!(outbox_ids(&a)[1..], all[5..]);
    // An answer missing one mutation: that one stays.
    let batch = outbox(a.conn(), 10_000).unwrap();
    let mut partial = answer_all(&batch);
    let unanswered = partial.results.remove(1).mutation_id;
    let (acked, _) = apply::acknowledge(&mut a, &batch, &partial).unwrap();
    assert_eq!(acked, batch.len() as i64 - 1);
    assert_eq!(outbox_ids(&a), [unanswered]);
}

/// A push takes at most so many bytes of fields, but always at least one mutation.
#[test]
fn the_outbox_read_stops_at_its_byte_budget() {
    let (mut a, _) = store();
    for name in ["Uno", "Due", "Tre"] {
        client(&mut a, name);
    }
    let all = outbox(a.conn(), 100).unwrap();
    assert_eq!(apply::outbox_within(a.conn(), 100, 1).unwrap().len(), 1);
    let two: usize = a
        .conn()
        .query_row(
            "SELECT sum(length(fields)) FROM (SELECT fields FROM change_log ORDER BY seq LIMIT 2)",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize;
    assert_eq!(apply::outbox_within(a.conn(), 100, two).unwrap().len(), 2);
    assert_eq!(
        apply::outbox_within(a.conn(), 100, usize::MAX).unwrap(),
        all
    );
    assert_eq!(
        rapportino_core::sync::PUSH_BATCH,
        rapportino_core::sync::protocol::MAX_BATCH as i64
    );
}
