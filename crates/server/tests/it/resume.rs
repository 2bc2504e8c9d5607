//! Resumable uploads: pieces from the acknowledged offset, kept across a dropped connection,
//! invisible until the last byte, refused when they do not follow, continued by the uploader
//! only, on any server of the installation, and cleaned up when abandoned.

use crate::helpers::{TestApp, User, new_id};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use bytes::Bytes;
use pli_proto::Role;
use serde_json::{Value, json};

/// Deterministic bytes standing for ciphertext.
fn ciphertext(len: usize) -> Vec<u8> {
    (0..len).map(|n| (n * 7 % 251) as u8).collect()
}

/// A body that delivers `bytes` and then breaks, as a dropped connection does.
fn cut_after(bytes: &[u8]) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(16 * 1024)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .chain([Err(std::io::Error::other("connection reset"))])
        .collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

async fn put_piece(
    app: &TestApp,
    id: &str,
    user: &User,
    offset: &str,
    body: Body,
) -> crate::helpers::Answer {
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/envelopes/{id}/content"))
        .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header("upload-offset", offset)
        .body(body)
        .unwrap();
    app.raw(request).await
}

async fn offset_of(app: &TestApp, id: &str, user: &User) -> Value {
    let answer = app
        .get(&format!("/api/envelopes/{id}/content/offset"), user)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body
}

/// Blobs held (envelopes and pieces), uploads in progress inside the blob store excluded.
async fn blobs_held(app: &TestApp) -> usize {
    if let Some(bucket) = &app.bucket {
        return crate::backend::objects_in(bucket).await;
    }
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { count(&path) } else { 1 }
                })
                .sum()
        })
    }
    let blobs = app.data_dir().join("blobs");
    count(&blobs) - count(&blobs.join("tmp"))
}

async fn two_users(app: &TestApp) -> (User, User) {
    let sender = app.user("sender@chu.fr", "CHU", Role::Agent).await;
    let reader = app.user("reader@chu.fr", "CHU", Role::Agent).await;
    (sender, reader)
}

#[tokio::test]
async fn a_cut_upload_resumes_from_the_acknowledged_offset_and_stays_invisible_until_complete() {
    let app = TestApp::fast().await;
    let (sender, reader) = two_users(&app).await;
    let content = ciphertext(700_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 700_000).await;
    assert_eq!(
        offset_of(&app, &id, &sender).await,
        json!({ "offset": 0, "size": 700_000, "complete": false })
    );

    // Two cuts: the server keeps what arrived each time and says where to continue.
    let cut = put_piece(&app, &id, &sender, "0", cut_after(&content[..250_000])).await;
    assert_eq!(cut.status, StatusCode::BAD_REQUEST, "{:?}", cut.body);
    assert_eq!(cut.body["upload_offset"], 250_000);
    let cut = put_piece(
        &app,
        &id,
        &sender,
        "250000",
        cut_after(&content[250_000..400_001]),
    )
    .await;
    assert_eq!(cut.body["upload_offset"], 400_001);
    assert_eq!(
        offset_of(&app, &id, &sender).await,
        json!({ "offset": 400_001, "size": 700_000, "complete": false })
    );

    // A partial upload is nobody's to list or download, the sender's included.
    assert!(app.inbox_ids(&reader, "").await.is_empty());
    assert!(ids_of(&app.get("/api/outbox", &sender).await.body).is_empty());
    for user in [&sender, &reader] {
        let download = app.get(&format!("/api/envelopes/{id}/content"), user).await;
        assert_eq!(download.status, StatusCode::NOT_FOUND);
        let summary = app.get(&format!("/api/envelopes/{id}"), user).await;
        assert_eq!(summary.status, StatusCode::NOT_FOUND);
    }

    let last = put_piece(
        &app,
        &id,
        &sender,
        "400001",
        Body::from(content[400_001..].to_vec()),
    )
    .await;
    assert_eq!(last.status, StatusCode::OK, "{:?}", last.body);
    assert_eq!(last.body["id"], id);
    assert_eq!(
        offset_of(&app, &id, &sender).await,
        json!({ "offset": 700_000, "size": 700_000, "complete": true })
    );
    assert_eq!(app.inbox_ids(&reader, "").await, vec![id.clone()]);
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(
        download.bytes == content,
        "the pieces join into the same bytes"
    );
    // Only the envelope's blob remains: the pieces went once joined.
    assert_eq!(blobs_held(&app).await, 1);
}

#[tokio::test]
async fn an_upload_never_cut_is_one_piece_and_one_blob() {
    let app = TestApp::fast().await;
    let (sender, reader) = two_users(&app).await;
    let content = ciphertext(300_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 300_000).await;
    let whole = put_piece(&app, &id, &sender, "0", Body::from(content.clone())).await;
    assert_eq!(whole.status, StatusCode::OK, "{:?}", whole.body);
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert!(download.bytes == content);
    assert_eq!(blobs_held(&app).await, 1);
}

#[tokio::test]
async fn a_piece_not_at_the_acknowledged_offset_is_refused_with_that_offset() {
    let app = TestApp::fast().await;
    let (sender, _reader) = two_users(&app).await;
    let content = ciphertext(100_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 100_000).await;
    let early = put_piece(&app, &id, &sender, "10", Body::from(content[10..].to_vec())).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.body["upload_offset"], 0);

    put_piece(&app, &id, &sender, "0", cut_after(&content[..40_000])).await;
    for offset in ["0", "39999", "40001", "100000", "99999999999"] {
        let start: usize = offset.parse::<usize>().unwrap().min(content.len());
        let answer = put_piece(
            &app,
            &id,
            &sender,
            offset,
            Body::from(content[start..].to_vec()),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{offset}: {:?}",
            answer.body
        );
        assert_eq!(answer.error(), "conflict");
        assert_eq!(answer.body["upload_offset"], 40_000, "{offset}");
    }
    for offset in [
        "",
        "abc",
        "-1",
        "+5",
        "1e3",
        " 40000",
        "40000.0",
        "184467440737095516160",
    ] {
        let answer = put_piece(&app, &id, &sender, offset, Body::from(vec![1u8; 10])).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{offset:?}: {:?}",
            answer.body
        );
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("Upload-Offset")
        );
    }
    assert_eq!(offset_of(&app, &id, &sender).await["offset"], 40_000);
    // The old single upload cannot overwrite a resumable one under way.
    let single = app.upload(&id, &sender, content.clone()).await;
    assert_eq!(single.status, StatusCode::CONFLICT);
    assert_eq!(offset_of(&app, &id, &sender).await["offset"], 40_000);
}

#[tokio::test]
async fn short_overlong_and_empty_pieces_are_refused_whole() {
    let app = TestApp::fast().await;
    let (sender, reader) = two_users(&app).await;
    let content = ciphertext(100_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 100_000).await;
    put_piece(&app, &id, &sender, "0", cut_after(&content[..30_000])).await;

    // Ends cleanly before the end of the envelope.
    let short = put_piece(
        &app,
        &id,
        &sender,
        "30000",
        Body::from(content[30_000..90_000].to_vec()),
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{:?}", short.body);
    assert_eq!(short.error(), "size_mismatch");
    // Runs past the announced size, with or without a Content-Length saying so.
    let mut longer = content[30_000..].to_vec();
    longer.push(0);
    let overlong = put_piece(&app, &id, &sender, "30000", Body::from(longer.clone())).await;
    assert_eq!(
        overlong.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{:?}",
        overlong.body
    );
    let streamed = Body::from_stream(futures_util::stream::iter(
        longer
            .chunks(7_000)
            .map(|chunk| Ok::<_, std::io::Error>(Bytes::copy_from_slice(chunk)))
            .collect::<Vec<_>>(),
    ));
    let overlong = put_piece(&app, &id, &sender, "30000", streamed).await;
    assert_eq!(
        overlong.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{:?}",
        overlong.body
    );
    assert_eq!(overlong.error(), "too_large");
    let empty = put_piece(&app, &id, &sender, "30000", Body::empty()).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{:?}", empty.body);
    assert_eq!(offset_of(&app, &id, &sender).await["offset"], 30_000);
    assert!(app.inbox_ids(&reader, "").await.is_empty());

    let rest = put_piece(
        &app,
        &id,
        &sender,
        "30000",
        Body::from(content[30_000..].to_vec()),
    )
    .await;
    assert_eq!(rest.status, StatusCode::OK, "{:?}", rest.body);
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert!(download.bytes == content);
}

#[tokio::test]
async fn only_the_uploader_may_ask_or_continue() {
    let app = TestApp::fast().await;
    let (sender, reader) = two_users(&app).await;
    let stranger = app.user("other@police.fr", "Police", Role::Agent).await;
    let content = ciphertext(50_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 50_000).await;
    put_piece(&app, &id, &sender, "0", cut_after(&content[..20_000])).await;

    let missing = new_id();
    let unknown = app
        .get(
            &format!("/api/envelopes/{missing}/content/offset"),
            &stranger,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    for user in [&reader, &stranger] {
        let asked = app
            .get(&format!("/api/envelopes/{id}/content/offset"), user)
            .await;
        assert_eq!(asked.status, StatusCode::NOT_FOUND);
        assert_eq!(asked.without_request_id(), unknown.without_request_id());
        let continued = put_piece(
            &app,
            &id,
            user,
            "20000",
            Body::from(content[20_000..].to_vec()),
        )
        .await;
        assert_eq!(continued.status, StatusCode::NOT_FOUND);
        assert_eq!(continued.without_request_id(), unknown.without_request_id());
    }
    let anonymous = app
        .call(
            Method::GET,
            &format!("/api/envelopes/{id}/content/offset"),
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(offset_of(&app, &id, &sender).await["offset"], 20_000);
}

#[tokio::test]
async fn pieces_after_completion_are_refused() {
    let app = TestApp::fast().await;
    let (sender, reader) = two_users(&app).await;
    let content = ciphertext(60_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 60_000).await;
    put_piece(&app, &id, &sender, "0", cut_after(&content[..10_000])).await;
    let rest = put_piece(
        &app,
        &id,
        &sender,
        "10000",
        Body::from(content[10_000..].to_vec()),
    )
    .await;
    assert_eq!(rest.status, StatusCode::OK);
    for (offset, body) in [
        ("60000", Vec::new()),
        ("10000", content[10_000..].to_vec()),
        ("0", content.clone()),
    ] {
        let again = put_piece(&app, &id, &sender, offset, Body::from(body)).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{offset}");
        assert_eq!(again.body["upload_offset"], 60_000);
    }
    let reader_tries = put_piece(&app, &id, &reader, "60000", Body::empty()).await;
    assert_eq!(
        reader_tries.status,
        StatusCode::CONFLICT,
        "a recipient may read it, so may learn it is stored"
    );
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert!(download.bytes == content);
}

#[tokio::test]
async fn another_server_continues_the_upload() {
    let first = TestApp::fast().await;
    let (sender, reader) = two_users(&first).await;
    let second = first.another_server().await;
    let content = ciphertext(200_000);
    let id = first.announce(&sender, &["reader@chu.fr"], 200_000).await;
    put_piece(&first, &id, &sender, "0", cut_after(&content[..123_456])).await;
    assert_eq!(offset_of(&second, &id, &sender).await["offset"], 123_456);
    let rest = put_piece(
        &second,
        &id,
        &sender,
        "123456",
        Body::from(content[123_456..].to_vec()),
    )
    .await;
    assert_eq!(rest.status, StatusCode::OK, "{:?}", rest.body);
    let download = first
        .get(&format!("/api/envelopes/{id}/content"), &reader)
        .await;
    assert!(download.bytes == content);
}

#[tokio::test]
async fn an_abandoned_partial_upload_is_cleaned_up() {
    let app = TestApp::fast().await;
    let (sender, _reader) = two_users(&app).await;
    let content = ciphertext(80_000);
    let id = app.announce(&sender, &["reader@chu.fr"], 80_000).await;
    put_piece(&app, &id, &sender, "0", cut_after(&content[..30_000])).await;
    put_piece(
        &app,
        &id,
        &sender,
        "30000",
        cut_after(&content[30_000..50_000]),
    )
    .await;
    assert_eq!(blobs_held(&app).await, 2);
    let now = pli_server::auth::now();
    assert_eq!(app.state.clean_stale_pending(now).await.unwrap(), 0);
    assert_eq!(
        app.state
            .clean_stale_pending(now + 25 * 3600)
            .await
            .unwrap(),
        1
    );
    assert_eq!(blobs_held(&app).await, 0);
    let gone = app
        .get(&format!("/api/envelopes/{id}/content/offset"), &sender)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

fn ids_of(page: &Value) -> Vec<String> {
    crate::helpers::ids(page)
}
