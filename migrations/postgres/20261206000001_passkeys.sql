-- Passkeys and security keys (WebAuthn) as second factors: any number per account, each named by
-- its owner. `credential` is the verified public key with its signature counter (webauthn-rs's
-- Passkey, as JSON); a credential id belongs to one account only. A ceremony in progress (adding a
-- key, or signing in with one) is a row of passkey_ceremonies: bound to the session that started
-- it and gone with it, used once, five minutes; a new one for the same session and purpose
-- replaces the old one. Its state never leaves the server.
CREATE TABLE passkeys (
    id            TEXT    NOT NULL CONSTRAINT passkeys_pkey PRIMARY KEY,
    account_id    TEXT    NOT NULL CONSTRAINT passkeys_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL CONSTRAINT passkeys_credential_id_key UNIQUE,
    name          TEXT    NOT NULL,
    credential    TEXT    NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_account_idx ON passkeys (account_id, created_at);

CREATE TABLE passkey_ceremonies (
    session_id_hash TEXT    NOT NULL CONSTRAINT passkey_ceremonies_session_fkey REFERENCES sessions (id_hash) ON DELETE CASCADE,
    purpose         TEXT    NOT NULL CONSTRAINT passkey_ceremonies_purpose_check CHECK (purpose IN ('register', 'sign_in')),
    account_id      TEXT    NOT NULL CONSTRAINT passkey_ceremonies_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT,
    state           TEXT    NOT NULL,
    expires_at      BIGINT NOT NULL,
    CONSTRAINT passkey_ceremonies_pkey PRIMARY KEY (session_id_hash, purpose)
);
