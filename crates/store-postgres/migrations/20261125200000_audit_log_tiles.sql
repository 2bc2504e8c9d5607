-- The audit log's tree hashes as tiles (C2SP tlog-tiles, height 8; docs/AUDIT.md section 6):
-- one row per run of up to 256 hashes of one tree level (level L holds tree level 8L), instead
-- of one row per stored hash. A translation of the SQLite migration of the same name.

CREATE TABLE audit_log_tiles (
    level BIGINT NOT NULL CHECK (level >= 0 AND level < 8),
    idx   BIGINT NOT NULL CHECK (idx >= 0),
    data  BYTEA NOT NULL
        CHECK (octet_length(data) BETWEEN 32 AND 8192 AND octet_length(data) % 32 = 0),
    PRIMARY KEY (level, idx)
);

-- Existing stored hashes move into tiles: the hash of tree level 8L at position p is stored
-- hash number stored_hash_index(8L, p) = sum over k of (((p + 1) << 8L) - 1) >> k, plus 8L
-- (Crosby and Wallach's numbering, as in Go's sumdb/tlog), for every p the signed tree covers.
INSERT INTO audit_log_tiles (level, idx, data)
WITH tree AS (SELECT coalesce(max(size), 0) AS size FROM audit_log_checkpoints),
positions AS (
    SELECT levels.level, p.pos
    FROM generate_series(0, 5) AS levels(level)
    CROSS JOIN tree
    CROSS JOIN LATERAL generate_series(0::bigint, (tree.size >> (8 * levels.level)) - 1) AS p(pos)
),
wanted AS (
    SELECT level, pos,
           (8 * level + (SELECT sum((((pos + 1) << (8 * level)) - 1) >> k)
                         FROM generate_series(0, 62) AS shifts(k)))::bigint AS stored
    FROM positions
)
SELECT wanted.level, wanted.pos >> 8,
       string_agg(audit_log_hashes.hash, ''::bytea ORDER BY wanted.pos)
FROM wanted JOIN audit_log_hashes ON audit_log_hashes.idx = wanted.stored
GROUP BY wanted.level, wanted.pos >> 8;

DROP TABLE audit_log_hashes;
