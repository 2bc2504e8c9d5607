//! Opening envelopes with a fixed identity and sender key. The first byte picks how the rest
//! is used, so that the fuzzer reaches past the ciphertext's authentication:
//! - 0: the bytes are the envelope itself;
//! - 1: the bytes are the plaintext of an age file encrypted to the fixed identity (so the
//!   tar and manifest parsers see them);
//! - otherwise: a genuine envelope is sealed (its file made of the bytes), its plaintext
//!   archive altered at an offset and with a mask taken from the bytes, then re-encrypted.
#![no_main]

use std::io::Read;
use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use pli_envelope::{
    FileEntry, Identity, Manifest, Opening, Sender, SigningKey, age_file, key_id, seal,
    sha256_reader,
};

const IDENTITY: &str = "AGE-SECRET-KEY-1CDPXYEFG803WH3KD8FFASH6E2Y9AF60ZVZ7Z546WQCZJPCJ33FYQSQKTNA";

fn open(ciphertext: &[u8], identity: &Identity, signing_key: &SigningKey) {
    let Ok(opening) = Opening::new(ciphertext, identity) else {
        return;
    };
    let _ = opening.manifest();
    let Ok(mut verified) = opening.verify(&signing_key.verifying_key()) else {
        return;
    };
    let mut sink = std::io::sink();
    while let Ok(Some(_)) = verified.next_file(&mut sink) {}
}

fn encrypt(plaintext: &[u8], identity: &Identity) -> Vec<u8> {
    let recipient = identity.to_public();
    let Ok(mut writer) = age_file::encrypt(&[&recipient], Vec::new()) else {
        return Vec::new();
    };
    if writer.write_all(plaintext).is_err() {
        return Vec::new();
    }
    writer.finish().unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Ok(identity) = Identity::from_str(IDENTITY) else {
        return;
    };
    let signing_key = SigningKey::from_bytes(&[7; 32]);
    match data.split_first() {
        None => {}
        Some((0, rest)) => open(rest, &identity, &signing_key),
        Some((1, rest)) => open(&encrypt(rest, &identity), &identity, &signing_key),
        Some((_, rest)) if rest.len() >= 5 => {
            let offset = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let mask = rest[4];
            let contents = &rest[5..];
            let Ok((sha256, size)) = sha256_reader(&mut &contents[..]) else {
                return;
            };
            let manifest = Manifest {
                envelope_id: "0123456789abcdef0123456789abcdef".into(),
                subject: "fuzz".into(),
                sender: Sender {
                    email: "sender@example.org".into(),
                    key_id: key_id(&signing_key.verifying_key()),
                },
                recipients: vec!["recipient@example.org".into()],
                created_at: 1_700_000_000,
                files: vec![
                    FileEntry {
                        name: "a.bin".into(),
                        size,
                        media_type: "application/octet-stream".into(),
                        sha256,
                    },
                    FileEntry {
                        name: "b".repeat(150),
                        size,
                        media_type: "text/plain".into(),
                        sha256,
                    },
                ],
                dlp: None,
                outside: None,
            };
            let mut sealed = Vec::new();
            let (mut first, mut second) = (contents, contents);
            if seal(
                &manifest,
                &signing_key,
                &[identity.to_public()],
                &mut [&mut first, &mut second],
                &mut sealed,
            )
            .is_err()
            {
                return;
            }
            let Ok(mut reader) = age_file::decrypt(&sealed[..], &[&identity]) else {
                return;
            };
            let mut plaintext = Vec::new();
            if reader.read_to_end(&mut plaintext).is_err() || plaintext.is_empty() {
                return;
            }
            let offset = offset % plaintext.len();
            plaintext[offset] ^= mask;
            open(&encrypt(&plaintext, &identity), &identity, &signing_key);
        }
        Some(_) => {}
    }
});
