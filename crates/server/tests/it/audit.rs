//! Audit rows exist for allowed and denied accesses, and each organisation sees its own.

use crate::helpers::{CLIENT_ADDR, TestApp, b64, new_id};
use axum::http::{Method, StatusCode};
use pli_proto::Role;
use serde_json::{Value, json};

fn rows(page: &Value) -> Vec<(String, String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["actor"].as_str().unwrap_or("").to_owned(),
                row["action"].as_str().unwrap().to_owned(),
                row["target"].as_str().unwrap_or("").to_owned(),
                row["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn allowed_and_denied_accesses_are_recorded() {
    let app = TestApp::new().await;
    let auditor = app.user("auditor@chu.fr", "CHU", Role::Auditor).await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let bob = app.user("bob@chu.fr", "CHU", Role::Agent).await;
    let mallory = app.user("mallory@chu.fr", "CHU", Role::Agent).await;
    let outsider = app.user("eve@other.fr", "Other", Role::Auditor).await;

    let id = app.send(&alice, &["bob@chu.fr"], b"x").await;
    app.get(&format!("/api/envelopes/{id}/content"), &bob).await;
    let denied = app
        .get(&format!("/api/envelopes/{id}/content"), &mallory)
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    let failed_login = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "alice@chu.fr", "auth_key": b64(&[0; 32]) })),
        )
        .await;
    assert_eq!(failed_login.status, StatusCode::UNAUTHORIZED);
    let probe = new_id();
    app.get(&format!("/api/envelopes/{probe}"), &mallory).await;
    app.state.flush_audit().await;

    let page = app.get("/api/audit?limit=1000", &auditor).await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let rows = rows(&page.body);
    let has = |actor: &str, action: &str, target: &str, outcome: &str| {
        rows.contains(&(actor.into(), action.into(), target.into(), outcome.into()))
    };
    assert!(
        has("alice@chu.fr", "envelope.create", &id, "allowed"),
        "{rows:?}"
    );
    assert!(
        has("alice@chu.fr", "envelope.upload", &id, "allowed"),
        "{rows:?}"
    );
    assert!(
        has("bob@chu.fr", "envelope.download", &id, "allowed"),
        "{rows:?}"
    );
    assert!(
        has("mallory@chu.fr", "envelope.download", &id, "denied"),
        "{rows:?}"
    );
    assert!(
        has("mallory@chu.fr", "envelope.read", &probe, "denied"),
        "{rows:?}"
    );
    assert!(
        has("alice@chu.fr", "auth.login", "alice@chu.fr", "denied"),
        "{rows:?}"
    );
    assert!(
        has("alice@chu.fr", "auth.join", "alice@chu.fr", "allowed"),
        "{rows:?}"
    );
    for row in page.body["items"].as_array().unwrap() {
        assert!(
            row["from"] == CLIENT_ADDR || row["from"] == "offline",
            "{row}"
        );
    }
    // Sequence numbers increase, and `after` resumes.
    let seqs: Vec<i64> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]));
    let rest = app
        .get(&format!("/api/audit?after={}", seqs[2]), &auditor)
        .await;
    assert_eq!(rest.body["items"][0]["seq"].as_i64().unwrap(), seqs[3]);

    // Another organisation's auditor sees none of it; agents may not read the trail.
    let other = app.get("/api/audit?limit=1000", &outsider).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(
        other.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["actor"] != "alice@chu.fr"
                && row["actor"] != "bob@chu.fr"
                && row["actor"] != "mallory@chu.fr")
    );
    let agent = app.get("/api/audit", &alice).await;
    assert_eq!(agent.status, StatusCode::FORBIDDEN);
    // No secret in the trail: neither tokens nor keys.
    for user in [&alice, &bob, &mallory] {
        assert!(
            !page
                .bytes
                .windows(user.token.len())
                .any(|w| w == user.token.as_bytes())
        );
        assert!(
            !page
                .bytes
                .windows(user.auth_key.len())
                .any(|w| w == user.auth_key.as_bytes())
        );
    }
}
