//! The log: appends batches of audit events, one signed checkpoint per batch.
//!
//! Appending is split in two so that the caller's storage can be asynchronous and transactional:
//! [`AuditLog::prepare`] encodes the entries, hashes them and signs the new checkpoint without
//! touching the log or any storage; the caller writes the [`PendingBatch`] in one transaction;
//! [`AuditLog::commit`] then advances the log. A failed write leaves the log as it was.
//! [`AuditLog::append`] does all three over a synchronous [`LogStore`] such as [`MemoryLog`].

use crate::checkpoint::{Checkpoint, CheckpointError, LogKey, LogVerifier, SignedCheckpoint};
use crate::entry::{AuditEvent, EntryError, encode_event};
use crate::merkle::{
    Frontier, Hash, HashStore, MerkleError, StorageError, leaf_hash, stored_hash_count,
    stored_hash_index,
};
use crate::record::Record;
use crate::tiles::{TileAppend, tile_appends};

/// Most events in one batch.
pub const MAX_BATCH_EVENTS: usize = 65_536;

/// Storage of a log: its entries, its tree's stored hashes and its signed checkpoints.
pub trait LogStore: HashStore {
    /// Writes a prepared batch durably and atomically: the entries at indexes
    /// [`PendingBatch::first_index`] onwards, the stored hashes from
    /// [`PendingBatch::stored_hashes_start`] onwards, and the signed checkpoint. On error nothing
    /// of the batch may be visible.
    fn write_batch(&mut self, batch: &PendingBatch) -> Result<(), StorageError>;
}

/// Why an append failed. The log is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// An event cannot be encoded (a field is too long).
    #[error("event {position} of the batch: {source}")]
    Entry {
        /// Position of the event in the batch.
        position: usize,
        /// What is wrong with it.
        source: EntryError,
    },
    /// The batch holds no event.
    #[error("empty batch")]
    EmptyBatch,
    /// The batch holds more than [`MAX_BATCH_EVENTS`] events.
    #[error("batch of {0} events is over the limit of {MAX_BATCH_EVENTS}")]
    BatchTooLarge(usize),
    /// The batch was prepared for another state of the log.
    #[error("batch prepared for a log of {prepared} entries, the log has {current}")]
    StaleBatch {
        /// Size of the log when the batch was prepared.
        prepared: u64,
        /// Size of the log now.
        current: u64,
    },
    /// The stored tree does not have the root of the checkpoint the log was opened at.
    #[error("stored tree of {size} entries does not match its checkpoint")]
    StoreMismatch {
        /// Size of the checkpoint.
        size: u64,
    },
    /// Tree arithmetic or reading stored hashes failed.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// Signing the checkpoint failed.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// Writing the batch failed.
    #[error("writing the batch: {0}")]
    Storage(#[from] StorageError),
}

/// The appending side of a log: its signing key and the right edge of its tree.
#[derive(Debug)]
pub struct AuditLog {
    key: LogKey,
    frontier: Frontier,
    last_leaf: Hash,
}

/// A batch ready to be written: its encoded entries, its stored hashes and its signed checkpoint.
#[derive(Clone, Debug)]
pub struct PendingBatch {
    first_index: u64,
    entries: Vec<Vec<u8>>,
    stored_hashes: Vec<Hash>,
    frontier: Frontier,
    last_leaf: Hash,
    checkpoint: SignedCheckpoint,
}

/// What an append produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Index of the batch's first entry.
    pub first_index: u64,
    /// Number of entries of the log after the batch.
    pub size: u64,
    /// Root hash after the batch.
    pub root: Hash,
    /// The checkpoint of the new tree, signed by the log's key.
    pub checkpoint: SignedCheckpoint,
}

impl AuditLog {
    /// A new, empty log. Its origin is the key's name.
    pub fn new(key: LogKey) -> AuditLog {
        AuditLog {
            key,
            frontier: Frontier::new(),
            last_leaf: Hash::default(),
        }
    }

    /// Reopens a log at its latest checkpoint, reading the right edge of its tree from `store`
    /// and checking that the stored tree has the checkpoint's root.
    pub fn open<S: HashStore + ?Sized>(
        key: LogKey,
        latest: &Checkpoint,
        store: &S,
    ) -> Result<AuditLog, LogError> {
        let size = latest.size();
        let frontier = Frontier::load(size, store)?;
        if frontier.root() != *latest.root() || latest.origin() != key.name() {
            return Err(LogError::StoreMismatch { size });
        }
        let last_leaf = match size.checked_sub(1) {
            None => Hash::default(),
            Some(last) => {
                let hashes = store.read_hashes(&[stored_hash_index(0, last)])?;
                *hashes
                    .first()
                    .ok_or_else(|| StorageError::new("missing last leaf hash"))?
            }
        };
        Ok(AuditLog {
            key,
            frontier,
            last_leaf,
        })
    }

    /// The log's origin (its key's name).
    pub fn origin(&self) -> &str {
        self.key.name()
    }

    /// The key clients and witnesses use to check checkpoints.
    pub fn verifier(&self) -> LogVerifier {
        self.key.verifier()
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Root hash of the tree.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// Signs a checkpoint of the current tree (for instance of the empty log, before the first
    /// batch).
    pub fn checkpoint(&self) -> Result<SignedCheckpoint, LogError> {
        let checkpoint = Checkpoint::new(self.origin(), self.size(), self.root())?;
        Ok(self.key.sign(&checkpoint)?)
    }

    /// Encodes, hashes and signs a batch of audit events without changing the log.
    pub fn prepare(&self, events: &[AuditEvent]) -> Result<PendingBatch, LogError> {
        self.prepare_encoded(events.len(), |position, index, prev| {
            encode_event(index, prev, &events[position])
        })
    }

    /// Like [`AuditLog::prepare`], for records of any kind (events, published keys, receipts).
    pub fn prepare_records(&self, records: &[Record]) -> Result<PendingBatch, LogError> {
        self.prepare_encoded(records.len(), |position, index, prev| {
            records[position].encode(index, prev)
        })
    }

    /// Like [`AuditLog::prepare`], for `count` entries made by `encode(position, index, prev)`
    /// in order of position: the bytes of the entry at `position` in the batch, which is entry
    /// `index` of the log and follows the entry whose leaf hash is `prev` (for callers that
    /// encode straight from their own types, such as [`crate::encode_event_ref`]).
    pub fn prepare_with<F>(&self, count: usize, encode: F) -> Result<PendingBatch, LogError>
    where
        F: FnMut(usize, u64, &Hash) -> Result<Vec<u8>, EntryError>,
    {
        self.prepare_encoded(count, encode)
    }

    fn prepare_encoded<F>(&self, count: usize, mut encode: F) -> Result<PendingBatch, LogError>
    where
        F: FnMut(usize, u64, &Hash) -> Result<Vec<u8>, EntryError>,
    {
        if count == 0 {
            return Err(LogError::EmptyBatch);
        }
        if count > MAX_BATCH_EVENTS {
            return Err(LogError::BatchTooLarge(count));
        }
        let first_index = self.size();
        let mut frontier = self.frontier.clone();
        let mut last_leaf = self.last_leaf;
        let mut entries = Vec::with_capacity(count);
        let mut stored_hashes = Vec::with_capacity(2 * count + 48);
        for position in 0..count {
            let bytes = encode(position, frontier.size(), &last_leaf)
                .map_err(|source| LogError::Entry { position, source })?;
            last_leaf = leaf_hash(&bytes);
            frontier.push_recording(last_leaf, &mut stored_hashes)?;
            entries.push(bytes);
        }
        let checkpoint = Checkpoint::new(self.origin(), frontier.size(), frontier.root())?;
        let checkpoint = self.key.sign(&checkpoint)?;
        Ok(PendingBatch {
            first_index,
            entries,
            stored_hashes,
            frontier,
            last_leaf,
            checkpoint,
        })
    }

    /// Advances the log past a batch its storage has durably written.
    pub fn commit(&mut self, batch: PendingBatch) -> Result<Appended, LogError> {
        if batch.first_index != self.size() {
            return Err(LogError::StaleBatch {
                prepared: batch.first_index,
                current: self.size(),
            });
        }
        self.frontier = batch.frontier;
        self.last_leaf = batch.last_leaf;
        Ok(Appended {
            first_index: batch.first_index,
            size: self.size(),
            root: self.root(),
            checkpoint: batch.checkpoint,
        })
    }

    /// Prepares a batch, writes it to `store` and commits it.
    pub fn append<S: LogStore + ?Sized>(
        &mut self,
        store: &mut S,
        events: &[AuditEvent],
    ) -> Result<Appended, LogError> {
        let batch = self.prepare(events)?;
        store.write_batch(&batch)?;
        self.commit(batch)
    }
}

impl PendingBatch {
    /// Index of the batch's first entry.
    pub fn first_index(&self) -> u64 {
        self.first_index
    }

    /// The encoded entries, at indexes `first_index()` onwards.
    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    /// Moves the encoded entries out (to hand them to storage without a copy); the batch can
    /// still be committed.
    pub fn take_entries(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.entries)
    }

    /// Stored index of the first of [`PendingBatch::stored_hashes`].
    pub fn stored_hashes_start(&self) -> u64 {
        stored_hash_count(self.first_index)
    }

    /// The tree hashes the batch adds, contiguous from `stored_hashes_start()`.
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.stored_hashes
    }

    /// The leaf hashes of the batch's entries, in order: each computed from the entry's bytes
    /// when the batch was prepared (they are among [`PendingBatch::stored_hashes`]).
    pub fn leaf_hashes(&self) -> Vec<Hash> {
        let start = self.stored_hashes_start();
        (self.first_index..self.size())
            .filter_map(|index| {
                let at = stored_hash_index(0, index).checked_sub(start)?;
                self.stored_hashes.get(usize::try_from(at).ok()?).copied()
            })
            .collect()
    }

    /// The batch's stored hashes as tile writes (see [`TileAppend`]): what a store that keeps
    /// tiles rather than single hashes writes.
    pub fn tile_appends(&self) -> Result<Vec<TileAppend>, LogError> {
        tile_appends(
            self.first_index,
            self.size(),
            self.stored_hashes_start(),
            &self.stored_hashes,
        )
        .ok_or_else(|| MerkleError::Internal("batch hashes do not fill its tiles".into()).into())
    }

    /// Number of entries of the log after the batch.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Root hash after the batch.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The signed checkpoint of the tree after the batch.
    pub fn checkpoint(&self) -> &SignedCheckpoint {
        &self.checkpoint
    }
}

/// A whole log in memory: entries, stored hashes and every checkpoint signed.
#[derive(Clone, Debug, Default)]
pub struct MemoryLog {
    entries: Vec<Vec<u8>>,
    hashes: Vec<Hash>,
    checkpoints: Vec<SignedCheckpoint>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> MemoryLog {
        MemoryLog::default()
    }

    /// The encoded entries, in order.
    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    /// Every checkpoint written, oldest first.
    pub fn checkpoints(&self) -> &[SignedCheckpoint] {
        &self.checkpoints
    }
}

impl HashStore for MemoryLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError> {
        indexes
            .iter()
            .map(|&index| {
                usize::try_from(index)
                    .ok()
                    .and_then(|position| self.hashes.get(position).copied())
                    .ok_or_else(|| StorageError::new(format!("no stored hash at index {index}")))
            })
            .collect()
    }
}

impl LogStore for MemoryLog {
    fn write_batch(&mut self, batch: &PendingBatch) -> Result<(), StorageError> {
        if batch.first_index() != self.entries.len() as u64
            || batch.stored_hashes_start() != self.hashes.len() as u64
        {
            return Err(StorageError::new(
                "batch does not start at the end of the log",
            ));
        }
        self.entries.extend_from_slice(batch.entries());
        self.hashes.extend_from_slice(batch.stored_hashes());
        self.checkpoints.push(batch.checkpoint().clone());
        Ok(())
    }
}
