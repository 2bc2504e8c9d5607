//! Functional mailbox keys end to end: envelopes to a mailbox are encrypted to its key, a
//! newcomer reads the history, a member who leaves is shut out of what comes next, offline
//! removal falls back to each member's own key, and a forged key is never encrypted to.

use std::path::Path;

use crate::{Server, User, files, listing};

/// The X25519 recipient stanzas of the age header of envelope `id` as stored.
fn stanza_count(server: &Server, id: &str) -> usize {
    let bytes = std::fs::read(server.blob_path(id)).unwrap();
    let end = bytes
        .windows(4)
        .position(|window| window == b"\n---")
        .unwrap();
    String::from_utf8_lossy(&bytes[..end])
        .lines()
        .filter(|line| line.starts_with("-> X25519 "))
        .count()
}

/// Whether `identity` opens envelope `id` as stored (the whole age file, MAC and payload).
fn opens(server: &Server, id: &str, identity: &age::x25519::Identity) -> bool {
    let bytes = std::fs::read(server.blob_path(id)).unwrap();
    age::decrypt(identity, &bytes).is_ok()
}

/// The account's own age identity, as `pli key export` prints it.
fn own_identity(user: &User) -> age::x25519::Identity {
    user.run(&["key", "export"]).ok().parse().unwrap()
}

/// The secret of mailbox key `generation` from the copy stored for `user`, opened with the
/// user's own key, as the user's client does.
fn mailbox_secret(server: &Server, user: &User, generation: u32) -> age::x25519::Identity {
    let hex_wrap = server.sql(&format!(
        "SELECT hex(w.wrapped) FROM mailbox_key_wraps w JOIN accounts a ON a.id = w.account_id \
         WHERE a.email = '{}' AND w.generation = {generation}",
        user.email
    ));
    let wrapped = hex::decode(hex_wrap.trim()).unwrap();
    let secret = age::decrypt(&own_identity(user), &wrapped).unwrap();
    String::from_utf8(secret).unwrap().trim().parse().unwrap()
}

fn latest_generation(server: &Server) -> u32 {
    server
        .sql("SELECT COALESCE(MAX(generation), 0) FROM mailbox_keys")
        .trim()
        .parse()
        .unwrap()
}

#[track_caller]
fn reads(user: &User, id: &str, expected: &[u8]) {
    let out = tempfile::tempdir().unwrap();
    user.get(id, out.path()).ok();
    assert_eq!(
        std::fs::read(out.path().join("note.txt")).unwrap(),
        expected
    );
}

fn admin(alice: &User, server: &Server, args: &[&str]) -> crate::Run {
    let mut all = vec!["admin", "mailbox"];
    all.extend(args);
    all.extend(["--server", &server.url]);
    alice.run(&all)
}

fn send(from: &User, dir: &Path, text: &[u8]) -> String {
    let file = dir.join("note.txt");
    std::fs::write(&file, text).unwrap();
    from.send(&[&file], "team")
}

#[test]
fn mailbox_keys_follow_the_members() {
    if crate::sqlite_only() {
        return;
    }
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "hospital", "admin");
    let bob = User::invited(&server, "bob@hospital.fr", "hospital", "agent");
    let carol = User::invited(&server, "carol@hospital.fr", "hospital", "agent");
    // The sender belongs to another organisation and to no mailbox.
    let dave = User::invited(&server, "dave@police.fr", "police", "agent");
    let (sources, _) = files(&[]);

    admin(&alice, &server, &["create", "team", "--org", "hospital"]).ok();
    // Adding members repairs on the way: the first addition makes generation 1, the second
    // gives it to the newcomer.
    admin(&alice, &server, &["add", "team", "alice@hospital.fr"]).ok();
    admin(&alice, &server, &["add", "team", "bob@hospital.fr"]).ok();
    assert_eq!(latest_generation(&server), 1);
    let sync = bob.run(&["mailbox", "sync", "team", "--json"]);
    let sync: serde_json::Value = serde_json::from_str(sync.ok()).unwrap();
    assert_eq!(
        sync,
        serde_json::json!([{ "mailbox": "team", "rotated": null, "copies": 0 }]),
        "nothing left to repair"
    );

    // Encrypted to the mailbox key (and the sender's own), not to each member.
    let before = send(&dave, sources.path(), b"before carol");
    assert_eq!(stanza_count(&server, &before), 2);
    let generation_1 = mailbox_secret(&server, &alice, 1);
    assert!(opens(&server, &before, &generation_1));
    assert!(!opens(&server, &before, &own_identity(&alice)));
    assert!(!opens(&server, &before, &own_identity(&bob)));
    reads(&alice, &before, b"before carol");
    reads(&bob, &before, b"before carol");

    // Carol joins and reads what was sent before she did.
    admin(&alice, &server, &["add", "team", "carol@hospital.fr"]).ok();
    reads(&carol, &before, b"before carol");

    // Bob leaves: a new generation, which his old copy cannot open, and the server refuses him.
    let run = admin(&alice, &server, &["remove", "team", "bob@hospital.fr"]);
    run.ok();
    assert!(run.stderr.contains("made key generation 2"), "{run:#?}");
    assert_eq!(latest_generation(&server), 2);
    let bobs_copy = mailbox_secret(&server, &bob, 1);
    let after = send(&dave, sources.path(), b"after bob");
    assert_eq!(stanza_count(&server, &after), 2);
    assert!(!opens(&server, &after, &bobs_copy));
    assert!(!opens(&server, &after, &own_identity(&bob)));
    assert!(opens(&server, &after, &mailbox_secret(&server, &carol, 2)));
    let out = tempfile::tempdir().unwrap();
    let refused = bob.get(&after, out.path());
    assert!(refused.fails().contains("no envelope"), "{refused:#?}");
    assert!(listing(out.path()).is_empty());
    reads(&carol, &after, b"after bob");
    reads(&alice, &after, b"after bob");

    // Offline removal cannot rotate: senders fall back to each remaining member's own key.
    let mut offline = crate::pli(None);
    offline
        .args([
            "admin",
            "mailbox",
            "remove",
            "team",
            "carol@hospital.fr",
            "--data",
        ])
        .arg(server.data.path());
    let run = crate::Run::from(offline.output().unwrap());
    run.ok();
    assert!(run.stderr.contains("pli mailbox sync team"), "{run:#?}");
    let fallback = send(&dave, sources.path(), b"after carol");
    assert_eq!(stanza_count(&server, &fallback), 2, "dave and alice");
    assert!(opens(&server, &fallback, &own_identity(&alice)));
    assert!(!opens(&server, &fallback, &own_identity(&carol)));
    assert!(!opens(
        &server,
        &fallback,
        &mailbox_secret(&server, &carol, 2)
    ));
    assert_eq!(latest_generation(&server), 2, "nothing rotated offline");

    // Alice's next command repairs: generation 3, and envelopes go to it again.
    reads(&alice, &fallback, b"after carol");
    assert_eq!(latest_generation(&server), 3);
    let repaired = send(&dave, sources.path(), b"repaired");
    assert!(opens(
        &server,
        &repaired,
        &mailbox_secret(&server, &alice, 3)
    ));
    assert!(!opens(&server, &repaired, &own_identity(&alice)));
}

#[test]
fn a_forged_mailbox_key_is_never_encrypted_to() {
    if crate::sqlite_only() {
        return;
    }
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "hospital", "admin");
    let bob = User::invited(&server, "bob@hospital.fr", "hospital", "agent");
    let dave = User::invited(&server, "dave@police.fr", "police", "agent");
    let (sources, _) = files(&[]);
    admin(&alice, &server, &["create", "team", "--org", "hospital"]).ok();
    admin(&alice, &server, &["add", "team", "alice@hospital.fr"]).ok();
    admin(&alice, &server, &["add", "team", "bob@hospital.fr"]).ok();
    let file = sources.path().join("note.txt");
    std::fs::write(&file, b"secret").unwrap();
    let outbox = |user: &User| -> usize {
        let run = user.run(&["outbox", "--json"]);
        serde_json::from_str::<Vec<serde_json::Value>>(run.ok())
            .unwrap()
            .len()
    };

    // A hostile server swaps the recipient of the current generation for its own key.
    let attacker = age::x25519::Identity::generate();
    server.sql(&format!(
        "UPDATE mailbox_keys SET recipient = '{}' WHERE generation = 1",
        attacker.to_public()
    ));
    let run = dave.run(&["send", file.to_str().unwrap(), "--to", "team"]);
    let error = run.fails();
    assert!(
        error.contains("the key of mailbox team cannot be trusted")
            && error.contains("signature does not verify"),
        "{run:#?}"
    );
    assert_eq!(outbox(&dave), 0, "nothing was sent");

    // A member's client replaces the forged generation.
    let run = bob.run(&["mailbox", "sync", "team"]);
    run.ok();
    assert!(run.stderr.contains("made key generation 2"), "{run:#?}");
    let id = dave.send(&[&file], "team");
    assert!(!opens(&server, &id, &attacker));
    assert!(opens(&server, &id, &mailbox_secret(&server, &bob, 2)));

    // The server names as creator someone who is neither a member nor an admin.
    server.sql(
        "UPDATE mailbox_keys SET creator_id = (SELECT id FROM accounts WHERE email = 'dave@police.fr') \
         WHERE generation = 2",
    );
    let run = dave.run(&["send", file.to_str().unwrap(), "--to", "team"]);
    assert!(
        run.fails()
            .contains("made by someone who is neither a member nor an admin"),
        "{run:#?}"
    );
    assert_eq!(outbox(&dave), 1);
    // And a generation signed by such an outsider is refused by the server in the first place:
    // dave may not publish one.
    let run = dave.run(&["mailbox", "sync", "team"]);
    assert!(run.fails().contains("no mailbox team"), "{run:#?}");
}
