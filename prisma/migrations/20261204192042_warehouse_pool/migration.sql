-- The warehouse pool: one slot, so the bundled pipeline's tasks that write the DuckDB warehouse
-- (a file with one writer at a time) run one at a time, on every worker.
INSERT INTO "pool" ("name", "slots", "description", "updated_at")
VALUES ('warehouse', 1, 'Writers of the warehouse: one at a time (DuckDB has one writer)', CURRENT_TIMESTAMP)
ON CONFLICT ("name") DO NOTHING;
