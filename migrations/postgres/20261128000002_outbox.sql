-- Messages caused by a change, written in the same transaction and delivered by a background
-- worker (app/src/infra/outbox.rs). The payload (recipient, subject, body) is AEAD ciphertext
-- bound to the row id and is wiped once sent.
CREATE TABLE outbox (
    id              TEXT    NOT NULL CONSTRAINT outbox_pkey PRIMARY KEY,
    channel         TEXT    NOT NULL CONSTRAINT outbox_channel_check CHECK (channel IN ('email')),
    payload         BYTEA   NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT,
    sent_at         BIGINT,
    abandoned_at    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL AND abandoned_at IS NULL;
