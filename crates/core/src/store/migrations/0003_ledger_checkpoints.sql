-- Rapportino schema, version 3: ledger checkpoints (a local, derived cache).

-- LOCAL: the ledger's state at the start of a day (the first of a month), per client — minutes
-- used per contract period and incident tickets used per pack, from every fact dated before it.
-- A cache of what a replay would compute, so a replay starts at the last month instead of at the
-- beginning of a chain of overlapping packages. The triggers below delete every checkpoint a
-- changed fact could affect (any write path, sync included); the next replay rebuilds them.
-- Never synced. Dates compare as text; `date(x, '-1 day')` covers the UTC/local date shift.
CREATE TABLE ledger_checkpoints (
    client_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    state     TEXT NOT NULL,
    PRIMARY KEY (client_id, day)
) STRICT;

CREATE TRIGGER ledger_cp_time_entry_ai AFTER INSERT ON time_entries BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id = (SELECT client_id FROM interventions WHERE id = new.intervention_id)
      AND day > date(min(new.started_at, (SELECT COALESCE(started_at, created_at) FROM interventions WHERE id = new.intervention_id)), '-1 day');
END;
CREATE TRIGGER ledger_cp_time_entry_au AFTER UPDATE ON time_entries BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id = (SELECT client_id FROM interventions WHERE id = new.intervention_id)
      AND day > date(min(old.started_at, new.started_at, (SELECT COALESCE(started_at, created_at) FROM interventions WHERE id = new.intervention_id)), '-1 day');
END;
CREATE TRIGGER ledger_cp_time_entry_ad AFTER DELETE ON time_entries BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id = (SELECT client_id FROM interventions WHERE id = old.intervention_id)
      AND day > date(min(old.started_at, (SELECT COALESCE(started_at, created_at) FROM interventions WHERE id = old.intervention_id)), '-1 day');
END;
CREATE TRIGGER ledger_cp_intervention_ai AFTER INSERT ON interventions BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id = new.client_id AND day > date(COALESCE(new.started_at, new.created_at), '-1 day');
END;
CREATE TRIGGER ledger_cp_intervention_au AFTER UPDATE ON interventions BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(COALESCE(old.started_at, old.created_at), COALESCE(new.started_at, new.created_at)), '-1 day');
END;
CREATE TRIGGER ledger_cp_intervention_ad AFTER DELETE ON interventions BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id = old.client_id AND day > date(COALESCE(old.started_at, old.created_at), '-1 day');
END;
-- A ticket's terms and closing affect its closure (incident packs) and all its interventions.
CREATE TRIGGER ledger_cp_ticket_au AFTER UPDATE OF status, closed_at, is_bug, contract_id, extra_time, site_id, reported_at, client_id ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
CREATE TRIGGER ledger_cp_contract_ai AFTER INSERT ON contracts BEGIN
    DELETE FROM ledger_checkpoints WHERE client_id = new.client_id AND day > date(new.starts_on, '-1 day');
END;
CREATE TRIGGER ledger_cp_contract_au AFTER UPDATE ON contracts BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id) AND day > date(min(old.starts_on, new.starts_on), '-1 day');
END;
CREATE TRIGGER ledger_cp_contract_ad AFTER DELETE ON contracts BEGIN
    DELETE FROM ledger_checkpoints WHERE client_id = old.client_id AND day > date(old.starts_on, '-1 day');
END;
CREATE TRIGGER ledger_cp_client_au AFTER UPDATE OF customer_class, patron_day ON clients BEGIN
    DELETE FROM ledger_checkpoints WHERE client_id = new.id;
END;
CREATE TRIGGER ledger_cp_site_au AFTER UPDATE OF patron_day ON sites BEGIN
    DELETE FROM ledger_checkpoints WHERE client_id = new.client_id;
END;
CREATE TRIGGER ledger_cp_calendar_au AFTER UPDATE ON calendars BEGIN
    DELETE FROM ledger_checkpoints;
END;
CREATE TRIGGER ledger_cp_settings_ai AFTER INSERT ON settings WHEN new.key = 'billing_defaults' BEGIN
    DELETE FROM ledger_checkpoints;
END;
CREATE TRIGGER ledger_cp_settings_au AFTER UPDATE ON settings WHEN new.key = 'billing_defaults' BEGIN
    DELETE FROM ledger_checkpoints;
END;
