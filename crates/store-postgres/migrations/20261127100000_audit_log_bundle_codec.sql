-- Full entry bundles stored compressed (docs/AUDIT.md section 6): `codec` says how `data`
-- holds the bundle. 0: the bundle itself, each entry behind its big-endian u16 length (the
-- partial last bundle, which each batch extends, and every bundle written before this version);
-- 1: a full bundle of 256 entries as one zstd frame that declares its size and carries a
-- checksum. Existing rows keep codec 0 and stay readable as they are. A translation of the
-- SQLite migration of the same name.

ALTER TABLE audit_log_bundles ADD COLUMN codec BIGINT NOT NULL DEFAULT 0 CHECK (codec IN (0, 1));
