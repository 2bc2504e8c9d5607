//! Second factor, brute-force lock, scoped grants and alerts, through the `pli` binary.

use crate::{User, World, files};

#[test]
fn second_factor_codes_and_recovery_codes_work_once() {
    let world = World::start();
    let mut bob = world.user("bob2@hospital.fr", "hospital");
    let recovery = bob.enrol();

    // Without a code and without a terminal, login says how to give one.
    let laptop = User {
        email: bob.email.clone(),
        password: bob.password.clone(),
        home: tempfile::tempdir().unwrap(),
        totp: bob.totp.clone(),
    };
    let login = [
        "login",
        world.server.url.as_str(),
        "--email",
        "bob2@hospital.fr",
    ];
    let needed = laptop.run(&login);
    assert!(needed.fails().contains("PLI_TOTP"), "{needed:#?}");

    let code = bob.next_code().unwrap();
    let mut with_code = login.to_vec();
    with_code.extend(["--totp", code.as_str()]);
    laptop.run(&with_code).ok();
    assert!(laptop.run(&["whoami"]).ok().contains("bob2@hospital.fr"));
    let replayed = laptop.run(&with_code);
    assert!(
        replayed.fails().contains("wrong email or password"),
        "a code works once: {replayed:#?}"
    );

    // A recovery code from PLI_TOTP, once.
    let mut command = crate::pli(Some(laptop.home.path()));
    command
        .args(login)
        .env("PLI_PASSWORD", &laptop.password)
        .env("PLI_TOTP", &recovery[3]);
    let rescued = crate::Run::from(command.output().unwrap());
    rescued.ok();
    let mut again = login.to_vec();
    again.extend(["--totp", recovery[3].as_str()]);
    assert!(
        laptop
            .run(&again)
            .fails()
            .contains("wrong email or password")
    );

    // The admins hear about the recovery code.
    let alerts = world
        .alice
        .run(&["admin", "alerts", "--json", "--server", &world.server.url]);
    let alerts: Vec<serde_json::Value> = serde_json::from_str(alerts.ok()).unwrap();
    assert!(
        alerts
            .iter()
            .any(|alert| alert["kind"] == "totp.recovery_code_used"
                && alert["email"] == "bob2@hospital.fr"),
        "{alerts:?}"
    );
}

#[test]
fn an_admin_without_second_factor_can_only_enrol() {
    let world = World::start();
    let mut carol = User::invited_without_second_factor(
        &world.server,
        "carol@hospital.fr",
        "hospital",
        "admin",
    );
    let refused = carol.run(&["inbox"]);
    assert!(refused.fails().contains("pli 2fa enable"), "{refused:#?}");
    carol.enrol();
    carol.run(&["inbox", "--json"]).ok();

    // An organisation that demands a second factor: its agents too.
    world
        .alice
        .run(&["admin", "org", "require-2fa", "--server", &world.server.url])
        .ok();
    assert!(world.bob.run(&["inbox"]).fails().contains("pli 2fa enable"));
    world
        .alice
        .run(&[
            "admin",
            "org",
            "require-2fa",
            "--off",
            "--server",
            &world.server.url,
        ])
        .ok();
    world.bob.run(&["inbox"]).ok();
}

#[test]
fn repeated_wrong_passwords_lock_the_account_until_an_admin_unblocks_it() {
    let world = World::start();
    let laptop = tempfile::tempdir().unwrap();
    let login = |password: &str| {
        let mut command = crate::pli(Some(laptop.path()));
        command
            .args(["login", &world.server.url, "--email", "bob@hospital.fr"])
            .env("PLI_PASSWORD", password);
        crate::Run::from(command.output().unwrap())
    };
    for _ in 0..10 {
        assert!(
            login("not the password at all")
                .fails()
                .contains("wrong email or password")
        );
    }
    let locked = login(&world.bob.password);
    assert!(locked.fails().contains("locked"), "{locked:#?}");

    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &world.server.url]);
        world.alice.run(&all)
    };
    let alerts: Vec<serde_json::Value> =
        serde_json::from_str(admin(&["admin", "alerts", "--json"]).ok()).unwrap();
    let lock = alerts
        .iter()
        .find(|alert| alert["kind"] == "login.locked")
        .expect("an alert for the lock");
    assert_eq!(lock["email"], "bob@hospital.fr");
    assert!(
        !lock["details"]
            .as_str()
            .unwrap()
            .contains("not the password")
    );

    admin(&[
        "admin",
        "unblock",
        "bob@hospital.fr",
        "--reason",
        "checked by phone",
    ])
    .ok();
    login(&world.bob.password).ok();
}

#[test]
fn a_read_only_grant_reads_the_mailbox_until_revoked() {
    let world = World::start();
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &world.server.url]);
        world.alice.run(&all)
    };
    admin(&["admin", "mailbox", "create", "radio", "--org", "hospital"]).ok();
    admin(&["admin", "mailbox", "add", "radio", "bob@hospital.fr"]).ok();
    let presta = world.user("presta@labo.fr", "labo");
    let bad_date = admin(&[
        "admin",
        "grant",
        "presta@labo.fr",
        "--mailbox",
        "radio",
        "--read-only",
        "--until",
        "31/12/2999",
    ]);
    assert!(bad_date.fails().contains("YYYY-MM-DD"));
    admin(&[
        "admin",
        "grant",
        "presta@labo.fr",
        "--mailbox",
        "radio",
        "--read-only",
        "--until",
        "2999-12-31",
    ])
    .ok();
    let grants: Vec<serde_json::Value> =
        serde_json::from_str(admin(&["admin", "grant", "list", "--json"]).ok()).unwrap();
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert_eq!(grants[0]["email"], "presta@labo.fr");
    assert_eq!(grants[0]["read"], true);
    assert_eq!(grants[0]["send"], false);
    assert_eq!(grants[0]["until"], "3000-01-01T00:00:00Z");

    let (_dir, paths) = files(&[("irm.txt", b"IRM du 12".as_slice())]);
    let id = world.bob.send(&[paths[0].as_path()], "radio");
    let listed = presta.run(&["inbox", "--mailbox", "radio", "--json"]);
    assert!(listed.ok().contains(&id), "{listed:#?}");
    let out = tempfile::tempdir().unwrap();
    presta.get(&id, out.path()).ok();
    assert_eq!(
        std::fs::read(out.path().join("irm.txt")).unwrap(),
        b"IRM du 12"
    );
    let send = presta.run(&["send", paths[0].to_str().unwrap(), "--to", "radio"]);
    assert!(send.fails().contains("radio"), "read-only: {send:#?}");

    admin(&["admin", "revoke", "presta@labo.fr", "--mailbox", "radio"]).ok();
    assert!(presta.run(&["inbox", "--mailbox", "radio"]).code != 0);
    let gone = presta.get(&id, tempfile::tempdir().unwrap().path());
    assert!(gone.code != 0, "{gone:#?}");
}
