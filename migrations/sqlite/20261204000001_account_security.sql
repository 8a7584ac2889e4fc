-- Backup codes: ten per set, each stored only as an argon2id hash and usable once (used_at). The
-- lookup column is a short keyed MAC of the code, so a sign-in verifies one hash instead of ten;
-- without the server's key it says nothing about the code.
CREATE TABLE backup_codes (
    id         TEXT    NOT NULL CONSTRAINT backup_codes_pkey PRIMARY KEY,
    account_id TEXT    NOT NULL CONSTRAINT backup_codes_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    lookup     TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX backup_codes_lookup_idx ON backup_codes (account_id, lookup);

-- A new set of backup codes waiting to be shown: encrypted, bound to the session that made it
-- (gone with it), deleted once the person says they saved it or when it expires.
CREATE TABLE backup_code_reveals (
    session_id_hash TEXT    NOT NULL CONSTRAINT backup_code_reveals_pkey PRIMARY KEY
                            CONSTRAINT backup_code_reveals_session_fkey REFERENCES sessions (id_hash) ON DELETE CASCADE,
    account_id      TEXT    NOT NULL CONSTRAINT backup_code_reveals_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    ciphertext      BLOB    NOT NULL,
    expires_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);

-- The account's history as its owner sees it: sign-ins, failures, factor and credential changes,
-- with the client address and a short device description. Read newest first, a page at a time
-- (keyset on occurred_at, id).
CREATE TABLE account_events (
    id          TEXT    NOT NULL CONSTRAINT account_events_pkey PRIMARY KEY,
    account_id  TEXT    NOT NULL CONSTRAINT account_events_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    method      TEXT,
    ip          TEXT,
    device      TEXT,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX account_events_account_idx ON account_events (account_id, occurred_at, id);
