//! `pli audit verify` against a real server whose database (SQLite, or PostgreSQL with
//! `PLI_TEST_BACKEND=postgres-s3`) is edited directly while it is stopped: every rewritten,
//! deleted, inserted or reordered entry or `audit_events` row is caught and named, an untouched
//! log verifies, and a checkpoint kept earlier that the log no longer extends is reported.
//! Entries are stored in bundles of 256 (`audit_log_bundles`, full ones compressed): an edit
//! reads a bundle, changes single entries in it and writes it back with SQL, as an insider
//! would.

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
            .args(self.backend.serve_args())
            .envs(self.backend.envs.iter().map(|(name, value)| (*name, value)))
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
    let mut args = vec![
        "audit",
        "verify",
        "--data",
        server.data.path().to_str().unwrap(),
        "--json",
    ];
    if let Some(database) = &server.backend.database {
        args.extend(["--database", database]);
    }
    let run = user.run(&args);
    let value = serde_json::from_str(run.stdout.trim()).unwrap_or(Value::Null);
    (run, value)
}

/// The entries of every stored bundle, by bundle index, decoded as the store decodes them (a
/// full bundle is stored compressed).
fn bundles(server: &Server) -> Vec<(u64, Vec<Vec<u8>>)> {
    let hex = server.sql_hex("data");
    server
        .sql(&format!(
            "SELECT idx, codec, {hex} FROM audit_log_bundles ORDER BY idx"
        ))
        .lines()
        .map(|line| {
            let mut fields = line.split('|');
            let (index, codec, data) = (
                fields.next().unwrap(),
                fields.next().unwrap(),
                fields.next().unwrap(),
            );
            let codec = pli_store::BundleCodec::from_code(codec.parse().unwrap()).unwrap();
            let stored = hex::decode(data).unwrap();
            let data = pli_store::decode_bundle(codec, &stored).unwrap();
            let entries = pli_audit::bundle_entries(&data).unwrap();
            (
                index.parse().unwrap(),
                entries.into_iter().map(<[u8]>::to_vec).collect(),
            )
        })
        .collect()
}

/// The entries of bundle 0, where the whole log of [`busy_server`] is.
fn first_bundle(server: &Server) -> Vec<Vec<u8>> {
    let all = bundles(server);
    assert_eq!(all.len(), 1, "the log fits in one bundle");
    all.into_iter().next().unwrap().1
}

/// The bytes of a bundle of these entries.
fn bundle_data(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut data = Vec::new();
    for entry in entries {
        pli_audit::push_bundle_entry(&mut data, entry).unwrap();
    }
    data
}

/// Writes bundle `index` back with these entries, straight into the database, uncompressed.
fn write_bundle(server: &Server, index: u64, entries: &[Vec<u8>]) {
    write_stored_bundle(
        server,
        index,
        pli_store::BundleCodec::Raw,
        &bundle_data(entries),
    );
}

/// Writes bundle `index` back as `stored` bytes of `codec`, straight into the database.
fn write_stored_bundle(server: &Server, index: u64, codec: pli_store::BundleCodec, stored: &[u8]) {
    let data = server.sql_blob(&hex::encode(stored));
    server.sql(&format!(
        "UPDATE audit_log_bundles SET codec = {}, data = {data} WHERE idx = {index}",
        codec.code(),
    ));
}

fn entry_count(server: &Server) -> u64 {
    bundles(server)
        .iter()
        .map(|(_, entries)| entries.len() as u64)
        .sum()
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
fn the_sending_policies_published_are_listed_for_their_organisation_auditors() {
    let (mut server, auditor) = busy_server();
    let admin = User::invited(&server, "admin@hospital.fr", "Hospital", "admin");
    let police = User::invited(&server, "dpo@police.fr", "Police", "auditor");
    let work = tempfile::tempdir().unwrap();
    for version in [1, 2] {
        let path = work.path().join(format!("v{version}.toml"));
        std::fs::write(
            &path,
            format!("version = {version}\n[kinds.nir]\nexternal = \"block\"\n"),
        )
        .unwrap();
        admin
            .run(&["admin", "policy", "set", path.to_str().unwrap()])
            .ok();
    }
    let listed = |value: &Value| -> Vec<(String, u64, String)> {
        value["policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|policy| {
                assert!(
                    policy["index"].is_u64() && policy["time"].is_i64(),
                    "{policy}"
                );
                (
                    policy["org"].as_str().unwrap().to_owned(),
                    policy["version"].as_u64().unwrap(),
                    policy["signer"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let expected = vec![
        ("Hospital".to_owned(), 1, "admin@hospital.fr".to_owned()),
        ("Hospital".to_owned(), 2, "admin@hospital.fr".to_owned()),
    ];
    // The organisation's auditor reads its policies' entries through the server.
    let run = auditor.run(&["audit", "verify", "--json"]);
    let value: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(value["intact"], true);
    assert_eq!(listed(&value), expected);
    // With the role the log states for each version's signer, and the organisation's roles.
    for policy in value["policies"].as_array().unwrap() {
        assert_eq!(policy["signer_role"], "admin", "{policy}");
    }
    let roles: Vec<(String, String)> = value["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|role| {
            assert_eq!(role["org"], "Hospital", "{role}");
            assert!(role["index"].is_u64() && role["time"].is_i64(), "{role}");
            (
                role["email"].as_str().unwrap().to_owned(),
                role["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("admin@hospital.fr".to_owned(), "admin".to_owned())),
        "{roles:?}"
    );
    assert!(
        roles
            .iter()
            .all(|(email, _)| !email.ends_with("@police.fr")),
        "another organisation's roles come redacted: {roles:?}"
    );
    let run = auditor.run(&["audit", "verify"]);
    assert!(!run.stderr.contains("warning"), "{run:#?}");
    let lines: Vec<&str> = run.ok().lines().collect();
    assert!(lines[0].contains("intact"), "{run:#?}");
    assert!(
        lines[2].starts_with("sending policy version 2 of Hospital published at entry ")
            && lines[2].ends_with(", signed by admin@hospital.fr"),
        "{run:#?}"
    );
    // Another organisation's auditor gets them redacted: the log still verifies.
    let run = police.run(&["audit", "verify", "--json"]);
    let value: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(value["intact"], true);
    assert_eq!(listed(&value), []);
    // The data directory holds them all.
    server.stop();
    let (run, value) = verify_data(&auditor, &server);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(listed(&value), expected);
}

#[test]
fn a_rewritten_entry_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    // Flip the outcome byte of entry 3 (offset 50), keeping everything else.
    let mut entries = first_bundle(&server);
    entries[3][50] = if entries[3][50] == 0 { 1 } else { 0 };
    write_bundle(&server, 0, &entries);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "rewritten", 3);
    assert!(value["finding"]["time"].is_i64(), "{value}");
}

#[test]
fn a_deleted_entry_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let mut entries = first_bundle(&server);
    entries.remove(4);
    write_bundle(&server, 0, &entries);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "deleted", 4);
    assert_eq!(value["finding"]["count"], 1);
}

#[test]
fn an_inserted_entry_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let n = entry_count(&server);
    // A copy of entry 2 slipped in at 5, the later ones moving up.
    let mut entries = first_bundle(&server);
    entries.insert(5, entries[2].clone());
    write_bundle(&server, 0, &entries);
    assert_eq!(entry_count(&server), n + 1);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "inserted", 5);
}

#[test]
fn reordered_entries_are_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let mut entries = first_bundle(&server);
    entries.swap(3, 4);
    write_bundle(&server, 0, &entries);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "reordered", 3);
    assert_eq!(value["finding"]["found_at"], 4);
}

#[test]
fn a_bundle_cut_short_names_its_last_entry() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let n = entry_count(&server);
    // The last byte of the bundle goes: its last entry no longer reads as one.
    server
        .sql("UPDATE audit_log_bundles SET data = substr(data, 1, length(data) - 1) WHERE idx = 0");
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "rewritten", n - 1);
}

#[test]
fn a_changed_compressed_bundle_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    // The bundle stored compressed, as full bundles are: it verifies as it did.
    let mut entries = first_bundle(&server);
    let zstd = pli_store::BundleCodec::Zstd;
    let compressed = pli_store::compress_bundle(&bundle_data(&entries)).unwrap();
    write_stored_bundle(&server, 0, zstd, &compressed);
    assert_eq!(first_bundle(&server), entries);
    let (run, value) = verify_data(&auditor, &server);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(value["intact"], true, "{value}");

    // A byte of the compressed data changed: the bundle no longer decodes, and is named.
    let mut changed = compressed.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x01;
    write_stored_bundle(&server, 0, zstd, &changed);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "undecodable_bundle", 0);
    assert_eq!(value["finding"]["bundle"], 0, "{value}");
    assert!(run.stderr.contains("bundle 0"), "{run:#?}");
    // Cut short.
    write_stored_bundle(&server, 0, zstd, &compressed[..compressed.len() - 4]);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "undecodable_bundle", 0);

    // An insider who recompresses after an edit: the entry is named, as in a raw bundle.
    entries[3][50] = if entries[3][50] == 0 { 1 } else { 0 };
    let edited = pli_store::compress_bundle(&bundle_data(&entries)).unwrap();
    write_stored_bundle(&server, 0, zstd, &edited);
    let (run, value) = verify_data(&auditor, &server);
    assert_finding(&run, &value, "rewritten", 3);
}

#[test]
fn a_kept_checkpoint_the_log_no_longer_extends_is_reported() {
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
    // The bundle keeps the entries below the smaller tree; each tile of level L keeps the
    // hashes of tree level 8L below it.
    let mut entries = first_bundle(&server);
    entries.truncate(back_to as usize);
    write_bundle(&server, 0, &entries);
    // Written so that SQLite and PostgreSQL (whose `>>` and `substr` take an integer) read it.
    let below = format!("(CAST({back_to} AS BIGINT) >> CAST(8 * level AS INTEGER))");
    server.sql(&format!(
        "DELETE FROM audit_log_tiles WHERE idx * 256 >= {below}; \
         UPDATE audit_log_tiles SET data = substr(data, 1, CAST(32 * ({below} - idx * 256) AS INTEGER)) \
           WHERE {below} - idx * 256 < length(data) / 32; \
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

/// The `audit_events` rows (`seq`, then what a report shows of them), and the indexes of the
/// event entries logged with them, both in order.
fn rows_and_event_entries(server: &Server) -> (Vec<(i64, String)>, Vec<u64>) {
    let rows = server
        .sql(
            "SELECT seq, at, coalesce(actor_email, ''), from_addr, action, coalesce(target, ''), \
             outcome FROM audit_events ORDER BY seq",
        )
        .lines()
        .map(|line| {
            let (seq, rest) = line.split_once('|').unwrap();
            (seq.parse().unwrap(), rest.to_owned())
        })
        .collect();
    let entries = bundles(server)
        .into_iter()
        .flat_map(|(bundle, entries)| (bundle * pli_audit::BUNDLE_WIDTH..).zip(entries))
        .filter(|(_, entry)| {
            pli_audit::EntryHeader::decode(entry)
                .is_ok_and(|header| header.kind == pli_audit::KIND_AUDIT_EVENT)
        })
        .map(|(index, _)| index)
        .collect();
    (rows, entries)
}

/// The position of a row that differs from the row before it and from the two after it, which
/// differ from each other: what is done to it cannot be mistaken for something done to them.
fn lone_row(rows: &[(i64, String)]) -> usize {
    (1..rows.len().saturating_sub(2))
        .find(|&k| {
            let around = [&rows[k - 1].1, &rows[k].1, &rows[k + 1].1, &rows[k + 2].1];
            (0..4).all(|a| (a + 1..4).all(|b| around[a] != around[b]))
        })
        .expect("a busy log has such a row")
}

/// Asserts that verification fails naming a row finding of `kind` with these fields.
#[track_caller]
fn assert_row_finding(run: &Run, value: &Value, kind: &str, fields: &[(&str, i64)]) {
    let stderr = run.fails();
    assert_eq!(value["intact"], false, "{run:#?}");
    assert_eq!(value["finding"]["kind"], kind, "{run:#?}");
    for (name, expected) in fields {
        assert_eq!(value["finding"][*name], *expected, "{name}: {run:#?}");
        assert!(
            stderr.contains(&expected.to_string()),
            "the message names the {name}: {stderr}"
        );
    }
    assert!(stderr.contains("audit_events row"), "{stderr}");
}

#[test]
fn the_rows_reports_read_are_checked_against_the_log() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let (rows, entries) = rows_and_event_entries(&server);
    // One row per event entry: what the check relies on.
    assert_eq!(rows.len(), entries.len());
    assert!(rows.len() >= 8, "{rows:?}");
    let (run, value) = verify_data(&auditor, &server);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(value["intact"], true);
}

#[test]
fn a_rewritten_row_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let (rows, entries) = rows_and_event_entries(&server);
    let k = lone_row(&rows);
    let seq = rows[k].0;
    // An insider moves an access to another address, leaving the log alone.
    server.sql(&format!(
        "UPDATE audit_events SET from_addr = '203.0.113.66' WHERE seq = {seq}"
    ));
    let (run, value) = verify_data(&auditor, &server);
    assert_row_finding(
        &run,
        &value,
        "row_rewritten",
        &[("index", entries[k] as i64), ("seq", seq)],
    );
}

#[test]
fn a_deleted_row_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let (rows, entries) = rows_and_event_entries(&server);
    let k = lone_row(&rows);
    server.sql(&format!(
        "DELETE FROM audit_events WHERE seq = {}",
        rows[k].0
    ));
    let (run, value) = verify_data(&auditor, &server);
    assert_row_finding(&run, &value, "row_deleted", &[("index", entries[k] as i64)]);
    assert!(value["finding"]["time"].is_i64(), "{value}");
}

#[test]
fn an_inserted_row_is_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let (rows, _) = rows_and_event_entries(&server);
    // A forged access, in the form of the others.
    server.sql(&format!(
        "INSERT INTO audit_events (at, actor, actor_email, org_id, from_addr, action, target, \
         outcome) SELECT at, actor, 'someone@else.fr', org_id, from_addr, action, target, \
         outcome FROM audit_events WHERE seq = {}",
        rows[lone_row(&rows)].0
    ));
    let (rows_after, _) = rows_and_event_entries(&server);
    let forged = rows_after.last().unwrap().0;
    let (run, value) = verify_data(&auditor, &server);
    assert_row_finding(&run, &value, "row_inserted", &[("seq", forged)]);
}

#[test]
fn reordered_rows_are_named() {
    let (mut server, auditor) = busy_server();
    server.stop();
    let (rows, entries) = rows_and_event_entries(&server);
    let k = lone_row(&rows);
    let (a, b) = (rows[k].0, rows[k + 1].0);
    if server.is_postgres() {
        // `seq` is an identity column there, which an UPDATE may not set: the two rows swap
        // everything else, which reads the same.
        server.sql(&format!(
            "UPDATE audit_events AS t SET at = o.at, actor = o.actor, \
             actor_email = o.actor_email, org_id = o.org_id, \
             from_addr = o.from_addr, action = o.action, target = o.target, \
             outcome = o.outcome FROM audit_events AS o \
             WHERE (t.seq, o.seq) IN (({a}, {b}), ({b}, {a}))"
        ));
    } else {
        server.sql(&format!(
            "UPDATE audit_events SET seq = -1 WHERE seq = {a}; \
             UPDATE audit_events SET seq = {a} WHERE seq = {b}; \
             UPDATE audit_events SET seq = {b} WHERE seq = -1;"
        ));
    }
    let (run, value) = verify_data(&auditor, &server);
    assert_row_finding(
        &run,
        &value,
        "row_reordered",
        &[("index", entries[k] as i64), ("seq", b)],
    );
}
