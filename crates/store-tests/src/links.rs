//! External links: state, the server's half, tokens, downloads, receipts.

use crate::{Fixture, HOUR, NOW, digest, join, not_found, send};
use pli_store::{Id, LinkReceipt, LinkState, NewLink, Role, StoreError};

fn new_link(envelope_id: Id, creator_id: Id, max_downloads: u32) -> NewLink {
    NewLink {
        id: Id::random(),
        envelope_id,
        creator_id,
        email: "officier@police.example".into(),
        phone: Some("+33612345678".into()),
        created_at: NOW,
        expires_at: NOW + 72 * HOUR,
        max_downloads,
        code_hash: digest("123456"),
        server_half: [7; 32],
        receipt_key: [9; 32],
    }
}

fn conflict<T>(result: pli_store::Result<T>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

/// A link keeps what its sender gave; wrong codes count and the last one locks it and
/// destroys the server's half; an ended link changes no more.
pub async fn links_lock_after_wrong_codes(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "secretariat@chu.fr", Role::Agent, &[]).await;
    let envelope = send(store, &sender, &[], NOW).await;
    let link = new_link(envelope, sender.id, 3);
    assert!(not_found(
        store
            .create_link(&new_link(Id::random(), sender.id, 3))
            .await
    ));
    assert!(not_found(
        store
            .create_link(&new_link(envelope, Id::random(), 3))
            .await
    ));
    store.create_link(&link).await.unwrap();
    assert!(conflict(store.create_link(&link).await));
    let stored = store.link(link.id).await.unwrap();
    assert_eq!(stored.state, LinkState::Active);
    assert_eq!(stored.server_half, Some([7; 32]));
    assert_eq!(stored.phone.as_deref(), Some("+33612345678"));
    assert_eq!((stored.downloads, stored.code_failures), (0, 0));
    assert_eq!(stored.code_hash, digest("123456"));
    assert_eq!(stored.receipt_key, [9; 32]);
    assert!(stored.openings.is_empty() && stored.receipt.is_none());
    assert!(not_found(store.link(Id::random()).await));

    for n in 1..5 {
        let after = store.record_link_code_failure(link.id, 5).await.unwrap();
        assert_eq!(after.code_failures, n);
        assert_eq!(after.state, LinkState::Active);
        assert_eq!(after.server_half, Some([7; 32]));
    }
    let locked = store.record_link_code_failure(link.id, 5).await.unwrap();
    assert_eq!(locked.state, LinkState::Locked);
    assert_eq!(locked.server_half, None);
    assert!(conflict(store.record_link_code_failure(link.id, 5).await));
    assert!(conflict(
        store.end_link(link.id, LinkState::Withdrawn).await
    ));
    assert!(conflict(
        store
            .add_link_token(link.id, &[1; 32], NOW + HOUR, NOW)
            .await
    ));
    assert!(not_found(
        store.end_link(Id::random(), LinkState::Withdrawn).await
    ));
    assert_eq!(store.envelope_links(envelope).await.unwrap().len(), 1);
}

/// Tokens are valid for their link until they expire; downloads are counted with their
/// address, and the last allowed one exhausts the link and destroys the server's half.
pub async fn link_downloads_are_counted_and_exhaust(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "secretariat@chu.fr", Role::Agent, &[]).await;
    let envelope = send(store, &sender, &[], NOW).await;
    let link = new_link(envelope, sender.id, 2);
    let other = new_link(envelope, sender.id, 2);
    store.create_link(&link).await.unwrap();
    store.create_link(&other).await.unwrap();
    let token = digest("token");
    store
        .add_link_token(link.id, &token, NOW + 900, NOW)
        .await
        .unwrap();
    assert!(store.link_token_valid(link.id, &token, NOW).await.unwrap());
    assert!(
        !store
            .link_token_valid(link.id, &token, NOW + 900)
            .await
            .unwrap()
    );
    assert!(!store.link_token_valid(other.id, &token, NOW).await.unwrap());
    assert!(
        !store
            .link_token_valid(link.id, &digest("other"), NOW)
            .await
            .unwrap()
    );
    // A token cannot be issued past the link's expiry.
    assert!(conflict(
        store
            .add_link_token(link.id, &digest("late"), NOW + 73 * HOUR, NOW + 72 * HOUR)
            .await
    ));

    let first = store
        .count_link_download(link.id, NOW + 10, "203.0.113.7")
        .await
        .unwrap();
    assert_eq!(first.downloads, 1);
    assert_eq!(first.state, LinkState::Active);
    let last = store
        .count_link_download(link.id, NOW + 20, "198.51.100.2")
        .await
        .unwrap();
    assert_eq!(last.downloads, 2);
    assert_eq!(last.state, LinkState::Exhausted);
    assert_eq!(last.server_half, None);
    let addresses: Vec<_> = last
        .openings
        .iter()
        .map(|opening| (opening.at, opening.address.as_str()))
        .collect();
    assert_eq!(
        addresses,
        [(NOW + 10, "203.0.113.7"), (NOW + 20, "198.51.100.2")]
    );
    assert!(conflict(
        store.count_link_download(link.id, NOW + 30, "x").await
    ));
    // The other link is untouched, and refuses downloads past its expiry.
    assert!(conflict(
        store
            .count_link_download(other.id, NOW + 72 * HOUR, "x")
            .await
    ));
    assert_eq!(store.link(other.id).await.unwrap().downloads, 0);

    let receipt = LinkReceipt {
        manifest_hash: [3; 32],
        opened_at: NOW + 15,
        signature: vec![4; 64],
        log_index: 12,
    };
    store.set_link_receipt(link.id, &receipt).await.unwrap();
    assert!(conflict(store.set_link_receipt(link.id, &receipt).await));
    assert_eq!(store.link(link.id).await.unwrap().receipt, Some(receipt));
}

/// Expiry ends every active link past its time, destroying the server's half, once; a
/// withdrawn link is ended too and keeps no tokens.
pub async fn links_expire_and_are_withdrawn(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Sud").await.unwrap();
    let sender = join(store, &org, "secretariat@chu.fr", Role::Agent, &[]).await;
    let envelope = send(store, &sender, &[], NOW).await;
    let soon = NewLink {
        expires_at: NOW + HOUR,
        ..new_link(envelope, sender.id, 5)
    };
    let later = new_link(envelope, sender.id, 5);
    let withdrawn = new_link(envelope, sender.id, 5);
    for link in [&soon, &later, &withdrawn] {
        store.create_link(link).await.unwrap();
    }
    assert!(store.expire_links(NOW).await.unwrap().is_empty());
    assert_eq!(store.expire_links(NOW + HOUR).await.unwrap(), vec![soon.id]);
    assert!(store.expire_links(NOW + HOUR).await.unwrap().is_empty());
    let expired = store.link(soon.id).await.unwrap();
    assert_eq!(expired.state, LinkState::Expired);
    assert_eq!(expired.server_half, None);
    assert_eq!(
        store.link(later.id).await.unwrap().server_half,
        Some([7; 32])
    );

    let token = digest("withdrawn token");
    store
        .add_link_token(withdrawn.id, &token, NOW + 900, NOW)
        .await
        .unwrap();
    assert!(conflict(
        store.end_link(withdrawn.id, LinkState::Active).await
    ));
    store
        .end_link(withdrawn.id, LinkState::Withdrawn)
        .await
        .unwrap();
    let ended = store.link(withdrawn.id).await.unwrap();
    assert_eq!(ended.state, LinkState::Withdrawn);
    assert_eq!(ended.server_half, None);
    assert!(
        !store
            .link_token_valid(withdrawn.id, &token, NOW)
            .await
            .unwrap()
    );
    // Deleting the envelope takes its links along.
    store.delete_envelope(envelope).await.unwrap();
    assert!(not_found(store.link(later.id).await));
}
