//! Interoperability with the reference tools, both ways: Debian's `age` (Go) and GNU tar.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use pli_envelope::{Opening, signed_manifest};

use crate::support::{identity, manifest, seal_files, signing_key};

const IDENTITY_FILE: &str = "key.txt";

fn require_age() {
    let found = Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the interoperability tests need Debian's `age` tool: apt-get install age"
    );
}

fn files() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "rapport médical.pdf".to_string(),
            (0..200_000u32).map(|i| (i * 7 % 256) as u8).collect(),
        ),
        (
            "n".repeat(150) + ".txt",
            b"a file whose name needs a GNU long-name entry\n".to_vec(),
        ),
        ("empty".to_string(), Vec::new()),
    ]
}

fn write_identity(dir: &Path) {
    use age::secrecy::ExposeSecret;
    let key = identity().to_string();
    fs::write(
        dir.join(IDENTITY_FILE),
        format!("{}\n", key.expose_secret()),
    )
    .unwrap();
}

#[test]
fn age_and_tar_recover_what_we_seal() {
    require_age();
    let dir = tempfile::tempdir().unwrap();
    write_identity(dir.path());
    let files = files();
    let pairs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let manifest = manifest(&pairs);
    let contents: Vec<&[u8]> = files.iter().map(|(_, c)| c.as_slice()).collect();
    fs::write(
        dir.path().join("envelope.age"),
        seal_files(&manifest, &contents),
    )
    .unwrap();

    // age -d -i key.txt envelope.age | tar x -C out
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let mut age = Command::new("age")
        .args(["-d", "-i", IDENTITY_FILE, "envelope.age"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let tar = Command::new("tar")
        .args(["-x", "-f", "-", "-C"])
        .arg(&out)
        .stdin(age.stdout.take().unwrap())
        .status()
        .unwrap();
    assert!(
        age.wait().unwrap().success(),
        "age failed to decrypt our envelope"
    );
    assert!(tar.success(), "tar failed to extract our archive");

    for (name, contents) in &files {
        assert_eq!(&fs::read(out.join(name)).unwrap(), contents, "{name}");
    }
    let (json, signature) = signed_manifest(&manifest, &signing_key()).unwrap();
    assert_eq!(fs::read(out.join("pli-manifest.json")).unwrap(), json);
    assert_eq!(fs::read(out.join("pli-manifest.sig")).unwrap(), signature);
    let extracted = fs::read_dir(&out).unwrap().count();
    assert_eq!(extracted, files.len() + 2, "nothing else is extracted");
}

#[test]
fn we_open_what_gnu_tar_and_age_produce() {
    require_age();
    let dir = tempfile::tempdir().unwrap();
    let files = files();
    let pairs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let manifest = manifest(&pairs);
    let (json, signature) = signed_manifest(&manifest, &signing_key()).unwrap();

    let staging = dir.path().join("staging");
    fs::create_dir(&staging).unwrap();
    fs::write(staging.join("pli-manifest.json"), &json).unwrap();
    fs::write(staging.join("pli-manifest.sig"), signature).unwrap();
    for (name, contents) in &files {
        fs::write(staging.join(name), contents).unwrap();
    }
    let tar = Command::new("tar")
        .args(["--format=gnu", "-c", "-f"])
        .arg(dir.path().join("archive.tar"))
        .arg("-C")
        .arg(&staging)
        .args(["pli-manifest.json", "pli-manifest.sig"])
        .args(files.iter().map(|(name, _)| name))
        .status()
        .unwrap();
    assert!(tar.success());
    let age = Command::new("age")
        .args([
            "-r",
            &identity().to_public().to_string(),
            "-o",
            "envelope.age",
            "archive.tar",
        ])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(age.success());

    let ciphertext = fs::read(dir.path().join("envelope.age")).unwrap();
    let opening = Opening::new(&ciphertext[..], &identity()).unwrap();
    assert_eq!(opening.manifest(), &manifest);
    let mut verified = opening.verify(&signing_key().verifying_key()).unwrap();
    for (name, contents) in &files {
        let mut opened = Vec::new();
        let entry = verified.next_file(&mut opened).unwrap().unwrap();
        assert_eq!(&entry.name, name);
        assert_eq!(&opened, contents);
    }
    assert!(verified.next_file(&mut Vec::new()).unwrap().is_none());
}
