-- Password-reset links: only a keyed hash of each token is kept. Every request writes a row, also
-- for addresses with no account (account_id NULL), so known and unknown addresses cost the same.
-- A link works once (used_at) and for 30 minutes (expires_at).
CREATE TABLE password_resets (
    id         TEXT    NOT NULL CONSTRAINT password_resets_pkey PRIMARY KEY,
    account_id TEXT    CONSTRAINT password_resets_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL CONSTRAINT password_resets_token_hash UNIQUE,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT ,
    created_at BIGINT  NOT NULL
);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);
CREATE INDEX password_resets_expires_idx ON password_resets (expires_at);
