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
