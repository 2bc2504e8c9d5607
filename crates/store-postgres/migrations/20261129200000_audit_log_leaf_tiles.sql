-- Leaf hashes are no longer stored (docs/AUDIT.md section 6): the tiles of level 0 are derived
-- from the entries of their bundle (each entry's leaf hash, or the one kept for a pruned entry),
-- so each entry is stored once. The tiles of level 1 and above stay. A translation of the SQLite
-- migration of the same name.

DELETE FROM audit_log_tiles WHERE level = 0;
