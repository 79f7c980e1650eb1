-- Offline sync (issue 6).

-- The hub sequence the device had pulled up to when it made each change: the hub uses it to tell
-- a concurrent edit (a value the device had not seen) from a plain sequential one.
ALTER TABLE change_log ADD COLUMN base_seq INTEGER NOT NULL DEFAULT 0;
-- Pulled changes look up the outbox by row, to keep a newer local edit that is still unsent.
CREATE INDEX change_log_row ON change_log (entity, entity_id);

-- Values kept aside by the merge rules, created by the hub and synced to every device for
-- review. Values are JSON text.
CREATE TABLE sync_conflicts (
    id               TEXT PRIMARY KEY,
    entity           TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    field            TEXT NOT NULL,
    reason           TEXT NOT NULL CHECK (reason IN ('concurrent_edit', 'illegal_transition',
                         'report_signed', 'not_owner', 'append_only', 'row_deleted')),
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
CREATE INDEX sync_conflicts_open ON sync_conflicts (resolved_at, created_at);
CREATE INDEX sync_conflicts_row ON sync_conflicts (entity, entity_id);
