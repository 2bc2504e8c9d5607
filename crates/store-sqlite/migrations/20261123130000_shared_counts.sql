-- Counting shared by the servers of one database: the flow monitor's journal (what each server
-- saw, replayed by the others into their sliding windows) and rate-limit windows.

-- Counts, ids and a 64-bit hash of the client address; never content. Kept about a day.
CREATE TABLE monitor_journal (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    instance   BLOB NOT NULL CHECK (length(instance) = 16),
    at         INTEGER NOT NULL,
    account_id BLOB NOT NULL CHECK (length(account_id) = 16),
    org_id     BLOB NOT NULL CHECK (length(org_id) = 16),
    address    INTEGER NOT NULL,
    kind       INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 6),
    bytes      INTEGER NOT NULL CHECK (bytes >= 0),
    sender_id  BLOB CHECK (sender_id IS NULL OR length(sender_id) = 16),
    mailbox_id BLOB CHECK (mailbox_id IS NULL OR length(mailbox_id) = 16)
) STRICT;

CREATE INDEX monitor_journal_at ON monitor_journal (at);

-- One row per key (a SHA-256: the store never sees the address or email counted) and window.
CREATE TABLE rate_hits (
    key          BLOB NOT NULL CHECK (length(key) = 32),
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL CHECK (hits > 0),
    PRIMARY KEY (key, window_start)
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_hits_window ON rate_hits (window_start);
