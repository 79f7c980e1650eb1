-- The dashboard and the tray read the technician's time entries by time: the last paused timer
-- (by end) and today's work (by start); contracts by expiry for "expiring soon".
CREATE INDEX time_entries_technician_ended ON time_entries (technician_id, ended_at);
CREATE INDEX time_entries_technician_started ON time_entries (technician_id, started_at);
CREATE INDEX contracts_ends ON contracts (ends_on);
-- A technician's unfinished interventions (the paused timer the tray resumes).
CREATE INDEX interventions_unfinished ON interventions (technician_id) WHERE finished_at IS NULL;
