-- The officers' queue shows an officer the cases they hold and the ones nobody holds:
-- `(assigned_officer_id = $me OR assigned_officer_id IS NULL)`. With every case in this index,
-- SQLite (which keeps no statistics unless ANALYZE runs) answered that OR with two lookups here
-- and then sorted every unassigned case: one to four seconds a page at a million cases. Cases are
-- looked up by holder only when someone holds them, so the index now holds only those; the OR
-- then walks the queue's own order (cases_queue_idx) and stops after a page. Smaller, too.
DROP INDEX cases_assigned_officer_idx;
CREATE INDEX cases_assigned_officer_idx ON cases (assigned_officer_id, status_changed_at, id)
    WHERE assigned_officer_id IS NOT NULL;
