-- "I can't use any of my sign-in methods": a request, by someone who knows the password, to remove
-- the account's second factors. Once effective_at has passed (a waiting period after the request,
-- announced by email and text with a link to cancel) the person asks, again after the password,
-- for a link to finish it, sent to the account's address; following that link carries it out. So
-- the password alone is never enough. It is cancelled meanwhile by the emailed cancel link or by a
-- sign-in with a factor. Both links' tokens are stored only as keyed hashes. At most one request
-- per account is open.
CREATE TABLE account_resets (
    id                TEXT    NOT NULL CONSTRAINT account_resets_pkey PRIMARY KEY,
    account_id        TEXT    NOT NULL CONSTRAINT account_resets_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    cancel_token_hash TEXT    NOT NULL CONSTRAINT account_resets_cancel_token_hash_key UNIQUE,
    finish_token_hash TEXT    CONSTRAINT account_resets_finish_token_hash_key UNIQUE,
    finish_expires_at INTEGER,
    requested_at      INTEGER NOT NULL,
    effective_at      INTEGER NOT NULL,
    cancelled_at      INTEGER,
    completed_at      INTEGER
);
CREATE UNIQUE INDEX account_resets_open_idx ON account_resets (account_id)
    WHERE cancelled_at IS NULL AND completed_at IS NULL;
