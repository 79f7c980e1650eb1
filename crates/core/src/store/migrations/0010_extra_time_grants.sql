-- Extra-time PINs checked by the hub for technician devices (issue 13): a technician's device
-- no longer receives a contract's PIN hash; it asks the hub (`POST /v1/extra-time`) and writes
-- the hub's grant with the ticket's extra time. The hub refuses a technician's extra time
-- without a grant it made for that ticket.
ALTER TABLE tickets ADD COLUMN extra_time_grant TEXT;

-- A technician's device drops the PIN hashes an earlier version received (not logged: the hub
-- keeps them, and a technician never writes contracts).
UPDATE contracts SET extra_time_pin_hash = NULL
WHERE extra_time_pin_hash IS NOT NULL
  AND EXISTS (SELECT 1 FROM local_state WHERE key = 'sync.role' AND value = 'technician');
