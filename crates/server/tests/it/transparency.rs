//! Key transparency routes and retention of the audit trail.

use crate::helpers::TestApp;
use axum::http::StatusCode;
use base64::Engine as _;
use pli_audit::{Hash, KeyOwner, Record, Verification, leaf_hash, verify_inclusion};
use pli_proto::Role;

#[tokio::test]
async fn every_published_account_key_is_a_proven_log_entry() {
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    app.user("bob@chu.fr", "CHU", Role::Agent).await;
    app.state.flush_audit().await;

    let entry = app.get("/api/directory/bob@chu.fr", &alice).await;
    assert_eq!(entry.status, StatusCode::OK, "{:?}", entry.body);
    let key = &entry.body["keys"][0];
    let index = key["log_index"]
        .as_u64()
        .expect("the directory names the entry");
    let size = app
        .state
        .store()
        .audit_log_latest()
        .await
        .unwrap()
        .unwrap()
        .size;

    let proof = app
        .get(
            &format!("/api/keys/proof?index={index}&size={size}"),
            &alice,
        )
        .await;
    assert_eq!(proof.status, StatusCode::OK, "{:?}", proof.body);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(proof.body["entry"].as_str().unwrap())
        .unwrap();
    let (_, record) = Record::decode(&bytes).unwrap();
    let Record::Key(published) = record else {
        panic!("not a key entry");
    };
    assert_eq!(
        published.owner,
        KeyOwner::Account {
            email: "bob@chu.fr".into()
        }
    );
    assert_eq!(
        published.age_recipient,
        key["public_keys"]["age_recipient"].as_str().unwrap()
    );
    let hashes: Vec<Hash> = proof.body["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hash| Hash::from_base64(hash.as_str().unwrap()).unwrap())
        .collect();
    let root = pli_audit::tree_root(size, &stored(&app).await).unwrap();
    verify_inclusion(&leaf_hash(&bytes), index, size, &root, &hashes).unwrap();

    // An index that is not a published key is not served.
    let not_a_key = app
        .get(&format!("/api/keys/proof?index=0&size={size}"), &alice)
        .await;
    assert_eq!(not_a_key.status, StatusCode::NOT_FOUND);
    let beyond = app
        .get(
            // Far beyond: other events may have grown the log since `size` was read.
            &format!("/api/keys/proof?index=0&size={}", size + 1_000_000),
            &alice,
        )
        .await;
    assert_eq!(beyond.status, StatusCode::BAD_REQUEST);
}

async fn stored(app: &TestApp) -> std::collections::HashMap<u64, Hash> {
    let store = app.state.store();
    let size = store.audit_log_latest().await.unwrap().unwrap().size;
    let count = pli_audit::stored_hash_count(size);
    let indexes: Vec<u64> = (0..count).collect();
    let hashes = store.audit_log_hashes(&indexes).await.unwrap();
    indexes
        .into_iter()
        .zip(hashes.into_iter().map(Hash::from_bytes))
        .collect()
}

#[tokio::test]
async fn pruned_entries_lose_their_details_and_the_log_still_verifies() {
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    app.user("bob@chu.fr", "CHU", Role::Agent).await;
    app.send(&alice, &["bob@chu.fr"], b"x").await;
    app.state.flush_audit().await;
    let store = app.state.store().clone();
    let latest = store.audit_log_latest().await.unwrap().unwrap();
    let verifier = app.state.audit_verifier().unwrap();
    let checkpoint = pli_audit::SignedCheckpoint::open(latest.note.as_bytes(), &verifier).unwrap();
    let rows_before = store.audit_events(None, 0, 1000).await.unwrap().len();
    assert!(rows_before > 0);
    // The rows say what the entries say, before retention and after it.
    let rows_agree = || pli_server::audit_rows::check_rows(store.clone());
    assert_eq!(rows_agree().await.unwrap(), None);

    // Everything logged so far is past retention.
    let pruned = pli_server::retention::prune_audit(store.as_ref(), pli_server::auth::now() + 10)
        .await
        .unwrap();
    assert!(pruned > 0);
    assert!(store.audit_events(None, 0, 1000).await.unwrap().is_empty());
    let entries = store.audit_log_stored(0, 1000).await.unwrap();
    let mut kinds_kept = 0;
    let mut verification = Verification::new(std::slice::from_ref(&checkpoint)).unwrap();
    for entry in entries.iter().take(latest.size as usize) {
        match entry.pruned_leaf {
            Some(leaf) => {
                // Only the header is left: no action, address or actor.
                assert_eq!(entry.bytes.len(), pli_audit::HEADER_BYTES);
                assert_eq!(entry.bytes[1], pli_audit::KIND_AUDIT_EVENT);
                verification
                    .push_redacted(&entry.bytes, Hash::from_bytes(leaf))
                    .unwrap();
            }
            None => {
                // Published keys and roles stay whole.
                assert_ne!(entry.bytes[1], pli_audit::KIND_AUDIT_EVENT);
                kinds_kept += 1;
                verification.push(&entry.bytes).unwrap();
            }
        }
    }
    assert_eq!(
        kinds_kept, 4,
        "the two account keys and the two accounts' roles"
    );
    assert_eq!(rows_agree().await.unwrap(), None);
    let verified = verification.finish().unwrap();
    assert_eq!(verified.size, latest.size);
    // Pruning again finds nothing more.
    let again = pli_server::retention::prune_audit(store.as_ref(), pli_server::auth::now() - 3600)
        .await
        .unwrap();
    assert_eq!(again, 0);
}

#[tokio::test]
async fn retention_resumes_where_its_last_pass_stopped() {
    use pli_server::retention::{Pruning, prune_audit_from};
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    app.user("bob@chu.fr", "CHU", Role::Agent).await;
    app.send(&alice, &["bob@chu.fr"], b"x").await;
    app.state.flush_audit().await;
    let store = app.state.store().clone();
    let now = pli_server::auth::now();
    let first_event = store
        .audit_log_stored(0, 1000)
        .await
        .unwrap()
        .iter()
        .find(|entry| entry.bytes[1] == pli_audit::KIND_AUDIT_EVENT)
        .unwrap()
        .index;

    // Nothing is past retention: the pass stops at the first event, and prunes nothing.
    let pass = prune_audit_from(store.as_ref(), now - 3600, 0)
        .await
        .unwrap();
    assert_eq!(
        pass,
        Pruning {
            pruned: 0,
            resume_at: first_event
        }
    );
    // From there, with a later cut-off, the pass prunes what a pass from 0 would.
    let pass = prune_audit_from(store.as_ref(), now + 10, pass.resume_at)
        .await
        .unwrap();
    assert!(pass.pruned > 0);
    let size = store.audit_log_latest().await.unwrap().unwrap().size;
    assert_eq!(pass.resume_at, size, "all of the log is behind it");
    let everything_pruned = |entries: &[pli_store::StoredEntry]| {
        entries
            .iter()
            .filter(|entry| entry.bytes[1] == pli_audit::KIND_AUDIT_EVENT)
            .all(|entry| entry.pruned_leaf.is_some())
    };
    assert!(everything_pruned(
        &store.audit_log_stored(0, 1000).await.unwrap()
    ));
    assert_eq!(
        pli_server::retention::prune_audit(store.as_ref(), now + 10)
            .await
            .unwrap(),
        0
    );

    // Later events are found from where it stopped, and only they are read.
    app.send(&alice, &["bob@chu.fr"], b"y").await;
    app.state.flush_audit().await;
    let later = prune_audit_from(store.as_ref(), pli_server::auth::now() + 10, pass.resume_at)
        .await
        .unwrap();
    assert!(later.pruned > 0);
    assert!(later.resume_at > pass.resume_at);
    assert!(everything_pruned(
        &store.audit_log_stored(0, 1000).await.unwrap()
    ));
}
