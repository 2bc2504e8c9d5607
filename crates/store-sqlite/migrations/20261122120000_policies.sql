-- Sending policies of organisations (data loss prevention), every version kept: the audit
-- trail names the version each envelope was checked against.
CREATE TABLE sending_policies (
    org_id    BLOB NOT NULL REFERENCES orgs (id),
    version   INTEGER NOT NULL CHECK (version > 0),
    text      TEXT NOT NULL,
    signer_id BLOB NOT NULL REFERENCES accounts (id),
    -- Kept so the policy still names its signer if the account goes.
    signer_email TEXT NOT NULL,
    signature BLOB NOT NULL CHECK (length(signature) = 64),
    set_at    INTEGER NOT NULL,
    PRIMARY KEY (org_id, version)
) STRICT, WITHOUT ROWID;
