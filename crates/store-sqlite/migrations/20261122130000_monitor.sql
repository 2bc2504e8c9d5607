-- Flow monitor: learned baselines, holds on downloads, canary envelopes.

-- One learned baseline per account or organisation (`subject_id`), encoded by the server;
-- counts, decayed peaks and hashed addresses only.
CREATE TABLE monitor_baselines (
    subject_id BLOB PRIMARY KEY NOT NULL CHECK (length(subject_id) = 16),
    state      BLOB NOT NULL,
    saved_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- What holds an account's downloads: 1 = step-up (second factor again), 2 = blocked until an
-- admin lifts it. `details` holds the rule's numbers, never content.
CREATE TABLE download_holds (
    account_id BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       INTEGER NOT NULL CHECK (kind IN (1, 2)),
    at         INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    details    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Decoy envelopes planted by admins. Only the server knows: listings never say.
CREATE TABLE canaries (
    envelope_id      BLOB PRIMARY KEY NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    mailbox_id       BLOB NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    planted_by       BLOB REFERENCES accounts (id) ON DELETE SET NULL,
    planted_by_email TEXT NOT NULL,
    planted_at       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX canaries_mailbox ON canaries (mailbox_id);
