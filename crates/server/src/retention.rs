//! Retention of the audit trail (`docs/AUDIT.md`, section 9): events older than the retention
//! period (`--audit-retention`, one year by default, as the CNIL recommends for access logs)
//! lose their payload. Their log entries keep their 50-byte header and their leaf hash, so the
//! tree, the chain and every signed checkpoint still verify; their `audit_events` rows go.
//!
//! Published keys, receipts and policies are not pruned: senders prove keys and policies against
//! them, and a receipt is evidence for as long as the envelope's sender needs it.

use pli_audit::{EntryHeader, HEADER_BYTES, KIND_AUDIT_EVENT, leaf_hash};
use pli_store::{PrunedEntry, Store, StoreError, Timestamp};

/// Default retention, in days.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// Entries read per transaction.
const PAGE: u32 = 1000;

/// Prunes the payload of every audit event entry logged before `before`, and the event rows
/// older than it. Returns the number of entries pruned. Entries are scanned in log order up to
/// the first event at or after `before`.
pub async fn prune_audit(store: &dyn Store, before: Timestamp) -> Result<u64, StoreError> {
    Ok(prune_audit_from(store, before, 0).await?.pruned)
}

/// What one pass of retention did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pruning {
    /// Entries pruned.
    pub pruned: u64,
    /// Where the next pass may start: every audit event entry before it is pruned (entries of
    /// other kinds are never pruned), so a later pass, with a later cut-off, has nothing to do
    /// there. The index of the first event kept, or the end of the log.
    pub resume_at: u64,
}

/// [`prune_audit`] scanning from entry `from`, which a previous pass returned as its
/// [`Pruning::resume_at`] (0 the first time): the hourly pass reads only what was logged since
/// the cut-off last stopped, not the whole log again.
pub async fn prune_audit_from(
    store: &dyn Store,
    before: Timestamp,
    from: u64,
) -> Result<Pruning, StoreError> {
    let mut pruned = 0u64;
    let mut start = from;
    loop {
        let page = store.audit_log_stored(start, PAGE).await?;
        let Some(last) = page.last().map(|entry| entry.index) else {
            break;
        };
        let mut batch = Vec::new();
        let mut reached_newer = None;
        for entry in &page {
            if entry.pruned_leaf.is_some() {
                continue;
            }
            let Ok(header) = EntryHeader::decode(&entry.bytes) else {
                // A damaged entry is left as it is for the verifier to name.
                continue;
            };
            if header.kind != KIND_AUDIT_EVENT {
                continue;
            }
            if header.time >= before {
                reached_newer = Some(entry.index);
                break;
            }
            batch.push(PrunedEntry {
                index: entry.index,
                header: entry.bytes[..HEADER_BYTES].to_vec(),
                leaf: *leaf_hash(&entry.bytes).as_bytes(),
            });
        }
        pruned += batch.len() as u64;
        store.prune_audit(&batch, before).await?;
        if let Some(kept) = reached_newer {
            return Ok(Pruning {
                pruned,
                resume_at: kept,
            });
        }
        start = last.saturating_add(1);
    }
    Ok(Pruning {
        pruned,
        resume_at: start,
    })
}
