-- Accounts, security answers, email codes, authenticators, sessions and throttling counters.
-- Times are Unix seconds (UTC). Ids are 128-bit random hex strings.

CREATE TABLE accounts (
    id                TEXT    NOT NULL CONSTRAINT accounts_pkey PRIMARY KEY,
    email             TEXT    NOT NULL CONSTRAINT accounts_email_key UNIQUE,
    password_hash     TEXT    NOT NULL,
    account_number    TEXT    NOT NULL CONSTRAINT accounts_account_number_key UNIQUE
                              CONSTRAINT accounts_account_number_format CHECK (length(account_number) = 12),
    email_verified_at BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE security_answers (
    account_id  TEXT    NOT NULL CONSTRAINT security_answers_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    question_id TEXT    NOT NULL,
    answer_hash TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CONSTRAINT security_answers_pkey PRIMARY KEY (account_id, question_id)
);

CREATE TABLE email_codes (
    id          TEXT    NOT NULL CONSTRAINT email_codes_pkey PRIMARY KEY,
    account_id  TEXT    NOT NULL CONSTRAINT email_codes_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX email_codes_account_idx ON email_codes (account_id, purpose);

CREATE TABLE totp_authenticators (
    id                TEXT    NOT NULL CONSTRAINT totp_authenticators_pkey PRIMARY KEY,
    account_id        TEXT    NOT NULL CONSTRAINT totp_authenticators_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    secret_ciphertext BYTEA   NOT NULL,
    last_used_step    BIGINT,
    confirmed_at      BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX totp_authenticators_account_idx ON totp_authenticators (account_id);

CREATE TABLE sessions (
    id_hash          TEXT    NOT NULL CONSTRAINT sessions_pkey PRIMARY KEY,
    account_id       TEXT    CONSTRAINT sessions_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    state            TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    authenticated_at BIGINT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

CREATE TABLE login_failures (
    -- SHA-256 of the normalised email, so unknown addresses are throttled exactly like known ones.
    subject         TEXT    NOT NULL CONSTRAINT login_failures_pkey PRIMARY KEY,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    locked_until    BIGINT,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE rate_limits (
    bucket            TEXT    NOT NULL CONSTRAINT rate_limits_pkey PRIMARY KEY,
    window_started_at BIGINT NOT NULL,
    hits              BIGINT NOT NULL
);
