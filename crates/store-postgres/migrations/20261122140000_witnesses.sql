-- Witnesses' cosignatures of audit log checkpoints (translated from the SQLite migration of the
-- same name).
CREATE TABLE audit_log_cosignatures (
    size    BIGINT NOT NULL REFERENCES audit_log_checkpoints (size),
    witness TEXT NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);
