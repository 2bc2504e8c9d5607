//! Signed notes and checkpoints: the Go `sumdb/note` vectors, strict key parsing, hostile notes.

use base64::prelude::{BASE64_STANDARD, Engine as _};
use pli_audit::{
    Checkpoint, CheckpointError, Hash, LogKey, LogVerifier, MAX_NOTE_BYTES, SignedCheckpoint,
    SigningKey, key_id, leaf_hash, open_note,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{ORIGIN, key, vector};

fn go_vectors() -> Value {
    serde_json::from_str(&vector("signed-note.json")).unwrap()
}

fn field(json: &Value, name: &str) -> String {
    json[name].as_str().unwrap().to_string()
}

/// The Go signer key `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>` as a `LogKey`.
fn go_signer(skey: &str) -> LogKey {
    let parts: Vec<&str> = skey.splitn(5, '+').collect();
    assert_eq!(&parts[..2], &["PRIVATE", "KEY"]);
    let bytes = BASE64_STANDARD.decode(parts[4]).unwrap();
    assert_eq!(bytes[0], 1);
    let key = LogKey::new(
        parts[2],
        SigningKey::from_bytes(&bytes[1..].try_into().unwrap()),
    )
    .unwrap();
    assert_eq!(format!("{:08x}", key.key_id()), parts[3]);
    key
}

#[test]
fn go_note_vectors_sign_and_verify_byte_for_byte() {
    let json = go_vectors();
    let signer = go_signer(&field(&json, "signer_key"));
    let verifier = LogVerifier::parse(&field(&json, "verifier_key")).unwrap();
    assert_eq!(signer.verifier(), verifier);
    assert_eq!(verifier.to_string(), field(&json, "verifier_key"));
    assert_eq!(verifier.key_id(), 0xc74f20a3);
    assert_eq!(key_id("PeterNeumann", verifier.verifying_key()), 0xc74f20a3);

    let text = field(&json, "text");
    let signed = field(&json, "signed_note");
    assert_eq!(signer.sign_note(&text).unwrap(), signed);
    assert_eq!(open_note(signed.as_bytes(), &verifier).unwrap(), text);

    // A changed text no longer verifies.
    let forged = signed.replace("cryptography", "cryptographY");
    assert_eq!(
        open_note(forged.as_bytes(), &verifier),
        Err(CheckpointError::BadSignature(verifier.to_string()))
    );
    // It is not a checkpoint, and the signature check comes first.
    assert_eq!(
        SignedCheckpoint::open(signed.as_bytes(), &verifier),
        Err(CheckpointError::Malformed("invalid tree size line"))
    );
}

#[test]
fn a_note_with_two_signatures_opens_with_either_key() {
    let json = go_vectors();
    let peter = LogVerifier::parse(&field(&json, "verifier_key")).unwrap();
    let enoch = LogVerifier::parse(&field(&json, "second_verifier_key")).unwrap();
    let both = format!(
        "{}{}",
        field(&json, "signed_note"),
        field(&json, "second_signature_line")
    );
    let text = field(&json, "text");
    assert_eq!(open_note(both.as_bytes(), &peter).unwrap(), text);
    assert_eq!(open_note(both.as_bytes(), &enoch).unwrap(), text);
    // Enoch's key alone does not open Peter's note.
    assert_eq!(
        open_note(field(&json, "signed_note").as_bytes(), &enoch),
        Err(CheckpointError::NotSigned(enoch.to_string()))
    );
}

#[test]
fn malformed_verifier_keys_are_refused() {
    let good = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    LogVerifier::parse(good).unwrap();
    for bad in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a3+!!!!",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
    ] {
        assert!(LogVerifier::parse(bad).is_err(), "{bad:?} parsed");
    }
    // Every truncation of a good key is refused.
    for end in 0..good.len() {
        assert!(
            LogVerifier::parse(&good[..end]).is_err(),
            "{:?}",
            &good[..end]
        );
    }
    // Go's "unknown algorithm, with adjusted key hash" key.
    assert_eq!(
        LogVerifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(CheckpointError::UnsupportedAlgorithm(0x65))
    );
}

#[test]
fn checkpoints_round_trip_and_open_only_with_the_log_key() {
    let key = key();
    let root = leaf_hash(b"root");
    let checkpoint = Checkpoint::new(ORIGIN, 1234, root).unwrap();
    assert_eq!(checkpoint.to_text(), format!("{ORIGIN}\n1234\n{root}\n"));
    let signed = key.sign(&checkpoint).unwrap();
    let note = signed.as_str();
    assert!(note.starts_with(&format!("{ORIGIN}\n1234\n{root}\n\n\u{2014} {ORIGIN} ")));
    assert!(note.ends_with('\n'));
    // The signature is base64 of the 4-byte key id then the 64-byte Ed25519 signature.
    let line = note.lines().last().unwrap();
    let blob = BASE64_STANDARD
        .decode(line.rsplit(' ').next().unwrap())
        .unwrap();
    assert_eq!(blob.len(), 68);
    assert_eq!(
        u32::from_be_bytes(blob[..4].try_into().unwrap()),
        key.key_id()
    );

    let opened = SignedCheckpoint::open(note.as_bytes(), &key.verifier()).unwrap();
    assert_eq!(opened.checkpoint(), &checkpoint);
    assert_eq!(opened, signed);

    let other = LogKey::new(ORIGIN, SigningKey::from_bytes(&[7; 32])).unwrap();
    assert_eq!(
        SignedCheckpoint::open(note.as_bytes(), &other.verifier()),
        Err(CheckpointError::NotSigned(other.verifier().to_string()))
    );
    // A key of another log cannot sign, and its checkpoints do not open as ours.
    let elsewhere = LogKey::new("other.example/log", SigningKey::from_bytes(&[42; 32])).unwrap();
    assert!(matches!(
        elsewhere.sign(&checkpoint),
        Err(CheckpointError::KeyNotForOrigin { .. })
    ));
    let foreign = elsewhere
        .sign(&Checkpoint::new("other.example/log", 1, root).unwrap())
        .unwrap();
    SignedCheckpoint::open(foreign.as_str().as_bytes(), &elsewhere.verifier()).unwrap();
    let relabelled = LogVerifier::new(ORIGIN, *elsewhere.verifier().verifying_key()).unwrap();
    assert!(SignedCheckpoint::open(foreign.as_str().as_bytes(), &relabelled).is_err());
}

#[test]
fn cosigned_checkpoints_open_with_each_key_and_extensions_survive() {
    let key = key();
    let witness = LogKey::new("witness.example.org", SigningKey::from_bytes(&[9; 32])).unwrap();
    let checkpoint = Checkpoint::new(ORIGIN, 5, leaf_hash(b"5"))
        .unwrap()
        .with_extension("time 1700000000")
        .unwrap();
    let signed = key.sign(&checkpoint).unwrap();
    let cosigned = signed.cosign(&witness).unwrap();
    assert_eq!(cosigned.as_str().matches('\u{2014}').count(), 2);
    let opened = SignedCheckpoint::open(cosigned.as_str().as_bytes(), &key.verifier()).unwrap();
    assert_eq!(opened.checkpoint().extensions(), ["time 1700000000"]);
    assert_eq!(
        open_note(cosigned.as_str().as_bytes(), &witness.verifier()).unwrap(),
        checkpoint.to_text()
    );
}

#[test]
fn malformed_checkpoint_texts_are_refused() {
    let root = leaf_hash(b"r").to_string();
    let key = key();
    for text in [
        String::new(),
        format!("{ORIGIN}\n5\n{root}"),
        format!("{ORIGIN}\n05\n{root}\n"),
        format!("{ORIGIN}\n-5\n{root}\n"),
        format!("{ORIGIN}\n5\n{}\n", &root[..40]),
        format!("{ORIGIN}\n5\n{root}\n\nextension after a blank line\n"),
        format!("\n5\n{root}\n"),
        format!("{ORIGIN}\n5\n"),
        format!("{ORIGIN}\n18446744073709551616\n{root}\n"),
    ] {
        assert!(Checkpoint::from_text(&text).is_err(), "{text:?}");
        // Signed, it still does not open as a checkpoint.
        if let Ok(note) = key.sign_note(&text) {
            assert!(
                SignedCheckpoint::open(note.as_bytes(), &key.verifier()).is_err(),
                "{text:?}"
            );
        }
    }
    for bad_origin in ["", "a b", "a+b", "a\tb"] {
        assert_eq!(
            Checkpoint::new(bad_origin, 1, Hash::default()),
            Err(CheckpointError::InvalidName)
        );
    }
}

#[test]
fn oversized_and_odd_notes_are_refused() {
    let key = key();
    let signed = key
        .sign(&Checkpoint::new(ORIGIN, 1, leaf_hash(b"1")).unwrap())
        .unwrap();
    let verifier = key.verifier();
    let note = signed.as_str();
    let line = note.lines().last().unwrap();
    let cases = vec![
        // Over the size limit, padded with unknown signature lines.
        format!(
            "{note}{}",
            format!("{line}\n")
                .replace(ORIGIN, "x")
                .repeat(MAX_NOTE_BYTES / 60)
        ),
        // No signature block, no final newline, a control character, CRLF.
        format!("{ORIGIN}\n1\n{}\n", leaf_hash(b"1")),
        note.trim_end().to_string(),
        note.replacen('\n', "\r\n", 1),
        note.replacen("pli", "p\u{0}li", 1),
        // A signature line without a key id and signature, or with a short one.
        format!("{note}\u{2014} {ORIGIN}\n"),
        format!("{note}\u{2014} {ORIGIN} AAAA\n"),
        // The log key's name and id over a bad signature rejects the whole note.
        format!(
            "{}{}\n",
            &note[..note.len() - line.len() - 1],
            line.replace(&line[line.len() - 10..], "AAAAAAAAA=")
        ),
    ];
    for case in cases {
        assert!(
            SignedCheckpoint::open(case.as_bytes(), &verifier).is_err(),
            "{:?}",
            &case[..case.len().min(200)]
        );
    }
    // Unknown keys' lines are ignored.
    let stranger = LogKey::new("stranger.example", SigningKey::from_bytes(&[3; 32])).unwrap();
    let with_stranger = signed.cosign(&stranger).unwrap();
    SignedCheckpoint::open(with_stranger.as_str().as_bytes(), &verifier).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never panic the parser and never open.
    #[test]
    fn arbitrary_bytes_never_open(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let verifier = key().verifier();
        prop_assert!(SignedCheckpoint::open(&bytes, &verifier).is_err());
        let _ = LogVerifier::parse(&String::from_utf8_lossy(&bytes));
        let _ = Checkpoint::from_text(&String::from_utf8_lossy(&bytes));
    }

    /// Any change to a signed checkpoint either fails to open or opens to the same checkpoint
    /// (for instance a change inside an ignored signature line).
    #[test]
    fn mutated_notes_do_not_open_to_another_checkpoint(
        size: u64,
        position: usize,
        byte: u8,
        delete: bool,
    ) {
        let key = key();
        let checkpoint = Checkpoint::new(ORIGIN, size, leaf_hash(&size.to_be_bytes())).unwrap();
        let mut note = key.sign(&checkpoint).unwrap().as_str().as_bytes().to_vec();
        let position = position % note.len();
        if delete {
            note.remove(position);
        } else {
            note[position] = byte;
        }
        if let Ok(opened) = SignedCheckpoint::open(&note, &key.verifier()) {
            prop_assert_eq!(opened.checkpoint(), &checkpoint);
        }
    }
}
