-- Ticket lists on a large database (issue 5, docs/BENCHMARKS.md): the list is ordered by
-- (opened_at, id); an index in that order lets a page be read straight from it, with no sort of
-- every matching ticket, and an offset skip index entries only. The open tickets (a few thousand
-- among hundreds of thousands) get their own partial index: its WHERE is the list's, word for word.
DROP INDEX tickets_opened;
CREATE INDEX tickets_opened ON tickets (opened_at, id);
CREATE INDEX tickets_open_opened ON tickets (opened_at, id)
    WHERE status IN ('new', 'taken', 'in_progress', 'waiting_client');
-- Opening an intervention looks for the one escalated from it (a full scan of the interventions
-- without this: 0.5 s on the 1M demo); the newest-first list of every intervention (the CLI's)
-- reads its page from (created_at, id) instead of sorting a million rows.
CREATE INDEX interventions_escalated_from ON interventions (escalated_from_id)
    WHERE escalated_from_id IS NOT NULL;
CREATE INDEX interventions_created ON interventions (created_at, id);
