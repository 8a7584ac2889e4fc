-- What each account may do; read again on every request (session::access), so a change of role
-- takes effect at once.
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'applicant'
    CONSTRAINT accounts_role_check CHECK (role IN ('applicant', 'officer', 'supervisor', 'support'));
