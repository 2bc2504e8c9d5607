//! Key generations of functional mailboxes: compare-and-set publication, copies only for
//! members, staleness after a removal, and when senders may use a generation.

use crate::{Fixture, NOW, join, not_found};
use pli_store::{Account, Id, MailboxKeyWrap, NewMailboxKey, Role, Store, StoreError, Timestamp};

/// A generation made by `creator` with one copy per account in `for_accounts`.
pub fn new_key(
    mailbox_id: Id,
    generation: u32,
    creator: &Account,
    for_accounts: &[&Account],
    created_at: Timestamp,
) -> NewMailboxKey {
    NewMailboxKey {
        mailbox_id,
        generation,
        recipient: format!("age1generation{generation}"),
        creator_id: creator.id,
        created_at,
        signature: vec![generation as u8; 64],
        wraps: for_accounts
            .iter()
            .map(|account| wrap(generation, account))
            .collect(),
    }
}

/// A copy of generation `generation` for `account`; its bytes name both.
pub fn wrap(generation: u32, account: &Account) -> MailboxKeyWrap {
    MailboxKeyWrap {
        generation,
        account_id: account.id,
        wrapped: format!("secret {generation} for {}", account.email).into_bytes(),
    }
}

fn conflict<T>(result: pli_store::Result<T>, what: &str) -> bool {
    matches!(result, Err(StoreError::Conflict(found)) if found == what)
}

async fn latest(store: &dyn Store, mailbox_id: Id) -> Option<u32> {
    store
        .mailbox_keys(mailbox_id)
        .await
        .unwrap()
        .current()
        .map(|key| key.generation)
}

/// Generations go 1, 2, 3...: only exactly the latest plus one is accepted, and of two clients
/// racing to publish the same next generation exactly one wins.
pub async fn mailbox_key_generations_are_compare_and_set(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    let ben = join(store, &org, "ben@chu-sud.example", Role::Agent, &[&team]).await;
    let both = [&ana, &ben];
    assert_eq!(latest(store, team.id).await, None);

    for wrong in [0, 2, 7] {
        assert!(
            conflict(
                store
                    .create_mailbox_key(&new_key(team.id, wrong, &ana, &both, NOW))
                    .await,
                "mailbox key generation"
            ),
            "generation {wrong} before any"
        );
    }
    store
        .create_mailbox_key(&new_key(team.id, 1, &ana, &both, NOW))
        .await
        .unwrap();
    assert!(conflict(
        store
            .create_mailbox_key(&new_key(team.id, 1, &ben, &both, NOW))
            .await,
        "mailbox key generation"
    ));
    assert!(conflict(
        store
            .create_mailbox_key(&new_key(team.id, 3, &ben, &both, NOW))
            .await,
        "mailbox key generation"
    ));

    // Two clients both saw generation 1 and publish generation 2 at once.
    let first = new_key(team.id, 2, &ana, &both, NOW + 1);
    let mut second = new_key(team.id, 2, &ben, &both, NOW + 1);
    second.recipient = "age1other".into();
    let (a, b) = futures_util::join!(
        store.create_mailbox_key(&first),
        store.create_mailbox_key(&second)
    );
    let winners = [&a, &b].iter().filter(|result| result.is_ok()).count();
    assert_eq!(winners, 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(conflict(loser, "mailbox key generation"));

    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert_eq!(
        keys.generations
            .iter()
            .map(|key| key.generation)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    let current = keys.current().unwrap();
    let (winner, creator) = if current.recipient == "age1other" {
        (&second, &ben)
    } else {
        (&first, &ana)
    };
    assert_eq!(current.recipient, winner.recipient);
    assert_eq!(current.creator, *creator);
    assert_eq!(current.created_at, NOW + 1);
    assert_eq!(current.signature, vec![2u8; 64]);
    assert!(keys.usable());

    assert!(not_found(
        store
            .create_mailbox_key(&new_key(Id::random(), 1, &ana, &[], NOW))
            .await
    ));
    assert!(not_found(store.mailbox_keys(Id::random()).await));
}

/// A new generation carries exactly one copy per current member; later copies go only to
/// current members, only for existing generations, and never replace a copy already held.
pub async fn mailbox_key_copies_are_only_for_members(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    let ben = join(store, &org, "ben@chu-sud.example", Role::Agent, &[&team]).await;
    let eve = join(store, &org, "eve@chu-sud.example", Role::Agent, &[]).await;

    let refusals = [
        vec![&ana],
        vec![&ana, &ben, &eve],
        vec![&ana, &eve],
        vec![&ana, &ana, &ben],
        vec![],
    ];
    for for_accounts in refusals {
        let emails: Vec<&str> = for_accounts.iter().map(|a| a.email.as_str()).collect();
        assert!(
            conflict(
                store
                    .create_mailbox_key(&new_key(team.id, 1, &ana, &for_accounts, NOW))
                    .await,
                "mailbox members"
            ),
            "copies for {emails:?}"
        );
    }
    let mut mixed = new_key(team.id, 1, &ana, &[&ana, &ben], NOW);
    mixed.wraps[1].generation = 2;
    assert!(conflict(
        store.create_mailbox_key(&mixed).await,
        "mailbox members"
    ));
    assert_eq!(latest(store, team.id).await, None, "nothing half-written");

    store
        .create_mailbox_key(&new_key(team.id, 1, &ana, &[&ana, &ben], NOW))
        .await
        .unwrap();
    assert_eq!(
        store.mailbox_key_wraps(team.id, ben.id).await.unwrap(),
        vec![wrap(1, &ben)]
    );
    assert!(
        store
            .mailbox_key_wraps(team.id, eve.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Eve is no member: no copy for her, not even beside a valid one.
    assert!(conflict(
        store
            .add_mailbox_key_wraps(team.id, &[wrap(1, &ana), wrap(1, &eve)])
            .await,
        "mailbox members"
    ));
    assert!(
        store
            .mailbox_key_wraps(team.id, eve.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A generation that does not exist.
    store.add_member(team.id, eve.id).await.unwrap();
    assert!(not_found(
        store.add_mailbox_key_wraps(team.id, &[wrap(2, &eve)]).await
    ));
    assert!(not_found(
        store
            .add_mailbox_key_wraps(Id::random(), &[wrap(1, &eve)])
            .await
    ));

    // A member's existing copy is kept; a new member gets one.
    let mut replacement = wrap(1, &ben);
    replacement.wrapped = b"garbage".to_vec();
    store
        .add_mailbox_key_wraps(team.id, &[replacement, wrap(1, &eve)])
        .await
        .unwrap();
    assert_eq!(
        store.mailbox_key_wraps(team.id, ben.id).await.unwrap(),
        vec![wrap(1, &ben)]
    );
    assert_eq!(
        store.mailbox_key_wraps(team.id, eve.id).await.unwrap(),
        vec![wrap(1, &eve)]
    );
    let mut holders = store.mailbox_keys(team.id).await.unwrap().generations[0]
        .holders
        .clone();
    holders.sort();
    let mut expected = vec![ana.id, ben.id, eve.id];
    expected.sort();
    assert_eq!(holders, expected);
}

/// Removing a member makes the latest generation stale, however close in time; a generation
/// made after the removal is fresh again; the member who left no longer counts as a holder.
pub async fn a_removal_makes_the_mailbox_key_stale(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    let ben = join(store, &org, "ben@chu-sud.example", Role::Agent, &[&team]).await;
    store
        .create_mailbox_key(&new_key(team.id, 1, &ana, &[&ana, &ben], NOW))
        .await
        .unwrap();
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert!(!keys.stale);
    assert!(keys.usable());

    // The removal happens in the same second as the generation: still after it.
    store.remove_member(team.id, ben.id, NOW).await.unwrap();
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert!(keys.stale);
    assert!(!keys.usable());
    assert!(keys.missing.is_empty());
    assert_eq!(keys.generations[0].holders, vec![ana.id]);
    // Ben's old copy stays (it is only ciphertext for him), but he is not a holder.
    assert_eq!(
        store.mailbox_key_wraps(team.id, ben.id).await.unwrap(),
        vec![wrap(1, &ben)]
    );

    store
        .create_mailbox_key(&new_key(team.id, 2, &ana, &[&ana], NOW))
        .await
        .unwrap();
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert!(!keys.stale);
    assert!(keys.usable());

    // Another mailbox's removals are not this one's.
    let other = store.create_mailbox(org.id, "accueil").await.unwrap();
    store.add_member(other.id, ana.id).await.unwrap();
    store
        .remove_member(other.id, ana.id, NOW + 5)
        .await
        .unwrap();
    assert!(store.mailbox_keys(team.id).await.unwrap().usable());
    assert!(not_found(
        store.remove_member(team.id, ben.id, NOW + 6).await
    ));
}

/// Usable means: a generation exists, it is fresh, and every current member holds a copy.
pub async fn mailbox_key_usability_follows_members(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let team = store.create_mailbox(org.id, "urgences").await.unwrap();
    let empty = store.mailbox_keys(team.id).await.unwrap();
    assert!(empty.generations.is_empty() && !empty.stale && !empty.usable());

    let ana = join(store, &org, "ana@chu-sud.example", Role::Agent, &[&team]).await;
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert_eq!(keys.missing, vec![ana.id]);
    assert!(!keys.usable(), "no generation yet");

    store
        .create_mailbox_key(&new_key(team.id, 1, &ana, &[&ana], NOW))
        .await
        .unwrap();
    assert!(store.mailbox_keys(team.id).await.unwrap().usable());

    // A newcomer without a copy: not usable until someone gives them one.
    let cleo = join(store, &org, "cleo@chu-sud.example", Role::Agent, &[&team]).await;
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert!(!keys.stale);
    assert_eq!(keys.missing, vec![cleo.id]);
    assert!(!keys.usable());
    store
        .add_mailbox_key_wraps(team.id, &[wrap(1, &cleo)])
        .await
        .unwrap();
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert!(keys.missing.is_empty());
    assert!(keys.usable());

    // A newcomer holding only an older generation does not make the latest usable.
    store
        .create_mailbox_key(&new_key(team.id, 2, &ana, &[&ana, &cleo], NOW + 1))
        .await
        .unwrap();
    let dan = join(store, &org, "dan@chu-sud.example", Role::Agent, &[&team]).await;
    store
        .add_mailbox_key_wraps(team.id, &[wrap(1, &dan)])
        .await
        .unwrap();
    let keys = store.mailbox_keys(team.id).await.unwrap();
    assert_eq!(keys.missing, vec![dan.id]);
    assert!(!keys.usable());
    store
        .add_mailbox_key_wraps(team.id, &[wrap(2, &dan)])
        .await
        .unwrap();
    assert!(store.mailbox_keys(team.id).await.unwrap().usable());
}
