-- Sending policies of organisations (data loss prevention), every version kept. A translation
-- of the SQLite migration of the same name.
CREATE TABLE sending_policies (
    org_id       BYTEA NOT NULL REFERENCES orgs (id),
    version      BIGINT NOT NULL CHECK (version > 0),
    text         TEXT NOT NULL,
    signer_id    BYTEA NOT NULL REFERENCES accounts (id),
    -- Kept so the policy still names its signer if the account goes.
    signer_email TEXT NOT NULL,
    signature    BYTEA NOT NULL CHECK (octet_length(signature) = 64),
    set_at       BIGINT NOT NULL,
    PRIMARY KEY (org_id, version)
);
