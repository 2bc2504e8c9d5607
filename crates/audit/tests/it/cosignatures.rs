//! Witness cosignatures in the C2SP `cosignature/v1` form: the vector made by an independent
//! implementation (aics-tlog), published verifier keys (transparency-dev/formats), round trips,
//! and every part of a cosignature that must be refused when it does not match.

use base64::prelude::{BASE64_STANDARD, Engine as _};
use ed25519_dalek::Signer as _;
use pli_audit::{
    ALG_COSIGNATURE_V1, Checkpoint, CheckpointError, CosignerKey, CosignerVerifier, LogKey,
    LogVerifier, MAX_COSIGNATURE_CLOCK_SKEW, MAX_COSIGNATURE_TIME, SignedCheckpoint, SigningKey,
    cosignature_message, cosigner_key_id, leaf_hash,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{ORIGIN, key, vector};

const TIME: u64 = 1_767_225_600;

fn aics_vector() -> Value {
    serde_json::from_str(&vector("cosignature-aics-tlog.json")).unwrap()
}

fn field(json: &Value, name: &str) -> String {
    json[name].as_str().unwrap().to_string()
}

fn seed(json: &Value, name: &str) -> SigningKey {
    SigningKey::from_bytes(&hex::decode(field(json, name)).unwrap().try_into().unwrap())
}

/// A checkpoint of the test log, signed by its key.
fn signed(size: u64) -> SignedCheckpoint {
    let checkpoint = Checkpoint::new(ORIGIN, size, leaf_hash(&size.to_be_bytes())).unwrap();
    key().sign(&checkpoint).unwrap()
}

fn witness() -> CosignerKey {
    CosignerKey::new("witness.example.org/dpo", SigningKey::from_bytes(&[7; 32])).unwrap()
}

/// The note with its last signature line replaced by `line`.
fn with_last_line(note: &str, line: &str) -> String {
    let body = note.strip_suffix('\n').unwrap();
    let (rest, _) = body.rsplit_once('\n').unwrap();
    format!("{rest}\n{line}\n")
}

/// The last signature line's name and decoded bytes (key id || time || signature).
fn last_line(note: &str) -> (String, Vec<u8>) {
    let line = note.trim_end_matches('\n').rsplit('\n').next().unwrap();
    let (name, base64) = line
        .strip_prefix("\u{2014} ")
        .unwrap()
        .split_once(' ')
        .unwrap();
    (name.to_owned(), BASE64_STANDARD.decode(base64).unwrap())
}

fn line_of(name: &str, bytes: &[u8]) -> String {
    format!("\u{2014} {name} {}", BASE64_STANDARD.encode(bytes))
}

#[test]
fn aics_tlog_vector_verifies_and_pli_makes_the_very_same_line() {
    let json = aics_vector();
    let log = LogVerifier::parse(&field(&json, "log_vkey")).unwrap();
    let witness = CosignerVerifier::parse(&field(&json, "witness_vkey")).unwrap();
    assert_eq!(witness.to_string(), field(&json, "witness_vkey"));
    let cosigned = field(&json, "cosigned_note");

    // Pli reads what aics-tlog made: the log's signature still opens, the witness's line checks
    // and says when it was made.
    let opened = SignedCheckpoint::open(cosigned.as_bytes(), &log).unwrap();
    assert_eq!(opened.checkpoint().size(), 1234);
    assert_eq!(
        opened.checkpoint().extensions(),
        ["an extension line the cosignature covers too"]
    );
    let cosignature = witness.verify(cosigned.as_bytes()).unwrap();
    assert_eq!(cosignature.time(), json["time"].as_u64().unwrap());
    assert_eq!(cosignature.line(), field(&json, "cosignature_line"));

    // Pli, given the same key, checkpoint and time, makes byte for byte the same note.
    let key = CosignerKey::new("witness.example.org/w1", seed(&json, "witness_seed")).unwrap();
    assert_eq!(key.verifier(), witness);
    let served = SignedCheckpoint::open(field(&json, "log_signed_note").as_bytes(), &log).unwrap();
    let ours = key.cosign(&served, json["time"].as_u64().unwrap()).unwrap();
    assert_eq!(ours.as_str(), cosigned);

    // The same log key signs the same checkpoint text identically too.
    let log_key = LogKey::new(ORIGIN, seed(&json, "log_seed")).unwrap();
    assert_eq!(log_key.verifier(), log);
    let text = Checkpoint::from_text(&field(&json, "checkpoint")).unwrap();
    assert_eq!(
        log_key.sign(&text).unwrap().as_str(),
        field(&json, "log_signed_note")
    );
}

#[test]
fn aics_tlog_vector_refuses_any_change() {
    let json = aics_vector();
    let witness = CosignerVerifier::parse(&field(&json, "witness_vkey")).unwrap();
    let cosigned = field(&json, "cosigned_note");
    let extension = "an extension line the cosignature covers too";
    // The extension line is signed like the rest of the checkpoint.
    let changed = cosigned.replace(extension, "an extension line the witness never saw");
    assert!(matches!(
        witness.verify(changed.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));
    let changed = cosigned.replace("\n1234\n", "\n1235\n");
    assert!(matches!(
        witness.verify(changed.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));
}

#[test]
fn published_verifier_keys_parse_and_bad_ones_are_refused() {
    let json: Value = serde_json::from_str(&vector("cosignature-vkeys.json")).unwrap();
    for (vkey, what) in json["valid"].as_object().unwrap() {
        let verifier = CosignerVerifier::parse(vkey).unwrap_or_else(|e| panic!("{what}: {e}"));
        // Written back in the cosignature/v1 form, whatever form it was given in.
        let written = verifier.to_string();
        let typed = BASE64_STANDARD
            .decode(written.splitn(3, '+').nth(2).unwrap())
            .unwrap();
        assert_eq!(typed[0], ALG_COSIGNATURE_V1, "{what}");
        assert_eq!(
            &written[..written.find('+').unwrap()],
            verifier.name(),
            "{what}"
        );
        assert_eq!(CosignerVerifier::parse(&written).unwrap(), verifier);
        assert_eq!(
            verifier.key_id(),
            cosigner_key_id(verifier.name(), verifier.verifying_key())
        );
    }
    // The native key keeps its published key id.
    let native = CosignerVerifier::parse(
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
    )
    .unwrap();
    assert_eq!(native.key_id(), 0xda77_ade7);
    for (vkey, what) in json["invalid"].as_object().unwrap() {
        assert!(CosignerVerifier::parse(vkey).is_err(), "{what}");
    }
}

#[test]
fn verifier_keys_are_parsed_strictly() {
    let verifier = witness().verifier();
    let written = verifier.to_string();
    let (name, rest) = written.split_once('+').unwrap();
    let (id, key) = rest.split_once('+').unwrap();
    let public = verifier.verifying_key().to_bytes();
    let typed = |alg: u8| {
        let mut bytes = vec![alg];
        bytes.extend_from_slice(&public);
        BASE64_STANDARD.encode(bytes)
    };
    let plain_id = format!("{:08x}", pli_audit::key_id(name, verifier.verifying_key()));
    // The plain Ed25519 form of the same key names the same cosigner.
    let plain = format!("{name}+{plain_id}+{}", typed(0x01));
    assert_eq!(CosignerVerifier::parse(&plain).unwrap(), verifier);
    let other_alg = format!(
        "{name}+{:08x}+{}",
        {
            let mut bytes = vec![0x02];
            bytes.extend_from_slice(&public);
            signed_note_key_id(name, &bytes)
        },
        typed(0x02)
    );
    assert_eq!(
        CosignerVerifier::parse(&other_alg),
        Err(CheckpointError::UnsupportedAlgorithm(0x02))
    );
    for (bad, expected) in [
        // The 0x01 key id with the 0x04 key, and the other way round.
        (
            format!("{name}+{plain_id}+{key}"),
            CheckpointError::KeyIdMismatch,
        ),
        (
            format!("{name}+{id}+{}", typed(0x01)),
            CheckpointError::KeyIdMismatch,
        ),
        (
            format!("{name}+{}+{key}", id.to_uppercase()),
            CheckpointError::MalformedKey,
        ),
        (format!("{name}+{id}"), CheckpointError::MalformedKey),
        (format!("{name}+{id}+{key}="), CheckpointError::MalformedKey),
        (format!("a b+{id}+{key}"), CheckpointError::MalformedKey),
        (
            // Cut short: no longer the key its id was computed over.
            format!("{name}+{id}+{}", &key[..key.len() - 4]),
            CheckpointError::KeyIdMismatch,
        ),
    ] {
        assert_eq!(CosignerVerifier::parse(&bad), Err(expected), "{bad}");
    }
    // A log verifier refuses a cosigner key: the two are not interchangeable.
    assert_eq!(
        LogVerifier::parse(&written),
        Err(CheckpointError::UnsupportedAlgorithm(ALG_COSIGNATURE_V1))
    );
}

fn signed_note_key_id(name: &str, typed: &[u8]) -> u32 {
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    sha2::Digest::update(&mut hasher, name.as_bytes());
    sha2::Digest::update(&mut hasher, b"\n");
    sha2::Digest::update(&mut hasher, typed);
    let digest = sha2::Digest::finalize(hasher);
    u32::from_be_bytes(digest[..4].try_into().unwrap())
}

#[test]
fn cosignatures_round_trip_with_their_time() {
    let log = key().verifier();
    let served = signed(10);
    let witness = witness();
    let cosigned = witness.cosign(&served, TIME).unwrap();
    // The checkpoint and the log's signature are unchanged.
    assert_eq!(cosigned.checkpoint(), served.checkpoint());
    assert!(cosigned.as_str().starts_with(served.as_str()));
    SignedCheckpoint::open(cosigned.as_str().as_bytes(), &log).unwrap();
    let cosignature = witness
        .verifier()
        .verify(cosigned.as_str().as_bytes())
        .unwrap();
    assert_eq!(cosignature.time(), TIME);
    let (name, bytes) = last_line(cosigned.as_str());
    assert_eq!(name, "witness.example.org/dpo");
    assert_eq!(bytes.len(), 4 + 8 + 64);
    assert_eq!(bytes[..4], witness.key_id().to_be_bytes());
    assert_eq!(bytes[4..12], TIME.to_be_bytes());
    // The signature is over the header, the time line and the whole checkpoint text.
    let signature = ed25519_dalek::Signature::from_slice(&bytes[12..]).unwrap();
    witness
        .verifier()
        .verifying_key()
        .verify_strict(
            &cosignature_message(&served.checkpoint().to_text(), TIME),
            &signature,
        )
        .unwrap();
    assert_eq!(
        cosignature_message("o\n1\nroot\n", 5),
        b"cosignature/v1\ntime 5\no\n1\nroot\n"
    );

    // Cosigning again replaces the line: one line per witness, with the latest time.
    let again = witness.cosign(&cosigned, TIME + 60).unwrap();
    assert_eq!(again.as_str().matches("witness.example.org/dpo").count(), 1);
    assert_eq!(
        witness
            .verifier()
            .verify(again.as_str().as_bytes())
            .unwrap()
            .time(),
        TIME + 60
    );
    // Two witnesses: each finds its own line.
    let other = CosignerKey::generate("witness.example.org/regulator").unwrap();
    let both = other.cosign(&cosigned, TIME + 1).unwrap();
    assert_eq!(
        witness
            .verifier()
            .verify(both.as_str().as_bytes())
            .unwrap()
            .time(),
        TIME
    );
    assert_eq!(
        other
            .verifier()
            .verify(both.as_str().as_bytes())
            .unwrap()
            .time(),
        TIME + 1
    );
    // The extremes of the allowed times.
    for time in [0, MAX_COSIGNATURE_TIME] {
        let cosigned = witness.cosign(&served, time).unwrap();
        assert_eq!(
            witness
                .verifier()
                .verify(cosigned.as_str().as_bytes())
                .unwrap()
                .time(),
            time
        );
    }
    assert_eq!(
        witness.cosign(&served, MAX_COSIGNATURE_TIME + 1),
        Err(CheckpointError::InvalidTime)
    );
}

#[test]
fn a_cosignature_by_another_key_or_name_does_not_count() {
    let cosigned = witness().cosign(&signed(10), TIME).unwrap();
    let note = cosigned.as_str().as_bytes();
    // Same name, another key: the key id differs, so the line is not this witness's.
    let impostor =
        CosignerKey::new("witness.example.org/dpo", SigningKey::from_bytes(&[8; 32])).unwrap();
    assert!(matches!(
        impostor.verifier().verify(note),
        Err(CheckpointError::NotSigned(_))
    ));
    // Same key, another name.
    let renamed = CosignerKey::new(
        "witness.example.org/other",
        SigningKey::from_bytes(&[7; 32]),
    )
    .unwrap();
    assert!(matches!(
        renamed.verifier().verify(note),
        Err(CheckpointError::NotSigned(_))
    ));
    // A line claiming the witness's name and key id but signed by another key.
    let (name, mut bytes) = last_line(cosigned.as_str());
    let forged = SigningKey::from_bytes(&[8; 32]).sign(&cosignature_message(
        &signed(10).checkpoint().to_text(),
        TIME,
    ));
    bytes[12..].copy_from_slice(&forged.to_bytes());
    let note = with_last_line(cosigned.as_str(), &line_of(&name, &bytes));
    assert!(matches!(
        witness().verifier().verify(note.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));
}

#[test]
fn a_plain_note_signature_is_not_a_cosignature() {
    // The old form: the same key signing the note text without the cosignature/v1 header.
    let plain_key =
        LogKey::new("witness.example.org/dpo", SigningKey::from_bytes(&[7; 32])).unwrap();
    let plain = signed(10).cosign(&plain_key).unwrap();
    assert!(matches!(
        witness().verifier().verify(plain.as_str().as_bytes()),
        Err(CheckpointError::NotSigned(_))
    ));
    // Even given the cosigner's key id, a plain signature (no time) does not verify.
    let (name, bytes) = last_line(plain.as_str());
    let mut relabelled = witness().key_id().to_be_bytes().to_vec();
    relabelled.extend_from_slice(&bytes[4..]);
    let note = with_last_line(plain.as_str(), &line_of(&name, &relabelled));
    assert!(matches!(
        witness().verifier().verify(note.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));
}

#[test]
fn a_changed_time_or_checkpoint_is_refused() {
    let served = signed(10);
    let cosigned = witness().cosign(&served, TIME).unwrap();
    let verifier = witness().verifier();
    let (name, bytes) = last_line(cosigned.as_str());

    let mut later = bytes.clone();
    later[4..12].copy_from_slice(&(TIME + 1).to_be_bytes());
    let note = with_last_line(cosigned.as_str(), &line_of(&name, &later));
    assert!(matches!(
        verifier.verify(note.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));

    // The same line under another checkpoint of the log.
    let other = signed(11);
    let note = format!("{}{}\n", other.as_str(), line_of(&name, &bytes));
    SignedCheckpoint::open(note.as_bytes(), &key().verifier()).unwrap();
    assert!(matches!(
        verifier.verify(note.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));

    // Truncated, padded and flipped lines.
    for bad in [
        bytes[..bytes.len() - 1].to_vec(),
        [bytes.as_slice(), &[0]].concat(),
        bytes[..4 + 64].to_vec(),
        {
            let mut flipped = bytes.clone();
            flipped[40] ^= 1;
            flipped
        },
    ] {
        let note = with_last_line(cosigned.as_str(), &line_of(&name, &bad));
        assert!(
            matches!(
                verifier.verify(note.as_bytes()),
                Err(CheckpointError::BadSignature(_))
            ),
            "{} bytes",
            bad.len()
        );
    }

    // A time over 2^63 - 1 is refused even when the signature over it is good.
    let key = SigningKey::from_bytes(&[7; 32]);
    let time = MAX_COSIGNATURE_TIME + 1;
    let signature = key.sign(&cosignature_message(&served.checkpoint().to_text(), time));
    let mut too_late = witness().key_id().to_be_bytes().to_vec();
    too_late.extend_from_slice(&time.to_be_bytes());
    too_late.extend_from_slice(&signature.to_bytes());
    let note = format!("{}{}\n", served.as_str(), line_of(&name, &too_late));
    assert!(matches!(
        verifier.verify(note.as_bytes()),
        Err(CheckpointError::BadSignature(_))
    ));
}

#[test]
fn only_checkpoints_are_cosignatures() {
    // A note whose text is not a checkpoint, signed with the cosignature/v1 message.
    let text = "not a checkpoint\n";
    let key = SigningKey::from_bytes(&[7; 32]);
    let signature = key.sign(&cosignature_message(text, TIME));
    let mut bytes = witness().key_id().to_be_bytes().to_vec();
    bytes.extend_from_slice(&TIME.to_be_bytes());
    bytes.extend_from_slice(&signature.to_bytes());
    let note = format!("{text}\n{}\n", line_of("witness.example.org/dpo", &bytes));
    assert!(matches!(
        witness().verifier().verify(note.as_bytes()),
        Err(CheckpointError::Malformed(_))
    ));
}

#[test]
fn times_beyond_the_clock_skew_are_from_the_future() {
    let cosigned = witness().cosign(&signed(3), TIME).unwrap();
    let cosignature = witness()
        .verifier()
        .verify(cosigned.as_str().as_bytes())
        .unwrap();
    assert!(!cosignature.is_from_the_future(TIME));
    assert!(!cosignature.is_from_the_future(TIME - MAX_COSIGNATURE_CLOCK_SKEW));
    assert!(cosignature.is_from_the_future(TIME - MAX_COSIGNATURE_CLOCK_SKEW - 1));
    assert!(!cosignature.is_from_the_future(u64::MAX));
}

#[test]
fn cosigner_keys_never_show_their_secret() {
    let key = witness();
    let shown = format!("{key:?}");
    assert!(shown.contains("witness.example.org/dpo"), "{shown}");
    assert!(!shown.contains("[7, 7"), "{shown}");
    assert!(
        !shown.to_lowercase().contains(&hex::encode([7u8; 32])),
        "{shown}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hostile_notes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = witness().verifier().verify(&bytes);
    }

    #[test]
    fn hostile_lines_under_a_real_checkpoint_never_verify(
        tail in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let served = signed(4);
        let mut bytes = witness().key_id().to_be_bytes().to_vec();
        bytes.extend_from_slice(&tail);
        let note = format!("{}{}\n", served.as_str(), line_of("witness.example.org/dpo", &bytes));
        prop_assert!(witness().verifier().verify(note.as_bytes()).is_err());
    }
}

#[test]
fn only_keys_clients_can_name_are_listable() {
    let key = |name: &str| {
        pli_audit::CosignerKey::new(name, pli_audit::SigningKey::from_bytes(&[7; 32]))
            .unwrap()
            .verifier()
    };
    assert!(key("witness/dpo@chu.fr").is_listable());
    // Keys are listed separated by commas, and at most 512 characters each.
    assert!(!key("witness/dpo,cnil").is_listable());
    let long = format!("witness/{}", "a".repeat(500));
    assert!(key(&long).to_string().len() > pli_audit::MAX_WITNESS_KEY_CHARS);
    assert!(!key(&long).is_listable());
    let longest = format!(
        "witness/{}",
        "a".repeat(pli_audit::MAX_WITNESS_KEY_CHARS - 62)
    );
    assert_eq!(
        key(&longest).to_string().len(),
        pli_audit::MAX_WITNESS_KEY_CHARS
    );
    assert!(key(&longest).is_listable());
}
