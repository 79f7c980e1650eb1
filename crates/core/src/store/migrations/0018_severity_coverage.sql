-- Issue 17 leftover: extra time is the work outside the coverage of the ticket's severity (the
-- contract's calendar for that severity, else its own), as the SLA clocks have it. A ticket's
-- severity now changes its work's extra time: changing it drops the checkpoints from its first
-- work on, like the other ticket terms (0003).
CREATE TRIGGER ledger_cp_ticket_severity_au AFTER UPDATE OF severity ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
-- Checkpoints written under the contract's calendar may count covered work as extra time: they
-- are derived data, dropped here and written again by the next replay.
DELETE FROM ledger_checkpoints;
