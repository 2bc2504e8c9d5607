//! Key transparency indexes, receipts, audit reports and retention.

use crate::{Fixture, NOW, join, new_key, send};
use pli_store::{
    Addressee, AuditEvent, AuditQuery, Id, LogBatch, Outcome, PrunedEntry, Role, StoreError,
    StoredReceipt, UnloggedKeys,
};

/// The log index of an account's role entry is kept per account and replaced.
pub async fn role_log_indexes_are_kept_per_account(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Est").await.unwrap();
    let ana = join(store, &org, "ana@chu-est.example", Role::Admin, &[]).await;
    let bruno = join(store, &org, "bruno@chu-est.example", Role::Agent, &[]).await;
    assert_eq!(store.account_role_log_index(ana.id).await.unwrap(), None);
    store.set_account_role_log_index(ana.id, 5).await.unwrap();
    assert_eq!(store.account_role_log_index(ana.id).await.unwrap(), Some(5));
    assert_eq!(store.account_role_log_index(bruno.id).await.unwrap(), None);
    // Apart from the key's index.
    assert_eq!(store.account_key_log_index(ana.id).await.unwrap(), None);
    store.set_account_role_log_index(ana.id, 11).await.unwrap();
    assert_eq!(
        store.account_role_log_index(ana.id).await.unwrap(),
        Some(11)
    );
    assert_eq!(
        store.account_role_log_index(Id::random()).await.unwrap(),
        None
    );
}

/// The log index of an account's keys and of each mailbox generation is kept and replaced.
pub async fn key_log_indexes_are_kept_per_key(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    assert_eq!(store.account_key_log_index(ana.id).await.unwrap(), None);
    let bruno = join(store, &org, "bruno@chu-sud.example", Role::Agent, &[]).await;
    store.set_account_key_log_index(bruno.id, 3).await.unwrap();
    assert_eq!(
        store.unlogged_keys().await.unwrap().accounts,
        vec![ana.id],
        "only the account without an entry"
    );
    store.set_account_key_log_index(ana.id, 4).await.unwrap();
    assert_eq!(store.account_key_log_index(ana.id).await.unwrap(), Some(4));
    store.set_account_key_log_index(ana.id, 9).await.unwrap();
    assert_eq!(store.account_key_log_index(ana.id).await.unwrap(), Some(9));

    store
        .create_mailbox_key(&new_key(team.id, 1, &ana, &[&ana], NOW))
        .await
        .unwrap();
    assert_eq!(store.mailbox_key_log_index(team.id, 1).await.unwrap(), None);
    store
        .set_mailbox_key_log_index(team.id, 1, 12)
        .await
        .unwrap();
    assert_eq!(
        store.mailbox_key_log_index(team.id, 1).await.unwrap(),
        Some(12)
    );
    assert_eq!(store.mailbox_key_log_index(team.id, 2).await.unwrap(), None);
    assert_eq!(
        store.unlogged_keys().await.unwrap(),
        UnloggedKeys::default()
    );
    // A newer generation without an entry is listed; the older logged one no longer matters.
    store
        .create_mailbox_key(&new_key(team.id, 2, &ana, &[&ana], NOW + 1))
        .await
        .unwrap();
    let unlogged = store.unlogged_keys().await.unwrap();
    assert!(unlogged.accounts.is_empty());
    assert_eq!(
        unlogged.mailboxes,
        vec![("urgences".to_owned(), 2, "age1generation2".to_owned())]
    );
    // No index for a generation that does not exist.
    assert!(
        store
            .set_mailbox_key_log_index(team.id, 3, 13)
            .await
            .is_err()
    );
}

fn receipt(envelope_id: Id, account_id: Id, email: &str, log_index: u64) -> StoredReceipt {
    StoredReceipt {
        envelope_id,
        account_id,
        email: email.to_owned(),
        manifest_hash: [7; 32],
        opened_at: NOW,
        signature: vec![9; 64],
        log_index,
    }
}

/// Receipts come back as stored, by email, one per recipient and envelope.
pub async fn receipts_are_one_per_recipient(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[]).await;
    let ben = join(store, &org, "ben@chu-sud.example", Role::Agent, &[]).await;
    let cy = join(store, &org, "cy@chu-sud.example", Role::Agent, &[]).await;
    let id = send(
        store,
        &ana,
        &[Addressee::Account(ben.id), Addressee::Account(cy.id)],
        NOW,
    )
    .await;
    assert!(store.receipts(id).await.unwrap().is_empty());
    let from_cy = receipt(id, cy.id, &cy.email, 3);
    let from_ben = receipt(id, ben.id, &ben.email, 5);
    store.add_receipt(&from_cy).await.unwrap();
    store.add_receipt(&from_ben).await.unwrap();
    assert!(matches!(
        store.add_receipt(&receipt(id, ben.id, &ben.email, 6)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.receipts(id).await.unwrap(), vec![from_ben, from_cy]);
    assert!(store.receipts(Id::random()).await.unwrap().is_empty());
}

fn at(time: i64, org_id: Option<Id>, email: &str, action: &str, target: &str) -> AuditEvent {
    AuditEvent {
        at: time,
        actor: None,
        actor_email: Some(email.to_owned()),
        org_id,
        from: "192.0.2.7".to_owned(),
        action: action.to_owned(),
        target: Some(target.to_owned()),
        outcome: Outcome::Allowed,
    }
}

/// A report combines time, organisation, account and envelope filters, and pages by `seq`.
pub async fn audit_reports_filter_and_page(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other = store.ensure_org("Mairie").await.unwrap();
    let envelope = Id::random();
    let events = vec![
        at(
            NOW - 100,
            Some(org.id),
            "ana@x.example",
            "envelope.upload",
            &envelope.to_string(),
        ),
        at(
            NOW,
            Some(org.id),
            "ben@x.example",
            "envelope.download",
            &envelope.to_string(),
        ),
        at(NOW + 10, Some(org.id), "ben@x.example", "inbox.list", "x"),
        at(
            NOW + 20,
            Some(other.id),
            "eve@y.example",
            "envelope.download",
            &envelope.to_string(),
        ),
        at(
            NOW + 30,
            Some(org.id),
            "ana@x.example",
            "admin.invite",
            "ben@x.example",
        ),
    ];
    store.append_audit(&events).await.unwrap();
    let report = |query: AuditQuery| async move {
        store
            .audit_report(&query)
            .await
            .unwrap()
            .into_iter()
            .map(|record| record.event)
            .collect::<Vec<_>>()
    };
    let all = AuditQuery {
        since: 0,
        limit: 100,
        ..AuditQuery::default()
    };
    assert_eq!(report(all.clone()).await, events);
    let window = AuditQuery {
        since: NOW,
        until: Some(NOW + 30),
        ..all.clone()
    };
    assert_eq!(report(window.clone()).await, events[1..4].to_vec());
    let own = AuditQuery {
        org_id: Some(org.id),
        ..window
    };
    assert_eq!(report(own).await, events[1..3].to_vec());
    // An account is the actor or the target.
    let ben = AuditQuery {
        account: Some("ben@x.example".into()),
        ..all.clone()
    };
    assert_eq!(
        report(ben).await,
        vec![events[1].clone(), events[2].clone(), events[4].clone()]
    );
    let on_envelope = AuditQuery {
        envelope: Some(envelope),
        ..all.clone()
    };
    assert_eq!(
        report(on_envelope).await,
        vec![events[0].clone(), events[1].clone(), events[3].clone()]
    );
    let first_two = store
        .audit_report(&AuditQuery {
            limit: 2,
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(first_two.len(), 2);
    let rest = AuditQuery {
        after_seq: first_two[1].seq,
        ..all
    };
    assert_eq!(report(rest).await, events[2..].to_vec());
}

/// A report on an envelope finds the events whose target starts with its id and a space (what
/// its external recipients did through their links, the policy's decision), and no other.
pub async fn audit_reports_on_an_envelope_find_what_its_links_did(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Nord").await.unwrap();
    let envelope = Id::random();
    let link = Id::random();
    let events = vec![
        at(
            NOW,
            Some(org.id),
            "ana@x.example",
            "envelope.create",
            &envelope.to_string(),
        ),
        at(
            NOW + 1,
            Some(org.id),
            "ana@x.example",
            "link.created",
            &format!("{envelope} link {link}"),
        ),
        at(
            NOW + 2,
            Some(org.id),
            "ext@y.example",
            "link.downloaded",
            &format!("{envelope} link {link}"),
        ),
        at(
            NOW + 3,
            Some(org.id),
            "ana@x.example",
            "envelope.dlp",
            &format!("{envelope} policy 2 warn nir=1"),
        ),
        // Targets that only look alike.
        at(
            NOW + 4,
            Some(org.id),
            "ana@x.example",
            "x",
            &format!("{envelope}x"),
        ),
        at(
            NOW + 5,
            Some(org.id),
            "ana@x.example",
            "x",
            &format!("x {envelope}"),
        ),
        at(
            NOW + 6,
            Some(org.id),
            "ana@x.example",
            "x",
            &link.to_string(),
        ),
    ];
    store.append_audit(&events).await.unwrap();
    let found: Vec<AuditEvent> = store
        .audit_report(&AuditQuery {
            since: 0,
            limit: 100,
            envelope: Some(envelope),
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|record| record.event)
        .collect();
    assert_eq!(found, events[..4].to_vec());
}

/// Pruning keeps an entry's header and leaf hash, drops its payload and the old event rows,
/// and leaves newer entries and rows whole.
pub async fn pruning_keeps_headers_and_leaf_hashes(fixture: &dyn Fixture) {
    let store = fixture.store();
    let old = at(NOW - 1000, None, "ana@x.example", "auth.login", "a");
    let new = at(NOW, None, "ana@x.example", "auth.login", "b");
    let batch = LogBatch {
        first_index: 0,
        bundles: crate::audit::bundles(0, &[vec![1; 80], vec![2; 80]]),
        tiles: vec![pli_store::TileAppend {
            tile: pli_store::TileId { level: 0, index: 0 },
            start: 0,
            hashes: [[3; 32], [4; 32]].concat(),
        }],
        size: 2,
        checkpoint: "pli.example/audit\n2\nroot\n\n— sig\n".to_owned(),
    };
    store
        .append_audit_logged(&[old, new.clone()], &batch)
        .await
        .unwrap();
    let stored = store.audit_log_stored(0, 10).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|entry| entry.pruned_leaf.is_none()));

    let pruned = PrunedEntry {
        index: 0,
        header: vec![1; 50],
        leaf: [6; 32],
    };
    let deleted = store
        .prune_audit(std::slice::from_ref(&pruned), NOW - 10)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let stored = store.audit_log_stored(0, 10).await.unwrap();
    assert_eq!(stored[0].bytes, vec![1; 50]);
    assert_eq!(stored[0].pruned_leaf, Some([6; 32]));
    assert_eq!(stored[1].bytes, vec![2; 80]);
    assert_eq!(stored[1].pruned_leaf, None);
    let rows: Vec<AuditEvent> = store
        .audit_events(None, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|record| record.event)
        .collect();
    assert_eq!(rows, vec![new]);
    // Pruning again changes nothing: a pruned entry keeps the leaf hash it was pruned with.
    let again = PrunedEntry {
        leaf: [8; 32],
        ..pruned
    };
    store.prune_audit(&[again], NOW - 10).await.unwrap();
    assert_eq!(
        store.audit_log_stored(0, 1).await.unwrap()[0].pruned_leaf,
        Some([6; 32])
    );
}
