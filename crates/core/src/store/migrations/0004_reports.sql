-- Rapporti d'intervento. A report is numbered when created (a draft whose content is read live from
-- its intervention) and frozen when signed: the canonical JSON snapshot of what was printed and
-- signed, with the signatures' strokes, and its SHA-256. A signed row never changes and is never
-- deleted (the triggers below refuse it even to raw SQL); an amendment is a new report that names
-- the one it supersedes, and a report is superseded at most once.
CREATE TABLE reports (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    intervention_id TEXT NOT NULL REFERENCES interventions (id),
    client_id       TEXT NOT NULL REFERENCES clients (id),
    supersedes_id   TEXT REFERENCES reports (id),
    -- local date of the work (YYYY-MM-DD), for lists and searches
    work_date       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    signer_name     TEXT,
    signed_at       TEXT,
    snapshot        TEXT,
    snapshot_sha256 TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'signed') = (snapshot IS NOT NULL AND snapshot_sha256 IS NOT NULL
                                  AND signed_at IS NOT NULL AND signer_name IS NOT NULL))
) STRICT;
CREATE INDEX reports_intervention ON reports (intervention_id);
CREATE INDEX reports_client ON reports (client_id, work_date);
CREATE INDEX reports_work_date ON reports (work_date);
CREATE UNIQUE INDEX reports_one_amendment ON reports (supersedes_id) WHERE supersedes_id IS NOT NULL;

CREATE TRIGGER reports_signed_no_update BEFORE UPDATE ON reports WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'REPORT_SIGNED');
END;
CREATE TRIGGER reports_signed_no_delete BEFORE DELETE ON reports WHEN old.status = 'signed' BEGIN
    SELECT RAISE(ABORT, 'REPORT_SIGNED');
END;
