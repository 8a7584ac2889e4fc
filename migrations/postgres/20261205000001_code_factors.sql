-- Text-message and email codes as second factors. A bound phone, or email codes switched on, is a
-- row of code_factors (at most one per channel per account). Every code sent (to sign in, to
-- confirm it is you, in recovery, or to bind a phone) is a row of sent_codes: bound to the session
-- that asked for it and gone with it, stored only as a keyed MAC, single use, ten minutes; a new
-- code for the same session, channel and purpose replaces the old one.
CREATE TABLE code_factors (
    account_id   TEXT    NOT NULL CONSTRAINT code_factors_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    channel      TEXT    NOT NULL CONSTRAINT code_factors_channel_check CHECK (channel IN ('sms', 'email')),
    phone        TEXT,
    confirmed_at BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT code_factors_pkey PRIMARY KEY (account_id, channel),
    CONSTRAINT code_factors_phone_check CHECK ((channel = 'sms') = (phone IS NOT NULL))
);

CREATE TABLE sent_codes (
    id              TEXT    NOT NULL CONSTRAINT sent_codes_pkey PRIMARY KEY,
    account_id      TEXT    NOT NULL CONSTRAINT sent_codes_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    session_id_hash TEXT    NOT NULL CONSTRAINT sent_codes_session_fkey REFERENCES sessions (id_hash) ON DELETE CASCADE,
    channel         TEXT    NOT NULL CONSTRAINT sent_codes_channel_check CHECK (channel IN ('sms', 'email')),
    -- 'factor': a second factor for this session; 'bind': proves a new phone or address.
    purpose         TEXT    NOT NULL CONSTRAINT sent_codes_purpose_check CHECK (purpose IN ('factor', 'bind')),
    phone           TEXT,
    code_hash       TEXT    NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX sent_codes_session_idx ON sent_codes (session_id_hash, channel, purpose);
CREATE INDEX sent_codes_account_idx ON sent_codes (account_id);
