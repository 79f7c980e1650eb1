-- Issue 20, item 1: CSV import. A client's id in the tool it came from (for tools without a
-- Partita IVA to match on): re-importing the same file updates the client instead of adding it
-- again. Unique when set.
ALTER TABLE clients ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX clients_external_id ON clients (external_id) WHERE external_id IS NOT NULL;
