-- A registration waits here, not in accounts, until someone proves the mailbox: an unverified
-- registration holds no address, several may wait for the same address, and the first whose code
-- is entered becomes the account (the others are deleted). Unentered ones are purged after 24 h.
CREATE TABLE registrations (
    id              TEXT    NOT NULL CONSTRAINT registrations_pkey PRIMARY KEY,
    email           TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    -- JSON list of [question id, argon2id hash of the normalised answer].
    answers         TEXT    NOT NULL,
    -- HMAC of the current code; NULL once it has died (too many wrong tries).
    code_hash       TEXT,
    code_expires_at BIGINT NOT NULL,
    wrong_codes     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX registrations_email_idx ON registrations (email);
CREATE INDEX registrations_created_idx ON registrations (created_at);

-- Accounts are now created verified. Accounts left unverified by the earlier flow can never be
-- completed (their sessions' state no longer exists): remove them with their sessions; the
-- person registers again.
DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE email_verified_at IS NULL);
DELETE FROM accounts WHERE email_verified_at IS NULL;
DELETE FROM sessions WHERE state LIKE '%verifying_email%';

-- An authenticator being set up belongs to the session that started the set-up.
ALTER TABLE totp_authenticators ADD COLUMN session_id_hash TEXT
    CONSTRAINT totp_authenticators_session_fkey REFERENCES sessions (id_hash) ON DELETE CASCADE;
DELETE FROM totp_authenticators WHERE confirmed_at IS NULL;
