-- When the account bound its first second factor (enrolment complete). The accounts domain reads
-- it to choose the step after the password, so it never reads the second-factor tables; the mfa
-- domain sets it through accounts::store when it binds a factor.
ALTER TABLE accounts ADD COLUMN enrolled_at INTEGER;

UPDATE accounts SET enrolled_at = (
    SELECT MIN(t.confirmed_at) FROM totp_authenticators t
    WHERE t.account_id = accounts.id AND t.confirmed_at IS NOT NULL
);
