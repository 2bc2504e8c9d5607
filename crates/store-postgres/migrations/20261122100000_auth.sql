-- Second factor, brute-force limits, scoped and expiring access, alerts. A translation of the
-- SQLite migration of the same name; flags are BOOLEAN here.

-- One TOTP secret per account. `secret` is sealed by the server (ChaCha20-Poly1305 under a key
-- derived from server.key), never stored in the clear. `confirmed` is false while enrolment
-- waits for a first code. `last_step` is the highest RFC 6238 time step accepted, so a code is
-- never accepted twice.
CREATE TABLE totp (
    account_id BYTEA PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret     BYTEA NOT NULL,
    confirmed  BOOLEAN NOT NULL,
    last_step  BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One-time recovery codes: SHA-256 of a high-entropy code; a used code is deleted.
CREATE TABLE recovery_codes (
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  BYTEA NOT NULL CHECK (octet_length(code_hash) = 32),
    PRIMARY KEY (account_id, code_hash)
);

-- Organisations that demand a second factor of every account.
CREATE TABLE org_policies (
    org_id       BYTEA PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    require_totp BOOLEAN NOT NULL
);

-- Failed logins, keyed by the email as typed: unknown emails are counted and locked exactly
-- like known ones, so neither the answer nor its timing reveals whether an account exists.
CREATE TABLE login_failures (
    email TEXT COLLATE "C" NOT NULL,
    at    BIGINT NOT NULL
);

CREATE INDEX login_failures_email ON login_failures (email, at);

CREATE TABLE login_locks (
    email        TEXT COLLATE "C" PRIMARY KEY,
    locked_until BIGINT NOT NULL
);

-- Scoped and expiring access. A plain membership can read and send, is not granted and has no
-- end. A grant (granted) restricts the account to reading or sending. `until` ends either; an
-- expired row gives nothing and is turned into a removal by `expire_access`.
ALTER TABLE memberships ADD COLUMN can_read BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE memberships ADD COLUMN can_send BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE memberships ADD COLUMN granted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE memberships ADD COLUMN until BIGINT;

CREATE INDEX memberships_until ON memberships (until) WHERE until IS NOT NULL;

-- Security alerts for an organisation's admins. `details` never holds a secret. Inserted under
-- the alert advisory lock, so sequence numbers become visible in increasing order.
CREATE TABLE alerts (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    org_id     BYTEA NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    account_id BYTEA REFERENCES accounts (id) ON DELETE SET NULL,
    email      TEXT,
    kind       TEXT NOT NULL,
    details    TEXT NOT NULL
);

CREATE INDEX alerts_org ON alerts (org_id, seq);
