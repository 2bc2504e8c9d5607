-- Functional mailbox keys: generations, each member's copy of their secrets, and the removals
-- that make a generation stale. A translation of the SQLite migration of the same name.

-- Every removal of a member, in order. A generation remembers the last removal it saw
-- (`removals_seen`); a later one makes it stale. A sequence rather than a timestamp, so a
-- removal in the same second as a rotation is never mistaken for an earlier one. Removals and
-- rotations of one mailbox take its row lock, so they are ordered like their numbers.
CREATE TABLE mailbox_removals (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox_id BYTEA NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    removed_at BIGINT NOT NULL
);

CREATE INDEX mailbox_removals_mailbox ON mailbox_removals (mailbox_id, seq);

-- One row per generation: its public recipient and its creator's signature. The secret is
-- never here, only in `mailbox_key_wraps`, encrypted to each member.
CREATE TABLE mailbox_keys (
    mailbox_id    BYTEA NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    generation    BIGINT NOT NULL CHECK (generation >= 1),
    recipient     TEXT NOT NULL,
    creator_id    BYTEA NOT NULL REFERENCES accounts (id),
    created_at    BIGINT NOT NULL,
    signature     BYTEA NOT NULL CHECK (octet_length(signature) = 64),
    removals_seen BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, generation)
);

CREATE TABLE mailbox_key_wraps (
    mailbox_id BYTEA NOT NULL,
    generation BIGINT NOT NULL,
    account_id BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    wrapped    BYTEA NOT NULL,
    PRIMARY KEY (mailbox_id, generation, account_id),
    FOREIGN KEY (mailbox_id, generation) REFERENCES mailbox_keys (mailbox_id, generation)
        ON DELETE CASCADE
);

CREATE INDEX mailbox_key_wraps_account ON mailbox_key_wraps (account_id, mailbox_id);
