//! `pli audit verify` against a real server whose SQLite file is edited directly while it is
//! stopped: every rewritten, deleted, inserted or reordered entry is caught and named, an
//! untouched log verifies, and a checkpoint kept earlier that the log no longer extends is
//! reported.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::{Run, Server, User, pli};

impl Server {
    /// Stops the server (its data directory stays).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same data directory.
    pub fn restart(&mut self) {
        self.stop();
        let mut child = pli(None)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(self.data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("Listening on ")
            .unwrap()
            .to_owned();
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        self.child = child;
        self.url = url;
    }
}

/// A server with an auditor and an agent who did a few things, in several batches.
fn busy_server() -> (Server, User) {
    let server = Server::start();
    let auditor = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let agent = User::invited(&server, "agent@hospital.fr", "Hospital", "agent");
    for _ in 0..3 {
        agent.run(&["inbox"]).ok();
        agent.run(&["whoami"]).ok();
    }
    (server, auditor)
}

/// `pli audit verify --data DIR --json` as `user`.
fn verify_data(user: &User, server: &Server) -> (Run, Value) {
    let run = user.run(&[
        "audit",
        "verify",
        "--data",
        server.data.path().to_str().unwrap(),
        "--json",
    ]);
    let value = serde_json::from_str(run.stdout.trim()).unwrap_or(Value::Null);
    (run, value)
}

fn entry_count(server: &Server) -> u64 {
    server
        .sql("SELECT count(*) FROM audit_log_entries")
        .trim()
        .parse()
        .unwrap()
}

/// Asserts that verification fails naming `kind` at `index`.
#[track_caller]
fn assert_finding(run: &Run, value: &Value, kind: &str, index: u64) {
    let stderr = run.fails();
    assert_eq!(value["intact"], false, "{run:#?}");
    assert_eq!(value["finding"]["kind"], kind, "{run:#?}");
    assert_eq!(value["finding"]["index"], index, "{run:#?}");
    assert!(
        stderr.contains(&format!("{index}")),
        "the message names the entry: {stderr}"
    );
}

#[test]
fn an_untouched_log_verifies_through_the_server_and_the_data_directory() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    let run = auditor.run(&["audit", "verify", "--server", &server.url.clone(), "--json"]);
    let value: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(value["intact"], true);
    assert!(value["size"].as_u64().unwrap() >= 8, "{value}");
    // The first entry was an offline invitation, before the server wrote any.
    assert_eq!(value["origin"], "localhost/audit");
    // Human output too.
    let run = auditor.run(&["audit", "verify"]);
    assert!(run.ok().contains("intact"), "{run:#?}");

    server.stop();
    let (run, value) = verify_data(&auditor, &server);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(value["intact"], true);
    // The checkpoints kept by the earlier runs were checked too.
    assert!(value["kept_checkpoints"].as_u64().unwrap() >= 1, "{value}");

    // An agent may not read the log's entries.
    server.restart();
    let agent = User::invited(&server, "other@hospital.fr", "Hospital", "agent");
    let run = agent.run(&["audit", "verify"]);
    assert!(run.fails().contains("auditors and admins"), "{run:#?}");
}

#[test]
fn a_rewritten_entry_is_named() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    server.stop();
    // Flip the outcome byte of entry 3 (offset 50), keeping everything else.
    server.sql(
        "UPDATE audit_log_entries SET entry = CAST(substr(entry, 1, 50) || \
         CASE WHEN substr(entry, 51, 1) = X'00' THEN X'01' ELSE X'00' END || substr(entry, 52) \
         AS BLOB) WHERE idx = 3",
    );
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "rewritten", 3);
    assert!(value["finding"]["time"].is_i64(), "{value}");
}

#[test]
fn a_deleted_entry_is_named() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    server.stop();
    server.sql("DELETE FROM audit_log_entries WHERE idx = 4");
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "deleted", 4);
    assert_eq!(value["finding"]["count"], 1);
}

#[test]
fn an_inserted_entry_is_named() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    server.stop();
    let n = entry_count(&server);
    // Make room at 5, then put a copy of entry 2 there.
    server.sql(&format!(
        "UPDATE audit_log_entries SET idx = idx + {n} WHERE idx >= 5; \
         UPDATE audit_log_entries SET idx = idx - {n} + 1 WHERE idx >= {n}; \
         INSERT INTO audit_log_entries (idx, entry) \
         SELECT 5, entry FROM audit_log_entries WHERE idx = 2;"
    ));
    assert_eq!(entry_count(&server), n + 1);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "inserted", 5);
}

#[test]
fn reordered_entries_are_named() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    server.stop();
    server.sql(
        "UPDATE audit_log_entries SET idx = -1 WHERE idx = 3; \
         UPDATE audit_log_entries SET idx = 3 WHERE idx = 4; \
         UPDATE audit_log_entries SET idx = 4 WHERE idx = -1;",
    );
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "reordered", 3);
    assert_eq!(value["finding"]["found_at"], 4);
}

#[test]
fn a_kept_checkpoint_the_log_no_longer_extends_is_reported() {
    if crate::sqlite_only() {
        return;
    }
    let (mut server, auditor) = busy_server();
    server.stop();
    let (run, kept) = verify_data(&auditor, &server);
    assert_eq!(run.code, 0, "{run:#?}");
    let kept_size = kept["size"].as_u64().unwrap();

    // Roll the log back to an earlier checkpoint, as an insider erasing their tracks would,
    // then let the server write a different history after it.
    let sizes: Vec<u64> = server
        .sql("SELECT size FROM audit_log_checkpoints ORDER BY size")
        .lines()
        .map(|line| line.parse().unwrap())
        .collect();
    let back_to = sizes[sizes.len() / 2];
    assert!(back_to < kept_size);
    // Each tile of level L keeps the hashes of tree level 8L below the smaller tree.
    server.sql(&format!(
        "DELETE FROM audit_log_entries WHERE idx >= {back_to}; \
         DELETE FROM audit_log_tiles WHERE idx * 256 >= ({back_to} >> (8 * level)); \
         UPDATE audit_log_tiles SET data = substr(data, 1, 32 * (({back_to} >> (8 * level)) - idx * 256)) \
           WHERE ({back_to} >> (8 * level)) - idx * 256 < length(data) / 32; \
         DELETE FROM audit_log_checkpoints WHERE size > {back_to};"
    ));
    server.restart();
    let agent = User::invited(&server, "late@hospital.fr", "Hospital", "agent");
    for _ in 0..3 {
        agent.run(&["whoami"]).ok();
    }
    server.stop();
    assert!(entry_count(&server) > back_to);

    let (run, value) = verify_data(&auditor, &server);
    let stderr = run.fails();
    assert_eq!(value["intact"], false, "{run:#?}");
    let kind = value["finding"]["kind"].as_str().unwrap();
    assert!(
        [
            "rewritten",
            "root_mismatch",
            "forked",
            "deleted",
            "inserted"
        ]
        .contains(&kind),
        "{value}"
    );
    assert!(
        stderr.contains("tamper") || stderr.contains("fork"),
        "{stderr}"
    );
}
