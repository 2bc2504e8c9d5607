//! Signed receipts end to end: `pli get` signs one, `pli outbox` shows it verified against the
//! manifest the sender sealed, and a receipt edited in the database is shown as not verified.

use serde_json::Value;

use crate::{Server, User, files};

fn outbox(user: &User) -> Vec<Value> {
    serde_json::from_str(user.run(&["outbox", "--json"]).ok()).unwrap()
}

fn receipts_of<'a>(items: &'a [Value], id: &str) -> &'a Vec<Value> {
    items.iter().find(|item| item["id"] == id).unwrap()["receipts"]
        .as_array()
        .unwrap()
}

#[test]
fn a_recipient_signs_what_it_opened_and_the_sender_checks_it() {
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let bob = User::invited(&server, "bob@police.fr", "Police", "agent");
    let (_dir, paths) = files(&[("rapport.pdf", b"%PDF medico-legal")]);
    let id = alice.send(&[&paths[0]], "bob@police.fr");
    let unopened = alice.send(&[&paths[0]], "bob@police.fr");
    assert!(receipts_of(&outbox(&alice), &id).is_empty());

    let out = tempfile::tempdir().unwrap();
    let run = bob.get(&id, out.path());
    assert!(run.stderr.contains("receipt"), "{run:#?}");
    // Getting it again signs nothing new and is no error.
    let again = tempfile::tempdir().unwrap();
    bob.get(&id, again.path()).ok();

    let items = outbox(&alice);
    let receipts = receipts_of(&items, &id);
    assert_eq!(receipts.len(), 1, "{items:#?}");
    assert_eq!(receipts[0]["email"], "bob@police.fr");
    assert_eq!(receipts[0]["status"], "verified", "{receipts:#?}");
    assert!(receipts_of(&items, &unopened).is_empty());
    let text = alice.run(&["outbox"]);
    assert!(
        text.ok().lines().any(|line| line.starts_with(&id)
            && line.contains("opened by bob@police.fr")
            && line.contains("receipt verified")),
        "{text:#?}"
    );

    // From a machine that kept no record of the manifest, only the signature is checked.
    let elsewhere = alice.on_another_machine(&server);
    let receipts = outbox(&elsewhere);
    assert_eq!(receipts_of(&receipts, &id)[0]["status"], "signature_only");

    // A validly signed receipt for another manifest than the one sealed is refused (here the
    // sender's record is changed, which is the same comparison).
    let record = alice.home.path().join("sent").join(&id);
    let sealed = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, format!("{}\n", "ab".repeat(32))).unwrap();
    let receipts = outbox(&alice);
    let receipt = &receipts_of(&receipts, &id)[0];
    assert_eq!(receipt["status"], "invalid", "{receipt}");
    assert!(
        receipt["reason"]
            .as_str()
            .unwrap()
            .contains("another document"),
        "{receipt}"
    );
    std::fs::write(&record, sealed).unwrap();
    assert_eq!(receipts_of(&outbox(&alice), &id)[0]["status"], "verified");

    // A receipt rewritten in the database to bind another document no longer verifies.
    server.sql(&format!(
        "UPDATE receipts SET manifest_hash = {} WHERE envelope_id = {}",
        server.sql_zeros("32"),
        server.sql_blob(&id)
    ));
    let receipts = outbox(&alice);
    let receipt = &receipts_of(&receipts, &id)[0];
    assert_eq!(receipt["status"], "invalid", "{receipt}");
    assert!(
        receipt["reason"].as_str().unwrap().contains("signature"),
        "{receipt}"
    );
    assert!(alice.run(&["outbox"]).ok().contains("receipt NOT verified"));
}

#[test]
fn a_receipt_the_log_does_not_hold_as_shown_is_not_verified() {
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "Hospital", "agent");
    let bob = User::invited(&server, "bob@police.fr", "Police", "agent");
    let (_dir, paths) = files(&[("rapport.pdf", b"%PDF medico-legal")]);
    let first = alice.send(&[&paths[0]], "bob@police.fr");
    let second = alice.send(&[&paths[0]], "bob@police.fr");
    for id in [&first, &second] {
        bob.get(id, tempfile::tempdir().unwrap().path()).ok();
    }
    let items = outbox(&alice);
    for id in [&first, &second] {
        assert_eq!(
            receipts_of(&items, id)[0]["status"],
            "verified",
            "{items:#?}"
        );
    }
    let index_of = |id: &str| receipts_of(&items, id)[0]["log_index"].as_u64().unwrap();
    let (first_index, second_index) = (index_of(&first), index_of(&second));
    assert_ne!(first_index, second_index);
    let set_index = |id: &str, index: u64| {
        server.sql(&format!(
            "UPDATE receipts SET log_index = {index} WHERE envelope_id = {}",
            server.sql_blob(&id.to_uppercase())
        ));
    };
    let reason = |id: &str| {
        let items = outbox(&alice);
        let receipt = receipts_of(&items, id)[0].clone();
        assert_eq!(receipt["status"], "invalid", "{receipt}");
        receipt["reason"].as_str().unwrap().to_owned()
    };

    // The server points the first receipt at the second envelope's logged receipt, which it
    // serves only as that envelope's: not proven.
    set_index(&first, second_index);
    let why = reason(&first);
    assert!(why.contains("not proven by the audit log"), "{why}");
    assert!(why.contains("no receipt of this envelope"), "{why}");
    // At a published key's entry, or beyond the log: not proven either.
    set_index(&first, 0);
    assert!(reason(&first).contains("no receipt of this envelope"));
    set_index(&first, 1_000_000);
    assert!(reason(&first).contains("beyond the signed checkpoint"));
    set_index(&first, first_index);
    assert_eq!(
        receipts_of(&outbox(&alice), &first)[0]["status"],
        "verified"
    );
    // The human listing says so too.
    set_index(&first, second_index);
    assert!(alice.run(&["outbox"]).ok().contains("receipt NOT verified"));
}
