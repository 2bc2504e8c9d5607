//! Passkeys (WebAuthn) as a second factor, with a software authenticator that signs as a
//! platform authenticator does (P-256, "none" attestation, user verified).

use crate::helpers::{Answer, TestApp, User, b64};
use axum::http::{Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use pli_proto::Role;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const ORIGIN: &str = "http://localhost";

/// One authenticator holding one credential.
struct Authenticator {
    key: SigningKey,
    credential_id: Vec<u8>,
    counter: u32,
    /// The relying party the credential was made for.
    rp_id: String,
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// CBOR head of major type `major` with argument `n` (RFC 8949 section 3).
fn cbor_head(major: u8, n: usize, out: &mut Vec<u8>) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=255 => out.extend([major | 24, n as u8]),
        _ => {
            out.push(major | 25);
            out.extend((n as u16).to_be_bytes());
        }
    }
}

fn cbor_text(text: &str, out: &mut Vec<u8>) {
    cbor_head(3, text.len(), out);
    out.extend(text.as_bytes());
}

fn cbor_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, bytes.len(), out);
    out.extend(bytes);
}

fn client_data(kind: &str, challenge: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": false,
    }))
    .unwrap()
}

impl Authenticator {
    /// Answers `navigator.credentials.create` options with a new credential.
    fn create(options: &Value) -> (Authenticator, Value) {
        let options = &options["publicKey"];
        let rp_id = options["rp"]["id"].as_str().unwrap().to_owned();
        let challenge = options["challenge"].as_str().unwrap();
        assert_eq!(
            options["authenticatorSelection"]["userVerification"],
            "required"
        );
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let credential_id = crate::helpers::random::<32>().to_vec();
        let point = key.verifying_key().to_encoded_point(false);
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cbor_bytes(point.x().unwrap(), &mut cose);
        cose.push(0x22);
        cbor_bytes(point.y().unwrap(), &mut cose);

        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        // User present, user verified, attested credential data.
        auth_data.push(0x45);
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]);
        auth_data.extend((credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&credential_id);
        auth_data.extend(&cose);
        let mut attestation = vec![0xa3];
        cbor_text("fmt", &mut attestation);
        cbor_text("none", &mut attestation);
        cbor_text("attStmt", &mut attestation);
        attestation.push(0xa0);
        cbor_text("authData", &mut attestation);
        cbor_bytes(&auth_data, &mut attestation);

        let credential = json!({
            "id": b64(&credential_id),
            "rawId": b64(&credential_id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&client_data("webauthn.create", challenge)),
            },
            "extensions": {},
        });
        let authenticator = Authenticator {
            key,
            credential_id,
            counter: 0,
            rp_id,
        };
        (authenticator, credential)
    }

    /// Answers `navigator.credentials.get` options, if they allow this credential.
    fn get(&mut self, options: &Value) -> Value {
        let options = &options["publicKey"];
        assert_eq!(options["rpId"], self.rp_id.as_str());
        let allowed: Vec<Vec<u8>> = options["allowCredentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| unb64(entry["id"].as_str().unwrap()))
            .collect();
        assert!(allowed.contains(&self.credential_id), "{options}");
        self.sign(options["challenge"].as_str().unwrap())
    }

    fn sign(&mut self, challenge: &str) -> Value {
        self.counter += 1;
        let client_data = client_data("webauthn.get", challenge);
        let mut auth_data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        auth_data.push(0x05);
        auth_data.extend(self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
            },
            "extensions": {},
        })
    }
}

/// The body part that carries a passkey's answer to the challenge of `ceremony`.
fn passkey_answer(ceremony: &Value, credential: &Value) -> Value {
    json!({ "passkey": { "ceremony": ceremony, "credential": credential } })
}

async fn login(app: &TestApp, user: &User, extra: Value) -> Answer {
    let mut body = json!({ "email": user.email, "auth_key": user.auth_key });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    app.call(Method::POST, "/api/auth/login", None, Some(body))
        .await
}

async fn login_challenge(app: &TestApp, user: &User) -> Answer {
    let answer = app
        .call(
            Method::POST,
            "/api/auth/passkey",
            None,
            Some(json!({ "email": user.email, "auth_key": user.auth_key })),
        )
        .await;
    assert!(
        answer.status == StatusCode::OK || answer.error() == "no_passkey",
        "{:?}",
        answer.body
    );
    answer
}

/// Registers a passkey for `user`, with `proof` for an account that has a second factor.
async fn register(app: &TestApp, user: &User, proof: Value, name: &str) -> Authenticator {
    let options = app.post("/api/me/passkeys/options", user, proof).await;
    assert_eq!(options.status, StatusCode::CREATED, "{:?}", options.body);
    let (authenticator, credential) = Authenticator::create(&options.body["options"]);
    let added = app
        .post(
            "/api/me/passkeys",
            user,
            json!({ "ceremony": options.body["ceremony"], "name": name, "credential": credential }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(added.body["name"], name);
    authenticator
}

#[tokio::test]
async fn a_passkey_is_a_second_factor_at_login() {
    let app = TestApp::fast().await;
    let alice = app
        .user_without_second_factor("alice@chu.fr", "CHU", Role::Agent)
        .await;
    let none = login_challenge(&app, &alice).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert_eq!(none.error(), "no_passkey");

    let mut key = register(&app, &alice, json!({}), "clé bleue").await;
    let listed = app.get("/api/me/passkeys", &alice).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert!(listed.body["items"][0].get("last_used_at").is_none());

    // The password alone no longer opens a session, and says a passkey is needed.
    let alone = login(&app, &alice, json!({})).await;
    assert_eq!(alone.status, StatusCode::UNAUTHORIZED);
    assert_eq!(alone.error(), "second_factor_needed");
    assert!(alone.body["message"].as_str().unwrap().contains("passkey"));
    let code = login(&app, &alice, json!({ "totp": "123456" })).await;
    assert_eq!(code.error(), "second_factor_needed");

    // A wrong password gets no challenge, exactly like an unknown account.
    let wrong = app
        .call(
            Method::POST,
            "/api/auth/passkey",
            None,
            Some(json!({ "email": alice.email, "auth_key": b64(&[7; 32]) })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.error(), "invalid_credentials");
    let unknown = app
        .call(
            Method::POST,
            "/api/auth/passkey",
            None,
            Some(json!({ "email": "nobody@chu.fr", "auth_key": b64(&[7; 32]) })),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body["message"], wrong.body["message"]);

    let challenge = login_challenge(&app, &alice).await;
    assert_eq!(challenge.status, StatusCode::OK, "{:?}", challenge.body);
    let answer = key.get(&challenge.body["options"]);
    let ceremony = challenge.body["ceremony"].clone();
    let session = login(&app, &alice, passkey_answer(&ceremony, &answer)).await;
    assert_eq!(session.status, StatusCode::OK, "{:?}", session.body);
    assert!(session.body["token"].is_string());
    let listed = app.get("/api/me/passkeys", &alice).await;
    assert!(listed.body["items"][0]["last_used_at"].is_string());

    // A challenge is answered once.
    let replayed = login(&app, &alice, passkey_answer(&ceremony, &answer)).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(replayed.error(), "invalid_credentials");
}

/// Logins are limited per email (a passkey login is two requests): the refusals below get an
/// account of their own.
#[tokio::test]
async fn crossed_forged_cloned_and_malformed_answers_are_refused() {
    let app = TestApp::fast().await;
    let alice = app
        .user_without_second_factor("alice@chu.fr", "CHU", Role::Agent)
        .await;
    let mut key = register(&app, &alice, json!({}), "clé").await;

    // An answer to another challenge, or signed by another key, is refused.
    let first = login_challenge(&app, &alice).await;
    let second = login_challenge(&app, &alice).await;
    let crossed = key.get(&second.body["options"]);
    let refused = login(
        &app,
        &alice,
        passkey_answer(&first.body["ceremony"], &crossed),
    )
    .await;
    assert_eq!(refused.error(), "invalid_credentials");
    let (mut stranger, _) = Authenticator::create(&json!({ "publicKey": {
        "rp": { "id": "localhost" }, "challenge": "AAAA",
        "authenticatorSelection": { "userVerification": "required" } } }));
    stranger.credential_id = key.credential_id.clone();
    let third = login_challenge(&app, &alice).await;
    let forged = stranger.get(&third.body["options"]);
    let refused = login(
        &app,
        &alice,
        passkey_answer(&third.body["ceremony"], &forged),
    )
    .await;
    assert_eq!(refused.error(), "invalid_credentials");

    // A cloned authenticator (its counter goes back) is refused: once a login moved the
    // stored counter on, a copy that signs with an older count gives itself away.
    let moving = login_challenge(&app, &alice).await;
    key.counter = 9;
    let answer = key.get(&moving.body["options"]);
    let moved = login(
        &app,
        &alice,
        passkey_answer(&moving.body["ceremony"], &answer),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let fourth = login_challenge(&app, &alice).await;
    key.counter = 5;
    let cloned = key.get(&fourth.body["options"]);
    let refused = login(
        &app,
        &alice,
        passkey_answer(&fourth.body["ceremony"], &cloned),
    )
    .await;
    assert_eq!(refused.error(), "invalid_credentials");
    key.counter = 100;
    let fifth = login_challenge(&app, &alice).await;
    let answer = key.get(&fifth.body["options"]);
    let again = login(
        &app,
        &alice,
        passkey_answer(&fifth.body["ceremony"], &answer),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);

    // Malformed answers are named, and the account still logs in afterwards.
    let bob = app
        .user_without_second_factor("bob@chu.fr", "CHU", Role::Agent)
        .await;
    let mut key = register(&app, &bob, json!({}), "clé").await;
    let alice = bob;
    let fifth = login_challenge(&app, &alice).await;
    for (ceremony, credential) in [
        (json!("not an id"), json!({})),
        (fifth.body["ceremony"].clone(), json!({ "id": 3 })),
        (fifth.body["ceremony"].clone(), json!("text")),
    ] {
        let bad = login(&app, &alice, passkey_answer(&ceremony, &credential)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{:?}", bad.body);
        assert!(bad.body["message"].as_str().unwrap().contains("passkey"));
    }
    let sixth = login_challenge(&app, &alice).await;
    let answer = key.get(&sixth.body["options"]);
    let again = login(
        &app,
        &alice,
        passkey_answer(&sixth.body["ceremony"], &answer),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
}

#[tokio::test]
async fn adding_and_removing_passkeys_needs_the_second_factor() {
    let app = TestApp::fast().await;
    let bob = app
        .user_without_second_factor("bob@chu.fr", "CHU", Role::Agent)
        .await;
    app.enrol(&bob).await;

    // A stolen session alone cannot plant a passkey.
    let bare = app.post("/api/me/passkeys/options", &bob, json!({})).await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    assert_eq!(bare.error(), "second_factor_proof_needed");
    let wrong = app
        .post(
            "/api/me/passkeys/options",
            &bob,
            json!({ "code": "000000" }),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error(), "invalid_code");
    let code = app.next_code("bob@chu.fr");
    let mut first = register(&app, &bob, json!({ "code": code }), "téléphone").await;

    // With a passkey, the passkey proves itself to add another.
    let proof = app
        .post("/api/me/passkeys/challenge", &bob, json!({}))
        .await;
    assert_eq!(proof.status, StatusCode::OK, "{:?}", proof.body);
    let answer = first.get(&proof.body["options"]);
    let second = register(
        &app,
        &bob,
        passkey_answer(&proof.body["ceremony"], &answer),
        "clé USB",
    )
    .await;
    assert_ne!(second.credential_id, first.credential_id);

    // The same authenticator twice is refused; so is an answer to a used ceremony.
    let code = app.next_code("bob@chu.fr");
    let options = app
        .post("/api/me/passkeys/options", &bob, json!({ "code": code }))
        .await;
    assert_eq!(
        options.body["options"]["publicKey"]["excludeCredentials"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, credential) = Authenticator::create(&options.body["options"]);
    let body =
        json!({ "ceremony": options.body["ceremony"], "name": "x", "credential": credential });
    assert_eq!(
        app.post("/api/me/passkeys", &bob, body.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    let used = app.post("/api/me/passkeys", &bob, body).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);

    // Bad names and bad answers.
    let code = app.next_code("bob@chu.fr");
    let options = app
        .post("/api/me/passkeys/options", &bob, json!({ "code": code }))
        .await;
    let (_, credential) = Authenticator::create(&options.body["options"]);
    for (name, credential) in [
        ("", credential.clone()),
        ("a\nb", credential.clone()),
        (&*"é".repeat(65), credential.clone()),
        ("ok", json!({ "id": "x" })),
    ] {
        let refused = app
            .post(
                "/api/me/passkeys",
                &bob,
                json!({ "ceremony": options.body["ceremony"], "name": name, "credential": credential }),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{:?}",
            refused.body
        );
    }
    let mut tampered = credential.clone();
    tampered["response"]["clientDataJSON"] =
        json!(b64(&client_data("webauthn.create", "c29tZXRoaW5nIGVsc2U")));
    let refused = app
        .post(
            "/api/me/passkeys",
            &bob,
            json!({ "ceremony": options.body["ceremony"], "name": "ok", "credential": tampered }),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.error(), "invalid_passkey");

    // Removal: only with proof, only one's own.
    let listed = app.get("/api/me/passkeys", &bob).await;
    let items = listed.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    let target = items
        .iter()
        .find(|item| item["name"] == "téléphone")
        .unwrap()["id"]
        .as_str()
        .unwrap();
    let uri = format!("/api/me/passkeys/{target}/remove");
    let bare = app.post(&uri, &bob, json!({})).await;
    assert_eq!(bare.error(), "second_factor_proof_needed");
    let carol = app
        .user_without_second_factor("carol@chu.fr", "CHU", Role::Agent)
        .await;
    let foreign = app.post(&uri, &carol, json!({})).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let malformed = app
        .post("/api/me/passkeys/zz/remove", &bob, json!({}))
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let proof = app
        .post("/api/me/passkeys/challenge", &bob, json!({}))
        .await;
    let answer = first.get(&proof.body["options"]);
    let removed = app
        .post(&uri, &bob, passkey_answer(&proof.body["ceremony"], &answer))
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{:?}", removed.body);
    assert_eq!(
        app.get("/api/me/passkeys", &bob).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The removed passkey opens nothing any more.
    let challenge = login_challenge(&app, &bob).await;
    let answer = first.sign(
        challenge.body["options"]["publicKey"]["challenge"]
            .as_str()
            .unwrap(),
    );
    let refused = login(
        &app,
        &bob,
        passkey_answer(&challenge.body["ceremony"], &answer),
    )
    .await;
    assert_eq!(refused.error(), "invalid_credentials", "{:?}", refused.body);

    app.state.flush_audit().await;
    let actions: Vec<String> = app
        .state
        .store()
        .audit_events(None, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|record| record.event.action.starts_with("passkey."))
        .map(|record| format!("{} {:?}", record.event.action, record.event.outcome))
        .collect();
    assert!(
        actions.contains(&"passkey.add Allowed".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"passkey.add Denied".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"passkey.remove Allowed".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_passkey_counts_as_the_required_second_factor_and_answers_a_step_up() {
    let app = TestApp::fast().await;
    let admin = app
        .user_without_second_factor("chef@chu.fr", "CHU", Role::Admin)
        .await;
    // An admin without a second factor may only enrol, a passkey included.
    let inbox = app.get("/api/inbox", &admin).await;
    assert_eq!(inbox.error(), "second_factor_required");
    let mut key = register(&app, &admin, json!({}), "clé").await;
    let inbox = app.get("/api/inbox", &admin).await;
    assert_eq!(inbox.status, StatusCode::OK, "{:?}", inbox.body);

    let challenge = app
        .post("/api/me/passkeys/challenge", &admin, json!({}))
        .await;
    let answer = key.get(&challenge.body["options"]);
    let stepped = app
        .post(
            "/api/me/step-up",
            &admin,
            passkey_answer(&challenge.body["ceremony"], &answer),
        )
        .await;
    assert_eq!(stepped.status, StatusCode::NO_CONTENT, "{:?}", stepped.body);
    let replay = app
        .post(
            "/api/me/step-up",
            &admin,
            passkey_answer(&challenge.body["ceremony"], &answer),
        )
        .await;
    assert_eq!(replay.error(), "invalid_code");
}
