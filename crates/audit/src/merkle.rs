//! The Merkle tree of RFC 9162 (Certificate Transparency v2, same hashing as RFC 6962): leaf and
//! node hashes, tree roots, inclusion and consistency proofs, and their verification.
//!
//! The tree's nodes live in a [`HashStore`] under the dense "stored hash" numbering of Crosby and
//! Wallach (also used by Go's `sumdb/tlog` and C2SP tlog-tiles): appending leaf `n` writes its
//! leaf hash and the hashes of every subtree it completes, so any root or proof later reads at most
//! a few dozen stored hashes whatever the tree's size. The algorithms are those of the
//! `tlog_tiles` crate; this module adds the storage boundary, bounds on sizes and proof lengths
//! (so hostile input cannot make it panic or loop), and the [`Frontier`] that appends without
//! reading storage.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use tlog_tiles::tlog;

/// Size of a hash in bytes (SHA-256).
pub const HASH_SIZE: usize = 32;

/// Largest tree this crate builds or verifies: 2^48 leaves, far beyond any audit trail, and small
/// enough that no index arithmetic can overflow.
pub const MAX_TREE_SIZE: u64 = 1 << 48;

/// Longest proof accepted for verification. Proofs of a tree of at most [`MAX_TREE_SIZE`] leaves
/// hold at most 49 hashes; anything longer is rejected before any hashing.
pub const MAX_PROOF_HASHES: usize = 64;

/// A SHA-256 hash: a leaf hash, an interior node or a tree root.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash([u8; HASH_SIZE]);

/// Root of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1).
pub const EMPTY_ROOT: Hash = Hash(tlog::EMPTY_HASH.0);

impl Hash {
    /// Wraps 32 bytes.
    pub const fn from_bytes(bytes: [u8; HASH_SIZE]) -> Hash {
        Hash(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// Parses standard base64 (as in a checkpoint's root line) of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Option<Hash> {
        // 32 bytes are 44 base64 characters; refuse anything longer before decoding it.
        if text.len() != 44 {
            return None;
        }
        let bytes = BASE64_STANDARD.decode(text).ok()?;
        Some(Hash(bytes.try_into().ok()?))
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Hash> {
        if text.len() != 2 * HASH_SIZE || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut bytes = [0u8; HASH_SIZE];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).ok()?;
            *byte = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(Hash(bytes))
    }
}

/// Standard base64, the encoding of checkpoints.
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&BASE64_STANDARD.encode(self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// RFC 9162 leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    Hash(tlog::record_hash(data).0)
}

/// RFC 9162 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Hash(tlog::node_hash(tlog::Hash(left.0), tlog::Hash(right.0)).0)
}

/// Position, in a [`HashStore`], of the hash of the `n`th perfect subtree of `2^level` leaves
/// (level 0 holds the leaf hashes).
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog::stored_hash_index(level, n)
}

/// Number of stored hashes of a tree of `size` leaves (a little under `2 * size`).
pub fn stored_hash_count(size: u64) -> u64 {
    tlog::stored_hash_count(size)
}

/// Read access to a tree's stored hashes, numbered by [`stored_hash_index`].
///
/// This is the storage boundary of the tree: [`MemoryHashes`] keeps them in a vector, a database
/// backend keeps them in a table. Implementations must return exactly one hash per index, in the
/// order asked, or an error.
pub trait HashStore {
    /// The hashes at these stored indexes.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError>;
}

/// A failure of a [`HashStore`] or a [`LogStore`](crate::LogStore), carrying the backend's error.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StorageError(Box<dyn std::error::Error + Send + Sync + 'static>);

impl StorageError {
    /// Wraps a backend's error (or a message).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        StorageError(error.into())
    }
}

/// Why a tree operation or a proof failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// The leaf is not in the tree.
    #[error("leaf index {index} is outside a tree of {size} leaves")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("tree size {old_size} is larger than {new_size}")]
    SizesOutOfOrder { old_size: u64, new_size: u64 },
    /// The tree would exceed [`MAX_TREE_SIZE`].
    #[error("tree size {size} is over the supported maximum of 2^48 leaves")]
    TooLarge { size: u64 },
    /// The proof, root or leaf hash do not match.
    #[error("the proof does not verify")]
    InvalidProof,
    /// The hash store failed.
    #[error("reading stored hashes: {0}")]
    Storage(#[from] StorageError),
    /// The underlying algorithm reported an unexpected condition.
    #[error("merkle tree: {0}")]
    Internal(String),
}

/// Root hash of the tree made of the first `size` leaves of `store`.
pub fn tree_root<S: HashStore + ?Sized>(size: u64, store: &S) -> Result<Hash, MerkleError> {
    check_size(size)?;
    let reader = Reader::new(store);
    match tlog::tree_hash(size, &reader) {
        Ok(root) => Ok(Hash(root.0)),
        Err(error) => Err(reader.into_error(error)),
    }
}

/// Inclusion proof (RFC 9162 section 2.1.3.1) of leaf `index` in the tree of the first `size`
/// leaves of `store`: the sibling hashes from the leaf up to the root.
pub fn inclusion_proof<S: HashStore + ?Sized>(
    size: u64,
    index: u64,
    store: &S,
) -> Result<Vec<Hash>, MerkleError> {
    check_index(size, index)?;
    let reader = Reader::new(store);
    match tlog::prove_record(size, index, &reader) {
        Ok(proof) => Ok(proof.into_iter().map(|hash| Hash(hash.0)).collect()),
        Err(error) => Err(reader.into_error(error)),
    }
}

/// Stored indexes [`inclusion_proof`] reads, so that an asynchronous backend can fetch them first
/// and then serve them from a map (`HashMap<u64, Hash>` is a [`HashStore`]).
pub fn inclusion_proof_indexes(size: u64, index: u64) -> Result<Vec<u64>, MerkleError> {
    check_index(size, index)?;
    let recorder = Recorder::default();
    tlog::prove_record(size, index, &recorder).map_err(|error| internal(&error))?;
    Ok(recorder.indexes.into_inner())
}

/// Verifies an inclusion proof (RFC 9162 section 2.1.3.2): the leaf whose hash is `leaf_hash` is
/// at `index` in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    check_index(size, index)?;
    if proof.len() > MAX_PROOF_HASHES {
        return Err(MerkleError::InvalidProof);
    }
    let proof: Vec<tlog::Hash> = proof.iter().map(|hash| tlog::Hash(hash.0)).collect();
    tlog::check_record(
        &proof,
        size,
        tlog::Hash(root.0),
        index,
        tlog::Hash(leaf_hash.0),
    )
    .map_err(|_| MerkleError::InvalidProof)
}

/// Consistency proof (RFC 9162 section 2.1.4.1) that the tree of the first `old_size` leaves of
/// `store` is a prefix of the tree of its first `new_size` leaves. Empty when `old_size` is 0 or
/// equals `new_size`.
pub fn consistency_proof<S: HashStore + ?Sized>(
    old_size: u64,
    new_size: u64,
    store: &S,
) -> Result<Vec<Hash>, MerkleError> {
    check_sizes(old_size, new_size)?;
    if old_size == 0 {
        return Ok(Vec::new());
    }
    let reader = Reader::new(store);
    match tlog::prove_tree(new_size, old_size, &reader) {
        Ok(proof) => Ok(proof.into_iter().map(|hash| Hash(hash.0)).collect()),
        Err(error) => Err(reader.into_error(error)),
    }
}

/// Stored indexes [`consistency_proof`] reads (see [`inclusion_proof_indexes`]).
pub fn consistency_proof_indexes(old_size: u64, new_size: u64) -> Result<Vec<u64>, MerkleError> {
    check_sizes(old_size, new_size)?;
    if old_size == 0 {
        return Ok(Vec::new());
    }
    let recorder = Recorder::default();
    tlog::prove_tree(new_size, old_size, &recorder).map_err(|error| internal(&error))?;
    Ok(recorder.indexes.into_inner())
}

/// Verifies a consistency proof (RFC 9162 section 2.1.4.2): the tree of `old_size` leaves with
/// root `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`.
///
/// The empty tree is a prefix of every tree, but only under its own root [`EMPTY_ROOT`] and with
/// an empty proof: a checkpoint claiming another root for size 0 is refused.
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    check_sizes(old_size, new_size)?;
    if proof.len() > MAX_PROOF_HASHES {
        return Err(MerkleError::InvalidProof);
    }
    if old_size == 0 {
        return if *old_root == EMPTY_ROOT && proof.is_empty() {
            Ok(())
        } else {
            Err(MerkleError::InvalidProof)
        };
    }
    let proof: Vec<tlog::Hash> = proof.iter().map(|hash| tlog::Hash(hash.0)).collect();
    tlog::check_tree(
        &proof,
        new_size,
        tlog::Hash(new_root.0),
        old_size,
        tlog::Hash(old_root.0),
    )
    .map_err(|_| MerkleError::InvalidProof)
}

/// The right edge of a tree: the roots of the perfect subtrees that make up its leaves, largest
/// first (a "compact range" of the whole tree). It is all an appender needs: pushing a leaf
/// yields the hashes to store and the new root without reading storage, in `O(log n)` memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Frontier {
        Frontier::default()
    }

    /// Reads the frontier of the tree of the first `size` leaves of `store` (at most 48 hashes).
    pub fn load<S: HashStore + ?Sized>(size: u64, store: &S) -> Result<Frontier, MerkleError> {
        check_size(size)?;
        let indexes = tlog::sub_tree_index(0, size, Vec::new());
        let nodes = store.read_hashes(&indexes)?;
        if nodes.len() != indexes.len() {
            return Err(wrong_count(indexes.len(), nodes.len()).into());
        }
        Ok(Frontier { size, nodes })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Root hash of the tree.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(mut root) = nodes.next().copied() else {
            return EMPTY_ROOT;
        };
        for left in nodes {
            root = node_hash(left, &root);
        }
        root
    }

    /// Appends a leaf by its leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) -> Result<(), MerkleError> {
        self.push_inner(leaf_hash, None)
    }

    /// Appends a leaf by its leaf hash and adds to `stored` the hashes a [`HashStore`] must hold
    /// for it, in stored-index order: the leaf hash, then each subtree root it completes.
    pub fn push_recording(
        &mut self,
        leaf_hash: Hash,
        stored: &mut Vec<Hash>,
    ) -> Result<(), MerkleError> {
        self.push_inner(leaf_hash, Some(stored))
    }

    fn push_inner(
        &mut self,
        leaf_hash: Hash,
        mut stored: Option<&mut Vec<Hash>>,
    ) -> Result<(), MerkleError> {
        if self.size >= MAX_TREE_SIZE {
            return Err(MerkleError::TooLarge {
                size: self.size.saturating_add(1),
            });
        }
        if let Some(stored) = stored.as_deref_mut() {
            stored.push(leaf_hash);
        }
        // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
        let mut node = leaf_hash;
        let mut size = self.size;
        while size & 1 == 1 {
            let Some(left) = self.nodes.pop() else {
                return Err(MerkleError::Internal(
                    "frontier shorter than its size".into(),
                ));
            };
            node = node_hash(&left, &node);
            if let Some(stored) = stored.as_deref_mut() {
                stored.push(node);
            }
            size >>= 1;
        }
        self.nodes.push(node);
        self.size += 1;
        Ok(())
    }
}

/// Stored hashes in memory, as one vector in stored-index order.
#[derive(Clone, Debug, Default)]
pub struct MemoryHashes {
    hashes: Vec<Hash>,
    frontier: Frontier,
}

impl MemoryHashes {
    /// An empty tree.
    pub fn new() -> MemoryHashes {
        MemoryHashes::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Root hash of the whole tree.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// Appends a leaf by its data.
    pub fn push_leaf(&mut self, data: &[u8]) -> Result<(), MerkleError> {
        self.push_leaf_hash(leaf_hash(data))
    }

    /// Appends a leaf by its leaf hash.
    pub fn push_leaf_hash(&mut self, leaf_hash: Hash) -> Result<(), MerkleError> {
        self.frontier.push_recording(leaf_hash, &mut self.hashes)
    }

    /// Leaf hash of leaf `index`.
    pub fn leaf_hash(&self, index: u64) -> Option<Hash> {
        if index >= self.size() {
            return None;
        }
        let position = usize::try_from(stored_hash_index(0, index)).ok()?;
        self.hashes.get(position).copied()
    }
}

impl HashStore for MemoryHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError> {
        indexes
            .iter()
            .map(|&index| {
                usize::try_from(index)
                    .ok()
                    .and_then(|position| self.hashes.get(position).copied())
                    .ok_or_else(|| missing(index))
            })
            .collect()
    }
}

impl HashStore for HashMap<u64, Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError> {
        indexes
            .iter()
            .map(|index| self.get(index).copied().ok_or_else(|| missing(*index)))
            .collect()
    }
}

impl HashStore for BTreeMap<u64, Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError> {
        indexes
            .iter()
            .map(|index| self.get(index).copied().ok_or_else(|| missing(*index)))
            .collect()
    }
}

fn check_size(size: u64) -> Result<(), MerkleError> {
    if size > MAX_TREE_SIZE {
        return Err(MerkleError::TooLarge { size });
    }
    Ok(())
}

fn check_index(size: u64, index: u64) -> Result<(), MerkleError> {
    check_size(size)?;
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    Ok(())
}

fn check_sizes(old_size: u64, new_size: u64) -> Result<(), MerkleError> {
    check_size(new_size)?;
    if old_size > new_size {
        return Err(MerkleError::SizesOutOfOrder { old_size, new_size });
    }
    Ok(())
}

fn missing(index: u64) -> StorageError {
    StorageError::new(format!("no stored hash at index {index}"))
}

fn wrong_count(asked: usize, got: usize) -> StorageError {
    StorageError::new(format!("asked for {asked} stored hashes, got {got}"))
}

fn internal(error: &tlog::Error) -> MerkleError {
    MerkleError::Internal(error.to_string())
}

/// Adapts a [`HashStore`] to the algorithm crate's reader, keeping the store's own error (the
/// crate's error type has no room for it) and guaranteeing one hash per index, which the crate
/// asserts.
struct Reader<'a, S: HashStore + ?Sized> {
    store: &'a S,
    failure: RefCell<Option<StorageError>>,
}

impl<'a, S: HashStore + ?Sized> Reader<'a, S> {
    fn new(store: &'a S) -> Self {
        Reader {
            store,
            failure: RefCell::new(None),
        }
    }

    fn into_error(self, error: tlog::Error) -> MerkleError {
        match self.failure.into_inner() {
            Some(failure) => MerkleError::Storage(failure),
            None => internal(&error),
        }
    }
}

impl<S: HashStore + ?Sized> tlog::HashReader for Reader<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog::Error> {
        let failure = match self.store.read_hashes(indexes) {
            Ok(hashes) if hashes.len() == indexes.len() => {
                return Ok(hashes.into_iter().map(|hash| tlog::Hash(hash.0)).collect());
            }
            Ok(hashes) => wrong_count(indexes.len(), hashes.len()),
            Err(failure) => failure,
        };
        *self.failure.borrow_mut() = Some(failure);
        Err(tlog::Error::IndexesNotInTree)
    }
}

/// A reader that records which indexes are asked and answers with placeholders: the indexes a
/// proof needs depend only on the sizes, never on hash values.
#[derive(Default)]
struct Recorder {
    indexes: RefCell<Vec<u64>>,
}

impl tlog::HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog::Hash>, tlog::Error> {
        self.indexes.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog::Hash::default(); indexes.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(n: u64) -> MemoryHashes {
        let mut hashes = MemoryHashes::new();
        for i in 0..n {
            hashes.push_leaf(&i.to_be_bytes()).unwrap();
        }
        hashes
    }

    #[test]
    fn frontier_stores_what_the_reference_algorithm_stores() {
        let mut hashes = MemoryHashes::new();
        for n in 0..300u64 {
            let data = n.to_le_bytes();
            let reader = Reader::new(&hashes);
            let expected = tlog::stored_hashes(n, &data, &reader).unwrap();
            let before = hashes.hashes.len();
            assert_eq!(before as u64, stored_hash_count(n));
            hashes.push_leaf(&data).unwrap();
            let expected: Vec<Hash> = expected.into_iter().map(|h| Hash(h.0)).collect();
            assert_eq!(hashes.hashes[before..], expected[..], "leaf {n}");
            assert_eq!(hashes.root(), tree_root(n + 1, &hashes).unwrap());
        }
    }

    #[test]
    fn frontier_loads_from_storage() {
        let hashes = tree(77);
        for size in 0..=77 {
            let frontier = Frontier::load(size, &hashes).unwrap();
            assert_eq!(frontier.root(), tree_root(size, &hashes).unwrap());
            assert_eq!(frontier.size(), size);
        }
    }

    #[test]
    fn recorded_indexes_serve_the_same_proofs_from_a_map() {
        let hashes = tree(45);
        for size in 1..=45u64 {
            for index in 0..size {
                let indexes = inclusion_proof_indexes(size, index).unwrap();
                let map: HashMap<u64, Hash> = indexes
                    .iter()
                    .zip(hashes.read_hashes(&indexes).unwrap())
                    .map(|(i, h)| (*i, h))
                    .collect();
                assert_eq!(
                    inclusion_proof(size, index, &map).unwrap(),
                    inclusion_proof(size, index, &hashes).unwrap()
                );
            }
            for old in 0..=size {
                let indexes = consistency_proof_indexes(old, size).unwrap();
                let map: BTreeMap<u64, Hash> = indexes
                    .iter()
                    .zip(hashes.read_hashes(&indexes).unwrap())
                    .map(|(i, h)| (*i, h))
                    .collect();
                assert_eq!(
                    consistency_proof(old, size, &map).unwrap(),
                    consistency_proof(old, size, &hashes).unwrap()
                );
            }
        }
    }

    #[test]
    fn a_store_that_loses_hashes_is_an_error_not_a_panic() {
        struct Short;
        impl HashStore for Short {
            fn read_hashes(&self, _: &[u64]) -> Result<Vec<Hash>, StorageError> {
                Ok(vec![EMPTY_ROOT])
            }
        }
        assert!(matches!(
            inclusion_proof(8, 3, &Short),
            Err(MerkleError::Storage(_))
        ));
        assert!(matches!(tree_root(7, &Short), Err(MerkleError::Storage(_))));
        assert!(matches!(
            Frontier::load(7, &Short),
            Err(MerkleError::Storage(_))
        ));
        let empty = MemoryHashes::new();
        assert!(matches!(
            consistency_proof(3, 5, &empty),
            Err(MerkleError::Storage(_))
        ));
    }

    #[test]
    fn sizes_are_bounded() {
        let hashes = tree(1);
        assert!(matches!(
            tree_root(MAX_TREE_SIZE + 1, &hashes),
            Err(MerkleError::TooLarge { .. })
        ));
        assert!(matches!(
            verify_inclusion(&EMPTY_ROOT, 0, u64::MAX, &EMPTY_ROOT, &[]),
            Err(MerkleError::TooLarge { .. })
        ));
        assert!(matches!(
            verify_consistency(1, &EMPTY_ROOT, u64::MAX, &EMPTY_ROOT, &[]),
            Err(MerkleError::TooLarge { .. })
        ));
        let long = vec![EMPTY_ROOT; MAX_PROOF_HASHES + 1];
        assert!(matches!(
            verify_inclusion(&EMPTY_ROOT, 0, 2, &EMPTY_ROOT, &long),
            Err(MerkleError::InvalidProof)
        ));
    }

    #[test]
    fn hash_text_forms_round_trip() {
        let hash = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&hash.to_string()), Some(hash));
        let hex: String = hash.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(Hash::from_hex(&hex), Some(hash));
        assert_eq!(Hash::from_hex("zz"), None);
        assert_eq!(Hash::from_base64("AAAA"), None);
    }
}
