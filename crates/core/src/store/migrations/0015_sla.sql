-- Issue 17, items 6 and 7: a resolution target per severity (business minutes from the ticket
-- opened to resolved, beside the response and intervention targets) and a coverage calendar per
-- severity (a blocking ticket on 7x8 while the rest stays on the contract's 5x8). Both optional:
-- NULL means no resolution target, and the contract's own calendar. Contracts and their templates
-- share these columns like the others of the terms.
ALTER TABLE contracts ADD COLUMN resolution_blocking_minutes INTEGER;
ALTER TABLE contracts ADD COLUMN resolution_degraded_minutes INTEGER;
ALTER TABLE contracts ADD COLUMN resolution_request_minutes INTEGER;
ALTER TABLE contracts ADD COLUMN calendar_blocking_id TEXT REFERENCES calendars (id);
ALTER TABLE contracts ADD COLUMN calendar_degraded_id TEXT REFERENCES calendars (id);
ALTER TABLE contracts ADD COLUMN calendar_request_id TEXT REFERENCES calendars (id);

ALTER TABLE contract_templates ADD COLUMN resolution_blocking_minutes INTEGER;
ALTER TABLE contract_templates ADD COLUMN resolution_degraded_minutes INTEGER;
ALTER TABLE contract_templates ADD COLUMN resolution_request_minutes INTEGER;
ALTER TABLE contract_templates ADD COLUMN calendar_blocking_id TEXT REFERENCES calendars (id);
ALTER TABLE contract_templates ADD COLUMN calendar_degraded_id TEXT REFERENCES calendars (id);
ALTER TABLE contract_templates ADD COLUMN calendar_request_id TEXT REFERENCES calendars (id);
