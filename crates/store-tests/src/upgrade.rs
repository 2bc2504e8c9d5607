//! Logs a store kept before the tree's hashes were stored as tiles (one row per stored hash), or
//! before entries were stored as bundles (one row per entry), and what the upgraded store must
//! give back. Each backend writes [`OldLog`]'s rows into its schema as it was before
//! [`TILES_MIGRATION`] or [`BUNDLES_MIGRATION`], runs the rest of its migrations, and calls
//! [`check_upgraded`].

use std::collections::HashMap;

use pli_audit::{
    AuditEvent, AuditLog, BUNDLE_WIDTH, HEADER_BYTES, Hash, HashStore, LogKey, LogStore, MemoryLog,
    Outcome, SignedCheckpoint, SigningKey, Tampering, Verification, VerifyError, bundle_entries,
    inclusion_proof, inclusion_proof_indexes, leaf_hash, stored_hash_count, tile_appends,
    verify_inclusion,
};
use pli_store::{LogBatch, Store};

/// Version of the migration that moved stored hashes into tiles.
pub const TILES_MIGRATION: i64 = 20_261_125_200_000;
/// Version of the migration that moved entries into bundles.
pub const BUNDLES_MIGRATION: i64 = 20_261_126_100_000;

const SEED: [u8; 32] = [7; 32];
const ORIGIN: &str = "pli.example/audit";

/// A log as the rows of the old layouts: entries (with the leaf hash kept for a pruned one),
/// stored hashes one by one (before tiles) or as tiles `(level, idx, data)`, and checkpoints.
pub struct OldLog {
    pub entries: Vec<(i64, Vec<u8>, Option<Vec<u8>>)>,
    pub hashes: Vec<(i64, [u8; 32])>,
    pub tiles: Vec<(i64, i64, Vec<u8>)>,
    pub checkpoints: Vec<(i64, String)>,
}

fn key() -> LogKey {
    LogKey::new(ORIGIN, SigningKey::from_bytes(&SEED)).unwrap()
}

fn events(first: u64, n: u64) -> Vec<AuditEvent> {
    (first..first + n)
        .map(|index| AuditEvent {
            time: 1_750_000_000 + index as i64,
            org: None,
            actor: None,
            actor_email: Some(format!("agent{index}@chu.example")),
            address: "192.0.2.7".into(),
            action: "envelope.download".into(),
            target: None,
            outcome: Outcome::Allowed,
        })
        .collect()
}

/// A log appended in batches of these sizes, with every checkpoint signed.
fn memory_log(batches: &[u64]) -> (AuditLog, MemoryLog) {
    let mut log = AuditLog::new(key());
    let mut memory = MemoryLog::new();
    for &n in batches {
        log.append(&mut memory, &events(log.size(), n)).unwrap();
    }
    (log, memory)
}

/// The old layouts' rows of a log appended in batches of these sizes, whose first `pruned`
/// entries were pruned by retention (cut to their header, their leaf hash kept).
pub fn old_log(batches: &[u64], pruned: u64) -> OldLog {
    let (log, memory) = memory_log(batches);
    let indexes: Vec<u64> = (0..stored_hash_count(log.size())).collect();
    let hashes = memory.read_hashes(&indexes).unwrap();
    let tiles = tile_appends(0, log.size(), 0, &hashes).unwrap();
    OldLog {
        entries: (0..)
            .zip(memory.entries())
            .map(|(index, entry)| {
                if (index as u64) < pruned {
                    let leaf = leaf_hash(entry).as_bytes().to_vec();
                    (index, entry[..HEADER_BYTES].to_vec(), Some(leaf))
                } else {
                    (index, entry.clone(), None)
                }
            })
            .collect(),
        hashes: (0..)
            .zip(hashes.iter().map(|hash| *hash.as_bytes()))
            .collect(),
        tiles: tiles
            .into_iter()
            .map(|tile| {
                (
                    i64::from(tile.tile.level),
                    tile.tile.index as i64,
                    tile.hashes,
                )
            })
            .collect(),
        checkpoints: memory
            .checkpoints()
            .iter()
            .map(|signed| {
                (
                    signed.checkpoint().size() as i64,
                    signed.as_str().to_owned(),
                )
            })
            .collect(),
    }
}

/// After the upgrade, the log of `batches` (as [`old_log`] wrote it, the first `pruned`
/// entries pruned) reads back whole: every stored hash, the tree of the latest checkpoint (the
/// log reopens on it), inclusion proofs, the entries in bundles of 256 (pruned ones as their
/// header and kept leaf hash) against every checkpoint. It then grows by one more batch, which
/// extends the converted tiles and the last bundle, and still reopens and verifies.
pub async fn check_upgraded(store: &dyn Store, batches: &[u64], pruned: u64) {
    let (mut log, mut memory) = memory_log(batches);
    assert_hashes_and_proofs(store, &memory, log.size(), pruned).await;

    let next = log.prepare(&events(log.size(), 300)).unwrap();
    store
        .append_audit_logged(
            &[],
            &LogBatch {
                first_index: next.first_index(),
                bundles: crate::audit::bundles(next.first_index(), next.entries()),
                tiles: next.tile_appends().unwrap(),
                size: next.size(),
                checkpoint: next.checkpoint().as_str().to_owned(),
            },
        )
        .await
        .unwrap();
    memory.write_batch(&next).unwrap();
    log.commit(next).unwrap();
    assert_hashes_and_proofs(store, &memory, log.size(), pruned).await;
}

/// Replays the stored entries against `checkpoints`, a pruned entry by its kept leaf hash.
async fn replay(
    store: &dyn Store,
    checkpoints: &[SignedCheckpoint],
) -> Result<pli_audit::Verified, VerifyError> {
    let mut verification = Verification::new(checkpoints)?;
    for entry in store.audit_log_stored(0, u32::MAX).await.unwrap() {
        match entry.pruned_leaf {
            None => verification.push(&entry.bytes)?,
            Some(leaf) => verification.push_redacted(&entry.bytes, Hash::from_bytes(leaf))?,
        }
    }
    verification.finish()
}

async fn assert_hashes_and_proofs(store: &dyn Store, memory: &MemoryLog, size: u64, pruned: u64) {
    let indexes: Vec<u64> = (0..stored_hash_count(size)).collect();
    let expected: Vec<[u8; 32]> = memory
        .read_hashes(&indexes)
        .unwrap()
        .iter()
        .map(|hash| *hash.as_bytes())
        .collect();
    assert!(
        store.audit_log_hashes(&indexes).await.unwrap() == expected,
        "stored hashes of a tree of {size}"
    );

    let latest = store.audit_log_latest().await.unwrap().unwrap();
    assert_eq!(latest.size, size);
    let verifier = key().verifier();
    let signed = SignedCheckpoint::open(latest.note.as_bytes(), &verifier).unwrap();
    let fetched: HashMap<u64, Hash> = indexes
        .iter()
        .copied()
        .zip(expected.iter().copied().map(Hash::from_bytes))
        .collect();
    AuditLog::open(key(), signed.checkpoint(), &fetched).unwrap();

    // One bundle per 256 entries, all full but the last.
    let bundles = store.audit_log_bundles(0, u32::MAX).await.unwrap();
    assert_eq!(bundles.len() as u64, size.div_ceil(BUNDLE_WIDTH));
    for (number, bundle) in (0..).zip(&bundles) {
        assert_eq!(bundle.index, number);
        let held = bundle_entries(&bundle.data().unwrap()).unwrap().len() as u64;
        assert_eq!(held, BUNDLE_WIDTH.min(size - number * BUNDLE_WIDTH));
    }

    let entries = store.audit_log_stored(0, u32::MAX).await.unwrap();
    assert_eq!(entries.len() as u64, size);
    for (index, (stored, entry)) in (0..).zip(entries.iter().zip(memory.entries())) {
        assert_eq!(stored.index, index);
        if index < pruned {
            assert_eq!(stored.bytes, entry[..HEADER_BYTES], "entry {index}");
            assert_eq!(stored.pruned_leaf, Some(*leaf_hash(entry).as_bytes()));
        } else {
            assert_eq!(&stored.bytes, entry, "entry {index}");
            assert_eq!(stored.pruned_leaf, None);
        }
    }
    for index in [0, size / 2, size - 1] {
        let wanted = inclusion_proof_indexes(size, index).unwrap();
        let hashes: HashMap<u64, Hash> = wanted
            .iter()
            .copied()
            .zip(
                store
                    .audit_log_hashes(&wanted)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(Hash::from_bytes),
            )
            .collect();
        let proof = inclusion_proof(size, index, &hashes).unwrap();
        let leaf = leaf_hash(&memory.entries()[index as usize]);
        verify_inclusion(&leaf, index, size, signed.checkpoint().root(), &proof).unwrap();
    }
    let verified = replay(store, &[signed]).await.unwrap();
    assert_eq!(verified.size, size);
}

/// After the backend rewrote the leaf hash kept for pruned entry `index` (as an insider editing
/// the database would), verification names that entry.
pub async fn check_tampered_pruned_leaf(store: &dyn Store, index: u64) {
    let latest = store.audit_log_latest().await.unwrap().unwrap();
    let signed = SignedCheckpoint::open(latest.note.as_bytes(), &key().verifier()).unwrap();
    match replay(store, &[signed]).await {
        Err(VerifyError::Tampered(Tampering::Rewritten { index: at, .. })) => {
            assert_eq!(at, index)
        }
        other => panic!("expected entry {index} rewritten, got {other:?}"),
    }
}

/// After the backend rewrote every stored tile's bytes (as an insider editing the database
/// would; tiles of level 1 and above, as leaf hashes are not stored), the stored tree no longer
/// has the signed root: the log refuses to reopen on it, and a proof made
/// from it does not verify.
pub async fn check_tampered_tiles(store: &dyn Store) {
    let latest = store.audit_log_latest().await.unwrap().unwrap();
    let size = latest.size;
    if size < BUNDLE_WIDTH {
        // No tile is stored below 256 entries: leaf hashes are derived from the entries, whose
        // rewriting the verification tests catch.
        return;
    }
    let signed = SignedCheckpoint::open(latest.note.as_bytes(), &key().verifier()).unwrap();
    let indexes: Vec<u64> = (0..stored_hash_count(size)).collect();
    let fetched: HashMap<u64, Hash> = indexes
        .iter()
        .copied()
        .zip(
            store
                .audit_log_hashes(&indexes)
                .await
                .unwrap()
                .into_iter()
                .map(Hash::from_bytes),
        )
        .collect();
    assert!(matches!(
        AuditLog::open(key(), signed.checkpoint(), &fetched),
        Err(pli_audit::LogError::StoreMismatch { .. })
    ));
    // The last entry's proof rests on the largest subtree on its left, read from a stored tile.
    let last = size - 1;
    let entries = store.audit_log_entries(last, 1).await.unwrap();
    let proof = inclusion_proof(size, last, &fetched).unwrap();
    assert!(
        verify_inclusion(
            &leaf_hash(&entries[0].1),
            last,
            size,
            signed.checkpoint().root(),
            &proof
        )
        .is_err()
    );
}
