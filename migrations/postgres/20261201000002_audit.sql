-- The audit log: every staff action and security event, append-only. A request writes its entry
-- unsealed (seq, prev_hash and hash NULL) in the same transaction as the change it records; a
-- background sealer then gives entries their place in one chain, each hash an HMAC over the entry
-- and the previous hash, so a changed, removed or reordered entry is detected by
-- `caseport audit verify`. Sealing serialises only the sealers (the audit_head row lock), never
-- the requests. actor_id and subject have no foreign keys: the log outlives what it names.
CREATE TABLE audit_log (
    id         TEXT    NOT NULL CONSTRAINT audit_log_pkey PRIMARY KEY,
    seq        BIGINT CONSTRAINT audit_log_seq_key UNIQUE,
    at         BIGINT NOT NULL,
    actor_id   TEXT,
    action     TEXT    NOT NULL,
    subject    TEXT,
    ip         TEXT,
    detail     TEXT    NOT NULL,
    prev_hash  TEXT,
    hash       TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_unsealed_idx ON audit_log (created_at, id) WHERE seq IS NULL;
CREATE INDEX audit_log_subject_idx ON audit_log (subject, at);

CREATE TABLE audit_head (
    id   BIGINT NOT NULL CONSTRAINT audit_head_pkey PRIMARY KEY CONSTRAINT audit_head_id_check CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');

-- Sealed entries never change and no entry is ever deleted.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log entries are append-only';
END;
$$;
CREATE TRIGGER audit_log_sealed_immutable BEFORE UPDATE ON audit_log
FOR EACH ROW WHEN (OLD.seq IS NOT NULL) EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
