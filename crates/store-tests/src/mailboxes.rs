//! Functional mailboxes and their members.

use crate::{Fixture, NOW, ids, join, not_found, send, whole_inbox};
use pli_store::{Addressee, Id, InboxScope, Role, StoreError};

/// Mailbox names are unique on the whole server, across organisations.
pub async fn mailbox_names_are_unique(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let other_org = store.ensure_org("Préfecture").await.unwrap();
    let mailbox = store.create_mailbox(org.id, "accueil").await.unwrap();
    assert_eq!(mailbox.name, "accueil");
    assert_eq!(mailbox.org, org);
    assert_eq!(store.mailbox_by_name("accueil").await.unwrap(), mailbox);

    for owner in [&org, &other_org] {
        assert!(matches!(
            store.create_mailbox(owner.id, "accueil").await,
            Err(StoreError::Conflict(_))
        ));
    }
    assert!(matches!(
        store.create_mailbox(Id::random(), "orphelin").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.mailbox_by_name("orphelin").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.mailbox_by_name("Accueil").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.mailbox_by_name("accueil").await.unwrap(), mailbox);
}

/// Adding twice is harmless; members come ordered by email, mailboxes by name; removing a
/// non-member is `NotFound`; unknown accounts or mailboxes cannot be added.
pub async fn membership_is_idempotent_and_ordered(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let accueil = store.create_mailbox(org.id, "accueil").await.unwrap();
    let zoe = join(store, &org, "zoe@chu-sud.example", Role::Agent, &[]).await;
    let adam = join(store, &org, "adam@chu-sud.example", Role::Agent, &[]).await;
    assert!(store.mailbox_members(urgences.id).await.unwrap().is_empty());

    store.add_member(urgences.id, zoe.id).await.unwrap();
    store.add_member(urgences.id, adam.id).await.unwrap();
    store.add_member(urgences.id, zoe.id).await.unwrap();
    store.add_member(accueil.id, zoe.id).await.unwrap();
    assert_eq!(
        store.mailbox_members(urgences.id).await.unwrap(),
        vec![adam.clone(), zoe.clone()]
    );
    assert_eq!(
        store.account_mailboxes(zoe.id).await.unwrap(),
        vec![accueil.clone(), urgences.clone()]
    );

    store.remove_member(urgences.id, zoe.id, NOW).await.unwrap();
    assert!(matches!(
        store.remove_member(urgences.id, zoe.id, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.mailbox_members(urgences.id).await.unwrap(),
        vec![adam.clone()]
    );
    assert_eq!(
        store.account_mailboxes(zoe.id).await.unwrap(),
        vec![accueil]
    );

    assert!(not_found(store.add_member(urgences.id, Id::random()).await));
    assert!(not_found(store.add_member(Id::random(), adam.id).await));
    assert!(not_found(
        store.remove_member(Id::random(), adam.id, NOW).await
    ));
    assert!(not_found(store.mailbox_members(Id::random()).await));
    assert!(not_found(store.account_mailboxes(Id::random()).await));
}

/// Inbox visibility through a mailbox follows current membership: whoever leaves stops
/// seeing the mailbox's envelopes (old and new), keeps what was addressed to them directly,
/// and whoever joins sees the mailbox's envelopes.
pub async fn a_member_who_leaves_stops_seeing_mailbox_envelopes(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let urgences = store.create_mailbox(org.id, "urgences").await.unwrap();
    let sender = join(store, &org, "medecin@chu-sud.example", Role::Agent, &[]).await;
    let leaver = join(
        store,
        &org,
        "partant@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;
    let stayer = join(
        store,
        &org,
        "restant@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;

    let to_mailbox = [Addressee::Mailbox(urgences.id)];
    let before = send(store, &sender, &to_mailbox, NOW).await;
    let direct = send(store, &sender, &[Addressee::Account(leaver.id)], NOW + 1).await;
    assert_eq!(
        ids(&whole_inbox(store, &leaver, &InboxScope::All, 10).await),
        vec![direct, before]
    );

    store
        .remove_member(urgences.id, leaver.id, NOW)
        .await
        .unwrap();
    let after = send(store, &sender, &to_mailbox, NOW + 2).await;
    assert_eq!(
        ids(&whole_inbox(store, &leaver, &InboxScope::All, 10).await),
        vec![direct]
    );
    assert!(matches!(
        store
            .inbox(leaver.id, &InboxScope::Mailbox(urgences.id), None, 10)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        ids(&whole_inbox(store, &stayer, &InboxScope::All, 10).await),
        vec![after, before]
    );

    let newcomer = join(
        store,
        &org,
        "nouveau@chu-sud.example",
        Role::Agent,
        &[&urgences],
    )
    .await;
    assert_eq!(
        ids(&whole_inbox(store, &newcomer, &InboxScope::All, 10).await),
        vec![after, before]
    );
}
