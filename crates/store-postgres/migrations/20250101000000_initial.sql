-- Pli metadata schema (PostgreSQL), a translation of the SQLite migration of the same name.
--
-- Ids are 16-byte BYTEA (the raw bytes of `pli_store::Id`): BYTEA compares byte by byte, so
-- `(created_at, id)` pagination orders exactly as on SQLite. Timestamps and every integer are
-- BIGINT unix seconds / counts, so one Rust type (i64) binds them all. Names that listings sort
-- by are `COLLATE "C"` (byte order), whatever the database's default collation.

CREATE TABLE orgs (
    id   BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    name TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE accounts (
    id            BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    email         TEXT COLLATE "C" NOT NULL UNIQUE,
    org_id        BYTEA NOT NULL REFERENCES orgs (id),
    role          TEXT NOT NULL,
    kdf_salt      BYTEA NOT NULL,
    kdf_m_kib     BIGINT NOT NULL,
    kdf_t         BIGINT NOT NULL,
    kdf_p         BIGINT NOT NULL,
    auth_hash     BYTEA NOT NULL,
    age_recipient TEXT NOT NULL,
    signing_key   BYTEA NOT NULL,
    wrapped_keys  BYTEA NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE INDEX accounts_org ON accounts (org_id);

-- At most one open invitation per email: a new one replaces it, redeeming deletes it.
CREATE TABLE invitations (
    email      TEXT COLLATE "C" PRIMARY KEY,
    org_id     BYTEA NOT NULL REFERENCES orgs (id),
    role       TEXT NOT NULL,
    code_hash  BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE mailboxes (
    id     BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    name   TEXT COLLATE "C" NOT NULL UNIQUE,
    org_id BYTEA NOT NULL REFERENCES orgs (id)
);

CREATE TABLE invitation_mailboxes (
    email      TEXT COLLATE "C" NOT NULL REFERENCES invitations (email) ON DELETE CASCADE,
    mailbox_id BYTEA NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    PRIMARY KEY (email, mailbox_id)
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE memberships (
    mailbox_id BYTEA NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (mailbox_id, account_id)
);

CREATE INDEX memberships_account ON memberships (account_id, mailbox_id);

-- state: 0 = pending, 1 = stored.
CREATE TABLE envelopes (
    id         BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    sender_id  BYTEA NOT NULL REFERENCES accounts (id),
    size       BIGINT NOT NULL CHECK (size >= 0),
    created_at BIGINT NOT NULL,
    state      BIGINT NOT NULL CHECK (state IN (0, 1))
);

-- Outbox: one index range scan per page, newest first.
CREATE INDEX envelopes_outbox ON envelopes (sender_id, state, created_at, id);
-- Clean-up of abandoned uploads.
CREATE INDEX envelopes_state ON envelopes (state, created_at);

-- One row per addressee, in the order the sender gave them. `created_at` and `stored` copy the
-- envelope's so that an inbox page is an index range scan per source (the account itself and
-- each of its mailboxes) without touching envelopes that are not on the page.
CREATE TABLE envelope_recipients (
    envelope_id BYTEA NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    account_id  BYTEA REFERENCES accounts (id),
    mailbox_id  BYTEA REFERENCES mailboxes (id),
    created_at  BIGINT NOT NULL,
    stored      BIGINT NOT NULL CHECK (stored IN (0, 1)),
    PRIMARY KEY (envelope_id, position),
    CHECK ((account_id IS NULL) <> (mailbox_id IS NULL))
);

CREATE INDEX recipients_account ON envelope_recipients (account_id, stored, created_at, envelope_id);
CREATE INDEX recipients_mailbox ON envelope_recipients (mailbox_id, stored, created_at, envelope_id);

-- An identity never hands out a number twice. Appends are serialized by an advisory lock
-- (see the crate documentation), so numbers also become visible in increasing order.
CREATE TABLE audit_events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       BYTEA,
    actor_email TEXT,
    org_id      BYTEA,
    from_addr   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    outcome     TEXT NOT NULL
);

CREATE INDEX audit_events_org ON audit_events (org_id, seq);
