//! Upload requests end to end: `pli request` through a real server whose notifier writes to a
//! mail outbox, a test client that plays the outside person's browser (reads the link from the
//! outbox, checks the statement with the fragment's key, seals with `pli-envelope` under a
//! fresh key, uploads), then `pli inbox` and `pli get` by the readers.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pli_envelope::{FileEntry, Manifest, OutsideSender, Sender, SigningKey, key_id};
use serde_json::Value;

use crate::{Server, User};

const FAMILY: &str = "famille@example.org";

/// The outside person's browser: reads the request, checks the statement, seals, uploads.
struct Outsider {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Outsider {
    fn new() -> Outsider {
        Outsider {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            http: reqwest::Client::new(),
        }
    }

    /// The request's summary, after checking its statement with the link's fragment key.
    fn summary(&self, link: &str) -> (String, Value) {
        let (url, fragment) = link.split_once('#').unwrap();
        let (server, id) = url.split_once("/r/").unwrap();
        let body: Value = self.runtime.block_on(async {
            let response = self
                .http
                .get(format!("{server}/api/requests/{id}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json().await.unwrap()
        });
        let key: [u8; 32] = URL_SAFE_NO_PAD
            .decode(fragment)
            .unwrap()
            .try_into()
            .unwrap();
        let statement = &body["statement"];
        let recipients: Vec<String> =
            serde_json::from_value(statement["recipients"].clone()).unwrap();
        let message = pli_proto::request_signed_bytes(
            &hex::decode(id).unwrap().try_into().unwrap(),
            statement["addressee"].as_str().unwrap(),
            statement["email"].as_str().unwrap(),
            &recipients,
            statement["expires_at"].as_i64().unwrap(),
            u32::try_from(statement["max_uploads"].as_u64().unwrap()).unwrap(),
        )
        .unwrap();
        let signature: [u8; 64] = URL_SAFE_NO_PAD
            .decode(body["signature"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        ed25519_dalek::VerifyingKey::from_bytes(&key)
            .unwrap()
            .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
            .expect("the statement verifies with the fragment's key");
        (server.to_owned(), body)
    }

    /// Seals `files` for the request's recipients under a fresh key and uploads them; returns
    /// the envelope id. `alter` may change the manifest before sealing (a forged upload).
    fn upload(&self, link: &str, files: &[(&str, &[u8])], alter: impl Fn(&mut Manifest)) -> String {
        let (server, body) = self.summary(link);
        let statement = &body["statement"];
        let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        let envelope_id = hex::encode(rand::random::<[u8; 16]>());
        let mut manifest = Manifest {
            envelope_id: envelope_id.clone(),
            subject: String::new(),
            sender: Sender {
                email: statement["email"].as_str().unwrap().to_owned(),
                key_id: key_id(&key.verifying_key()),
            },
            recipients: vec![statement["addressee"].as_str().unwrap().to_owned()],
            created_at: 1_767_225_600,
            files: files
                .iter()
                .map(|(name, bytes)| {
                    let (sha256, size) = pli_envelope::sha256_reader(&mut &bytes[..]).unwrap();
                    FileEntry {
                        name: (*name).to_owned(),
                        size,
                        media_type: "application/pdf".into(),
                        sha256,
                    }
                })
                .collect(),
            dlp: None,
            outside: Some(OutsideSender {
                request_id: statement["id"].as_str().unwrap().to_owned(),
                signing_key: key.verifying_key().to_bytes(),
                name: Some("Marie Dupont".into()),
            }),
        };
        alter(&mut manifest);
        let recipients: Vec<pli_envelope::Recipient> = statement["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|text| text.as_str().unwrap().parse().unwrap())
            .collect();
        let mut readers: Vec<&[u8]> = files.iter().map(|(_, bytes)| *bytes).collect();
        let mut readers: Vec<&mut dyn std::io::Read> = readers
            .iter_mut()
            .map(|reader| reader as &mut dyn std::io::Read)
            .collect();
        let mut sealed = Vec::new();
        pli_envelope::seal(&manifest, &key, &recipients, &mut readers, &mut sealed).unwrap();
        let request_id = statement["id"].as_str().unwrap();
        self.runtime.block_on(async {
            let response = self
                .http
                .put(format!(
                    "{server}/api/requests/{request_id}/envelopes/{envelope_id}"
                ))
                .header("content-type", "application/octet-stream")
                .header("content-length", sealed.len())
                .body(sealed)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(status, 201, "{text}");
        });
        envelope_id
    }
}

fn mails(outbox: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(outbox)
        .map(|dir| {
            dir.map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|name| name.ends_with(".eml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(outbox.join(name)).unwrap();
            let normalized = text.replace("\r\n", "\n");
            match normalized.split_once("\n\n") {
                Some((headers, body))
                    if headers
                        .to_lowercase()
                        .contains("content-transfer-encoding: base64") =>
                {
                    let joined: String = body.split_whitespace().collect();
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(joined)
                        .unwrap();
                    format!("{headers}\n\n{}", String::from_utf8(bytes).unwrap())
                }
                _ => normalized,
            }
        })
        .collect()
}

fn printed(run: &crate::Run, prefix: &str) -> String {
    run.ok()
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line: {run:#?}"))
        .to_owned()
}

#[test]
fn an_outside_person_uploads_to_a_mailbox_and_its_readers_open_it_unverified() {
    let outbox_dir = tempfile::tempdir().unwrap();
    let outbox = outbox_dir.path().join("outbox");
    let server = Server::start_with(&[Path::new("--mail-outbox"), &outbox]);
    let alice = User::invited(&server, "alice@mairie.fr", "mairie", "admin");
    let bob = User::invited(&server, "bob@mairie.fr", "mairie", "agent");
    let carol = User::invited(&server, "carol@mairie.fr", "mairie", "agent");
    let dave = User::invited(&server, "dave@mairie.fr", "mairie", "agent");
    let admin = |args: &[&str]| {
        let mut all = vec!["admin", "mailbox"];
        all.extend(args);
        all.extend(["--server", &server.url]);
        alice.run(&all).ok().to_owned()
    };
    admin(&["create", "accueil", "--org", "mairie"]);
    admin(&["add", "accueil", "bob@mairie.fr"]);
    admin(&["add", "accueil", "carol@mairie.fr"]);

    // Who does not read the mailbox cannot ask on its behalf.
    let refused = dave.run(&["request", "--external", FAMILY, "--mailbox", "accueil"]);
    assert!(refused.fails().contains("accueil"), "{refused:#?}");

    let run = bob.run(&[
        "request",
        "--external",
        FAMILY,
        "--mailbox",
        "accueil",
        "--expires",
        "2d",
        "--max-uploads",
        "2",
    ]);
    let id = run.ok().lines().next().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{run:#?}");
    let link = printed(&run, "link: ");
    assert!(
        link.starts_with(&format!("{}/r/{id}#", server.url)),
        "{link}"
    );
    printed(&run, "expires: ");
    let sent = mails(&outbox);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].contains(&link),
        "the mail carries the whole link: {}",
        sent[0]
    );
    assert!(
        sent[0].to_lowercase().contains(&format!("to: {FAMILY}")),
        "{}",
        sent[0]
    );

    let outsider = Outsider::new();
    let first = b"%PDF-1.7 livret de famille".to_vec();
    let second = crate::noise(200_000, 7);
    let envelope = outsider.upload(
        &link,
        &[("livret.pdf", &first), ("justificatif.pdf", &second)],
        |_| {},
    );

    // Both readers of the mailbox see it, marked; nobody else does.
    let inbox = carol.inbox();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["id"], envelope.as_str());
    assert_eq!(inbox[0]["outside"]["email"], FAMILY);
    assert_eq!(inbox[0]["outside"]["request_id"], id.as_str());
    assert_eq!(inbox[0]["outside"]["verified"], false);
    let table = carol.run(&["inbox"]);
    assert!(table.ok().contains("outside, unverified"), "{table:#?}");
    assert!(dave.inbox().is_empty());

    let out = tempfile::tempdir().unwrap();
    let got = carol.run(&[
        "get",
        &envelope,
        "-o",
        out.path().to_str().unwrap(),
        "--json",
    ]);
    let opened: Value = serde_json::from_str(got.ok()).unwrap();
    assert_eq!(opened["sender"], FAMILY);
    assert_eq!(opened["sender_verified"], false);
    assert_eq!(opened["outside"]["name"], "Marie Dupont");
    assert_eq!(opened["outside"]["request_id"], id.as_str());
    assert_eq!(opened["outside"]["requester"], "bob@mairie.fr");
    assert_eq!(std::fs::read(out.path().join("livret.pdf")).unwrap(), first);
    assert_eq!(
        std::fs::read(out.path().join("justificatif.pdf")).unwrap(),
        second
    );
    let again = tempfile::tempdir().unwrap();
    let got = bob.get(&envelope, again.path());
    assert!(got.stderr.contains("UNVERIFIED outside sender"), "{got:#?}");
    assert_eq!(
        std::fs::read(again.path().join("livret.pdf")).unwrap(),
        first
    );

    // The requester sees it under its request, and marked in its outbox.
    let listed: Vec<Value> =
        serde_json::from_str(bob.run(&["request", "list", "--json"]).ok()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["to"], "accueil");
    assert_eq!(listed[0]["uploads"], 1);
    assert_eq!(listed[0]["state"], "active");
    assert_eq!(listed[0]["envelopes"][0]["id"], envelope.as_str());
    let outbox_list: Vec<Value> =
        serde_json::from_str(bob.run(&["outbox", "--json"]).ok()).unwrap();
    assert_eq!(outbox_list.len(), 1, "{outbox_list:?}");
    assert_eq!(outbox_list[0]["outside"]["email"], FAMILY);
    let table = bob.run(&["outbox"]);
    assert!(table.ok().contains("outside, unverified"), "{table:#?}");

    // A forged upload naming another request is refused by `pli get`, files never written.
    let forged = outsider.upload(&link, &[("faux.pdf", b"faux")], |manifest| {
        if let Some(outside) = manifest.outside.as_mut() {
            outside.request_id = "00".repeat(16);
        }
    });
    let out = tempfile::tempdir().unwrap();
    let refused = carol.get(&forged, out.path());
    assert!(
        refused.fails().contains("outside sender mismatch"),
        "{refused:#?}"
    );
    assert!(crate::listing(out.path()).is_empty());
    let listed: Vec<Value> =
        serde_json::from_str(bob.run(&["request", "list", "--json"]).ok()).unwrap();
    assert_eq!(listed[0]["state"], "exhausted");

    // Withdrawn: the text listing says so.
    let own = bob.run(&["request", "--external", FAMILY]);
    let own_id = own.ok().lines().next().unwrap().to_owned();
    bob.run(&["request", "withdraw", &own_id]).ok();
    let text = bob.run(&["request", "list"]);
    assert!(
        text.ok().contains(&format!(
            "{own_id}  {FAMILY} -> bob@mairie.fr: withdrawn, 0/1 uploads"
        )),
        "{text:#?}"
    );
}

#[test]
fn an_upload_to_ones_own_inbox_opens_with_the_account_key() {
    let outbox_dir = tempfile::tempdir().unwrap();
    let outbox = outbox_dir.path().join("outbox");
    let server = Server::start_with(&[Path::new("--mail-outbox"), &outbox]);
    let bob = User::invited(&server, "bob@mairie.fr", "mairie", "agent");
    let run = bob.run(&["request", "--external", "Avocat@Cabinet.example"]);
    let link = printed(&run, "link: ");
    let outsider = Outsider::new();
    let (_, summary) = outsider.summary(&link);
    assert_eq!(summary["statement"]["addressee"], "bob@mairie.fr");
    assert_eq!(summary["statement"]["email"], "avocat@cabinet.example");
    assert_eq!(summary["statement"]["max_uploads"], 1);
    let expires = summary["statement"]["expires_at"].as_i64().unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    assert!(
        (expires - now - 7 * 86_400).abs() < 600,
        "7 days by default"
    );
    let envelope = outsider.upload(&link, &[("acte.pdf", b"acte")], |_| {});
    let out = tempfile::tempdir().unwrap();
    let got = bob.run(&[
        "get",
        &envelope,
        "-o",
        out.path().to_str().unwrap(),
        "--json",
    ]);
    let opened: Value = serde_json::from_str(got.ok()).unwrap();
    assert_eq!(opened["sender_verified"], false);
    assert_eq!(std::fs::read(out.path().join("acte.pdf")).unwrap(), b"acte");
    // Bad arguments are usage errors, said plainly.
    let missing = bob.run(&["request"]);
    assert_eq!(missing.code, 2, "{missing:#?}");
    let bad = bob.run(&["request", "--external", FAMILY, "--expires", "10m"]);
    assert_eq!(bad.code, 2, "{bad:#?}");
    let bad = bob.run(&["request", "--external", FAMILY, "--max-uploads", "0"]);
    assert_eq!(bad.code, 2, "{bad:#?}");
}
