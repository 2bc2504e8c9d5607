//! The organisation's sending policy through the API: who publishes it, what a version must
//! be, and how announcing an envelope depends on it.

use crate::helpers::{TestApp, User, b64, new_id};
use crate::mailbox_keys::{Keyed, keyed};
use axum::http::{Method, StatusCode};
use ed25519_dalek::Signer as _;
use pli_proto::{Role, policy_signed_bytes};
use serde_json::{Value, json};

const TEXT: &str = "version = 2\n[kinds.nir]\nexternal = \"block\"\n";

fn signed(by: &Keyed, org: &str, version: u64, text: &str) -> Value {
    let signature = by.signing.sign(&policy_signed_bytes(org, version, text));
    json!({ "version": version, "text": text, "signature": b64(&signature.to_bytes()) })
}

async fn put(app: &TestApp, by: &Keyed, body: Value) -> crate::helpers::Answer {
    app.call(Method::PUT, "/api/policy", Some(&by.user.token), Some(body))
        .await
}

#[tokio::test]
async fn only_admins_publish_newer_valid_signed_versions() {
    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@chu.fr", "chu", Role::Admin).await;
    let agent = keyed(&app, "agent@chu.fr", "chu", Role::Agent).await;
    let auditor = keyed(&app, "audit@chu.fr", "chu", Role::Auditor).await;

    for caller in [&agent, &auditor] {
        let answer = put(&app, caller, signed(caller, "chu", 2, TEXT)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
        assert_eq!(answer.error(), "forbidden");
    }
    // Not a policy: named.
    let bad = "version = 2\n[kinds.nirr]\n";
    let answer = put(&app, &admin, signed(&admin, "chu", 2, bad)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error(), "invalid_policy");
    assert!(answer.body["message"].as_str().unwrap().contains("nirr"));
    // The version given is not the text's.
    let answer = put(&app, &admin, signed(&admin, "chu", 3, TEXT)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("differs from the version written in the policy")
    );
    // Signed for another organisation, by another key, or not at all.
    for body in [
        signed(&admin, "police", 2, TEXT),
        signed(&agent, "chu", 2, TEXT),
        json!({ "version": 2, "text": TEXT, "signature": b64(&[7; 64]) }),
        json!({ "version": 2, "text": TEXT, "signature": "not base64!" }),
    ] {
        let answer = put(&app, &admin, body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
    }
    let answer = put(&app, &admin, signed(&admin, "chu", 2, &"#".repeat(70_000))).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing refused was stored.
    let answer = app.get("/api/policy", &agent.user).await;
    assert_eq!(answer.body, json!({ "policy": null }));

    let answer = put(&app, &admin, signed(&admin, "chu", 2, TEXT)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    for caller in [&agent, &auditor, &admin] {
        let answer = app.get("/api/policy", &caller.user).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["policy"]["version"], 2);
        assert_eq!(answer.body["policy"]["text"], TEXT);
        assert_eq!(answer.body["policy"]["signer"], "admin@chu.fr");
        assert_eq!(answer.body["policy"]["org"], "chu");
    }
    // Not newer: refused, saying which version is current.
    let older = TEXT.replace("version = 2", "version = 1");
    for (version, text) in [(2, TEXT.to_owned()), (1, older)] {
        let answer = put(&app, &admin, signed(&admin, "chu", version, &text)).await;
        assert_eq!(answer.status, StatusCode::CONFLICT);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("the current policy (version 2)")
        );
    }
    // Another organisation has its own policy (none yet), and cannot touch this one.
    let other = keyed(&app, "admin@police.fr", "police", Role::Admin).await;
    let answer = app.get("/api/policy", &other.user).await;
    assert_eq!(answer.body, json!({ "policy": null }));
    app.state.flush_audit().await;
    let audit: Vec<String> = app.get("/api/audit?limit=1000", &admin.user).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["action"] == "policy.set")
        .map(|row| {
            format!(
                "{} {}",
                row["outcome"].as_str().unwrap(),
                row["target"].as_str().unwrap()
            )
        })
        .collect();
    assert!(audit.contains(&"allowed version 2".to_owned()), "{audit:?}");
    assert!(audit.contains(&"denied version 2".to_owned()), "{audit:?}");
    assert!(audit.contains(&"failed version 3".to_owned()), "{audit:?}");
}

async fn announce(app: &TestApp, sender: &Keyed, dlp: Option<Value>) -> crate::helpers::Answer {
    let mut body = json!({ "id": new_id(), "to": ["admin@chu.fr"], "size": 10 });
    if let Some(dlp) = dlp {
        body["dlp"] = dlp;
    }
    app.post("/api/envelopes", &sender.user, body).await
}

#[tokio::test]
async fn under_a_policy_an_announce_must_say_how_it_was_applied() {
    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@chu.fr", "chu", Role::Admin).await;
    let agent = keyed(&app, "agent@chu.fr", "chu", Role::Agent).await;
    let outsider = keyed(&app, "agent@police.fr", "police", Role::Agent).await;
    let dlp = |version: u64, decision: &str, justified: bool| {
        json!({
            "policy_version": version,
            "decision": decision,
            "kinds": { "nir": 2 },
            "not_inspectable": 0,
            "justified": justified,
        })
    };
    // No policy yet: announces need nothing.
    assert_eq!(
        announce(&app, &agent, None).await.status,
        StatusCode::CREATED
    );

    put(&app, &admin, signed(&admin, "chu", 2, TEXT)).await;
    let cases = [
        (None, StatusCode::UNPROCESSABLE_ENTITY, "policy_required"),
        (
            Some(dlp(1, "allow", false)),
            StatusCode::CONFLICT,
            "policy_changed",
        ),
        (
            Some(dlp(2, "block", false)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "blocked_by_policy",
        ),
        (
            Some(dlp(2, "justify", false)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "justification_required",
        ),
        (
            Some(dlp(2, "maybe", false)),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (body, status, code) in cases {
        let answer = announce(&app, &agent, body.clone()).await;
        assert_eq!(answer.status, status, "{body:?}: {:?}", answer.body);
        assert_eq!(answer.error(), code, "{body:?}");
    }
    let mut hostile = dlp(2, "allow", false);
    hostile["kinds"] = json!({ "NIR 2 55 08 14 168 025 38": 1 });
    assert_eq!(
        announce(&app, &agent, Some(hostile)).await.status,
        StatusCode::BAD_REQUEST
    );

    for decision in ["allow", "warn"] {
        let answer = announce(&app, &agent, Some(dlp(2, decision, false))).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }
    let answer = announce(&app, &agent, Some(dlp(2, "justify", true))).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let id = answer.body["id"].as_str().unwrap().to_owned();
    // The other organisation has no policy: its agents are not held to this one.
    assert_eq!(
        announce(&app, &outsider, None).await.status,
        StatusCode::CREATED
    );

    // Announce events are written in the background batch: wait for it.
    app.state.flush_audit().await;
    let rows: Vec<String> = app.get("/api/audit?limit=1000", &admin.user).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["action"] == "envelope.dlp")
        .map(|row| row["target"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        rows.contains(&format!("{id} policy 2 justify nir=2 justified")),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
}

#[tokio::test]
async fn a_send_the_policy_stopped_is_recorded_and_a_malformed_report_refused() {
    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@chu.fr", "chu", Role::Admin).await;
    let agent = keyed(&app, "agent@chu.fr", "chu", Role::Agent).await;
    let refusal = |decision: &str, kinds: Value, justified: bool| {
        json!({
            "policy_version": 2,
            "decision": decision,
            "kinds": kinds,
            "not_inspectable": 1,
            "justified": justified,
        })
    };
    let report = |body: Value| {
        let app = &app;
        let token = agent.user.token.clone();
        async move {
            app.call(
                Method::POST,
                "/api/policy/refusals",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let answer = report(refusal("block", json!({ "nir": 2 }), false)).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
    let answer = report(refusal("justify", json!({ "health": 1 }), false)).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
    // Only refusals; kinds are names, never values.
    for body in [
        refusal("allow", json!({ "nir": 1 }), false),
        refusal("justify", json!({ "nir": 1 }), true),
        refusal("block", json!({ "NIR 2 55 08 14 168 025 38": 1 }), false),
    ] {
        let answer = report(body.clone()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            !answer.body.to_string().contains("2 55 08"),
            "{:?}",
            answer.body
        );
    }
    let answer = report(json!({ "decision": "block" })).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = app
        .call(
            Method::POST,
            "/api/policy/refusals",
            None,
            Some(refusal("block", json!({}), false)),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    app.state.flush_audit().await;
    let rows: Vec<(String, String)> =
        app.get("/api/audit?limit=1000", &admin.user).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row["action"] == "policy.refused")
            .map(|row| {
                (
                    row["target"].as_str().unwrap().to_owned(),
                    row["outcome"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
    assert_eq!(
        rows,
        [
            (
                "policy 2 block nir=2 not_inspectable=1".to_owned(),
                "denied".to_owned()
            ),
            (
                "policy 2 justify health=1 not_inspectable=1".to_owned(),
                "denied".to_owned()
            ),
        ]
    );
}

/// The entry at `index` of the tree of `size` entries as `GET /api/policy/proof` serves it to
/// `user`, decoded, with the answer's body; the entry must be at that index.
async fn proven(
    app: &TestApp,
    user: &User,
    index: u64,
    size: u64,
) -> (pli_audit::EntryHeader, pli_audit::Record, Value) {
    use base64::Engine as _;
    let proof = app
        .get(
            &format!("/api/policy/proof?index={index}&size={size}"),
            user,
        )
        .await;
    assert_eq!(proof.status, StatusCode::OK, "{:?}", proof.body);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(proof.body["entry"].as_str().unwrap())
        .unwrap();
    let (header, record) = pli_audit::Record::decode(&bytes).unwrap();
    assert_eq!(header.index, index);
    (header, record, proof.body)
}

/// The latest checkpoint's size, once every pending entry is written.
async fn log_size(app: &TestApp) -> u64 {
    app.state.flush_audit().await;
    app.state
        .store()
        .audit_log_latest()
        .await
        .unwrap()
        .unwrap()
        .size
}

#[tokio::test]
async fn each_version_is_a_log_entry_proven_to_its_organisation_only() {
    use sha2::{Digest, Sha256};

    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@chu.fr", "chu", Role::Admin).await;
    let agent = keyed(&app, "agent@chu.fr", "chu", Role::Agent).await;
    let stranger = keyed(&app, "agent@police.fr", "police", Role::Agent).await;
    let body = signed(&admin, "chu", 2, TEXT);
    let answer = put(&app, &admin, body.clone()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let index = answer.body["log_index"]
        .as_u64()
        .expect("the version is logged");
    let served = app.get("/api/policy", &agent.user).await;
    assert_eq!(served.body["policy"]["log_index"], index);

    let size = log_size(&app).await;
    let (_, record, proof) = proven(&app, &agent.user, index, size).await;
    let pli_audit::Record::Policy(logged) = record else {
        panic!("not a policy entry: {record:?}");
    };
    assert_eq!(
        (logged.org.as_str(), logged.version, logged.signer.as_str()),
        ("chu", 2, "admin@chu.fr")
    );
    assert_eq!(logged.text_hash, <[u8; 32]>::from(Sha256::digest(TEXT)));
    assert_eq!(logged.signing_key, admin.signing.verifying_key().to_bytes());
    assert_eq!(b64(&logged.signature), body["signature"].as_str().unwrap());
    assert_eq!(
        proof["hashes"].as_array().map(Vec::is_empty),
        Some(size == 1)
    );

    // Another organisation's account learns nothing of it; an index holding another kind of
    // entry is no policy; a size beyond the log is refused.
    let answer = app
        .get(
            &format!("/api/policy/proof?index={index}&size={size}"),
            &stranger.user,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = app
        .get(
            &format!("/api/policy/proof?index=0&size={size}"),
            &agent.user,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = app
        .get(
            &format!("/api/policy/proof?index=0&size={}", size + 1_000_000),
            &agent.user,
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    for query in ["", "?index=1", "?index=x&size=2", "?index=5&size=5"] {
        let answer = app
            .get(&format!("/api/policy/proof{query}"), &agent.user)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
    }

    // Later versions are logged too, each its own entry.
    let newer = TEXT.replace("version = 2", "version = 3");
    let answer = put(&app, &admin, signed(&admin, "chu", 3, &newer)).await;
    assert!(answer.body["log_index"].as_u64().unwrap() > index);
}

#[tokio::test]
async fn the_signers_role_is_a_log_entry_proven_to_its_organisation_only() {
    let app = TestApp::fast().await;
    let admin = keyed(&app, "admin@chu.fr", "chu", Role::Admin).await;
    let agent = keyed(&app, "agent@chu.fr", "chu", Role::Agent).await;
    let stranger = keyed(&app, "agent@police.fr", "police", Role::Agent).await;
    let answer = put(&app, &admin, signed(&admin, "chu", 2, TEXT)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let index = answer.body["signer_role_log_index"]
        .as_u64()
        .expect("the signer's role is logged");
    let served = app.get("/api/policy", &agent.user).await;
    assert_eq!(served.body["policy"]["signer_role_log_index"], index);
    // Served again, the same entry: a role is logged once.
    let again = app.get("/api/policy", &agent.user).await;
    assert_eq!(again.body["policy"]["signer_role_log_index"], index);

    let size = log_size(&app).await;
    let (header, record, _) = proven(&app, &agent.user, index, size).await;
    assert_eq!(
        record,
        pli_audit::Record::Role(pli_audit::PublishedRole {
            time: header.time,
            org: "chu".into(),
            email: "admin@chu.fr".into(),
            role: pli_audit::AccountRole::Admin,
        })
    );
    // Another organisation's account is not told who the organisation's admins are.
    let answer = app
        .get(
            &format!("/api/policy/proof?index={index}&size={size}"),
            &stranger.user,
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}
