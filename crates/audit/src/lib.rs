//! Pli's tamper-evident audit log: every security event is an entry of an append-only Merkle tree
//! with RFC 9162 hashing, each appended batch ends in a checkpoint signed by the log's Ed25519 key
//! in the C2SP `tlog-checkpoint` / `signed-note` format, and anyone holding earlier checkpoints can
//! replay the stored entries and learn which one was rewritten, deleted, inserted or moved.
//!
//! This crate is pure computation over bytes: no network, no database, no async runtime. Storage
//! sits behind [`HashStore`] (the tree's nodes) and [`LogStore`] (a batch written atomically);
//! [`MemoryLog`] keeps everything in memory. `docs/AUDIT.md` specifies the bytes.
//!
//! ```
//! use pli_audit::{
//!     AuditEvent, AuditLog, LogKey, MemoryLog, Outcome, SignedCheckpoint, leaf_hash,
//!     inclusion_proof, verify_inclusion, verify_log,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = LogKey::generate("pli.example.org/audit")?;
//! let verifier = key.verifier();
//! let mut log = AuditLog::new(key);
//! let mut store = MemoryLog::new();
//!
//! let event = AuditEvent {
//!     time: 1_700_000_000,
//!     org: None,
//!     actor: Some("0123456789abcdef0123456789abcdef".into()),
//!     actor_email: Some("alice@example.org".into()),
//!     address: "192.0.2.7".into(),
//!     action: "envelope.download".into(),
//!     target: Some("fedcba9876543210fedcba9876543210".into()),
//!     outcome: Outcome::Allowed,
//! };
//! let appended = log.append(&mut store, &[event.clone(), event])?;
//! assert_eq!(appended.size, 2);
//!
//! // A client keeps the signed checkpoint it was served...
//! let kept = SignedCheckpoint::open(appended.checkpoint.as_str().as_bytes(), &verifier)?;
//! // ...checks that an entry is in the tree it signed...
//! let proof = inclusion_proof(2, 1, &store)?;
//! verify_inclusion(&leaf_hash(&store.entries()[1]), 1, 2, kept.checkpoint().root(), &proof)?;
//! // ...and later replays the whole log against it.
//! let verified = verify_log(&[kept], store.entries())?;
//! assert_eq!(verified.size, 2);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod bundles;
mod checkpoint;
mod cosignature;
mod entry;
mod key_history;
mod log;
mod merkle;
mod record;
mod tiles;
mod verify;

pub use bundles::{
    BUNDLE_WIDTH, BundleAppend, bundle_appends, bundle_entries, bundle_pieces, push_bundle_entry,
};
pub use checkpoint::{
    ALG_ED25519, Checkpoint, CheckpointError, LogKey, LogVerifier, MAX_EXTENSION_LINES,
    MAX_LINE_BYTES, MAX_NOTE_BYTES, SignedCheckpoint, SigningKey, VerifyingKey, key_id, open_note,
};
pub use cosignature::{
    ALG_COSIGNATURE_V1, Cosignature, CosignerKey, CosignerVerifier, MAX_COSIGNATURE_CLOCK_SKEW,
    MAX_COSIGNATURE_TIME, MAX_WITNESS_KEY_CHARS, cosignature_message, cosigner_key_id,
};
pub use entry::{
    AuditEvent, AuditEventRef, ENTRY_VERSION, Entry, EntryError, EntryHeader, HEADER_BYTES,
    KIND_AUDIT_EVENT, MAX_ENTRY_BYTES, MAX_FIELD_BYTES, Outcome, PREV_OFFSET, encode_event_ref,
};
pub use key_history::{KeyChange, KeyHistory};
pub use log::{Appended, AuditLog, LogError, LogStore, MAX_BATCH_EVENTS, MemoryLog, PendingBatch};
pub use merkle::{
    EMPTY_ROOT, Frontier, HASH_SIZE, Hash, HashStore, MAX_PROOF_HASHES, MAX_TREE_SIZE,
    MemoryHashes, MerkleError, StorageError, consistency_proof, consistency_proof_indexes,
    inclusion_proof, inclusion_proof_indexes, leaf_hash, node_hash, stored_hash_count,
    stored_hash_index, tree_root, verify_consistency, verify_inclusion,
};
pub use record::{
    AccountRole, KIND_ACCOUNT_ROLE, KIND_PUBLISHED_KEY, KIND_PUBLISHED_POLICY, KIND_RECEIPT,
    KeyOwner, PublishedKey, PublishedPolicy, PublishedRole, Receipt, Record,
};
pub use tiles::{
    TILE_HEIGHT, TILE_WIDTH, TileAppend, TileId, hash_in_tile, hashes_from_tiles, tile_appends,
    tile_of, tiles_for,
};
pub use verify::{MAX_LOOKAHEAD, Tampering, Verification, Verified, VerifyError, verify_log};
