-- Which account handed in each witness cosignature (docs/AUDIT.md section 10): one account may
-- hand in cosignatures of at most two witness keys per checkpoint, so that no single account can
-- fill a checkpoint's 16 witness slots and keep honest witnesses from cosigning it. Lines kept
-- before this version have none.
ALTER TABLE audit_log_cosignatures ADD COLUMN account_id BLOB;
