//! Pieces of resumable uploads: recorded only in order, within the declared size, for pending
//! envelopes; forgotten once the envelope is stored or removed.

use crate::{Fixture, NOW, announce, join};
use pli_store::{Addressee, Id, Role, StoreError, UploadPiece};

fn piece(envelope_id: Id, start: u64, size: u64) -> UploadPiece {
    UploadPiece {
        envelope_id,
        start,
        size,
        blob_key: format!("uploads/{envelope_id}/{start}-0a"),
        created_at: NOW,
    }
}

/// Pieces follow each other exactly: a gap, an overlap or a piece past the declared size
/// (1000 bytes) is a conflict that records nothing, and the pieces come back in order.
pub async fn upload_pieces_follow_each_other(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Est").await.unwrap();
    let sender = join(store, &org, "medecin@chu-est.example", Role::Agent, &[]).await;
    let id = announce(store, &sender, &[Addressee::Account(sender.id)], NOW).await;
    assert!(store.upload_pieces(id).await.unwrap().is_empty());

    let conflict = |result: Result<(), StoreError>| match result {
        Err(StoreError::Conflict(what)) => what,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(
        conflict(store.add_upload_piece(&piece(id, 10, 5)).await),
        "upload offset"
    );
    store.add_upload_piece(&piece(id, 0, 400)).await.unwrap();
    assert_eq!(
        conflict(store.add_upload_piece(&piece(id, 0, 400)).await),
        "upload offset"
    );
    assert_eq!(
        conflict(store.add_upload_piece(&piece(id, 399, 10)).await),
        "upload offset"
    );
    assert_eq!(
        conflict(store.add_upload_piece(&piece(id, 401, 10)).await),
        "upload offset"
    );
    assert_eq!(
        conflict(store.add_upload_piece(&piece(id, 400, 601)).await),
        "upload size"
    );
    store.add_upload_piece(&piece(id, 400, 100)).await.unwrap();
    store.add_upload_piece(&piece(id, 500, 500)).await.unwrap();
    assert_eq!(
        store.upload_pieces(id).await.unwrap(),
        vec![piece(id, 0, 400), piece(id, 400, 100), piece(id, 500, 500)]
    );
}

/// Of pieces racing for the same offset exactly one is recorded.
pub async fn racing_upload_pieces_record_one(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Ouest").await.unwrap();
    let sender = join(store, &org, "medecin@chu-ouest.example", Role::Agent, &[]).await;
    let id = announce(store, &sender, &[Addressee::Account(sender.id)], NOW).await;
    let attempts = (1..=8).map(|size| {
        let mut racer = piece(id, 0, size);
        racer.blob_key = format!("uploads/{id}/0-{size:02x}");
        async move { store.add_upload_piece(&racer).await }
    });
    let results = futures_util::future::join_all(attempts).await;
    assert_eq!(results.iter().filter(|result| result.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .all(|result| matches!(result, Ok(()) | Err(StoreError::Conflict("upload offset"))))
    );
    assert_eq!(store.upload_pieces(id).await.unwrap().len(), 1);
}

/// Only pending envelopes take pieces; storing or removing the envelope forgets them.
pub async fn upload_pieces_end_with_the_pending_state(fixture: &dyn Fixture) {
    let store = fixture.store();
    let org = store.ensure_org("CHU Centre").await.unwrap();
    let sender = join(store, &org, "medecin@chu-centre.example", Role::Agent, &[]).await;
    assert!(matches!(
        store.add_upload_piece(&piece(Id::random(), 0, 1)).await,
        Err(StoreError::NotFound)
    ));

    let stored = announce(store, &sender, &[Addressee::Account(sender.id)], NOW).await;
    store
        .add_upload_piece(&piece(stored, 0, 600))
        .await
        .unwrap();
    store.mark_stored(stored, 1000).await.unwrap();
    assert!(store.upload_pieces(stored).await.unwrap().is_empty());
    assert!(matches!(
        store.add_upload_piece(&piece(stored, 600, 400)).await,
        Err(StoreError::NotFound)
    ));

    let removed = announce(store, &sender, &[Addressee::Account(sender.id)], NOW).await;
    store
        .add_upload_piece(&piece(removed, 0, 600))
        .await
        .unwrap();
    store.delete_envelope(removed).await.unwrap();
    assert!(store.upload_pieces(removed).await.unwrap().is_empty());
    assert!(matches!(
        store.add_upload_piece(&piece(removed, 600, 400)).await,
        Err(StoreError::NotFound)
    ));
}
