//! Counting shared by servers: the flow monitor's journal and rate-limit windows.

use crate::{Fixture, HOUR, NOW};
use pli_store::{HoldKind, Id, JournalEntry, JournalKind};

fn entry(instance: Id, at: i64, kind: JournalKind, address: u64) -> JournalEntry {
    JournalEntry {
        instance,
        at,
        account_id: Id::random(),
        org_id: Id::random(),
        address,
        kind,
        bytes: if kind == JournalKind::Download {
            1 << 40
        } else {
            0
        },
        sender_id: (kind == JournalKind::Download).then(Id::random),
        mailbox_id: (kind == JournalKind::Listing).then(Id::random),
    }
}

/// Entries come back whole, in the order appended, after any position, page by page; pruning
/// deletes only the old ones and positions keep growing.
pub async fn monitor_journal_is_read_in_order_and_pruned(fixture: &dyn Fixture) {
    let store = fixture.store();
    assert!(store.monitor_journal(0, 100).await.unwrap().is_empty());
    store.append_monitor_journal(&[]).await.unwrap();
    let (one, two) = (Id::random(), Id::random());
    let kinds = [
        JournalKind::Download,
        JournalKind::Listing,
        JournalKind::Hold(HoldKind::StepUp),
        JournalKind::Hold(HoldKind::Blocked),
        JournalKind::Lift,
        JournalKind::SteppedUp,
    ];
    let first: Vec<JournalEntry> = kinds
        .iter()
        .enumerate()
        .map(|(n, kind)| entry(one, NOW + n as i64, *kind, u64::MAX - n as u64))
        .collect();
    store.append_monitor_journal(&first).await.unwrap();
    let later = [entry(two, NOW + HOUR, JournalKind::Download, 0)];
    store.append_monitor_journal(&later).await.unwrap();

    let all = store.monitor_journal(0, 100).await.unwrap();
    let entries: Vec<JournalEntry> = all.iter().map(|(_, entry)| *entry).collect();
    assert_eq!(entries, [first.clone(), later.to_vec()].concat());
    let positions: Vec<i64> = all.iter().map(|(seq, _)| *seq).collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{positions:?}"
    );

    let page = store.monitor_journal(positions[1], 2).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0], all[2]);
    assert_eq!(page[1], all[3]);
    assert!(
        store
            .monitor_journal(positions[6], 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(store.prune_monitor_journal(NOW + 3).await.unwrap(), 3);
    let left = store.monitor_journal(0, 100).await.unwrap();
    assert_eq!(left, all[3..].to_vec());
    store
        .append_monitor_journal(&[entry(one, NOW, JournalKind::Lift, 7)])
        .await
        .unwrap();
    let newest = store.monitor_journal(positions[6], 10).await.unwrap();
    assert_eq!(newest.len(), 1);
    assert!(newest[0].0 > positions[6]);
}

/// Hits are counted per key and window, shared by every caller, and old windows pruned.
pub async fn rate_hits_are_counted_per_key_and_window(fixture: &dyn Fixture) {
    let store = fixture.store();
    let (a, b) = ([1u8; 32], [2u8; 32]);
    for expected in 1..=5 {
        assert_eq!(store.count_hit(&a, NOW).await.unwrap(), expected);
    }
    assert_eq!(store.count_hit(&b, NOW).await.unwrap(), 1);
    assert_eq!(store.count_hit(&a, NOW + 60).await.unwrap(), 1);
    let counts = futures_join(store, a, NOW + 120).await;
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<u64>>(),
        "concurrent hits each counted once"
    );
    assert_eq!(store.prune_hits(NOW + 60).await.unwrap(), 2);
    assert_eq!(
        store.count_hit(&a, NOW).await.unwrap(),
        1,
        "pruned window starts over"
    );
    assert_eq!(store.count_hit(&a, NOW + 60).await.unwrap(), 2);
}

/// Twenty hits at once: the counts returned, sorted.
async fn futures_join(store: &dyn pli_store::Store, key: [u8; 32], window: i64) -> Vec<u64> {
    let hits = (0..20).map(|_| store.count_hit(&key, window));
    let mut counts: Vec<u64> = futures_util::future::join_all(hits)
        .await
        .into_iter()
        .map(|count| count.unwrap())
        .collect();
    counts.sort_unstable();
    counts
}
