-- Staff accounts made in the app: a supervisor invites someone by email with a role; the emailed
-- link's token (256 bits, stored as its SHA-256) creates the account once, within 72 hours. An
-- invitation ends accepted (account_id), withdrawn, or expired; a new invitation to the same
-- address withdraws the pending one (at most one pending per address).
CREATE TABLE staff_invitations (
    id           TEXT    NOT NULL CONSTRAINT staff_invitations_pkey PRIMARY KEY,
    token_hash   TEXT    NOT NULL CONSTRAINT staff_invitations_token_key UNIQUE,
    email        TEXT    NOT NULL,
    role         TEXT    NOT NULL
                         CONSTRAINT staff_invitations_role_check CHECK (role IN ('officer', 'supervisor', 'support')),
    invited_by   TEXT    CONSTRAINT staff_invitations_invited_by_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    locale       TEXT    NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    account_id   TEXT    CONSTRAINT staff_invitations_account_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    withdrawn_at BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX staff_invitations_email_idx ON staff_invitations (email);
CREATE INDEX staff_invitations_pending_idx ON staff_invitations (created_at)
    WHERE accepted_at IS NULL AND withdrawn_at IS NULL;
