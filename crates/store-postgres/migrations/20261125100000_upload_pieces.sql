-- Resumable uploads (docs/FORMAT.md, "Uploading"): each durably written piece of a pending
-- envelope's ciphertext, in order. The acknowledged offset is the end of the last piece. The
-- rows go when the envelope is stored (its pieces then form one blob) or removed.
CREATE TABLE upload_pieces (
    envelope_id BYTEA NOT NULL REFERENCES envelopes (id) ON DELETE CASCADE,
    start       BIGINT NOT NULL CHECK (start >= 0),
    size        BIGINT NOT NULL CHECK (size > 0),
    blob_key    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (envelope_id, start)
);
