-- What the Devices page shows of each session: a public id (the session's own id hash never
-- leaves the server), the client address and a short browser description, recorded when the
-- session id is issued.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN device TEXT;
UPDATE sessions SET public_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sessions_public_id_key ON sessions (public_id);
CREATE INDEX sessions_account_seen_idx ON sessions (account_id, last_seen_at, public_id);
