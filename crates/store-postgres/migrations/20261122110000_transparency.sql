-- Key transparency, signed receipts and retention of the audit log (docs/AUDIT.md). A
-- translation of the SQLite migration of the same name.

-- Index of the audit log entry publishing an account's current keys, or a mailbox generation.
CREATE TABLE account_key_log (
    account_id BYTEA PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    log_index  BIGINT NOT NULL
);

CREATE TABLE mailbox_key_log (
    mailbox_id BYTEA NOT NULL,
    generation BIGINT NOT NULL,
    log_index  BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, generation),
    FOREIGN KEY (mailbox_id, generation) REFERENCES mailbox_keys (mailbox_id, generation)
        ON DELETE CASCADE
);

-- A recipient's signed statement that it opened an envelope. Also an audit log entry.
CREATE TABLE receipts (
    envelope_id   BYTEA NOT NULL,
    account_id    BYTEA NOT NULL,
    email         TEXT COLLATE "C" NOT NULL,
    manifest_hash BYTEA NOT NULL CHECK (octet_length(manifest_hash) = 32),
    opened_at     BIGINT NOT NULL,
    signature     BYTEA NOT NULL CHECK (octet_length(signature) = 64),
    log_index     BIGINT NOT NULL,
    PRIMARY KEY (envelope_id, account_id)
);

-- Retention: an entry whose payload was pruned keeps its 50-byte header in
-- audit_log_entries.entry and its leaf hash here, so the tree and the chain still verify.
ALTER TABLE audit_log_entries ADD COLUMN pruned_leaf BYTEA CHECK (octet_length(pruned_leaf) = 32);

CREATE INDEX audit_events_at ON audit_events (at);
