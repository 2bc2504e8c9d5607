-- External links (translated from the SQLite migration of the same name).
CREATE TABLE links (
    id                BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    envelope_id       BYTEA NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    creator_id        BYTEA NOT NULL REFERENCES accounts (id),
    email             TEXT NOT NULL,
    phone             TEXT,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    max_downloads     BIGINT NOT NULL CHECK (max_downloads >= 1),
    downloads         BIGINT NOT NULL DEFAULT 0 CHECK (downloads >= 0),
    code_hash         BYTEA NOT NULL CHECK (octet_length(code_hash) = 32),
    code_failures     BIGINT NOT NULL DEFAULT 0 CHECK (code_failures >= 0),
    state             TEXT NOT NULL CHECK (state IN ('active', 'locked', 'expired', 'exhausted', 'withdrawn')),
    server_half       BYTEA CHECK (server_half IS NULL OR octet_length(server_half) = 32),
    receipt_key       BYTEA NOT NULL CHECK (octet_length(receipt_key) = 32),
    receipt_manifest  BYTEA CHECK (receipt_manifest IS NULL OR octet_length(receipt_manifest) = 32),
    receipt_opened_at BIGINT,
    receipt_signature BYTEA,
    receipt_log_index BIGINT,
    CHECK (state = 'active' OR server_half IS NULL)
);

CREATE INDEX links_envelope ON links (envelope_id, created_at);
CREATE INDEX links_expiry ON links (state, expires_at);

CREATE TABLE link_tokens (
    token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    link_id    BYTEA NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);

CREATE INDEX link_tokens_link ON link_tokens (link_id);

CREATE TABLE link_openings (
    link_id BYTEA NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at      BIGINT NOT NULL,
    address TEXT NOT NULL
);

CREATE INDEX link_openings_link ON link_openings (link_id, at);
