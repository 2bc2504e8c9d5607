-- Index of the audit log entry stating an account's role in its organisation (kind 0x05), so
-- that a client proves a policy's signer is an admin against the log. Absent for an account
-- made before roles were logged (the server logs its role when it is first needed).
CREATE TABLE account_role_log (
    account_id BYTEA PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    log_index  BIGINT NOT NULL CHECK (log_index >= 0)
);
