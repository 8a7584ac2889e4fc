-- Notices issued on a case (receipt, Request for Evidence, interview, approval, denial). The
-- facts a notice prints are fixed when it is issued (JSON of cases::letters::NoticeFacts); the PDF
-- is rendered from them on download, in the notice's language.
CREATE TABLE case_notices (
    id         TEXT    NOT NULL CONSTRAINT case_notices_pkey PRIMARY KEY,
    case_id    TEXT    NOT NULL CONSTRAINT case_notices_case_fkey REFERENCES cases (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    locale     TEXT    NOT NULL,
    facts      TEXT    NOT NULL,
    issued_at  BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_notices_case_idx ON case_notices (case_id, issued_at);

-- The language a person reads: notices, emails and texts are written in it. Taken from the
-- registration (the page's language then).
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE registrations ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
