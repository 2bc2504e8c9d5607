//! Witnesses: `pli audit witness` cosigns checkpoints it checked; a sender requiring a trusted
//! witness proves keys only against cosigned checkpoints; a log that rewrote its history gets
//! no cosignature.

use serde_json::Value;

use crate::{Server, User, files};

/// Runs the witness once as `user`; returns its key from stderr.
fn witness(user: &User, server: &Server, key: &std::path::Path) -> String {
    let run = user.run(&[
        "audit",
        "witness",
        "--server",
        &server.url,
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(
        run.ok().starts_with("cosigned the checkpoint of "),
        "{run:#?}"
    );
    run.stderr
        .lines()
        .find_map(|line| line.strip_prefix("witness key: "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned()
}

#[test]
fn senders_requiring_a_witness_prove_keys_only_against_cosigned_checkpoints() {
    let server = Server::start();
    let dpo = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let _bob = User::invited(&server, "bob@police.fr", "Police", "agent");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("witness.key");
    let (_dir, paths) = files(&[("a.txt", b"a")]);

    // Requiring a witness nobody trusts is refused; so is a key that is not one.
    let run = alice.run(&["audit", "witnesses", "require", "1"]);
    assert!(run.fails().contains("trust more"), "{run:#?}");
    let run = alice.run(&["audit", "witnesses", "trust", "not-a-key"]);
    assert!(run.fails().contains("not a witness key"), "{run:#?}");

    let witness_key = witness(&dpo, &server, &key_file);
    assert!(
        witness_key.starts_with("witness/dpo@hospital.fr+"),
        "{witness_key}"
    );
    alice
        .run(&["audit", "witnesses", "trust", &witness_key])
        .ok();
    alice.run(&["audit", "witnesses", "require", "1"]).ok();
    let listed: Value =
        serde_json::from_str(alice.run(&["audit", "witnesses", "--json"]).ok()).unwrap();
    assert_eq!(listed["required"], 1);
    assert_eq!(listed["witnesses"][0], witness_key.as_str());

    // Bob's key was logged before the witness cosigned: provable.
    alice.send(&[&paths[0]], "bob@police.fr");

    // Carol joins after: her key is beyond the cosigned checkpoint until the witness runs.
    let _carol = User::invited(&server, "carol@police.fr", "Police", "agent");
    let run = alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "carol@police.fr",
    ]);
    let stderr = run.fails();
    assert!(stderr.contains("carol@police.fr"), "{stderr}");
    assert!(stderr.contains("beyond the signed checkpoint"), "{stderr}");
    witness(&dpo, &server, &key_file);
    alice.send(&[&paths[0]], "carol@police.fr");

    // A checkpoint cosigned only by a witness Alice does not trust does not count, and does not
    // hide the latest one her witness cosigned: any account may cosign, so one that does must
    // not stop her sending to keys her witness saw.
    let other_keys = tempfile::tempdir().unwrap();
    let _dave = User::invited(&server, "dave@police.fr", "Police", "agent");
    let mallory = User::invited(&server, "mallory@police.fr", "Police", "agent");
    witness(&mallory, &server, &other_keys.path().join("w.key"));
    alice.send(&[&paths[0]], "carol@police.fr");
    let run = alice.run(&["send", paths[0].to_str().unwrap(), "--to", "dave@police.fr"]);
    assert!(
        run.fails().contains("beyond the signed checkpoint"),
        "{run:#?}"
    );
    witness(&dpo, &server, &key_file);
    alice.send(&[&paths[0]], "dave@police.fr");
    // The untrusted witness cosigns again, after the newest key: still not enough for Alice.
    let _erin = User::invited(&server, "erin@police.fr", "Police", "agent");
    witness(&mallory, &server, &other_keys.path().join("w.key"));
    let run = alice.run(&["send", paths[0].to_str().unwrap(), "--to", "erin@police.fr"]);
    assert!(
        run.fails().contains("beyond the signed checkpoint"),
        "{run:#?}"
    );
    alice.run(&["audit", "witnesses", "require", "0"]).ok();
    alice.send(&[&paths[0]], "erin@police.fr");
}

#[test]
fn a_sender_requiring_two_witnesses_that_ran_at_different_moments_proves_keys_both_vouch_for() {
    let server = Server::start();
    let dpo = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let regulator = User::invited(&server, "controle@cnil.fr", "CNIL", "auditor");
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let _bob = User::invited(&server, "bob@police.fr", "Police", "agent");
    let keys = tempfile::tempdir().unwrap();
    let (dpo_key, regulator_key) = (keys.path().join("dpo.key"), keys.path().join("cnil.key"));
    let (_dir, paths) = files(&[("a.txt", b"a")]);
    let refused = |to: &str| {
        let run = alice.run(&["send", paths[0].to_str().unwrap(), "--to", to]);
        let stderr = run.fails();
        assert!(stderr.contains(to), "{stderr}");
        assert!(stderr.contains("beyond the signed checkpoint"), "{stderr}");
    };

    // The DPO's witness runs, Carol joins, then the regulator's: they cosigned two different
    // checkpoints, and Bob's key is in both.
    let dpo_witness = witness(&dpo, &server, &dpo_key);
    let _carol = User::invited(&server, "carol@police.fr", "Police", "agent");
    let regulator_witness = witness(&regulator, &server, &regulator_key);
    for key in [&dpo_witness, &regulator_witness] {
        alice.run(&["audit", "witnesses", "trust", key]).ok();
    }
    alice.run(&["audit", "witnesses", "require", "2"]).ok();
    alice.send(&[&paths[0]], "bob@police.fr");
    // Carol's key is only in the regulator's: one witness vouches for it, two are required.
    refused("carol@police.fr");
    // Once the DPO's witness has run again, both vouch for a history holding her key.
    witness(&dpo, &server, &dpo_key);
    alice.send(&[&paths[0]], "carol@police.fr");
    // Dave joins: the regulator's checkpoint does not hold his key yet.
    let _dave = User::invited(&server, "dave@police.fr", "Police", "agent");
    witness(&dpo, &server, &dpo_key);
    refused("dave@police.fr");
    witness(&regulator, &server, &regulator_key);
    alice.send(&[&paths[0]], "dave@police.fr");
    // Requiring one of the two: the larger of their checkpoints is enough.
    alice.run(&["audit", "witnesses", "require", "1"]).ok();
    let _erin = User::invited(&server, "erin@police.fr", "Police", "agent");
    witness(&regulator, &server, &regulator_key);
    alice.send(&[&paths[0]], "erin@police.fr");

    // The two checkpoints must be one history: a server whose stored tree no longer links them
    // is refused before any key is proven.
    alice.run(&["audit", "witnesses", "require", "2"]).ok();
    rewrite_stored_tree(&server);
    let run = alice.run(&["send", paths[0].to_str().unwrap(), "--to", "bob@police.fr"]);
    let stderr = run.fails();
    assert!(stderr.contains("not one history"), "{stderr}");
}

#[test]
fn a_witness_refuses_a_log_that_rewrote_its_history() {
    let server = Server::start();
    let dpo = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("witness.key");
    witness(&dpo, &server, &key_file);
    let _alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    // The server's stored tree is rewritten: its hashes no longer match what the
    // witness saw, so no consistency proof can link the two checkpoints.
    rewrite_stored_tree(&server);
    let run = dpo.run(&[
        "audit",
        "witness",
        "--server",
        &server.url,
        "--key",
        key_file.to_str().unwrap(),
    ]);
    let stderr = run.fails();
    assert!(stderr.contains("NOT cosigned"), "{stderr}");
    assert!(stderr.contains("not an extension"), "{stderr}");
    // Nothing was cosigned beyond what the witness checked.
    let run = dpo.run(&["audit", "witness", "--server", "http://127.0.0.1:1"]);
    assert!(run.fails().contains("not http://127.0.0.1:1"), "{run:#?}");
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn the_witness_makes_cosignature_v1_lines_and_trust_takes_either_key_form() {
    use pli_audit::{CosignerVerifier, LogKey, SigningKey};

    let server = Server::start();
    let dpo = User::invited(&server, "dpo@hospital.fr", "Hospital", "auditor");
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("witness.key");
    let before = unix_now();
    let printed = witness(&dpo, &server, &key_file);
    let after = unix_now();

    // The key printed is a C2SP cosignature/v1 verifier key (type 0x04), and the line the
    // server keeps is that key's cosignature/v1 over the checkpoint it signed, dated by the
    // witness's clock.
    let verifier = CosignerVerifier::parse(&printed).unwrap();
    assert_eq!(verifier.to_string(), printed);
    let kept =
        server.sql("SELECT size || ' ' || witness || ' ' || line FROM audit_log_cosignatures");
    let mut fields = kept.trim().splitn(3, ' ');
    let size = fields.next().unwrap();
    assert_eq!(fields.next().unwrap(), printed);
    let line = fields.next().unwrap();
    let note = server.sql(&format!(
        "SELECT note FROM audit_log_checkpoints WHERE size = {size}"
    ));
    // sqlite3 and psql end their output with a newline of their own.
    let note = note.strip_suffix('\n').unwrap();
    let cosignature = verifier
        .verify(format!("{note}{line}\n").as_bytes())
        .unwrap();
    assert_eq!(cosignature.line(), line);
    assert!(
        (before..=after).contains(&cosignature.time()),
        "{} not in {before}..={after}",
        cosignature.time()
    );

    // The same key in the plain Ed25519 form Pli's witnesses printed before is trusted as
    // the same witness, listed in the cosignature/v1 form.
    let seed: [u8; 32] = std::fs::read(&key_file).unwrap().try_into().unwrap();
    let plain = LogKey::new(verifier.name(), SigningKey::from_bytes(&seed))
        .unwrap()
        .verifier()
        .to_string();
    assert_ne!(plain, printed);
    alice.run(&["audit", "witnesses", "trust", &plain]).ok();
    alice.run(&["audit", "witnesses", "trust", &printed]).ok();
    let listed: Value =
        serde_json::from_str(alice.run(&["audit", "witnesses", "--json"]).ok()).unwrap();
    assert_eq!(listed["witnesses"], serde_json::json!([printed]));

    // One key under a second name would let one witness count twice: refused.
    let renamed = CosignerVerifier::new("witness/another-name", *verifier.verifying_key())
        .unwrap()
        .to_string();
    let run = alice.run(&["audit", "witnesses", "trust", &renamed]);
    assert!(
        run.fails().contains("already trusted under another name"),
        "{run:#?}"
    );

    // Forgetting by the plain form forgets the same witness.
    alice.run(&["audit", "witnesses", "forget", &plain]).ok();
    let listed: Value =
        serde_json::from_str(alice.run(&["audit", "witnesses", "--json"]).ok()).unwrap();
    assert_eq!(listed["witnesses"], serde_json::json!([]));
}

/// Rewrites the stored tree as an insider would: every entry (of the partial bundle these small
/// logs fit in), from which the leaf hashes are derived, and every stored tile above them.
fn rewrite_stored_tree(server: &Server) {
    for table in ["audit_log_bundles", "audit_log_tiles"] {
        server.sql(&format!(
            "UPDATE {table} SET data = {}",
            server.sql_zeros("length(data)")
        ));
    }
}
