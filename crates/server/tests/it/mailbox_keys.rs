//! Mailbox key generations through the API: who may read and publish them, what a generation
//! must carry, and the audit rows they leave.

use crate::helpers::{Answer, TestApp, User, b64, random};
use axum::http::{Method, StatusCode};
use ed25519_dalek::Signer as _;
use pli_proto::Role;
use serde_json::{Value, json};

/// An account whose private keys the test holds.
pub(crate) struct Keyed {
    pub(crate) user: User,
    pub(crate) signing: ed25519_dalek::SigningKey,
    identity: age::x25519::Identity,
}

pub(crate) async fn keyed(app: &TestApp, email: &str, org: &str, role: Role) -> Keyed {
    let code = pli_server::offline::invite(app.data_dir(), email, org, role, &[])
        .await
        .unwrap();
    let identity = age::x25519::Identity::generate();
    let signing = ed25519_dalek::SigningKey::from_bytes(&random::<32>());
    let auth_key = b64(&random::<32>());
    let answer = app
        .call(
            Method::POST,
            "/api/auth/join",
            None,
            Some(json!({
                "email": email,
                "code": code,
                "salt": b64(&random::<16>()),
                "kdf": { "m_kib": 19456, "t": 2, "p": 1 },
                "auth_key": auth_key,
                "public_keys": {
                    "age_recipient": identity.to_public().to_string(),
                    "signing_key": b64(signing.verifying_key().as_bytes()),
                },
                "wrapped_keys": b64(b"sealed private keys"),
            })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let user = User {
        email: email.to_owned(),
        token: answer.body["token"].as_str().unwrap().to_owned(),
        auth_key,
    };
    if matches!(role, Role::Admin | Role::Auditor) {
        app.enrol(&user).await;
    }
    Keyed {
        user,
        signing,
        identity,
    }
}

/// A copy of `secret` for `member`, as a client makes it.
fn wrap(generation: u32, secret: &age::x25519::Identity, member: &Keyed) -> Value {
    use age::secrecy::ExposeSecret as _;
    let wrapped = age::encrypt(
        &member.identity.to_public(),
        secret.to_string().expose_secret().as_bytes(),
    )
    .unwrap();
    json!({ "generation": generation, "email": member.user.email, "wrapped": b64(&wrapped) })
}

/// A generation made and signed by `creator`, with copies for `members`.
fn generation(
    mailbox: &str,
    number: u32,
    creator: &Keyed,
    members: &[&Keyed],
) -> (Value, age::x25519::Identity) {
    let secret = age::x25519::Identity::generate();
    let recipient = secret.to_public().to_string();
    let signature = creator.signing.sign(&pli_proto::mailbox_key_signed_bytes(
        mailbox, number, &recipient,
    ));
    let body = json!({
        "generation": number,
        "recipient": recipient,
        "signature": b64(&signature.to_bytes()),
        "wraps": members.iter().map(|member| wrap(number, &secret, member)).collect::<Vec<_>>(),
    });
    (body, secret)
}

struct Team {
    app: TestApp,
    admin: Keyed,
    ana: Keyed,
    ben: Keyed,
    eve: Keyed,
    stranger: Keyed,
}

/// Hospital: an admin who is no member, members ana and ben of "team", eve who is not; a
/// stranger admin of another organisation.
async fn team() -> Team {
    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@hospital.fr", "Hospital", Role::Admin).await;
    let ana = keyed(&app, "ana@hospital.fr", "Hospital", Role::Agent).await;
    let ben = keyed(&app, "ben@hospital.fr", "Hospital", Role::Agent).await;
    let eve = keyed(&app, "eve@hospital.fr", "Hospital", Role::Agent).await;
    let stranger = keyed(&app, "stranger@other.fr", "Other", Role::Admin).await;
    app.mailbox("team", "Hospital").await;
    app.add_member(&admin.user, "team", "ana@hospital.fr").await;
    app.add_member(&admin.user, "team", "ben@hospital.fr").await;
    Team {
        app,
        admin,
        ana,
        ben,
        eve,
        stranger,
    }
}

async fn directory_key(app: &TestApp, user: &User) -> Value {
    let entry = app.get("/api/directory/team", user).await;
    assert_eq!(entry.status, StatusCode::OK);
    entry.body["mailbox_key"].clone()
}

async fn audit_rows(app: &TestApp) -> Vec<(String, String, String)> {
    app.state.flush_audit().await;
    let rows = app
        .state
        .store()
        .audit_events(None, 0, 10_000)
        .await
        .unwrap();
    rows.into_iter()
        .map(|row| {
            (
                row.event.actor_email.unwrap_or_default(),
                row.event.action,
                row.event.outcome.as_str().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn outsiders_get_the_missing_mailbox_answer_on_key_routes() {
    let world = team().await;
    let app = &world.app;
    let (body, secret) = generation("team", 1, &world.ana, &[&world.ana, &world.ben]);
    let created = app
        .post("/api/mailboxes/team/keys", &world.ana.user, body)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let missing = app
        .get("/api/mailboxes/nosuchbox/keys", &world.eve.user)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    for outsider in [&world.eve, &world.stranger, &world.admin] {
        let answer = app.get("/api/mailboxes/team/keys", &outsider.user).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{}",
            outsider.user.email
        );
        assert_eq!(answer.without_request_id(), missing.without_request_id());
    }
    for outsider in [&world.eve, &world.stranger] {
        let (body, _) = generation("team", 2, outsider, &[&world.ana, &world.ben]);
        let answer = app
            .post("/api/mailboxes/team/keys", &outsider.user, body)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{}",
            outsider.user.email
        );
        assert_eq!(answer.without_request_id(), missing.without_request_id());
        let answer = app
            .post(
                "/api/mailboxes/team/keys/wraps",
                &outsider.user,
                json!({ "wraps": [wrap(1, &secret, outsider)] }),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{}",
            outsider.user.email
        );
        assert_eq!(answer.without_request_id(), missing.without_request_id());
    }
    // Nothing changed: still generation 1, held by ana and ben only.
    let keyring = app.get("/api/mailboxes/team/keys", &world.ben.user).await;
    assert_eq!(keyring.status, StatusCode::OK);
    let generations = keyring.body["generations"].as_array().unwrap();
    assert_eq!(generations.len(), 1);
    assert_eq!(
        generations[0]["holders"],
        json!(["ana@hospital.fr", "ben@hospital.fr"])
    );

    let rows = audit_rows(app).await;
    for email in ["eve@hospital.fr", "stranger@other.fr"] {
        for action in ["mailbox.key.read", "mailbox.key.rotate", "mailbox.key.wrap"] {
            assert!(
                rows.contains(&(email.into(), action.into(), "denied".into())),
                "{email} {action}: {rows:?}"
            );
        }
    }
    assert!(rows.contains(&(
        "ana@hospital.fr".into(),
        "mailbox.key.rotate".into(),
        "allowed".into()
    )));
}

#[tokio::test]
async fn a_generation_carries_exactly_one_copy_per_member() {
    let world = team().await;
    let app = &world.app;
    let (ana, ben, eve) = (&world.ana, &world.ben, &world.eve);
    let post = |body: Value| app.post("/api/mailboxes/team/keys", &ana.user, body);
    let check = |answer: &Answer, status: StatusCode, code: &str, words: &str| {
        assert_eq!(answer.status, status, "{:?}", answer.body);
        assert_eq!(answer.error(), code, "{:?}", answer.body);
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
    };

    let (body, _) = generation("team", 1, ana, &[ana]);
    check(
        &post(body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_wraps",
        "ben@hospital.fr",
    );
    let (body, _) = generation("team", 1, ana, &[ana, ben, eve]);
    check(
        &post(body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_members",
        "eve@hospital.fr",
    );
    // Signed by someone else, or over another recipient.
    let (body, _) = generation("team", 1, ben, &[ana, ben]);
    check(
        &post(body).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "signature",
    );
    let (mut body, _) = generation("team", 1, ana, &[ana, ben]);
    body["recipient"] = json!(age::x25519::Identity::generate().to_public().to_string());
    check(
        &post(body).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "signature",
    );
    let (mut body, _) = generation("team", 1, ana, &[ana, ben]);
    body["wraps"][1]["wrapped"] = json!(b64(b"not an age file"));
    check(
        &post(body).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "age",
    );
    let (body, _) = generation("team", 2, ana, &[ana, ben]);
    check(
        &post(body).await,
        StatusCode::CONFLICT,
        "conflict",
        "generation 2",
    );
    assert!(
        directory_key(app, &eve.user).await.is_null(),
        "nothing written"
    );

    let (body, secret) = generation("team", 1, ana, &[ana, ben]);
    let created = post(body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["creator"], "ana@hospital.fr");
    let (body, _) = generation("team", 1, ana, &[ana, ben]);
    check(
        &post(body).await,
        StatusCode::CONFLICT,
        "conflict",
        "generation 1",
    );

    // Senders see the generation as usable; each member reads its own copy only.
    let current = directory_key(app, &eve.user).await;
    assert_eq!(current["usable"], true);
    assert_eq!(current["key"]["generation"], 1);
    assert_eq!(
        current["key"]["recipient"],
        secret.to_public().to_string().as_str()
    );
    let keyring = app.get("/api/mailboxes/team/keys", &ben.user).await;
    let wrapped = keyring.body["generations"][0]["wrapped"].as_str().unwrap();
    let bytes =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, wrapped).unwrap();
    let opened = age::decrypt(&ben.identity, &bytes).unwrap();
    assert!(age::decrypt(&ana.identity, &bytes).is_err());
    use age::secrecy::ExposeSecret as _;
    assert_eq!(opened, secret.to_string().expose_secret().as_bytes());

    let rows = audit_rows(app).await;
    let count = |outcome: &str| {
        rows.iter()
            .filter(|(email, action, found)| {
                email == "ana@hospital.fr" && action == "mailbox.key.rotate" && found == outcome
            })
            .count()
    };
    assert_eq!(count("allowed"), 1, "{rows:?}");
    assert_eq!(count("failed"), 7, "{rows:?}");
}

#[tokio::test]
async fn copies_go_to_members_only_and_removals_make_keys_stale() {
    let world = team().await;
    let app = &world.app;
    let (admin, ana, ben, eve) = (&world.admin, &world.ana, &world.ben, &world.eve);
    let (body, secret) = generation("team", 1, ana, &[ana, ben]);
    let created = app.post("/api/mailboxes/team/keys", &ana.user, body).await;
    assert_eq!(created.status, StatusCode::CREATED);

    // Eve joins: the key is not usable until she holds a copy.
    app.add_member(&admin.user, "team", "eve@hospital.fr").await;
    assert_eq!(directory_key(app, &ben.user).await["usable"], false);
    let post_wraps = |wraps: Vec<Value>| {
        app.post(
            "/api/mailboxes/team/keys/wraps",
            &ana.user,
            json!({ "wraps": wraps }),
        )
    };
    let unknown = post_wraps(vec![wrap(5, &secret, eve)]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.error(), "unknown_generation");
    let outsider = keyed(app, "zoe@hospital.fr", "Hospital", Role::Agent).await;
    let not_member = post_wraps(vec![wrap(1, &secret, eve), wrap(1, &secret, &outsider)]).await;
    assert_eq!(not_member.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_member.error(), "not_members");
    assert!(
        not_member.body["message"]
            .as_str()
            .unwrap()
            .contains("zoe@hospital.fr")
    );
    assert_eq!(directory_key(app, &ben.user).await["usable"], false);
    let given = post_wraps(vec![wrap(1, &secret, eve)]).await;
    assert_eq!(given.status, StatusCode::NO_CONTENT, "{:?}", given.body);
    assert_eq!(directory_key(app, &ben.user).await["usable"], true);

    // Ben leaves: the key is stale until a new generation, here made by the admin, who is no
    // member and may not read the keyring.
    let removed = app
        .delete(
            "/api/admin/mailboxes/team/members/ben@hospital.fr",
            &admin.user,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(directory_key(app, &eve.user).await["usable"], false);
    let keyring = app.get("/api/mailboxes/team/keys", &ana.user).await;
    assert_eq!(keyring.body["stale"], true);
    assert_eq!(keyring.body["usable"], false);
    assert_eq!(
        app.get("/api/mailboxes/team/keys", &ben.user).await.status,
        StatusCode::NOT_FOUND
    );
    let (body, _) = generation("team", 2, admin, &[ana, eve]);
    let created = app
        .post("/api/mailboxes/team/keys", &admin.user, body)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["creator_admin"], true);
    let current = directory_key(app, &eve.user).await;
    assert_eq!(current["usable"], true);
    assert_eq!(current["key"]["generation"], 2);
    assert_eq!(current["key"]["creator"], "admin@hospital.fr");

    let rows = audit_rows(app).await;
    for (email, action, outcome) in [
        ("ana@hospital.fr", "mailbox.key.wrap", "allowed"),
        ("ana@hospital.fr", "mailbox.key.wrap", "failed"),
        ("admin@hospital.fr", "mailbox.key.rotate", "allowed"),
        ("ben@hospital.fr", "mailbox.key.read", "denied"),
    ] {
        assert!(
            rows.contains(&(email.into(), action.into(), outcome.into())),
            "{email} {action} {outcome}: {rows:?}"
        );
    }
}
