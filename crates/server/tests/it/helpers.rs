//! Test helpers: an app on a fresh data directory, request shortcuts, accounts, envelopes.

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt;
use pli_proto::Role;
use pli_server::{AppState, ServerKey};
use pli_store_sqlite::{SqliteOptions, SqliteStore};
use rand::RngCore;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tower::ServiceExt;

pub const CLIENT_ADDR: &str = "192.0.2.7";

/// A router over a fresh temporary data directory.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub dir: TempDir,
    /// The app's metadata store (SQLite in `dir`, or PostgreSQL), for offline administration.
    store: Arc<dyn pli_store::Store>,
    /// The app's bucket when blobs are on S3 (else in `dir`).
    pub bucket: Option<String>,
    blobs: Arc<dyn pli_blob::BlobStore>,
    server_key: [u8; 32],
    /// TOTP secrets of the accounts that enrolled, with the last time step used, by email.
    totp: Mutex<HashMap<String, (Vec<u8>, i64)>>,
}

/// An account that joined, with its session.
#[derive(Clone, Debug)]
pub struct User {
    pub email: String,
    pub token: String,
    pub auth_key: String,
}

/// A response, with its JSON body when it has one.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The `error` code of an error body.
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    /// The body without its request id, to compare two answers byte for byte.
    pub fn without_request_id(&self) -> Value {
        let mut body = self.body.clone();
        if let Some(object) = body.as_object_mut() {
            object.remove("request_id");
        }
        body
    }
}

impl TestApp {
    /// A durable store, as in production.
    pub async fn new() -> TestApp {
        TestApp::with_options(true).await
    }

    /// A store that skips fsync: for tests that make many requests and do not test durability.
    /// The stored ciphertext's size of envelope `id` (hex), read from the blob store itself.
    pub async fn blob_size(&self, id: &str) -> u64 {
        let (size, _) = self.blobs.get(&format!("envelopes/{id}")).await.unwrap();
        size
    }

    pub async fn fast() -> TestApp {
        TestApp::with_options(false).await
    }

    async fn with_options(durable: bool) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteOptions {
            durable,
            ..SqliteOptions::default()
        };
        let (store, blobs, bucket) = match crate::backend::scaled().await {
            Some(scaled) => (scaled.store, scaled.blobs, Some(scaled.bucket)),
            None => {
                let store = SqliteStore::open_with(&dir.path().join("pli.db"), &options)
                    .await
                    .unwrap();
                let blob_dir = dir.path().join("blobs");
                std::fs::create_dir_all(&blob_dir).unwrap();
                let blobs = pli_blob::LocalBlobStore::open(&blob_dir).await.unwrap();
                let store: Arc<dyn pli_store::Store> = Arc::new(store);
                let blobs: Arc<dyn pli_blob::BlobStore> = Arc::new(blobs);
                (store, blobs, None)
            }
        };
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        TestApp::on(store, blobs, bucket, key, dir)
    }

    /// An app over these backends and keys, with its own state (audit writer, flow monitor,
    /// rate limiters), as one server process.
    fn on(
        store: Arc<dyn pli_store::Store>,
        blobs: Arc<dyn pli_blob::BlobStore>,
        bucket: Option<String>,
        server_key: [u8; 32],
        dir: TempDir,
    ) -> TestApp {
        let state = AppState::with_log_seed(
            store.clone(),
            blobs.clone(),
            ServerKey::from_bytes(server_key),
            1 << 20,
            pli_server::state::log_seed(dir.path()).unwrap(),
        );
        let addr: SocketAddr = format!("{CLIENT_ADDR}:40000").parse().unwrap();
        let router = pli_server::router(state.clone()).layer(MockConnectInfo(addr));
        TestApp {
            state,
            router,
            dir,
            store,
            bucket,
            blobs,
            server_key,
            totp: Mutex::new(HashMap::new()),
        }
    }

    /// A second server on the same database and blob store, with the same two keys copied
    /// into its own data directory, as docs/DEPLOY.md tells operators to start one. It knows
    /// the TOTP secrets enrolled so far.
    pub async fn another_server(&self) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        for file in ["audit-log.key", "server.key"] {
            let from = self.dir.path().join(file);
            if from.exists() {
                std::fs::copy(&from, dir.path().join(file)).unwrap();
            }
        }
        let other = TestApp::on(
            self.store.clone(),
            self.blobs.clone(),
            self.bucket.clone(),
            self.server_key,
            dir,
        );
        *other.totp.lock().unwrap() = self.totp.lock().unwrap().clone();
        other
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Administration acting directly on the app's store, as the first admin does.
    pub fn offline(&self) -> pli_server::offline::Offline {
        pli_server::offline::Offline::with_store(self.data_dir(), self.store.clone())
    }

    /// Sends a request as is.
    pub async fn raw(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            bytes,
        }
    }

    /// A JSON request (no body when `body` is `None`), with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        };
        self.raw(request.unwrap()).await
    }

    pub async fn get(&self, uri: &str, user: &User) -> Answer {
        self.call(Method::GET, uri, Some(&user.token), None).await
    }

    pub async fn post(&self, uri: &str, user: &User, body: Value) -> Answer {
        self.call(Method::POST, uri, Some(&user.token), Some(body))
            .await
    }

    pub async fn delete(&self, uri: &str, user: &User) -> Answer {
        self.call(Method::DELETE, uri, Some(&user.token), None)
            .await
    }

    /// Uploads raw bytes as an envelope's content.
    pub async fn upload(&self, id: &str, user: &User, bytes: Vec<u8>) -> Answer {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/envelopes/{id}/content"))
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        self.raw(request).await
    }

    /// Invites offline (as the first admin would be) and joins; admins and auditors then enrol
    /// a second factor, as they must before anything else.
    pub async fn user(&self, email: &str, org: &str, role: Role) -> User {
        let user = self.user_without_second_factor(email, org, role).await;
        if matches!(role, Role::Admin | Role::Auditor) {
            self.enrol(&user).await;
        }
        user
    }

    /// Invites offline and joins, nothing more.
    pub async fn user_without_second_factor(&self, email: &str, org: &str, role: Role) -> User {
        let code = self.offline().invite(email, org, role, &[]).await.unwrap();
        self.join(email, &code).await
    }

    /// Enrols a TOTP second factor for `user`, keeping its secret for [`TestApp::next_code`];
    /// returns the recovery codes.
    pub async fn enrol(&self, user: &User) -> Vec<String> {
        let begin = self
            .call(Method::POST, "/api/me/totp", Some(&user.token), None)
            .await;
        assert_eq!(begin.status, StatusCode::CREATED, "{:?}", begin.body);
        let secret = totp_rs::Secret::Encoded(begin.body["secret"].as_str().unwrap().to_owned())
            .to_bytes()
            .unwrap();
        self.totp
            .lock()
            .unwrap()
            .insert(user.email.clone(), (secret, 0));
        let code = self.next_code(&user.email);
        let confirm = self
            .post("/api/me/totp/confirm", user, json!({ "code": code }))
            .await;
        assert_eq!(confirm.status, StatusCode::OK, "{:?}", confirm.body);
        confirm.body["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|code| code.as_str().unwrap().to_owned())
            .collect()
    }

    /// A TOTP code of `email` the server has not seen yet: the current step or the next one,
    /// after the last one used here, waiting for the clock when both are used. Never the
    /// previous step: a 30-second boundary crossed before the server checks it would make it
    /// two steps old, and refused.
    pub fn next_code(&self, email: &str) -> String {
        let mut secrets = self.totp.lock().unwrap();
        let (secret, last_step) = secrets.get_mut(email).expect("enrolled");
        loop {
            let now = pli_server::auth::now();
            let current = now / 30;
            let step = current.max(*last_step + 1);
            if step <= current + 1 {
                *last_step = step;
                return code_at(secret, step);
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    }

    /// `POST /api/auth/login` with `user`'s key and, when it enrolled, a fresh code.
    pub async fn login(&self, user: &User) -> Answer {
        let enrolled = self.totp.lock().unwrap().contains_key(&user.email);
        let mut body = json!({ "email": user.email, "auth_key": user.auth_key });
        if enrolled {
            body["totp"] = json!(self.next_code(&user.email));
        }
        self.call(Method::POST, "/api/auth/login", None, Some(body))
            .await
    }

    /// Redeems an invitation code with fresh keys.
    pub async fn join(&self, email: &str, code: &str) -> User {
        let auth_key = b64(&random::<32>());
        let answer = self
            .call(
                Method::POST,
                "/api/auth/join",
                None,
                Some(join_body(email, code, &auth_key)),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        User {
            email: email.to_owned(),
            token: answer.body["token"].as_str().unwrap().to_owned(),
            auth_key,
        }
    }

    /// Creates a mailbox offline.
    pub async fn mailbox(&self, name: &str, org: &str) {
        self.offline().create_mailbox(name, org).await.unwrap();
    }

    /// Adds a member through the API, as `admin`.
    pub async fn add_member(&self, admin: &User, mailbox: &str, email: &str) {
        let answer = self
            .post(
                &format!("/api/admin/mailboxes/{mailbox}/members"),
                admin,
                json!({ "email": email }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
    }

    /// Announces an envelope and returns its id.
    pub async fn announce(&self, sender: &User, to: &[&str], size: u64) -> String {
        let id = new_id();
        let answer = self
            .post(
                "/api/envelopes",
                sender,
                json!({ "id": id, "to": to, "size": size }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        id
    }

    /// Announces and uploads an envelope of `bytes`; returns its id.
    pub async fn send(&self, sender: &User, to: &[&str], bytes: &[u8]) -> String {
        let id = self.announce(sender, to, bytes.len() as u64).await;
        let answer = self.upload(&id, sender, bytes.to_vec()).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        id
    }

    /// Ids of the envelopes on one inbox page.
    pub async fn inbox_ids(&self, user: &User, query: &str) -> Vec<String> {
        let answer = self.get(&format!("/api/inbox{query}"), user).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        ids(&answer.body)
    }
}

/// A join body with valid keys.
pub fn join_body(email: &str, code: &str, auth_key: &str) -> Value {
    let identity = age::x25519::Identity::generate();
    let signing = ed25519_dalek::SigningKey::from_bytes(&random::<32>());
    json!({
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
    })
}

/// Item ids of a page.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh envelope id.
pub fn new_id() -> String {
    hex::encode(random::<16>())
}

/// The 6-digit TOTP code of `secret` at time step `step`.
pub fn code_at(secret: &[u8], step: i64) -> String {
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, 30, secret.to_vec())
        .generate(u64::try_from(step * 30).unwrap())
}
