//! One story per feature, through the router.

use crate::helpers::{TestApp, ids};
use axum::http::{Method, StatusCode};
use pli_proto::Role;
use serde_json::json;

#[tokio::test]
async fn invite_join_login_send_receive_delete() {
    let app = TestApp::new().await;
    let admin = app.user("admin@chu.fr", "CHU Lyon", Role::Admin).await;

    // The admin invites a colleague through the API; the code is shown once.
    let answer = app
        .post(
            "/api/admin/invitations",
            &admin,
            json!({ "email": "Alice@CHU.fr", "org": "CHU Lyon", "role": "agent" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let code = answer.body["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 20);
    let alice = app.join("alice@chu.fr", &code).await;

    // The code is single use.
    let again = app
        .call(
            Method::POST,
            "/api/auth/join",
            None,
            Some(crate::helpers::join_body(
                "alice@chu.fr",
                &code,
                &alice.auth_key,
            )),
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(again.error(), "invalid_invitation");

    // Prelogin gives the salt chosen at join; login with the same auth key opens a session.
    let prelogin = app
        .call(
            Method::POST,
            "/api/auth/prelogin",
            None,
            Some(json!({ "email": "alice@chu.fr" })),
        )
        .await;
    assert_eq!(prelogin.status, StatusCode::OK);
    assert_eq!(
        prelogin.body["kdf"],
        json!({ "m_kib": 19456, "t": 2, "p": 1 })
    );
    let login = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "alice@chu.fr", "auth_key": alice.auth_key })),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    assert_eq!(login.body["account"]["email"], "alice@chu.fr");
    assert_eq!(
        login.body["wrapped_keys"],
        crate::helpers::b64(b"sealed private keys")
    );
    let token = login.body["token"].as_str().unwrap().to_owned();
    let alice = crate::helpers::User { token, ..alice };

    let me = app.get("/api/me", &alice).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["org"], "CHU Lyon");
    assert_eq!(me.body["role"], "agent");
    assert_eq!(me.body["key_id"].as_str().unwrap().len(), 32);

    let bob = app.user("bob@chu.fr", "CHU Lyon", Role::Agent).await;
    let entry = app.get("/api/directory/BOB@chu.fr", &alice).await;
    assert_eq!(entry.status, StatusCode::OK);
    assert_eq!(entry.body["address"], "bob@chu.fr");
    assert_eq!(entry.body["kind"], "account");
    assert_eq!(entry.body["keys"].as_array().unwrap().len(), 1);

    // Announced but not uploaded: invisible to everybody, sender included.
    let content = b"age-encryption.org/v1 ... ciphertext".to_vec();
    let id = app
        .announce(&alice, &["bob@chu.fr"], content.len() as u64)
        .await;
    assert!(app.inbox_ids(&bob, "").await.is_empty());
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}"), &bob).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}"), &alice)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let uploaded = app.upload(&id, &alice, content.clone()).await;
    assert_eq!(uploaded.status, StatusCode::OK, "{:?}", uploaded.body);
    assert_eq!(uploaded.body["size"], content.len());

    assert_eq!(app.inbox_ids(&bob, "").await, vec![id.clone()]);
    let outbox = app.get("/api/outbox", &alice).await;
    assert_eq!(ids(&outbox.body), vec![id.clone()]);
    let summary = app.get(&format!("/api/envelopes/{id}"), &bob).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert_eq!(summary.body["sender"], "alice@chu.fr");
    assert_eq!(summary.body["to"], json!(["bob@chu.fr"]));

    let download = app.get(&format!("/api/envelopes/{id}/content"), &bob).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, content);

    // Only the sender deletes.
    assert_eq!(
        app.delete(&format!("/api/envelopes/{id}"), &bob)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/envelopes/{id}"), &alice)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(app.inbox_ids(&bob, "").await.is_empty());
    assert_eq!(
        app.get(&format!("/api/envelopes/{id}/content"), &bob)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Logout ends the session.
    let logout = app
        .call(Method::POST, "/api/auth/logout", Some(&alice.token), None)
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    let me = app.get("/api/me", &alice).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.error(), "unauthenticated");
}

#[tokio::test]
async fn login_failures_look_alike_and_prelogin_does_not_enumerate() {
    let app = TestApp::fast().await;
    let alice = app.user("alice@chu.fr", "CHU", Role::Agent).await;
    let wrong_key = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "alice@chu.fr", "auth_key": crate::helpers::b64(&[0; 32]) })),
        )
        .await;
    let unknown = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "nobody@chu.fr", "auth_key": alice.auth_key })),
        )
        .await;
    assert_eq!(wrong_key.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_key.error(), "invalid_credentials");
    assert_eq!(wrong_key.without_request_id(), unknown.without_request_id());

    let prelogin = |email: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/auth/prelogin",
                None,
                Some(json!({ "email": email })),
            )
            .await
        }
    };
    let first = prelogin("nobody@chu.fr").await;
    let second = prelogin("NOBODY@chu.fr").await;
    let other = prelogin("someone@chu.fr").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body, second.body, "fake salts are stable");
    assert_ne!(first.body["salt"], other.body["salt"]);
    assert_eq!(first.body["salt"].as_str().unwrap().len(), 22, "16 bytes");
    assert_eq!(first.body["kdf"], json!({ "m_kib": 19456, "t": 2, "p": 1 }));
}

#[tokio::test]
async fn mailbox_members_see_and_leavers_do_not() {
    let app = TestApp::fast().await;
    let admin = app.user("admin@chu.fr", "CHU", Role::Admin).await;
    let sender = app.user("sender@police.fr", "Police", Role::Agent).await;
    let stays = app.user("stays@chu.fr", "CHU", Role::Agent).await;
    let leaves = app.user("leaves@chu.fr", "CHU", Role::Agent).await;
    let outsider = app.user("outsider@chu.fr", "CHU", Role::Agent).await;

    let created = app
        .post(
            "/api/admin/mailboxes",
            &admin,
            json!({ "name": "urgences", "org": "CHU" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    app.add_member(&admin, "urgences", "stays@chu.fr").await;
    app.add_member(&admin, "urgences", "leaves@chu.fr").await;
    let info = app.get("/api/admin/mailboxes/urgences", &admin).await;
    assert_eq!(
        info.body["members"],
        json!(["leaves@chu.fr", "stays@chu.fr"])
    );

    let directory = app.get("/api/directory/urgences", &sender).await;
    assert_eq!(directory.body["kind"], "mailbox");
    assert_eq!(directory.body["org"], "CHU");
    assert_eq!(directory.body["keys"].as_array().unwrap().len(), 2);

    let id = app.send(&sender, &["urgences"], b"report").await;
    for member in [&stays, &leaves] {
        assert_eq!(app.inbox_ids(member, "").await, vec![id.clone()]);
        assert_eq!(
            app.inbox_ids(member, "?mailbox=urgences").await,
            vec![id.clone()]
        );
        let download = app
            .get(&format!("/api/envelopes/{id}/content"), member)
            .await;
        assert_eq!(download.bytes, b"report");
    }
    assert!(app.inbox_ids(&outsider, "").await.is_empty());
    let listing = app.get("/api/inbox?mailbox=urgences", &outsider).await;
    let missing = app.get("/api/inbox?mailbox=nosuchbox", &outsider).await;
    assert_eq!(listing.status, StatusCode::NOT_FOUND);
    assert_eq!(listing.without_request_id(), missing.without_request_id());

    let removed = app
        .delete(
            "/api/admin/mailboxes/urgences/members/leaves@chu.fr",
            &admin,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert!(app.inbox_ids(&leaves, "").await.is_empty());
    let gone = app
        .get(&format!("/api/envelopes/{id}/content"), &leaves)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/inbox?mailbox=urgences", &leaves).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.inbox_ids(&stays, "").await, vec![id]);
    let again = app
        .delete(
            "/api/admin/mailboxes/urgences/members/leaves@chu.fr",
            &admin,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invitation_into_mailboxes() {
    let app = TestApp::fast().await;
    let admin = app.user("admin@chu.fr", "CHU", Role::Admin).await;
    app.mailbox("accueil", "CHU").await;
    let answer = app
        .post(
            "/api/admin/invitations",
            &admin,
            json!({ "email": "new@chu.fr", "org": "CHU", "role": "agent", "mailboxes": ["accueil"] }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let code = answer.body["code"].as_str().unwrap();
    // Codes may be typed in lowercase with dashes.
    let typed = format!("{}-{}", &code[..10], &code[10..]).to_lowercase();
    let user = app.join("new@chu.fr", &typed).await;
    let me = app.get("/api/me", &user).await;
    assert_eq!(me.body["mailboxes"], json!(["accueil"]));

    let unknown = app
        .post(
            "/api/admin/invitations",
            &admin,
            json!({ "email": "x@chu.fr", "org": "CHU", "role": "agent", "mailboxes": ["nope"] }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.error(), "unknown_mailbox");
    let existing = app
        .post(
            "/api/admin/invitations",
            &admin,
            json!({ "email": "new@chu.fr", "org": "CHU", "role": "agent" }),
        )
        .await;
    assert_eq!(existing.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn cross_organisation_send() {
    let app = TestApp::fast().await;
    let doctor = app.user("doctor@chu.fr", "CHU", Role::Agent).await;
    let officer = app.user("officer@police.fr", "Police", Role::Agent).await;
    let colleague = app.user("colleague@police.fr", "Police", Role::Agent).await;
    let entry = app.get("/api/directory/officer@police.fr", &doctor).await;
    assert_eq!(entry.body["org"], "Police");
    let id = app
        .send(&doctor, &["officer@police.fr"], b"medico-legal report")
        .await;
    assert_eq!(app.inbox_ids(&officer, "").await, vec![id.clone()]);
    let download = app
        .get(&format!("/api/envelopes/{id}/content"), &officer)
        .await;
    assert_eq!(download.bytes, b"medico-legal report");
    assert!(app.inbox_ids(&colleague, "").await.is_empty());

    let unknown = app
        .post(
            "/api/envelopes",
            &doctor,
            json!({ "id": crate::helpers::new_id(), "to": ["ghost@police.fr"], "size": 3 }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.error(), "unknown_recipient");
    assert!(
        unknown.body["message"]
            .as_str()
            .unwrap()
            .contains("ghost@police.fr")
    );
}

#[tokio::test]
async fn pagination_walks_every_envelope_once_newest_first() {
    let app = TestApp::fast().await;
    let sender = app.user("sender@chu.fr", "CHU", Role::Agent).await;
    let reader = app.user("reader@chu.fr", "CHU", Role::Agent).await;
    let mut sent = Vec::new();
    for n in 0..23u8 {
        sent.push(app.send(&sender, &["reader@chu.fr"], &[n; 5]).await);
    }
    for (listing, user) in [("/api/inbox", &reader), ("/api/outbox", &sender)] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut n_pages = 0;
        loop {
            let uri = match &cursor {
                Some(cursor) => format!("{listing}?limit=5&cursor={cursor}"),
                None => format!("{listing}?limit=5"),
            };
            let page = app.get(&uri, user).await;
            assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
            let items = ids(&page.body);
            assert!(items.len() <= 5);
            seen.extend(items);
            n_pages += 1;
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(n_pages, 5);
        let mut expected = sent.clone();
        expected.sort();
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "every envelope exactly once");
        // Newest first: the last one sent is on the first page (ties in time break by id).
        let timestamps: Vec<String> = {
            let page = app.get(&format!("{listing}?limit=500"), user).await;
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["created_at"].as_str().unwrap().to_owned())
                .collect()
        };
        assert!(timestamps.windows(2).all(|pair| pair[0] >= pair[1]));
    }
    let bad = app.get("/api/inbox?limit=501", &reader).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = app.get("/api/inbox?cursor=garbage", &reader).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn stale_pending_envelopes_are_cleaned() {
    let app = TestApp::fast().await;
    let sender = app.user("sender@chu.fr", "CHU", Role::Agent).await;
    let _reader = app.user("reader@chu.fr", "CHU", Role::Agent).await;
    let pending = app.announce(&sender, &["reader@chu.fr"], 10).await;
    let stored = app.send(&sender, &["reader@chu.fr"], b"kept").await;
    let now = pli_server::auth::now();
    assert_eq!(
        app.state.clean_stale_pending(now).await.unwrap(),
        0,
        "not stale yet"
    );
    let removed = app
        .state
        .clean_stale_pending(now + 25 * 3600)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    // The id of the abandoned envelope is free again; the stored one is untouched.
    let again = app
        .post(
            "/api/envelopes",
            &sender,
            json!({ "id": pending, "to": ["reader@chu.fr"], "size": 3 }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        app.get(&format!("/api/envelopes/{stored}"), &sender)
            .await
            .status,
        StatusCode::OK
    );
}
