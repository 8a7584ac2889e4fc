-- The officers' queue at a million cases (bench/cases.mjs). Every page reads one of these indexes
-- in `status_changed_at DESC, id DESC` order and stops after a page; what follows makes sure it
-- does, and that the filters are checked in the index instead of on each case's row.
--
-- 1. An officer sees the cases they hold and the ones nobody holds:
--    `(assigned_officer_id = $me OR assigned_officer_id IS NULL)`. With every case in the
--    holder index, SQLite (which keeps no statistics unless ANALYZE runs) answered that OR with
--    two lookups there and a sort of every unassigned case: one to four seconds a page. Cases
--    are looked up by holder only when someone holds them, so that index now holds only those,
--    and the OR walks the queue's order.
-- 2. The queue's order and the status order also carry the form, the centre and the holder, so
--    a filter on them (a form at a centre: one case in 72) skips non-matching cases in the index
--    instead of reading each one's row: the query took 4-6 ms a page before, 0.5 ms after (the
--    whole page, rendered: p50 9 ms before, 2.5 ms after).
DROP INDEX cases_assigned_officer_idx;
CREATE INDEX cases_assigned_officer_idx
    ON cases (assigned_officer_id, status_changed_at, id, status, form_type, centre)
    WHERE assigned_officer_id IS NOT NULL;
DROP INDEX cases_queue_idx;
CREATE INDEX cases_queue_idx
    ON cases (status_changed_at, id, form_type, centre, assigned_officer_id);
DROP INDEX cases_status_idx;
CREATE INDEX cases_status_idx
    ON cases (status, status_changed_at, id, form_type, centre, assigned_officer_id);
