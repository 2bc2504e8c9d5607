-- Key transparency, signed receipts and retention of the audit log (docs/AUDIT.md).

-- Index of the audit log entry publishing an account's current keys, or a mailbox generation.
CREATE TABLE account_key_log (
    account_id BLOB PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    log_index  INTEGER NOT NULL
) STRICT;

CREATE TABLE mailbox_key_log (
    mailbox_id BLOB NOT NULL,
    generation INTEGER NOT NULL,
    log_index  INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, generation),
    FOREIGN KEY (mailbox_id, generation) REFERENCES mailbox_keys (mailbox_id, generation)
        ON DELETE CASCADE
) STRICT;

-- A recipient's signed statement that it opened an envelope. Also an audit log entry.
CREATE TABLE receipts (
    envelope_id   BLOB NOT NULL,
    account_id    BLOB NOT NULL,
    email         TEXT NOT NULL,
    manifest_hash BLOB NOT NULL CHECK (length(manifest_hash) = 32),
    opened_at     INTEGER NOT NULL,
    signature     BLOB NOT NULL CHECK (length(signature) = 64),
    log_index     INTEGER NOT NULL,
    PRIMARY KEY (envelope_id, account_id)
) STRICT;

-- Retention: an entry whose payload was pruned keeps its 50-byte header in
-- audit_log_entries.entry and its leaf hash here, so the tree and the chain still verify.
ALTER TABLE audit_log_entries ADD COLUMN pruned_leaf BLOB CHECK (length(pruned_leaf) = 32);

CREATE INDEX audit_events_at ON audit_events (at);
