-- "I can't use any of my sign-in methods": a request, by someone who knows the password, to remove
-- the account's second factors. It takes effect at effective_at (a waiting period after the
-- request, announced by email and text) at the next sign-in, unless cancelled meanwhile through the
-- emailed link (its token stored only as a keyed hash) or by a sign-in with a factor. At most one
-- request per account is open.
CREATE TABLE account_resets (
    id                TEXT    NOT NULL CONSTRAINT account_resets_pkey PRIMARY KEY,
    account_id        TEXT    NOT NULL CONSTRAINT account_resets_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    cancel_token_hash TEXT    NOT NULL CONSTRAINT account_resets_cancel_token_hash_key UNIQUE,
    requested_at      INTEGER NOT NULL,
    effective_at      INTEGER NOT NULL,
    cancelled_at      INTEGER,
    completed_at      INTEGER
);
CREATE UNIQUE INDEX account_resets_open_idx ON account_resets (account_id)
    WHERE cancelled_at IS NULL AND completed_at IS NULL;
