-- "New sign-in to your account" alerts. A full sign-in from a browser the account has not seen
-- before emails the owner, with a "This wasn't me" link. The link's token is stored only as a
-- keyed hash; it works once and for a week. Following it (and confirming) ends every session,
-- turns the password off and emails a password-reset link.
CREATE TABLE sign_in_alerts (
    id          TEXT    NOT NULL CONSTRAINT sign_in_alerts_pkey PRIMARY KEY,
    account_id  TEXT    NOT NULL CONSTRAINT sign_in_alerts_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL CONSTRAINT sign_in_alerts_token_hash_key UNIQUE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    reported_at BIGINT
);
CREATE INDEX sign_in_alerts_account_idx ON sign_in_alerts (account_id);
CREATE INDEX sign_in_alerts_expires_idx ON sign_in_alerts (expires_at);
