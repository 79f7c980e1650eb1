//! The hub's mail round reads its partial index, not every message ever sent, on both engines:
//! a hub with many messages (most of them sent long ago, or a device's own) asks the engine for
//! its plan (EXPLAIN) of `messages_to_send` and `attachments_of`, and gets the right rows.
//! The ignored `bench_mail_round_at_100k` measures the round's read with and without the index
//! (docs/BENCHMARKS.md).
#![allow(clippy::unwrap_used)]
// Rows written straight into the hub's table (and indexes dropped) by SQL: the test fixture, not the
// app's write path.
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{backends, TestStorage};

/// `n` messages: every tenth is the hub's, every thousandth queued, the rest sent; every
/// thousandth has an attachment. Written straight into the hub's table (the round only reads).
fn fill(t: &TestStorage, n: i64) {
    match t.kind {
        "sqlite" => {
            let path = t.url.strip_prefix("sqlite:").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute_batch("BEGIN").unwrap();
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
                 SELECT 'message', printf('m%08d', i),
                   json_object('sender', CASE WHEN i % 10 = 0 THEN 'hub' ELSE 'MR' END,
                     'status', CASE WHEN i % 1000 = 0 THEN 'queued' ELSE 'sent' END,
                     'attachments_ready', 1, 'subject', 'Estratto conto ' || i),
                   '{}', NULL, 'MR' FROM n",
                [n],
            )
            .unwrap();
            conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1000 FROM n
                   WHERE i + 1000 <= ?1)
                 INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
                 SELECT 'message_attachment', printf('a%08d', i),
                   json_object('message_id', printf('m%08d', i), 'name', 'estratto.pdf'),
                   '{}', NULL, 'MR' FROM n",
                [n],
            )
            .unwrap();
            // No ANALYZE: a SQLite hub never runs it, and the plan must not depend on it.
            conn.execute_batch("COMMIT").unwrap();
        }
        _ => {
            let mut client = postgres::Client::connect(&t.url, postgres::NoTls).unwrap();
            client
                .execute(
                    "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
                     SELECT 'message', 'm' || lpad(i::text, 8, '0'),
                       json_build_object('sender', CASE WHEN i % 10 = 0 THEN 'hub' ELSE 'MR' END,
                         'status', CASE WHEN i % 1000 = 0 THEN 'queued' ELSE 'sent' END,
                         'attachments_ready', 1, 'subject', 'Estratto conto ' || i)::text,
                       '{}', NULL, 'MR' FROM generate_series(1, $1::bigint) AS i",
                    &[&n],
                )
                .unwrap();
            client
                .execute(
                    "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
                     SELECT 'message_attachment', 'a' || lpad(i::text, 8, '0'),
                       json_build_object('message_id', 'm' || lpad(i::text, 8, '0'),
                         'name', 'estratto.pdf')::text,
                       '{}', NULL, 'MR' FROM generate_series(1000, $1::bigint, 1000) AS i",
                    &[&n],
                )
                .unwrap();
            // What autovacuum does on a real server after so many rows.
            client.batch_execute("ANALYZE hub_rows").unwrap();
        }
    }
}

fn plan(t: &TestStorage) -> String {
    t.storage.read(|r| r.mail_round_plan()).unwrap().join("\n")
}

#[test]
fn the_mail_round_reads_its_partial_index_on_both_engines() {
    for t in backends() {
        fill(&t, 20_000);
        let plan = plan(&t);
        eprintln!("{} plan of the mail round:\n{plan}", t.kind);
        for index in [
            "hub_rows_messages_to_send",
            "hub_rows_attachments_by_message",
        ] {
            assert!(plan.contains(index), "{}: {index} unused:\n{plan}", t.kind);
        }
        // And the rows are the right ones: the hub's 20 queued messages, in id order.
        let due = t.storage.read(|r| r.messages_to_send(100)).unwrap();
        let ids: Vec<String> = due.into_iter().map(|(id, _)| id).collect();
        let expected: Vec<String> = (1..=20).map(|k| format!("m{:08}", k * 1000)).collect();
        assert_eq!(ids, expected, "{}", t.kind);
        let files = t.storage.read(|r| r.attachments_of("m00003000")).unwrap();
        assert_eq!(files.len(), 1, "{}", t.kind);
        assert_eq!(files[0].0, "a00003000");
    }
}

fn median_round(t: &TestStorage) -> Duration {
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let started = Instant::now();
            t.storage
                .read(|r| {
                    for (id, _) in r.messages_to_send(200)? {
                        r.attachments_of(&id)?;
                    }
                    Ok(())
                })
                .unwrap();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

#[test]
#[ignore = "benchmark: cargo test -p rapportino-hub --release --test mail_round_index -- --ignored --nocapture"]
fn bench_mail_round_at_100k() {
    for t in backends() {
        fill(&t, 100_000);
        let with_index = median_round(&t);
        let drop =
            "DROP INDEX hub_rows_messages_to_send; DROP INDEX hub_rows_attachments_by_message";
        match t.kind {
            "sqlite" => rusqlite::Connection::open(t.url.strip_prefix("sqlite:").unwrap())
                .unwrap()
                .execute_batch(drop)
                .unwrap(),
            _ => postgres::Client::connect(&t.url, postgres::NoTls)
                .unwrap()
                .batch_execute(drop)
                .unwrap(),
        }
        let without = median_round(&t);
        println!(
            "{:<8} 100,000 messages (100 due, 100 attachments): the round's read, median of 21: \
             with the indexes {:.2} ms, without {:.2} ms ({:.0}x)",
            t.kind,
            with_index.as_secs_f64() * 1000.0,
            without.as_secs_f64() * 1000.0,
            without.as_secs_f64() / with_index.as_secs_f64()
        );
    }
}
