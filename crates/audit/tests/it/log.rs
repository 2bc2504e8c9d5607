//! Appending batches: sizes, roots, one checkpoint per batch, proofs against them, reopening,
//! and nothing half-done on failure.

use pli_audit::{
    AuditLog, Entry, EntryError, Hash, HashStore, LogError, LogStore, MAX_FIELD_BYTES,
    MemoryHashes, MemoryLog, PendingBatch, SignedCheckpoint, StorageError, consistency_proof,
    inclusion_proof, leaf_hash, tree_root, verify_consistency, verify_inclusion,
};

use crate::support::{event, key, log_with_batches};

#[test]
fn each_batch_returns_its_size_root_and_one_signed_checkpoint() {
    let mut log = AuditLog::new(key());
    let verifier = log.verifier();
    let mut store = MemoryLog::new();
    let mut reference = MemoryHashes::new();
    let mut n = 0;
    for batch_size in [1u64, 3, 64, 1, 17] {
        let events: Vec<_> = (n..n + batch_size).map(event).collect();
        let appended = log.append(&mut store, &events).unwrap();
        for entry in &store.entries()[n as usize..] {
            reference.push_leaf(entry).unwrap();
        }
        n += batch_size;
        assert_eq!(appended.first_index, n - batch_size);
        assert_eq!(appended.size, n);
        assert_eq!(appended.root, reference.root());
        assert_eq!(log.root(), reference.root());
        let opened =
            SignedCheckpoint::open(appended.checkpoint.as_str().as_bytes(), &verifier).unwrap();
        assert_eq!(opened.checkpoint().size(), n);
        assert_eq!(*opened.checkpoint().root(), appended.root);
    }
    assert_eq!(store.checkpoints().len(), 5);
    // Entries are numbered and chained.
    let mut prev = Hash::default();
    for (index, bytes) in store.entries().iter().enumerate() {
        let entry = Entry::decode(bytes).unwrap();
        assert_eq!(entry.index, index as u64);
        assert_eq!(entry.prev, prev);
        assert_eq!(entry.event, event(index as u64));
        prev = leaf_hash(bytes);
    }
}

#[test]
fn proofs_from_the_store_verify_against_kept_checkpoints() {
    let (_, store) = log_with_batches(&[5, 1, 30, 2, 9]);
    let heads: Vec<_> = store
        .checkpoints()
        .iter()
        .map(|c| c.checkpoint().clone())
        .collect();
    for pair in heads.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        let proof = consistency_proof(old.size(), new.size(), &store).unwrap();
        verify_consistency(old.size(), old.root(), new.size(), new.root(), &proof).unwrap();
    }
    let last = heads.last().unwrap();
    for (index, entry) in store.entries().iter().enumerate() {
        let proof = inclusion_proof(last.size(), index as u64, &store).unwrap();
        verify_inclusion(
            &leaf_hash(entry),
            index as u64,
            last.size(),
            last.root(),
            &proof,
        )
        .unwrap();
    }
}

#[test]
fn a_reopened_log_continues_the_same_tree() {
    let (mut straight, mut straight_store) = log_with_batches(&[4, 7]);
    let (_, mut store) = log_with_batches(&[4, 7]);
    let latest = store.checkpoints().last().unwrap().checkpoint().clone();
    let mut reopened = AuditLog::open(key(), &latest, &store).unwrap();
    assert_eq!(reopened.size(), 11);
    let events: Vec<_> = (11..20).map(event).collect();
    let a = straight.append(&mut straight_store, &events).unwrap();
    let b = reopened.append(&mut store, &events).unwrap();
    assert_eq!(a, b);
    assert_eq!(store.entries(), straight_store.entries());
    assert_eq!(tree_root(20, &store).unwrap(), a.root);

    // A checkpoint the stored tree does not match is refused.
    let (_, other) = log_with_batches(&[11]);
    let forged = other;
    let wrong = pli_audit::Checkpoint::new(latest.origin(), 11, leaf_hash(b"x")).unwrap();
    assert!(matches!(
        AuditLog::open(key(), &wrong, &forged),
        Err(LogError::StoreMismatch { size: 11 })
    ));
    // Nor can a log reopen past what is stored.
    let beyond = pli_audit::Checkpoint::new(latest.origin(), 30, a.root).unwrap();
    assert!(AuditLog::open(key(), &beyond, &forged).is_err());
}

#[test]
fn the_empty_log_has_a_signed_checkpoint_and_reopens() {
    let log = AuditLog::new(key());
    let signed = log.checkpoint().unwrap();
    let opened = SignedCheckpoint::open(signed.as_str().as_bytes(), &log.verifier()).unwrap();
    assert_eq!(opened.checkpoint().size(), 0);
    assert_eq!(*opened.checkpoint().root(), pli_audit::EMPTY_ROOT);
    let reopened = AuditLog::open(key(), opened.checkpoint(), &MemoryLog::new()).unwrap();
    assert_eq!(reopened.size(), 0);
}

struct FailingStore(MemoryLog);

impl HashStore for FailingStore {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StorageError> {
        self.0.read_hashes(indexes)
    }
}

impl LogStore for FailingStore {
    fn write_batch(&mut self, _: &PendingBatch) -> Result<(), StorageError> {
        Err(StorageError::new("disk full"))
    }
}

#[test]
fn failures_leave_the_log_unchanged() {
    let (mut log, mut store) = log_with_batches(&[3]);
    let (size, root) = (log.size(), log.root());

    let mut failing = FailingStore(store.clone());
    let error = log.append(&mut failing, &[event(3)]).unwrap_err();
    assert!(matches!(error, LogError::Storage(_)), "{error}");
    assert_eq!((log.size(), log.root()), (size, root));

    let mut too_long = event(3);
    too_long.address = "x".repeat(MAX_FIELD_BYTES + 1);
    let error = log.append(&mut store, &[event(3), too_long]).unwrap_err();
    assert!(matches!(
        error,
        LogError::Entry {
            position: 1,
            source: EntryError::FieldTooLong {
                field: "address",
                ..
            }
        }
    ));
    assert!(matches!(
        log.append(&mut store, &[]),
        Err(LogError::EmptyBatch)
    ));
    assert_eq!((log.size(), log.root()), (size, root));
    assert_eq!(store.entries().len(), 3);
    assert_eq!(store.checkpoints().len(), 1);

    // A batch prepared before another was committed is stale.
    let first = log.prepare(&[event(3)]).unwrap();
    let second = log.prepare(&[event(4)]).unwrap();
    store.write_batch(&first).unwrap();
    log.commit(first).unwrap();
    assert!(matches!(
        log.commit(second),
        Err(LogError::StaleBatch {
            prepared: 3,
            current: 4
        })
    ));
    assert_eq!(log.size(), 4);
}

#[test]
fn a_pending_batch_gives_its_entries_leaf_hashes() {
    // After batches that end inside and at a tile's edge, so that the stored hashes a batch
    // adds mix leaves and nodes from several tiles.
    let (log, _) = log_with_batches(&[3, 253]);
    let events: Vec<_> = (256..556).map(event).collect();
    let batch = log.prepare(&events).unwrap();
    let expected: Vec<Hash> = batch
        .entries()
        .iter()
        .map(|entry| leaf_hash(entry))
        .collect();
    assert_eq!(batch.leaf_hashes(), expected);
    assert_eq!(expected.len(), 300);
}
