-- Requests for Evidence an officer sends on a case: what is needed and by when. Open until the
-- applicant's response is recorded (answered_at).
CREATE TABLE evidence_requests (
    id           TEXT    NOT NULL CONSTRAINT evidence_requests_pkey PRIMARY KEY,
    case_id      TEXT    NOT NULL CONSTRAINT evidence_requests_case_fkey REFERENCES cases (id) ON DELETE CASCADE,
    instructions TEXT    NOT NULL,
    due_at       BIGINT NOT NULL,
    issued_by    TEXT    CONSTRAINT evidence_requests_issued_by_fkey REFERENCES accounts (id) ON DELETE SET NULL,
    issued_at    BIGINT NOT NULL,
    answered_at  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX evidence_requests_case_idx ON evidence_requests (case_id, issued_at);
