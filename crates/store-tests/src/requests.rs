//! Upload requests: what the requester signed is kept, uploads are routed to the request's
//! addressee, counted, bounded, and marked as coming from outside.

use crate::{Fixture, HOUR, NOW, join, not_found, whole_inbox};
use pli_store::{Addressee, Id, InboxScope, NewUploadRequest, RequestState, Role, StoreError};

fn new_request(creator_id: Id, mailbox_id: Option<Id>, max_uploads: u32) -> NewUploadRequest {
    NewUploadRequest {
        id: Id::random(),
        creator_id,
        mailbox_id,
        email: "famille@example.org".into(),
        recipients: vec!["age1premier".into(), "age1second".into()],
        signature: vec![4; 64],
        created_at: NOW,
        expires_at: NOW + 24 * HOUR,
        max_uploads,
    }
}

fn conflict<T>(result: pli_store::Result<T>, what: &str) -> bool {
    matches!(result, Err(StoreError::Conflict(found)) if found == what)
}

/// A request keeps what its requester signed; an upload is invisible until completed, then
/// lands in the mailbox's inbox and the requester's outbox marked as outside, and
/// the last allowed upload exhausts the request.
pub async fn upload_requests_route_and_count_uploads(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("Mairie").await.unwrap();
    let desk = store.create_mailbox(org.id, "etat-civil").await.unwrap();
    let clerk = join(store, &org, "agent@mairie.fr", Role::Agent, &[&desk]).await;
    let colleague = join(store, &org, "collegue@mairie.fr", Role::Agent, &[&desk]).await;
    let request = new_request(clerk.id, Some(desk.id), 2);
    assert!(not_found(
        store
            .create_upload_request(&new_request(Id::random(), None, 1))
            .await
    ));
    assert!(not_found(
        store
            .create_upload_request(&new_request(clerk.id, Some(Id::random()), 1))
            .await
    ));
    store.create_upload_request(&request).await.unwrap();
    assert!(store.create_upload_request(&request).await.is_err());
    let stored = store.upload_request(request.id).await.unwrap();
    assert_eq!(stored.addressee, "etat-civil");
    assert_eq!(stored.recipients, request.recipients);
    assert_eq!(stored.signature, vec![4; 64]);
    assert_eq!((stored.uploads, stored.max_uploads), (0, 2));
    assert_eq!(stored.state, RequestState::Active);
    assert!(not_found(store.upload_request(Id::random()).await));

    let first = Id::random();
    store
        .begin_request_upload(request.id, first, 2000, NOW + 1, "198.51.100.7")
        .await
        .unwrap();
    assert!(conflict(
        store
            .begin_request_upload(request.id, first, 2000, NOW + 1, "198.51.100.7")
            .await,
        "envelope id"
    ));
    // Pending: nobody sees it, and it is not counted.
    assert!(
        whole_inbox(store, &colleague, &InboxScope::All, 10)
            .await
            .is_empty()
    );
    assert_eq!(store.upload_request(request.id).await.unwrap().uploads, 0);
    assert!(not_found(
        store
            .complete_request_upload(Id::random(), first, 2000, NOW + 2)
            .await
    ));
    let after = store
        .complete_request_upload(request.id, first, 1990, NOW + 2)
        .await
        .unwrap();
    assert_eq!((after.uploads, after.state), (1, RequestState::Active));
    assert_eq!(after.envelopes.len(), 1);
    assert_eq!(after.envelopes[0].envelope_id, first);
    assert_eq!(after.envelopes[0].size, 1990);
    assert_eq!(after.envelopes[0].address, "198.51.100.7");
    assert!(not_found(
        store
            .complete_request_upload(request.id, first, 1990, NOW + 2)
            .await
    ));

    let inbox = whole_inbox(store, &colleague, &InboxScope::All, 10).await;
    assert_eq!(inbox.len(), 1);
    let envelope = &inbox[0];
    assert_eq!(envelope.id, first);
    assert_eq!(envelope.sender.id, clerk.id);
    assert_eq!(envelope.to[0].0, Addressee::Mailbox(desk.id));
    let outside = envelope.outside.as_ref().unwrap();
    assert_eq!(outside.request_id, request.id);
    assert_eq!(outside.email, "famille@example.org");
    assert_eq!(
        store.envelope(first).await.unwrap().outside,
        envelope.outside
    );
    let outbox = store.outbox(clerk.id, None, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].outside, envelope.outside);

    // Two uploads racing for the last slot: both begin, one completes.
    let (second, third) = (Id::random(), Id::random());
    for id in [second, third] {
        store
            .begin_request_upload(request.id, id, 10, NOW + 3, "198.51.100.8")
            .await
            .unwrap();
    }
    let full = store
        .complete_request_upload(request.id, second, 10, NOW + 4)
        .await
        .unwrap();
    assert_eq!((full.uploads, full.state), (2, RequestState::Exhausted));
    assert!(conflict(
        store
            .complete_request_upload(request.id, third, 10, NOW + 4)
            .await,
        "upload request"
    ));
    assert_eq!(
        store.envelope(third).await.unwrap().state,
        pli_store::EnvelopeState::Pending
    );
    assert!(conflict(
        store
            .begin_request_upload(request.id, Id::random(), 10, NOW + 5, "198.51.100.8")
            .await,
        "upload request"
    ));
    assert!(
        store
            .end_upload_request(request.id, RequestState::Withdrawn)
            .await
            .is_err()
    );

    // For the requester's own inbox.
    let own = new_request(clerk.id, None, 1);
    store.create_upload_request(&own).await.unwrap();
    assert_eq!(
        store.upload_request(own.id).await.unwrap().addressee,
        "agent@mairie.fr"
    );
    let mine = Id::random();
    store
        .begin_request_upload(own.id, mine, 10, NOW + 6, "198.51.100.9")
        .await
        .unwrap();
    store
        .complete_request_upload(own.id, mine, 10, NOW + 7)
        .await
        .unwrap();
    let inbox = whole_inbox(store, &clerk, &InboxScope::Mailbox(desk.id), 10).await;
    assert_eq!(inbox.len(), 2);
    let all = whole_inbox(store, &clerk, &InboxScope::All, 10).await;
    assert!(
        all.iter()
            .any(|e| e.id == mine && e.to[0].0 == Addressee::Account(clerk.id))
    );
    let listed = store.account_upload_requests(clerk.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        store
            .account_upload_requests(colleague.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Expiry and withdrawal end a request; an ended request takes no upload, and one past its
/// expiry takes none even before the sweep ends it.
pub async fn upload_requests_expire_and_are_withdrawn(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("Tribunal").await.unwrap();
    let clerk = join(store, &org, "greffe@tribunal.fr", Role::Agent, &[]).await;
    let late = new_request(clerk.id, None, 3);
    store.create_upload_request(&late).await.unwrap();
    let pending = Id::random();
    store
        .begin_request_upload(late.id, pending, 10, NOW, "192.0.2.1")
        .await
        .unwrap();
    assert!(conflict(
        store
            .begin_request_upload(late.id, Id::random(), 10, late.expires_at, "192.0.2.1")
            .await,
        "upload request"
    ));
    assert!(conflict(
        store
            .complete_request_upload(late.id, pending, 10, late.expires_at)
            .await,
        "upload request"
    ));
    let other = new_request(clerk.id, None, 1);
    store.create_upload_request(&other).await.unwrap();
    let expired = store.expire_upload_requests(late.expires_at).await.unwrap();
    assert_eq!(expired.len(), 2);
    assert!(expired.contains(&late.id) && expired.contains(&other.id));
    assert_eq!(
        store.upload_request(late.id).await.unwrap().state,
        RequestState::Expired
    );
    assert!(
        store
            .expire_upload_requests(late.expires_at)
            .await
            .unwrap()
            .is_empty()
    );

    let withdrawn = new_request(clerk.id, None, 1);
    store.create_upload_request(&withdrawn).await.unwrap();
    assert!(
        store
            .end_upload_request(withdrawn.id, RequestState::Active)
            .await
            .is_err()
    );
    store
        .end_upload_request(withdrawn.id, RequestState::Withdrawn)
        .await
        .unwrap();
    assert!(conflict(
        store
            .end_upload_request(withdrawn.id, RequestState::Withdrawn)
            .await,
        "upload request not active"
    ));
    assert!(not_found(
        store
            .end_upload_request(Id::random(), RequestState::Withdrawn)
            .await
    ));
    assert!(conflict(
        store
            .begin_request_upload(withdrawn.id, Id::random(), 10, NOW, "192.0.2.1")
            .await,
        "upload request"
    ));
    // Deleting an uploaded envelope takes it off its request's list, not off its count.
    let kept = new_request(clerk.id, None, 2);
    store.create_upload_request(&kept).await.unwrap();
    let envelope = Id::random();
    store
        .begin_request_upload(kept.id, envelope, 10, NOW, "192.0.2.1")
        .await
        .unwrap();
    store
        .complete_request_upload(kept.id, envelope, 10, NOW + 1)
        .await
        .unwrap();
    store.delete_envelope(envelope).await.unwrap();
    let after = store.upload_request(kept.id).await.unwrap();
    assert_eq!((after.uploads, after.envelopes.len()), (1, 0));
}
