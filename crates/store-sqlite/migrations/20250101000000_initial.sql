-- Pli metadata schema (SQLite).
--
-- Ids are 16-byte BLOBs (the raw bytes of `pli_store::Id`), so byte order equals the order of
-- their hex form and every id index stays compact. Timestamps are INTEGER unix seconds.
-- Tables are STRICT so a value of the wrong type is refused at write time rather than read back
-- as something else.

CREATE TABLE orgs (
    id   BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE accounts (
    id            BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    email         TEXT NOT NULL UNIQUE,
    org_id        BLOB NOT NULL REFERENCES orgs (id),
    role          TEXT NOT NULL,
    kdf_salt      BLOB NOT NULL,
    kdf_m_kib     INTEGER NOT NULL,
    kdf_t         INTEGER NOT NULL,
    kdf_p         INTEGER NOT NULL,
    auth_hash     BLOB NOT NULL,
    age_recipient TEXT NOT NULL,
    signing_key   BLOB NOT NULL,
    wrapped_keys  BLOB NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX accounts_org ON accounts (org_id);

-- At most one open invitation per email: a new one replaces it, redeeming deletes it.
CREATE TABLE invitations (
    email      TEXT PRIMARY KEY NOT NULL,
    org_id     BLOB NOT NULL REFERENCES orgs (id),
    role       TEXT NOT NULL,
    code_hash  BLOB NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE mailboxes (
    id     BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name   TEXT NOT NULL UNIQUE,
    org_id BLOB NOT NULL REFERENCES orgs (id)
) STRICT;

CREATE TABLE invitation_mailboxes (
    email      TEXT NOT NULL REFERENCES invitations (email) ON DELETE CASCADE,
    mailbox_id BLOB NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    PRIMARY KEY (email, mailbox_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE memberships (
    mailbox_id BLOB NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (mailbox_id, account_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX memberships_account ON memberships (account_id, mailbox_id);

-- state: 0 = pending, 1 = stored.
CREATE TABLE envelopes (
    id         BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    sender_id  BLOB NOT NULL REFERENCES accounts (id),
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at INTEGER NOT NULL,
    state      INTEGER NOT NULL CHECK (state IN (0, 1))
) STRICT;

-- Outbox: one index range scan per page, newest first.
CREATE INDEX envelopes_outbox ON envelopes (sender_id, state, created_at, id);
-- Clean-up of abandoned uploads.
CREATE INDEX envelopes_state ON envelopes (state, created_at);

-- One row per addressee, in the order the sender gave them. `created_at` and `stored` copy the
-- envelope's so that an inbox page is an index range scan per source (the account itself and
-- each of its mailboxes) without touching envelopes that are not on the page.
CREATE TABLE envelope_recipients (
    envelope_id BLOB NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    account_id  BLOB REFERENCES accounts (id),
    mailbox_id  BLOB REFERENCES mailboxes (id),
    created_at  INTEGER NOT NULL,
    stored      INTEGER NOT NULL CHECK (stored IN (0, 1)),
    PRIMARY KEY (envelope_id, position),
    CHECK ((account_id IS NULL) <> (mailbox_id IS NULL))
) STRICT, WITHOUT ROWID;

CREATE INDEX recipients_account ON envelope_recipients (account_id, stored, created_at, envelope_id);
CREATE INDEX recipients_mailbox ON envelope_recipients (mailbox_id, stored, created_at, envelope_id);

-- AUTOINCREMENT: a sequence number is never reused, even after the newest rows are removed.
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       BLOB,
    actor_email TEXT,
    org_id      BLOB,
    from_addr   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    outcome     TEXT NOT NULL
) STRICT;

CREATE INDEX audit_events_org ON audit_events (org_id, seq);
