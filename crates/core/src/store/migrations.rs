//! Append-only migrations. `PRAGMA user_version` holds how many have been applied; a database
//! with a higher number than this binary knows was written by a newer Rapportino and is refused.

use rusqlite::Connection;

use super::APPLICATION_ID;
use crate::error::{Error, Result};

/// Every migration, in order. Never edit or remove one that has shipped: add a new one.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("migrations/0001_initial.sql")),
    (
        "0002_service_models",
        include_str!("migrations/0002_service_models.sql"),
    ),
    (
        "0003_ledger_checkpoints",
        include_str!("migrations/0003_ledger_checkpoints.sql"),
    ),
    ("0004_reports", include_str!("migrations/0004_reports.sql")),
    (
        "0005_dashboard",
        include_str!("migrations/0005_dashboard.sql"),
    ),
    (
        "0006_contract_templates",
        include_str!("migrations/0006_contract_templates.sql"),
    ),
    ("0007_quality", include_str!("migrations/0007_quality.sql")),
    ("0008_sync", include_str!("migrations/0008_sync.sql")),
    (
        "0009_sync_robustness",
        include_str!("migrations/0009_sync_robustness.sql"),
    ),
    (
        "0010_extra_time_grants",
        include_str!("migrations/0010_extra_time_grants.sql"),
    ),
    ("0011_outbox", include_str!("migrations/0011_outbox.sql")),
    (
        "0012_message_kinds",
        include_str!("migrations/0012_message_kinds.sql"),
    ),
    ("0013_intake", include_str!("migrations/0013_intake.sql")),
    ("0014_quotes", include_str!("migrations/0014_quotes.sql")),
    ("0015_sla", include_str!("migrations/0015_sla.sql")),
    (
        "0016_intakerest",
        include_str!("migrations/0016_intakerest.sql"),
    ),
    ("0017_billing", include_str!("migrations/0017_billing.sql")),
    (
        "0018_severity_coverage",
        include_str!("migrations/0018_severity_coverage.sql"),
    ),
    (
        "0019_waiting_third_party",
        include_str!("migrations/0019_waiting_third_party.sql"),
    ),
    (
        "0020_csv_import",
        include_str!("migrations/0020_csv_import.sql"),
    ),
    (
        "0021_import_contracts",
        include_str!("migrations/0021_import_contracts.sql"),
    ),
];

/// The schema version this binary writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies the missing migrations in one transaction.
pub fn apply(conn: &Connection) -> Result<()> {
    apply_up_to(conn, latest_version())
}

/// Applies the missing migrations up to `version` (not beyond) in one transaction: the schema
/// a database of that version has (a restored backup's schema is checked against it).
#[allow(clippy::disallowed_methods)] // migrations are the one place where raw SQL batches run
pub fn apply_up_to(conn: &Connection, version: i64) -> Result<()> {
    let found = current_version(conn)?;
    let supported = latest_version();
    if found > supported {
        return Err(Error::DatabaseTooNew { found, supported });
    }
    let target = version.clamp(0, supported);
    if found >= target {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    for (_, sql) in &MIGRATIONS[found as usize..target as usize] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;
    use crate::store::Store;

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.db");
        drop(Store::open(&p).unwrap());
        {
            let c = Connection::open(&p).unwrap();
            c.pragma_update(None, "user_version", latest_version() + 1)
                .unwrap();
        }
        let err = Store::open(&p).unwrap_err();
        assert_eq!(err.code(), Code::DatabaseTooNew);
    }

    /// The query plan of a ticket list page, as `tickets::list` cuts it.
    fn ticket_page_plan(s: &Store, from_where: &str) -> String {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT id FROM tickets t {from_where} \
             ORDER BY t.opened_at DESC, t.id DESC LIMIT 26 OFFSET 250"
        );
        let mut stmt = s.conn().prepare(&sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn ticket_pages_are_read_in_index_order() {
        // Without 0007 the open list sorted every open ticket (60-90 ms on the 1M demo) and a
        // deep page of all tickets sorted ties and joined every skipped ticket (150 ms).
        let s = Store::open_in_memory().unwrap();
        let open = ticket_page_plan(
            &s,
            "INDEXED BY tickets_open_opened WHERE 1 = 1 \
             AND t.status IN ('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party')",
        );
        assert!(open.contains("tickets_open_opened"), "{open}");
        assert!(!open.contains("TEMP B-TREE"), "{open}");
        let all = ticket_page_plan(&s, "WHERE 1 = 1");
        assert!(all.contains("COVERING INDEX tickets_opened"), "{all}");
        assert!(!all.contains("TEMP B-TREE"), "{all}");
    }

    #[test]
    fn opening_an_intervention_finds_its_escalation_by_index() {
        let s = Store::open_in_memory().unwrap();
        let mut stmt = s
            .conn()
            .prepare("EXPLAIN QUERY PLAN SELECT id FROM interventions WHERE escalated_from_id = ?1")
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(["x"], |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter()
                .any(|p| p.contains("interventions_escalated_from")),
            "{plan:?}"
        );
    }

    /// 0012 rebuilds the messages table (a wider kind CHECK) together with its attachments: rows
    /// survive, the attachment still references its message, and the new kinds are accepted.
    #[test]
    fn widening_message_kinds_keeps_messages_and_their_attachments() {
        let c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        apply_up_to(&c, 11).unwrap();
        #[allow(clippy::disallowed_methods)] // raw rows of a version-11 database
        c.execute_batch(
            "INSERT INTO clients (id, name, created_at, updated_at) VALUES ('c1', 'Rossi', 't', 't');
             INSERT INTO messages (id, kind, client_id, language, recipients, subject, body,
                 message_id, sender, status, created_at, updated_at)
             VALUES ('m1', 'statement', 'c1', 'it', '[\"a@b.it\"]', 'S', 'B', '<m1@x>', 'hub',
                 'queued', 't', 't');
             INSERT INTO message_attachments (id, message_id, name, mime_type, size, sha256,
                 content, created_at)
             VALUES ('a1', 'm1', 'r.pdf', 'application/pdf', 3, 'h', 'YWJj', 't');",
        )
        .unwrap();
        let refused = c.execute(
            "INSERT INTO messages (id, kind, client_id, language, recipients, subject, body,
                 message_id, sender, status, created_at, updated_at)
             VALUES ('m0', 'quote', 'c1', 'it', '[]', 'S', 'B', '<m0@x>', 'hub', 'queued', 't', 't')",
            [],
        );
        assert!(refused.is_err(), "version 11 does not know quotes");

        apply(&c).unwrap();
        let kept: (String, String) = c
            .query_row(
                "SELECT m.kind, a.name FROM message_attachments a JOIN messages m ON m.id = a.message_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kept, ("statement".into(), "r.pdf".into()));
        let violations: i64 = c
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
        let attachments_sql: String = c
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'message_attachments'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            attachments_sql.contains("REFERENCES \"messages\""),
            "{attachments_sql}"
        );
        for kind in ["quote", "request_received", "sign_in_link"] {
            c.execute(
                "INSERT INTO messages (id, kind, client_id, language, recipients, subject, body,
                     message_id, sender, status, created_at, updated_at)
                 VALUES (?1, ?1, 'c1', 'it', '[]', 'S', 'B', ?1, 'hub', 'queued', 't', 't')",
                [kind],
            )
            .unwrap();
        }
        let orphan = c.execute(
            "INSERT INTO message_attachments (id, message_id, name, mime_type, size, sha256,
                 content, created_at)
             VALUES ('a2', 'nope', 'r.pdf', 'application/pdf', 3, 'h', 'YWJj', 't')",
            [],
        );
        assert!(
            orphan.is_err(),
            "the attachment's reference is still enforced"
        );
    }

    /// 0019 rebuilds the tickets table (a wider status CHECK, the waiting party): rows keep their
    /// rid and id, the full-text index still finds them and follows later edits, the rows that
    /// reference tickets still do, every index and trigger is back, the new status is accepted.
    #[test]
    fn waiting_for_a_third_party_keeps_tickets_and_what_hangs_on_them() {
        let c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        apply_up_to(&c, 18).unwrap();
        let objects = |c: &Connection| -> Vec<String> {
            let mut stmt = c
                .prepare(
                    "SELECT type || ' ' || name FROM sqlite_schema
                     WHERE tbl_name = 'tickets' AND type IN ('index', 'trigger') ORDER BY 1",
                )
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        let before = objects(&c);
        #[allow(clippy::disallowed_methods)] // raw rows of a version-18 database
        c.execute_batch(
            "INSERT INTO clients (id, name, created_at, updated_at) VALUES ('c1', 'Rossi', 't', 't');
             INSERT INTO tickets (rid, id, number, client_id, origin, severity, title, status,
                 reported_at, opened_at, created_at, updated_at, extra_time_grant)
             VALUES (7, 'k1', 'T-2026-MR-0001', 'c1', 'phone', 'blocking', 'Stampante inceppata',
                 'in_progress', 't', 't', 't', 't', 'g');
             INSERT INTO ticket_events (id, ticket_id, to_status, at) VALUES ('e1', 'k1', 'new', 't');",
        )
        .unwrap();
        let refused = c.execute(
            "UPDATE tickets SET status = 'waiting_third_party' WHERE id = 'k1'",
            [],
        );
        assert!(refused.is_err(), "version 18 does not know the status");

        apply(&c).unwrap();
        assert_eq!(objects(&c), before, "every index and trigger is back");
        let kept: (i64, String, String) = c
            .query_row(
                "SELECT rid, status, extra_time_grant FROM tickets WHERE id = 'k1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(kept, (7, "in_progress".into(), "g".into()));
        let found = |c: &Connection, word: &str| -> i64 {
            c.query_row(
                "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH ?1",
                [word],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(found(&c, "stampante"), 1);
        let violations: i64 = c
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
        c.execute(
            "UPDATE tickets SET status = 'waiting_third_party', title = 'Toner esaurito',
                 waiting_party_kind = 'vendor', waiting_party_name = 'Ingram' WHERE id = 'k1'",
            [],
        )
        .unwrap();
        assert_eq!((found(&c, "stampante"), found(&c, "toner")), (0, 1));
        let bad_kind = c.execute(
            "UPDATE tickets SET waiting_party_kind = 'courier' WHERE id = 'k1'",
            [],
        );
        assert!(bad_kind.is_err());
        let orphan = c.execute(
            "INSERT INTO ticket_events (id, ticket_id, to_status, at) VALUES ('e2', 'nope', 'new', 't')",
            [],
        );
        assert!(orphan.is_err(), "the events' reference is still enforced");
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let s = Store::open_in_memory().unwrap();
        apply(s.conn()).unwrap();
        assert_eq!(current_version(s.conn()).unwrap(), latest_version());
    }
}
