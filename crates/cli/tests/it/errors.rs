//! Exit codes (0, 1, 2) and the messages of the main error cases, pinned.

use crate::{Run, World, files, listing, pli};

#[test]
fn unknown_recipient() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let run = world.alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr,Nobody@hospital.fr",
    ]);
    assert_eq!(
        run.fails(),
        "error: unknown recipient nobody@hospital.fr: no account or mailbox has this address (check the spelling)\n"
    );
    assert_eq!(run.stdout, "");
    // Nothing was sent to the recipient that did exist.
    assert!(world.bob.inbox().is_empty());
}

#[test]
fn not_logged_in() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["inbox"][..],
        &["outbox", "--json"],
        &["key", "export"],
        &["whoami"],
    ] {
        let run = Run::from(pli(Some(home.path())).args(args).output().unwrap());
        assert_eq!(
            run.fails(),
            "error: not logged in: run `pli login SERVER_URL --email EMAIL` (or `pli join` with an invitation)\n",
            "{args:?}"
        );
    }
}

#[test]
fn wrong_password() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let id = world.alice.send(&[&paths[0]], "bob@hospital.fr");

    let out = tempfile::tempdir().unwrap();
    let run = world.bob.run_with_password(
        &["get", &id, "-o", out.path().to_str().unwrap()],
        Some("not the password"),
    );
    assert_eq!(
        run.fails(),
        "error: unlocking the account's keys: wrong password (or the stored keys were altered)\n"
    );
    assert!(listing(out.path()).is_empty());

    let run = world
        .bob
        .run_with_password(&["key", "export"], Some("not the password"));
    assert_eq!(run.stdout, "");
    run.fails();

    let other = tempfile::tempdir().unwrap();
    let run = Run::from(
        pli(Some(other.path()))
            .args(["login", &world.server.url, "--email", "bob@hospital.fr"])
            .env("PLI_PASSWORD", "not the password")
            .output()
            .unwrap(),
    );
    assert_eq!(run.fails(), "error: logging in: wrong email or password\n");
    assert!(listing(other.path()).is_empty(), "no profile saved");
}

#[test]
fn no_password_and_no_terminal() {
    let world = World::start();
    let run = world.bob.run_with_password(&["key", "export"], None);
    assert_eq!(
        run.fails(),
        "error: a password is needed: set PLI_PASSWORD, or run the command in a terminal\n"
    );
}

#[test]
fn get_unknown_or_malformed_id() {
    let world = World::start();
    let out = tempfile::tempdir().unwrap();
    let unknown = "0123456789abcdef0123456789abcdef";
    let run = world.bob.get(unknown, out.path());
    assert_eq!(
        run.fails(),
        format!(
            "error: no envelope {unknown} (or you may not read it): check the id with `pli inbox`\n"
        )
    );
    let run = world.bob.get("../../etc/passwd", out.path());
    assert_eq!(
        run.fails(),
        "error: invalid envelope id \"../../etc/passwd\": expected 32 lowercase hexadecimal digits\n"
    );
    assert!(listing(out.path()).is_empty());
}

#[test]
fn unreachable_server() {
    let home = tempfile::tempdir().unwrap();
    let run = Run::from(
        pli(Some(home.path()))
            .args(["login", "http://127.0.0.1:9", "--email", "a@b.fr"])
            .env("PLI_PASSWORD", "whatever password")
            .output()
            .unwrap(),
    );
    assert!(
        run.fails()
            .starts_with("error: logging in: cannot reach the server at http://127.0.0.1:9"),
        "{run:#?}"
    );
}

#[test]
fn invalid_invitation_code() {
    let world = World::start();
    world
        .server
        .invite("eve@hospital.fr", "hospital", "agent", &[]);
    let home = tempfile::tempdir().unwrap();
    let run = Run::from(
        pli(Some(home.path()))
            .args([
                "join",
                &world.server.url,
                "--email",
                "eve@hospital.fr",
                "--code",
                "WRONGCODE",
            ])
            .env("PLI_PASSWORD", "a long enough password")
            .output()
            .unwrap(),
    );
    assert!(
        run.fails()
            .starts_with("error: joining: the server refused"),
        "{run:#?}"
    );
    assert!(listing(home.path()).is_empty());
}

#[test]
fn short_password_is_refused_at_join() {
    let world = World::start();
    let code = world
        .server
        .invite("eve@hospital.fr", "hospital", "agent", &[]);
    let home = tempfile::tempdir().unwrap();
    let run = Run::from(
        pli(Some(home.path()))
            .args([
                "join",
                &world.server.url,
                "--email",
                "eve@hospital.fr",
                "--code",
                &code,
            ])
            .env("PLI_PASSWORD", "short")
            .output()
            .unwrap(),
    );
    assert_eq!(
        run.fails(),
        "error: the password is too short: use at least 10 characters\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["send"],
        &["send", "file.txt"],
        &["get"],
        &["frobnicate"],
        &["admin", "invite", "a@b.fr", "--org", "o"],
        &["inbox", "--limit", "zero"],
    ] {
        let run = Run::from(pli(None).args(args).output().unwrap());
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert_eq!(run.stdout, "");
        assert!(!run.stderr.is_empty());
    }
    let run = Run::from(pli(None).arg("--version").output().unwrap());
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("pli "));
}

#[test]
fn admin_over_http_needs_an_admin() {
    let world = World::start();
    let run = world.bob.run(&[
        "admin",
        "invite",
        "eve@hospital.fr",
        "--org",
        "hospital",
        "--server",
        &world.server.url,
    ]);
    assert_eq!(run.stdout, "");
    assert!(
        run.fails()
            .starts_with("error: inviting: the server refused (HTTP 403)"),
        "{run:#?}"
    );
}

#[test]
fn broken_pipe_on_stdout_exits_quietly() {
    use std::process::Stdio;
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    for _ in 0..2 {
        world.alice.send(&[&paths[0]], "bob@hospital.fr");
    }
    // stdout closed before pli writes: the reader went away.
    let mut child = pli(Some(world.bob.home.path()))
        .args(["inbox", "--json"])
        .env("PLI_PASSWORD", &world.bob.password)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn bad_files_are_refused_before_anything_is_sent() {
    let world = World::start();
    let (sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let other = tempfile::tempdir().unwrap();
    let twin = other.path().join("a.txt");
    std::fs::write(&twin, b"y").unwrap();
    let missing = sources.path().join("missing.pdf");
    let send = |files: &[&std::path::Path]| {
        let mut args = vec!["send"];
        args.extend(files.iter().map(|file| file.to_str().unwrap()));
        args.extend(["--to", "bob@hospital.fr"]);
        world.alice.run(&args)
    };

    let run = send(&[&paths[0], &twin]);
    assert_eq!(
        run.fails(),
        "error: two files are named \"a.txt\": rename one of them\n"
    );
    let run = send(&[&missing]);
    assert_eq!(
        run.fails(),
        format!(
            "error: reading {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    let run = send(&[sources.path()]);
    assert!(run.fails().contains("not a regular file"), "{run:#?}");
    assert!(world.bob.inbox().is_empty());
}

#[test]
fn send_prints_the_id_alone_and_nothing_else_without_a_terminal() {
    let world = World::start();
    let (_sources, paths) = files(&[("a.txt", b"x".as_slice())]);
    let run = world.alice.run(&[
        "send",
        paths[0].to_str().unwrap(),
        "--to",
        "bob@hospital.fr",
    ]);
    assert_eq!(run.ok().len(), 32);
    assert_eq!(
        run.stderr, "",
        "no progress bar nor chatter when stderr is not a terminal"
    );
}
