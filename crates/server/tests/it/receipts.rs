//! Signed receipts: only a recipient may sign, with its own key, once; the sender and its
//! organisation's auditors read them; each is an audit log entry.

use crate::helpers::{TestApp, b64, random};
use crate::mailbox_keys::{Keyed, keyed};
use axum::http::StatusCode;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use pli_proto::{Role, receipt_signed_bytes};
use serde_json::{Value, json};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn receipt(signer: &Keyed, id: &str, hash: &[u8; 32], at: i64) -> Value {
    let id: [u8; 16] = hex::decode(id).unwrap().try_into().unwrap();
    let signature = signer.signing.sign(&receipt_signed_bytes(&id, hash, at));
    json!({
        "manifest_hash": b64(hash),
        "opened_at": at,
        "signature": b64(&signature.to_bytes()),
    })
}

#[tokio::test]
async fn recipients_sign_once_and_senders_and_auditors_read() {
    let app = TestApp::fast().await;
    let alice = keyed(&app, "alice@chu.fr", "CHU", Role::Agent).await;
    let bob = keyed(&app, "bob@chu.fr", "CHU", Role::Agent).await;
    let mallory = keyed(&app, "mallory@chu.fr", "CHU", Role::Agent).await;
    let dpo = keyed(&app, "dpo@chu.fr", "CHU", Role::Auditor).await;
    let police = keyed(&app, "dpo@police.fr", "Police", Role::Auditor).await;
    let id = app.send(&alice.user, &["bob@chu.fr"], b"ciphertext").await;
    let sign_uri = format!("/api/envelopes/{id}/receipt");
    let list_uri = format!("/api/envelopes/{id}/receipts");
    let hash: [u8; 32] = random();
    let at = now();

    // Neither the sender nor a stranger may sign; both get the envelope's 404.
    for who in [&alice, &mallory] {
        let answer = app
            .post(&sign_uri, &who.user, receipt(who, &id, &hash, at))
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", who.user.email);
    }
    // A signature by another key, over other bytes, or a time outside the envelope's life.
    let forged = app
        .post(&sign_uri, &bob.user, receipt(&mallory, &id, &hash, at))
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        forged.body["message"]
            .as_str()
            .unwrap()
            .contains("signature")
    );
    let mut swapped = receipt(&bob, &id, &hash, at);
    swapped["manifest_hash"] = json!(b64(&[0; 32]));
    assert_eq!(
        app.post(&sign_uri, &bob.user, swapped).await.status,
        StatusCode::BAD_REQUEST
    );
    for when in [at - 86_400, at + 86_400] {
        let answer = app
            .post(&sign_uri, &bob.user, receipt(&bob, &id, &hash, when))
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{when}");
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("opened_at")
        );
    }
    let mut short = receipt(&bob, &id, &hash, at);
    short["manifest_hash"] = json!(b64(&[0; 31]));
    assert_eq!(
        app.post(&sign_uri, &bob.user, short).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get(&list_uri, &alice.user).await.body["items"],
        json!([]),
        "nothing refused was kept"
    );

    // Bob's receipt stands, once.
    let signed = app
        .post(&sign_uri, &bob.user, receipt(&bob, &id, &hash, at))
        .await;
    assert_eq!(signed.status, StatusCode::CREATED, "{:?}", signed.body);
    let again = app
        .post(&sign_uri, &bob.user, receipt(&bob, &id, &hash, at + 1))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // The sender and its organisation's auditor read it; the recipient, a stranger and
    // another organisation's auditor get the 404.
    for reader in [&alice, &dpo] {
        let list = app.get(&list_uri, &reader.user).await;
        assert_eq!(list.status, StatusCode::OK, "{}", reader.user.email);
        let items = list.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["email"], "bob@chu.fr");
        assert_eq!(items[0]["manifest_hash"], b64(&hash));
        assert_eq!(items[0]["opened_at"], at);
    }
    for outsider in [&bob, &mallory, &police] {
        let list = app.get(&list_uri, &outsider.user).await;
        assert_eq!(
            list.status,
            StatusCode::NOT_FOUND,
            "{}",
            outsider.user.email
        );
    }

    // The receipt is the log entry the listing names, with the signature the sender checks.
    app.state.flush_audit().await;
    let index = signed.body["log_index"].as_u64().unwrap();
    let stored = app.state.store().audit_log_entries(index, 1).await.unwrap();
    let (_, record) = pli_audit::Record::decode(&stored[0].1).unwrap();
    let pli_audit::Record::Receipt(logged) = record else {
        panic!("not a receipt entry");
    };
    assert_eq!(logged.recipient, "bob@chu.fr");
    assert_eq!(logged.manifest_hash, hash);
    assert_eq!(logged.opened_at, at);
    assert_eq!(logged.signing_key, bob.signing.verifying_key().to_bytes());
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signed.body["signature"].as_str().unwrap())
        .unwrap();
    assert_eq!(logged.signature.as_slice(), signature.as_slice());

    // Its inclusion proof, for those who read the receipts: the entry and an audit path that
    // verifies against the latest checkpoint.
    let latest = app.get("/api/audit/log/checkpoint", &alice.user).await;
    let log = app.state.audit_verifier().unwrap();
    let checkpoint = pli_audit::SignedCheckpoint::open(&latest.bytes, &log).unwrap();
    let size = checkpoint.checkpoint().size();
    let proof_uri = |index: u64, size: u64| {
        format!("/api/envelopes/{id}/receipts/proof?index={index}&size={size}")
    };
    for reader in [&alice, &dpo] {
        let proof = app.get(&proof_uri(index, size), &reader.user).await;
        assert_eq!(proof.status, StatusCode::OK, "{:?}", proof.body);
        let entry = base64::engine::general_purpose::STANDARD
            .decode(proof.body["entry"].as_str().unwrap())
            .unwrap();
        assert_eq!(entry, stored[0].1);
        let hashes: Vec<pli_audit::Hash> = proof.body["hashes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hash| pli_audit::Hash::from_base64(hash.as_str().unwrap()).unwrap())
            .collect();
        pli_audit::verify_inclusion(
            &pli_audit::leaf_hash(&entry),
            index,
            size,
            checkpoint.checkpoint().root(),
            &hashes,
        )
        .unwrap();
    }
    // Not to the recipient, a stranger or another organisation's auditor; not another entry.
    for outsider in [&bob, &mallory, &police] {
        let proof = app.get(&proof_uri(index, size), &outsider.user).await;
        assert_eq!(
            proof.status,
            StatusCode::NOT_FOUND,
            "{}",
            outsider.user.email
        );
    }
    let other = app.get(&proof_uri(0, size), &alice.user).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(
        other.body["message"]
            .as_str()
            .unwrap()
            .contains("no receipt of this envelope")
    );
    // Malformed or impossible queries say what is wrong.
    for (query, expected) in [
        (format!("index={size}&size={size}"), "below size"),
        (format!("index={index}&size={}", size + 1000), "size"),
        ("index=x&size=2".to_owned(), "index"),
        ("index=1".to_owned(), "size"),
        ("index=-1&size=2".to_owned(), "index"),
    ] {
        let answer = app
            .get(
                &format!("/api/envelopes/{id}/receipts/proof?{query}"),
                &alice.user,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {:?}",
            answer.body
        );
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(expected), "{query}: {message}");
    }
}
