//! External links (`docs/EXTERNAL.md`) through the router: creation with the mail outbox,
//! codes, tokens, downloads, locking, expiry, withdrawal, receipts and bad input.

use crate::helpers::{Answer, TestApp, User, b64, new_id, random};
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use ed25519_dalek::Signer as _;
use pli_proto::Role;
use pli_server::notify::MailOutbox;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

struct World {
    app: TestApp,
    outbox: PathBuf,
    alice: User,
    envelope: String,
    alice_key: String,
}

/// An app whose notifier writes to an outbox, with a stored envelope from alice.
async fn world() -> World {
    let mut app = TestApp::fast().await;
    let outbox = app.dir.path().join("outbox");
    let notifier = MailOutbox::open(&outbox, "Pli <pli@hopital.example>".parse().unwrap()).unwrap();
    let state = app
        .state
        .clone()
        .with_notifier(Arc::new(notifier))
        .with_public_url("https://pli.hopital.example/");
    let addr: SocketAddr = format!("{}:40000", crate::helpers::CLIENT_ADDR)
        .parse()
        .unwrap();
    app.router = pli_server::router(state.clone()).layer(MockConnectInfo(addr));
    app.state = state;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let entry = app.get("/api/directory/alice@chu.fr", &alice).await;
    let alice_key = entry.body["keys"][0]["public_keys"]["signing_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = new_id();
    let answer = app
        .post(
            "/api/envelopes",
            &alice,
            json!({ "id": id, "to": [], "external": ["officier@police.example"], "size": 6 }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let answer = app.upload(&id, &alice, b"cipher".to_vec()).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    World {
        app,
        outbox,
        alice,
        envelope: id,
        alice_key,
    }
}

struct Made {
    id: String,
    fragment: String,
    server_half: [u8; 32],
    receipt: ed25519_dalek::SigningKey,
}

fn body(world: &World, changes: Value) -> (Value, Made) {
    let fragment_half = random::<32>();
    let server_half = random::<32>();
    let receipt = ed25519_dalek::SigningKey::from_bytes(&random::<32>());
    let id = new_id();
    let fragment = format!("{}.{}", b64(&fragment_half), world.alice_key);
    let mut value = json!({
        "id": id,
        "email": "officier@police.example",
        "max_downloads": 2,
        "server_half": b64(&server_half),
        "receipt_key": b64(receipt.verifying_key().as_bytes()),
        "fragment": fragment,
    });
    for (key, change) in changes.as_object().unwrap() {
        if change.is_null() {
            value.as_object_mut().unwrap().remove(key);
        } else {
            value[key] = change.clone();
        }
    }
    (
        value,
        Made {
            id,
            fragment,
            server_half,
            receipt,
        },
    )
}

async fn create(world: &World, changes: Value) -> Made {
    let (value, made) = body(world, changes);
    let answer = world
        .app
        .post(
            &format!("/api/envelopes/{}/links", world.envelope),
            &world.alice,
            value,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(answer.body["id"], made.id.as_str());
    assert_eq!(
        answer.body["url"],
        format!("https://pli.hopital.example/x/{}", made.id)
    );
    made
}

/// The text of a mail: its headers, then its base64 body decoded.
pub fn decoded(mail: &str) -> String {
    let Some((headers, body)) = mail.split_once("\r\n\r\n") else {
        return mail.to_owned();
    };
    if !headers.contains("Content-Transfer-Encoding: base64") {
        return mail.to_owned();
    }
    let joined: String = body.split_whitespace().collect();
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, joined).unwrap();
    format!("{headers}\r\n\r\n{}", String::from_utf8(bytes).unwrap())
}

/// Outbox files, in sending order, mail bodies decoded.
fn outbox(world: &World) -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(&world.outbox)
        .map(|dir| {
            dir.map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(world.outbox.join(&name)).unwrap();
            (name, decoded(&text))
        })
        .collect()
}

/// The six-digit code in a message: the first run of exactly six digits.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_owned)
        .expect("a six-digit code")
}

async fn anonymous(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    app.call(method, uri, token, body).await
}

async fn give_code(app: &TestApp, link: &str, code: &str) -> Answer {
    anonymous(
        app,
        Method::POST,
        &format!("/api/links/{link}/code"),
        None,
        Some(json!({ "code": code })),
    )
    .await
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[tokio::test]
async fn a_link_goes_by_mail_and_its_code_by_a_second_mail() {
    let world = world().await;
    let made = create(&world, json!({})).await;
    let messages = outbox(&world);
    assert_eq!(messages.len(), 2, "{messages:?}");
    let (link_name, link_mail) = &messages[0];
    let (code_name, code_mail) = &messages[1];
    assert!(link_name.ends_with(".eml") && code_name.ends_with(".eml"));
    let url = format!(
        "https://pli.hopital.example/x/{}#{}",
        made.id, made.fragment
    );
    assert!(link_mail.contains(&url), "{link_mail}");
    assert!(link_mail.contains("To: officier@police.example"));
    assert!(
        !code_mail.contains(&made.fragment),
        "the code mail holds no link"
    );
    let code = code_in(code_mail.split_once("\r\n\r\n").unwrap().1);
    assert!(
        !link_mail.contains(&format!(" {code}")),
        "the link mail holds no code"
    );

    // Mail scanners: reading the summary, as often as they like, consumes nothing.
    for _ in 0..3 {
        let public = anonymous(
            &world.app,
            Method::GET,
            &format!("/api/links/{}", made.id),
            None,
            None,
        )
        .await;
        assert_eq!(public.status, StatusCode::OK, "{:?}", public.body);
        assert_eq!(public.body["state"], "active");
        assert_eq!(public.body["attempts_left"], 5);
        assert_eq!(public.body["subject_hidden"], true);
        assert_eq!(public.body["size"], 6);
        assert_eq!(public.body["sender"]["email"], "alice@chu.fr");
        assert_eq!(public.body["sender"]["organisation"], "CHU");
        // The directory's key, which the page compares with the fragment's.
        assert_eq!(
            public.body["sender"]["signing_key"],
            world.alice_key.as_str()
        );
    }
    let list = world
        .app
        .get(
            &format!("/api/envelopes/{}/links", world.envelope),
            &world.alice,
        )
        .await;
    assert_eq!(list.body["items"][0]["downloads"], 0);
    assert_eq!(list.body["items"][0]["code_failures"], 0);

    // No token: nothing.
    let content = format!("/api/links/{}/content", made.id);
    let none = anonymous(&world.app, Method::GET, &content, None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.error(), "invalid_token");
    let forged = anonymous(
        &world.app,
        Method::GET,
        &content,
        Some(&b64(&random::<32>())),
        None,
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    let accepted = give_code(&world.app, &made.id, &code).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.body["server_half"], b64(&made.server_half));
    let token = accepted.body["token"].as_str().unwrap().to_owned();
    // A token of this link opens no other link.
    let other = create(&world, json!({})).await;
    let elsewhere = anonymous(
        &world.app,
        Method::GET,
        &format!("/api/links/{}/content", other.id),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);

    for _ in 0..2 {
        let download = anonymous(&world.app, Method::GET, &content, Some(&token), None).await;
        assert_eq!(download.status, StatusCode::OK);
        assert_eq!(download.bytes, b"cipher");
    }
    let third = anonymous(&world.app, Method::GET, &content, Some(&token), None).await;
    assert_eq!(third.status, StatusCode::GONE);
    assert_eq!(third.error(), "link_exhausted");
    let stored = world
        .app
        .state
        .store()
        .link(pli_store::Id::parse(&made.id).unwrap())
        .await
        .unwrap();
    assert_eq!(stored.server_half, None, "the last download destroys S");
    assert_eq!(stored.openings.len(), 2);
    assert_eq!(stored.openings[0].address, crate::helpers::CLIENT_ADDR);

    // The receipt, signed with the link's receipt key, after the last download.
    let manifest = random::<32>();
    let opened_at = pli_server::auth::now();
    let envelope_id: [u8; 16] = hex::decode(&world.envelope).unwrap().try_into().unwrap();
    let signed = pli_proto::receipt_signed_bytes(&envelope_id, &manifest, opened_at);
    let receipt_uri = format!("/api/links/{}/receipt", made.id);
    let forged = made.receipt.sign(b"something else");
    let bad = anonymous(&world.app, Method::POST, &receipt_uri, Some(&token), Some(json!({
        "manifest_sha256": hex::encode(manifest), "opened_at": opened_at, "signature": b64(&forged.to_bytes()),
    }))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{:?}", bad.body);
    let receipt_body = json!({
        "manifest_sha256": hex::encode(manifest), "opened_at": opened_at,
        "signature": b64(&made.receipt.sign(&signed).to_bytes()),
    });
    let untokened = anonymous(
        &world.app,
        Method::POST,
        &receipt_uri,
        None,
        Some(receipt_body.clone()),
    )
    .await;
    assert_eq!(untokened.status, StatusCode::UNAUTHORIZED);
    let good = anonymous(
        &world.app,
        Method::POST,
        &receipt_uri,
        Some(&token),
        Some(receipt_body.clone()),
    )
    .await;
    assert_eq!(good.status, StatusCode::CREATED, "{:?}", good.body);
    let again = anonymous(
        &world.app,
        Method::POST,
        &receipt_uri,
        Some(&token),
        Some(receipt_body),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let list = world
        .app
        .get(
            &format!("/api/envelopes/{}/links", world.envelope),
            &world.alice,
        )
        .await;
    // Two links now hang off the envelope, created within the same second, in no set order.
    let item = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == made.id.as_str())
        .unwrap();
    assert_eq!(item["state"], "exhausted");
    assert_eq!(item["downloads"], 2);
    assert_eq!(item["openings"][1]["address"], crate::helpers::CLIENT_ADDR);
    assert_eq!(item["receipt"]["manifest_hash"], b64(&manifest));
    assert_eq!(item["receipt"]["email"], "officier@police.example");

    // The fragment's half is nowhere in the database or the audit trail.
    world.app.state.flush_audit().await;
    let fragment_half = made.fragment.split('.').next().unwrap();
    for entry in std::fs::read_dir(world.app.data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(fragment_half), "{} holds F", path.display());
            let raw = base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                fragment_half,
            )
            .unwrap();
            assert!(
                !bytes.windows(32).any(|window| window == raw.as_slice()),
                "{} holds F",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn five_wrong_codes_lock_the_link_destroy_s_and_tell_the_sender() {
    let world = world().await;
    let made = create(&world, json!({ "phone": "+33 6 12 34 56 78" })).await;
    let messages = outbox(&world);
    assert_eq!(messages.len(), 2);
    assert!(messages[1].0.ends_with(".txt"), "the code goes by SMS");
    assert!(messages[1].1.starts_with("To: +33612345678\n\n"));
    let code = code_in(&messages[1].1);
    let bad = wrong(&code);
    for attempts_left in (1..5).rev() {
        let answer = give_code(&world.app, &made.id, &bad).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
        assert_eq!(answer.error(), "invalid_code");
        assert_eq!(answer.body["attempts_left"], attempts_left);
    }
    // A code that is not six digits is refused without counting.
    let malformed = give_code(&world.app, &made.id, "12345a").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let locking = give_code(&world.app, &made.id, &bad).await;
    assert_eq!(locking.status, StatusCode::LOCKED, "{:?}", locking.body);
    assert_eq!(locking.error(), "link_locked");
    let after = give_code(&world.app, &made.id, &code).await;
    assert_eq!(
        after.status,
        StatusCode::GONE,
        "even the right code is refused now"
    );
    assert_eq!(after.error(), "link_locked");
    let stored = world
        .app
        .state
        .store()
        .link(pli_store::Id::parse(&made.id).unwrap())
        .await
        .unwrap();
    assert_eq!(stored.server_half, None);
    let public = anonymous(
        &world.app,
        Method::GET,
        &format!("/api/links/{}", made.id),
        None,
        None,
    )
    .await;
    assert_eq!(public.body["state"], "locked");
    assert_eq!(public.body["attempts_left"], 0);
    let messages = outbox(&world);
    assert_eq!(messages.len(), 3, "the sender is told");
    assert!(
        messages[2].1.contains("To: alice@chu.fr"),
        "{}",
        messages[2].1
    );
}

#[tokio::test]
async fn expiry_and_withdrawal_destroy_s() {
    let world = world().await;
    let expiring = create(&world, json!({ "expires_in": 3600 })).await;
    let withdrawn = create(&world, json!({})).await;
    let code = code_in(outbox(&world)[1].1.split_once("\r\n\r\n").unwrap().1);
    // The sweep, as the server runs it every minute, an hour later.
    let n =
        pli_server::routes::links::expire_links(&world.app.state, pli_server::auth::now() + 3600)
            .await
            .unwrap();
    assert_eq!(n, 1);
    let stored = world
        .app
        .state
        .store()
        .link(pli_store::Id::parse(&expiring.id).unwrap())
        .await
        .unwrap();
    assert_eq!(stored.server_half, None);
    let refused = give_code(&world.app, &expiring.id, &code).await;
    assert_eq!(refused.status, StatusCode::GONE);
    assert_eq!(refused.error(), "link_expired");

    let uri = format!("/api/links/{}", withdrawn.id);
    let stranger = world.app.user("eve@other.fr", "Other", Role::Agent).await;
    let denied = world.app.delete(&uri, &stranger).await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    assert_eq!(denied.error(), "link_not_found");
    let done = world.app.delete(&uri, &world.alice).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{:?}", done.body);
    let again = world.app.delete(&uri, &world.alice).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let gone = give_code(&world.app, &withdrawn.id, "123456").await;
    assert_eq!(gone.error(), "link_withdrawn");
    let stored = world
        .app
        .state
        .store()
        .link(pli_store::Id::parse(&withdrawn.id).unwrap())
        .await
        .unwrap();
    assert_eq!(stored.server_half, None);
    let unknown = anonymous(
        &world.app,
        Method::GET,
        &format!("/api/links/{}", new_id()),
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error(), "link_not_found");
    // Other people's links are not listed.
    let listed = world
        .app
        .get(
            &format!("/api/envelopes/{}/links", world.envelope),
            &stranger,
        )
        .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_link_requests_are_refused_with_reasons() {
    let world = world().await;
    let uri = format!("/api/envelopes/{}/links", world.envelope);
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({ "server_half": "not base64!" }),
            StatusCode::BAD_REQUEST,
            "server_half",
        ),
        (
            json!({ "server_half": b64(&[1; 31]) }),
            StatusCode::BAD_REQUEST,
            "server_half",
        ),
        (
            json!({ "server_half": b64(&[1; 400]) }),
            StatusCode::BAD_REQUEST,
            "server_half",
        ),
        (
            json!({ "receipt_key": b64(&[1; 33]) }),
            StatusCode::BAD_REQUEST,
            "receipt_key",
        ),
        (
            json!({ "fragment": "no-dot" }),
            StatusCode::BAD_REQUEST,
            "fragment",
        ),
        (
            json!({ "fragment": format!("{}.{}", b64(&[1; 32]), b64(&[2; 32])) }),
            StatusCode::BAD_REQUEST,
            "signing key",
        ),
        (
            json!({ "email": "not an email" }),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            json!({ "email": "a@b\r\nBcc: x@y" }),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            json!({ "phone": "0612345678" }),
            StatusCode::BAD_REQUEST,
            "phone",
        ),
        (
            json!({ "phone": "+33abc" }),
            StatusCode::BAD_REQUEST,
            "phone",
        ),
        (
            json!({ "expires_in": 60 }),
            StatusCode::BAD_REQUEST,
            "expires_in",
        ),
        (
            json!({ "expires_in": 31 * 86400 }),
            StatusCode::BAD_REQUEST,
            "expires_in",
        ),
        (
            json!({ "max_downloads": 0 }),
            StatusCode::BAD_REQUEST,
            "max_downloads",
        ),
        (
            json!({ "max_downloads": 101 }),
            StatusCode::BAD_REQUEST,
            "max_downloads",
        ),
        (json!({ "id": "XYZ" }), StatusCode::BAD_REQUEST, "link id"),
        (
            json!({ "email": null }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            json!({ "extra": 1 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "extra",
        ),
    ];
    for (changes, status, needle) in cases {
        let (value, _) = body(&world, changes.clone());
        let answer = world.app.post(&uri, &world.alice, value).await;
        assert_eq!(answer.status, status, "{changes}: {:?}", answer.body);
        let message = answer.body["message"].as_str().unwrap_or("");
        assert!(message.contains(needle), "{changes}: {message}");
    }
    // Oversized body.
    let (mut value, _) = body(&world, json!({}));
    value["email"] = json!("a".repeat(70_000));
    let answer = world.app.post(&uri, &world.alice, value).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing of these was mailed.
    assert!(outbox(&world).is_empty());
    // A taken id.
    let made = create(&world, json!({})).await;
    let (value, _) = body(&world, json!({ "id": made.id }));
    let answer = world.app.post(&uri, &world.alice, value).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);

    // The recipient's side.
    let bad_code = anonymous(
        &world.app,
        Method::POST,
        &format!("/api/links/{}/code", made.id),
        None,
        Some(json!({ "code": 123456 })),
    )
    .await;
    assert_eq!(bad_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_id = anonymous(&world.app, Method::GET, "/api/links/NOT-AN-ID", None, None).await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/links/{}/code", made.id))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"code\": \"12"))
        .unwrap();
    assert_eq!(world.app.raw(request).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn without_a_notifier_links_cannot_be_created() {
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let entry = app.get("/api/directory/alice@chu.fr", &alice).await;
    let key = entry.body["keys"][0]["public_keys"]["signing_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.send(&alice, &["alice@chu.fr"], b"cipher").await;
    let answer = app
        .post(
            &format!("/api/envelopes/{id}/links"),
            &alice,
            json!({
                "id": new_id(), "email": "officier@police.example",
                "server_half": b64(&[1; 32]),
                "receipt_key": b64(ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key().as_bytes()),
                "fragment": format!("{}.{key}", b64(&[2; 32])),
            }),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{:?}",
        answer.body
    );
    assert_eq!(answer.error(), "notifier_missing");
}
