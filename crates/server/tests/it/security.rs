//! Second factor, brute-force limits, scoped and expiring grants, alerts.

use crate::helpers::{Answer, TestApp, User, b64, code_at, new_id};
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use pli_proto::Role;
use pli_store::Access;
use serde_json::json;
use std::net::SocketAddr;
use tower::ServiceExt;

async fn login_with(app: &TestApp, user: &User, totp: Option<&str>) -> Answer {
    let mut body = json!({ "email": user.email, "auth_key": user.auth_key });
    if let Some(code) = totp {
        body["totp"] = json!(code);
    }
    app.call(Method::POST, "/api/auth/login", None, Some(body))
        .await
}

#[tokio::test]
async fn totp_codes_work_once_and_recovery_codes_once() {
    let app = TestApp::fast().await;
    let alice = app
        .user_without_second_factor("alice@chu.fr", "CHU", Role::Agent)
        .await;
    assert_eq!(login_with(&app, &alice, None).await.status, StatusCode::OK);
    let recovery = app.enrol(&alice).await;
    assert_eq!(recovery.len(), 10);

    let without = login_with(&app, &alice, None).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    assert_eq!(without.error(), "second_factor_needed");

    let now_step = pli_server::auth::now() / 30;
    let secret_free_guess = "12345a";
    let wrong = login_with(&app, &alice, Some(secret_free_guess)).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.error(), "invalid_credentials");
    assert!(now_step > 0);

    let code = app.next_code("alice@chu.fr");
    let first = login_with(&app, &alice, Some(&code)).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let replayed = login_with(&app, &alice, Some(&code)).await;
    assert_eq!(
        replayed.status,
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
    assert_eq!(replayed.error(), "invalid_credentials");

    let typed = recovery[0].to_lowercase();
    let rescued = login_with(&app, &alice, Some(&typed)).await;
    assert_eq!(rescued.status, StatusCode::OK, "{:?}", rescued.body);
    let again = login_with(&app, &alice, Some(&recovery[0])).await;
    assert_eq!(
        again.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code works once"
    );

    // Disabling needs a code; then the password alone is enough again.
    let refused = app
        .post(
            "/api/me/totp/disable",
            &alice,
            json!({ "code": recovery[0] }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let disabled = app
        .post(
            "/api/me/totp/disable",
            &alice,
            json!({ "code": recovery[1] }),
        )
        .await;
    assert_eq!(
        disabled.status,
        StatusCode::NO_CONTENT,
        "{:?}",
        disabled.body
    );
    assert_eq!(login_with(&app, &alice, None).await.status, StatusCode::OK);

    // The trail tells a right password stopped at the second factor from a wrong password,
    // and a recovery code from a code; the alert is a log entry too.
    app.state.flush_audit().await;
    let events: Vec<(String, Option<String>, pli_store::Outcome)> = app
        .state
        .store()
        .audit_events(None, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|record| record.event.actor_email.as_deref() == Some("alice@chu.fr"))
        .map(|record| {
            (
                record.event.action,
                record.event.target,
                record.event.outcome,
            )
        })
        .collect();
    let count = |action: &str, outcome: pli_store::Outcome| {
        events
            .iter()
            .filter(|(logged, _, logged_outcome)| logged == action && *logged_outcome == outcome)
            .count()
    };
    use pli_store::Outcome::{Allowed, Denied};
    assert_eq!(
        count("auth.second_factor_needed", Allowed),
        1,
        "{events:#?}"
    );
    // The guess, the replayed code and the used recovery code.
    assert_eq!(count("auth.second_factor", Denied), 3, "{events:#?}");
    assert_eq!(count("auth.recovery_code", Allowed), 1, "{events:#?}");
    assert!(
        events
            .iter()
            .any(|(action, target, _)| action == "alert.raised"
                && target.as_deref() == Some("totp.recovery_code_used")),
        "{events:#?}"
    );
}

#[tokio::test]
async fn enrolment_needs_a_right_code_and_the_secret_is_shown_once() {
    let app = TestApp::fast().await;
    let alice = app
        .user_without_second_factor("alice@chu.fr", "CHU", Role::Agent)
        .await;
    let begin = app
        .call(Method::POST, "/api/me/totp", Some(&alice.token), None)
        .await;
    assert_eq!(begin.status, StatusCode::CREATED);
    let secret = begin.body["secret"].as_str().unwrap().to_owned();
    assert!(
        begin.body["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Pli:alice%40chu.fr?secret=")
    );
    let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
    let far = code_at(&bytes, pli_server::auth::now() / 30 + 40);
    let wrong = app
        .post("/api/me/totp/confirm", &alice, json!({ "code": far }))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error(), "invalid_code");
    // Nothing took effect: the password alone still logs in.
    assert_eq!(login_with(&app, &alice, None).await.status, StatusCode::OK);
    // The secret is in no stored row in the clear.
    let stored = app
        .state
        .store()
        .totp(
            app.state
                .store()
                .account_by_email("alice@chu.fr")
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored
            .secret
            .windows(bytes.len())
            .any(|w| w == bytes.as_slice())
    );
}

#[tokio::test]
async fn accounts_that_need_a_second_factor_can_only_enrol() {
    let app = TestApp::fast().await;
    let admin = app
        .user_without_second_factor("admin@chu.fr", "CHU", Role::Admin)
        .await;
    for (method, uri) in [
        (Method::GET, "/api/inbox"),
        (Method::GET, "/api/admin/alerts"),
        (Method::GET, "/api/audit"),
        (Method::GET, "/api/directory/admin@chu.fr"),
    ] {
        let answer = app.call(method, uri, Some(&admin.token), None).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{uri}");
        assert_eq!(answer.error(), "second_factor_required", "{uri}");
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("pli 2fa enable")
        );
    }
    assert_eq!(app.get("/api/me", &admin).await.status, StatusCode::OK);
    app.enrol(&admin).await;
    assert_eq!(
        app.get("/api/admin/alerts", &admin).await.status,
        StatusCode::OK,
        "the same session works once enrolled"
    );

    // An organisation that demands it: its agents too.
    let bob = app
        .user_without_second_factor("bob@chu.fr", "CHU", Role::Agent)
        .await;
    let outsider = app
        .user_without_second_factor("eve@other.fr", "Other", Role::Agent)
        .await;
    assert_eq!(app.get("/api/inbox", &bob).await.status, StatusCode::OK);
    let policy = app
        .call(
            Method::PUT,
            "/api/admin/policy",
            Some(&admin.token),
            Some(json!({ "require_totp": true })),
        )
        .await;
    assert_eq!(policy.status, StatusCode::OK, "{:?}", policy.body);
    let blocked = app.get("/api/inbox", &bob).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.error(), "second_factor_required");
    assert_eq!(
        app.get("/api/inbox", &outsider).await.status,
        StatusCode::OK
    );
    let agent_policy = app
        .call(
            Method::PUT,
            "/api/admin/policy",
            Some(&outsider.token),
            Some(json!({ "require_totp": true })),
        )
        .await;
    assert_eq!(agent_policy.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn repeated_failures_lock_the_email_alike_for_unknown_accounts() {
    let app = TestApp::fast().await;
    let admin = app.user("admin@chu.fr", "CHU", Role::Admin).await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let wrong = |email: &str| json!({ "email": email, "auth_key": b64(&[9; 32]) });
    for n in 1..=pli_server::throttle::LOCK_AFTER {
        let known = app
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(wrong("alice@chu.fr")),
            )
            .await;
        let unknown = app
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(wrong("nobody@chu.fr")),
            )
            .await;
        assert_eq!(known.status, StatusCode::UNAUTHORIZED, "failure {n}");
        assert_eq!(known.status, unknown.status, "failure {n}");
        assert_eq!(
            known.without_request_id(),
            unknown.without_request_id(),
            "failure {n}"
        );
    }
    let right = login_with(&app, &alice, None).await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right key"
    );
    assert_eq!(right.error(), "login_locked");
    let unknown = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(wrong("nobody@chu.fr")),
        )
        .await;
    assert_eq!(right.without_request_id(), unknown.without_request_id());

    let alerts = app.get("/api/admin/alerts", &admin).await;
    assert_eq!(alerts.status, StatusCode::OK);
    let items = alerts.body["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "one alert, for the known account only: {items:?}"
    );
    assert_eq!(items[0]["kind"], "login.locked");
    assert_eq!(items[0]["email"], "alice@chu.fr");
    assert!(
        !items[0]["details"]
            .as_str()
            .unwrap()
            .contains(&b64(&[9; 32]))
    );

    let no_reason = app
        .post(
            "/api/admin/unblock",
            &admin,
            json!({ "email": "alice@chu.fr", "reason": " " }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let unblocked = app
        .post(
            "/api/admin/unblock",
            &admin,
            json!({ "email": "alice@chu.fr", "reason": "called the ward, it was her" }),
        )
        .await;
    assert_eq!(
        unblocked.status,
        StatusCode::NO_CONTENT,
        "{:?}",
        unblocked.body
    );
    assert_eq!(login_with(&app, &alice, None).await.status, StatusCode::OK);
    let again = app
        .post(
            "/api/admin/unblock",
            &admin,
            json!({ "email": "alice@chu.fr", "reason": "x" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "nothing left to lift");

    app.state.flush_audit().await;
    let events = app
        .state
        .store()
        .audit_events(None, 0, 10_000)
        .await
        .unwrap();
    let has = |action: &str, target: &str| {
        events.iter().any(|record| {
            record.event.action == action
                && record
                    .event
                    .target
                    .as_deref()
                    .is_some_and(|t| t.contains(target))
        })
    };
    assert!(has("login.locked", "alice@chu.fr"));
    assert!(has("login.locked", "nobody@chu.fr"));
    assert!(has("login.unblock", "called the ward, it was her"));
}

#[tokio::test]
async fn read_and_send_grants_are_scoped_and_end() {
    let app = TestApp::fast().await;
    let admin = app.user("admin@chu.fr", "CHU", Role::Admin).await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let reader = app.user("presta@labo.fr", "Labo", Role::Agent).await;
    let writer = app.user("depot@labo.fr", "Labo", Role::Agent).await;
    app.mailbox("radio", "CHU").await;
    app.add_member(&admin, "radio", "alice@chu.fr").await;
    let id = app.send(&alice, &["radio"], b"scan").await;

    let grant = |email: &str, scope: &str| json!({ "email": email, "mailbox": "radio", "scope": scope, "until": "2999-12-31T00:00:00Z" });
    let granted = app
        .post("/api/admin/grants", &admin, grant("presta@labo.fr", "read"))
        .await;
    assert_eq!(granted.status, StatusCode::CREATED, "{:?}", granted.body);
    assert_eq!(granted.body["read"], true);
    assert_eq!(granted.body["send"], false);
    let granted = app
        .post("/api/admin/grants", &admin, grant("depot@labo.fr", "send"))
        .await;
    assert_eq!(granted.status, StatusCode::CREATED);
    let past = app
        .post(
            "/api/admin/grants",
            &admin,
            json!({ "email": "depot@labo.fr", "mailbox": "radio", "scope": "read", "until": "2001-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        past.status,
        StatusCode::BAD_REQUEST,
        "an end in the past is refused"
    );
    let by_agent = app
        .post("/api/admin/grants", &alice, grant("depot@labo.fr", "read"))
        .await;
    assert_eq!(by_agent.status, StatusCode::NOT_FOUND);

    let list = app.get("/api/admin/grants", &admin).await;
    let emails: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["depot@labo.fr", "presta@labo.fr"]);

    // The reader lists and downloads, but may not write to the mailbox.
    assert_eq!(
        app.inbox_ids(&reader, "?mailbox=radio").await,
        std::slice::from_ref(&id)
    );
    let content = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert_eq!(content.bytes, b"scan");
    let to_missing = announce(&app, &reader, "nosuchbox").await;
    let to_radio = announce(&app, &reader, "radio").await;
    assert_eq!(to_radio.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        to_radio.without_request_id()["error"],
        to_missing.without_request_id()["error"]
    );
    // The writer sends to it, but reads nothing.
    assert_eq!(
        announce(&app, &writer, "radio").await.status,
        StatusCode::CREATED
    );
    let missing_box = app.get("/api/inbox?mailbox=nosuchbox", &writer).await;
    let listing = app.get("/api/inbox?mailbox=radio", &writer).await;
    assert_eq!(listing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        listing.without_request_id(),
        missing_box.without_request_id()
    );
    let missing_envelope = app
        .get(&format!("/api/envelopes/{}/content", new_id()), &writer)
        .await;
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &writer)
        .await;
    assert_eq!(
        download.without_request_id(),
        missing_envelope.without_request_id()
    );

    // Once the grant's end has passed, the reader is a stranger again on every route.
    let store = app.state.store();
    let mailbox = store.mailbox_by_name("radio").await.unwrap();
    let reader_id = store.account_by_email("presta@labo.fr").await.unwrap().id;
    let now = pli_server::auth::now();
    let expired = Access {
        read: true,
        send: false,
        granted: true,
        until: Some(now - 1),
    };
    store
        .set_access(mailbox.id, reader_id, &expired, now - 10)
        .await
        .unwrap();
    let keys_before = store.mailbox_keys(mailbox.id).await.unwrap();
    let listing = app.get("/api/inbox?mailbox=radio", &reader).await;
    assert_eq!(
        listing.without_request_id(),
        missing_box.without_request_id()
    );
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert_eq!(
        download.without_request_id(),
        missing_envelope.without_request_id()
    );
    let summary = app.get(&format!("/api/envelopes/{id}"), &reader).await;
    assert_eq!(summary.status, StatusCode::NOT_FOUND);
    assert_eq!(app.inbox_ids(&reader, "").await, Vec::<String>::new());
    let keyring = app.get("/api/mailboxes/radio/keys", &reader).await;
    assert_eq!(keyring.status, StatusCode::NOT_FOUND);
    assert!(
        store.account_access(reader_id).await.unwrap().is_empty(),
        "expiry became a removal"
    );
    assert!(
        keys_before.generations.is_empty() || store.mailbox_keys(mailbox.id).await.unwrap().stale
    );

    // Revocation takes effect on the next request too.
    let regrant = app
        .post("/api/admin/grants", &admin, grant("presta@labo.fr", "read"))
        .await;
    assert_eq!(regrant.status, StatusCode::CREATED);
    assert_eq!(
        app.inbox_ids(&reader, "?mailbox=radio").await,
        std::slice::from_ref(&id)
    );
    let revoked = app
        .delete("/api/admin/grants/radio/presta@labo.fr", &admin)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let listing = app.get("/api/inbox?mailbox=radio", &reader).await;
    assert_eq!(
        listing.without_request_id(),
        missing_box.without_request_id()
    );
    let again = app
        .delete("/api/admin/grants/radio/presta@labo.fr", &admin)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

async fn announce(app: &TestApp, sender: &User, to: &str) -> Answer {
    app.post(
        "/api/envelopes",
        sender,
        json!({ "id": new_id(), "to": [to], "size": 4 }),
    )
    .await
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let app = TestApp::fast().await;
    let proxy: SocketAddr = "10.0.0.1:5000".parse().unwrap();
    let router = |state: pli_server::AppState| -> Router {
        pli_server::router(state).layer(MockConnectInfo(proxy))
    };
    let login = || {
        Request::builder()
            .method(Method::POST)
            .uri("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", "203.0.113.9, 198.51.100.4")
            .body(Body::from(
                json!({ "email": "x@chu.fr", "auth_key": b64(&[1; 32]) }).to_string(),
            ))
            .unwrap()
    };
    let plain = router(app.state.clone());
    plain.oneshot(login()).await.unwrap();
    let trusting = router(
        app.state
            .clone()
            .with_trusted_proxies(vec!["10.0.0.1".parse().unwrap()]),
    );
    trusting.oneshot(login()).await.unwrap();
    app.state.flush_audit().await;
    let from: Vec<String> = app
        .state
        .store()
        .audit_events(None, 0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|record| record.event.action == "auth.login")
        .map(|record| record.event.from)
        .collect();
    assert_eq!(from, ["10.0.0.1", "198.51.100.4"]);
}
