-- The owner's personal details (name, date of birth, mailing address), kept apart from the
-- credentials so that an account without them is complete, and deleted with the account.
CREATE TABLE personal_details (
    account_id    TEXT    NOT NULL CONSTRAINT personal_details_pkey PRIMARY KEY
                          CONSTRAINT personal_details_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    given_name    TEXT    NOT NULL,
    family_name   TEXT    NOT NULL,
    -- YYYY-MM-DD, or NULL when not given.
    date_of_birth TEXT,
    address_line1 TEXT    NOT NULL,
    address_line2 TEXT    NOT NULL,
    city          TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    zip_code      TEXT    NOT NULL,
    updated_at    BIGINT  NOT NULL
);

-- A change of sign-in address waiting for the 6-digit code sent to the new address (one per
-- account; asking again replaces it). The code is stored only as a keyed hash; five tries or
-- ten minutes end it.
CREATE TABLE email_changes (
    account_id  TEXT    NOT NULL CONSTRAINT email_changes_pkey PRIMARY KEY
                        CONSTRAINT email_changes_account_fkey REFERENCES accounts (id) ON DELETE CASCADE,
    id          TEXT    NOT NULL,
    new_email   TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    tries       BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX email_changes_expires_idx ON email_changes (expires_at);
