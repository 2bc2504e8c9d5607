//! `pli backup` and `pli restore`: a running server's data is backed up, restored into an
//! empty data directory, served again and read back whole; damaged backups are refused and
//! leave the target untouched.

use std::path::Path;

use crate::{Run, Server, User, World, files, listing, noise, pli};

/// `pli ARGS` with no profile.
fn run(args: &[&std::ffi::OsStr]) -> Run {
    Run::from(pli(None).args(args).output().unwrap())
}

fn os(text: &str) -> &std::ffi::OsStr {
    text.as_ref()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_backup_restores_into_an_empty_instance_that_serves_every_document() {
    if crate::sqlite_only() {
        return;
    }
    let world = World::start();
    let admin = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--server", &world.server.url]);
        world.alice.run(&all)
    };
    admin(&["admin", "mailbox", "create", "accueil", "--org", "hospital"]).ok();
    admin(&["admin", "mailbox", "add", "accueil", "bob@hospital.fr"]).ok();
    let big = noise(300_000, 7);
    let (_sources, paths) = files(&[
        ("compte-rendu.txt", b"premier".as_slice()),
        ("scanner.bin", big.as_slice()),
        ("note.txt", b"au guichet".as_slice()),
    ]);
    let sent = [
        (
            world.alice.send(&[&paths[0], &paths[1]], "bob@hospital.fr"),
            vec![
                ("compte-rendu.txt", b"premier".to_vec()),
                ("scanner.bin", big.clone()),
            ],
        ),
        (
            world.alice.send(&[&paths[2]], "accueil"),
            vec![("note.txt", b"au guichet".to_vec())],
        ),
    ];
    world
        .bob
        .get(&sent[0].0, tempfile::tempdir().unwrap().path())
        .ok();

    // Backed up while the server runs.
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("nightly");
    let data = world.server.data.path();
    let done = run(&[
        os("backup"),
        os("--out"),
        backup.as_os_str(),
        os("--data"),
        data.as_os_str(),
    ]);
    assert!(done.ok().starts_with("backup written to "), "{done:#?}");
    assert!(done.ok().contains("2 blobs"), "{done:#?}");
    let mut names = listing(&backup);
    names.sort();
    assert_eq!(
        names,
        [
            "MANIFEST",
            "audit-head.note",
            "blobs",
            "blobs.jsonl",
            "keys",
            "snapshot.jsonl"
        ]
    );
    {
        use std::os::unix::fs::PermissionsExt as _;
        for private in [
            "",
            "keys",
            "keys/server.key",
            "keys/audit-log.key",
            "snapshot.jsonl",
        ] {
            let mode = std::fs::metadata(backup.join(private))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{private} is readable by others");
        }
    }
    let refused = run(&[
        os("backup"),
        os("--out"),
        backup.as_os_str(),
        os("--data"),
        data.as_os_str(),
    ]);
    assert!(refused.fails().contains("is not empty"), "{refused:#?}");

    // Damaged backups are refused before anything is written.
    let target = backups.path().join("target");
    let damaged = |name: &str, damage: &dyn Fn(&Path), expected: &str| {
        let copy = backups.path().join(name);
        copy_dir(&backup, &copy);
        damage(&copy);
        let refused = run(&[
            os("restore"),
            os("--from"),
            copy.as_os_str(),
            os("--data"),
            target.as_os_str(),
        ]);
        assert!(refused.fails().contains(expected), "{name}: {refused:#?}");
        assert!(
            listing(&target).is_empty(),
            "{name} left files in the target"
        );
    };
    damaged(
        "flipped",
        &|copy| {
            let blob = copy.join("blobs/envelopes").join(&sent[0].0);
            let mut bytes = std::fs::read(&blob).unwrap();
            bytes[1000] ^= 1;
            std::fs::write(&blob, bytes).unwrap();
        },
        "does not match its SHA-256 in MANIFEST",
    );
    damaged(
        "unfinished",
        &|copy| std::fs::remove_file(copy.join("MANIFEST")).unwrap(),
        "MANIFEST is missing",
    );
    damaged(
        "truncated",
        &|copy| {
            let snapshot = copy.join("snapshot.jsonl");
            let bytes = std::fs::read(&snapshot).unwrap();
            std::fs::write(&snapshot, &bytes[..bytes.len() / 2]).unwrap();
        },
        "snapshot.jsonl does not match its SHA-256 in MANIFEST",
    );

    damaged(
        "without a blob",
        &|copy| {
            std::fs::remove_file(copy.join("blobs/envelopes").join(&sent[1].0)).unwrap();
        },
        "the backup is incomplete: blobs/envelopes/",
    );
    damaged(
        "hostile",
        &|copy| {
            let manifest = std::fs::read_to_string(copy.join("MANIFEST")).unwrap();
            let hostile = manifest.replacen("keys/server.key", "../../etc/passwd", 1);
            std::fs::write(copy.join("MANIFEST"), hostile).unwrap();
        },
        "the backup's MANIFEST names an unexpected file \"../../etc/passwd\"",
    );

    let restored = tempfile::tempdir().unwrap();
    let done = run(&[
        os("restore"),
        os("--from"),
        backup.as_os_str(),
        os("--data"),
        restored.path().as_os_str(),
    ]);
    assert!(done.ok().contains("2 blobs; audit log"), "{done:#?}");
    assert!(done.ok().contains("intact"), "{done:#?}");
    let again = run(&[
        os("restore"),
        os("--from"),
        backup.as_os_str(),
        os("--data"),
        restored.path().as_os_str(),
    ]);
    assert!(again.fails().contains("not empty"), "{again:#?}");

    let server = Server::start_on(restored, &[], &[]);
    let bob = world.bob.on_another_machine(&server);
    for (id, expected) in &sent {
        let out = tempfile::tempdir().unwrap();
        bob.get(id, out.path()).ok();
        for (name, content) in expected {
            assert!(
                std::fs::read(out.path().join(name)).unwrap() == *content,
                "{name} of {id} differs after the restore"
            );
        }
    }
    let auditor = User {
        email: String::new(),
        password: String::new(),
        home: tempfile::tempdir().unwrap(),
        totp: None,
    };
    let verified = auditor.run(&[
        "audit",
        "verify",
        "--data",
        server.data.path().to_str().unwrap(),
    ]);
    assert!(verified.ok().contains("intact"), "{verified:#?}");
}
