//! External recipients end to end: `pli send --external` through a real server whose notifier
//! writes to a mail outbox, and a test client that plays the recipient's browser (reads the
//! link and the code from the outbox, calls the API, derives the keys per docs/EXTERNAL.md and
//! decrypts with `pli-envelope`).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use serde_json::{Value, json};

use crate::{Server, User, files};

const OFFICER: &str = "officier@police.example";

fn start(outbox: &Path) -> Server {
    Server::start_env(
        &[Path::new("--mail-outbox"), outbox],
        &[("RUST_LOG", "debug")],
    )
}

/// The text of a mail: its headers, then its base64 body decoded (line ends as sent).
fn decoded(mail: &str) -> String {
    let normalized = mail.replace("\r\n", "\n");
    let Some((headers, body)) = normalized.split_once("\n\n") else {
        return mail.to_owned();
    };
    if !headers
        .to_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        return mail.to_owned();
    }
    let joined: String = body.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(joined)
        .unwrap();
    format!("{headers}\r\n\r\n{}", String::from_utf8(bytes).unwrap())
}

/// Outbox messages in sending order: (file name, text, mail bodies decoded).
fn messages(outbox: &Path) -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(outbox)
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
            let text = std::fs::read_to_string(outbox.join(&name)).unwrap();
            (name, decoded(&text))
        })
        .collect()
}

/// The link with its fragment, on its own line of the mail.
fn link_in(mail: &str) -> String {
    mail.lines()
        .map(str::trim)
        .find(|line| line.starts_with("http") && line.contains("/x/") && line.contains('#'))
        .unwrap_or_else(|| panic!("no link in {mail}"))
        .to_owned()
}

/// The first run of exactly six digits in a message body.
fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

fn body_of(mail: &str) -> &str {
    mail.split_once("\r\n\r\n").map_or(mail, |(_, body)| body)
}

/// `pli send FILE --external ...`: the envelope id and the printed lines.
fn send_external(user: &User, file: &Path, extra: &[&str]) -> (String, Vec<String>) {
    let mut args = vec!["send", file.to_str().unwrap(), "--external", OFFICER];
    args.extend(extra);
    let run = user.run(&args);
    let lines: Vec<String> = run.ok().lines().map(str::to_owned).collect();
    assert_eq!(lines[0].len(), 32, "{run:#?}");
    (lines[0].clone(), lines)
}

/// The recipient's browser, through plain HTTP.
struct Browser {
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    server: String,
}

struct Answer {
    status: u16,
    body: Value,
    bytes: Vec<u8>,
}

impl Browser {
    fn new(server: &str) -> Browser {
        Browser {
            http: reqwest::Client::new(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            server: server.to_owned(),
        }
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.runtime.block_on(async {
            let mut request = self.http.request(method, format!("{}{path}", self.server));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap().to_vec();
            Answer {
                status,
                body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                bytes,
            }
        })
    }
}

/// What the browser page does with a link and its code: the files, by name.
fn open_as_browser(browser: &Browser, link: &str, code: &str) -> (Vec<(String, Vec<u8>)>, String) {
    let parsed = pli_client::external::parse_link(link).unwrap();
    assert_eq!(parsed.server, browser.server);
    let link_id = hex::encode(parsed.link_id);
    let accepted = browser.call(
        reqwest::Method::POST,
        &format!("/api/links/{link_id}/code"),
        None,
        Some(json!({ "code": code })),
    );
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let server_half: [u8; 32] = URL_SAFE_NO_PAD
        .decode(accepted.body["server_half"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let token = accepted.body["token"].as_str().unwrap().to_owned();
    let keys =
        pli_client::external::derive(&parsed.link_id, &parsed.fragment_half, &server_half).unwrap();
    let content = browser.call(
        reqwest::Method::GET,
        &format!("/api/links/{link_id}/content"),
        Some(&token),
        None,
    );
    assert_eq!(content.status, 200);
    let opening = pli_envelope::Opening::new(content.bytes.as_slice(), keys.identity()).unwrap();
    let manifest_hash = opening.manifest_hash();
    let sender_key = pli_envelope::VerifyingKey::from_bytes(&parsed.sender_key).unwrap();
    let mut verified = opening.verify(&sender_key).unwrap();
    assert_eq!(verified.manifest().recipients, vec![OFFICER.to_owned()]);
    let envelope_id: [u8; 16] = hex::decode(&verified.manifest().envelope_id)
        .unwrap()
        .try_into()
        .unwrap();
    let mut files = Vec::new();
    loop {
        let mut out = Vec::new();
        match verified.next_file(&mut out).unwrap() {
            Some(entry) => files.push((entry.name, out)),
            None => break,
        }
    }
    // The receipt, signed with the key derived from the link.
    let opened_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let signed = pli_proto::receipt_signed_bytes(&envelope_id, &manifest_hash, opened_at);
    let receipt = browser.call(
        reqwest::Method::POST,
        &format!("/api/links/{link_id}/receipt"),
        Some(&token),
        Some(json!({
            "manifest_sha256": hex::encode(manifest_hash),
            "opened_at": opened_at,
            "signature": URL_SAFE_NO_PAD.encode(keys.receipt_key().sign(&signed).to_bytes()),
        })),
    );
    assert_eq!(receipt.status, 201, "{}", receipt.body);
    (files, token)
}

fn link_id_of(link: &str) -> String {
    hex::encode(pli_client::external::parse_link(link).unwrap().link_id)
}

fn outbox_links(user: &User, id: &str) -> Vec<Value> {
    let items: Vec<Value> = serde_json::from_str(user.run(&["outbox", "--json"]).ok()).unwrap();
    items.iter().find(|item| item["id"] == id).unwrap()["links"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_external_recipient_opens_the_link_with_the_sms_code() {
    if crate::sqlite_only() {
        return;
    }
    let outbox_dir = tempfile::tempdir().unwrap();
    let outbox: PathBuf = outbox_dir.path().to_owned();
    let server = start(&outbox);
    let alice = User::invited(&server, "secretariat@chu.fr", "CHU", "agent");
    let (_dir, paths) = files(&[("rapport.pdf", b"%PDF certificat medico-legal")]);
    let (id, lines) = send_external(
        &alice,
        &paths[0],
        &[
            "--sms",
            "+33612345678",
            "--max-downloads",
            "2",
            "--expires",
            "24h",
        ],
    );
    assert!(
        lines[1].starts_with(&format!("link: {}/x/", server.url)),
        "{lines:?}"
    );
    assert!(!lines[1].contains('#'), "the printed link has no fragment");
    assert!(lines[2].starts_with("expires: "), "{lines:?}");
    assert_eq!(lines[3], "code: sent by SMS to +33612345678");

    let sent = messages(&outbox);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].0.ends_with(".eml") && sent[1].0.ends_with(".txt"));
    let link = link_in(&sent[0].1);
    assert!(link.starts_with(&lines[1]["link: ".len()..]), "{link}");
    let code = code_in(sent[1].1.split_once("\n\n").unwrap().1);

    let browser = Browser::new(&server.url);
    let link_id = link_id_of(&link);
    // A mail scanner opens the link's summary: nothing is consumed.
    for _ in 0..3 {
        let summary = browser.call(
            reqwest::Method::GET,
            &format!("/api/links/{link_id}"),
            None,
            None,
        );
        assert_eq!(summary.status, 200);
        assert_eq!(summary.body["attempts_left"], 5);
        assert_eq!(summary.body["sender"]["email"], "secretariat@chu.fr");
    }
    let (files, token) = open_as_browser(&browser, &link, &code);
    assert_eq!(
        files,
        vec![(
            "rapport.pdf".to_owned(),
            b"%PDF certificat medico-legal".to_vec()
        )]
    );

    let links = outbox_links(&alice, &id);
    assert_eq!(links.len(), 1, "{links:#?}");
    assert_eq!(links[0]["state"], "active");
    assert_eq!(links[0]["downloads"], 1);
    assert_eq!(links[0]["openings"][0]["address"], "127.0.0.1");
    assert_eq!(links[0]["receipt"]["status"], "verified", "{links:#?}");
    let text = alice.run(&["outbox"]);
    assert!(
        text.ok()
            .contains(&format!("link to {OFFICER}: active, 1/2 downloads")),
        "{text:#?}"
    );
    assert!(text.ok().contains("receipt verified"), "{text:#?}");
    // The receipt must be the log's entry of this envelope: pointed at another entry by the
    // server, it is not verified, and put back, it is again.
    let logged = links[0]["receipt"]["log_index"].as_u64().unwrap();
    let point_at = |index: u64| {
        server.sql(&format!(
            "UPDATE links SET receipt_log_index = {index} WHERE receipt_log_index IS NOT NULL"
        ))
    };
    point_at(0);
    let links = outbox_links(&alice, &id);
    assert_eq!(links[0]["receipt"]["status"], "invalid", "{links:#?}");
    let reason = links[0]["receipt"]["reason"].as_str().unwrap();
    assert!(reason.contains("not proven by the audit log"), "{reason}");
    point_at(logged);
    assert_eq!(
        outbox_links(&alice, &id)[0]["receipt"]["status"],
        "verified"
    );

    // The second download is the last; a third is refused.
    let content = format!("/api/links/{link_id}/content");
    assert_eq!(
        browser
            .call(reqwest::Method::GET, &content, Some(&token), None)
            .status,
        200
    );
    let third = browser.call(reqwest::Method::GET, &content, Some(&token), None);
    assert_eq!(third.status, 410);
    assert_eq!(third.body["error"], "link_exhausted");
    let wrong_token = browser.call(reqwest::Method::GET, &content, Some("forged"), None);
    assert_eq!(wrong_token.status, 401);
    assert_eq!(
        server.sql(&format!(
            "SELECT server_half IS NULL FROM links WHERE id = X'{link_id}'"
        )),
        "1\n"
    );

    // The fragment's half is in no database row, audit row or log line.
    let fragment_half = link.split('#').nth(1).unwrap().split('.').next().unwrap();
    let dump = std::process::Command::new("sqlite3")
        .args(["-cmd", ".timeout 10000"])
        .arg(server.data.path().join("pli.db"))
        .arg(".dump")
        .output()
        .unwrap();
    let dump = String::from_utf8_lossy(&dump.stdout);
    assert!(
        dump.contains("link.created"),
        "the dump holds the audit rows"
    );
    assert!(!dump.contains(fragment_half));
    let raw = URL_SAFE_NO_PAD.decode(fragment_half).unwrap();
    assert!(
        !dump.to_lowercase().contains(&hex::encode(&raw)),
        "F in hex in a row"
    );
    let log = String::from_utf8_lossy(&server.log.lock().unwrap()).into_owned();
    assert!(log.contains("request"), "the debug log is captured: {log}");
    assert!(!log.contains(fragment_half), "F in the server log");
    assert!(!log.contains(&code), "the code in the server log");

    // A report on the envelope shows what the external recipient did through the link.
    let dpo = User::invited(&server, "dpo@chu.fr", "CHU", "auditor");
    let run = dpo.run(&[
        "audit",
        "report",
        "--since",
        "2000-01-01",
        "--envelope",
        &id,
        "--json",
    ]);
    let lines: Vec<Value> = serde_json::from_str(run.ok()).unwrap();
    let by_recipient: Vec<&str> = lines
        .iter()
        .filter(|line| line["actor"] == OFFICER)
        .map(|line| line["action"].as_str().unwrap())
        .collect();
    for action in ["link.code_accepted", "link.downloaded"] {
        assert!(by_recipient.contains(&action), "{action}: {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|line| line["action"] == "link.created" && line["actor"] == "secretariat@chu.fr"),
        "{lines:#?}"
    );
}

#[test]
fn wrong_codes_lock_and_expiry_refuses() {
    if crate::sqlite_only() {
        return;
    }
    let outbox_dir = tempfile::tempdir().unwrap();
    let outbox: PathBuf = outbox_dir.path().to_owned();
    let server = start(&outbox);
    let alice = User::invited(&server, "secretariat@chu.fr", "CHU", "agent");
    let (_dir, paths) = files(&[("rapport.txt", b"certificat")]);
    let (_, lines) = send_external(&alice, &paths[0], &[]);
    assert_eq!(
        lines[3],
        format!("code: sent by a second mail to {OFFICER}")
    );
    let sent = messages(&outbox);
    assert_eq!(sent.len(), 2, "the link and the code, by two mails");
    assert!(sent.iter().all(|(name, _)| name.ends_with(".eml")));
    let link = link_in(&sent[0].1);
    let code = code_in(body_of(&sent[1].1));
    assert!(!sent[1].1.contains("/x/"), "the code mail holds no link");
    let link_id = link_id_of(&link);
    let browser = Browser::new(&server.url);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let uri = format!("/api/links/{link_id}/code");
    for left in (1..5).rev() {
        let answer = browser.call(
            reqwest::Method::POST,
            &uri,
            None,
            Some(json!({ "code": wrong })),
        );
        assert_eq!(answer.status, 403);
        assert_eq!(answer.body["attempts_left"], left);
    }
    let locked = browser.call(
        reqwest::Method::POST,
        &uri,
        None,
        Some(json!({ "code": wrong })),
    );
    assert_eq!(locked.status, 423);
    assert_eq!(locked.body["error"], "link_locked");
    let after = browser.call(
        reqwest::Method::POST,
        &uri,
        None,
        Some(json!({ "code": code })),
    );
    assert_eq!(after.status, 410);
    assert_eq!(after.body["error"], "link_locked");
    assert_eq!(
        server.sql(&format!(
            "SELECT server_half IS NULL, state FROM links WHERE id = X'{link_id}'"
        )),
        "1|locked\n"
    );
    let sent = messages(&outbox);
    assert_eq!(sent.len(), 3);
    assert!(
        sent[2].1.contains("To: secretariat@chu.fr"),
        "the sender is told: {}",
        sent[2].1
    );

    // An expired link refuses, and its S is gone.
    let (id, _) = send_external(&alice, &paths[0], &["--expires", "1h"]);
    let sent = messages(&outbox);
    let link = link_in(&sent[3].1);
    let code = code_in(body_of(&sent[4].1));
    let link_id = link_id_of(&link);
    server.sql(&format!(
        "UPDATE links SET expires_at = 1 WHERE id = X'{link_id}'"
    ));
    let refused = browser.call(
        reqwest::Method::POST,
        &format!("/api/links/{link_id}/code"),
        None,
        Some(json!({ "code": code })),
    );
    assert_eq!(refused.status, 410);
    assert_eq!(refused.body["error"], "link_expired");
    assert_eq!(
        server.sql(&format!(
            "SELECT server_half IS NULL, state FROM links WHERE id = X'{link_id}'"
        )),
        "1|expired\n"
    );
    assert_eq!(outbox_links(&alice, &id)[0]["state"], "expired");

    // Usage errors.
    let bad = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--external",
        OFFICER,
        "--expires",
        "10m",
    ]);
    assert_eq!(bad.code, 2, "{bad:#?}");
    let bad = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--sms",
        "+33612345678",
        "--to",
        "x@y.fr",
    ]);
    assert_eq!(bad.code, 2, "{bad:#?}");
    let bad = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--external",
        OFFICER,
        "--sms",
        "0612",
    ]);
    assert!(bad.fails().contains("phone"), "{bad:#?}");
}

/// `aiosmtpd` on loopback, writing what it receives into a maildir; killed on drop.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let program = std::env::var("PLI_TEST_AIOSMTPD").unwrap_or_else(|_| "aiosmtpd".to_owned());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new(&program)
            .args(["-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot run {program:?} ({error}): the SMTP test needs aiosmtpd from PyPI; scripts/test installs it, or set PLI_TEST_AIOSMTPD to its executable"
                )
            });
        let server = SmtpServer {
            child,
            port,
            maildir,
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("aiosmtpd did not start listening on port {port}");
    }

    /// The messages received, in no particular order.
    fn received(&self) -> Vec<String> {
        let dir = self.maildir.path().join("mail").join("new");
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|entry| decoded(&std::fs::read_to_string(entry.unwrap().path()).unwrap()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_link_mail_goes_through_a_real_smtp_server() {
    let smtp = SmtpServer::start();
    let outbox_dir = tempfile::tempdir().unwrap();
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let server = Server::start_env(
        &[
            Path::new("--smtp"),
            Path::new(&smtp_url),
            Path::new("--mail-outbox"),
            outbox_dir.path(),
            Path::new("--mail-from"),
            Path::new("Pli CHU <pli@chu.example>"),
        ],
        &[],
    );
    let alice = User::invited(&server, "secretariat@chu.fr", "CHU", "agent");
    let (_dir, paths) = files(&[("rapport.pdf", b"%PDF via SMTP")]);
    send_external(&alice, &paths[0], &["--sms", "+33612345678"]);
    let mut received = Vec::new();
    for _ in 0..100 {
        received = smtp.received();
        if !received.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(received.len(), 1, "the link mail, by SMTP: {received:?}");
    let mail = &received[0];
    assert!(
        mail.contains("From: \"Pli CHU\" <pli@chu.example>"),
        "{mail}"
    );
    assert!(mail.contains(&format!("To: {OFFICER}")), "{mail}");
    let link = link_in(mail);
    // Only the SMS, with no SMS gateway, went to the outbox.
    let sent = messages(outbox_dir.path());
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].0.ends_with(".txt"));
    let code = code_in(sent[0].1.split_once("\n\n").unwrap().1);
    let browser = Browser::new(&server.url);
    let (files, _) = open_as_browser(&browser, &link, &code);
    assert_eq!(files[0].1, b"%PDF via SMTP");
}
