//! The audit trail.

use crate::{Fixture, NOW, digest};
use pli_store::{AuditEvent, AuditRecord, Id, LogBatch, Outcome, StoreError, StoredCheckpoint};

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

/// A log batch of `n` entries after `first` entries: the bytes are opaque to the store, so any
/// distinct values do.
fn log_batch(first: u64, n: u64, hashes_start: u64, n_hashes: u64) -> LogBatch {
    LogBatch {
        first_index: first,
        entries: (first..first + n)
            .map(|index| format!("entry {index}").into_bytes())
            .collect(),
        hashes_start,
        hashes: (hashes_start..hashes_start + n_hashes)
            .map(|index| digest(&format!("hash {index}")))
            .collect(),
        size: first + n,
        checkpoint: format!("pli.example/audit\n{}\nroot\n\n— sig\n", first + n),
    }
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
    let first = log_batch(0, 2, 0, 3);
    store
        .append_audit_logged(&first_events, &first)
        .await
        .unwrap();
    let second_events = vec![event(None, "envelope.download", Outcome::Denied)];
    let second = log_batch(2, 1, 3, 1);
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
    let expected: Vec<(u64, Vec<u8>)> = (0..3)
        .zip(first.entries.iter().chain(&second.entries).cloned())
        .collect();
    assert_eq!(entries, expected);
    assert_eq!(store.audit_log_entries(1, 1).await.unwrap(), expected[1..2]);
    assert!(store.audit_log_entries(3, 10).await.unwrap().is_empty());

    let hashes = store.audit_log_hashes(&[3, 0, 2]).await.unwrap();
    assert_eq!(
        hashes,
        vec![second.hashes[0], first.hashes[0], first.hashes[2]]
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
    let batch = log_batch(0, 2, 0, 3);
    store
        .append_audit_logged(&[event(None, "first", Outcome::Allowed)], &batch)
        .await
        .unwrap();
    let mut replay = log_batch(0, 2, 0, 3);
    replay.entries[1] = b"rewritten".to_vec();
    assert!(matches!(
        store
            .append_audit_logged(&[event(None, "replayed", Outcome::Allowed)], &replay)
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Same hashes and checkpoint positions as an earlier batch, new entries: still refused.
    let overlapping = log_batch(2, 1, 2, 1);
    assert!(matches!(
        store
            .append_audit_logged(&[event(None, "overlap", Outcome::Allowed)], &overlapping)
            .await,
        Err(StoreError::Conflict(_))
    ));

    let rows = store.audit_events(None, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].event.action, "first");
    let entries = store.audit_log_entries(0, 10).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].1, batch.entries[1]);
    assert_eq!(store.audit_log_latest().await.unwrap().unwrap().size, 2);
}

/// Witnesses' cosignatures: one line per witness and checkpoint (a new line replaces the old),
/// only for stored checkpoints, at most `MAX_WITNESSES` witnesses each; the latest cosigned
/// checkpoint comes with its lines.
pub async fn cosignatures_are_kept_per_witness_and_bounded(fixture: &dyn Fixture) {
    let store = fixture.store();
    assert_eq!(store.latest_cosigned().await.unwrap(), None);
    store
        .append_audit_logged(&[], &log_batch(0, 2, 0, 3))
        .await
        .unwrap();
    store
        .append_audit_logged(&[], &log_batch(2, 1, 3, 1))
        .await
        .unwrap();
    assert!(matches!(
        store.add_cosignature(5, "w1", "— w1 AAAA").await,
        Err(StoreError::NotFound)
    ));
    store.add_cosignature(2, "w1", "— w1 old").await.unwrap();
    store.add_cosignature(2, "w1", "— w1 new").await.unwrap();
    store.add_cosignature(2, "w2", "— w2 sig").await.unwrap();
    let (checkpoint, lines) = store.latest_cosigned().await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 2);
    assert_eq!(lines, vec!["— w1 new".to_owned(), "— w2 sig".to_owned()]);

    store.add_cosignature(3, "w1", "— w1 three").await.unwrap();
    let (checkpoint, lines) = store.latest_cosigned().await.unwrap().unwrap();
    assert_eq!(checkpoint.size, 3);
    assert_eq!(lines, vec!["— w1 three".to_owned()]);

    for n in 2..=pli_store::MAX_WITNESSES {
        store
            .add_cosignature(3, &format!("w{n}"), "— line")
            .await
            .unwrap();
    }
    assert!(matches!(
        store.add_cosignature(3, "one too many", "— line").await,
        Err(StoreError::Conflict(_))
    ));
    // A witness already there may still replace its line.
    store.add_cosignature(3, "w1", "— w1 again").await.unwrap();
}
