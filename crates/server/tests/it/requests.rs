//! Upload requests (`docs/REQUESTS.md`) through the router: the signed statement, the mail,
//! uploads that land in the right inbox marked as outside, limits, expiry, withdrawal, and
//! malformed, truncated, oversized and hostile input.

use crate::helpers::{Answer, TestApp, User, b64, new_id, random};
use crate::links::decoded;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use ed25519_dalek::{Signer as _, SigningKey};
use pli_proto::Role;
use pli_server::notify::MailOutbox;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

struct World {
    app: TestApp,
    outbox: PathBuf,
    /// A member of `accueil`, with its signing key.
    clerk: User,
    clerk_key: SigningKey,
    /// Another member of `accueil`.
    colleague: User,
    /// An account of the same organisation that does not read `accueil`.
    outsider: User,
}

/// An account joined with a signing key the test keeps.
async fn joined(app: &TestApp, email: &str, mailboxes: &[&str]) -> (User, SigningKey) {
    let mailboxes: Vec<String> = mailboxes.iter().map(|name| (*name).to_owned()).collect();
    let code = app
        .offline()
        .invite(email, "Mairie", Role::Agent, &mailboxes)
        .await
        .unwrap();
    let key = SigningKey::from_bytes(&random::<32>());
    let auth_key = b64(&random::<32>());
    let mut body = crate::helpers::join_body(email, &code, &auth_key);
    body["public_keys"]["signing_key"] = json!(b64(key.verifying_key().as_bytes()));
    let answer = app
        .call(Method::POST, "/api/auth/join", None, Some(body))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let user = User {
        email: email.to_owned(),
        token: answer.body["token"].as_str().unwrap().to_owned(),
        auth_key,
    };
    (user, key)
}

async fn world_with(notifier: bool) -> World {
    let mut app = TestApp::fast().await;
    let outbox = app.dir.path().join("outbox");
    let mut state = app
        .state
        .clone()
        .with_public_url("https://pli.mairie.example/");
    if notifier {
        let mail = MailOutbox::open(&outbox, "Pli <pli@mairie.example>".parse().unwrap()).unwrap();
        state = state.with_notifier(Arc::new(mail));
    }
    let addr: SocketAddr = format!("{}:40000", crate::helpers::CLIENT_ADDR)
        .parse()
        .unwrap();
    app.router = pli_server::router(state.clone()).layer(MockConnectInfo(addr));
    app.state = state;
    app.mailbox("accueil", "Mairie").await;
    let (clerk, clerk_key) = joined(&app, "agent@mairie.fr", &["accueil"]).await;
    let (colleague, _) = joined(&app, "collegue@mairie.fr", &["accueil"]).await;
    let (outsider, _) = joined(&app, "voisin@mairie.fr", &[]).await;
    World {
        app,
        outbox,
        clerk,
        clerk_key,
        colleague,
        outsider,
    }
}

async fn world() -> World {
    world_with(true).await
}

fn recipient() -> String {
    age::x25519::Identity::generate().to_public().to_string()
}

/// A request body signed by `key`, with `changes` applied after signing (a `null` removes).
fn signed(
    key: &SigningKey,
    addressee: &str,
    mailbox: Option<&str>,
    changes: Value,
) -> (String, Value) {
    let id = new_id();
    let recipients = vec![recipient(), recipient()];
    let expires_at = pli_server::auth::now() + 7 * 86_400;
    let email = "famille@example.org";
    let message = pli_proto::request_signed_bytes(
        &hex::decode(&id).unwrap().try_into().unwrap(),
        addressee,
        email,
        &recipients,
        expires_at,
        2,
    )
    .unwrap();
    let mut value = json!({
        "id": id,
        "email": email,
        "recipients": recipients,
        "expires_at": expires_at,
        "max_uploads": 2,
        "signature": b64(&key.sign(&message).to_bytes()),
        "fragment": b64(key.verifying_key().as_bytes()),
    });
    if let Some(mailbox) = mailbox {
        value["mailbox"] = json!(mailbox);
    }
    for (field, change) in changes.as_object().unwrap() {
        if change.is_null() {
            value.as_object_mut().unwrap().remove(field);
        } else {
            value[field] = change.clone();
        }
    }
    (id, value)
}

async fn create(world: &World) -> String {
    let (id, body) = signed(&world.clerk_key, "accueil", Some("accueil"), json!({}));
    let answer = world.app.post("/api/requests", &world.clerk, body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(
        answer.body["url"],
        format!("https://pli.mairie.example/r/{id}")
    );
    assert_eq!(answer.body["max_uploads"], 2);
    id
}

/// An anonymous upload with an explicit Content-Length.
async fn upload_with(
    app: &TestApp,
    request: &str,
    envelope: &str,
    length: Option<&str>,
    content_type: &str,
    bytes: Vec<u8>,
) -> Answer {
    let mut builder = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/requests/{request}/envelopes/{envelope}"))
        .header(header::CONTENT_TYPE, content_type);
    if let Some(length) = length {
        builder = builder.header(header::CONTENT_LENGTH, length);
    }
    app.raw(builder.body(Body::from(bytes)).unwrap()).await
}

async fn upload(app: &TestApp, request: &str, envelope: &str, bytes: &[u8]) -> Answer {
    upload_with(
        app,
        request,
        envelope,
        Some(&bytes.len().to_string()),
        "application/octet-stream",
        bytes.to_vec(),
    )
    .await
}

async fn public(app: &TestApp, request: &str) -> Answer {
    app.call(Method::GET, &format!("/api/requests/{request}"), None, None)
        .await
}

fn outbox_mails(world: &World) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&world.outbox)
        .map(|dir| {
            dir.map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|name| decoded(&std::fs::read_to_string(world.outbox.join(name)).unwrap()))
        .collect()
}

#[tokio::test]
async fn an_upload_lands_in_the_mailbox_marked_as_from_outside() {
    let world = world().await;
    let id = create(&world).await;
    let mails = outbox_mails(&world);
    assert_eq!(mails.len(), 1, "{mails:?}");
    let fragment = b64(world.clerk_key.verifying_key().as_bytes());
    assert!(mails[0].contains("To: famille@example.org"), "{}", mails[0]);
    assert!(
        mails[0].contains(&format!("https://pli.mairie.example/r/{id}#{fragment}")),
        "{}",
        mails[0]
    );

    // What the page checks: the statement verifies with the fragment's key.
    let summary = public(&world.app, &id).await;
    assert_eq!(summary.status, StatusCode::OK, "{:?}", summary.body);
    assert_eq!(summary.body["state"], "active");
    assert_eq!(summary.body["requester"]["email"], "agent@mairie.fr");
    assert_eq!(summary.body["requester"]["signing_key"], fragment);
    let statement = &summary.body["statement"];
    assert_eq!(statement["addressee"], "accueil");
    let recipients: Vec<String> = serde_json::from_value(statement["recipients"].clone()).unwrap();
    let message = pli_proto::request_signed_bytes(
        &hex::decode(&id).unwrap().try_into().unwrap(),
        statement["addressee"].as_str().unwrap(),
        statement["email"].as_str().unwrap(),
        &recipients,
        statement["expires_at"].as_i64().unwrap(),
        u32::try_from(statement["max_uploads"].as_u64().unwrap()).unwrap(),
    )
    .unwrap();
    let signature: [u8; 64] = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        summary.body["signature"].as_str().unwrap(),
    )
    .unwrap()
    .try_into()
    .unwrap();
    world
        .clerk_key
        .verifying_key()
        .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .unwrap();

    let envelope = new_id();
    let answer = upload(&world.app, &id, &envelope, b"ciphertext").await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(answer.body["envelope_id"], envelope.as_str());
    assert_eq!(answer.body["size"], 10);

    let inbox = world
        .app
        .get("/api/inbox?mailbox=accueil", &world.colleague)
        .await;
    let items = inbox.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", inbox.body);
    assert_eq!(items[0]["id"], envelope.as_str());
    assert_eq!(items[0]["sender"], "agent@mairie.fr");
    assert_eq!(items[0]["to"], json!(["accueil"]));
    assert_eq!(
        items[0]["outside"],
        json!({ "request_id": id, "email": "famille@example.org" })
    );
    let content = world
        .app
        .get(
            &format!("/api/envelopes/{envelope}/content"),
            &world.colleague,
        )
        .await;
    assert_eq!(content.bytes, b"ciphertext");
    // In the requester's outbox, marked, and under the request.
    let outbox = world.app.get("/api/outbox", &world.clerk).await;
    assert_eq!(outbox.body["items"][0]["id"], envelope.as_str());
    assert_eq!(
        outbox.body["items"][0]["outside"]["request_id"],
        id.as_str()
    );
    let listed = world.app.get("/api/requests", &world.clerk).await;
    let request = &listed.body["items"][0];
    assert_eq!(request["id"], id.as_str());
    assert_eq!(request["state"], "active");
    assert_eq!(request["uploads"], 1);
    assert_eq!(request["envelopes"][0]["id"], envelope.as_str());
    assert_eq!(
        request["envelopes"][0]["address"],
        crate::helpers::CLIENT_ADDR
    );
    assert!(
        world.app.get("/api/requests", &world.colleague).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The outsider of the mailbox sees nothing of it.
    assert!(
        world.app.inbox_ids(&world.outsider, "").await.is_empty(),
        "the upload reached someone who does not read the mailbox"
    );

    // The second allowed upload exhausts the request; a third is refused and leaves nothing.
    let second = new_id();
    assert_eq!(
        upload(&world.app, &id, &second, b"two").await.status,
        StatusCode::CREATED
    );
    let third = new_id();
    let refused = upload(&world.app, &id, &third, b"three").await;
    assert_eq!(refused.status, StatusCode::GONE);
    assert_eq!(refused.error(), "request_exhausted");
    assert_eq!(public(&world.app, &id).await.body["state"], "exhausted");
    assert_eq!(
        world
            .app
            .inbox_ids(&world.colleague, "?mailbox=accueil")
            .await
            .len(),
        2
    );
    // The audit trail: who asked, what came through, what was refused, in the requester's
    // organisation, with the request's address as the claimed actor.
    world.app.state.flush_audit().await;
    let events = world
        .app
        .state
        .store()
        .audit_events(None, 0, 10_000)
        .await
        .unwrap();
    let find = |action: &str, target: &str| {
        events
            .iter()
            .filter(|record| {
                record.event.action == action && record.event.target.as_deref() == Some(target)
            })
            .map(|record| &record.event)
            .collect::<Vec<_>>()
    };
    assert_eq!(find("request.created", &id).len(), 1);
    let uploaded = find("request.uploaded", &id);
    assert_eq!(uploaded.len(), 2);
    assert_eq!(
        uploaded[0].actor_email.as_deref(),
        Some("famille@example.org")
    );
    assert_eq!(uploaded[0].from, crate::helpers::CLIENT_ADDR);
    assert!(uploaded[0].org_id.is_some());
    assert_eq!(find("envelope.upload", &envelope).len(), 1);
    assert_eq!(find("request.refused", &id).len(), 1);
    // Reusing an envelope id is refused whatever the request.
    let own = signed(&world.clerk_key, "agent@mairie.fr", None, json!({}));
    let answer = world.app.post("/api/requests", &world.clerk, own.1).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let taken = upload(&world.app, &own.0, &envelope, b"again").await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let mine = new_id();
    assert_eq!(
        upload(&world.app, &own.0, &mine, b"mine").await.status,
        StatusCode::CREATED
    );
    assert!(world.app.inbox_ids(&world.clerk, "").await.contains(&mine));
    assert!(
        !world
            .app
            .inbox_ids(&world.colleague, "")
            .await
            .contains(&mine)
    );
}

#[tokio::test]
async fn only_a_reader_of_the_mailbox_asks_with_its_own_signature() {
    let world = world().await;
    let key = &world.clerk_key;
    // Who does not read the mailbox gets the answer of a missing mailbox.
    let (_, body) = signed(key, "accueil", Some("accueil"), json!({}));
    let stranger = world.app.post("/api/requests", &world.outsider, body).await;
    let (_, body) = signed(key, "nosuchbox", Some("nosuchbox"), json!({}));
    let missing = world.app.post("/api/requests", &world.outsider, body).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.without_request_id(), missing.without_request_id());

    let other = SigningKey::from_bytes(&random::<32>());
    let now = pli_server::auth::now();
    for (what, body) in [
        (
            "another key's signature",
            signed(
                &other,
                "accueil",
                Some("accueil"),
                json!({ "fragment": b64(key.verifying_key().as_bytes()) }),
            )
            .1,
        ),
        (
            "a fragment that is not the requester's key",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "fragment": b64(other.verifying_key().as_bytes()) }),
            )
            .1,
        ),
        (
            "a statement for another addressee",
            signed(key, "agent@mairie.fr", Some("accueil"), json!({})).1,
        ),
        (
            "a changed expiry",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "expires_at": now + 86_400 }),
            )
            .1,
        ),
        (
            "a changed upload count",
            signed(key, "accueil", Some("accueil"), json!({ "max_uploads": 3 })).1,
        ),
        (
            "a swapped recipient",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "recipients": [recipient(), recipient()] }),
            )
            .1,
        ),
        (
            "an expiry too soon",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "expires_at": now + 60 }),
            )
            .1,
        ),
        (
            "an expiry too late",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "expires_at": now + 40 * 86_400 }),
            )
            .1,
        ),
        (
            "no upload allowed",
            signed(key, "accueil", Some("accueil"), json!({ "max_uploads": 0 })).1,
        ),
        (
            "too many uploads",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "max_uploads": 21 }),
            )
            .1,
        ),
        (
            "no recipient",
            signed(key, "accueil", Some("accueil"), json!({ "recipients": [] })).1,
        ),
        (
            "a recipient that is no age key",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "recipients": ["age1nope"] }),
            )
            .1,
        ),
        (
            "a bad email",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "email": "no at sign" }),
            )
            .1,
        ),
        (
            "a bad id",
            signed(key, "accueil", Some("accueil"), json!({ "id": "ABC" })).1,
        ),
        (
            "a short signature",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "signature": b64(&[1; 10]) }),
            )
            .1,
        ),
        (
            "a fragment that is no key",
            signed(key, "accueil", Some("accueil"), json!({ "fragment": "!!" })).1,
        ),
    ] {
        let answer = world.app.post("/api/requests", &world.clerk, body).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{what}: {:?}",
            answer.body
        );
        assert!(answer.body["message"].is_string(), "{what}");
    }
    for (what, body) in [
        (
            "a missing field",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "signature": null }),
            )
            .1,
        ),
        (
            "an unknown field",
            signed(key, "accueil", Some("accueil"), json!({ "extra": 1 })).1,
        ),
        (
            "a wrong type",
            signed(
                key,
                "accueil",
                Some("accueil"),
                json!({ "expires_at": "soon" }),
            )
            .1,
        ),
    ] {
        let answer = world.app.post("/api/requests", &world.clerk, body).await;
        assert!(answer.status.is_client_error(), "{what}: {:?}", answer.body);
        assert!(answer.body["error"].is_string(), "{what}");
    }
    let (id, body) = signed(key, "accueil", Some("accueil"), json!({}));
    let first = world
        .app
        .post("/api/requests", &world.clerk, body.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = world.app.post("/api/requests", &world.clerk, body).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        outbox_mails(&world).len(),
        1,
        "only the stored request was mailed"
    );
    let listed = world.app.get("/api/requests", &world.clerk).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());

    // A server that sends no mail asks nobody.
    let silent = world_with(false).await;
    let (_, body) = signed(&silent.clerk_key, "accueil", Some("accueil"), json!({}));
    let answer = silent.app.post("/api/requests", &silent.clerk, body).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.error(), "notifier_missing");
    assert_eq!(
        silent.app.get("/api/requests", &silent.clerk).await.body["items"],
        json!([])
    );
}

#[tokio::test]
async fn malformed_truncated_and_oversized_uploads_leave_nothing() {
    let world = world().await;
    let id = create(&world).await;
    let app = &world.app;
    let octets = "application/octet-stream";
    let max_size = public(app, &id).await.body["max_size"].as_u64().unwrap();
    let cases: Vec<(&str, Answer, StatusCode)> = vec![
        (
            "wrong type",
            upload_with(
                app,
                &id,
                &new_id(),
                Some("4"),
                "application/json",
                b"abcd".to_vec(),
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "no length",
            upload_with(app, &id, &new_id(), None, octets, b"abcd".to_vec()).await,
            StatusCode::LENGTH_REQUIRED,
        ),
        (
            "empty",
            upload_with(app, &id, &new_id(), Some("0"), octets, Vec::new()).await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "above the limit",
            upload_with(
                app,
                &id,
                &new_id(),
                Some(&(max_size + 1).to_string()),
                octets,
                b"abcd".to_vec(),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "bad request id",
            upload(app, "XYZ", &new_id(), b"abcd").await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "bad envelope id",
            upload(app, &id, "ZZ-not-an-id", b"abcd").await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown request",
            upload(app, &new_id(), &new_id(), b"abcd").await,
            StatusCode::NOT_FOUND,
        ),
    ];
    for (what, answer, status) in cases {
        assert_eq!(answer.status, status, "{what}: {:?}", answer.body);
        assert!(answer.body["error"].is_string(), "{what}");
    }
    // A body shorter than announced, or longer: refused, and the envelope never appears.
    let truncated = new_id();
    let answer = upload_with(app, &id, &truncated, Some("100"), octets, vec![1; 40]).await;
    assert!(answer.status.is_client_error(), "{:?}", answer.body);
    let longer = new_id();
    let answer = upload_with(app, &id, &longer, Some("4"), octets, vec![1; 40]).await;
    assert!(answer.status.is_client_error(), "{:?}", answer.body);
    assert!(
        app.inbox_ids(&world.colleague, "?mailbox=accueil")
            .await
            .is_empty()
    );
    let store = app.state.store();
    for envelope in [&truncated, &longer] {
        assert!(
            store
                .envelope(pli_store::Id::parse(envelope).unwrap())
                .await
                .is_err(),
            "a refused upload left its row"
        );
    }
    let request = store
        .upload_request(pli_store::Id::parse(&id).unwrap())
        .await
        .unwrap();
    assert_eq!(request.uploads, 0, "refused uploads are not counted");
    // The request still takes its uploads.
    assert_eq!(
        upload(app, &id, &truncated, b"whole").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn withdrawn_and_expired_requests_take_nothing() {
    let world = world().await;
    let app = &world.app;
    let id = create(&world).await;
    // Only the requester withdraws.
    let other = app
        .delete(&format!("/api/requests/{id}"), &world.colleague)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(other.error(), "request_not_found");
    let done = app
        .delete(&format!("/api/requests/{id}"), &world.clerk)
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT);
    let again = app
        .delete(&format!("/api/requests/{id}"), &world.clerk)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(public(app, &id).await.body["state"], "withdrawn");
    let refused = upload(app, &id, &new_id(), b"late").await;
    assert_eq!(refused.status, StatusCode::GONE);
    assert_eq!(refused.error(), "request_withdrawn");

    // Past its expiry: ended at the first touch, before any sweep.
    let late = create(&world).await;
    let store = app.state.store();
    let late_id = pli_store::Id::parse(&late).unwrap();
    let expires_at = store.upload_request(late_id).await.unwrap().expires_at;
    let expired = store.expire_upload_requests(expires_at).await.unwrap();
    assert_eq!(expired, vec![late_id]);
    assert_eq!(public(app, &late).await.body["state"], "expired");
    let refused = upload(app, &late, &new_id(), b"late").await;
    assert_eq!(refused.status, StatusCode::GONE);
    assert_eq!(refused.error(), "request_expired");
    assert!(
        app.inbox_ids(&world.colleague, "?mailbox=accueil")
            .await
            .is_empty()
    );
    let listed = app.get("/api/requests", &world.clerk).await;
    let states: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&"expired") && states.contains(&"withdrawn"));
    let unknown = public(app, &new_id()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error(), "request_not_found");
    assert_eq!(public(app, "nope").await.status, StatusCode::BAD_REQUEST);
}

/// A piece of an upload through a request: `Upload-Offset: offset`, `length` as
/// Content-Length, `body` as is.
async fn piece(
    app: &TestApp,
    request: &str,
    envelope: &str,
    offset: &str,
    length: usize,
    body: Body,
) -> Answer {
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/requests/{request}/envelopes/{envelope}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, length.to_string())
        .header("upload-offset", offset)
        .body(body)
        .unwrap();
    app.raw(request).await
}

/// A body that delivers `bytes` and then breaks, as a dropped connection does.
fn cut_after(bytes: &[u8]) -> Body {
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = bytes
        .chunks(16 * 1024)
        .map(|chunk| Ok(bytes::Bytes::copy_from_slice(chunk)))
        .chain([Err(std::io::Error::other("connection reset"))])
        .collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn an_outside_upload_cut_once_resumes_and_counts_once_complete() {
    let world = world().await;
    let id = create(&world).await;
    let other = create(&world).await;
    let app = &world.app;
    let content: Vec<u8> = (0..300_000).map(|n| (n % 253) as u8).collect();
    let envelope = new_id();
    let offset_uri = format!("/api/requests/{id}/envelopes/{envelope}/offset");
    let offset = async |uri: &str| app.call(Method::GET, uri, None, None).await;
    assert_eq!(offset(&offset_uri).await.error(), "upload_not_found");

    // The first piece announces the whole size; the connection drops after 100,000 bytes.
    let cut = piece(
        app,
        &id,
        &envelope,
        "0",
        content.len(),
        cut_after(&content[..100_000]),
    )
    .await;
    assert_eq!(cut.status, StatusCode::BAD_REQUEST, "{:?}", cut.body);
    assert_eq!(cut.body["upload_offset"], 100_000);
    let held = offset(&offset_uri).await;
    assert_eq!(held.status, StatusCode::OK, "{:?}", held.body);
    assert_eq!(
        held.body,
        json!({ "offset": 100_000, "size": 300_000, "complete": false })
    );
    // Not visible, not counted.
    assert!(world.app.inbox_ids(&world.clerk, "").await.is_empty());
    assert_eq!(public(app, &id).await.body["uploads"], 0);
    // Only through its own request, and only from the acknowledged offset.
    let elsewhere = piece(
        app,
        &other,
        &envelope,
        "100000",
        200_000,
        Body::from(content[100_000..].to_vec()),
    )
    .await;
    assert_eq!(
        elsewhere.error(),
        "upload_not_found",
        "{:?}",
        elsewhere.body
    );
    let elsewhere = app
        .call(
            Method::GET,
            &format!("/api/requests/{other}/envelopes/{envelope}/offset"),
            None,
            None,
        )
        .await;
    assert_eq!(elsewhere.error(), "upload_not_found");
    let unknown = piece(
        app,
        &id,
        &new_id(),
        "100000",
        200_000,
        Body::from(content[100_000..].to_vec()),
    )
    .await;
    assert_eq!(unknown.error(), "upload_not_found");
    let early = piece(
        app,
        &id,
        &envelope,
        "0",
        300_000,
        Body::from(content.clone()),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.body["upload_offset"], 100_000);
    let overlong = piece(
        app,
        &id,
        &envelope,
        "100000",
        200_001,
        Body::from(vec![0u8; 200_001]),
    )
    .await;
    assert_eq!(overlong.status, StatusCode::PAYLOAD_TOO_LARGE);

    let rest = piece(
        app,
        &id,
        &envelope,
        "100000",
        200_000,
        Body::from(content[100_000..].to_vec()),
    )
    .await;
    assert_eq!(rest.status, StatusCode::CREATED, "{:?}", rest.body);
    assert_eq!(
        rest.body,
        json!({ "envelope_id": envelope, "size": 300_000 })
    );
    assert_eq!(
        offset(&offset_uri).await.body,
        json!({ "offset": 300_000, "size": 300_000, "complete": true })
    );
    assert_eq!(public(app, &id).await.body["uploads"], 1);
    assert_eq!(
        world.app.inbox_ids(&world.clerk, "").await,
        vec![envelope.clone()]
    );
    let download = app
        .get(&format!("/api/envelopes/{envelope}/content"), &world.clerk)
        .await;
    assert!(download.bytes == content);
    let again = piece(app, &id, &envelope, "300000", 0, Body::empty()).await;
    assert_eq!(
        again.status,
        StatusCode::BAD_REQUEST,
        "an empty body is refused: {:?}",
        again.body
    );
}
