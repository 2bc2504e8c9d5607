-- Codec 2 (docs/AUDIT.md section 6): a full bundle of entries that each link to the one before
-- them, stored as one zstd frame without 28 of the 32 bytes of each `prev` after the first
-- entry; readers rebuild them from the leaf hash of the entry before. A translation of the
-- SQLite migration of the same name (here the constraint changes in place).

ALTER TABLE audit_log_bundles DROP CONSTRAINT audit_log_bundles_codec_check;
ALTER TABLE audit_log_bundles ADD CONSTRAINT audit_log_bundles_codec_check CHECK (codec IN (0, 1, 2));
