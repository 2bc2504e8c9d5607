-- Flow monitor: learned baselines, holds on downloads, canary envelopes (translated from the
-- SQLite migration of the same name).

CREATE TABLE monitor_baselines (
    subject_id BYTEA PRIMARY KEY CHECK (octet_length(subject_id) = 16),
    state      BYTEA NOT NULL,
    saved_at   BIGINT NOT NULL
);

CREATE TABLE download_holds (
    account_id BYTEA PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    kind       BIGINT NOT NULL CHECK (kind IN (1, 2)),
    at         BIGINT NOT NULL,
    rule       TEXT NOT NULL,
    details    TEXT NOT NULL
);

CREATE TABLE canaries (
    envelope_id      BYTEA PRIMARY KEY REFERENCES envelopes (id) ON DELETE CASCADE,
    mailbox_id       BYTEA NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    planted_by       BYTEA REFERENCES accounts (id) ON DELETE SET NULL,
    planted_by_email TEXT NOT NULL,
    planted_at       BIGINT NOT NULL
);

CREATE INDEX canaries_mailbox ON canaries (mailbox_id);
