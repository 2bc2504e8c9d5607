-- Witnesses' cosignatures of audit log checkpoints (docs/AUDIT.md, section 10): one signature
-- line per witness key and checkpoint, served appended to the checkpoint's note.
CREATE TABLE audit_log_cosignatures (
    size    INTEGER NOT NULL REFERENCES audit_log_checkpoints (size),
    witness TEXT NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (size, witness)
) STRICT;
