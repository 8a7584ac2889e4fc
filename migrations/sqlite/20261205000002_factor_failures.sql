-- Consecutive failures of one sign-in method of an account (password, app, text or email codes,
-- backup codes). A success clears the count; the 100th failure in a row turns the method off
-- (disabled_at) until recovery or setting it up again lifts it (SECURITY.md item 10).
CREATE TABLE factor_failures (
    account_id  TEXT    NOT NULL CONSTRAINT factor_failures_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    method      TEXT    NOT NULL,
    consecutive INTEGER NOT NULL,
    disabled_at INTEGER,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT factor_failures_pkey PRIMARY KEY (account_id, method)
);
