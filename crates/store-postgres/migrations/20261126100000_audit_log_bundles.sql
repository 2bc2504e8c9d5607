-- The audit log's entries as C2SP tlog-tiles entry bundles (docs/AUDIT.md section 6): one row
-- per run of up to 256 consecutive entries (bundle idx holds entries 256 * idx onwards, each as
-- a big-endian u16 length followed by its bytes) instead of one row per entry. A translation of
-- the SQLite migration of the same name.

CREATE TABLE audit_log_bundles (
    idx  BIGINT PRIMARY KEY CHECK (idx >= 0),
    data BYTEA NOT NULL CHECK (octet_length(data) >= 2)
);

-- Retention (docs/AUDIT.md section 9): the leaf hash of each entry pruned to its 50-byte header.
CREATE TABLE audit_log_pruned (
    idx  BIGINT PRIMARY KEY CHECK (idx >= 0),
    leaf BYTEA NOT NULL CHECK (octet_length(leaf) = 32)
);

-- Existing entries move into bundles, in index order, each behind its length.
INSERT INTO audit_log_bundles (idx, data)
SELECT idx >> 8,
       string_agg(decode(lpad(to_hex(octet_length(entry)), 4, '0'), 'hex') || entry,
                  ''::bytea ORDER BY idx)
FROM audit_log_entries
GROUP BY idx >> 8;

INSERT INTO audit_log_pruned (idx, leaf)
SELECT idx, pruned_leaf FROM audit_log_entries WHERE pruned_leaf IS NOT NULL;

DROP TABLE audit_log_entries;
