-- Functional mailbox keys: generations, each member's copy of their secrets, and the removals
-- that make a generation stale.

-- Every removal of a member, in order. A generation remembers the last removal it saw
-- (`removals_seen`); a later one makes it stale. A sequence rather than a timestamp, so a
-- removal in the same second as a rotation is never mistaken for an earlier one.
CREATE TABLE mailbox_removals (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id BLOB NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    removed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX mailbox_removals_mailbox ON mailbox_removals (mailbox_id, seq);

-- One row per generation: its public recipient and its creator's signature. The secret is
-- never here, only in `mailbox_key_wraps`, encrypted to each member.
CREATE TABLE mailbox_keys (
    mailbox_id    BLOB NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    generation    INTEGER NOT NULL CHECK (generation >= 1),
    recipient     TEXT NOT NULL,
    creator_id    BLOB NOT NULL REFERENCES accounts (id),
    created_at    INTEGER NOT NULL,
    signature     BLOB NOT NULL CHECK (length(signature) = 64),
    removals_seen INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, generation)
) STRICT, WITHOUT ROWID;

CREATE TABLE mailbox_key_wraps (
    mailbox_id BLOB NOT NULL,
    generation INTEGER NOT NULL,
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    wrapped    BLOB NOT NULL,
    PRIMARY KEY (mailbox_id, generation, account_id),
    FOREIGN KEY (mailbox_id, generation) REFERENCES mailbox_keys (mailbox_id, generation)
        ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX mailbox_key_wraps_account ON mailbox_key_wraps (account_id, mailbox_id);
