//! The account's keys travel wrapped: another machine unwraps the same identity, and that
//! identity opens the raw stored envelope with the stock `age` and `tar` tools.

use std::process::Command;

use crate::{World, files, listing, noise};

#[test]
fn key_export_from_another_machine_opens_the_raw_blob_with_age_and_tar() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let big = noise(200_000, 3);
    let (_sources, paths) = files(&[("lettre.txt", b"bonjour".as_slice()), ("image.png", &big)]);
    let id = world.alice.send(&[&paths[0], &paths[1]], "bob@hospital.fr");

    let first = world.bob.run(&["key", "export"]).ok().to_owned();
    assert!(first.starts_with("AGE-SECRET-KEY-1"), "{first}");
    assert_eq!(first.lines().count(), 1);

    let laptop = world.bob.on_another_machine(&world.server);
    let second = laptop.run(&["key", "export"]).ok().to_owned();
    assert_eq!(
        first, second,
        "the server's wrapped copy unwraps to the same identity"
    );

    let work = tempfile::tempdir().unwrap();
    let key_file = work.path().join("key.txt");
    std::fs::write(&key_file, format!("{second}\n")).unwrap();
    let plain = work.path().join("plain.tar");
    let status = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key_file)
        .arg("-o")
        .arg(&plain)
        .arg(world.server.blob_path(&id))
        .status()
        .unwrap();
    assert!(status.success());
    let extracted = work.path().join("x");
    std::fs::create_dir(&extracted).unwrap();
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&plain)
        .arg("-C")
        .arg(&extracted)
        .status()
        .unwrap();
    assert!(status.success());
    let names = listing(&extracted);
    assert!(names.contains(&"lettre.txt".to_owned()) && names.contains(&"image.png".to_owned()));
    assert_eq!(std::fs::read(extracted.join("image.png")).unwrap(), big);
    assert_eq!(
        std::fs::read(extracted.join("lettre.txt")).unwrap(),
        b"bonjour"
    );

    // The second machine reads envelopes too.
    let out = tempfile::tempdir().unwrap();
    laptop.get(&id, out.path()).ok();
    assert_eq!(std::fs::read(out.path().join("image.png")).unwrap(), big);
}

#[test]
fn an_expired_session_logs_in_again_when_the_password_is_at_hand() {
    let world = World::start();
    // Age the saved session: the client must notice before the server does.
    let profile_path = world.bob.home.path().join("profile.json");
    let mut profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&profile_path).unwrap()).unwrap();
    let old_token = profile["token"].clone();
    profile["expires_at"] = serde_json::json!(1);
    std::fs::write(&profile_path, serde_json::to_string(&profile).unwrap()).unwrap();

    let run = world.bob.run_with_password(&["inbox"], None);
    assert_eq!(
        run.fails(),
        "error: the session expired: run `pli login ".to_owned()
            + &world.server.url
            + " --email bob@hospital.fr`\n"
    );
    // With the password at hand, a new session is opened and saved.
    world.bob.run(&["inbox"]).ok();
    let profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&profile_path).unwrap()).unwrap();
    assert_ne!(profile["token"], old_token);
    assert!(profile["expires_at"].as_i64().unwrap() > 1);
}
