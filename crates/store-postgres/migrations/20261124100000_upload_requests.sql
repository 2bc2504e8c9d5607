-- Upload requests (translated from the SQLite migration of the same name).
CREATE TABLE upload_requests (
    id          BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    creator_id  BYTEA NOT NULL REFERENCES accounts (id),
    mailbox_id  BYTEA REFERENCES mailboxes (id),
    email       TEXT NOT NULL,
    recipients  TEXT NOT NULL,
    signature   BYTEA NOT NULL CHECK (octet_length(signature) = 64),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    max_uploads BIGINT NOT NULL CHECK (max_uploads >= 1),
    uploads     BIGINT NOT NULL DEFAULT 0 CHECK (uploads >= 0 AND uploads <= max_uploads),
    state       TEXT NOT NULL CHECK (state IN ('active', 'expired', 'exhausted', 'withdrawn'))
);

CREATE INDEX upload_requests_creator ON upload_requests (creator_id, created_at);
CREATE INDEX upload_requests_expiry ON upload_requests (state, expires_at);

CREATE TABLE request_uploads (
    envelope_id BYTEA PRIMARY KEY REFERENCES envelopes (id) ON DELETE CASCADE,
    request_id  BYTEA NOT NULL REFERENCES upload_requests (id),
    at          BIGINT NOT NULL,
    address     TEXT NOT NULL
);

CREATE INDEX request_uploads_request ON request_uploads (request_id, at);
