-- Second factor, brute-force limits, scoped and expiring access, alerts.

-- One TOTP secret per account. `secret` is sealed by the server (ChaCha20-Poly1305 under a key
-- derived from server.key), never stored in the clear. `confirmed` = 0 while enrolment waits
-- for a first code. `last_step` is the highest RFC 6238 time step accepted, so a code is
-- never accepted twice.
CREATE TABLE totp (
    account_id BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    secret     BLOB NOT NULL,
    confirmed  INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    last_step  INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One-time recovery codes: SHA-256 of a high-entropy code; a used code is deleted.
CREATE TABLE recovery_codes (
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  BLOB NOT NULL CHECK (length(code_hash) = 32),
    PRIMARY KEY (account_id, code_hash)
) STRICT, WITHOUT ROWID;

-- Organisations that demand a second factor of every account.
CREATE TABLE org_policies (
    org_id       BLOB PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    require_totp INTEGER NOT NULL CHECK (require_totp IN (0, 1))
) STRICT, WITHOUT ROWID;

-- Failed logins, keyed by the email as typed: unknown emails are counted and locked exactly
-- like known ones, so neither the answer nor its timing reveals whether an account exists.
CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    INTEGER NOT NULL
) STRICT;

CREATE INDEX login_failures_email ON login_failures (email, at);

CREATE TABLE login_locks (
    email        TEXT PRIMARY KEY NOT NULL,
    locked_until INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Scoped and expiring access. A plain membership has can_read = can_send = 1, granted = 0 and
-- no end. A grant (granted = 1) restricts the account to reading or sending. `until` ends
-- either; an expired row gives nothing and is turned into a removal by `expire_access`.
ALTER TABLE memberships ADD COLUMN can_read INTEGER NOT NULL DEFAULT 1 CHECK (can_read IN (0, 1));
ALTER TABLE memberships ADD COLUMN can_send INTEGER NOT NULL DEFAULT 1 CHECK (can_send IN (0, 1));
ALTER TABLE memberships ADD COLUMN granted INTEGER NOT NULL DEFAULT 0 CHECK (granted IN (0, 1));
ALTER TABLE memberships ADD COLUMN until INTEGER;

CREATE INDEX memberships_until ON memberships (until) WHERE until IS NOT NULL;

-- Security alerts for an organisation's admins. `details` never holds a secret.
CREATE TABLE alerts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    org_id     BLOB NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    account_id BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    email      TEXT,
    kind       TEXT NOT NULL,
    details    TEXT NOT NULL
) STRICT;

CREATE INDEX alerts_org ON alerts (org_id, seq);
