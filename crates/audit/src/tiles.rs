//! Storage of the tree's hashes as tiles (C2SP tlog-tiles, height 8): one record per run of 256
//! hashes of one tree level, instead of one per hash.
//!
//! A tile of level `L` holds the hashes of tree level `8 * L` at positions `256 * n ..`, 32 bytes
//! each; every stored hash of tree levels `8L + 1 .. 8L + 7` is the root of a run of them and is
//! recomputed from the tile when read. The tile on the right edge of each level is partial and
//! grows with each batch until it holds 256 hashes. Appending a leaf thus writes a little over 32
//! bytes of tiles, and a batch writes a few tiles per level rather than two rows per leaf.

use std::collections::HashMap;
use std::ops::Range;

use tlog_tiles::tlog;

use crate::merkle::{HASH_SIZE, Hash, MAX_TREE_SIZE, node_hash, stored_hash_index};

/// Tree levels one tile spans.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// Coordinates of a hash tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Tile level: the tile holds hashes of tree level `8 * level`.
    pub level: u8,
    /// Number of the tile within its level: it holds positions `256 * index` onwards.
    pub index: u64,
}

/// Hashes a batch adds to one tile, after the `start` it already held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileAppend {
    /// The tile.
    pub tile: TileId,
    /// Hashes the tile held before the batch (0: the tile is new).
    pub start: u32,
    /// The new hashes, 32 bytes each, at positions `start` onwards of the tile.
    pub hashes: Vec<u8>,
}

/// The tile holding the stored hash at `index`, and the range of its positions whose subtree
/// root that hash is. `None` for an index beyond any tree this crate builds.
pub fn tile_of(index: u64) -> Option<(TileId, Range<usize>)> {
    if index >= stored_hash_index(0, MAX_TREE_SIZE) {
        return None;
    }
    let (level, n) = tlog::split_stored_hash_index(index);
    let within = level % TILE_HEIGHT;
    let first = n.checked_mul(1 << within)?;
    let tile = TileId {
        level: level / TILE_HEIGHT,
        index: first >> TILE_HEIGHT,
    };
    let start = usize::try_from(first % TILE_WIDTH).ok()?;
    Some((tile, start..start + (1 << within)))
}

/// The distinct tiles holding the stored hashes at `indexes`, in the order first needed. `None`
/// if an index is beyond any tree this crate builds.
pub fn tiles_for(indexes: &[u64]) -> Option<Vec<TileId>> {
    let mut tiles = Vec::new();
    for &index in indexes {
        let (tile, _) = tile_of(index)?;
        if !tiles.contains(&tile) {
            tiles.push(tile);
        }
    }
    Some(tiles)
}

/// The stored hash at `index` from its tile's bytes; `None` if the tile does not (yet) hold the
/// hashes it is made of, or its length is not a whole number of hashes.
pub fn hash_in_tile(data: &[u8], index: u64) -> Option<Hash> {
    if !data.len().is_multiple_of(HASH_SIZE) || data.len() > TILE_WIDTH as usize * HASH_SIZE {
        return None;
    }
    let (_, range) = tile_of(index)?;
    let bytes = data.get(range.start * HASH_SIZE..range.end * HASH_SIZE)?;
    Some(subtree_root(bytes))
}

/// Reads stored hashes from tiles fetched beforehand: `tiles` maps each tile of
/// [`tiles_for`]`(indexes)` to its bytes (a missing tile means missing hashes).
pub fn hashes_from_tiles(
    tiles: &HashMap<TileId, Vec<u8>>,
    indexes: &[u64],
) -> Result<Vec<Hash>, u64> {
    indexes
        .iter()
        .map(|&index| {
            let (tile, _) = tile_of(index).ok_or(index)?;
            let data = tiles.get(&tile).ok_or(index)?;
            hash_in_tile(data, index).ok_or(index)
        })
        .collect()
}

/// Root of the perfect subtree over consecutive hashes (a power of two of them).
fn subtree_root(bytes: &[u8]) -> Hash {
    if bytes.len() <= HASH_SIZE {
        let mut hash = [0u8; HASH_SIZE];
        hash[..bytes.len()].copy_from_slice(bytes);
        return Hash::from_bytes(hash);
    }
    let (left, right) = bytes.split_at(bytes.len() / 2);
    node_hash(&subtree_root(left), &subtree_root(right))
}

/// The tile writes that take a tree from `old_size` to `new_size` leaves, given every stored hash
/// the growth adds (`stored`, contiguous from stored index `stored_start`). `None` if `stored`
/// does not hold them.
pub fn tile_appends(
    old_size: u64,
    new_size: u64,
    stored_start: u64,
    stored: &[Hash],
) -> Option<Vec<TileAppend>> {
    let mut appends: Vec<TileAppend> = Vec::new();
    let mut level = 0u8;
    while u32::from(level) * u32::from(TILE_HEIGHT) < 64
        && new_size >> (u32::from(level) * u32::from(TILE_HEIGHT)) > 0
    {
        let shift = u32::from(level) * u32::from(TILE_HEIGHT);
        let tree_level = level.checked_mul(TILE_HEIGHT)?;
        for position in (old_size >> shift)..(new_size >> shift) {
            let offset = stored_hash_index(tree_level, position).checked_sub(stored_start)?;
            let hash = stored.get(usize::try_from(offset).ok()?)?;
            let tile = TileId {
                level,
                index: position >> TILE_HEIGHT,
            };
            match appends.last_mut() {
                Some(last) if last.tile == tile => last.hashes.extend_from_slice(hash.as_bytes()),
                _ => {
                    let mut hashes = Vec::with_capacity(TILE_WIDTH as usize * HASH_SIZE);
                    hashes.extend_from_slice(hash.as_bytes());
                    appends.push(TileAppend {
                        tile,
                        start: u32::try_from(position % TILE_WIDTH).ok()?,
                        hashes,
                    });
                }
            }
        }
        level += 1;
    }
    Some(appends)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{MemoryHashes, stored_hash_count};

    /// Tiles of a whole tree, written batch by batch as a store would.
    fn tiles_of(sizes: &[u64]) -> (MemoryHashes, HashMap<TileId, Vec<u8>>) {
        let mut tree = MemoryHashes::new();
        let mut tiles: HashMap<TileId, Vec<u8>> = HashMap::new();
        let mut all = Vec::new();
        for &size in sizes {
            let old = tree.size();
            while tree.size() < size {
                tree.push_leaf(&tree.size().to_be_bytes()).unwrap();
            }
            let start = stored_hash_count(old);
            all.clear();
            for index in start..stored_hash_count(size) {
                all.extend(crate::HashStore::read_hashes(&tree, &[index]).unwrap());
            }
            for append in tile_appends(old, size, start, &all).unwrap() {
                let data = tiles.entry(append.tile).or_default();
                assert_eq!(data.len(), append.start as usize * HASH_SIZE, "{append:?}");
                data.extend_from_slice(&append.hashes);
                assert!(data.len() <= TILE_WIDTH as usize * HASH_SIZE);
            }
        }
        (tree, tiles)
    }

    #[test]
    fn every_stored_hash_reads_back_from_tiles_across_boundaries() {
        for sizes in [
            &[1u64][..],
            &[255],
            &[256],
            &[257],
            &[100, 255, 256, 257, 600],
            &[65_535, 65_536, 65_537],
        ] {
            let (tree, tiles) = tiles_of(sizes);
            let size = tree.size();
            let indexes: Vec<u64> = (0..stored_hash_count(size)).collect();
            let expected = crate::HashStore::read_hashes(&tree, &indexes).unwrap();
            let read = hashes_from_tiles(&tiles, &indexes).unwrap();
            assert!(read == expected, "sizes {sizes:?}");
            // Nothing more is stored than the tree's size calls for.
            let leaves = tiles
                .iter()
                .filter(|(tile, _)| tile.level == 0)
                .map(|(_, data)| data.len() / HASH_SIZE)
                .sum::<usize>();
            assert_eq!(leaves as u64, size);
        }
    }

    #[test]
    fn a_hash_the_tiles_do_not_hold_yet_is_missing() {
        let (tree, tiles) = tiles_of(&[257]);
        let beyond = stored_hash_count(tree.size());
        assert_eq!(hashes_from_tiles(&tiles, &[beyond]), Err(beyond));
        assert_eq!(hashes_from_tiles(&HashMap::new(), &[0]), Err(0));
        assert_eq!(hashes_from_tiles(&tiles, &[u64::MAX]), Err(u64::MAX));
        assert!(hash_in_tile(&[0; 31], 0).is_none());
        assert!(hash_in_tile(&vec![0; 257 * HASH_SIZE], 0).is_none());
    }

    #[test]
    fn tiles_for_lists_each_tile_once() {
        let indexes = [0, 1, 2, stored_hash_index(0, 256), stored_hash_index(8, 0)];
        let tiles = tiles_for(&indexes).unwrap();
        assert_eq!(
            tiles,
            vec![
                TileId { level: 0, index: 0 },
                TileId { level: 0, index: 1 },
                TileId { level: 1, index: 0 },
            ]
        );
    }
}
