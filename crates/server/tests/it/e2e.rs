//! A real server on a loopback port: HTTP end to end, a broken connection mid-upload, and
//! `serve` itself (plain and TLS).

use crate::helpers::{b64, join_body, new_id, random};
use pli_proto::Role;
use pli_server::Config;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

struct Spawned {
    addr: SocketAddr,
    dir: TempDir,
    client: reqwest::Client,
}

impl Spawned {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A server on 127.0.0.1, port 0, with a fresh data directory.
async fn spawn_app() -> Spawned {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::with_defaults(dir.path().to_owned(), "127.0.0.1:0".parse().unwrap());
    let state = pli_server::open_state(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = pli_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Spawned {
        addr,
        dir,
        client: reqwest::Client::new(),
    }
}

async fn join(app: &Spawned, data_dir: &Path, email: &str, org: &str) -> String {
    let code = pli_server::offline::invite(data_dir, email, org, Role::Agent, &[])
        .await
        .unwrap();
    let response = app
        .client
        .post(app.url("/api/auth/join"))
        .json(&join_body(email, &code, &b64(&random::<32>())))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn send_and_download_over_http() {
    let app = spawn_app().await;
    let alice = join(&app, app.dir.path(), "alice@chu.fr", "CHU").await;
    let bob = join(&app, app.dir.path(), "bob@chu.fr", "CHU").await;
    let content: Vec<u8> = (0..5 << 20).map(|n: u32| (n % 251) as u8).collect();
    let id = new_id();
    let created = app
        .client
        .post(app.url("/api/envelopes"))
        .bearer_auth(&alice)
        .json(&json!({ "id": id, "to": ["bob@chu.fr"], "size": content.len() }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // Streamed in chunks, as a client sealing on the fly would.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = content
        .chunks(64 * 1024)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();
    let uploaded = app
        .client
        .put(app.url(&format!("/api/envelopes/{id}/content")))
        .bearer_auth(&alice)
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200, "{:?}", uploaded.text().await);
    let download = app
        .client
        .get(app.url(&format!("/api/envelopes/{id}/content")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.content_length(), Some(content.len() as u64));
    assert_eq!(download.bytes().await.unwrap().as_ref(), content.as_slice());

    // The audit trail saw bob's address as the TCP peer.
    let trail = pli_server::open_state(&Config::with_defaults(app.dir.path().to_owned(), app.addr))
        .await
        .unwrap();
    let org = trail.store().org_by_name("CHU").await.unwrap();
    let events = trail
        .store()
        .audit_events(Some(org.id), 0, 1000)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|r| r.event.action == "envelope.download" && r.event.from == "127.0.0.1")
    );
}

#[tokio::test]
async fn a_connection_cut_mid_upload_leaves_nothing_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let alice = join(&app, app.dir.path(), "alice@chu.fr", "CHU").await;
    let bob = join(&app, app.dir.path(), "bob@chu.fr", "CHU").await;
    let id = new_id();
    let created = app
        .client
        .post(app.url("/api/envelopes"))
        .bearer_auth(&alice)
        .json(&json!({ "id": id, "to": ["bob@chu.fr"], "size": 100_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "PUT /api/envelopes/{id}/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {alice}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&[9u8; 40_000]).await.unwrap();
    socket.shutdown().await.unwrap();
    let mut rest = Vec::new();
    let _ = socket.read_to_end(&mut rest).await;
    drop(socket);

    let inbox: Value = app
        .client
        .get(app.url("/api/inbox"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"], json!([]));
    // The sender can retry the same id.
    let mut retried = None;
    for _ in 0..50 {
        // The cut upload may still be winding down on the server.
        let response = app
            .client
            .put(app.url(&format!("/api/envelopes/{id}/content")))
            .bearer_auth(&alice)
            .header("content-type", "application/octet-stream")
            .body(vec![1u8; 100_000])
            .send()
            .await
            .unwrap();
        if response.status() != 409 {
            retried = Some(response.status());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(retried, Some(reqwest::StatusCode::OK));
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

/// Waits until `url` answers (the server starts in the background).
async fn wait_for(client: &reqwest::Client, url: &str) -> reqwest::Response {
    let mut last_error = None;
    for _ in 0..200 {
        match client.get(url).send().await {
            Ok(response) => return response,
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{url} never answered: {last_error:?}");
}

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn serve_creates_the_data_directory_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("pli-data");
    let addr = free_port();
    tokio::spawn(pli_server::serve(Config::with_defaults(
        data_dir.clone(),
        addr,
    )));
    let health = wait_for(
        &reqwest::Client::new(),
        &format!("http://{addr}/api/health"),
    )
    .await;
    assert_eq!(health.status(), 200);
    assert!(data_dir.join("pli.db").is_file());
    assert!(data_dir.join("blobs").is_dir());
    let key = std::fs::metadata(data_dir.join("server.key")).unwrap();
    assert_eq!(key.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn serve_speaks_tls() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl tool makes the test certificate");
    assert!(status.success());
    let addr = free_port();
    let mut config = Config::with_defaults(dir.path().join("data"), addr);
    config.tls = Some(pli_server::TlsFiles {
        cert: cert.clone(),
        key,
    });
    tokio::spawn(pli_server::serve(config));
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap(),
        )
        .build()
        .unwrap();
    let health = wait_for(&client, &format!("https://{addr}/api/health")).await;
    assert_eq!(health.status(), 200);
    let plain = reqwest::Client::new()
        .get(format!("http://{addr}/api/health"))
        .send()
        .await;
    assert!(
        plain.is_err() || plain.unwrap().status() != 200,
        "no plain HTTP on a TLS port"
    );
}

#[tokio::test]
async fn serve_reports_a_bad_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    let mut config = Config::with_defaults(dir.path().join("data"), free_port());
    config.tls = Some(pli_server::TlsFiles {
        cert: cert.clone(),
        key: cert,
    });
    let error = pli_server::serve(config).await.unwrap_err();
    assert!(matches!(error, pli_server::ServerError::Tls(_)), "{error}");
    assert!(error.to_string().contains("certificate"), "{error}");
}
