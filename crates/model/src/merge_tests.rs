//! Unit tests of the merge rules (each rule, its refusals and the conflicts it keeps).
use super::*;
use serde_json::json;

fn mutation(entity: &str, op: Op, fields: Value, hlc: i64, device: &str, base: i64) -> Mutation {
    Mutation {
        mutation_id: format!("m-{device}-{hlc}"),
        entity: entity.into(),
        entity_id: "r1".into(),
        op,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc,
        device_id: device.into(),
        recorded_at: "2026-12-06T10:00:00Z".into(),
        base_seq: base,
    }
}

fn applied(v: Verdict, seq: i64) -> RowState {
    let mut v = v;
    v.stamp(seq);
    match v {
        Verdict::Apply { row, .. } => row,
        Verdict::Reject { code, .. } => panic!("rejected: {code}"),
    }
}

#[test]
fn the_later_clock_wins_and_the_concurrent_loser_is_kept() {
    let ins = mutation(
        "client",
        Op::Insert,
        json!({"name": "Rossi", "city": "Roma"}),
        10,
        "A",
        0,
    );
    let row = applied(decide(None, &ins, 10), 1);
    // B edits city (seen seq 1), A edits city concurrently at an earlier clock.
    let b = mutation("client", Op::Update, json!({"city": "Milano"}), 30, "B", 1);
    let row = applied(decide(Some(&row), &b, 30), 2);
    let a = mutation(
        "client",
        Op::Update,
        json!({"city": "Torino", "name": "Rossi Srl"}),
        20,
        "A",
        1,
    );
    match decide(Some(&row), &a, 20) {
        Verdict::Apply {
            changed,
            lost,
            conflicts,
            ..
        } => {
            assert_eq!(changed.get("name"), Some(&json!("Rossi Srl")));
            assert_eq!(lost, vec!["city".to_owned()]);
            assert_eq!(conflicts.len(), 1);
            assert_eq!(conflicts[0].lost_value, json!("Torino"));
            assert_eq!(conflicts[0].winner_value, json!("Milano"));
        }
        v => panic!("{v:?}"),
    }
}

#[test]
fn overwriting_an_unseen_value_records_it_but_a_seen_one_does_not() {
    let ins = mutation("client", Op::Insert, json!({"city": "Roma"}), 10, "A", 0);
    let row = applied(decide(None, &ins, 10), 1);
    let a = mutation("client", Op::Update, json!({"city": "Bari"}), 20, "A", 1);
    let row = applied(decide(Some(&row), &a, 20), 2);
    // B had seen up to seq 1 only: Bari is overwritten unseen.
    let b = mutation("client", Op::Update, json!({"city": "Lecce"}), 30, "B", 1);
    let Verdict::Apply { conflicts, .. } = decide(Some(&row), &b, 30) else {
        panic!()
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].lost_value, json!("Bari"));
    // C had seen seq 2: a plain sequential edit.
    let c = mutation("client", Op::Update, json!({"city": "Lecce"}), 30, "C", 2);
    let Verdict::Apply { conflicts, .. } = decide(Some(&row), &c, 30) else {
        panic!()
    };
    assert!(conflicts.is_empty());
}

#[test]
fn a_lost_or_overwritten_updated_at_is_no_conflict() {
    let ins = mutation(
        "client",
        Op::Insert,
        json!({"phone": "1", "updated_at": "2026-12-06T10:00:00Z"}),
        10,
        "A",
        0,
    );
    let row = applied(decide(None, &ins, 10), 1);
    let a = mutation(
        "client",
        Op::Update,
        json!({"phone": "2", "updated_at": "2026-12-06T10:00:05Z"}),
        20,
        "A",
        1,
    );
    let row = applied(decide(Some(&row), &a, 20), 2);
    // B had not seen A's edit: A's phone is overwritten unseen, its updated_at just older.
    let b = mutation(
        "client",
        Op::Update,
        json!({"phone": "3", "updated_at": "2026-12-06T10:00:06Z"}),
        30,
        "B",
        1,
    );
    let Verdict::Apply { conflicts, .. } = decide(Some(&row), &b, 30) else {
        panic!()
    };
    let fields: Vec<_> = conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["phone"]);
    // And the other way round: B's edit arriving after a later one loses, phone only.
    let row = applied(decide(Some(&row), &b, 30), 3);
    let late = mutation(
        "client",
        Op::Update,
        json!({"phone": "4", "updated_at": "2026-12-06T10:00:04Z"}),
        15,
        "C",
        1,
    );
    let Verdict::Apply {
        conflicts, lost, ..
    } = decide(Some(&row), &late, 15)
    else {
        panic!()
    };
    assert_eq!(lost, ["phone", "updated_at"]);
    let fields: Vec<_> = conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["phone"]);
}

#[test]
fn ties_on_the_clock_are_broken_by_device_id() {
    assert!(beats(5, "B", 5, "A"));
    assert!(!beats(5, "A", 5, "B"));
    assert!(beats(6, "A", 5, "B"));
}

#[test]
fn an_accepted_or_refused_quote_is_write_once_but_a_draft_is_edited() {
    for status in ["accepted", "refused"] {
        let ins = mutation(
            "quote",
            Op::Insert,
            json!({"status": status, "notes": "a"}),
            10,
            "A",
            0,
        );
        let row = applied(decide(None, &ins, 10), 1);
        let edit = mutation("quote", Op::Update, json!({"notes": "b"}), 99, "A", 1);
        let v = decide(Some(&row), &edit, 99);
        assert!(
            matches!(
                v,
                Verdict::Reject {
                    code: "QUOTE_FINAL",
                    ref conflicts,
                } if conflicts.len() == 1 && conflicts[0].reason == ConflictReason::QuoteFinal
            ),
            "{status}: {v:?}"
        );
        let del = mutation("quote", Op::Delete, json!({}), 99, "A", 1);
        let v = decide(Some(&row), &del, 99);
        assert!(
            matches!(
                v,
                Verdict::Reject {
                    code: "QUOTE_FINAL",
                    ref conflicts,
                } if conflicts.iter().all(|c| c.reason == ConflictReason::QuoteFinal)
            ),
            "{status}: {v:?}"
        );
        // The same values again (an echo) are harmless.
        let echo = mutation("quote", Op::Update, json!({"notes": "a"}), 99, "A", 1);
        assert!(matches!(
            decide(Some(&row), &echo, 99),
            Verdict::Apply { .. }
        ));
    }
    let ins = mutation(
        "quote",
        Op::Insert,
        json!({"status": "draft", "notes": "a"}),
        10,
        "A",
        0,
    );
    let row = applied(decide(None, &ins, 10), 1);
    let edit = mutation("quote", Op::Update, json!({"notes": "b"}), 99, "A", 1);
    assert!(matches!(
        decide(Some(&row), &edit, 99),
        Verdict::Apply { .. }
    ));
}

#[test]
fn a_signed_report_is_write_once() {
    let ins = mutation(
        "report",
        Op::Insert,
        json!({"status": "signed", "signer_name": "Bianchi"}),
        10,
        "A",
        0,
    );
    let row = applied(decide(None, &ins, 10), 1);
    let edit = mutation(
        "report",
        Op::Update,
        json!({"signer_name": "Verdi"}),
        99,
        "A",
        1,
    );
    let v = decide(Some(&row), &edit, 99);
    assert!(
        matches!(
            v,
            Verdict::Reject {
                code: "REPORT_SIGNED",
                ..
            }
        ),
        "{v:?}"
    );
    let del = mutation("report", Op::Delete, json!({}), 99, "A", 1);
    assert!(matches!(
        decide(Some(&row), &del, 99),
        Verdict::Reject {
            code: "REPORT_SIGNED",
            ..
        }
    ));
    // The same values again (a replay from a restored device) are harmless.
    let same = mutation(
        "report",
        Op::Update,
        json!({"signer_name": "Bianchi"}),
        99,
        "B",
        1,
    );
    assert!(matches!(
        decide(Some(&row), &same, 99),
        Verdict::Apply { .. }
    ));
}

#[test]
fn only_the_opening_device_closes_a_time_entry_and_none_deletes_it() {
    let ins = mutation(
        "time_entry",
        Op::Insert,
        json!({"ended_at": null}),
        10,
        "A",
        0,
    );
    let row = applied(decide(None, &ins, 10), 1);
    let other = mutation(
        "time_entry",
        Op::Update,
        json!({"ended_at": "x"}),
        20,
        "B",
        1,
    );
    assert!(matches!(
        decide(Some(&row), &other, 20),
        Verdict::Reject {
            code: "NOT_OWNER",
            ..
        }
    ));
    let own = mutation(
        "time_entry",
        Op::Update,
        json!({"ended_at": "x"}),
        20,
        "A",
        1,
    );
    let closed = applied(decide(Some(&row), &own, 20), 2);
    // Closed is final, and only the closing fields ever change.
    let again = mutation(
        "time_entry",
        Op::Update,
        json!({"ended_at": "y"}),
        30,
        "A",
        2,
    );
    assert!(matches!(
        decide(Some(&closed), &again, 30),
        Verdict::Reject {
            code: "APPEND_ONLY",
            ..
        }
    ));
    let note = mutation("time_entry", Op::Update, json!({"note": "z"}), 30, "A", 1);
    assert!(matches!(
        decide(Some(&row), &note, 30),
        Verdict::Reject {
            code: "APPEND_ONLY",
            ..
        }
    ));
    let del = mutation("time_entry", Op::Delete, json!({}), 20, "A", 1);
    assert!(matches!(
        decide(Some(&row), &del, 20),
        Verdict::Reject {
            code: "APPEND_ONLY",
            ..
        }
    ));
}

#[test]
fn ticket_status_moves_are_revalidated() {
    let ins = mutation("ticket", Op::Insert, json!({"status": "new"}), 10, "A", 0);
    let row = applied(decide(None, &ins, 10), 1);
    let closed = mutation(
        "ticket",
        Op::Update,
        json!({"status": "closed"}),
        20,
        "A",
        1,
    );
    assert!(matches!(
        decide(Some(&row), &closed, 20),
        Verdict::Reject {
            code: "ILLEGAL_TRANSITION",
            ..
        }
    ));
    let taken = mutation("ticket", Op::Update, json!({"status": "taken"}), 20, "A", 1);
    assert!(matches!(
        decide(Some(&row), &taken, 20),
        Verdict::Apply { .. }
    ));
}

#[test]
fn tombstones_refuse_later_edits() {
    let ins = mutation("material", Op::Insert, json!({"quantity": 1}), 10, "A", 0);
    let row = applied(decide(None, &ins, 10), 1);
    let del = mutation("material", Op::Delete, json!({}), 20, "A", 1);
    let row = applied(decide(Some(&row), &del, 20), 2);
    assert!(row.deleted.is_some());
    let edit = mutation("material", Op::Update, json!({"quantity": 2}), 30, "B", 0);
    assert!(matches!(
        decide(Some(&row), &edit, 30),
        Verdict::Reject {
            code: "ROW_DELETED",
            ..
        }
    ));
}

#[test]
fn a_clock_far_ahead_is_clamped() {
    let now = 1_000_000_000;
    let ahead = Hlc::from_parts(now + MAX_CLOCK_SKEW_MS + 1, 3).0;
    let (clamped, skew) = clamp_clock(ahead, now);
    assert_eq!(Hlc(clamped).physical_ms(), now);
    assert_eq!(skew, Some(MAX_CLOCK_SKEW_MS + 1));
    let near = Hlc::from_parts(now + 1_000, 0).0;
    assert_eq!(clamp_clock(near, now), (near, None));
}
