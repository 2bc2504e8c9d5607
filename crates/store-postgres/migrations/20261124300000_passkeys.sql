-- Passkeys (WebAuthn) as a second factor, and the server's half of ceremonies in progress.
CREATE TABLE passkeys (
    id BYTEA PRIMARY KEY,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id BYTEA NOT NULL UNIQUE,
    name TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE INDEX passkeys_account ON passkeys (account_id);

CREATE TABLE webauthn_ceremonies (
    id BYTEA PRIMARY KEY,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('register', 'authenticate')),
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);
