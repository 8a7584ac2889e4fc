-- Paper filings: an officer records a case filed on paper, and Caseport prints an Account Access
-- Notice carrying an online account number reserved for the person and a one-time access code
-- (valid 90 days). The code either creates the account with that number (registration) or links
-- the case to an existing account. Either way the notice is then claimed by that account, and
-- the case is the account's from then on (cases::store reads ownership through claimed_by).
CREATE TABLE access_notices (
    -- The reserved online account number: never given to another account.
    account_number  TEXT    NOT NULL CONSTRAINT access_notices_pkey PRIMARY KEY
                            CONSTRAINT access_notices_account_number_format CHECK (length(account_number) = 12),
    case_id         TEXT    NOT NULL CONSTRAINT access_notices_case_key UNIQUE
                            CONSTRAINT access_notices_case_fkey REFERENCES cases (id) ON DELETE CASCADE,
    -- HMAC of the code; NULL once the notice is claimed.
    code_hash       TEXT,
    -- The code sealed with the server key, so staff can print the notice again; NULL once claimed.
    code_ciphertext BLOB,
    code_expires_at INTEGER NOT NULL,
    -- The language the notice is printed in.
    locale          TEXT    NOT NULL,
    claimed_by      TEXT    CONSTRAINT access_notices_claimed_by_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    claimed_at      INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX access_notices_claimed_by_idx ON access_notices (claimed_by);

-- A registration started with an Account Access Notice claims its number when the email is proven.
ALTER TABLE registrations ADD COLUMN reserved_account_number TEXT;
