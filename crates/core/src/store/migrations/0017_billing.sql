-- Issue 17, items 2, 3 and 9: priority on demand billed, free hours bound to channels, the
-- month's billable lines. Everything of this change is in this one file.

-- Priority on demand (a non-urgent ticket the customer asked to handle first): the contract's
-- surcharge, a fixed fee in cents once per ticket and/or a percentage of the ticket's labour
-- valued at the rate. None: the flag is not billed under this contract.
ALTER TABLE contracts ADD COLUMN priority_fee_cents INTEGER CHECK (priority_fee_cents >= 0);
ALTER TABLE contracts ADD COLUMN priority_surcharge_pct INTEGER
    CHECK (priority_surcharge_pct BETWEEN 0 AND 1000);
-- Free hours bound to channels: the origins (the model's vocabulary) whose tickets may draw on
-- a free-hours contract; empty: any channel. A ticket from another channel goes to the next rule.
ALTER TABLE contracts ADD COLUMN free_hours_channels TEXT NOT NULL DEFAULT '[]';

ALTER TABLE contract_templates ADD COLUMN priority_fee_cents INTEGER CHECK (priority_fee_cents >= 0);
ALTER TABLE contract_templates ADD COLUMN priority_surcharge_pct INTEGER
    CHECK (priority_surcharge_pct BETWEEN 0 AND 1000);
ALTER TABLE contract_templates ADD COLUMN free_hours_channels TEXT NOT NULL DEFAULT '[]';

-- A ticket's origin now decides whether its work may draw on channel-bound free hours: changing
-- it drops the checkpoints from its first work on, like the other ticket terms (0003).
CREATE TRIGGER ledger_cp_ticket_origin_au AFTER UPDATE OF origin ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
