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
    read_at    BIGINT,
    created_at BIGINT NOT NULL,
    CONSTRAINT notifications_event_key UNIQUE (account_id, event_key)
);
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at);

-- How a person wants to hear of changes besides the notification centre (email on, texts off
-- until they give a number). 0/1 flags.
CREATE TABLE notification_settings (
    account_id TEXT    NOT NULL CONSTRAINT notification_settings_pkey PRIMARY KEY
                       CONSTRAINT notification_settings_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    by_email   BIGINT NOT NULL,
    by_text    BIGINT NOT NULL,
    phone      TEXT,
    updated_at BIGINT NOT NULL
);

-- The outbox carries text messages too, and each message may name the event it is for.
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('email', 'sms'));
ALTER TABLE outbox ADD COLUMN event_key TEXT CONSTRAINT outbox_event_key UNIQUE;
