-- Requests for Evidence an officer sends on a case: what is needed and by when. Open until the
-- applicant's response is recorded (answered_at).
CREATE TABLE evidence_requests (
    id           TEXT    NOT NULL CONSTRAINT evidence_requests_pkey PRIMARY KEY,
    case_id      TEXT    NOT NULL CONSTRAINT evidence_requests_case_fkey REFERENCES cases (id) ON DELETE CASCADE,
    instructions TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    issued_by    TEXT    CONSTRAINT evidence_requests_issued_by_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    issued_at    INTEGER NOT NULL,
    answered_at  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX evidence_requests_case_idx ON evidence_requests (case_id, issued_at);
