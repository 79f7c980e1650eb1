-- Sync robustness (issue 13): a device never halts on, nor is broken by, a row from the hub.
-- Statements here are idempotent (IF NOT EXISTS...): a test re-runs this migration.

-- Counters pushed past any sane number by a pulled ticket or report that carried this device's
-- code and a sequence near i64::MAX (before pulled numbers were checked): back to just past the
-- highest sane number of this device's actually stored.
UPDATE number_sequences
SET next = 1 + coalesce((
    SELECT max(CAST(substr(n.number, length(p.prefix) + 1) AS INTEGER))
    FROM (SELECT number FROM tickets WHERE number_sequences.scope = 'T'
          UNION ALL
          SELECT number FROM reports WHERE number_sequences.scope = 'RI') AS n,
         (SELECT number_sequences.scope || '-' || number_sequences.year || '-' || value || '-' AS prefix
          FROM local_state WHERE key = 'device_code') AS p
    WHERE substr(n.number, 1, length(p.prefix)) = p.prefix
      AND length(n.number) - length(p.prefix) BETWEEN 1 AND 6
      AND substr(n.number, length(p.prefix) + 1) NOT GLOB '*[^0-9]*'
), 0)
WHERE next > 1000000;
