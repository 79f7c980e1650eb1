-- Issue 17, items 1 and 8: the article catalogue (listino) with VAT, a VAT rate per material line,
-- and quotes (preventivi). Everything of this change is in this one file.

-- The catalogue: a code unique among the articles, the unit ('pz', 'm', 'h'), the unit price
-- before VAT in cents and the VAT rate in percent. Archived, never deleted (material lines and
-- quotes name the articles they were picked from).
CREATE TABLE articles (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    description      TEXT NOT NULL,
    unit             TEXT NOT NULL,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    vat_rate         INTEGER NOT NULL CHECK (vat_rate BETWEEN 0 AND 100),
    archived         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- A material line keeps the article it came from (none: free text) and its own VAT rate (the
-- article's, else the shop's default when it was added). Lines written before this version
-- read as 22%, the ordinary Italian rate.
ALTER TABLE materials ADD COLUMN article_id TEXT REFERENCES articles (id);
ALTER TABLE materials ADD COLUMN vat_rate INTEGER NOT NULL DEFAULT 22;

-- Quotes: numbered offline like tickets and reports (P-{year}-{device}-{seq}), lines as a JSON
-- array (kind, description, quantity, unit price, VAT rate, article), valid to a local date.
-- Accepted = signed by the customer: the canonical snapshot (content and vector signature) and
-- its SHA-256 are frozen like a signed report's. 'expired' is not stored: a sent quote past
-- its validity date reads as expired.
CREATE TABLE quotes (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    client_id       TEXT NOT NULL REFERENCES clients (id),
    ticket_id       TEXT REFERENCES tickets (id),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'refused')),
    valid_until     TEXT NOT NULL,
    notes           TEXT,
    lines           TEXT NOT NULL DEFAULT '[]',
    sent_at         TEXT,
    accepted_at     TEXT,
    refused_at      TEXT,
    refusal_reason  TEXT,
    signer_name     TEXT,
    snapshot        TEXT,
    snapshot_sha256 TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'accepted') = (snapshot IS NOT NULL AND snapshot_sha256 IS NOT NULL
                                    AND accepted_at IS NOT NULL AND signer_name IS NOT NULL)),
    CHECK ((status = 'refused') = (refused_at IS NOT NULL))
) STRICT;
CREATE INDEX quotes_client ON quotes (client_id, created_at);
CREATE INDEX quotes_ticket ON quotes (ticket_id) WHERE ticket_id IS NOT NULL;

-- Accepted and refused are final: no UPDATE or DELETE, whoever tries (sync included).
CREATE TRIGGER quotes_final_no_update BEFORE UPDATE ON quotes
WHEN old.status IN ('accepted', 'refused') BEGIN
    SELECT RAISE(ABORT, 'QUOTE_FINAL');
END;
CREATE TRIGGER quotes_final_no_delete BEFORE DELETE ON quotes
WHEN old.status IN ('accepted', 'refused') BEGIN
    SELECT RAISE(ABORT, 'QUOTE_FINAL');
END;

-- A quote's message names its quote (the device renders and attaches its PDF).
ALTER TABLE messages ADD COLUMN quote_id TEXT REFERENCES quotes (id);

-- An out-of-scope ticket's work is never drawn from packages, included hours or incident packs
-- (it is charged per its quote, or at the rate): the flag changes what the ledger's checkpoints
-- hold, so flipping it drops them like the other ticket terms do (0003).
CREATE TRIGGER ledger_cp_ticket_scope_au AFTER UPDATE OF out_of_scope ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
