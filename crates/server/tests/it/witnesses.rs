//! `POST /api/audit/log/cosignature`: the server keeps only `cosignature/v1` lines that verify
//! over a checkpoint it signed and are not dated in the future, and serves them with it.

use crate::helpers::{TestApp, User};
use axum::http::StatusCode;
use pli_audit::{
    CosignerKey, CosignerVerifier, LogKey, MAX_COSIGNATURE_CLOCK_SKEW, SignedCheckpoint, SigningKey,
};
use pli_proto::Role;
use serde_json::json;

fn now() -> u64 {
    u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap()
}

/// The latest checkpoint, as served.
async fn served(app: &TestApp, user: &User) -> SignedCheckpoint {
    app.state.flush_audit().await;
    let answer = app.get("/api/audit/log/checkpoint", user).await;
    assert_eq!(answer.status, StatusCode::OK);
    let log = app.state.audit_verifier().unwrap();
    SignedCheckpoint::open(&answer.bytes, &log).unwrap()
}

async fn hand_in(app: &TestApp, user: &User, key: &str, note: &str) -> crate::helpers::Answer {
    app.post(
        "/api/audit/log/cosignature",
        user,
        json!({ "witness_key": key, "note": note }),
    )
    .await
}

fn witness() -> CosignerKey {
    CosignerKey::new("witness/dpo@chu.fr", SigningKey::from_bytes(&[9; 32])).unwrap()
}

#[tokio::test]
async fn cosignature_v1_lines_are_kept_and_served_with_the_checkpoint() {
    let app = TestApp::fast().await;
    let dpo = app.user("dpo@chu.fr", "CHU", Role::Agent).await;
    let checkpoint = served(&app, &dpo).await;
    let key = witness();
    let time = now();
    let cosigned = key.cosign(&checkpoint, time).unwrap();
    let answer = hand_in(&app, &dpo, &key.verifier().to_string(), cosigned.as_str()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);

    let answer = app
        .get("/api/audit/log/checkpoint?cosigned=true", &dpo)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let note = String::from_utf8(answer.bytes).unwrap();
    let log = app.state.audit_verifier().unwrap();
    let opened = SignedCheckpoint::open(note.as_bytes(), &log).unwrap();
    assert_eq!(opened.checkpoint(), checkpoint.checkpoint());
    let cosignature = key.verifier().verify(note.as_bytes()).unwrap();
    assert_eq!(cosignature.time(), time);
    // Exactly the witness's line is added to the server's note.
    assert_eq!(
        note,
        format!("{}{}\n", checkpoint.as_str(), cosignature.line())
    );
}

#[tokio::test]
async fn a_witness_key_in_the_plain_form_names_the_same_cosigner() {
    let app = TestApp::fast().await;
    let dpo = app.user("dpo@chu.fr", "CHU", Role::Agent).await;
    let checkpoint = served(&app, &dpo).await;
    let key = witness();
    // What Pli's witnesses printed before: the same key with signature type 0x01.
    let plain = LogKey::new(key.name(), SigningKey::from_bytes(&[9; 32]))
        .unwrap()
        .verifier()
        .to_string();
    assert_eq!(CosignerVerifier::parse(&plain).unwrap(), key.verifier());
    let cosigned = key.cosign(&checkpoint, now()).unwrap();
    let answer = hand_in(&app, &dpo, &plain, cosigned.as_str()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
}

#[tokio::test]
async fn plain_future_foreign_and_malformed_cosignatures_are_refused() {
    let app = TestApp::fast().await;
    let dpo = app.user("dpo@chu.fr", "CHU", Role::Agent).await;
    let checkpoint = served(&app, &dpo).await;
    let key = witness();
    let vkey = key.verifier().to_string();

    // The old plain note signature of the same key: not a cosignature/v1 line.
    let plain_key = LogKey::new(key.name(), SigningKey::from_bytes(&[9; 32])).unwrap();
    let plain = checkpoint.cosign(&plain_key).unwrap();
    for witness_key in [vkey.clone(), plain_key.verifier().to_string()] {
        let answer = hand_in(&app, &dpo, &witness_key, plain.as_str()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("no valid cosignature/v1 line"),
            "{:?}",
            answer.body
        );
    }

    // Dated beyond the allowed clock skew: refused; within it: kept.
    let far = key
        .cosign(&checkpoint, now() + MAX_COSIGNATURE_CLOCK_SKEW + 3600)
        .unwrap();
    let answer = hand_in(&app, &dpo, &vkey, far.as_str()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("after the server's clock"),
        "{:?}",
        answer.body
    );
    let none = app
        .get("/api/audit/log/checkpoint?cosigned=true", &dpo)
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "nothing half-kept");

    // A line made for another checkpoint of the log does not verify over this one.
    let other_key =
        CosignerKey::new("witness/other@chu.fr", SigningKey::from_bytes(&[10; 32])).unwrap();
    let line = {
        let cosigned = key.cosign(&checkpoint, now()).unwrap();
        key.verifier()
            .verify(cosigned.as_str().as_bytes())
            .unwrap()
            .line()
            .to_owned()
    };
    app.user("later@chu.fr", "CHU", Role::Agent).await;
    let later = served(&app, &dpo).await;
    assert_ne!(later.checkpoint().size(), checkpoint.checkpoint().size());
    let moved = format!("{}{line}\n", later.as_str());
    let answer = hand_in(&app, &dpo, &vkey, &moved).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);

    // Another witness's key given for this witness's line.
    let cosigned = key.cosign(&later, now()).unwrap();
    let answer = hand_in(
        &app,
        &dpo,
        &other_key.verifier().to_string(),
        cosigned.as_str(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);

    // Malformed keys and notes.
    for (witness_key, note) in [
        ("not a key".to_owned(), cosigned.as_str().to_owned()),
        (
            vkey.clone(),
            cosigned.as_str()[..cosigned.as_str().len() - 9].to_owned(),
        ),
        (vkey.clone(), String::new()),
        (vkey.clone(), "x".repeat(60_000)),
    ] {
        let answer = hand_in(&app, &dpo, &witness_key, &note).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
        assert_eq!(answer.error(), "invalid_request", "{:?}", answer.body);
    }

    // The valid line within the clock skew is kept.
    let near = key.cosign(&later, now() + 60).unwrap();
    let answer = hand_in(&app, &dpo, &vkey, near.as_str()).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
}

#[tokio::test]
async fn one_account_cannot_take_a_checkpoints_witness_slots() {
    let app = TestApp::fast().await;
    let mallory = app.user("mallory@chu.fr", "CHU", Role::Agent).await;
    let dpo = app.user("dpo@chu.fr", "CHU", Role::Agent).await;
    let checkpoint = served(&app, &mallory).await;
    let key = |n: u8| {
        CosignerKey::new(
            &format!("witness/junk{n}"),
            SigningKey::from_bytes(&[n; 32]),
        )
        .unwrap()
    };
    for n in 1..=2 {
        let cosigned = key(n).cosign(&checkpoint, now()).unwrap();
        let answer = hand_in(
            &app,
            &mallory,
            &key(n).verifier().to_string(),
            cosigned.as_str(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
    }
    let cosigned = key(3).cosign(&checkpoint, now()).unwrap();
    let answer = hand_in(
        &app,
        &mallory,
        &key(3).verifier().to_string(),
        cosigned.as_str(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{:?}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("one witness is one key"),
        "{:?}",
        answer.body
    );
    // Mallory may still renew the lines she handed in, and another account is not held back.
    let again = key(1).cosign(&checkpoint, now()).unwrap();
    let answer = hand_in(
        &app,
        &mallory,
        &key(1).verifier().to_string(),
        again.as_str(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
    let honest = witness();
    let cosigned = honest.cosign(&checkpoint, now()).unwrap();
    let answer = hand_in(
        &app,
        &dpo,
        &honest.verifier().to_string(),
        cosigned.as_str(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
}

#[tokio::test]
async fn witness_keys_clients_could_not_name_are_refused() {
    let app = TestApp::fast().await;
    let dpo = app.user("dpo@chu.fr", "CHU", Role::Agent).await;
    let checkpoint = served(&app, &dpo).await;
    for name in [
        "witness/dpo,cnil".to_owned(),
        format!("witness/{}", "a".repeat(500)),
    ] {
        let key = CosignerKey::new(&name, SigningKey::from_bytes(&[11; 32])).unwrap();
        let cosigned = key.cosign(&checkpoint, now()).unwrap();
        let answer = hand_in(&app, &dpo, &key.verifier().to_string(), cosigned.as_str()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("no comma"),
            "{:?}",
            answer.body
        );
    }
    let none = app
        .get("/api/audit/log/checkpoint?cosigned=true", &dpo)
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "nothing kept");
}
