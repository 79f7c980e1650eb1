-- Sync robustness (issue 13): a device never halts on, nor is broken by, a row from the hub.
-- Statements here are idempotent (IF NOT EXISTS...): a test re-runs this migration.

-- Counters pushed past any sane number by a pulled ticket or report that carried this device's
-- code and a sequence near i64::MAX (before pulled numbers were checked): back to just past the
-- highest sane number of this device's actually stored.
UPDATE number_sequences
SET next = 1 + coalesce((
    SELECT max(CAST(substr(n.number, length(p.prefix) + 1) AS INTEGER))
    FROM (SELECT number FROM tickets WHERE number_sequences.scope = 'T'
          UNION ALL
          SELECT number FROM reports WHERE number_sequences.scope = 'RI') AS n,
         (SELECT number_sequences.scope || '-' || number_sequences.year || '-' || value || '-' AS prefix
          FROM local_state WHERE key = 'device_code') AS p
    WHERE substr(n.number, 1, length(p.prefix)) = p.prefix
      AND length(n.number) - length(p.prefix) BETWEEN 1 AND 6
      AND substr(n.number, length(p.prefix) + 1) NOT GLOB '*[^0-9]*'
), 0)
WHERE next > 1000000;

-- Rows pulled from the hub (changes, snapshot rows, corrections) that this device could not
-- store: a constraint, a type, a unique index. Local, never synced. One entry per row: later
-- changes to a row that is not here merge into its entry (fields JSON, later values win). Every
-- pulled page and snapshot tries the entries again, in server_seq order; one that stores leaves.
CREATE TABLE IF NOT EXISTS sync_quarantine (
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    fields         TEXT NOT NULL,
    -- The hub sequence of the first change kept here (a snapshot row: the snapshot's cursor),
    -- and of the latest merged in.
    server_seq     INTEGER NOT NULL,
    last_seq       INTEGER NOT NULL,
    -- The latest change merged in: its mutation, clock and device.
    mutation_id    TEXT NOT NULL,
    hlc            INTEGER NOT NULL,
    device_id      TEXT NOT NULL,
    -- Why it could not be stored, at the last attempt.
    error          TEXT NOT NULL,
    quarantined_at TEXT NOT NULL,
    last_tried_at  TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (entity, entity_id)
) STRICT;
CREATE INDEX IF NOT EXISTS sync_quarantine_order ON sync_quarantine (server_seq);

-- One running timer per technician *per device*: one technician's timer running on two laptops
-- (offline, or before either synced) is two segments, both kept; the hub flags the overlap for
-- review. Each device still runs one timer of its own at a time.
DROP INDEX IF EXISTS time_entries_one_running;
CREATE UNIQUE INDEX IF NOT EXISTS time_entries_one_running_per_device
    ON time_entries (technician_id, device_id) WHERE kind = 'timer' AND ended_at IS NULL;

-- A new reason the hub may give a conflict: one technician's timer running on two devices at
-- once (timer_overlap). SQLite changes a CHECK only by rebuilding the table.
CREATE TABLE IF NOT EXISTS sync_conflicts_0009 (
    id               TEXT PRIMARY KEY,
    entity           TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    field            TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (reason IN ('concurrent_edit', 'illegal_transition',
                         'report_signed', 'not_owner', 'append_only', 'row_deleted',
                         'timer_overlap')),
    winner_value     TEXT NOT NULL,
    winner_device_id TEXT,
    lost_value       TEXT NOT NULL,
    lost_device_id   TEXT NOT NULL,
    lost_mutation_id TEXT NOT NULL,
    lost_at          TEXT NOT NULL,
    resolved_at      TEXT,
    resolution       TEXT CHECK (resolution IN ('keep_current', 'restore_lost')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
INSERT INTO sync_conflicts_0009 (id, entity, entity_id, field, reason, winner_value,
    winner_device_id, lost_value, lost_device_id, lost_mutation_id, lost_at, resolved_at,
    resolution, created_at, updated_at)
SELECT id, entity, entity_id, field, reason, winner_value, winner_device_id, lost_value,
    lost_device_id, lost_mutation_id, lost_at, resolved_at, resolution, created_at, updated_at
FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_0009 RENAME TO sync_conflicts;
CREATE INDEX IF NOT EXISTS sync_conflicts_open ON sync_conflicts (resolved_at, created_at);
CREATE INDEX IF NOT EXISTS sync_conflicts_row ON sync_conflicts (entity, entity_id);
