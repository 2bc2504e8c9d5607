//! Walks every route of the OpenAPI document as an anonymous client and as an authenticated
//! stranger (an admin of another organisation), with real ids of existing envelopes,
//! mailboxes and accounts in the paths: none yields anything that is not the caller's own.

use crate::helpers::{Answer, TestApp, User, b64, join_body, new_id};
use crate::openapi::documented;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pli_proto::Role;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    alice: User,
    bob: User,
    stranger: User,
    stored: String,
    pending: String,
    /// An external link alice made for the stored envelope.
    link: String,
    /// One of alice's passkeys.
    passkey: String,
    /// An upload request bob made for vbox, withdrawn: nothing may go through it.
    request: String,
}

async fn world() -> World {
    let app = TestApp::fast().await;
    let victim_admin = app.user("admin@victim.fr", "Victim", Role::Admin).await;
    let alice = app.user("alice@victim.fr", "Victim", Role::Agent).await;
    let bob = app.user("bob@victim.fr", "Victim", Role::Agent).await;
    app.mailbox("vbox", "Victim").await;
    app.add_member(&victim_admin, "vbox", "bob@victim.fr").await;
    let stranger = app.user("stranger@other.fr", "Other", Role::Admin).await;
    app.mailbox("sbox", "Other").await;
    app.add_member(&stranger, "sbox", "stranger@other.fr").await;
    let stored = app
        .send(&alice, &["bob@victim.fr", "vbox"], b"secret")
        .await;
    let pending = app.announce(&alice, &["bob@victim.fr"], 6).await;
    let link = pli_store::Id::random();
    let store = app.state.store();
    let envelope = store
        .envelope(pli_store::Id::parse(&stored).unwrap())
        .await
        .unwrap();
    store
        .create_link(&pli_store::NewLink {
            id: link,
            envelope_id: envelope.id,
            creator_id: envelope.sender.id,
            email: "officier@police.example".into(),
            phone: None,
            created_at: pli_server::auth::now(),
            expires_at: pli_server::auth::now() + 3600,
            max_downloads: 5,
            code_hash: [0; 32],
            server_half: [7; 32],
            receipt_key: *ed25519_dalek::SigningKey::from_bytes(&[3; 32])
                .verifying_key()
                .as_bytes(),
        })
        .await
        .unwrap();
    let passkey = pli_store::Id::random();
    let alice_id = store.account_by_email("alice@victim.fr").await.unwrap().id;
    store
        .add_passkey(&pli_store::StoredPasskey {
            id: passkey,
            account_id: alice_id,
            credential_id: vec![9; 16],
            name: "clé d'alice".into(),
            data: "{}".into(),
            created_at: pli_server::auth::now(),
            last_used_at: None,
        })
        .await
        .unwrap();
    let request = pli_store::Id::random();
    let bob_account = store.account_by_email("bob@victim.fr").await.unwrap();
    let vbox = store.mailbox_by_name("vbox").await.unwrap();
    store
        .create_upload_request(&pli_store::NewUploadRequest {
            id: request,
            creator_id: bob_account.id,
            mailbox_id: Some(vbox.id),
            email: "avocat@cabinet.example".into(),
            recipients: vec![age::x25519::Identity::generate().to_public().to_string()],
            signature: vec![7; 64],
            created_at: pli_server::auth::now(),
            expires_at: pli_server::auth::now() + 3600,
            max_uploads: 1,
        })
        .await
        .unwrap();
    store
        .end_upload_request(request, pli_store::RequestState::Withdrawn)
        .await
        .unwrap();
    World {
        app,
        request: request.to_string(),
        alice,
        bob,
        stranger,
        stored,
        pending,
        link: link.to_string(),
        passkey: passkey.to_string(),
    }
}

/// The requests to make for one documented route: (uri, body, content type).
fn requests(
    world: &World,
    method: &str,
    path: &str,
) -> Vec<(String, Option<Vec<u8>>, &'static str)> {
    let json_body = |value: Value| Some(value.to_string().into_bytes());
    let mut uris = vec![path.to_owned()];
    if path.starts_with("/api/me/passkeys/{id}") {
        uris = vec![path.replace("{id}", &world.passkey)];
    } else if path.starts_with("/api/requests/") {
        uris = vec![
            path.replace("{id}", &world.request)
                .replace("{envelope_id}", &new_id()),
        ];
    } else if path.contains("{id}") {
        uris = [&world.stored, &world.pending]
            .iter()
            .map(|id| path.replace("{id}", id))
            .collect();
    }
    if path.contains("{address}") {
        uris = ["alice@victim.fr", "vbox"]
            .iter()
            .map(|address| path.replace("{address}", address))
            .collect();
    }
    let uris: Vec<String> = uris
        .into_iter()
        .map(|uri| {
            uri.replace("{name}", "vbox")
                .replace("{email}", "bob@victim.fr")
                .replace("{link_id}", &world.link)
        })
        .collect();
    let with = |body: Option<Vec<u8>>, content_type: &'static str| {
        uris.iter()
            .map(|uri| (uri.clone(), body.clone(), content_type))
            .collect::<Vec<_>>()
    };
    let json = "application/json";
    match (method, path) {
        ("POST", "/api/auth/prelogin") => {
            with(json_body(json!({ "email": "alice@victim.fr" })), json)
        }
        ("POST", "/api/auth/login") | ("POST", "/api/auth/passkey") => with(
            json_body(json!({ "email": "alice@victim.fr", "auth_key": b64(&[5; 32]) })),
            json,
        ),
        ("POST", "/api/me/passkeys") => with(
            json_body(json!({ "ceremony": new_id(), "name": "walker", "credential": {} })),
            json,
        ),
        ("POST", "/api/auth/join") => with(
            json_body(join_body(
                "alice@victim.fr",
                "0123456789ABCDEFGHJK",
                &b64(&[5; 32]),
            )),
            json,
        ),
        ("POST", "/api/envelopes") => {
            let mut requests = with(
                json_body(json!({ "id": world.stored, "to": ["alice@victim.fr"], "size": 3 })),
                json,
            );
            requests.extend(with(
                json_body(json!({ "id": new_id(), "to": ["alice@victim.fr"], "size": 3 })),
                json,
            ));
            requests
        }
        ("POST", "/api/envelopes/{id}/links") => with(
            json_body(json!({
                "id": new_id(),
                "email": "officier@police.example",
                "server_half": b64(&[1; 32]),
                "receipt_key": b64(ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key().as_bytes()),
                "fragment": format!("{}.{}", b64(&[2; 32]), b64(&[4; 32])),
            })),
            json,
        ),
        ("POST", "/api/links/{link_id}/code") => with(json_body(json!({ "code": "000000" })), json),
        ("POST", "/api/links/{link_id}/receipt") => with(
            json_body(json!({
                "manifest_sha256": "ab".repeat(32),
                "opened_at": 1,
                "signature": b64(&[7; 64]),
            })),
            json,
        ),
        ("PUT", "/api/envelopes/{id}/content")
        | ("PUT", "/api/requests/{id}/envelopes/{envelope_id}") => {
            with(Some(vec![0; 6]), "application/octet-stream")
        }
        ("POST", "/api/requests") => with(
            json_body(json!({
                "id": new_id(),
                "email": "avocat@cabinet.example",
                "mailbox": "vbox",
                "recipients": [age::x25519::Identity::generate().to_public().to_string()],
                "expires_at": pli_server::auth::now() + 86_400,
                "signature": b64(&[7; 64]),
                "fragment": b64(&[4; 32]),
            })),
            json,
        ),
        ("POST", "/api/audit/log/cosignature") => with(
            json_body(json!({ "witness_key": "not a key", "note": "not a note" })),
            json,
        ),
        ("POST", "/api/envelopes/{id}/receipt") => with(
            json_body(json!({
                "manifest_hash": b64(&[1; 32]),
                "opened_at": 1,
                "signature": b64(&[7; 64]),
            })),
            json,
        ),
        ("POST", "/api/admin/invitations") => with(
            json_body(
                json!({ "email": "new@victim.fr", "org": "Victim", "role": "admin", "mailboxes": ["vbox"] }),
            ),
            json,
        ),
        ("POST", "/api/admin/mailboxes") => with(
            json_body(json!({ "name": "newbox", "org": "Victim" })),
            json,
        ),
        ("POST", "/api/admin/mailboxes/{name}/members") => {
            with(json_body(json!({ "email": "stranger@other.fr" })), json)
        }
        ("POST", "/api/mailboxes/{name}/keys") => with(
            json_body(json!({
                "generation": 1,
                "recipient": age::x25519::Identity::generate().to_public().to_string(),
                "signature": b64(&[7; 64]),
                "wraps": [{ "generation": 1, "email": "bob@victim.fr", "wrapped": b64(b"age-encryption.org/v1\n") }],
            })),
            json,
        ),
        ("POST", "/api/mailboxes/{name}/keys/wraps") => with(
            json_body(json!({
                "wraps": [{ "generation": 1, "email": "bob@victim.fr", "wrapped": b64(b"age-encryption.org/v1\n") }],
            })),
            json,
        ),
        ("PUT", "/api/policy") => with(
            json_body(json!({
                "version": 1,
                "text": "version = 1\n[default]\nexternal = \"allow\"\n",
                "signature": b64(&[7; 64]),
            })),
            json,
        ),
        ("POST", "/api/policy/refusals") => with(
            json_body(json!({
                "policy_version": 1,
                "decision": "block",
                "kinds": { "nir": 1 },
                "not_inspectable": 0,
                "justified": false,
            })),
            json,
        ),
        ("GET", "/api/audit/log/inclusion") => {
            vec![(format!("{path}?index=0&size=2"), None, json)]
        }
        ("GET", "/api/audit/log/consistency") | ("GET", "/api/keys/consistency") => {
            vec![(format!("{path}?from=1&to=2"), None, json)]
        }
        ("GET", "/api/keys/proof") | ("GET", "/api/policy/proof") => (0..2)
            .map(|index| (format!("{path}?index={index}&size=2"), None, json))
            .collect(),
        ("GET", "/api/audit/report") => vec![(format!("{path}?since=0"), None, json)],
        ("GET", "/api/envelopes/{id}/receipts/proof") => uris
            .iter()
            .flat_map(|uri| {
                (0..2).map(move |index| (format!("{uri}?index={index}&size=2"), None, json))
            })
            .collect(),
        ("GET", "/api/inbox") => {
            let mut requests = with(None, json);
            requests.push(("/api/inbox?mailbox=vbox".into(), None, json));
            requests
        }
        ("POST", "/api/me/totp/confirm")
        | ("POST", "/api/me/totp/disable")
        | ("POST", "/api/me/step-up")
        | ("POST", "/api/me/passkeys/options")
        | ("POST", "/api/me/passkeys/{id}/remove") => {
            with(json_body(json!({ "code": "ABCDEF" })), json)
        }
        ("POST", "/api/admin/canaries") => with(json_body(json!({ "mailbox": "vbox" })), json),
        ("POST", "/api/admin/unblock") => with(
            json_body(json!({ "email": "bob@victim.fr", "reason": "walker" })),
            json,
        ),
        ("PUT", "/api/admin/policy") => with(json_body(json!({ "require_totp": false })), json),
        ("POST", "/api/admin/grants") => with(
            json_body(json!({
                "email": "stranger@other.fr",
                "mailbox": "vbox",
                "scope": "read",
                "until": "2999-01-01T00:00:00Z",
            })),
            json,
        ),
        _ => with(None, json),
    }
}

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
    content_type: &str,
) -> Answer {
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body)),
        None => builder.body(Body::empty()),
    };
    app.raw(request.unwrap()).await
}

/// Nothing of the victim organisation's in a listing or an audit page.
fn assert_nothing_of_victims(world: &World, answer: &Answer, what: &str) {
    let text = String::from_utf8_lossy(&answer.bytes);
    for secret in [
        world.stored.as_str(),
        world.pending.as_str(),
        "alice@victim.fr",
        "bob@victim.fr",
        "vbox",
    ] {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

#[tokio::test]
async fn anonymous_clients_get_nothing() {
    let world = world().await;
    for (method, path) in documented() {
        for (uri, body, content_type) in requests(&world, &method, &path) {
            let answer = send(&world.app, &method, &uri, None, body, content_type).await;
            let what = format!("anonymous {method} {uri}");
            match (method.as_str(), path.as_str()) {
                ("GET", "/api/health") | ("GET", "/api/openapi.json") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                }
                ("GET", "/api/audit/log/checkpoint") | ("GET", "/api/audit/log/key") => {
                    // Public by design: a size, a root hash and a key, nothing of any event.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/auth/prelogin") => {
                    // Salt and cost only, the same shape as for an unknown email.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    let keys: Vec<&String> = answer.body.as_object().unwrap().keys().collect();
                    assert_eq!(keys, ["kdf", "salt"], "{what}");
                }
                ("POST", "/api/auth/login") | ("POST", "/api/auth/passkey") => {
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
                    assert_eq!(answer.error(), "invalid_credentials", "{what}");
                }
                ("POST", "/api/auth/join") => {
                    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(answer.error(), "invalid_invitation", "{what}");
                }
                ("GET", "/api/links/{link_id}") => {
                    // What the link's holder sees before the code: no key half, no token.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert!(answer.body.get("server_half").is_none(), "{what}");
                    assert_eq!(answer.body["state"], "active", "{what}");
                }
                ("POST", "/api/links/{link_id}/code") => {
                    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(answer.error(), "invalid_code", "{what}");
                }
                ("GET", "/api/links/{link_id}/content")
                | ("POST", "/api/links/{link_id}/receipt") => {
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
                    assert_eq!(answer.error(), "invalid_token", "{what}");
                }
                ("GET", "/api/requests/{id}") => {
                    // The statement is for the link's holder; it says the request ended.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body["state"], "withdrawn", "{what}");
                }
                ("GET", "/api/requests/{id}/envelopes/{envelope_id}/offset") => {
                    // Nothing was uploaded through the request under that envelope id.
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(answer.error(), "upload_not_found", "{what}");
                }
                ("PUT", "/api/requests/{id}/envelopes/{envelope_id}") => {
                    // Without Content-Length, or through a withdrawn request: nothing lands.
                    assert!(
                        answer.status == StatusCode::LENGTH_REQUIRED
                            || answer.status == StatusCode::GONE,
                        "{what}: {}",
                        answer.status
                    );
                }
                ("POST", "/api/auth/logout")
                | ("POST", "/api/requests")
                | ("GET", "/api/requests")
                | ("DELETE", "/api/requests/{id}")
                | ("POST", "/api/envelopes/{id}/links")
                | ("GET", "/api/envelopes/{id}/links")
                | ("DELETE", "/api/links/{link_id}")
                | ("GET", "/api/me")
                | ("GET", "/api/directory/{address}")
                | ("POST", "/api/envelopes")
                | ("GET", "/api/envelopes/{id}")
                | ("DELETE", "/api/envelopes/{id}")
                | ("PUT", "/api/envelopes/{id}/content")
                | ("GET", "/api/envelopes/{id}/content")
                | ("GET", "/api/envelopes/{id}/content/offset")
                | ("POST", "/api/envelopes/{id}/receipt")
                | ("GET", "/api/envelopes/{id}/receipts")
                | ("GET", "/api/envelopes/{id}/receipts/proof")
                | ("POST", "/api/audit/log/cosignature")
                | ("GET", "/api/inbox")
                | ("GET", "/api/outbox")
                | ("GET", "/api/audit")
                | ("GET", "/api/audit/log/inclusion")
                | ("GET", "/api/audit/log/consistency")
                | ("GET", "/api/audit/log/entries")
                | ("POST", "/api/admin/invitations")
                | ("POST", "/api/admin/mailboxes")
                | ("GET", "/api/admin/mailboxes/{name}")
                | ("POST", "/api/admin/mailboxes/{name}/members")
                | ("DELETE", "/api/admin/mailboxes/{name}/members/{email}")
                | ("GET", "/api/mailboxes/{name}/keys")
                | ("POST", "/api/mailboxes/{name}/keys")
                | ("POST", "/api/mailboxes/{name}/keys/wraps")
                | ("GET", "/api/policy")
                | ("PUT", "/api/policy")
                | ("POST", "/api/policy/refusals")
                | ("GET", "/api/policy/proof")
                | ("POST", "/api/me/totp")
                | ("POST", "/api/me/totp/confirm")
                | ("POST", "/api/me/totp/disable")
                | ("POST", "/api/me/step-up")
                | ("GET", "/api/me/passkeys")
                | ("POST", "/api/me/passkeys")
                | ("POST", "/api/me/passkeys/challenge")
                | ("POST", "/api/me/passkeys/options")
                | ("POST", "/api/me/passkeys/{id}/remove")
                | ("POST", "/api/admin/canaries")
                | ("GET", "/api/admin/canaries")
                | ("GET", "/api/admin/alerts")
                | ("POST", "/api/admin/unblock")
                | ("PUT", "/api/admin/policy")
                | ("POST", "/api/admin/grants")
                | ("GET", "/api/admin/grants")
                | ("DELETE", "/api/admin/grants/{name}/{email}")
                | ("GET", "/api/keys/proof")
                | ("GET", "/api/keys/consistency")
                | ("GET", "/api/audit/report") => {
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
                    assert_eq!(answer.error(), "unauthenticated", "{what}");
                }
                _ => panic!("the walker has no rule for {method} {path}: add one"),
            }
        }
    }
    assert_unchanged(&world).await;
}

#[tokio::test]
async fn an_authenticated_stranger_gets_nothing() {
    let world = world().await;
    let stranger = &world.stranger;
    let envelope_404 = send(
        &world.app,
        "GET",
        &format!("/api/envelopes/{}", new_id()),
        Some(&stranger.token),
        None,
        "",
    )
    .await;
    let mailbox_404 = send(
        &world.app,
        "GET",
        "/api/admin/mailboxes/nosuchbox",
        Some(&stranger.token),
        None,
        "",
    )
    .await;
    for (method, path) in documented() {
        for (uri, body, content_type) in requests(&world, &method, &path) {
            let mut token = stranger.token.clone();
            if path == "/api/auth/logout" {
                // Ending a throwaway session keeps the stranger's own for the other routes.
                let login = world.app.login(stranger).await;
                token = login.body["token"].as_str().unwrap().to_owned();
            }
            let answer = send(
                &world.app,
                &method,
                &uri,
                Some(&token),
                body.clone(),
                content_type,
            )
            .await;
            let what = format!("stranger {method} {uri}");
            match (method.as_str(), path.as_str()) {
                ("GET", "/api/health") | ("GET", "/api/openapi.json") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                }
                ("POST", "/api/auth/prelogin") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                }
                ("POST", "/api/auth/login") | ("POST", "/api/auth/passkey") => {
                    assert_eq!(answer.error(), "invalid_credentials", "{what}");
                }
                ("GET", "/api/me/passkeys") => {
                    // Its own passkeys: none.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body["items"], json!([]), "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/me/passkeys/challenge") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(answer.error(), "no_passkey", "{what}");
                }
                ("POST", "/api/me/passkeys/options") => {
                    // The stranger has a second factor; a wrong code adds nothing.
                    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
                    assert_eq!(answer.error(), "invalid_code", "{what}");
                }
                ("POST", "/api/me/passkeys") => {
                    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
                }
                ("POST", "/api/me/passkeys/{id}/remove") => {
                    // Alice's passkey is no passkey of the stranger's.
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/auth/join") => {
                    assert_eq!(answer.error(), "invalid_invitation", "{what}");
                }
                ("POST", "/api/auth/logout") => {
                    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{what}");
                }
                ("GET", "/api/me") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body["email"], "stranger@other.fr", "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("GET", "/api/directory/{address}") => {
                    // Public keys are public to every account on the server, by design.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert!(answer.body.get("keys").is_some(), "{what}");
                }
                ("POST", "/api/envelopes") => {
                    // Sending to anyone is allowed; a taken id answers 409 (documented: the
                    // caller chose that 128-bit id itself).
                    let taken = String::from_utf8_lossy(body.as_deref().unwrap_or_default())
                        .contains(world.stored.as_str());
                    if taken {
                        assert_eq!(answer.status, StatusCode::CONFLICT, "{what}");
                    } else {
                        assert_eq!(answer.status, StatusCode::CREATED, "{what}");
                    }
                }
                ("GET", "/api/links/{link_id}") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert!(answer.body.get("server_half").is_none(), "{what}");
                }
                ("POST", "/api/links/{link_id}/code") => {
                    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(answer.error(), "invalid_code", "{what}");
                }
                ("GET", "/api/links/{link_id}/content")
                | ("POST", "/api/links/{link_id}/receipt") => {
                    // A session is no download token.
                    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
                    assert_eq!(answer.error(), "invalid_token", "{what}");
                }
                ("DELETE", "/api/links/{link_id}") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(answer.error(), "link_not_found", "{what}");
                }
                ("GET", "/api/requests/{id}") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body["state"], "withdrawn", "{what}");
                }
                ("GET", "/api/requests/{id}/envelopes/{envelope_id}/offset") => {
                    // Nothing was uploaded through the request under that envelope id.
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(answer.error(), "upload_not_found", "{what}");
                }
                ("PUT", "/api/requests/{id}/envelopes/{envelope_id}") => {
                    assert!(
                        answer.status == StatusCode::LENGTH_REQUIRED
                            || answer.status == StatusCode::GONE,
                        "{what}: {}",
                        answer.status
                    );
                }
                ("DELETE", "/api/requests/{id}") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(answer.error(), "request_not_found", "{what}");
                }
                ("POST", "/api/requests") => {
                    // Nobody asks on behalf of a mailbox they do not read.
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(
                        answer.without_request_id(),
                        mailbox_404.without_request_id(),
                        "{what}"
                    );
                }
                ("GET", "/api/requests") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body["items"], json!([]), "{what}");
                }
                ("GET", "/api/envelopes/{id}")
                | ("POST", "/api/envelopes/{id}/links")
                | ("GET", "/api/envelopes/{id}/links")
                | ("DELETE", "/api/envelopes/{id}")
                | ("PUT", "/api/envelopes/{id}/content")
                | ("GET", "/api/envelopes/{id}/content")
                | ("GET", "/api/envelopes/{id}/content/offset")
                | ("POST", "/api/envelopes/{id}/receipt")
                | ("GET", "/api/envelopes/{id}/receipts")
                | ("GET", "/api/envelopes/{id}/receipts/proof") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(
                        answer.without_request_id(),
                        envelope_404.without_request_id(),
                        "{what}"
                    );
                }
                ("GET", "/api/inbox") if uri.contains("mailbox=") => {
                    let missing = send(
                        &world.app,
                        "GET",
                        "/api/inbox?mailbox=nosuchbox",
                        Some(&token),
                        None,
                        "",
                    )
                    .await;
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(
                        answer.without_request_id(),
                        missing.without_request_id(),
                        "{what}"
                    );
                }
                ("GET", "/api/inbox") | ("GET", "/api/outbox") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("GET", "/api/audit") => {
                    // The stranger's own organisation's trail: its own attempts, nobody else's.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    for row in answer.body["items"].as_array().unwrap() {
                        assert!(
                            row["actor"].is_null() || row["actor"] == "stranger@other.fr",
                            "{what}: {row}"
                        );
                    }
                }
                ("GET", "/api/audit/log/checkpoint") | ("GET", "/api/audit/log/key") => {
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("GET", "/api/keys/consistency") => {
                    // Hashes only, for any account checking keys.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert!(answer.body["hashes"].is_array(), "{what}");
                }
                ("GET", "/api/keys/proof") => {
                    // Only published keys, which the directory shows anyway.
                    if answer.status == StatusCode::OK {
                        let bytes = base64::Engine::decode(
                            &base64::engine::general_purpose::STANDARD,
                            answer.body["entry"].as_str().unwrap(),
                        )
                        .unwrap();
                        let (_, record) = pli_audit::Record::decode(&bytes).unwrap();
                        assert!(matches!(record, pli_audit::Record::Key(_)), "{what}");
                    } else {
                        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    }
                }
                ("GET", "/api/audit/report") => {
                    // The stranger's own organisation's events only.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    for row in answer.body["items"].as_array().unwrap() {
                        assert!(
                            row["actor"].is_null() || row["actor"] == "stranger@other.fr",
                            "{what}: {row}"
                        );
                    }
                }
                ("GET", "/api/audit/log/inclusion") | ("GET", "/api/audit/log/consistency") => {
                    // Hashes only; the stranger is an admin, so it may check the log.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert!(answer.body["hashes"].is_array(), "{what}");
                }
                ("GET", "/api/audit/log/entries") => {
                    // The victims' entries are there, but as header and leaf hash only.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    let items = answer.body["items"].as_array().unwrap();
                    assert!(
                        items.iter().any(|item| item["leaf_hash"].is_string()),
                        "{what}"
                    );
                    for item in items {
                        let Some(entry) = item["entry"].as_str() else {
                            continue;
                        };
                        let bytes = base64::Engine::decode(
                            &base64::engine::general_purpose::STANDARD,
                            entry,
                        )
                        .unwrap();
                        // Whole entries are the stranger's organisation's own attempts, and
                        // its own role.
                        match pli_audit::Record::decode(&bytes).unwrap().1 {
                            pli_audit::Record::Event(event) => {
                                let actor = event.actor_email.as_deref();
                                assert!(
                                    actor.is_none() || actor == Some("stranger@other.fr"),
                                    "{what}: {actor:?}"
                                );
                            }
                            pli_audit::Record::Role(role) => {
                                assert_eq!(role.email, "stranger@other.fr", "{what}");
                            }
                            record => panic!("{what}: {record:?}"),
                        }
                    }
                }
                ("GET", "/api/policy/proof") => {
                    // Its own organisation's policies only (a victim's would name its signer);
                    // tests/it/policy.rs proves it with a victim's logged policy.
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("GET", "/api/policy") => {
                    // The stranger's own organisation's policy (none), nothing of the victims'.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_eq!(answer.body, json!({ "policy": null }), "{what}");
                }
                ("POST", "/api/audit/log/cosignature") => {
                    // A malformed witness key; a valid one adds a line clients may ignore.
                    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/policy/refusals") => {
                    // Recorded in the caller's own organisation's trail; nothing comes back.
                    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("PUT", "/api/policy") => {
                    // Only ever the caller's own organisation, and only with its own signature.
                    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/admin/invitations") | ("POST", "/api/admin/mailboxes") => {
                    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(answer.error(), "forbidden", "{what}");
                }
                ("GET", "/api/admin/mailboxes/{name}")
                | ("POST", "/api/admin/mailboxes/{name}/members")
                | ("DELETE", "/api/admin/mailboxes/{name}/members/{email}")
                | ("GET", "/api/mailboxes/{name}/keys")
                | ("POST", "/api/mailboxes/{name}/keys")
                | ("POST", "/api/mailboxes/{name}/keys/wraps")
                | ("POST", "/api/admin/grants")
                | ("POST", "/api/admin/canaries")
                | ("DELETE", "/api/admin/grants/{name}/{email}") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_eq!(
                        answer.without_request_id(),
                        mailbox_404.without_request_id(),
                        "{what}"
                    );
                }
                ("POST", "/api/me/totp") => {
                    // The stranger (an admin) has its second factor: a new one must wait.
                    assert_eq!(answer.status, StatusCode::CONFLICT, "{what}");
                }
                ("POST", "/api/me/totp/confirm") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                }
                ("POST", "/api/me/totp/disable") | ("POST", "/api/me/step-up") => {
                    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{what}");
                    assert_eq!(answer.error(), "invalid_code", "{what}");
                }
                ("GET", "/api/admin/alerts")
                | ("GET", "/api/admin/grants")
                | ("GET", "/api/admin/canaries") => {
                    // The stranger's own organisation's, nothing of the victims'.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("POST", "/api/admin/unblock") => {
                    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{what}");
                    assert_nothing_of_victims(&world, &answer, &what);
                }
                ("PUT", "/api/admin/policy") => {
                    // Its own organisation's policy.
                    assert_eq!(answer.status, StatusCode::OK, "{what}");
                }
                _ => panic!("the walker has no rule for {method} {path}: add one"),
            }
        }
    }
    assert_unchanged(&world).await;
}

/// The victims' data is as it was.
async fn assert_unchanged(world: &World) {
    let app = &world.app;
    assert_eq!(
        app.inbox_ids(&world.bob, "").await,
        vec![world.stored.clone()]
    );
    assert_eq!(
        app.inbox_ids(&world.bob, "?mailbox=vbox").await,
        vec![world.stored.clone()]
    );
    let content = app
        .get(
            &format!("/api/envelopes/{}/content", world.stored),
            &world.bob,
        )
        .await;
    assert_eq!(content.bytes, b"secret");
    let upload = app
        .upload(&world.pending, &world.alice, b"second".to_vec())
        .await;
    assert_eq!(
        upload.status,
        StatusCode::OK,
        "the pending envelope is still the sender's to fill"
    );
    let link = app
        .state
        .store()
        .link(pli_store::Id::parse(&world.link).unwrap())
        .await
        .unwrap();
    assert_eq!(link.state, pli_store::LinkState::Active);
    assert_eq!(link.server_half, Some([7; 32]), "the link keeps its S");
    assert_eq!(link.downloads, 0);
    let request = app
        .state
        .store()
        .upload_request(pli_store::Id::parse(&world.request).unwrap())
        .await
        .unwrap();
    assert_eq!(request.state, pli_store::RequestState::Withdrawn);
    assert_eq!((request.uploads, request.envelopes.len()), (0, 0));
    assert!(link.code_failures <= 2, "one wrong code per walk at most");
    let me = app.get("/api/me", &world.bob).await;
    assert_eq!(me.body["mailboxes"], json!(["vbox"]));
    let keyring = app.get("/api/mailboxes/vbox/keys", &world.bob).await;
    assert_eq!(keyring.status, StatusCode::OK);
    assert_eq!(
        keyring.body["generations"],
        json!([]),
        "no key was published"
    );
    let passkeys = app.get("/api/me/passkeys", &world.alice).await;
    assert_eq!(
        passkeys.body["items"][0]["id"],
        world.passkey.as_str(),
        "alice keeps her passkey"
    );
}
