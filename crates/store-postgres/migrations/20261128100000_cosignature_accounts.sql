-- Which account handed in each witness cosignature (translated from the SQLite migration of the
-- same name).
ALTER TABLE audit_log_cosignatures ADD COLUMN account_id BYTEA;
