-- Issue 20, item 1: contracts and their opening balances from CSV.
-- A contract's id in the tool it came from: re-importing the same file updates the contract
-- instead of adding it again. Unique when set (like clients' external_id, 0020).
ALTER TABLE contracts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contracts_external_id ON contracts (external_id) WHERE external_id IS NOT NULL;
-- The opening balance: minutes (and, for an incident pack, tickets) already used before the
-- contract was brought in. The ledger counts them as used on the contract's first day, in its
-- first accounting period. A contract's row change already drops the client's checkpoints (0003).
ALTER TABLE contracts ADD COLUMN opening_used_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (opening_used_minutes >= 0);
ALTER TABLE contracts ADD COLUMN opening_used_tickets INTEGER NOT NULL DEFAULT 0
    CHECK (opening_used_tickets >= 0);
