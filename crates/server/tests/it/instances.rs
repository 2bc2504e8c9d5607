//! Two servers on one database and blob store, as docs/DEPLOY.md describes: they serve the
//! same users and sessions, keep one audit log, and count rate limits and the flow monitor
//! together, so spreading requests over servers gains an attacker nothing.

use crate::helpers::{TestApp, User};
use crate::monitor::{everything, hospital};
use axum::http::{Method, StatusCode};
use pli_audit::{SignedCheckpoint, Verification};
use pli_proto::Role;
use serde_json::json;

/// What the servers' periodic syncs do: each writes its journal entries, then each replays
/// the others' (two rounds, so the first server also reads what the last one wrote).
async fn sync(apps: &[&TestApp]) {
    for _round in 0..2 {
        for app in apps {
            pli_server::monitor::sync(&app.state).await.unwrap();
        }
    }
}

#[tokio::test]
async fn two_servers_serve_the_same_users_and_keep_one_log() {
    let one = TestApp::fast().await;
    let two = one.another_server().await;
    let alice = one.user("alice@chu.fr", "CHU", Role::Agent).await;
    let bob = two.user("bob@chu.fr", "CHU", Role::Agent).await;

    // A session opened on one server is good on the other.
    assert_eq!(two.get("/api/me", &alice).await.status, StatusCode::OK);
    let id = one.send(&alice, &["bob@chu.fr"], b"compte rendu").await;
    assert_eq!(two.inbox_ids(&bob, "").await, vec![id.clone()]);
    let content = two.get(&format!("/api/envelopes/{id}/content"), &bob).await;
    assert_eq!(content.status, StatusCode::OK);
    assert_eq!(content.bytes, b"compte rendu");

    // Both append to the audit log at once.
    let contents: Vec<[u8; 10]> = (0..20u8).map(|n| [n; 10]).collect();
    let sends = contents.iter().enumerate().map(|(n, content)| {
        let app = if n % 2 == 0 { &one } else { &two };
        app.send(&alice, &["bob@chu.fr"], content)
    });
    let ids = futures_util::future::join_all(sends).await;
    assert_eq!(two.inbox_ids(&bob, "?limit=100").await.len(), ids.len() + 1);
    one.state.flush_audit().await;
    two.state.flush_audit().await;

    let store = one.state.store().clone();
    let latest = store.audit_log_latest().await.unwrap().unwrap();
    // One tree, one key: either server's verifier opens the latest checkpoint, and every entry
    // up to it replays into exactly its root.
    for app in [&one, &two] {
        let verifier = app.state.audit_verifier().unwrap();
        SignedCheckpoint::open(latest.note.as_bytes(), &verifier).unwrap();
    }
    let verifier = one.state.audit_verifier().unwrap();
    let checkpoint = SignedCheckpoint::open(latest.note.as_bytes(), &verifier).unwrap();
    let mut verification = Verification::new(std::slice::from_ref(&checkpoint)).unwrap();
    let entries = store.audit_log_stored(0, 100_000).await.unwrap();
    for entry in entries.iter().take(latest.size as usize) {
        verification.push(&entry.bytes).unwrap();
    }
    assert_eq!(verification.finish().unwrap().size, latest.size);
    let uploads = store
        .audit_events(None, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|record| record.event.action == "envelope.upload")
        .count();
    assert_eq!(
        uploads, 21,
        "every upload of both servers is in the one log"
    );
}

/// Waits, if needed, so that the next few seconds stay within one clock minute: the shared
/// rate windows are calendar minutes.
async fn start_of_a_minute() {
    let second = pli_server::auth::now().rem_euclid(60);
    if second > 45 {
        tokio::time::sleep(std::time::Duration::from_secs((61 - second) as u64)).await;
    }
}

async fn login(app: &TestApp, user: &User) -> StatusCode {
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": user.email, "auth_key": user.auth_key })),
    )
    .await
    .status
}

#[tokio::test]
async fn login_rates_count_across_servers() {
    let one = TestApp::fast().await;
    let two = one.another_server().await;
    let alice = one
        .user_without_second_factor("alice@chu.fr", "CHU", Role::Agent)
        .await;
    start_of_a_minute().await;
    // Twelve logins a minute per email, wherever they land.
    for n in 0..12 {
        let app = if n % 2 == 0 { &one } else { &two };
        assert_eq!(login(app, &alice).await, StatusCode::OK, "login {n}");
    }
    for app in [&one, &two] {
        let answer = app
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({ "email": alice.email, "auth_key": alice.auth_key })),
            )
            .await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answer.error(), "too_many_attempts");
    }
    // Another email from the same address is not held back by alice's count.
    let bob = one
        .user_without_second_factor("bob@chu.fr", "CHU", Role::Agent)
        .await;
    assert_eq!(login(&two, &bob).await, StatusCode::OK);
    // The store holds keyed hashes only: no email or address in the clear.
    let data = std::fs::read(one.data_dir().join("pli.db")).unwrap_or_default();
    if !data.is_empty() {
        assert!(!contains(&data, b"login-email"));
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Downloads `ids` in order through the servers in turn, syncing the journal between
/// downloads as the servers do every quarter second; returns how many went through and the
/// refusal's code.
async fn sweep_across(apps: &[&TestApp], user: &User, ids: &[String]) -> (usize, String) {
    for (done, id) in ids.iter().enumerate() {
        sync(apps).await;
        let app = apps[done % apps.len()];
        let answer = app.get(&format!("/api/envelopes/{id}/content"), user).await;
        if answer.status != StatusCode::OK {
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
            return (done, answer.error().to_owned());
        }
    }
    (ids.len(), String::new())
}

#[tokio::test]
async fn a_stolen_account_spread_over_two_servers_is_blocked_as_on_one() {
    let one = TestApp::fast().await;
    let two = one.another_server().await;
    let (admin, victim) = hospital(&one, false, 120).await;
    let reachable = everything(&one, &victim).await;
    assert_eq!(reachable.len(), 120);

    let (downloaded, refusal) = sweep_across(&[&one, &two], &victim, &reachable).await;
    // As on one server (`a_stolen_account_is_blocked_within_fifty_documents`): each server
    // alone would have seen half and let 58 through.
    assert_eq!(downloaded, 29, "{downloaded} documents before the block");
    assert_eq!(refusal, "downloads_blocked");
    sync(&[&one, &two]).await;
    for app in [&one, &two] {
        let again = app
            .get(&format!("/api/envelopes/{}/content", reachable[0]), &victim)
            .await;
        assert_eq!(again.error(), "downloads_blocked");
    }

    // An admin lifts the block on one server; the other follows at its next sync.
    let unblock = two
        .post(
            "/api/admin/unblock",
            &admin,
            json!({ "email": "victime@chu.fr", "reason": "vérifié avec l'agent" }),
        )
        .await;
    assert_eq!(unblock.status, StatusCode::NO_CONTENT, "{:?}", unblock.body);
    sync(&[&one, &two]).await;
    for app in [&one, &two] {
        let answer = app
            .get(&format!("/api/envelopes/{}/content", reachable[0]), &victim)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    }
}

#[tokio::test]
async fn a_server_started_later_counts_what_the_others_saw() {
    let one = TestApp::fast().await;
    let (_admin, victim) = hospital(&one, false, 120).await;
    let reachable = everything(&one, &victim).await;
    let (first, _) = sweep_across(&[&one], &victim, &reachable[..20]).await;
    assert_eq!(first, 20);
    sync(&[&one]).await;

    // A server started now (or `one` restarted) replays the journal before it decides.
    let late = one.another_server().await;
    sync(&[&late]).await;
    let (more, refusal) = sweep_across(&[&late], &victim, &reachable[20..]).await;
    assert_eq!(first + more, 29, "{more} more documents on the new server");
    assert_eq!(refusal, "downloads_blocked");
}
