-- The audit log (pli-audit, docs/AUDIT.md): the Merkle tree's entries, its stored hashes and
-- the checkpoints signed for it. Rows are only ever inserted, in the same transaction as the
-- audit_events rows they record; positions are primary keys so nothing is overwritten.

CREATE TABLE audit_log_entries (
    idx   INTEGER PRIMARY KEY,
    entry BLOB NOT NULL
) STRICT;

-- Stored hash numbering of Crosby and Wallach (tlog-tiles): leaf hashes and completed subtrees.
CREATE TABLE audit_log_hashes (
    idx  INTEGER PRIMARY KEY,
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TABLE audit_log_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL
) STRICT;
