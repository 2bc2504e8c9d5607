//! A hostile (or compromised) server: its data directory is tampered with between send and get.
//! Each time `pli get` must exit 1 with an error naming what failed, and leave no file behind.

use std::path::PathBuf;

use crate::{User, World, files, listing, noise};

struct Scene {
    world: World,
    carol: User,
    dave: User,
    _sources: tempfile::TempDir,
    paths: Vec<PathBuf>,
}

fn scene() -> Scene {
    let world = World::start();
    let carol = world.user("carol@hospital.fr", "hospital");
    let dave = world.user("dave@police.fr", "police");
    // Several 64 KiB chunks, so tampering can hit the middle of the payload.
    let (sources, paths) = files(&[
        ("dossier.pdf", &noise(200_000, 11)[..]),
        ("note.txt", b"ok"),
    ]);
    Scene {
        world,
        carol,
        dave,
        _sources: sources,
        paths,
    }
}

impl Scene {
    fn send(&self, from: &User, to: &str) -> String {
        from.send(&[&self.paths[0], &self.paths[1]], to)
    }

    /// `pli get` as `user` must fail with exactly `expected` and write nothing.
    #[track_caller]
    fn refused(&self, user: &User, id: &str, expected: &str) {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("out");
        let run = user.get(id, &target);
        assert_eq!(run.fails(), format!("error: {expected}\n"), "{run:#?}");
        assert_eq!(run.stdout, "");
        assert!(
            listing(&target).is_empty(),
            "left behind: {:?}",
            listing(&target)
        );
    }

    fn account_id(&self, email: &str) -> String {
        format!("(SELECT id FROM accounts WHERE email = '{email}')")
    }
}

fn hex_blob(id: &str) -> String {
    format!("x'{id}'")
}

#[test]
fn altered_ciphertext_bytes() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let server = &scene.world.server;
    for in_header in [false, true] {
        let id = scene.send(&scene.world.alice, "bob@hospital.fr");
        let blob = server.blob_path(&id);
        let mut bytes = std::fs::read(&blob).unwrap();
        // In the header, a letter of the first stanza's base64 share: flipping its case keeps the
        // header well-formed, so only the MAC or the key agreement can catch it.
        let position = if in_header {
            let share = "age-encryption.org/v1\n-> X25519 ".len();
            (share..share + 43)
                .find(|&i| bytes[i].is_ascii_alphabetic())
                .unwrap()
        } else {
            100_000
        };
        bytes[position] ^= 0x20;
        std::fs::write(&blob, &bytes).unwrap();
        scene.refused(
            &scene.world.bob,
            &id,
            "decryption failed: the envelope is not encrypted to this account's key, or its bytes were altered",
        );
    }
}

#[test]
fn header_that_is_no_longer_age() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr");
    let blob = scene.world.server.blob_path(&id);
    let mut bytes = std::fs::read(&blob).unwrap();
    // A character outside base64 in the first stanza's share.
    bytes["age-encryption.org/v1\n-> X25519 ".len()] = b'!';
    std::fs::write(&blob, &bytes).unwrap();
    scene.refused(
        &scene.world.bob,
        &id,
        "the envelope is invalid: the envelope is not a valid age file: invalid recipient stanza",
    );
}

#[test]
fn altered_last_byte() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr");
    let blob = scene.world.server.blob_path(&id);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&blob, &bytes).unwrap();
    scene.refused(
        &scene.world.bob,
        &id,
        "decryption failed: the envelope is not encrypted to this account's key, or its bytes were altered",
    );
}

#[test]
fn truncated_ciphertext() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr");
    let blob = scene.world.server.blob_path(&id);
    let bytes = std::fs::read(&blob).unwrap();
    let kept = bytes.len() / 2;
    std::fs::write(&blob, &bytes[..kept]).unwrap();
    scene.refused(
        &scene.world.bob,
        &id,
        &format!(
            "the envelope is truncated (received {kept} of {} bytes)",
            bytes.len()
        ),
    );
}

#[test]
fn swapped_ids() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let first = scene.send(&scene.world.alice, "bob@hospital.fr");
    let second = scene.send(&scene.world.alice, "bob@hospital.fr");
    let first_blob = scene.world.server.blob_path(&first);
    let second_blob = scene.world.server.blob_path(&second);
    let first_bytes = std::fs::read(&first_blob).unwrap();
    let second_bytes = std::fs::read(&second_blob).unwrap();
    assert_eq!(first_bytes.len(), second_bytes.len());
    std::fs::write(&first_blob, &second_bytes).unwrap();
    std::fs::write(&second_blob, &first_bytes).unwrap();
    for id in [&first, &second] {
        scene.refused(
            &scene.world.bob,
            id,
            "envelope id mismatch: the server returned a different envelope",
        );
    }
}

#[test]
fn another_envelopes_blob_served_for_this_id() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    // Another sender's envelope to the same recipient, with its own manifest.
    let theirs = scene.send(&scene.carol, "bob@hospital.fr");
    let mine = scene.send(&scene.world.alice, "bob@hospital.fr");
    let server = &scene.world.server;
    std::fs::copy(server.blob_path(&theirs), server.blob_path(&mine)).unwrap();
    scene.refused(
        &scene.world.bob,
        &mine,
        "envelope id mismatch: the server returned a different envelope",
    );
}

#[test]
fn replayed_envelope_under_a_new_id() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let old = scene.send(&scene.world.alice, "bob@hospital.fr");
    let server = &scene.world.server;
    // The server fabricates a new envelope for the same recipient from the old one's bytes.
    let new = "00112233445566778899aabbccddeeff";
    server.sql(&format!(
        "INSERT INTO envelopes (id, sender_id, size, created_at, state) \
         SELECT {new_id}, sender_id, size, created_at + 1, state FROM envelopes WHERE id = {old_id}; \
         INSERT INTO envelope_recipients (envelope_id, position, account_id, mailbox_id, created_at, stored) \
         SELECT {new_id}, position, account_id, mailbox_id, created_at + 1, stored \
         FROM envelope_recipients WHERE envelope_id = {old_id};",
        new_id = hex_blob(new),
        old_id = hex_blob(&old),
    ));
    let old_blob = server.blob_path(&old);
    std::fs::copy(&old_blob, old_blob.with_file_name(new)).unwrap();
    // The fabricated envelope is listed, as the server wants.
    let inbox = scene.world.bob.inbox();
    assert!(inbox.iter().any(|item| item["id"] == new), "{inbox:?}");
    scene.refused(
        &scene.world.bob,
        new,
        "envelope id mismatch: the server returned a different envelope",
    );
}

#[test]
fn recipient_list_rewritten() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr,carol@hospital.fr");
    let server = &scene.world.server;
    // Carol's place given to someone else.
    server.sql(&format!(
        "UPDATE envelope_recipients SET account_id = {dave} WHERE envelope_id = {id} AND account_id = {carol};",
        dave = scene.account_id("dave@police.fr"),
        carol = scene.account_id("carol@hospital.fr"),
        id = hex_blob(&id),
    ));
    scene.refused(
        &scene.world.bob,
        &id,
        "recipient list mismatch: the server lists bob@hospital.fr, dave@police.fr, the sender signed bob@hospital.fr, carol@hospital.fr",
    );
    // Dave gets it listed, but cannot decrypt what was never encrypted to him.
    let inbox = scene.dave.inbox();
    assert!(inbox.iter().any(|item| item["id"] == id.as_str()));
    scene.refused(
        &scene.dave,
        &id,
        "decryption failed: the envelope is not encrypted to this account's key, or its bytes were altered",
    );
}

#[test]
fn recipient_removed_from_the_list() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr,carol@hospital.fr");
    scene.world.server.sql(&format!(
        "DELETE FROM envelope_recipients WHERE envelope_id = {id} AND account_id = {carol};",
        carol = scene.account_id("carol@hospital.fr"),
        id = hex_blob(&id),
    ));
    scene.refused(
        &scene.world.bob,
        &id,
        "recipient list mismatch: the server lists bob@hospital.fr, the sender signed bob@hospital.fr, carol@hospital.fr",
    );
}

#[test]
fn sender_rewritten() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr");
    scene.world.server.sql(&format!(
        "UPDATE envelopes SET sender_id = {carol} WHERE id = {id};",
        carol = scene.account_id("carol@hospital.fr"),
        id = hex_blob(&id),
    ));
    scene.refused(
        &scene.world.bob,
        &id,
        "sender mismatch: the server says carol@hospital.fr sent it, the envelope says alice@hospital.fr",
    );
}

#[test]
fn sender_key_substituted_in_the_directory() {
    if crate::sqlite_only() {
        return;
    }
    let scene = scene();
    let id = scene.send(&scene.world.alice, "bob@hospital.fr");
    // The directory now hands out carol's signing key as alice's.
    scene.world.server.sql(
        "UPDATE accounts SET signing_key = (SELECT signing_key FROM accounts WHERE email = 'carol@hospital.fr') \
         WHERE email = 'alice@hospital.fr';",
    );
    scene.refused(
        &scene.world.bob,
        &id,
        "signature check failed: the envelope was not signed by alice@hospital.fr",
    );
}
