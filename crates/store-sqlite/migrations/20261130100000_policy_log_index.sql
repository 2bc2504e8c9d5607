-- The audit log entry that publishes each version of a sending policy: clients follow only a
-- version the log shows. NULL for a version set before policies were logged (the server logs
-- it when it is next served).
ALTER TABLE sending_policies ADD COLUMN log_index INTEGER CHECK (log_index >= 0);
