//! Bad input: each gets a 4xx with a JSON error naming the problem, leaves nothing behind, and
//! the server keeps serving.

use crate::helpers::{Answer, TestApp, User, b64, join_body, new_id};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pli_proto::Role;
use serde_json::json;

async fn post_raw(
    app: &TestApp,
    uri: &str,
    user: Option<&User>,
    content_type: &str,
    body: Vec<u8>,
) -> Answer {
    let mut builder = Request::builder().method(Method::POST).uri(uri);
    if let Some(user) = user {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {}", user.token));
    }
    let request = builder
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.raw(request).await
}

fn check(answer: &Answer, status: StatusCode, error: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(answer.error(), error, "{:?}", answer.body);
    assert!(!answer.body["message"].as_str().unwrap().is_empty());
    assert!(answer.body["request_id"].as_str().is_some());
}

#[tokio::test]
async fn malformed_bodies() {
    let app = TestApp::fast().await;
    let user = app.user("a@chu.fr", "CHU", Role::Admin).await;
    let _bob = app.user("b@chu.fr", "CHU", Role::Agent).await;
    let json = "application/json";
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "malformed",
            b"{not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "truncated",
            br#"{"id": "00", "to": ["#.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "empty",
            b"".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "unknown field",
            json!({ "id": new_id(), "to": ["b@chu.fr"], "size": 3, "subject": "x" })
                .to_string()
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "wrong type",
            json!({ "id": new_id(), "to": "b@chu.fr", "size": 3 })
                .to_string()
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "negative size",
            json!({ "id": new_id(), "to": ["b@chu.fr"], "size": -1 })
                .to_string()
                .into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "invalid utf-8",
            [
                br#"{"id": ""#.as_slice(),
                &[0xff, 0xfe],
                br#"", "to": [], "size": 1}"#,
            ]
            .concat(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "oversized",
            json!({ "id": new_id(), "to": ["x".repeat(70 * 1024)], "size": 3 })
                .to_string()
                .into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ];
    for (name, body, status, error) in cases {
        let answer = post_raw(&app, "/api/envelopes", Some(&user), json, body).await;
        assert_eq!(answer.status, status, "{name}: {:?}", answer.body);
        check(&answer, status, error);
    }
    let body = json!({ "id": new_id(), "to": ["b@chu.fr"], "size": 3 })
        .to_string()
        .into_bytes();
    let answer = post_raw(
        &app,
        "/api/envelopes",
        Some(&user),
        "text/plain",
        body.clone(),
    )
    .await;
    check(
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let answer = post_raw(
        &app,
        "/api/auth/login",
        None,
        "application/x-www-form-urlencoded",
        body,
    )
    .await;
    check(
        &answer,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert!(
        app.get("/api/outbox", &user).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let health = app.call(Method::GET, "/api/health", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_values() {
    let app = TestApp::fast().await;
    let user = app.user("a@chu.fr", "CHU", Role::Admin).await;
    let _bob = app.user("b@chu.fr", "CHU", Role::Agent).await;
    let create = |body: serde_json::Value| app.post("/api/envelopes", &user, body);
    check(
        &create(json!({ "id": "0123", "to": ["b@chu.fr"], "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    check(
        &create(json!({ "id": new_id().to_uppercase(), "to": ["b@chu.fr"], "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    check(
        &create(json!({ "id": new_id(), "to": [], "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let many: Vec<String> = (0..101).map(|n| format!("u{n}@chu.fr")).collect();
    check(
        &create(json!({ "id": new_id(), "to": many, "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    check(
        &create(json!({ "id": new_id(), "to": ["b@chu.fr", "B@chu.fr"], "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    check(
        &create(json!({ "id": new_id(), "to": ["../etc/passwd"], "size": 3 })).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    check(
        &create(json!({ "id": new_id(), "to": ["b@chu.fr"], "size": 2u64 << 20 })).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    let id = app.announce(&user, &["b@chu.fr"], 3).await;
    check(
        &create(json!({ "id": id, "to": ["b@chu.fr"], "size": 3 })).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // Bad ids and names in paths.
    for path in [
        "/api/envelopes/0123",
        "/api/envelopes/0123456789ABCDEF0123456789ABCDEF",
        "/api/envelopes/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/envelopes/%2E%2E",
        "/api/envelopes/..",
    ] {
        check(
            &app.get(path, &user).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
    for path in [
        "/api/admin/mailboxes/..%2F..%2Fetc",
        "/api/admin/mailboxes/..",
        "/api/admin/mailboxes/a%00b",
        "/api/directory/..%2Fblobs",
        "/api/inbox?mailbox=..%2Fblobs",
    ] {
        check(
            &app.get(path, &user).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        );
    }
    check(
        &app.post(
            "/api/admin/mailboxes",
            &user,
            json!({ "name": "../x", "org": "CHU" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let unknown = app.get("/api/nothing/here", &user).await;
    check(&unknown, StatusCode::NOT_FOUND, "unknown_route");
    let method = app
        .call(Method::PATCH, "/api/me", Some(&user.token), None)
        .await;
    check(
        &method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    check(
        &app.get("/api/inbox?colour=blue", &user).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_eq!(
        app.call(Method::GET, "/api/health", None, None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_join_requests() {
    let app = TestApp::fast().await;
    let code = app
        .offline()
        .invite("new@chu.fr", "CHU", Role::Agent, &[])
        .await
        .unwrap();
    let auth_key = b64(&[1; 32]);
    let join = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut body = join_body("new@chu.fr", &code, &auth_key);
        edit(&mut body);
        app.call(Method::POST, "/api/auth/join", None, Some(body))
    };
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, StatusCode, &str)> = vec![
        (
            "bad base64",
            Box::new(|b| b["auth_key"] = json!("not base64!")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "short auth key",
            Box::new(|b| b["auth_key"] = json!(b64(&[1; 31]))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "long auth key",
            Box::new(|b| b["auth_key"] = json!(b64(&[1; 33]))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "short salt",
            Box::new(|b| b["salt"] = json!(b64(&[1; 8]))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "padded salt",
            Box::new(|b| b["salt"] = json!("AQEBAQEBAQEBAQEBAQEBAQ==")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "weak memory",
            Box::new(|b| b["kdf"]["m_kib"] = json!(1024)),
            StatusCode::BAD_REQUEST,
            "weak_kdf",
        ),
        (
            "one pass",
            Box::new(|b| b["kdf"]["t"] = json!(1)),
            StatusCode::BAD_REQUEST,
            "weak_kdf",
        ),
        (
            "short signing key",
            Box::new(|b| b["public_keys"]["signing_key"] = json!(b64(&[9; 16]))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "bad age recipient",
            Box::new(|b| b["public_keys"]["age_recipient"] = json!("age1xyz")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "huge wrapped keys",
            Box::new(|b| b["wrapped_keys"] = json!(b64(&[0; 5000]))),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "unknown field",
            Box::new(|b| b["password"] = json!("hunter2")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "bad email",
            Box::new(|b| b["email"] = json!("new chu.fr")),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "wrong code",
            Box::new(|b| b["code"] = json!("0000000000000000000A")),
            StatusCode::FORBIDDEN,
            "invalid_invitation",
        ),
        (
            "malformed code",
            Box::new(|b| b["code"] = json!("../../")),
            StatusCode::FORBIDDEN,
            "invalid_invitation",
        ),
        (
            "other email",
            Box::new(|b| b["email"] = json!("other@chu.fr")),
            StatusCode::FORBIDDEN,
            "invalid_invitation",
        ),
    ];
    for (name, edit, status, error) in cases {
        let answer = join(&*edit).await;
        assert_eq!(answer.status, status, "{name}: {:?}", answer.body);
        check(&answer, status, error);
    }
    // None of them used the invitation up.
    app.join("new@chu.fr", &code).await;
}

#[tokio::test]
async fn bad_uploads_leave_nothing_visible() {
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let bob = app.user("bob@chu.fr", "CHU", Role::Agent).await;
    let id = app.announce(&alice, &["bob@chu.fr"], 100).await;

    // Truncated: fewer bytes than announced.
    let short = app.upload(&id, &alice, vec![7; 60]).await;
    check(&short, StatusCode::BAD_REQUEST, "size_mismatch");
    assert!(
        short.body["message"]
            .as_str()
            .unwrap()
            .contains("expected 100 bytes, got 60")
    );
    assert!(app.inbox_ids(&bob, "").await.is_empty());
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}/content"), &bob)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Oversized: more bytes than announced.
    let long = app.upload(&id, &alice, vec![7; 150]).await;
    check(&long, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert!(app.inbox_ids(&bob, "").await.is_empty());
    assert_eq!(blob_files(&app).await, 0, "no blob left behind");

    // A body streamed without Content-Length is counted too.
    let stream = futures_util::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from(vec![1u8; 70])),
        Ok(bytes::Bytes::from(vec![1u8; 70])),
    ]);
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/envelopes/{id}/content"))
        .header(header::AUTHORIZATION, format!("Bearer {}", alice.token))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from_stream(stream))
        .unwrap();
    check(
        &app.raw(request).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );

    // A Content-Length other than the announced size is refused before any byte is read.
    for (length, status, error) in [
        (150usize, StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        (99, StatusCode::BAD_REQUEST, "size_mismatch"),
    ] {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/envelopes/{id}/content"))
            .header(header::AUTHORIZATION, format!("Bearer {}", alice.token))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, length)
            .body(Body::from(vec![1u8; length]))
            .unwrap();
        check(&app.raw(request).await, status, error);
    }

    // Wrong content type.
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/envelopes/{id}/content"))
        .header(header::AUTHORIZATION, format!("Bearer {}", alice.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![1u8; 100]))
        .unwrap();
    check(
        &app.raw(request).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    // Somebody else's pending envelope: as if it did not exist.
    let foreign = app.upload(&id, &bob, vec![7; 100]).await;
    check(&foreign, StatusCode::NOT_FOUND, "not_found");
    let missing = app.upload(&new_id(), &bob, vec![7; 100]).await;
    assert_eq!(foreign.without_request_id(), missing.without_request_id());

    // The same id can be retried and succeeds.
    let content = vec![42u8; 100];
    let ok = app.upload(&id, &alice, content.clone()).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}/content"), &bob)
            .await
            .bytes,
        content
    );

    // A second upload does not replace the first.
    let twice = app.upload(&id, &alice, vec![0u8; 100]).await;
    check(&twice, StatusCode::CONFLICT, "conflict");
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}/content"), &bob)
            .await
            .bytes,
        content
    );
    assert_eq!(blob_files(&app).await, 1);

    assert_eq!(
        app.call(Method::GET, "/api/health", None, None)
            .await
            .status,
        StatusCode::OK
    );
}

/// Files under the blob directory (temporary or final), or objects in the app's bucket.
async fn blob_files(app: &TestApp) -> usize {
    if let Some(bucket) = &app.bucket {
        return crate::backend::objects_in(bucket).await;
    }
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| {
                        let path = entry.path();
                        if path.is_dir() { count(&path) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.data_dir().join("blobs"))
}
