//! Canary envelopes through the `pli` binary: planted and listed by an admin, looking like any
//! envelope to members, blocking the downloads of whoever fetches one until an admin lifts it.

use crate::{World, files};

#[test]
fn a_canary_download_blocks_the_account_until_an_admin_unblocks_it() {
    let world = World::start();
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &world.server.url]);
        world.alice.run(&all)
    };
    admin(&["admin", "mailbox", "create", "radio", "--org", "hospital"]).ok();
    admin(&["admin", "mailbox", "add", "radio", "bob@hospital.fr"]).ok();
    let (_dir, paths) = files(&[("irm.txt", b"IRM du 12".as_slice())]);
    let real = world.alice.send(&[paths[0].as_path()], "radio");

    let by_member = world.bob.run(&["admin", "canary", "--mailbox", "radio"]);
    assert!(by_member.code != 0, "{by_member:#?}");
    let planted = admin(&["admin", "canary", "--mailbox", "radio"]);
    let canary = planted.ok().to_owned();
    assert_eq!(canary.len(), 32, "the id alone on stdout: {planted:#?}");
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(admin(&["admin", "canary", "list", "--json"]).ok()).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], canary.as_str());
    assert_eq!(listed[0]["mailbox"], "radio");
    assert_eq!(listed[0]["planted_by"], "alice@hospital.fr");
    let text = admin(&["admin", "canary", "list"]);
    assert!(text.ok().contains(&canary));

    let inbox = world.bob.inbox();
    let decoy = inbox.iter().find(|item| item["id"] == canary.as_str());
    let ordinary = inbox.iter().find(|item| item["id"] == real.as_str());
    let keys = |item: Option<&serde_json::Value>| {
        let mut keys: Vec<String> = item.unwrap().as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(decoy), keys(ordinary), "{inbox:?}");

    let out = tempfile::tempdir().unwrap();
    let caught = world.bob.get(&canary, out.path());
    assert!(caught.fails().contains("blocked"), "{caught:#?}");
    let after = world.bob.get(&real, out.path());
    assert!(after.fails().contains("pli admin unblock"), "{after:#?}");
    assert!(!out.path().join("irm.txt").exists());

    let alerts: Vec<serde_json::Value> =
        serde_json::from_str(admin(&["admin", "alerts", "--json"]).ok()).unwrap();
    let alert = alerts
        .iter()
        .find(|alert| alert["kind"] == "canary.download")
        .expect("an alert for the canary");
    assert_eq!(alert["email"], "bob@hospital.fr");

    let unblocked = admin(&[
        "admin",
        "unblock",
        "bob@hospital.fr",
        "--reason",
        "security drill",
    ]);
    assert!(
        unblocked.stderr.contains("download again"),
        "{unblocked:#?}"
    );
    world.bob.get(&real, out.path()).ok();
    assert_eq!(
        std::fs::read(out.path().join("irm.txt")).unwrap(),
        b"IRM du 12"
    );
}

#[test]
fn pli_get_gives_the_second_factor_again_when_the_server_asks() {
    let mut world = World::start();
    world.bob.enrol();
    let (_dir, paths) = files(&[("cr.txt", b"compte rendu".as_slice())]);
    let ids: Vec<String> = (0..30)
        .map(|_| world.alice.send(&[paths[0].as_path()], "bob@hospital.fr"))
        .collect();
    let out = tempfile::tempdir().unwrap();
    for id in &ids[..29] {
        let dir = out.path().join(id);
        world.bob.get(id, &dir).ok();
    }
    // The 30th download in ten minutes is 1.5 times the floor: the server wants a code.
    let last = out.path().join(&ids[29]);
    let without = world.bob.get(&ids[29], &last);
    let refused = without.fails();
    assert!(
        refused.contains("second factor again") && refused.contains("second-factor code is needed"),
        "{without:#?}"
    );
    let mut command = crate::pli(Some(world.bob.home.path()));
    command
        .args(["get", &ids[29], "-o", last.to_str().unwrap()])
        .env("PLI_PASSWORD", &world.bob.password)
        .env("PLI_TOTP", world.bob.next_code().unwrap());
    let with = crate::Run::from(command.output().unwrap());
    with.ok();
    assert!(
        with.stderr.contains("second factor given again"),
        "{with:#?}"
    );
    assert_eq!(std::fs::read(last.join("cr.txt")).unwrap(), b"compte rendu");
}
