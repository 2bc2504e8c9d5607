//! The whole tour: invite, join, send to an account, a mailbox and another organisation, list,
//! get, and the `--force` rule.

use crate::{Server, User, World, files, listing, noise};

#[test]
fn whole_tour() {
    let server = Server::start();
    let alice = User::invited(&server, "alice@hospital.fr", "hospital", "admin");

    // The admin works over HTTP from now on: a mailbox, then invitations into it.
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &server.url]);
        alice.run(&all)
    };
    admin(&[
        "admin", "mailbox", "create", "urgences", "--org", "hospital",
    ])
    .ok();
    let bob_code = admin(&[
        "admin",
        "invite",
        "bob@hospital.fr",
        "--org",
        "hospital",
        "--mailbox",
        "urgences",
    ])
    .ok()
    .to_owned();
    assert!(!bob_code.is_empty() && !bob_code.contains(char::is_whitespace));
    let carol_code = admin(&["admin", "invite", "carol@hospital.fr", "--org", "hospital"])
        .ok()
        .to_owned();
    let bob = User::join(&server, "bob@hospital.fr", &bob_code);
    let carol = User::join(&server, "carol@hospital.fr", &carol_code);
    // Another organisation on the same server.
    let dave = User::invited(&server, "dave@police.fr", "police", "agent");

    let big = noise(300_000, 7);
    let (_sources, paths) = files(&[
        ("compte-rendu.pdf", b"%PDF-1.7 report".as_slice()),
        ("scan.bin", &big),
        ("empty.txt", b""),
    ]);
    let paths: Vec<&std::path::Path> = paths.iter().map(|path| path.as_path()).collect();

    let to_bob = alice.send(&paths, "bob@hospital.fr");
    let to_team = alice.send(&paths[..1], "urgences");
    let to_police = alice.send(&paths[1..2], "DAVE@police.fr");

    // Bob sees what was sent to him and to his mailbox.
    let inbox = bob.inbox();
    let ids: Vec<&str> = inbox
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&to_bob.as_str()) && ids.contains(&to_team.as_str()),
        "{inbox:?}"
    );
    assert!(!ids.contains(&to_police.as_str()));
    let item = inbox
        .iter()
        .find(|item| item["id"] == to_bob.as_str())
        .unwrap();
    assert_eq!(item["sender"], "alice@hospital.fr");
    assert_eq!(item["to"], serde_json::json!(["bob@hospital.fr"]));
    assert!(item["size"].as_u64().unwrap() > 300_000);
    assert!(item["created_at"].as_str().unwrap().contains('T'));
    let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "id", "sender", "size", "to"]);

    // The mailbox view lists only the mailbox's envelopes.
    let team = bob.run(&["inbox", "--mailbox", "urgences", "--json"]);
    let team: Vec<serde_json::Value> = serde_json::from_str(team.ok()).unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0]["id"], to_team.as_str());

    // Bob gets his envelope: every file, byte for byte.
    let out = tempfile::tempdir().unwrap();
    let run = bob.get(&to_bob, out.path());
    assert_eq!(run.ok(), "", "paths go to stderr without --json");
    assert!(run.stderr.contains("wrote "), "{run:#?}");
    assert_eq!(
        listing(out.path()),
        ["compte-rendu.pdf", "empty.txt", "scan.bin"]
    );
    assert_eq!(std::fs::read(out.path().join("scan.bin")).unwrap(), big);
    assert_eq!(
        std::fs::read(out.path().join("compte-rendu.pdf")).unwrap(),
        b"%PDF-1.7 report"
    );
    assert_eq!(std::fs::read(out.path().join("empty.txt")).unwrap(), b"");

    // The mailbox envelope, as a member.
    let out = tempfile::tempdir().unwrap();
    bob.get(&to_team, out.path()).ok();
    assert_eq!(listing(out.path()), ["compte-rendu.pdf"]);

    // Carol is not in the mailbox: nothing, and nothing written.
    let out = tempfile::tempdir().unwrap();
    let error = carol.get(&to_team, out.path());
    assert!(error.fails().contains("no envelope"), "{error:#?}");
    assert!(listing(out.path()).is_empty());

    // Across organisations, with --json output.
    let out = tempfile::tempdir().unwrap();
    let run = dave.run(&[
        "get",
        &to_police,
        "-o",
        out.path().to_str().unwrap(),
        "--json",
    ]);
    let received: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(received["id"], to_police.as_str());
    assert_eq!(received["sender"], "alice@hospital.fr");
    assert_eq!(received["to"], serde_json::json!(["dave@police.fr"]));
    assert_eq!(received["subject"], "test");
    assert_eq!(received["files"][0]["name"], "scan.bin");
    assert_eq!(received["files"][0]["size"], 300_000);
    assert_eq!(
        received["files"][0]["media_type"],
        "application/octet-stream"
    );
    assert_eq!(
        received["files"][0]["path"],
        out.path().join("scan.bin").to_str().unwrap()
    );
    assert_eq!(std::fs::read(out.path().join("scan.bin")).unwrap(), big);

    // The outbox lists all three; the sender can read its own envelope back.
    let outbox = alice.run(&["outbox", "--json"]);
    let outbox: Vec<serde_json::Value> = serde_json::from_str(outbox.ok()).unwrap();
    let sent: Vec<&str> = outbox
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    for id in [&to_bob, &to_team, &to_police] {
        assert!(sent.contains(&id.as_str()), "{outbox:?}");
    }
    let out = tempfile::tempdir().unwrap();
    alice.get(&to_police, out.path()).ok();
    assert_eq!(std::fs::read(out.path().join("scan.bin")).unwrap(), big);

    // The human listing has a header and one line per envelope.
    let table = bob.run(&["inbox"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert!(lines[0].starts_with("ID"), "{lines:?}");
    assert_eq!(lines.len(), 3, "{lines:?}");
}

#[test]
fn mailbox_membership_changes_who_can_read() {
    let world = World::start();
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &world.server.url]);
        world.alice.run(&all)
    };
    admin(&["admin", "mailbox", "create", "accueil", "--org", "hospital"]).ok();
    admin(&["admin", "mailbox", "add", "accueil", "bob@hospital.fr"]).ok();
    let (_sources, paths) = files(&[("note.txt", b"first".as_slice())]);
    let first = world.alice.send(&[&paths[0]], "accueil");
    let out = tempfile::tempdir().unwrap();
    world.bob.get(&first, out.path()).ok();

    admin(&["admin", "mailbox", "remove", "accueil", "bob@hospital.fr"]).ok();
    // A mailbox without members cannot be encrypted to.
    let run = world
        .alice
        .run(&["send", paths[0].to_str().unwrap(), "--to", "accueil"]);
    assert!(run.fails().contains("has no members"), "{run:#?}");
    assert!(run.stdout.is_empty());
}

#[test]
fn get_never_overwrites_without_force() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"from alice".as_slice()), ("b.txt", b"two")]);
    let id = world.alice.send(&[&paths[0], &paths[1]], "bob@hospital.fr");

    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("b.txt"), b"mine").unwrap();
    let run = world.bob.get(&id, out.path());
    let expected = format!(
        "error: {} already exists: pass --force to overwrite it, or choose another directory with -o\n",
        out.path().join("b.txt").display()
    );
    assert_eq!(run.fails(), expected);
    // Nothing written, nothing replaced, no temporary file left.
    assert_eq!(listing(out.path()), ["b.txt"]);
    assert_eq!(std::fs::read(out.path().join("b.txt")).unwrap(), b"mine");

    let run = world
        .bob
        .run(&["get", &id, "-o", out.path().to_str().unwrap(), "--force"]);
    run.ok();
    assert_eq!(listing(out.path()), ["a.txt", "b.txt"]);
    assert_eq!(std::fs::read(out.path().join("b.txt")).unwrap(), b"two");
    assert_eq!(
        std::fs::read(out.path().join("a.txt")).unwrap(),
        b"from alice"
    );
}

#[test]
fn delete_by_the_sender_only() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let id = world.alice.send(&[&paths[0]], "bob@hospital.fr");
    let run = world.bob.run(&["delete", &id]);
    assert!(
        run.fails().contains("only its sender can delete"),
        "{run:#?}"
    );
    world.alice.run(&["delete", &id]).ok();
    let out = tempfile::tempdir().unwrap();
    assert!(
        world
            .bob
            .get(&id, out.path())
            .fails()
            .contains("no envelope")
    );
    assert!(world.bob.inbox().is_empty());
}

#[test]
fn inbox_follows_every_page_and_honours_limit() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let mut sent = Vec::new();
    for _ in 0..3 {
        sent.push(world.alice.send(&[&paths[0]], "bob@hospital.fr"));
    }
    assert_eq!(world.bob.inbox().len(), 3);
    let run = world.bob.run(&["inbox", "--json", "--limit", "2"]);
    let page: Vec<serde_json::Value> = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(page.len(), 2);
}

#[test]
fn whoami_and_logout() {
    let world = World::start();
    let run = world.bob.run(&["whoami", "--json"]);
    let me: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(me["email"], "bob@hospital.fr");
    assert_eq!(me["org"], "hospital");
    assert_eq!(me["role"], "agent");
    assert_eq!(me["server"], world.server.url.as_str());
    assert!(me["age_recipient"].as_str().unwrap().starts_with("age1"));
    assert_eq!(me["key_id"].as_str().unwrap().len(), 32);

    world.bob.run(&["logout"]).ok();
    let run = world.bob.run(&["inbox"]);
    assert!(run.fails().contains("not logged in"), "{run:#?}");
}

#[test]
fn profile_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let world = World::start();
    let profile = world.bob.home.path().join("profile.json");
    let mode = std::fs::metadata(&profile).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(
        !text.contains("AGE-SECRET-KEY"),
        "the private key is stored only wrapped"
    );
    assert!(!text.contains(&world.bob.password));
}
