-- External links (docs/EXTERNAL.md): an envelope offered to a person without an account.
-- `server_half` is the server's half of the key; it is set to NULL in the same transaction
-- that ends the link (locked, expired, exhausted, withdrawn), so no backup taken afterwards
-- holds it. The fragment half is never stored.
CREATE TABLE links (
    id                BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    envelope_id       BLOB NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    creator_id        BLOB NOT NULL REFERENCES accounts (id),
    email             TEXT NOT NULL,
    phone             TEXT,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    max_downloads     INTEGER NOT NULL CHECK (max_downloads >= 1),
    downloads         INTEGER NOT NULL DEFAULT 0 CHECK (downloads >= 0),
    code_hash         BLOB NOT NULL CHECK (length(code_hash) = 32),
    code_failures     INTEGER NOT NULL DEFAULT 0 CHECK (code_failures >= 0),
    state             TEXT NOT NULL CHECK (state IN ('active', 'locked', 'expired', 'exhausted', 'withdrawn')),
    server_half       BLOB CHECK (server_half IS NULL OR length(server_half) = 32),
    receipt_key       BLOB NOT NULL CHECK (length(receipt_key) = 32),
    receipt_manifest  BLOB CHECK (receipt_manifest IS NULL OR length(receipt_manifest) = 32),
    receipt_opened_at INTEGER,
    receipt_signature BLOB,
    receipt_log_index INTEGER,
    CHECK (state = 'active' OR server_half IS NULL)
) STRICT;

CREATE INDEX links_envelope ON links (envelope_id, created_at);
-- The sweeper's scan for active links past their expiry.
CREATE INDEX links_expiry ON links (state, expires_at);

-- Download tokens, by hash; each lets its holder download for a few minutes.
CREATE TABLE link_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    link_id    BLOB NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX link_tokens_link ON link_tokens (link_id);

-- Every counted download: when and from which address.
CREATE TABLE link_openings (
    link_id BLOB NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    address TEXT NOT NULL
) STRICT;

CREATE INDEX link_openings_link ON link_openings (link_id, at);
