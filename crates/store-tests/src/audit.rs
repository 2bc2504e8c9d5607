//! The audit trail.

use crate::{Fixture, NOW};
use pli_audit::{
    Hash, HashStore, MemoryHashes, inclusion_proof, inclusion_proof_indexes, stored_hash_count,
    tile_appends, verify_inclusion,
};
use pli_store::{
    AuditEvent, AuditRecord, BundleCodec, Id, LogBatch, Outcome, PrunedEntry, StoreError,
    StoredCheckpoint,
};
use std::collections::HashMap;

fn event(org_id: Option<Id>, action: &str, outcome: Outcome) -> AuditEvent {
    AuditEvent {
        at: NOW,
        actor: org_id.map(|_| Id::random()),
        actor_email: org_id.map(|_| "agent@chu-sud.example".to_owned()),
        org_id,
        from: "127.0.0.1".to_owned(),
        action: action.to_owned(),
        target: Some(Id::random().to_string()),
        outcome,
    }
}

/// Events come back exactly as appended, oldest first, with increasing sequence numbers,
/// paged by `after_seq` and `limit`.
pub async fn audit_events_keep_their_order(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    assert!(store.audit_events(None, 0, 10).await.unwrap().is_empty());
    store.append_audit(&[]).await.unwrap();
    assert!(store.audit_events(None, 0, 10).await.unwrap().is_empty());

    let mut appended = vec![
        event(Some(org.id), "envelope.download", Outcome::Allowed),
        event(Some(org.id), "envelope.download", Outcome::Denied),
        // Anonymous: no actor, no organisation, nothing claimed.
        AuditEvent {
            at: NOW + 1,
            actor: None,
            actor_email: None,
            org_id: None,
            from: "[::1]:51234".to_owned(),
            action: "session.create".to_owned(),
            target: None,
            outcome: Outcome::Failed,
        },
    ];
    store.append_audit(&appended).await.unwrap();
    let second_batch = vec![
        event(Some(org.id), "mailbox.create", Outcome::Allowed),
        AuditEvent {
            actor_email: Some("élodie@hôpital.example".to_owned()),
            ..event(Some(org.id), "session.create", Outcome::Allowed)
        },
    ];
    store.append_audit(&second_batch).await.unwrap();
    appended.extend(second_batch);

    let records = store.audit_events(None, 0, 100).await.unwrap();
    let events: Vec<AuditEvent> = records.iter().map(|r| r.event.clone()).collect();
    assert_eq!(events, appended);
    assert!(records.windows(2).all(|pair| pair[0].seq < pair[1].seq));
    assert!(records[0].seq > 0);

    // Paging by sequence number, as an auditor's client does.
    let mut paged: Vec<AuditRecord> = Vec::new();
    loop {
        let after = paged.last().map_or(0, |record| record.seq);
        let page = store.audit_events(None, after, 2).await.unwrap();
        assert!(page.len() <= 2);
        if page.is_empty() {
            break;
        }
        paged.extend(page);
    }
    assert_eq!(paged, records);
    let last = records.last().unwrap().seq;
    assert!(store.audit_events(None, last, 10).await.unwrap().is_empty());
    assert!(store.audit_events(None, 0, 0).await.unwrap().is_empty());
}

/// Each organisation's auditors see their own trail only; `None` sees every event.
pub async fn audit_events_are_filtered_by_org(fixture: &dyn Fixture) {
    let store = fixture.store();
    let sud = store.ensure_org("CHU Sud").await.unwrap();
    let nord = store.ensure_org("CHU Nord").await.unwrap();
    let mut appended = Vec::new();
    for index in 0..9 {
        let org_id = match index % 3 {
            0 => Some(sud.id),
            1 => Some(nord.id),
            _ => None,
        };
        appended.push(event(org_id, &format!("action.{index}"), Outcome::Allowed));
    }
    store.append_audit(&appended).await.unwrap();

    let of = |org_id: Option<Id>| {
        appended
            .iter()
            .filter(|event| org_id.is_none() || event.org_id == org_id)
            .cloned()
            .collect::<Vec<_>>()
    };
    for org_id in [Some(sud.id), Some(nord.id), None] {
        let records = store.audit_events(org_id, 0, 100).await.unwrap();
        let events: Vec<AuditEvent> = records.into_iter().map(|r| r.event).collect();
        assert_eq!(events, of(org_id));
    }
    let sud_records = store.audit_events(Some(sud.id), 0, 100).await.unwrap();
    let after_first = store
        .audit_events(Some(sud.id), sud_records[0].seq, 1)
        .await
        .unwrap();
    assert_eq!(after_first, vec![sud_records[1].clone()]);
    assert!(
        store
            .audit_events(Some(Id::random()), 0, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Batches appended concurrently are each kept whole and in order: their events get
/// consecutive sequence numbers, and no event is lost.
pub async fn concurrent_audit_batches_stay_contiguous(fixture: &dyn Fixture) {
    let store = fixture.store();
    let batches: Vec<Vec<AuditEvent>> = (0..16)
        .map(|batch| {
            (0..5)
                .map(|index| {
                    event(
                        None,
                        &format!("batch{batch}.event{index}"),
                        Outcome::Allowed,
                    )
                })
                .collect()
        })
        .collect();
    let results =
        futures_util::future::join_all(batches.iter().map(|batch| store.append_audit(batch))).await;
    assert!(results.iter().all(Result::is_ok));

    let records = store.audit_events(None, 0, 1000).await.unwrap();
    assert_eq!(records.len(), 80);
    for chunk in records.chunks(5) {
        let batch_name = chunk[0].event.action.split('.').next().unwrap().to_owned();
        for (index, record) in chunk.iter().enumerate() {
            assert_eq!(record.event.action, format!("{batch_name}.event{index}"));
            assert_eq!(record.seq, chunk[0].seq + index as i64);
        }
    }
    let mut names: Vec<String> = records.iter().map(|r| r.event.action.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 80);
}

/// The tree whose leaf `i` is `entry i`, of `size` leaves.
fn tree(size: u64) -> MemoryHashes {
    let mut tree = MemoryHashes::new();
    for index in 0..size {
        tree.push_leaf(&entry(index)).unwrap();
    }
    tree
}

fn entry(index: u64) -> Vec<u8> {
    format!("entry {index}").into_bytes()
}

/// A log batch taking the log from `first` to `first + n` entries: its entries (opaque to the
/// store) and the hash tiles of [`tree`].
fn log_batch(first: u64, n: u64) -> LogBatch {
    LogBatch {
        bundles: bundles(first, &(first..first + n).map(entry).collect::<Vec<_>>()),
        ..tiles_batch(&tree(first + n), first)
    }
}

/// A batch of the tiles `tree` adds after its first `first` leaves, without entries (which
/// [`log_batch`] adds).
fn tiles_batch(tree: &MemoryHashes, first: u64) -> LogBatch {
    let start = stored_hash_count(first);
    let indexes: Vec<u64> = (start..stored_hash_count(tree.size())).collect();
    let stored = tree.read_hashes(&indexes).unwrap();
    LogBatch {
        first_index: first,
        bundles: Vec::new(),
        tiles: tile_appends(first, tree.size(), start, &stored).unwrap(),
        size: tree.size(),
        checkpoint: format!("pli.example/audit\n{}\nroot\n\n— sig\n", tree.size()),
    }
}

/// The bundle writes of `entries` from index `first`, as the server's writer makes them.
pub(crate) fn bundles(first: u64, entries: &[Vec<u8>]) -> Vec<pli_store::BundleWrite> {
    pli_store::bundle_writes(first, entries, None).unwrap()
}

/// Hashes as the store gives them back, as the tree holds them.
async fn stored_hashes(fixture: &dyn Fixture, indexes: &[u64]) -> Vec<[u8; 32]> {
    fixture.store().audit_log_hashes(indexes).await.unwrap()
}

fn tree_hashes(tree: &MemoryHashes, indexes: &[u64]) -> Vec<[u8; 32]> {
    tree.read_hashes(indexes)
        .unwrap()
        .iter()
        .map(|hash| *hash.as_bytes())
        .collect()
}

/// A batch's rows, entries, hashes and checkpoint are all kept, read back by position, and the
/// latest checkpoint is the largest tree's.
pub async fn audit_log_batches_are_kept_with_their_rows(fixture: &dyn Fixture) {
    let store = fixture.store();
    assert_eq!(store.audit_log_latest().await.unwrap(), None);
    assert!(store.audit_log_entries(0, 10).await.unwrap().is_empty());

    let first_events = vec![
        event(None, "session.create", Outcome::Allowed),
        event(None, "envelope.send", Outcome::Allowed),
    ];
    let first = log_batch(0, 2);
    store
        .append_audit_logged(&first_events, &first)
        .await
        .unwrap();
    let second_events = vec![event(None, "envelope.download", Outcome::Denied)];
    let second = log_batch(2, 1);
    store
        .append_audit_logged(&second_events, &second)
        .await
        .unwrap();

    let rows: Vec<AuditEvent> = store
        .audit_events(None, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|record| record.event)
        .collect();
    assert_eq!(rows, [first_events, second_events].concat());

    let entries = store.audit_log_entries(0, 10).await.unwrap();
    let expected: Vec<(u64, Vec<u8>)> = (0..3).zip((0..3).map(entry)).collect();
    assert_eq!(entries, expected);
    assert_eq!(store.audit_log_entries(1, 1).await.unwrap(), expected[1..2]);
    assert!(store.audit_log_entries(3, 10).await.unwrap().is_empty());

    // Stored hashes 0, 1 and 3 are leaf hashes, 2 the node over leaves 0 and 1 (recomputed from
    // their tile).
    assert_eq!(
        stored_hashes(fixture, &[3, 0, 2]).await,
        tree_hashes(&tree(3), &[3, 0, 2])
    );
    assert!(matches!(
        store.audit_log_hashes(&[0, 4]).await,
        Err(StoreError::NotFound)
    ));

    let latest = store.audit_log_latest().await.unwrap().unwrap();
    assert_eq!(
        latest,
        StoredCheckpoint {
            size: 3,
            note: second.checkpoint.clone()
        }
    );
    assert_eq!(
        store.audit_log_checkpoint(2).await.unwrap().note,
        first.checkpoint
    );
    assert!(matches!(
        store.audit_log_checkpoint(1).await,
        Err(StoreError::NotFound)
    ));
}

/// The log never overwrites: a batch at a position already taken conflicts, and nothing of it
/// (not even its audit rows) is written.
pub async fn audit_log_positions_are_never_overwritten(fixture: &dyn Fixture) {
    let store = fixture.store();
    let batch = log_batch(0, 2);
    store
        .append_audit_logged(&[event(None, "first", Outcome::Allowed)], &batch)
        .await
        .unwrap();
    let mut replay = log_batch(0, 2);
    replay.bundles = bundles(0, &[entry(0), b"rewritten".to_vec()]);
    assert!(matches!(
        store
            .append_audit_logged(&[event(None, "replayed", Outcome::Allowed)], &replay)
            .await,
        Err(StoreError::Conflict(_))
    ));
    // New entry and checkpoint positions, but tiles prepared against another tree: the tile
    // of level 1 that the batch taking the log to 256 entries starts, said to hold a hash
    // already, or said to have grown at another index, where none was started. (Tiles of level
    // 0, the leaf hashes, are derived from the entries and never stored.)
    let level_one = |batch: &mut LogBatch| -> usize {
        batch
            .tiles
            .iter()
            .position(|append| append.tile.level == 1)
            .unwrap()
    };
    let mut stale = log_batch(2, 254);
    let at = level_one(&mut stale);
    stale.tiles[at].start = 1;
    let mut unstarted = log_batch(2, 254);
    let at = level_one(&mut unstarted);
    unstarted.tiles[at].tile.index = 7;
    unstarted.tiles[at].start = 1;
    for (name, batch) in [("stale", stale), ("unstarted", unstarted)] {
        assert!(matches!(
            store
                .append_audit_logged(&[event(None, name, Outcome::Allowed)], &batch)
                .await,
            Err(StoreError::Conflict(_))
        ));
    }

    // Entries prepared against another log: the last bundle holds 2 entries, a batch says it
    // holds 1 or 3, or adds to a bundle beyond it as if that held one.
    for first in [1, 3, 257] {
        let stale = LogBatch {
            first_index: first,
            bundles: bundles(first, &[entry(first)]),
            tiles: Vec::new(),
            size: first + 1,
            checkpoint: format!("pli.example/audit\n{}\nroot\n\n— sig\n", first + 1),
        };
        assert!(matches!(
            store
                .append_audit_logged(&[event(None, "stale", Outcome::Allowed)], &stale)
                .await,
            Err(StoreError::Conflict(_))
        ));
    }

    let rows = store.audit_events(None, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].event.action, "first");
    let entries = store.audit_log_entries(0, 10).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].1, entry(1));
    assert_eq!(store.audit_log_latest().await.unwrap().unwrap().size, 2);
}

/// Entries are kept in bundles of 256 (C2SP tlog-tiles entry bundles): after batches ending
/// inside, at and past bundle boundaries, every entry reads back at its index, from any start,
/// and the bundles hold each entry behind its u16 length, the last one partial.
pub async fn audit_log_bundles_hold_entries_across_boundaries(fixture: &dyn Fixture) {
    let store = fixture.store();
    let mut written = 0;
    for size in [255, 256, 257, 300, 700] {
        let batch = LogBatch {
            first_index: written,
            bundles: bundles(written, &(written..size).map(entry).collect::<Vec<_>>()),
            tiles: Vec::new(),
            size,
            checkpoint: format!("pli.example/audit\n{size}\nroot\n\n— sig\n"),
        };
        store.append_audit_logged(&[], &batch).await.unwrap();
        written = size;
        let all = store.audit_log_entries(0, u32::MAX).await.unwrap();
        let expected: Vec<(u64, Vec<u8>)> = (0..size).map(|index| (index, entry(index))).collect();
        assert!(all == expected, "size {size}");
    }
    for (start, limit) in [(250, 10), (256, 1), (511, 3), (699, 5), (700, 5), (0, 0)] {
        let expected: Vec<(u64, Vec<u8>)> = (start..(start + u64::from(limit)).min(700))
            .map(|index| (index, entry(index)))
            .collect();
        assert_eq!(
            store.audit_log_entries(start, limit).await.unwrap(),
            expected,
            "from {start}"
        );
    }
    let bundles = store.audit_log_bundles(1, 10).await.unwrap();
    assert_eq!(
        bundles
            .iter()
            .map(|bundle| bundle.index)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    let mut data = Vec::new();
    for index in 256..512 {
        let entry = entry(index);
        data.extend_from_slice(&(entry.len() as u16).to_be_bytes());
        data.extend_from_slice(&entry);
    }
    // Full bundles are stored compressed, the partial last one as it is.
    assert_eq!(bundles[0].codec, BundleCodec::Zstd);
    assert!(bundles[0].stored.len() < data.len() / 2);
    assert!(*bundles[0].data().unwrap() == data[..]);
    assert!(bundles[0].pruned.is_empty());
    assert_eq!(bundles[1].codec, BundleCodec::Raw);
    assert_eq!(
        pli_store::bundle_entries(&bundles[1].data().unwrap())
            .unwrap()
            .len(),
        700 - 512
    );
    // Bundle 0 was filled by a batch of one entry, extending it.
    let first = store.audit_log_bundles(0, 1).await.unwrap();
    assert_eq!(first[0].codec, BundleCodec::Zstd);
    assert!(store.audit_log_bundles(3, 10).await.unwrap().is_empty());
}

/// An entry of [`compressed_bundles_are_pruned_and_damage_stays_in_them`]: long enough to be
/// pruned to a 50-byte header.
fn long_entry(index: u64) -> Vec<u8> {
    format!("{index:>50} envelope.download by agent@chu-sud.example").into_bytes()
}

/// Full bundles are stored compressed: retention rewrites them compressed, a batch fills the
/// partial last one and compresses it, and a compressed bundle whose bytes were changed fails
/// the reads of its own entries only (as `Corrupt`, naming it), is handed to a verifier exactly
/// as stored, and is left alone by retention.
pub async fn compressed_bundles_are_pruned_and_damage_stays_in_them(fixture: &dyn Fixture) {
    let store = fixture.store();
    let mut written = 0;
    for size in [100, 600, 768] {
        let batch = LogBatch {
            first_index: written,
            bundles: bundles(
                written,
                &(written..size).map(long_entry).collect::<Vec<_>>(),
            ),
            tiles: Vec::new(),
            size,
            checkpoint: format!("pli.example/audit\n{size}\nroot\n\n— sig\n"),
        };
        let old = AuditEvent {
            at: NOW - 1000,
            ..event(None, "old", Outcome::Allowed)
        };
        store.append_audit_logged(&[old], &batch).await.unwrap();
        written = size;
    }
    let codecs = |bundles: &[pli_store::StoredBundle]| {
        bundles
            .iter()
            .map(|bundle| bundle.codec)
            .collect::<Vec<_>>()
    };
    let bundles = store.audit_log_bundles(0, 10).await.unwrap();
    assert_eq!(codecs(&bundles), [BundleCodec::Zstd; 3]);

    // Retention inside compressed bundles 0 and 1.
    let prune: Vec<PrunedEntry> = [3, 255, 256, 300]
        .into_iter()
        .map(|index| PrunedEntry {
            index,
            header: long_entry(index)[..50].to_vec(),
            leaf: [index as u8; 32],
        })
        .collect();
    assert_eq!(store.prune_audit(&prune, NOW - 10).await.unwrap(), 3);
    let bundles = store.audit_log_bundles(0, 10).await.unwrap();
    assert_eq!(codecs(&bundles), [BundleCodec::Zstd; 3]);
    let stored = store.audit_log_stored(0, u32::MAX).await.unwrap();
    assert_eq!(stored.len(), 768);
    for entry in &stored {
        let index = entry.index;
        if [3, 255, 256, 300].contains(&index) {
            assert_eq!(entry.bytes, long_entry(index)[..50], "entry {index}");
            assert_eq!(entry.pruned_leaf, Some([index as u8; 32]));
        } else {
            assert_eq!(entry.bytes, long_entry(index), "entry {index}");
            assert_eq!(entry.pruned_leaf, None);
        }
    }

    // Bundle 1's compressed bytes changed, as an insider editing the database would.
    let mut damaged = bundles[1].stored.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x20;
    if !fixture.overwrite_audit_bundle(1, &damaged).await {
        return;
    }
    let bundles = store.audit_log_bundles(0, 10).await.unwrap();
    assert_eq!(bundles[1].stored, damaged);
    assert!(bundles[1].data().is_err());
    assert!(bundles[0].data().is_ok() && bundles[2].data().is_ok());
    for (start, limit) in [(256, 1), (0, 300), (511, 2)] {
        let read = store.audit_log_stored(start, limit).await;
        assert!(
            matches!(&read, Err(StoreError::Corrupt(what)) if what.contains("bundle 1")),
            "entries {start}+{limit}: {read:?}"
        );
    }
    assert_eq!(store.audit_log_stored(0, 256).await.unwrap().len(), 256);
    assert_eq!(store.audit_log_stored(512, 300).await.unwrap().len(), 256);
    // Retention leaves it for the verifier to name, and still deletes old rows.
    let more = PrunedEntry {
        index: 400,
        header: long_entry(400)[..50].to_vec(),
        leaf: [1; 32],
    };
    store.prune_audit(&[more], NOW).await.unwrap();
    assert_eq!(
        store.audit_log_bundles(1, 1).await.unwrap()[0].stored,
        damaged
    );
}

/// Witnesses' cosignatures: one line per witness and checkpoint (a new line replaces the old),
/// only for stored checkpoints, at most `MAX_WITNESSES` witnesses each; the latest cosigned
/// checkpoint comes with its lines.
pub async fn cosignatures_are_kept_per_witness_and_bounded(fixture: &dyn Fixture) {
    let store = fixture.store();
    assert_eq!(store.latest_cosigned(&[], 1).await.unwrap(), None);
    store
        .append_audit_logged(&[], &log_batch(0, 2))
        .await
        .unwrap();
    store
        .append_audit_logged(&[], &log_batch(2, 1))
        .await
        .unwrap();
    // Each witness handed in by an account of its own, unless said otherwise.
    let mut accounts = std::collections::HashMap::new();
    let mut account_of = |witness: &str| {
        *accounts
            .entry(witness.to_owned())
            .or_insert_with(Id::random)
    };
    let (a1, a2, a3) = (account_of("w1"), account_of("w2"), account_of("w3"));
    assert!(matches!(
        store.add_cosignature(5, "w1", "— w1 AAAA", a1).await,
        Err(StoreError::NotFound)
    ));
    store
        .add_cosignature(2, "w1", "— w1 old", a1)
        .await
        .unwrap();
    store
        .add_cosignature(2, "w1", "— w1 new", a1)
        .await
        .unwrap();
    store
        .add_cosignature(2, "w2", "— w2 sig", a2)
        .await
        .unwrap();
    let (checkpoint, lines) = store.latest_cosigned(&[], 1).await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 2);
    assert_eq!(lines, vec!["— w1 new".to_owned(), "— w2 sig".to_owned()]);

    store
        .add_cosignature(3, "w1", "— w1 three", a1)
        .await
        .unwrap();
    let (checkpoint, lines) = store.latest_cosigned(&[], 1).await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 3);
    assert_eq!(lines, vec!["— w1 three".to_owned()]);

    // Asked for given witnesses: the latest checkpoint enough of them cosigned, with only
    // their lines; another witness's later cosignature does not hide it.
    let w2 = ["w2".to_owned()];
    let (checkpoint, lines) = store.latest_cosigned(&w2, 1).await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 2);
    assert_eq!(lines, vec!["— w2 sig".to_owned()]);
    let both = ["w2".to_owned(), "w1".to_owned()];
    let (checkpoint, lines) = store.latest_cosigned(&both, 2).await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 2);
    assert_eq!(lines.len(), 2);
    let (checkpoint, _) = store.latest_cosigned(&both, 1).await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 3);
    assert_eq!(store.latest_cosigned(&both, 3).await.unwrap(), None);
    assert_eq!(
        store
            .latest_cosigned(&["nobody".to_owned()], 1)
            .await
            .unwrap(),
        None
    );

    // One account hands in lines of at most MAX_WITNESSES_PER_ACCOUNT witness keys per
    // checkpoint (replacing its own lines still allowed); others are not held back by it.
    assert_eq!(pli_store::MAX_WITNESSES_PER_ACCOUNT, 2);
    store
        .add_cosignature(3, "w2", "— w2 three", a1)
        .await
        .unwrap();
    assert!(matches!(
        store.add_cosignature(3, "w3", "— w3 three", a1).await,
        Err(StoreError::Conflict(pli_store::ACCOUNT_WITNESS_SLOTS_TAKEN))
    ));
    store
        .add_cosignature(3, "w2", "— w2 again", a1)
        .await
        .unwrap();
    store
        .add_cosignature(3, "w3", "— w3 three", a3)
        .await
        .unwrap();
    // The account bound is per checkpoint.
    store
        .add_cosignature(2, "w3", "— w3 two", a1)
        .await
        .unwrap();
    for n in 4..=pli_store::MAX_WITNESSES {
        let witness = format!("w{n}");
        store
            .add_cosignature(3, &witness, "— line", account_of(&witness))
            .await
            .unwrap();
    }
    assert!(matches!(
        store
            .add_cosignature(3, "one too many", "— line", Id::random())
            .await,
        Err(StoreError::Conflict(pli_store::ALL_WITNESS_SLOTS_TAKEN))
    ));
    // A witness already there may still replace its line.
    store
        .add_cosignature(3, "w1", "— w1 again", a1)
        .await
        .unwrap();
}

/// Tiles hold the tree across their boundaries: after batches ending at 255, 256, 257 and
/// 65,537 leaves (a full tile of level 1 and one hash more), every stored hash of the smaller
/// trees reads back as the tree holds it, and inclusion proofs made from the store's hashes
/// verify at each size, at the edges of tiles.
pub async fn audit_log_tiles_hold_the_tree_across_boundaries(fixture: &dyn Fixture) {
    let store = fixture.store();
    let full = tree(65_537);
    let mut written = 0;
    for size in [255, 256, 257, 300, 65_536, 65_537] {
        let mut prefix = MemoryHashes::new();
        for index in 0..size {
            prefix.push_leaf(&entry(index)).unwrap();
        }
        store
            .append_audit_logged(&[], &log_batch(written, size - written))
            .await
            .unwrap();
        written = size;
        if size < 1000 {
            let indexes: Vec<u64> = (0..stored_hash_count(size)).collect();
            assert_eq!(
                stored_hashes(fixture, &indexes).await,
                tree_hashes(&full, &indexes),
                "size {size}"
            );
        }
        // Beyond the tree: not stored yet.
        assert!(matches!(
            store.audit_log_hashes(&[stored_hash_count(size)]).await,
            Err(StoreError::NotFound)
        ));
        for index in [0, 1, 254, 255, 256, 257, 65_535, 65_536] {
            if index >= size {
                continue;
            }
            let indexes = inclusion_proof_indexes(size, index).unwrap();
            let hashes: HashMap<u64, Hash> = indexes
                .iter()
                .copied()
                .zip(
                    stored_hashes(fixture, &indexes)
                        .await
                        .into_iter()
                        .map(Hash::from_bytes),
                )
                .collect();
            let proof = inclusion_proof(size, index, &hashes).unwrap();
            let leaf = pli_audit::leaf_hash(&entry(index));
            verify_inclusion(&leaf, index, size, &prefix.root(), &proof)
                .unwrap_or_else(|error| panic!("size {size}, index {index}: {error}"));
        }
    }
}
