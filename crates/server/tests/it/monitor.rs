//! The flow monitor through the router: a stolen account sweeping everything it can reach is
//! stopped within 50 documents, a step-up is answered with a code, an admin lifts a block,
//! and canaries block at the first download.

use crate::helpers::{TestApp, User, ids};
use axum::http::StatusCode;
use pli_proto::Role;
use serde_json::{Value, json};

/// A hospital with a sender, a records mailbox and `victim` as its member; `n` envelopes
/// sent to the mailbox and to the victim directly, alternately.
pub(crate) async fn hospital(
    app: &TestApp,
    victim_has_second_factor: bool,
    n: usize,
) -> (User, User) {
    let admin = app.user("chef@chu.fr", "CHU", Role::Admin).await;
    let victim = app
        .user_without_second_factor("victime@chu.fr", "CHU", Role::Agent)
        .await;
    if victim_has_second_factor {
        app.enrol(&victim).await;
    }
    let sender = app.user("labo@chu.fr", "CHU", Role::Agent).await;
    app.mailbox("records", "CHU").await;
    app.add_member(&admin, "records", "victime@chu.fr").await;
    for index in 0..n {
        let to = if index % 2 == 0 {
            "records"
        } else {
            "victime@chu.fr"
        };
        app.send(&sender, &[to], &[index as u8; 64]).await;
    }
    (admin, victim)
}

/// Every envelope id the account can list, page by page, as a sweeping script would.
pub(crate) async fn everything(app: &TestApp, user: &User) -> Vec<String> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("/api/inbox?limit=10&cursor={cursor}"),
            None => "/api/inbox?limit=10".to_owned(),
        };
        let page = app.get(&query, user).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        all.extend(ids(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

/// Downloads `ids` in order until one is refused; returns how many went through and the
/// refusal's error code.
pub(crate) async fn sweep(app: &TestApp, user: &User, ids: &[String]) -> (usize, String) {
    for (done, id) in ids.iter().enumerate() {
        let answer = app.get(&format!("/api/envelopes/{id}/content"), user).await;
        if answer.status != StatusCode::OK {
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
            return (done, answer.error().to_owned());
        }
    }
    (ids.len(), String::new())
}

async fn alerts(app: &TestApp, admin: &User) -> Vec<Value> {
    let answer = app.get("/api/admin/alerts", admin).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body["items"].as_array().unwrap().clone()
}

async fn audit_targets(app: &TestApp, action: &str) -> Vec<String> {
    app.state.flush_audit().await;
    app.state
        .store()
        .audit_events(None, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|record| record.event.action == action)
        .filter_map(|record| record.event.target)
        .collect()
}

#[tokio::test]
async fn a_stolen_account_is_blocked_within_fifty_documents() {
    let app = TestApp::fast().await;
    let (admin, victim) = hospital(&app, false, 120).await;
    let reachable = everything(&app, &victim).await;
    assert_eq!(reachable.len(), 120);

    let (downloaded, refusal) = sweep(&app, &victim, &reachable).await;
    assert!(downloaded <= 50, "{downloaded} documents before the block");
    // No second factor to ask for: the step-up at 1.5 times the floor of 20 is a block.
    assert_eq!(downloaded, 29);
    assert_eq!(refusal, "downloads_blocked");
    let again = app
        .get(&format!("/api/envelopes/{}/content", reachable[0]), &victim)
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(again.error(), "downloads_blocked");
    // Listing still works: it shows routing metadata only.
    assert_eq!(app.get("/api/inbox", &victim).await.status, StatusCode::OK);

    let alerts = alerts(&app, &admin).await;
    let kinds: Vec<&str> = alerts
        .iter()
        .map(|alert| alert["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"monitor.alert"), "{kinds:?}");
    assert!(kinds.contains(&"monitor.block"), "{kinds:?}");
    let block = alerts
        .iter()
        .find(|alert| alert["kind"] == "monitor.block")
        .unwrap();
    assert_eq!(block["email"], "victime@chu.fr");
    let details = block["details"].as_str().unwrap();
    assert!(
        details.contains("rule=downloads_10m") && details.contains("action=block"),
        "{details}"
    );
    let blocks = audit_targets(&app, "monitor.block").await;
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert!(
        blocks[0].contains(&format!("count={}", downloaded + 1)),
        "{blocks:?}"
    );
    assert!(
        app.state
            .store()
            .download_hold(
                app.state
                    .store()
                    .account_by_email("victime@chu.fr")
                    .await
                    .unwrap()
                    .id
            )
            .await
            .unwrap()
            .is_some()
    );

    // The victim cannot lift it; an admin can, with a reason.
    let by_self = app
        .post(
            "/api/admin/unblock",
            &victim,
            json!({ "email": "victime@chu.fr", "reason": "it was me" }),
        )
        .await;
    assert_eq!(by_self.status, StatusCode::FORBIDDEN);
    let lifted = app
        .post(
            "/api/admin/unblock",
            &admin,
            json!({ "email": "victime@chu.fr", "reason": "password changed, sessions ended" }),
        )
        .await;
    assert_eq!(lifted.status, StatusCode::NO_CONTENT, "{:?}", lifted.body);
    let after = app
        .get(&format!("/api/envelopes/{}/content", reachable[0]), &victim)
        .await;
    assert_eq!(after.status, StatusCode::OK, "{:?}", after.body);
    let unblocks = audit_targets(&app, "login.unblock").await;
    assert!(
        unblocks
            .iter()
            .any(|target| target.contains("downloads") && target.contains("password changed")),
        "{unblocks:?}"
    );
}

#[tokio::test]
async fn a_step_up_is_answered_with_a_code_and_the_block_still_comes() {
    let app = TestApp::fast().await;
    let (_admin, victim) = hospital(&app, true, 80).await;
    let reachable = everything(&app, &victim).await;

    let (first, refusal) = sweep(&app, &victim, &reachable).await;
    assert_eq!(refusal, "second_factor_again");
    let wrong = app
        .post("/api/me/step-up", &victim, json!({ "code": "000000" }))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let still = app
        .get(
            &format!("/api/envelopes/{}/content", reachable[first]),
            &victim,
        )
        .await;
    assert_eq!(still.error(), "second_factor_again");

    let code = app.next_code(&victim.email);
    let answered = app
        .post("/api/me/step-up", &victim, json!({ "code": code }))
        .await;
    assert_eq!(
        answered.status,
        StatusCode::NO_CONTENT,
        "{:?}",
        answered.body
    );
    let (more, refusal) = sweep(&app, &victim, &reachable[first..]).await;
    assert!(more > 0, "downloads resume after the code");
    assert_eq!(refusal, "downloads_blocked");
    assert!(first + more <= 50, "{} documents in all", first + more);
    assert_eq!(audit_targets(&app, "monitor.step_up").await.len(), 1);
    assert!(
        audit_targets(&app, "monitor.step_up_answer")
            .await
            .contains(&"hold lifted".to_owned())
    );
}

#[tokio::test]
async fn a_canary_blocks_its_first_download_and_looks_like_any_envelope() {
    let app = TestApp::fast().await;
    let (admin, victim) = hospital(&app, false, 4).await;
    let colleague = app
        .user_without_second_factor("collegue@chu.fr", "CHU", Role::Agent)
        .await;
    app.add_member(&admin, "records", "collegue@chu.fr").await;

    let by_member = app
        .post(
            "/api/admin/canaries",
            &victim,
            json!({ "mailbox": "records" }),
        )
        .await;
    assert_eq!(
        by_member.status,
        StatusCode::NOT_FOUND,
        "{:?}",
        by_member.body
    );
    let planted = app
        .post(
            "/api/admin/canaries",
            &admin,
            json!({ "mailbox": "records" }),
        )
        .await;
    assert_eq!(planted.status, StatusCode::CREATED, "{:?}", planted.body);
    let canary = planted.body["id"].as_str().unwrap().to_owned();
    assert_eq!(planted.body["mailbox"], "records");
    assert_eq!(planted.body["planted_by"], "chef@chu.fr");

    let listed = app.get("/api/admin/canaries", &admin).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(ids(&listed.body), vec![canary.clone()]);
    assert_eq!(
        app.get("/api/admin/canaries", &victim).await.status,
        StatusCode::FORBIDDEN
    );

    // In the member's inbox it has the fields of any envelope and nothing more.
    let page = app.get("/api/inbox", &victim).await;
    let items = page.body["items"].as_array().unwrap();
    let decoy = items.iter().find(|item| item["id"] == canary).unwrap();
    let ordinary = items.iter().find(|item| item["id"] != canary).unwrap();
    let keys = |item: &Value| {
        let mut keys: Vec<String> = item.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(decoy), keys(ordinary));
    assert_eq!(decoy["to"], json!(["records"]));
    let content = app
        .get(&format!("/api/envelopes/{canary}/content"), &colleague)
        .await;
    // The first download is already refused: nothing of the decoy leaves.
    assert_eq!(content.status, StatusCode::FORBIDDEN);
    assert_eq!(content.error(), "downloads_blocked");
    let shared = items
        .iter()
        .find(|item| item["id"] != canary && item["to"] == json!(["records"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let after = app
        .get(&format!("/api/envelopes/{shared}/content"), &colleague)
        .await;
    assert_eq!(after.error(), "downloads_blocked");
    // The other member is untouched.
    let fine = app
        .get(&format!("/api/envelopes/{shared}/content"), &victim)
        .await;
    assert_eq!(fine.status, StatusCode::OK);

    let alerts = alerts(&app, &admin).await;
    let alert = alerts
        .iter()
        .find(|alert| alert["kind"] == "canary.download")
        .unwrap();
    assert_eq!(alert["email"], "collegue@chu.fr");
    assert!(
        alert["details"]
            .as_str()
            .unwrap()
            .contains(&format!("envelope={canary}"))
    );
    assert_eq!(audit_targets(&app, "monitor.canary").await.len(), 1);
    // The member's attempt to plant one, and the admin's.
    let planting = audit_targets(&app, "admin.canary").await;
    assert_eq!(planting.len(), 2, "{planting:?}");
    assert!(planting.contains(&format!("records envelope={canary}")));
}

#[tokio::test]
async fn baselines_are_saved_and_read_back() {
    let app = TestApp::fast().await;
    let (_admin, victim) = hospital(&app, false, 6).await;
    let reachable = everything(&app, &victim).await;
    let (downloaded, _) = sweep(&app, &victim, &reachable).await;
    assert_eq!(downloaded, 6);
    let saved = app.state.save_monitor_baselines().await.unwrap();
    assert_eq!(saved, 2, "the victim's and the organisation's");
    let account = app
        .state
        .store()
        .account_by_email("victime@chu.fr")
        .await
        .unwrap();
    let bytes = app
        .state
        .store()
        .monitor_baseline(account.id)
        .await
        .unwrap()
        .unwrap();
    let baseline = pli_server::monitor::Baseline::decode(&bytes).unwrap();
    assert_eq!(baseline.today.peaks.downloads_10m, 6.0);
    assert_eq!(baseline.addresses.len(), 1);
    assert_eq!(
        app.state.save_monitor_baselines().await.unwrap(),
        0,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_block_and_a_baseline_survive_a_restart() {
    let app = TestApp::fast().await;
    let (_admin, victim) = hospital(&app, false, 40).await;
    let reachable = everything(&app, &victim).await;
    let (downloaded, refusal) = sweep(&app, &victim, &reachable).await;
    assert_eq!((downloaded, refusal.as_str()), (29, "downloads_blocked"));
    app.state.save_monitor_baselines().await.unwrap();

    // A new server over the same store (SQLite or PostgreSQL): the windows start empty, the
    // hold does not. The blobs are never read: the download is refused before.
    let store = app.state.store().clone();
    let blobs = pli_blob::LocalBlobStore::open(&app.dir.path().join("blobs"))
        .await
        .unwrap();
    let state = pli_server::AppState::with_log_seed(
        store,
        std::sync::Arc::new(blobs),
        pli_server::ServerKey::from_bytes([5; 32]),
        1 << 20,
        pli_server::state::log_seed(app.dir.path()).unwrap(),
    );
    let addr: std::net::SocketAddr = format!("{}:40000", crate::helpers::CLIENT_ADDR)
        .parse()
        .unwrap();
    let restarted =
        pli_server::router(state.clone()).layer(axum::extract::connect_info::MockConnectInfo(addr));
    let request = axum::http::Request::get(format!("/api/envelopes/{}/content", reachable[0]))
        .header("authorization", format!("Bearer {}", victim.token))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(restarted, request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "downloads_blocked");

    let account = state
        .store()
        .account_by_email("victime@chu.fr")
        .await
        .unwrap();
    let saved = state
        .store()
        .monitor_baseline(account.id)
        .await
        .unwrap()
        .unwrap();
    let baseline = pli_server::monitor::Baseline::decode(&saved).unwrap();
    assert!(baseline.today.tainted, "the blocked day teaches nothing");
    assert_eq!(baseline.today.peaks.downloads_10m, 0.0);
}

#[tokio::test]
async fn alerts_are_mailed_to_the_organisations_admins() {
    let mut app = TestApp::fast().await;
    let outbox = app.dir.path().join("outbox");
    let notifier =
        pli_server::notify::MailOutbox::open(&outbox, "Pli <pli@chu.example>".parse().unwrap())
            .unwrap();
    let state = app
        .state
        .clone()
        .with_notifier(std::sync::Arc::new(notifier));
    let addr: std::net::SocketAddr = format!("{}:40000", crate::helpers::CLIENT_ADDR)
        .parse()
        .unwrap();
    app.router =
        pli_server::router(state.clone()).layer(axum::extract::connect_info::MockConnectInfo(addr));
    app.state = state;
    let (_admin, victim) = hospital(&app, false, 60).await;
    // An admin of another organisation is told nothing.
    app.user("chef@autre.fr", "Autre", Role::Admin).await;
    let reachable = everything(&app, &victim).await;
    let (_, refusal) = sweep(&app, &victim, &reachable).await;
    assert_eq!(refusal, "downloads_blocked");
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = std::fs::read_dir(&outbox)
            .map(|dir| {
                dir.map(|entry| entry.unwrap().path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .map(|path| crate::links::decoded(&std::fs::read_to_string(path).unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        if mails
            .iter()
            .any(|mail: &String| mail.contains("monitor.block"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!mails.is_empty(), "no alert was mailed");
    for mail in &mails {
        assert!(mail.contains("To: chef@chu.fr"), "{mail}");
        assert!(mail.contains("victime@chu.fr"), "{mail}");
    }
    assert!(
        mails.iter().any(|mail| mail.contains("monitor.block")),
        "{mails:#?}"
    );
}
