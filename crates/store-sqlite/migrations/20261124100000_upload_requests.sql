-- Upload requests (docs/REQUESTS.md): an account asks a person without an account for
-- documents. Nothing here is secret: the statement and its signature are shown to the link's
-- holder, and the documents travel encrypted in ordinary envelopes.
CREATE TABLE upload_requests (
    id          BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    creator_id  BLOB NOT NULL REFERENCES accounts (id),
    mailbox_id  BLOB REFERENCES mailboxes (id),
    email       TEXT NOT NULL,
    -- JSON array of age recipients, in the order the statement signs them.
    recipients  TEXT NOT NULL,
    signature   BLOB NOT NULL CHECK (length(signature) = 64),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uploads INTEGER NOT NULL CHECK (max_uploads >= 1),
    uploads     INTEGER NOT NULL DEFAULT 0 CHECK (uploads >= 0 AND uploads <= max_uploads),
    state       TEXT NOT NULL CHECK (state IN ('active', 'expired', 'exhausted', 'withdrawn'))
) STRICT;

CREATE INDEX upload_requests_creator ON upload_requests (creator_id, created_at);
-- The sweeper's scan for active requests past their expiry.
CREATE INDEX upload_requests_expiry ON upload_requests (state, expires_at);

-- The envelopes uploaded through a request (pending ones too: the envelope's state says
-- whether it is visible). An envelope's row going takes its mark with it.
CREATE TABLE request_uploads (
    envelope_id BLOB PRIMARY KEY NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    request_id  BLOB NOT NULL REFERENCES upload_requests (id),
    at          INTEGER NOT NULL,
    address     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX request_uploads_request ON request_uploads (request_id, at);
