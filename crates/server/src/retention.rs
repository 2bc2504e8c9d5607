//! Retention of the audit trail (`docs/AUDIT.md`, section 9): events older than the retention
//! period (`--audit-retention`, one year by default, as the CNIL recommends for access logs)
//! lose their payload. Their log entries keep their 50-byte header and their leaf hash, so the
//! tree, the chain and every signed checkpoint still verify; their `audit_events` rows go.
//!
//! Published keys and receipts are not pruned: senders prove keys against them, and a receipt
//! is evidence for as long as the envelope's sender needs it.

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
    let mut pruned = 0u64;
    let mut start = 0u64;
    loop {
        let page = store.audit_log_stored(start, PAGE).await?;
        let Some(last) = page.last().map(|entry| entry.index) else {
            break;
        };
        let mut batch = Vec::new();
        let mut reached_newer = false;
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
                reached_newer = true;
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
        if reached_newer {
            break;
        }
        start = last.saturating_add(1);
    }
    Ok(pruned)
}
