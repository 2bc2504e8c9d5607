-- The audit log's tree hashes as tiles (C2SP tlog-tiles, height 8; docs/AUDIT.md section 6):
-- one row per run of up to 256 hashes of one tree level (level L holds tree level 8L), instead
-- of one row per stored hash. The hashes of the levels between are recomputed from a tile when
-- read. A batch inserts the tiles it starts and extends the right-edge tile of each level it
-- reaches; entries and checkpoints are still only ever inserted.

CREATE TABLE audit_log_tiles (
    level INTEGER NOT NULL CHECK (level >= 0 AND level < 8),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    data  BLOB NOT NULL CHECK (length(data) BETWEEN 32 AND 8192 AND length(data) % 32 = 0),
    PRIMARY KEY (level, idx)
) STRICT;

-- Existing stored hashes move into tiles: the hash of tree level 8L at position p is stored
-- hash number stored_hash_index(8L, p) = sum over k of (((p + 1) << 8L) - 1) >> k, plus 8L
-- (Crosby and Wallach's numbering, as in Go's sumdb/tlog), for every p the signed tree covers.
INSERT INTO audit_log_tiles (level, idx, data)
WITH RECURSIVE
    tree(size) AS (SELECT coalesce(max(size), 0) FROM audit_log_checkpoints),
    levels(level) AS (VALUES (0), (1), (2), (3), (4), (5)),
    positions(level, pos) AS (
        SELECT level, 0 FROM levels, tree WHERE (size >> (8 * level)) > 0
        UNION ALL
        SELECT level, pos + 1 FROM positions, tree WHERE pos + 1 < (size >> (8 * level))
    ),
    shifts(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM shifts WHERE k < 62),
    wanted(level, pos, stored) AS (
        SELECT level, pos,
               8 * level + (SELECT sum((((pos + 1) << (8 * level)) - 1) >> k) FROM shifts)
        FROM positions
    )
SELECT wanted.level, wanted.pos >> 8,
       unhex(group_concat(hex(audit_log_hashes.hash), '' ORDER BY wanted.pos))
FROM wanted JOIN audit_log_hashes ON audit_log_hashes.idx = wanted.stored
GROUP BY wanted.level, wanted.pos >> 8;

DROP TABLE audit_log_hashes;
