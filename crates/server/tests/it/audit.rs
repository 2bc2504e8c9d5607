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

/// The audit writer prepares a batch while the store writes the one before. When the store
/// refuses a batch (here a trigger fails one event's row, as a full disk or a constraint
/// would), that batch alone is lost: the log is reopened at the store's end, the batch
/// prepared on top of the refused one is prepared again and written, and the stored log still
/// replays into its latest checkpoint, holding exactly the stored rows.
#[tokio::test]
async fn a_batch_the_store_refuses_is_lost_alone_and_the_log_stays_whole() {
    use pli_store::{AuditEvent, Outcome};
    use pli_store_sqlite::{SqliteOptions, SqliteStore};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pli.db");
    let store = SqliteStore::open_with(&path, &SqliteOptions::default())
        .await
        .unwrap();
    let blob_dir = dir.path().join("blobs");
    std::fs::create_dir_all(&blob_dir).unwrap();
    let blobs = pli_blob::LocalBlobStore::open(&blob_dir).await.unwrap();
    let state = pli_server::AppState::with_log_seed(
        Arc::new(store),
        Arc::new(blobs),
        pli_server::ServerKey::from_bytes([7; 32]),
        1 << 20,
        pli_server::state::log_seed(dir.path()).unwrap(),
    );
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_events \
         WHEN NEW.target = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .execute(&pool)
    .await
    .unwrap();

    // Recorded faster than they are written, so that batches of up to 1,024 follow each other.
    let (total, poison) = (6_000usize, 2_500usize);
    for n in 0..total {
        let target = if n == poison {
            "poison".to_owned()
        } else {
            n.to_string()
        };
        state
            .record_audit(AuditEvent {
                at: 1_790_000_000,
                actor: None,
                actor_email: None,
                org_id: None,
                from: "192.0.2.1".to_owned(),
                action: "test.event".to_owned(),
                target: Some(target),
                outcome: Outcome::Allowed,
            })
            .await;
    }
    state.flush_audit().await;

    let store = state.store().clone();
    let rows = store.audit_events(None, 0, 100_000).await.unwrap();
    let written: Vec<usize> = rows
        .iter()
        .filter(|row| row.event.action == "test.event")
        .map(|row| row.event.target.as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(
        written.windows(2).all(|pair| pair[0] < pair[1]),
        "rows in the order recorded"
    );
    let lost: Vec<usize> = (0..total).filter(|n| !written.contains(n)).collect();
    assert!(lost.contains(&poison));
    assert!(lost.len() <= 1024, "one batch lost, not {}", lost.len());
    assert_eq!(
        lost.last().unwrap() - lost.first().unwrap() + 1,
        lost.len(),
        "the lost events are one batch: {lost:?}"
    );
    assert!(
        written.last() == Some(&(total - 1)),
        "the batches after the refused one are written"
    );

    let latest = store.audit_log_latest().await.unwrap().unwrap();
    assert_eq!(latest.size, rows.len() as u64, "one entry per stored row");
    let verifier = state.audit_verifier().unwrap();
    let checkpoint = pli_audit::SignedCheckpoint::open(latest.note.as_bytes(), &verifier).unwrap();
    let mut verification = pli_audit::Verification::new(std::slice::from_ref(&checkpoint)).unwrap();
    let entries = store.audit_log_stored(0, 100_000).await.unwrap();
    assert_eq!(entries.len() as u64, latest.size);
    for entry in &entries {
        verification.push(&entry.bytes).unwrap();
    }
    assert_eq!(verification.finish().unwrap().size, latest.size);

    // The writer goes on once the store accepts again.
    sqlx::query("DROP TRIGGER refuse_poison")
        .execute(&pool)
        .await
        .unwrap();
    state
        .record_audit(AuditEvent {
            at: 1_790_000_001,
            actor: None,
            actor_email: None,
            org_id: None,
            from: "192.0.2.1".to_owned(),
            action: "test.event".to_owned(),
            target: Some("poison".to_owned()),
            outcome: Outcome::Allowed,
        })
        .await;
    state.flush_audit().await;
    let after = store.audit_log_latest().await.unwrap().unwrap();
    assert_eq!(after.size, latest.size + 1);
    let last = store.audit_events(None, 0, 100_000).await.unwrap();
    assert_eq!(last.last().unwrap().event.target.as_deref(), Some("poison"));
}
