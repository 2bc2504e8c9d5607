//! Key transparency, as a sender sees it: keys the directory serves must be proven by the
//! server's audit log; a key substituted in the database is refused, naming the recipient.
//! And `pli audit report`: filters, formats, and refusal for an agent.

use serde_json::Value;

use crate::{Server, User, files};

fn account_id(server: &Server, email: &str) -> String {
    server
        .sql(&format!(
            "SELECT {} FROM accounts WHERE email = '{email}'",
            server.sql_hex("id")
        ))
        .trim()
        .to_owned()
}

#[test]
fn a_substituted_key_is_refused_and_an_untouched_directory_sends() {
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let _bob = User::invited(&server, "bob@hospital.fr", "Hospital", "agent");
    let _mallory = User::invited(&server, "mallory@hospital.fr", "Hospital", "agent");
    let (_dir, paths) = files(&[("report.txt", b"results")]);

    // The profile pinned the log key at join; whoami shows its fingerprint.
    let whoami: Value = serde_json::from_str(alice.run(&["whoami", "--json"]).ok()).unwrap();
    let fingerprint = whoami["log_key"].as_str().unwrap();
    assert!(fingerprint.contains("/audit+"), "{whoami}");
    assert!(alice.run(&["whoami"]).ok().contains(fingerprint));

    // An untouched directory: the key is proven, twice (the second send checks consistency
    // with the checkpoint kept by the first).
    alice.send(&[&paths[0]], "bob@hospital.fr");
    alice.send(&[&paths[0]], "bob@hospital.fr");

    // The server now serves Mallory's key as Bob's.
    let bob_id = server.sql_blob(&account_id(&server, "bob@hospital.fr"));
    server.sql(&format!(
        "UPDATE accounts SET age_recipient = \
         (SELECT age_recipient FROM accounts WHERE email = 'mallory@hospital.fr') \
         WHERE id = {bob_id}"
    ));
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    let stderr = run.fails();
    assert!(stderr.contains("bob@hospital.fr"), "{stderr}");
    assert!(stderr.contains("audit log"), "{stderr}");
    assert!(run.stdout.is_empty(), "{run:#?}");

    // Pointing Bob's entry at Mallory's logged key does not help: the entry names Mallory.
    let mallory_id = server.sql_blob(&account_id(&server, "mallory@hospital.fr"));
    server.sql(&format!(
        "UPDATE accounts SET signing_key = \
         (SELECT signing_key FROM accounts WHERE id = {mallory_id}) WHERE id = {bob_id}; \
         UPDATE account_key_log SET log_index = \
         (SELECT log_index FROM account_key_log WHERE account_id = {mallory_id}) \
         WHERE account_id = {bob_id}"
    ));
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    assert!(run.fails().contains("bob@hospital.fr"), "{run:#?}");

    // Nor does dropping the index.
    server.sql(&format!(
        "DELETE FROM account_key_log WHERE account_id = {bob_id}"
    ));
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    assert!(run.fails().contains("bob@hospital.fr"), "{run:#?}");

    // Mallory herself is still reachable.
    alice.send(&[&paths[0]], "mallory@hospital.fr");
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let _bob = User::invited(&server, "bob@hospital.fr", "Hospital", "agent");
    let (_dir, paths) = files(&[("a.txt", b"a")]);
    alice.send(&[&paths[0]], "bob@hospital.fr");
    // The profile's pinned key is replaced by another log's key.
    let profile_path = alice.home.path().join("profile.json");
    let mut profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&profile_path).unwrap()).unwrap();
    profile["log_key"] =
        Value::from("localhost/audit+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    std::fs::write(&profile_path, serde_json::to_string(&profile).unwrap()).unwrap();
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    assert!(run.fails().contains("audit log"), "{run:#?}");
}

fn report(user: &User, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "report", "--since", "2000-01-01", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(user.run(&args).ok()).unwrap()
}

#[test]
fn audit_reports_filter_by_account_envelope_and_period_in_three_formats() {
    let server = Server::start();
    let dpo = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let bob = User::invited(&server, "bob@hospital.fr", "Hospital", "agent");
    let (_dir, paths) = files(&[("a.txt", b"a")]);
    let id = alice.send(&[&paths[0]], "bob@hospital.fr");
    let out = tempfile::tempdir().unwrap();
    bob.get(&id, out.path()).ok();

    let all = report(&dpo, &[]);
    assert!(all.len() >= 6, "{all:?}");
    assert!(
        all.iter()
            .all(|line| line["at"].is_string() && line["from"].is_string())
    );

    let about_envelope = report(&dpo, &["--envelope", &id]);
    let actions: Vec<&str> = about_envelope
        .iter()
        .map(|line| line["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"envelope.upload"), "{actions:?}");
    assert!(actions.contains(&"envelope.download"), "{actions:?}");
    assert!(
        about_envelope
            .iter()
            .all(|line| line["target"] == id.as_str())
    );
    let downloaded_by: Vec<&str> = about_envelope
        .iter()
        .filter(|line| line["action"] == "envelope.download")
        .map(|line| line["actor"].as_str().unwrap())
        .collect();
    assert_eq!(downloaded_by, vec!["bob@hospital.fr"]);

    let by_bob = report(&dpo, &["--account", "BOB@hospital.fr"]);
    assert!(!by_bob.is_empty());
    assert!(
        by_bob
            .iter()
            .all(|line| line["actor"] == "bob@hospital.fr" || line["target"] == "bob@hospital.fr"),
        "{by_bob:?}"
    );

    // A period in the future holds nothing; one in the past neither.
    let run = dpo.run(&["audit", "report", "--since", "2100-01-01", "--json"]);
    assert_eq!(run.ok(), "[]");
    let run = dpo.run(&[
        "audit",
        "report",
        "--since",
        "2000-01-01",
        "--until",
        "2000-01-02",
        "--json",
    ]);
    assert_eq!(run.ok(), "[]");

    // CSV: a header, then one line per event.
    let run = dpo.run(&[
        "audit",
        "report",
        "--since",
        "2000-01-01",
        "--envelope",
        &id,
        "--csv",
    ]);
    let lines: Vec<&str> = run.ok().lines().collect();
    assert_eq!(lines[0], "seq,at,actor,from,action,target,outcome");
    assert_eq!(lines.len(), about_envelope.len() + 1);
    assert!(lines[1..].iter().all(|line| line.contains(&id)));
    // Text: one line per event too.
    let run = dpo.run(&[
        "audit",
        "report",
        "--since",
        "2000-01-01",
        "--envelope",
        &id,
    ]);
    assert_eq!(run.ok().lines().count(), about_envelope.len());

    // Agents are refused; so is a malformed time.
    let run = alice.run(&["audit", "report", "--since", "2000-01-01"]);
    assert!(run.fails().contains("auditors and admins"), "{run:#?}");
    let run = dpo.run(&["audit", "report", "--since", "yesterday"]);
    assert!(run.fails().contains("not a time"), "{run:#?}");
    // The refusal itself is reported.
    let denied = report(&dpo, &["--account", "alice@hospital.fr"]);
    assert!(
        denied
            .iter()
            .any(|line| line["action"] == "audit.report" && line["outcome"] == "denied"),
        "{denied:?}"
    );
    // Each report the auditor ran is on record with what it asked for.
    let all = report(&dpo, &[]);
    let asked: Vec<&str> = all
        .iter()
        .filter(|line| line["action"] == "audit.report" && line["actor"] == "dpo@hospital.fr")
        .map(|line| line["target"].as_str().unwrap())
        .collect();
    assert!(
        asked.contains(&"since=946684800 account=bob@hospital.fr"),
        "{asked:?}"
    );
    assert!(
        asked.contains(&format!("since=946684800 envelope={id}").as_str()),
        "{asked:?}"
    );
    assert!(
        asked.contains(&"since=946684800 until=946771200"),
        "{asked:?}"
    );
}

/// Points a profile at the server's new address after a restart.
fn repoint(user: &User, url: &str) {
    let path = user.home.path().join("profile.json");
    let mut profile: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    profile["server"] = Value::from(url);
    std::fs::write(&path, serde_json::to_string(&profile).unwrap()).unwrap();
}

#[test]
fn keys_made_before_key_logging_are_logged_at_the_next_start_and_only_then() {
    if crate::sqlite_only() {
        return;
    }
    let mut server = Server::start();
    let mailbox = crate::pli(None)
        .args([
            "admin", "mailbox", "create", "urgences", "--org", "Hospital", "--data",
        ])
        .arg(server.data.path())
        .output()
        .unwrap();
    assert!(mailbox.status.success(), "{mailbox:?}");
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let code = server.invite("bob@hospital.fr", "Hospital", "agent", &["urgences"]);
    let bob = User::join(&server, "bob@hospital.fr", &code);
    // A member's client makes the mailbox's first key generation.
    bob.run(&["mailbox", "sync"]).ok();
    let (_dir, paths) = files(&[("a.txt", b"a")]);
    alice.send(&[&paths[0]], "urgences");
    assert_ne!(server.sql("SELECT count(*) FROM mailbox_keys").trim(), "0");
    assert!(server.data.path().join("keys-logged").exists());

    // The same installation as it was before keys were logged: no entries, no marker.
    server.stop();
    server.sql("DELETE FROM account_key_log; DELETE FROM mailbox_key_log");
    std::fs::remove_file(server.data.path().join("keys-logged")).unwrap();
    server.restart();
    repoint(&alice, &server.url);
    alice.send(&[&paths[0]], "bob@hospital.fr");
    alice.send(&[&paths[0]], "urgences");
    assert_eq!(
        server.sql("SELECT count(*) FROM account_key_log").trim(),
        "2",
        "both accounts' keys are logged again"
    );
    assert!(server.data.path().join("keys-logged").exists());

    // Once done, a start does not log keys again: an index deleted from the database stays
    // missing, and the sender refuses the key rather than trusting it.
    let bob_id = server.sql_blob(&account_id(&server, "bob@hospital.fr"));
    server.stop();
    server.sql(&format!(
        "DELETE FROM account_key_log WHERE account_id = {bob_id}"
    ));
    server.restart();
    repoint(&alice, &server.url);
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    assert!(run.fails().contains("bob@hospital.fr"), "{run:#?}");
}
