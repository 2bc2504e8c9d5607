//! The organisation's sending policy: published signed by an admin, applied by `pli send`
//! before encrypting, its labels signed in the manifest and recorded (kinds and counts only)
//! in the audit trail; a forged or rolled-back policy is refused.

use std::path::Path;

use crate::{User, World, files};

/// A valid NIR (its key is right): `pli scan` reports it as `nir`.
const NIR_LINE: &[u8] = b"Assure : 2 55 08 14 168 025 38\n";

const POLICY: &str = r#"
version = 1
trust_zone = ["police"]

[default]
external = "warn"

[kinds.nir]
trust_zone = "justify"
external = "block"
"#;

fn write_policy(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn send_args<'a>(file: &'a Path, to: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["send", file.to_str().unwrap(), "--to", to];
    args.extend_from_slice(extra);
    args
}

fn inbox_ids(user: &User) -> Vec<String> {
    user.inbox()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_policy_is_applied_before_encrypting_and_its_labels_travel_signed() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let dave = world.user("dave@police.fr", "police");
    let eve = world.user("eve@bank.fr", "bank");
    let work = tempfile::tempdir().unwrap();
    let policy = write_policy(work.path(), "policy.toml", POLICY);

    // Only an admin publishes; an agent is told so.
    let refused = world.bob.run(&["admin", "policy", "set", &policy]);
    assert!(refused.fails().contains("only admins"), "{refused:#?}");
    let set = world.alice.run(&["admin", "policy", "set", &policy]);
    assert_eq!(
        set.ok(),
        "policy version 1 of hospital is in force, signed by alice@hospital.fr"
    );
    let shown = world.bob.run(&["admin", "policy", "show", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(shown.ok()).unwrap();
    assert_eq!(shown["policy"]["version"], 1);
    assert_eq!(shown["policy"]["verified"], true);
    assert_eq!(shown["policy"]["text"], POLICY);

    let (_sources, paths) = files(&[
        ("nir.txt", NIR_LINE),
        ("contact.txt", b"Ecrire a jean.dupont@example.org\n"),
        ("menu.txt", b"Lundi : soupe\n"),
    ]);
    let (nir, contact, menu) = (&paths[0], &paths[1], &paths[2]);

    // Same organisation: allowed without a word.
    let run = world.bob.run(&send_args(nir, "alice@hospital.fr", &[]));
    run.ok();
    assert_eq!(run.stderr, "", "{run:#?}");

    // A letter whose text holds a NIR and which carries a picture: the NIR counts, and so
    // does the picture, which was not inspected ([not_inspectable] warns by default).
    let (_letter_dir, letter) = files(&[(
        "carte.docx",
        &crate::scan::docx_with(
            b"<w:document><w:body><w:p><w:r><w:t>Assure : 2 55 08 14 168 025 38</w:t></w:r></w:p></w:body></w:document>",
            &[("word/media/image1.png", b"\x89PNG\r\n\x1a\n")],
        ),
    )]);
    let run = world
        .bob
        .run(&send_args(&letter[0], "alice@hospital.fr", &[]));
    let partly_id = run.ok().to_owned();
    assert!(
        run.stderr
            .contains("not inspectable to same_organisation: warn"),
        "{run:#?}"
    );
    let partly_out = tempfile::tempdir().unwrap();
    let got = world.alice.run(&[
        "get",
        &partly_id,
        "-o",
        partly_out.path().to_str().unwrap(),
        "--json",
    ]);
    let got: serde_json::Value = serde_json::from_str(got.ok()).unwrap();
    assert_eq!(got["dlp"]["decision"], "warn");
    assert_eq!(got["dlp"]["kinds"], serde_json::json!({"nir": 1}));
    assert_eq!(got["dlp"]["not_inspectable"], 1);

    // External: blocked, with the rule that fired, and nothing reaches the recipient.
    let run = world.bob.run(&send_args(nir, "eve@bank.fr", &[]));
    assert_eq!(
        run.fails(),
        "error: blocked by the organisation's policy (version 1): nir to external: block; nothing was sent (`pli scan FILE` shows where)\n"
    );
    assert!(inbox_ids(&eve).is_empty());
    // A recipient in the organisation does not make a blocked destination acceptable.
    let run = world
        .bob
        .run(&send_args(nir, "alice@hospital.fr,eve@bank.fr", &[]));
    assert!(run.fails().contains("nir to external: block"), "{run:#?}");

    // Trust zone: a justification is required, then travels in the signed manifest.
    let run = world.bob.run(&send_args(nir, "dave@police.fr", &[]));
    assert!(
        run.fails().contains("a justification is required by the organisation's policy (version 1: nir to trust_zone: justify): pass --justification TEXT"),
        "{run:#?}"
    );
    assert!(inbox_ids(&dave).is_empty());
    let run = world.bob.run(&send_args(
        nir,
        "dave@police.fr",
        &["--justification", "Réquisition n° 2026-114"],
    ));
    let id = run.ok().to_owned();
    let out = tempfile::tempdir().unwrap();
    let got = dave.run(&["get", &id, "-o", out.path().to_str().unwrap(), "--json"]);
    let got: serde_json::Value = serde_json::from_str(got.ok()).unwrap();
    assert_eq!(
        got["dlp"],
        serde_json::json!({
            "policy_version": 1,
            "decision": "justify",
            "kinds": {"nir": 1},
            "not_inspectable": 0,
            "justification": "Réquisition n° 2026-114",
        })
    );
    let human = dave.run(&["get", &id, "-o", out.path().join("again").to_str().unwrap()]);
    human.ok();
    assert!(
        human.stderr.contains(
            "labels (policy version 1, justify): nir 1; justification: Réquisition n° 2026-114"
        ),
        "{human:#?}"
    );

    // Warn: sent, and the sender is told what was found.
    let run = world.bob.run(&send_args(contact, "eve@bank.fr", &[]));
    run.ok();
    assert!(
        run.stderr
            .starts_with("warning: the organisation's policy (version 1) flags these files: email to external: warn"),
        "{run:#?}"
    );
    // Nothing found: sent without a word, labelled as checked.
    let run = world.bob.run(&send_args(menu, "eve@bank.fr", &[]));
    let clean_id = run.ok().to_owned();
    assert_eq!(run.stderr, "");
    let got = eve.run(&[
        "get",
        &clean_id,
        "-o",
        out.path().join("menu").to_str().unwrap(),
        "--json",
    ]);
    let got: serde_json::Value = serde_json::from_str(got.ok()).unwrap();
    assert_eq!(got["dlp"]["decision"], "allow");
    assert_eq!(got["dlp"]["kinds"], serde_json::json!({}));

    // The audit trail holds kinds and counts, never the value, nor the justification.
    let dlp_rows = world
        .server
        .sql("SELECT target FROM audit_events WHERE action = 'envelope.dlp' ORDER BY seq");
    assert!(
        dlp_rows.contains(&format!("{id} policy 1 justify nir=1 justified")),
        "{dlp_rows}"
    );
    let everything = world
        .server
        .sql("SELECT actor_email, from_addr, action, target, outcome FROM audit_events");
    for secret in ["168 025", "1550814168025", "Réquisition", "jean.dupont"] {
        assert!(!everything.contains(secret), "{secret} in the audit trail");
    }
    assert!(
        world
            .server
            .sql("SELECT target FROM audit_events WHERE action = 'policy.set'")
            .contains("version 1")
    );
}

#[test]
fn forged_rolled_back_and_invalid_policies_are_refused() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let work = tempfile::tempdir().unwrap();
    let (_sources, paths) = files(&[("nir.txt", NIR_LINE)]);
    let eve = world.user("eve@bank.fr", "bank");

    // Mistakes in the file are caught before anything is published.
    let typo = write_policy(
        work.path(),
        "typo.toml",
        "version = 1\n[kinds.nirr]\nexternal = \"block\"\n",
    );
    let run = world.alice.run(&["admin", "policy", "set", &typo]);
    assert!(run.fails().contains("unknown kind \"nirr\""), "{run:#?}");
    let show = world.bob.run(&["admin", "policy", "show"]);
    assert_eq!(
        show.ok(),
        "no sending policy: files are sent without a check"
    );

    let v1 = write_policy(work.path(), "v1.toml", POLICY);
    world.alice.run(&["admin", "policy", "set", &v1]).ok();
    // The same version again is not newer.
    let run = world.alice.run(&["admin", "policy", "set", &v1]);
    assert!(
        run.fails()
            .contains("version 1 is not newer than the current policy (version 1)"),
        "{run:#?}"
    );

    // A hostile server (or a database edit) weakens the rule: the signature no longer verifies.
    world
        .server
        .sql("UPDATE sending_policies SET text = replace(text, '\"block\"', '\"allow\"')");
    let run = world.bob.run(&send_args(&paths[0], "eve@bank.fr", &[]));
    assert!(
        run.fails().contains("the organisation's policy from the server cannot be trusted: its signature does not verify"),
        "{run:#?}"
    );
    assert!(inbox_ids(&eve).is_empty());

    // Version 2 seen, then the server serves version 1 again (or none): refused.
    let v2 = write_policy(
        work.path(),
        "v2.toml",
        &POLICY.replace("version = 1", "version = 2"),
    );
    world.alice.run(&["admin", "policy", "set", &v2]).ok();
    world.bob.run(&["admin", "policy", "show"]).ok();
    world
        .server
        .sql("DELETE FROM sending_policies WHERE version = 2");
    let run = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]));
    assert!(
        run.fails()
            .contains("the server gave policy version 1, older than version 2 seen before"),
        "{run:#?}"
    );
    world.server.sql("DELETE FROM sending_policies");
    let run = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]));
    assert!(
        run.fails()
            .contains("the server gave no policy, though version 2 was seen before"),
        "{run:#?}"
    );
}

#[test]
fn a_policy_counts_only_while_an_admin_with_a_logged_key_signed_it() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let work = tempfile::tempdir().unwrap();
    let (_sources, paths) = files(&[("nir.txt", NIR_LINE)]);
    let v1 = write_policy(work.path(), "v1.toml", POLICY);
    world.alice.run(&["admin", "policy", "set", &v1]).ok();
    let show = world.bob.run(&["admin", "policy", "show"]);
    assert!(
        show.ok().contains("signed by alice@hospital.fr"),
        "{show:#?}"
    );

    // Its signer is no longer an admin: nothing is sent under it, and the sender is told who
    // must act.
    world
        .server
        .sql("UPDATE accounts SET role = 'agent' WHERE email = 'alice@hospital.fr'");
    let not_admin = "its signer alice@hospital.fr is not an admin of the organisation";
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(run.fails().contains(not_admin), "{run:#?}");
    let run = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]));
    let stderr = run.fails();
    assert!(stderr.contains(not_admin), "{run:#?}");
    assert!(stderr.contains("pli admin policy set"), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(inbox_ids(&world.alice).is_empty());

    // An admin signs it again: sends resume.
    let carol = User::invited(&world.server, "carol@hospital.fr", "hospital", "admin");
    let v2 = write_policy(
        work.path(),
        "v2.toml",
        &POLICY.replace("version = 1", "version = 2"),
    );
    carol.run(&["admin", "policy", "set", &v2]).ok();
    let id = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]))
        .ok()
        .to_owned();
    assert_eq!(inbox_ids(&world.alice), [id]);

    // A server passing a policy off as Alice's: Carol's signature over version 2, and Carol's
    // signing key served as Alice's. The signature verifies with the key the directory gives,
    // but the audit log publishes Alice's own key.
    world.server.sql(
        "UPDATE accounts SET role = 'admin' WHERE email = 'alice@hospital.fr'; \
         UPDATE sending_policies SET signer_email = 'alice@hospital.fr', signer_id = \
         (SELECT id FROM accounts WHERE email = 'alice@hospital.fr') WHERE version = 2; \
         UPDATE accounts SET signing_key = \
         (SELECT signing_key FROM accounts WHERE email = 'carol@hospital.fr') \
         WHERE email = 'alice@hospital.fr'",
    );
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(
        run.fails().contains(
            "its signer's key is not proven by the server's audit log (the logged key differs from the one the directory gave)"
        ),
        "{run:#?}"
    );
}

#[test]
fn the_subject_and_the_file_names_are_checked_like_the_files() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let eve = world.user("eve@bank.fr", "bank");
    let work = tempfile::tempdir().unwrap();
    let policy = write_policy(work.path(), "policy.toml", POLICY);
    world.alice.run(&["admin", "policy", "set", &policy]).ok();
    let (_sources, paths) = files(&[
        ("menu.txt", b"Lundi : soupe\n"),
        ("Dupont_255081416802538.txt", b"Lundi : soupe\n"),
    ]);
    // A clean file under a subject holding a social-security number.
    let run = world.bob.run(&send_args(
        &paths[0],
        "eve@bank.fr",
        &["--subject", "Dossier 2 55 08 14 168 025 38"],
    ));
    assert!(run.fails().contains("nir to external: block"), "{run:#?}");
    // A clean file whose name holds one.
    let run = world.bob.run(&send_args(&paths[1], "eve@bank.fr", &[]));
    assert!(run.fails().contains("nir to external: block"), "{run:#?}");
    assert!(inbox_ids(&eve).is_empty());
    // Both refusals are in the trail, kinds and counts only.
    let refusals = world.server.sql(
        "SELECT actor_email, target, outcome FROM audit_events WHERE action = 'policy.refused'",
    );
    assert_eq!(
        refusals,
        "bob@hospital.fr|policy 1 block nir=1|denied\n".repeat(2),
        "{refusals}"
    );
    // The same file under a plain name and subject goes (with the default's warning).
    let run = world
        .bob
        .run(&send_args(&paths[0], "eve@bank.fr", &["--subject", "Menu"]));
    run.ok();
    assert_eq!(inbox_ids(&eve).len(), 1);
}

#[test]
fn a_version_counts_only_once_the_audit_log_shows_it() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let work = tempfile::tempdir().unwrap();
    let v1 = write_policy(work.path(), "v1.toml", POLICY);
    let v2 = write_policy(
        work.path(),
        "v2.toml",
        &POLICY.replace("version = 1", "version = 2"),
    );
    world.alice.run(&["admin", "policy", "set", &v1]).ok();
    world.alice.run(&["admin", "policy", "set", &v2]).ok();
    let shown = world.bob.run(&["admin", "policy", "show", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(shown.ok()).unwrap();
    assert_eq!(shown["policy"]["version"], 2);
    let (_sources, paths) = files(&[("menu.txt", b"Lundi : soupe\n")]);

    // The server names version 1's entry for version 2: the log shows another version.
    world.server.sql(
        "UPDATE sending_policies SET log_index = \
         (SELECT log_index FROM sending_policies WHERE version = 1) WHERE version = 2",
    );
    let differs = "this version is not proven by the server's audit log (the logged version differs from the one the server gave)";
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(run.fails().contains(differs), "{run:#?}");
    let run = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]));
    assert!(run.fails().contains(differs), "{run:#?}");
    assert!(inbox_ids(&world.alice).is_empty());

    // An entry of another kind (the first key published) is no policy.
    world.server.sql(
        "UPDATE sending_policies SET log_index = \
         (SELECT MIN(log_index) FROM account_key_log) WHERE version = 2",
    );
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(
        run.fails()
            .contains("the log holds no policy of the organisation at its index"),
        "{run:#?}"
    );

    // A version the server holds no entry for (as one set before versions were logged) is
    // logged when next served, and counts again.
    world
        .server
        .sql("UPDATE sending_policies SET log_index = NULL WHERE version = 2");
    let shown = world.bob.run(&["admin", "policy", "show", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(shown.ok()).unwrap();
    assert_eq!(shown["policy"]["verified"], true);
    let logged = world
        .server
        .sql("SELECT log_index IS NOT NULL FROM sending_policies WHERE version = 2");
    assert_eq!(logged.trim(), "1");
    world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]))
        .ok();
    assert_eq!(inbox_ids(&world.alice).len(), 1);
}

#[test]
fn a_signer_counts_only_as_an_admin_the_audit_log_states() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let work = tempfile::tempdir().unwrap();
    let v1 = write_policy(work.path(), "v1.toml", POLICY);
    let v2 = write_policy(
        work.path(),
        "v2.toml",
        &POLICY.replace("version = 1", "version = 2"),
    );
    world.alice.run(&["admin", "policy", "set", &v1]).ok();
    let (_sources, paths) = files(&[("menu.txt", b"Lundi : soupe\n")]);
    world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]))
        .ok();
    assert_eq!(inbox_ids(&world.alice).len(), 1);
    // Every account's role was logged when it joined.
    let logged = world.server.sql(
        "SELECT COUNT(*) FROM accounts a JOIN account_role_log l ON l.account_id = a.id \
         WHERE a.email IN ('alice@hospital.fr', 'bob@hospital.fr')",
    );
    assert_eq!(logged.trim(), "2");

    // An agent made an admin in the database alone signs version 2: the server takes it, but
    // the log states the role the agent joined with.
    let mut dave = User::invited(&world.server, "dave@hospital.fr", "hospital", "agent");
    dave.enrol();
    world
        .server
        .sql("UPDATE accounts SET role = 'admin' WHERE email = 'dave@hospital.fr'");
    dave.run(&["admin", "policy", "set", &v2]).ok();
    let not_admin = "its signer's role is not proven by the server's audit log (the log states it is agent, not an admin): an admin must sign it again with `pli admin policy set`";
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(run.fails().contains(not_admin), "{run:#?}");
    let run = world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]));
    assert!(run.fails().contains(not_admin), "{run:#?}");
    assert_eq!(inbox_ids(&world.alice).len(), 1, "nothing more was sent");

    // The organisation's auditor sees the version and who the log says signed it.
    let auditor = User::invited(&world.server, "dpo@hospital.fr", "hospital", "auditor");
    let run = auditor.run(&["audit", "verify", "--json"]);
    let value: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    let versions: Vec<(u64, &str, &str)> = value["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|policy| {
            (
                policy["version"].as_u64().unwrap(),
                policy["signer"].as_str().unwrap(),
                policy["signer_role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (1, "alice@hospital.fr", "admin"),
            (2, "dave@hospital.fr", "agent")
        ]
    );
    let run = auditor.run(&["audit", "verify"]);
    run.ok();
    assert!(
        run.stderr
            .contains("warning: sending policy version 2 of hospital (entry ")
            && run.stderr.contains(
                "was signed by dave@hospital.fr, whom the log states as agent, not an admin"
            ),
        "{run:#?}"
    );

    // The server names another account's role entry (Alice's, an admin's) for Dave.
    world.server.sql(
        "UPDATE account_role_log SET log_index = (SELECT l.log_index FROM account_role_log l \
         JOIN accounts a ON a.id = l.account_id WHERE a.email = 'alice@hospital.fr') \
         WHERE account_id = (SELECT id FROM accounts WHERE email = 'dave@hospital.fr')",
    );
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(
        run.fails()
            .contains("its signer's role is not proven by the server's audit log (the logged role is another account's)"),
        "{run:#?}"
    );
    // An entry of another kind (version 1's) is no role.
    world.server.sql(
        "UPDATE account_role_log SET log_index = \
         (SELECT log_index FROM sending_policies WHERE version = 1) \
         WHERE account_id = (SELECT id FROM accounts WHERE email = 'dave@hospital.fr')",
    );
    let run = world.bob.run(&["admin", "policy", "show"]);
    assert!(
        run.fails().contains("the entry is not an account's role"),
        "{run:#?}"
    );

    // With no entry at all (as for an account made before roles were logged), the server logs
    // the role it holds now: the send goes, and the change is in the open for the auditor.
    world.server.sql(
        "DELETE FROM account_role_log \
         WHERE account_id = (SELECT id FROM accounts WHERE email = 'dave@hospital.fr')",
    );
    world
        .bob
        .run(&send_args(&paths[0], "alice@hospital.fr", &[]))
        .ok();
    assert_eq!(inbox_ids(&world.alice).len(), 2);
    let run = auditor.run(&["audit", "verify"]);
    run.ok();
    assert!(
        run.stderr
            .contains("states dave@hospital.fr is admin of hospital, where an earlier entry stated agent: no request changes a role, so the server's database was edited"),
        "{run:#?}"
    );
}
