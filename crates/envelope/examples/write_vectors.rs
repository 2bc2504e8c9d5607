//! Writes the committed test vectors of `tests/vectors/` (run once; the sealed envelope
//! differs at every run because sealing draws a fresh file key, nonce and ephemeral share):
//! `cargo run -p pli-envelope --example write_vectors -- crates/envelope/tests/vectors`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::PathBuf;

use pli_envelope::{
    FileEntry, Identity, Manifest, Sender, SigningKey, key_id, seal, sha256_reader, signed_manifest,
};

const IDENTITY: &str = "AGE-SECRET-KEY-1CDPXYEFG803WH3KD8FFASH6E2Y9AF60ZVZ7Z546WQCZJPCJ33FYQSQKTNA";
const SENDER_SEED: [u8; 32] = [0x42; 32];

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("output directory"));
    fs::create_dir_all(dir.join("files")).unwrap();
    let identity: Identity = IDENTITY.parse().unwrap();
    let signing_key = SigningKey::from_bytes(&SENDER_SEED);

    let files: Vec<(String, &str, Vec<u8>)> = vec![
        (
            "compte-rendu.pdf".into(),
            "application/pdf",
            (0..150_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect(),
        ),
        (
            "Rapport d'expertise médico-légale, audition du 12 mars, pièces jointes et annexes numérotées.txt".into(),
            "text/plain; charset=utf-8",
            "Texte du rapport.\n".repeat(10).into_bytes(),
        ),
    ];
    let manifest = Manifest {
        envelope_id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0".into(),
        subject: "Expertise — dossier 2026/0142".into(),
        sender: Sender {
            email: "alice@hopital.example".into(),
            key_id: key_id(&signing_key.verifying_key()),
        },
        recipients: vec!["bob@tribunal.example".into(), "greffe".into()],
        created_at: 1_767_225_600,
        files: files
            .iter()
            .map(|(name, media_type, contents)| {
                let (sha256, size) = sha256_reader(&mut &contents[..]).unwrap();
                FileEntry {
                    name: name.clone(),
                    size,
                    media_type: media_type.to_string(),
                    sha256,
                }
            })
            .collect(),
        dlp: None,
        outside: None,
    };
    let mut sealed = Vec::new();
    let mut readers: Vec<&[u8]> = files.iter().map(|(_, _, c)| c.as_slice()).collect();
    let mut readers: Vec<&mut dyn std::io::Read> = readers
        .iter_mut()
        .map(|r| r as &mut dyn std::io::Read)
        .collect();
    seal(
        &manifest,
        &signing_key,
        &[identity.to_public()],
        &mut readers,
        &mut sealed,
    )
    .unwrap();

    let (json, signature) = signed_manifest(&manifest, &signing_key).unwrap();
    fs::write(dir.join("envelope.age"), &sealed).unwrap();
    // The same envelope without its final chunk: must fail to open.
    let mut plaintext = Vec::new();
    std::io::Read::read_to_end(
        &mut pli_envelope::age_file::decrypt(&sealed[..], &[&identity]).unwrap(),
        &mut plaintext,
    )
    .unwrap();
    let last_chunk = match plaintext.len() % (64 * 1024) {
        0 => 64 * 1024,
        rest => rest,
    } + 16;
    fs::write(
        dir.join("truncated.age"),
        &sealed[..sealed.len() - last_chunk],
    )
    .unwrap();
    fs::write(dir.join("manifest.json"), &json).unwrap();
    fs::write(dir.join("manifest.sig"), signature).unwrap();
    fs::write(dir.join("identity.txt"), format!("{IDENTITY}\n")).unwrap();
    fs::write(
        dir.join("recipient.txt"),
        format!("{}\n", identity.to_public()),
    )
    .unwrap();
    fs::write(
        dir.join("sender-seed.hex"),
        format!("{}\n", hex::encode(SENDER_SEED)),
    )
    .unwrap();
    fs::write(
        dir.join("sender-public.hex"),
        format!("{}\n", hex::encode(signing_key.verifying_key().as_bytes())),
    )
    .unwrap();
    for (name, _, contents) in &files {
        fs::write(dir.join("files").join(name), contents).unwrap();
    }
}
