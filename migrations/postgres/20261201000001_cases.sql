-- Cases and their status history. A case belongs to an account once someone links it (paper
-- filings start without one). `status` and `status_changed_at` repeat the newest event so lists
-- and the officers' queue read one row per case.
CREATE TABLE cases (
    id                  TEXT    NOT NULL CONSTRAINT cases_pkey PRIMARY KEY,
    receipt_number      TEXT    NOT NULL CONSTRAINT cases_receipt_number_key UNIQUE
                                CONSTRAINT cases_receipt_number_check CHECK (length(receipt_number) = 13),
    centre              TEXT    NOT NULL,
    form_type           TEXT    NOT NULL,
    account_id          TEXT    CONSTRAINT cases_account_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    applicant_name      TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    assigned_officer_id TEXT    CONSTRAINT cases_assigned_officer_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    received_at         BIGINT NOT NULL,
    status_changed_at   BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX cases_account_idx ON cases (account_id, status_changed_at);
CREATE INDEX cases_queue_idx ON cases (status_changed_at, id);
CREATE INDEX cases_status_idx ON cases (status, status_changed_at, id);
CREATE INDEX cases_assigned_officer_idx ON cases (assigned_officer_id, status_changed_at, id);

-- One row per status a case has been in, numbered from 1 within the case.
CREATE TABLE case_events (
    case_id     TEXT    NOT NULL CONSTRAINT case_events_case_fkey REFERENCES cases (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    status      TEXT    NOT NULL,
    -- The officer who recorded it (NULL for imports and the system).
    actor_id    TEXT    CONSTRAINT case_events_actor_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    -- For staff only; never shown to the applicant or the public.
    note        TEXT,
    occurred_at BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    CONSTRAINT case_events_pkey PRIMARY KEY (case_id, seq)
);

-- Programs that call the Case Status API (`caseport api-client create`). The secret is stored as
-- an HMAC; tokens as SHA-256 (both are 256-bit random values, so a fast hash is enough).
CREATE TABLE api_clients (
    id               TEXT    NOT NULL CONSTRAINT api_clients_pkey PRIMARY KEY,
    application_name TEXT    NOT NULL,
    secret_hash      TEXT    NOT NULL,
    per_second       BIGINT NOT NULL,
    per_day          BIGINT NOT NULL,
    revoked_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT    NOT NULL CONSTRAINT api_tokens_pkey PRIMARY KEY,
    client_id  TEXT    NOT NULL CONSTRAINT api_tokens_client_fkey REFERENCES api_clients (id) ON DELETE CASCADE,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_client_idx ON api_tokens (client_id);
CREATE INDEX api_tokens_expires_idx ON api_tokens (expires_at);

-- Requests per client and UTC day, for the daily quota shared by every server instance.
CREATE TABLE api_usage (
    client_id TEXT    NOT NULL CONSTRAINT api_usage_client_fkey REFERENCES api_clients (id) ON DELETE CASCADE,
    day       BIGINT NOT NULL,
    requests  BIGINT NOT NULL,
    CONSTRAINT api_usage_pkey PRIMARY KEY (client_id, day)
);
