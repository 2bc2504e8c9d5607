//! The committed Pli test vectors of `tests/vectors` open as documented.

use std::fs;
use std::path::PathBuf;

use pli_envelope::{EnvelopeError, Identity, Opening, VerifyingKey, key_id};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn read_text(name: &str) -> String {
    fs::read_to_string(dir().join(name))
        .unwrap()
        .trim()
        .to_string()
}

fn keys() -> (Identity, VerifyingKey) {
    let identity: Identity = read_text("identity.txt").parse().unwrap();
    let public: [u8; 32] = hex::decode(read_text("sender-public.hex"))
        .unwrap()
        .try_into()
        .unwrap();
    let seed: [u8; 32] = hex::decode(read_text("sender-seed.hex"))
        .unwrap()
        .try_into()
        .unwrap();
    let sender = VerifyingKey::from_bytes(&public).unwrap();
    assert_eq!(
        pli_envelope::SigningKey::from_bytes(&seed).verifying_key(),
        sender
    );
    assert_eq!(identity.to_public().to_string(), read_text("recipient.txt"));
    (identity, sender)
}

#[test]
fn the_committed_envelope_opens_to_the_committed_files() {
    let (identity, sender) = keys();
    assert_eq!(key_id(&sender), "3097e2dee2cb4a34b53840cdb705aed7");
    let sealed = fs::read(dir().join("envelope.age")).unwrap();
    let opening = Opening::new(&sealed[..], &identity).unwrap();
    assert_eq!(
        opening.manifest_json(),
        fs::read(dir().join("manifest.json")).unwrap()
    );
    let mut verified = opening.verify(&sender).unwrap();
    let names: Vec<String> = verified
        .manifest()
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(names.len(), 2);
    for name in &names {
        let mut contents = Vec::new();
        let entry = verified.next_file(&mut contents).unwrap().unwrap();
        assert_eq!(&entry.name, name);
        assert_eq!(contents, fs::read(dir().join("files").join(name)).unwrap());
    }
    assert!(verified.next_file(&mut Vec::new()).unwrap().is_none());

    let (json, signature) = {
        let manifest = Opening::new(&sealed[..], &identity)
            .unwrap()
            .manifest()
            .clone();
        let seed: [u8; 32] = hex::decode(read_text("sender-seed.hex"))
            .unwrap()
            .try_into()
            .unwrap();
        pli_envelope::signed_manifest(&manifest, &pli_envelope::SigningKey::from_bytes(&seed))
            .unwrap()
    };
    assert_eq!(json, fs::read(dir().join("manifest.json")).unwrap());
    // Ed25519 signatures are deterministic: re-signing gives the committed bytes.
    assert_eq!(
        signature.to_vec(),
        fs::read(dir().join("manifest.sig")).unwrap()
    );
}

#[test]
fn the_committed_truncated_envelope_fails() {
    let (identity, sender) = keys();
    let sealed = fs::read(dir().join("truncated.age")).unwrap();
    let result = (|| {
        let mut verified = Opening::new(&sealed[..], &identity)?.verify(&sender)?;
        while verified.next_file(&mut Vec::new())?.is_some() {}
        Ok::<(), EnvelopeError>(())
    })();
    assert!(
        matches!(result, Err(EnvelopeError::Decryption)),
        "{result:?}"
    );
}
