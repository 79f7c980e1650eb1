//! The intake's look-ups inside its write transaction (a request by idempotency key and by
//! sender, a ticket by number, one of our messages by Message-ID, a contact by address) read
//! their indexes on both engines: a hub with many rows of each kind asks the engine for its plan
//! (EXPLAIN) of every look-up, and the look-ups find the right rows.
#![allow(clippy::unwrap_used)]
// Rows written straight into the hub's table by SQL: the test fixture, not the app's write path.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{backends, TestStorage};
use rapportino_hub::storage::{HubTx, INTAKE_LOOKUPS};

/// `n` rows of each looked-up kind, their fields numbered.
fn fill(t: &TestStorage, n: i64) {
    // (entity, id prefix, the JSON object of row i in each engine's spelling)
    let kinds = [
        (
            "incoming_request",
            "r",
            "'idempotency_key', 'k' || i, 'sender_email', 's' || (i % 500) || '@x.it'",
        ),
        (
            "ticket",
            "t",
            "'number', 'T-2026-MR-' || i, 'status', 'new'",
        ),
        (
            "message",
            "m",
            "'message_id', '<m' || i || '@shop>', 'sender', 'MR'",
        ),
        (
            "contact",
            "c",
            "'email', 'c' || i || '@x.it', 'authorised', 1",
        ),
    ];
    match t.kind {
        "sqlite" => {
            let path = t.url.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch("BEGIN").unwrap();
            for (entity, prefix, object) in kinds {
                conn.execute(
                    &format!(
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                         INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted,
                           origin_device)
                         SELECT '{entity}', printf('{prefix}%08d', i), json_object({object}),
                           '{{}}', NULL, 'MR' FROM n"
                    ),
                    [n],
                )
                .unwrap();
            }
            // No ANALYZE: a SQLite hub never runs it, and the plan must not depend on it.
            conn.execute_batch("COMMIT").unwrap();
        }
        _ => {
            let mut client = postgres::Client::connect(&t.url, postgres::NoTls).unwrap();
            for (entity, prefix, object) in kinds {
                client
                    .execute(
                        &format!(
                            "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted,
                               origin_device)
                             SELECT '{entity}', '{prefix}' || lpad(i::text, 8, '0'),
                               json_build_object({})::text, '{{}}', NULL, 'MR'
                             FROM generate_series(1, $1::bigint) AS i",
                            object
                                .replace("|| i", "|| i::text")
                                .replace("(i % 500)", "(i % 500)::text")
                        ),
                        &[&n],
                    )
                    .unwrap();
            }
            // What autovacuum does on a real server after so many rows.
            client.batch_execute("ANALYZE hub_rows").unwrap();
        }
    }
}

#[test]
fn the_intake_lookups_read_their_indexes_on_both_engines() {
    for t in backends() {
        fill(&t, 20_000);
        let plans = t.storage.read(|r| r.intake_lookup_plans()).unwrap();
        assert_eq!(plans.len(), INTAKE_LOOKUPS.len());
        for ((name, plan), (entity, field, index)) in plans.iter().zip(INTAKE_LOOKUPS) {
            eprintln!("{} {name}:\n{plan}", t.kind);
            assert_eq!(name, &format!("{entity}.{field}"));
            assert!(
                plan.contains(index),
                "{}: {name} not through {index}:\n{plan}",
                t.kind
            );
        }
        // And they find the right rows.
        let found = |entity: &str, field: &str, value: &str| -> Vec<String> {
            t.storage
                .write(|tx: &mut dyn HubTx| tx.rows_where(entity, field, value, 100))
                .unwrap()
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        assert_eq!(
            found("incoming_request", "idempotency_key", "k777"),
            ["r00000777"]
        );
        assert_eq!(
            found("incoming_request", "sender_email", "s7@x.it").len(),
            40
        );
        assert_eq!(found("ticket", "number", "T-2026-MR-19999"), ["t00019999"]);
        assert_eq!(found("message", "message_id", "<m5@shop>"), ["m00000005"]);
        assert_eq!(found("contact", "email", "c20000@x.it"), ["c00020000"]);
        assert!(found("contact", "email", "nessuno@x.it").is_empty());
    }
}
