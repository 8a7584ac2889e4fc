-- Notifications: what happened on a person's cases, shown in the notification centre (unread
-- until read) and, per their settings, sent by email and text message through the outbox. One
-- event notifies an account once: (account_id, event_key) is unique, and so is each outbox
-- message's event_key, so a repeated event queues nothing twice.
CREATE TABLE notifications (
    id         TEXT    NOT NULL CONSTRAINT notifications_pkey PRIMARY KEY,
    account_id TEXT    NOT NULL CONSTRAINT notifications_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    event_key  TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    href       TEXT    NOT NULL,
    read_at    INTEGER,
    created_at INTEGER NOT NULL,
    CONSTRAINT notifications_event_key UNIQUE (account_id, event_key)
);
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at);

-- How a person wants to hear of changes besides the notification centre (email on, texts off
-- until they give a number). 0/1 flags.
CREATE TABLE notification_settings (
    account_id TEXT    NOT NULL CONSTRAINT notification_settings_pkey PRIMARY KEY
                       CONSTRAINT notification_settings_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    by_email   INTEGER NOT NULL,
    by_text    INTEGER NOT NULL,
    phone      TEXT,
    updated_at INTEGER NOT NULL
);

-- The outbox carries text messages too, and each message may name the event it is for.
CREATE TABLE outbox_rebuilt (
    id              TEXT    NOT NULL CONSTRAINT outbox_pkey PRIMARY KEY,
    channel         TEXT    NOT NULL CONSTRAINT outbox_channel_check CHECK (channel IN ('email', 'sms')),
    payload         BLOB   NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    abandoned_at    INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    event_key       TEXT    CONSTRAINT outbox_event_key UNIQUE
);
INSERT INTO outbox_rebuilt (id, channel, payload, attempts, next_attempt_at, claimed_until, sent_at,
                            abandoned_at, last_error, created_at, updated_at, event_key)
    SELECT id, channel, payload, attempts, next_attempt_at, claimed_until, sent_at, abandoned_at,
           last_error, created_at, updated_at, NULL
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL AND abandoned_at IS NULL;
