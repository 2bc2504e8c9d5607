-- Codec 2 (docs/AUDIT.md section 6): a full bundle of entries that each link to the one before
-- them, stored as one zstd frame without 28 of the 32 bytes of each `prev` after the first
-- entry; readers rebuild them from the leaf hash of the entry before. SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt with the same rows (existing bundles keep
-- their codec and stay readable as they are).

CREATE TABLE audit_log_bundles_linked (
    idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
    data  BLOB NOT NULL CHECK (length(data) >= 2),
    codec INTEGER NOT NULL DEFAULT 0 CHECK (codec IN (0, 1, 2))
) STRICT;

INSERT INTO audit_log_bundles_linked (idx, data, codec)
SELECT idx, data, codec FROM audit_log_bundles ORDER BY idx;

DROP TABLE audit_log_bundles;

ALTER TABLE audit_log_bundles_linked RENAME TO audit_log_bundles;
