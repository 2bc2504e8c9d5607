-- The audit log (pli-audit, docs/AUDIT.md): the Merkle tree's entries, its stored hashes and
-- the checkpoints signed for it. Rows are only ever inserted, in the same transaction as the
-- audit_events rows they record, under the audit advisory lock; positions are primary keys so
-- nothing is overwritten. A translation of the SQLite migration of the same name.

CREATE TABLE audit_log_entries (
    idx   BIGINT PRIMARY KEY,
    entry BYTEA NOT NULL
);

-- Stored hash numbering of Crosby and Wallach (tlog-tiles): leaf hashes and completed subtrees.
CREATE TABLE audit_log_hashes (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL CHECK (octet_length(hash) = 32)
);

CREATE TABLE audit_log_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL
);
