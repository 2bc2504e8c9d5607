-- Counting shared by the servers of one database (translated from the SQLite migration of the
-- same name): the flow monitor's journal and rate-limit windows.

-- Counts, ids and a 64-bit hash of the client address; never content. Kept about a day.
CREATE TABLE monitor_journal (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance   BYTEA NOT NULL CHECK (octet_length(instance) = 16),
    at         BIGINT NOT NULL,
    account_id BYTEA NOT NULL CHECK (octet_length(account_id) = 16),
    org_id     BYTEA NOT NULL CHECK (octet_length(org_id) = 16),
    address    BIGINT NOT NULL,
    kind       BIGINT NOT NULL CHECK (kind BETWEEN 1 AND 6),
    bytes      BIGINT NOT NULL CHECK (bytes >= 0),
    sender_id  BYTEA CHECK (sender_id IS NULL OR octet_length(sender_id) = 16),
    mailbox_id BYTEA CHECK (mailbox_id IS NULL OR octet_length(mailbox_id) = 16)
);

CREATE INDEX monitor_journal_at ON monitor_journal (at);

-- One row per key (a SHA-256: the store never sees the address or email counted) and window.
CREATE TABLE rate_hits (
    key          BYTEA NOT NULL CHECK (octet_length(key) = 32),
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL CHECK (hits > 0),
    PRIMARY KEY (key, window_start)
);

CREATE INDEX rate_hits_window ON rate_hits (window_start);
