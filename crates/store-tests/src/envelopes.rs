//! Envelopes: their life from announcement to deletion, and the inbox and outbox listings.

use crate::{
    Fixture, HOUR, NOW, announce, cursor_of, ids, join, not_found, send, whole_inbox, whole_outbox,
};
use pli_store::{
    Addressee, Envelope, EnvelopeState, Id, InboxScope, NewEnvelope, Role, StoreError,
};

/// An announced envelope is visible to nobody until its content is stored; `mark_stored`
/// works once and records the final size.
pub async fn pending_envelopes_are_invisible_until_stored(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let recipient = join(store, &org, "infirmier@chu-sud.example", Role::Agent, &[]).await;

    let id = announce(store, &sender, &[Addressee::Account(recipient.id)], NOW).await;
    let pending = store.envelope(id).await.unwrap();
    assert_eq!(pending.state, EnvelopeState::Pending);
    assert_eq!(pending.size, 1000);
    assert_eq!(pending.sender, sender);
    assert!(
        store
            .inbox(recipient.id, &InboxScope::All, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.outbox(sender.id, None, 10).await.unwrap().is_empty());

    store.mark_stored(id, 123_456_789_012).await.unwrap();
    let stored = store.envelope(id).await.unwrap();
    assert_eq!(stored.state, EnvelopeState::Stored);
    assert_eq!(stored.size, 123_456_789_012);
    assert_eq!(stored.created_at, NOW);
    assert_eq!(
        store
            .inbox(recipient.id, &InboxScope::All, None, 10)
            .await
            .unwrap(),
        vec![stored.clone()]
    );
    assert_eq!(
        store.outbox(sender.id, None, 10).await.unwrap(),
        vec![stored.clone()]
    );

    // Once only: a second upload cannot overwrite the first.
    assert!(matches!(
        store.mark_stored(id, 1).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.envelope(id).await.unwrap().size, 123_456_789_012);
    assert!(matches!(
        store.mark_stored(Id::random(), 1).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.envelope(Id::random()).await,
        Err(StoreError::NotFound)
    ));
}

/// An id is used once; sender and addressees must exist, and a refused envelope leaves no row.
pub async fn envelope_ids_are_unique_and_addressees_must_exist(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let recipient = join(store, &org, "infirmier@chu-sud.example", Role::Agent, &[]).await;
    let to = vec![Addressee::Account(recipient.id)];
    let id = send(store, &sender, &to, NOW).await;

    let mut again = NewEnvelope {
        id,
        sender_id: recipient.id,
        to: vec![Addressee::Account(sender.id)],
        size: 1,
        created_at: NOW + 1,
    };
    assert!(matches!(
        store.create_envelope(&again).await,
        Err(StoreError::Conflict(_))
    ));
    let original = store.envelope(id).await.unwrap();
    assert_eq!(original.sender, sender);
    assert_eq!(original.state, EnvelopeState::Stored);

    again.id = Id::random();
    again.sender_id = Id::random();
    assert!(not_found(store.create_envelope(&again).await));
    again.sender_id = sender.id;
    again.to = vec![
        Addressee::Account(recipient.id),
        Addressee::Account(Id::random()),
    ];
    assert!(not_found(store.create_envelope(&again).await));
    again.to = vec![Addressee::Mailbox(Id::random())];
    assert!(not_found(store.create_envelope(&again).await));
    assert!(matches!(
        store.envelope(again.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.stale_pending(NOW + HOUR).await.unwrap().is_empty());
}

/// An envelope lists its addressees in the sender's order, with their display names.
pub async fn envelopes_name_their_addressees_in_order(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other_org = store.ensure_org("Commissariat central").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let colleague = join(store, &org, "zz@chu-sud.example", Role::Agent, &[]).await;
    let police = join(store, &other_org, "opj@police.example", Role::Agent, &[]).await;
    let to = [
        Addressee::Account(police.id),
        Addressee::Mailbox(urgences.id),
        Addressee::Account(colleague.id),
    ];
    let id = send(store, &sender, &to, NOW).await;
    let envelope = store.envelope(id).await.unwrap();
    assert_eq!(
        envelope.to,
        vec![
            (
                Addressee::Account(police.id),
                "opj@police.example".to_owned()
            ),
            (Addressee::Mailbox(urgences.id), "urgences".to_owned()),
            (
                Addressee::Account(colleague.id),
                "zz@chu-sud.example".to_owned()
            ),
        ]
    );
    // Across organisations too.
    assert_eq!(
        ids(&whole_inbox(store, &police, &InboxScope::All, 5).await),
        vec![id]
    );
}

/// Paging through an inbox, many envelopes sharing a timestamp, gives each envelope exactly
/// once, newest first by (created_at, id), whatever the page size.
pub async fn inbox_pages_give_every_envelope_once(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let recipient = join(store, &org, "infirmier@chu-sud.example", Role::Agent, &[]).await;
    let to = [Addressee::Account(recipient.id)];
    let mut sent: Vec<(i64, Id)> = Vec::new();
    for index in 0..40i64 {
        // Four timestamps only, so most pages cut through a run of equal timestamps.
        let created_at = NOW + index % 4;
        sent.push((created_at, send(store, &sender, &to, created_at).await));
    }
    // A pending one at the newest time must not shift the pages.
    announce(store, &sender, &to, NOW + 3).await;
    sent.sort_by(|a, b| b.cmp(a));
    let expected: Vec<Id> = sent.iter().map(|(_, id)| *id).collect();

    for page in [1, 3, 7, 10, 39, 40, 41, 100] {
        let listed = whole_inbox(store, &recipient, &InboxScope::All, page).await;
        assert_eq!(ids(&listed), expected, "page size {page}");
        assert!(listed.iter().all(|e| e.state == EnvelopeState::Stored));
    }
    assert!(
        store
            .inbox(recipient.id, &InboxScope::All, None, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // A cursor on the oldest envelope is the end of the listing.
    let oldest = store.envelope(*expected.last().unwrap()).await.unwrap();
    assert!(
        store
            .inbox(recipient.id, &InboxScope::All, Some(cursor_of(&oldest)), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The sender's outbox pages the same way.
    assert_eq!(ids(&whole_outbox(store, &sender, 6).await), expected);
}

/// The default inbox holds what was addressed to the account and to its mailboxes, once
/// each, and nothing addressed to anybody else.
pub async fn inbox_merges_direct_and_mailbox_envelopes(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let accueil = store.create_mailbox(org.id, "accueil").await.unwrap();
    let autre = store.create_mailbox(org.id, "autre").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let me = join(
        store,
        &org,
        "moi@chu-sud.example",
        Role::Agent,
        &[&urgences, &accueil],
    )
    .await;
    let stranger = join(store, &org, "autre@chu-sud.example", Role::Agent, &[&autre]).await;
    let other_org = store.ensure_org("Commissariat central").await.unwrap();
    let police = join(store, &other_org, "opj@police.example", Role::Agent, &[]).await;

    let mut expected: Vec<(i64, Id)> = Vec::new();
    let mut sent_by = std::collections::HashMap::new();
    for index in 0..12i64 {
        let to = match index % 4 {
            0 => vec![Addressee::Account(me.id)],
            1 => vec![Addressee::Mailbox(urgences.id)],
            2 => vec![Addressee::Mailbox(accueil.id)],
            // Addressed to me twice over: listed once.
            _ => vec![
                Addressee::Mailbox(urgences.id),
                Addressee::Account(me.id),
                Addressee::Mailbox(accueil.id),
            ],
        };
        let created_at = NOW + index / 3;
        // Two senders, interleaved: each listed envelope carries its own.
        let from = if index % 5 == 0 { &police } else { &sender };
        let id = send(store, from, &to, created_at).await;
        sent_by.insert(id, from.clone());
        expected.push((created_at, id));
    }
    let elsewhere = [
        send(store, &sender, &[Addressee::Account(stranger.id)], NOW + 1).await,
        send(store, &sender, &[Addressee::Mailbox(autre.id)], NOW + 2).await,
        send(store, &me, &[Addressee::Account(sender.id)], NOW + 3).await,
    ];
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<Id> = expected.iter().map(|(_, id)| *id).collect();

    for page in [1, 2, 5, 12, 50] {
        let listed = whole_inbox(store, &me, &InboxScope::All, page).await;
        assert_eq!(ids(&listed), expected, "page size {page}");
        for envelope in &listed {
            assert_eq!(envelope.sender, sent_by[&envelope.id]);
        }
    }
    let stranger_inbox = ids(&whole_inbox(store, &stranger, &InboxScope::All, 5).await);
    assert_eq!(stranger_inbox, vec![elsewhere[1], elsewhere[0]]);
    // Sending to someone does not put the envelope in one's own inbox.
    assert!(!expected.contains(&elsewhere[2]));
}

/// A mailbox scope lists that mailbox's envelopes only, for its current members only.
pub async fn inbox_scopes_to_one_mailbox(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let accueil = store.create_mailbox(org.id, "accueil").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let me = join(
        store,
        &org,
        "moi@chu-sud.example",
        Role::Agent,
        &[&urgences, &accueil],
    )
    .await;
    let outsider = join(store, &org, "autre@chu-sud.example", Role::Agent, &[]).await;

    let mut to_urgences = Vec::new();
    for index in 0..5 {
        to_urgences.push(
            send(
                store,
                &sender,
                &[Addressee::Mailbox(urgences.id)],
                NOW + index,
            )
            .await,
        );
        send(
            store,
            &sender,
            &[Addressee::Mailbox(accueil.id)],
            NOW + index,
        )
        .await;
        send(store, &sender, &[Addressee::Account(me.id)], NOW + index).await;
    }
    to_urgences.reverse();
    let scope = InboxScope::Mailbox(urgences.id);
    assert_eq!(ids(&whole_inbox(store, &me, &scope, 2).await), to_urgences);
    assert_eq!(whole_inbox(store, &me, &InboxScope::All, 4).await.len(), 15);
    assert!(matches!(
        store.inbox(outsider.id, &scope, None, 10).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .inbox(me.id, &InboxScope::Mailbox(Id::random()), None, 10)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// The outbox holds the stored envelopes the account sent, newest first, full rows.
pub async fn outbox_lists_what_the_account_sent(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let other = join(
        store,
        &org,
        "autre@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;
    let first = send(store, &sender, &[Addressee::Mailbox(urgences.id)], NOW).await;
    let second = send(store, &sender, &[Addressee::Account(other.id)], NOW + HOUR).await;
    send(
        store,
        &other,
        &[Addressee::Account(sender.id)],
        NOW + 2 * HOUR,
    )
    .await;
    announce(
        store,
        &sender,
        &[Addressee::Account(other.id)],
        NOW + 3 * HOUR,
    )
    .await;

    let outbox: Vec<Envelope> = whole_outbox(store, &sender, 10).await;
    assert_eq!(ids(&outbox), vec![second, first]);
    assert_eq!(outbox[0], store.envelope(second).await.unwrap());
    assert_eq!(
        outbox[1].to,
        vec![(Addressee::Mailbox(urgences.id), "urgences".to_owned())]
    );
    assert!(
        store
            .outbox(Id::random(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A deleted envelope is gone from every listing; deleting it again is `NotFound`.
pub async fn deleted_envelopes_disappear(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let recipient = join(
        store,
        &org,
        "inf@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;
    let to = [
        Addressee::Account(recipient.id),
        Addressee::Mailbox(urgences.id),
    ];
    let kept = send(store, &sender, &to, NOW).await;
    let deleted = send(store, &sender, &to, NOW + 1).await;
    let abandoned = announce(store, &sender, &to, NOW + 2).await;

    store.delete_envelope(deleted).await.unwrap();
    store.delete_envelope(abandoned).await.unwrap();
    assert!(not_found(store.envelope(deleted).await));
    assert!(not_found(store.envelope(abandoned).await));
    assert!(not_found(store.delete_envelope(deleted).await));
    assert!(not_found(store.mark_stored(abandoned, 10).await));
    assert_eq!(
        ids(&whole_inbox(store, &recipient, &InboxScope::All, 10).await),
        vec![kept]
    );
    assert_eq!(
        ids(&whole_inbox(store, &recipient, &InboxScope::Mailbox(urgences.id), 10).await),
        vec![kept]
    );
    assert_eq!(ids(&whole_outbox(store, &sender, 10).await), vec![kept]);
    assert!(store.stale_pending(NOW + HOUR).await.unwrap().is_empty());
}

/// Abandoned uploads (pending and older than the cut-off) are listed for clean-up; stored
/// and recent pending envelopes are not.
pub async fn stale_pending_envelopes_are_listed_for_clean_up(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let to = [Addressee::Account(sender.id)];
    let old_a = announce(store, &sender, &to, NOW - 2 * HOUR).await;
    let old_b = announce(store, &sender, &to, NOW - HOUR - 1).await;
    send(store, &sender, &to, NOW - 3 * HOUR).await;
    announce(store, &sender, &to, NOW - HOUR).await;
    announce(store, &sender, &to, NOW).await;

    let mut stale = store.stale_pending(NOW - HOUR).await.unwrap();
    stale.sort();
    let mut expected = vec![old_a, old_b];
    expected.sort();
    assert_eq!(stale, expected);
    store.mark_stored(old_a, 5).await.unwrap();
    assert_eq!(store.stale_pending(NOW - HOUR).await.unwrap(), vec![old_b]);
    assert!(
        store
            .stale_pending(NOW - 3 * HOUR)
            .await
            .unwrap()
            .is_empty()
    );
}
