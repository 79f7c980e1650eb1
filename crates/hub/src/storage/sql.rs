//! The statements both storage engines run, each written once and rendered per [`Dialect`].
//!
//! A statement is written in PostgreSQL's spelling: `$1` placeholders, `::type` casts. For
//! SQLite, [`Dialect::render`] turns `$N` into `?N` (SQLite reads `$1` as a *named* parameter,
//! numbered by first appearance, so `$2 ... $1` would bind the wrong values) and drops the casts
//! (`NULL::text` becomes `NULL`). Quoted text (`'$.started_at'`, `"C"`) is never touched.
//!
//! What the two engines spell differently beyond that is a [`Dialect`] method put into the text
//! with `format!` before rendering: a JSON field read ([`Dialect::json_text`]), byte-order text
//! comparison ([`Dialect::bytewise`]), row locks ([`Dialect::for_update`]) and a list of texts
//! bound as one parameter ([`Dialect::text_list`]).
//!
//! Each dialect's [`Statements`] are rendered once, on first use, and kept for the life of the
//! process: the engines' statement caches are keyed by the text, and pushes run these on every
//! mutation.
//!
//! Statements only one engine runs stay in that engine: the schema (`tables.rs`, the column
//! types differ), PostgreSQL's advisory locks and `to_regclass`, SQLite's `sqlite_master` check
//! and backup, the copy of a PostgreSQL hub into a SQLite file.
//!
//! Adding a statement both engines run: one line in [`statements!`] below, then use
//! `sql().name` in `sqlite/` and `postgres/`.

use std::sync::LazyLock;

/// The SQL spoken by a storage engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

static SQLITE: LazyLock<Statements> = LazyLock::new(|| Statements::new(Dialect::Sqlite));
static POSTGRES: LazyLock<Statements> = LazyLock::new(|| Statements::new(Dialect::Postgres));

impl Dialect {
    /// This dialect's shared statements, rendered once per process.
    pub fn statements(self) -> &'static Statements {
        match self {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        }
    }

    /// `template` (PostgreSQL's spelling) in this dialect: for SQLite, `$N` becomes `?N` and
    /// `::type` casts are dropped, outside quoted text.
    pub fn render(self, template: &str) -> String {
        match self {
            Dialect::Postgres => template.to_owned(),
            Dialect::Sqlite => to_sqlite(template),
        }
    }

    /// A top-level field of a JSON text column named by the parameter `param`, as SQL text.
    pub fn json_text_param(self, column: &str, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.' || {param})"),
            Dialect::Postgres => format!("(({column}::jsonb) ->> {param}::text)"),
        }
    }

    /// A top-level field of a JSON text column, as SQL text. The expressions of the index
    /// `hub_rows_timer_by_technician` (`tables.rs`), word for word, so queries written with it
    /// can use the index.
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Dialect::Postgres => format!("(({column}::jsonb) ->> '{key}')"),
        }
    }

    /// After a text expression: compare it byte by byte (the collation of the hub's keys on
    /// PostgreSQL; SQLite's default).
    pub fn bytewise(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => r#" COLLATE "C""#,
        }
    }

    /// At the end of a SELECT in a write transaction: lock the rows read. SQLite has a single
    /// writer, so there is nothing to lock.
    pub fn for_update(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE",
        }
    }

    /// A table `j` with one text column `value` per element of a list bound as the parameter
    /// `param` (`$1`): on SQLite the list is bound as a JSON array of strings, on PostgreSQL
    /// as a `text[]`.
    pub fn text_list(self, param: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_each({param}) AS j"),
            Dialect::Postgres => format!("unnest({param}::text[]) AS j(value)"),
        }
    }
}

/// `$N` → `?N`, `::type` (and `::type[]`) dropped, outside '...' and "..." (a doubled quote
/// inside them reads as the end of one quoted run and the start of the next: same result).
fn to_sqlite(template: &str) -> String {
    let bytes = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let mut copied = 0; // bytes of `template` before this are in `out` (or dropped)
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                i = match bytes[i + 1..].iter().position(|&b| b == quote) {
                    Some(n) => i + 1 + n + 1,
                    None => bytes.len(),
                };
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.push_str(&template[copied..i]);
                out.push('?');
                i += 1;
                copied = i;
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                out.push_str(&template[copied..i]);
                i += 2;
                while bytes
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    i += 1;
                }
                if template[i..].starts_with("[]") {
                    i += 2;
                }
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&template[copied..]);
    out
}

/// An indexed look-up of live `entity` rows by the top-level `field` (the expression of its
/// index in `tables.rs`, word for word): `$1` the text, `$2` the limit.
fn lookup(d: Dialect, entity: &str, field: &str) -> String {
    format!(
        "SELECT entity_id, fields, versions, deleted, origin_device FROM hub_rows
         WHERE entity = '{entity}' AND {f} = $1 AND deleted IS NULL
         ORDER BY entity_id LIMIT $2",
        f = d.json_text("fields", field),
    )
}

impl Statements {
    /// The indexed statement of a look-up in `tables::INTAKE_LOOKUPS`.
    pub fn lookup(&self, entity: &str, field: &str) -> Option<&str> {
        Some(match (entity, field) {
            ("incoming_request", "idempotency_key") => &self.request_by_key,
            ("incoming_request", "sender_email") => &self.request_by_sender,
            ("ticket", "number") => &self.ticket_by_number,
            ("message", "message_id") => &self.message_by_message_id,
            ("contact", "email") => &self.contact_by_email,
            ("incoming_attachment", "sha256") => &self.attachment_by_hash,
            _ => return None,
        })
    }
}

/// The columns of a device for `DeviceInfo`, in this order.
const DEVICE_COLUMNS: &str = "device_id, device_code, name, role, enrolled_at, last_seen_at, \
     revoked_at, clock_skew_flagged_at";

/// Declares [`Statements`]: one field per statement, rendered by [`Statements::new`]. Each
/// template is a `&str` or a `format!` with the dialect's pieces (named by `$d`).
macro_rules! statements {
    ($d:ident; $($(#[doc = $doc:literal])* $name:ident = $sql:expr;)*) => {
        /// The statements both engines run, rendered for one dialect
        /// ([`Dialect::statements`]).
        pub struct Statements {
            $($(#[doc = $doc])* pub $name: String,)*
        }

        impl Statements {
            fn new($d: Dialect) -> Statements {
                Statements {
                    $($name: $d.render(&$sql),)*
                }
            }

            /// Every statement, named (for tests).
            #[cfg(test)]
            fn all(&self) -> Vec<(&'static str, &str)> {
                vec![$((stringify!($name), self.$name.as_str()),)*]
            }
        }
    };
}

statements! { d;
    // --- hub_meta (opening a hub) ---------------------------------------------------------
    /// `$1` key → value.
    meta_get = "SELECT value FROM hub_meta WHERE key = $1";
    /// `$1` key, `$2` value.
    meta_insert = "INSERT INTO hub_meta (key, value) VALUES ($1, $2)";
    /// `$1` key, `$2` value.
    meta_update = "UPDATE hub_meta SET value = $2 WHERE key = $1";

    // --- a push's transaction (HubTx) ------------------------------------------------------
    /// `$1` the batch's mutation ids ([`Dialect::text_list`]) → mutation id, then the server
    /// sequence (applied) or device, outcome, code (seen without a change).
    seen = format!(
        "SELECT c.mutation_id, c.server_seq, NULL::text, NULL::text, NULL::text
           FROM {ids} JOIN hub_changes AS c ON c.mutation_id = j.value
         UNION ALL
         SELECT o.mutation_id, NULL::bigint, o.device_id, o.outcome, o.code
           FROM {ids} JOIN hub_outcomes AS o ON o.mutation_id = j.value",
        ids = d.text_list("$1"),
    );
    /// `$1` technician id, started strictly between `$2` and `$3`: live time entries, through
    /// the index `hub_rows_timer_by_technician`.
    time_entries_started = format!(
        "SELECT entity_id, fields, versions, deleted, origin_device FROM hub_rows
         WHERE entity = 'time_entry' AND {technician} = $1
           AND {started} > $2
           AND {started} < $3 AND deleted IS NULL
         LIMIT 100",
        technician = d.json_text("fields", "technician_id"),
        started = d.json_text("fields", "started_at"),
    );
    load_row = "SELECT fields, versions, deleted, origin_device FROM hub_rows
        WHERE entity = $1 AND entity_id = $2";
    save_row = "INSERT INTO hub_rows (entity, entity_id, fields, versions, deleted, origin_device)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (entity, entity_id) DO UPDATE SET fields = excluded.fields,
            versions = excluded.versions, deleted = excluded.deleted,
            origin_device = excluded.origin_device";
    next_seq = "SELECT COALESCE(MAX(server_seq), 0) + 1 FROM hub_changes";
    append_change = "INSERT INTO hub_changes (server_seq, mutation_id, entity, entity_id, op,
            fields, hlc, device_id, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    save_outcome = "INSERT INTO hub_outcomes (mutation_id, device_id, outcome, code)
        VALUES ($1, $2, $3, $4)";
    log_refusal = "INSERT INTO hub_refusals (at, device_id, mutation_id, code, detail)
        VALUES ($1, $2, $3, $4, $5)";
    /// `$1` scope (`extra-time:<ticket id>`), `$2` since → wrong PINs logged.
    wrong_pins_since = format!(
        "SELECT COUNT(*) FROM hub_refusals
         WHERE mutation_id = $1 AND code = 'WRONG_PIN' AND at > $2{c}",
        c = d.bytewise(),
    );
    /// `$1` device id, `$2` now.
    flag_clock_skew = "UPDATE hub_devices SET clock_skew_flagged_at = $2 WHERE device_id = $1";

    // --- pulls and snapshots (HubRead) -----------------------------------------------------
    changes_after = "SELECT server_seq, mutation_id, entity, entity_id, op, fields, hlc,
            device_id, recorded_at
        FROM hub_changes WHERE server_seq > $1 ORDER BY server_seq LIMIT $2";
    max_seq = "SELECT COALESCE(MAX(server_seq), 0) FROM hub_changes";
    rows_page = "SELECT entity_id, fields, versions, origin_device FROM hub_rows
        WHERE entity = $1 AND entity_id > $2 AND deleted IS NULL
        ORDER BY entity_id LIMIT $3";
    /// The hub's customer messages still to send (queued or deferred), at most `$1`: the mail
    /// round reads these, not every message, through the partial index
    /// `hub_rows_messages_to_send` (`tables.rs`), whose WHERE is this one's.
    messages_to_send = format!(
        "SELECT entity_id, fields, versions, origin_device FROM hub_rows
         WHERE entity = 'message' AND deleted IS NULL AND {sender} = 'hub'
           AND {status} IN ('queued', 'deferred')
         ORDER BY entity_id LIMIT $1",
        sender = d.json_text("fields", "sender"),
        status = d.json_text("fields", "status"),
    );
    /// The intake's indexed look-ups (`tables::INTAKE_LOOKUPS`): `$1` the field's text, at most
    /// `$2` live rows, by id.
    request_by_key = lookup(d, "incoming_request", "idempotency_key");
    request_by_sender = lookup(d, "incoming_request", "sender_email");
    ticket_by_number = lookup(d, "ticket", "number");
    message_by_message_id = lookup(d, "message", "message_id");
    contact_by_email = lookup(d, "contact", "email");
    attachment_by_hash = lookup(d, "incoming_attachment", "sha256");
    /// `$1` SHA-256, `$2` size, `$3` content (base64): kept once.
    keep_attachment = "INSERT INTO hub_attachment_content (sha256, size, content)
        VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING";
    /// `$1` SHA-256 → the content (base64), only while a live listing of this hub names it
    /// kept (index `hub_rows_attachment_by_hash`).
    attachment_content = format!(
        "SELECT c.content FROM hub_attachment_content AS c
         WHERE c.sha256 = $1 AND EXISTS (SELECT 1 FROM hub_rows AS r
             WHERE r.entity = 'incoming_attachment' AND {hash} = $1 AND r.deleted IS NULL)",
        hash = d.json_text("r.fields", "sha256"),
    );
    /// Any other look-up: live rows of entity `$1` whose top-level field `$2` is the text `$3`,
    /// by id, at most `$4`. No index: a scan of that entity's rows.
    rows_where = format!(
        "SELECT entity_id, fields, versions, deleted, origin_device FROM hub_rows
         WHERE entity = $1 AND deleted IS NULL AND {field} = $3
         ORDER BY entity_id LIMIT $4",
        field = d.json_text_param("fields", "$2"),
    );
    /// The attachments of message `$1` (index `hub_rows_attachments_by_message`).
    attachments_of = format!(
        "SELECT entity_id, fields, versions, origin_device FROM hub_rows
         WHERE entity = 'message_attachment' AND deleted IS NULL AND {message} = $1
         ORDER BY entity_id",
        message = d.json_text("fields", "message_id"),
    );

    // --- the registry ----------------------------------------------------------------------
    insert_code = "INSERT INTO hub_enrolment_codes (code_hash, role, created_at, expires_at)
        VALUES ($1, $2, $3, $4)";
    /// `$1` code hash, locked for the enrolment.
    enrolment_code = format!(
        "SELECT role, expires_at, used_at, used_by FROM hub_enrolment_codes
         WHERE code_hash = $1{lock}",
        lock = d.for_update(),
    );
    /// `$1` device id, locked for the enrolment → revoked, enrolled at, seen since enrolled.
    enrolled_device = format!(
        "SELECT revoked_at IS NOT NULL, enrolled_at,
             coalesce(last_seen_at >= enrolled_at{c}, false)
         FROM hub_devices WHERE device_id = $1{lock}",
        c = d.bytewise(),
        lock = d.for_update(),
    );
    /// `$1` device code held by a device other than `$2`.
    device_code_taken = "SELECT EXISTS (SELECT 1 FROM hub_devices
        WHERE device_code = $1 AND device_id <> $2)";
    technician_rows = "SELECT entity_id, fields FROM hub_rows
        WHERE entity = 'technician' AND deleted IS NULL";
    /// The technicians claimed by enrolled, not revoked devices other than `$1`.
    technician_claims = "SELECT c.technician_id, c.technician_code, d.device_code
        FROM hub_technician_claims AS c
        JOIN hub_devices AS d ON d.device_id = c.device_id
        WHERE d.revoked_at IS NULL AND c.device_id <> $1";
    /// `$1` code hash, `$2` at, `$3` device id.
    use_code = "UPDATE hub_enrolment_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1";
    save_claim = "INSERT INTO hub_technician_claims (device_id, technician_id, technician_code)
        VALUES ($1, $2, $3)
        ON CONFLICT (device_id) DO UPDATE SET technician_id = excluded.technician_id,
            technician_code = excluded.technician_code";
    drop_claim = "DELETE FROM hub_technician_claims WHERE device_id = $1";
    save_device = "INSERT INTO hub_devices (device_id, device_code, name, role, token_hash,
            enrolled_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (device_id) DO UPDATE SET device_code = excluded.device_code,
            name = excluded.name, role = excluded.role, token_hash = excluded.token_hash,
            enrolled_at = excluded.enrolled_at, revoked_at = NULL";
    /// `$1` device id → device code, role, token hash, revoked, seen since enrolled.
    device_auth = format!(
        "SELECT device_code, role, token_hash, revoked_at IS NOT NULL,
             coalesce(last_seen_at >= enrolled_at{c}, false)
         FROM hub_devices WHERE device_id = $1",
        c = d.bytewise(),
    );
    /// `$1` device id, `$2` now.
    touch = "UPDATE hub_devices SET last_seen_at = $2 WHERE device_id = $1";
    /// Every device ([`DEVICE_COLUMNS`]), by enrolment.
    devices = format!("SELECT {DEVICE_COLUMNS} FROM hub_devices ORDER BY enrolled_at, device_id");
    /// `$1` device id ([`DEVICE_COLUMNS`]).
    device = format!("SELECT {DEVICE_COLUMNS} FROM hub_devices WHERE device_id = $1");
    /// `$1` device id, `$2` now; a revoked device keeps its first revocation.
    revoke = "UPDATE hub_devices SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL";
    /// The newest `$1` refusals.
    refusals = "SELECT at, device_id, mutation_id, code, detail FROM hub_refusals
        ORDER BY id DESC LIMIT $1";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::tables::{POSTGRES_SCHEMA, SQLITE_SCHEMA};

    #[test]
    fn placeholders_become_numbered_for_sqlite() {
        let t = "UPDATE t SET a = $2 WHERE b = $1 AND c = $10";
        assert_eq!(
            Dialect::Sqlite.render(t),
            "UPDATE t SET a = ?2 WHERE b = ?1 AND c = ?10"
        );
        assert_eq!(Dialect::Postgres.render(t), t);
    }

    #[test]
    fn casts_are_dropped_for_sqlite() {
        let t = "SELECT NULL::text, NULL::bigint, x FROM unnest($1::text[]) AS j(x)";
        assert_eq!(
            Dialect::Sqlite.render(t),
            "SELECT NULL, NULL, x FROM unnest(?1) AS j(x)"
        );
        assert_eq!(Dialect::Postgres.render(t), t);
    }

    #[test]
    fn quoted_text_is_left_alone() {
        let t = r#"SELECT json_extract(f, '$.started_at'), '$1', 'a::b', "C::x", 'it''s $2' = $3"#;
        assert_eq!(
            Dialect::Sqlite.render(t),
            r#"SELECT json_extract(f, '$.started_at'), '$1', 'a::b', "C::x", 'it''s $2' = ?3"#
        );
        // A lone `$` or `:` is not a placeholder or a cast; an unterminated quote runs to the end.
        assert_eq!(Dialect::Sqlite.render("a $ b : c 'x $1"), "a $ b : c 'x $1");
        // Text beyond ASCII is copied as is.
        assert_eq!(
            Dialect::Sqlite.render("'perché' = $1 -- è"),
            "'perché' = ?1 -- è"
        );
    }

    #[test]
    fn json_fields_read_like_the_timer_index() {
        for (d, schema) in [
            (Dialect::Sqlite, SQLITE_SCHEMA),
            (Dialect::Postgres, POSTGRES_SCHEMA),
        ] {
            let index = schema
                .iter()
                .find(|s| s.contains("hub_rows_timer_by_technician"))
                .expect("the timer index");
            let sql = &d.statements().time_entries_started;
            for key in ["technician_id", "started_at"] {
                let expr = d.json_text("fields", key);
                assert!(index.contains(&expr), "{d:?}: {expr} not in {index}");
                assert!(sql.contains(&expr), "{d:?}: {expr} not in {sql}");
            }
        }
        assert!(Dialect::Sqlite
            .statements()
            .time_entries_started
            .contains("json_extract(fields, '$.technician_id') = ?1"));
    }

    #[test]
    fn every_intake_lookup_has_its_statement_and_index() {
        use crate::storage::tables::INTAKE_LOOKUPS;
        for (d, schema) in [
            (Dialect::Sqlite, SQLITE_SCHEMA),
            (Dialect::Postgres, POSTGRES_SCHEMA),
        ] {
            for (entity, field, index) in INTAKE_LOOKUPS {
                let sql = d.statements().lookup(entity, field).expect("a statement");
                let ddl = schema
                    .iter()
                    .find(|s| s.contains(&format!(" {index} ")))
                    .unwrap_or_else(|| panic!("{d:?}: no index {index}"));
                let expr = d.json_text("fields", field);
                assert!(ddl.contains(&expr) && sql.contains(&expr), "{d:?}: {expr}");
                assert!(ddl.contains(&format!("WHERE entity = '{entity}'")), "{ddl}");
            }
        }
    }

    #[test]
    fn rendered_statements_hold_no_postgres_syntax_for_sqlite() {
        let sqlite = Dialect::Sqlite.statements();
        let pg = Dialect::Postgres.statements();
        assert_eq!(sqlite.all().len(), pg.all().len());
        for ((name, s), (_, p)) in sqlite.all().into_iter().zip(pg.all()) {
            let unquoted: String = s.split('\'').step_by(2).collect();
            assert!(!unquoted.contains('$'), "{name}: {s}");
            assert!(!unquoted.contains("::"), "{name}: {s}");
            assert!(
                !s.contains("COLLATE") && !s.contains("FOR UPDATE"),
                "{name}: {s}"
            );
            // Placeholders keep their numbers.
            let count = |t: &str, mark: char| t.matches(mark).count();
            assert_eq!(
                count(&unquoted, '?'),
                count(&p.split('\'').step_by(2).collect::<String>(), '$'),
                "{name}"
            );
        }
        assert!(pg.seen.contains("NULL::text") && sqlite.seen.contains("NULL, NULL"));
        assert!(pg
            .device_auth
            .contains(r#"enrolled_at COLLATE "C", false)"#));
        assert!(pg.enrolment_code.ends_with("FOR UPDATE"));
    }

    /// Every statement is valid SQLite on a hub's tables.
    #[test]
    fn every_sqlite_statement_prepares() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for sql in SQLITE_SCHEMA {
            conn.execute(sql, []).unwrap();
        }
        for (name, sql) in Dialect::Sqlite.statements().all() {
            conn.prepare(sql)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{sql}"));
        }
    }
}
