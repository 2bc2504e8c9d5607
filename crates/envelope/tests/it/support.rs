//! Helpers shared by the integration tests: fixed keys, manifests, sealing and opening.

use pli_envelope::{
    EnvelopeError, FileEntry, Identity, Manifest, Opening, Sender, SigningKey, age_file, key_id,
    seal, sha256_reader,
};
use sha2::{Digest, Sha256};

pub const ENVELOPE_ID: &str = "5f3c1a9e0b7d4c2e8a6f1b3d5c7e9a0b";

pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[0x42; 32])
}

pub fn other_signing_key() -> SigningKey {
    SigningKey::from_bytes(&[0x43; 32])
}

pub fn identity() -> Identity {
    "AGE-SECRET-KEY-1CDPXYEFG803WH3KD8FFASH6E2Y9AF60ZVZ7Z546WQCZJPCJ33FYQSQKTNA"
        .parse()
        .unwrap()
}

pub fn manifest(files: &[(&str, &[u8])]) -> Manifest {
    Manifest {
        envelope_id: ENVELOPE_ID.into(),
        subject: "Compte rendu d'hospitalisation".into(),
        sender: Sender {
            email: "alice@hopital.example".into(),
            key_id: key_id(&signing_key().verifying_key()),
        },
        recipients: vec!["bob@tribunal.example".into(), "greffe".into()],
        created_at: 1_767_225_600,
        files: files
            .iter()
            .map(|(name, contents)| {
                let (sha256, size) = sha256_reader(&mut &contents[..]).unwrap();
                FileEntry {
                    name: name.to_string(),
                    size,
                    media_type: "application/octet-stream".into(),
                    sha256,
                }
            })
            .collect(),
        dlp: None,
        outside: None,
    }
}

pub fn seal_files(manifest: &Manifest, files: &[&[u8]]) -> Vec<u8> {
    let mut readers: Vec<&[u8]> = files.to_vec();
    let mut readers: Vec<&mut dyn std::io::Read> = readers
        .iter_mut()
        .map(|r| r as &mut dyn std::io::Read)
        .collect();
    let mut out = Vec::new();
    seal(
        manifest,
        &signing_key(),
        &[identity().to_public()],
        &mut readers,
        &mut out,
    )
    .unwrap();
    out
}

/// Opens, verifies and reads every file. Also checks that no `Ok` is ever returned for a
/// file whose bytes differ from its manifest entry.
pub fn open_all(ciphertext: &[u8]) -> Result<(Manifest, Vec<Vec<u8>>), EnvelopeError> {
    let opening = Opening::new(ciphertext, &identity())?;
    let mut verified = opening.verify(&signing_key().verifying_key())?;
    let manifest = verified.manifest().clone();
    let mut files = Vec::new();
    loop {
        let mut contents = Vec::new();
        match verified.next_file(&mut contents)? {
            Some(entry) => {
                assert_eq!(entry.size, contents.len() as u64);
                assert_eq!(entry.sha256, <[u8; 32]>::from(Sha256::digest(&contents)));
                files.push(contents);
            }
            None => return Ok((manifest, files)),
        }
    }
}

/// An age file for the test identity whose plaintext is exactly `plaintext`.
pub fn encrypt_plaintext(plaintext: &[u8]) -> Vec<u8> {
    let recipient = identity().to_public();
    let mut writer = age_file::encrypt(&[&recipient], Vec::new()).unwrap();
    writer.write_all(plaintext).unwrap();
    writer.finish().unwrap()
}

/// The plaintext (tar archive) of an envelope.
pub fn decrypt_plaintext(ciphertext: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut reader = age_file::decrypt(ciphertext, &[&identity()]).unwrap();
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).unwrap();
    plaintext
}

/// Builds a tar entry by hand (GNU header, mode 0600), for archives our writer would refuse.
pub fn tar_entry(name: &[u8], entry_type: tar::EntryType, data: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(entry_type);
    header.set_size(data.len() as u64);
    header.set_mode(0o600);
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    header.set_cksum();
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// The manifest and signature entries, signed with `key`.
pub fn manifest_entries(manifest_json: &[u8], key: &SigningKey) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let signature = key.sign(&[pli_envelope::SIGNATURE_CONTEXT, manifest_json].concat());
    let mut out = tar_entry(b"pli-manifest.json", tar::EntryType::Regular, manifest_json);
    out.extend(tar_entry(
        b"pli-manifest.sig",
        tar::EntryType::Regular,
        &signature.to_bytes(),
    ));
    out
}
