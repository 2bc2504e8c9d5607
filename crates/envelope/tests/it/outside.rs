//! Envelopes of outside senders (`docs/REQUESTS.md`): verified only with the key their
//! manifest embeds, and only when the reader asks for that.

use crate::support::{identity, manifest, signing_key};
use pli_envelope::{EnvelopeError, Opening, OutsideSender, SigningKey, key_id, seal};

fn outside_envelope(key: &SigningKey, embedded: [u8; 32]) -> Vec<u8> {
    let mut m = manifest(&[("releve.pdf", b"contenu du releve")]);
    m.sender.email = "famille@example.org".into();
    m.sender.key_id = key_id(&SigningKey::from_bytes(&[0; 32]).verifying_key());
    if let Ok(embedded_key) = pli_envelope::VerifyingKey::from_bytes(&embedded) {
        m.sender.key_id = key_id(&embedded_key);
    }
    m.outside = Some(OutsideSender {
        request_id: "00112233445566778899aabbccddeeff".into(),
        signing_key: embedded,
        name: Some("Marie Dupont".into()),
    });
    let mut file: &[u8] = b"contenu du releve";
    let mut files: Vec<&mut dyn std::io::Read> = vec![&mut file];
    let mut out = Vec::new();
    seal(&m, key, &[identity().to_public()], &mut files, &mut out).unwrap();
    out
}

#[test]
fn an_outside_envelope_opens_with_its_embedded_key_only() {
    let key = SigningKey::from_bytes(&[0x51; 32]);
    let sealed = outside_envelope(&key, key.verifying_key().to_bytes());
    let opening = Opening::new(&sealed[..], &identity()).unwrap();
    let mut verified = opening.verify_outside().unwrap();
    let mut contents = Vec::new();
    let entry = verified.next_file(&mut contents).unwrap().unwrap();
    assert_eq!(entry.name, "releve.pdf");
    assert_eq!(contents, b"contenu du releve");
    assert!(verified.next_file(&mut Vec::new()).unwrap().is_none());

    // A reader expecting an account's envelope refuses it, even with the very key.
    let opening = Opening::new(&sealed[..], &identity()).unwrap();
    assert!(matches!(
        opening.verify(&key.verifying_key()),
        Err(EnvelopeError::Manifest(_))
    ));
}

#[test]
fn an_account_envelope_is_never_verified_as_an_outside_one() {
    let sealed = crate::support::seal_files(&manifest(&[("a.txt", b"a")]), &[b"a"]);
    let opening = Opening::new(&sealed[..], &identity()).unwrap();
    assert!(matches!(
        opening.verify_outside(),
        Err(EnvelopeError::Manifest(_))
    ));
}

#[test]
fn an_outside_envelope_signed_by_another_key_is_refused() {
    // Signed by one key, embedding another: sealing refuses a key id that is not the signer's.
    let signer = SigningKey::from_bytes(&[0x51; 32]);
    let other = signing_key().verifying_key().to_bytes();
    let mut m = manifest(&[("a.txt", b"a")]);
    m.sender.key_id = key_id(&signer.verifying_key());
    m.outside = Some(OutsideSender {
        request_id: "00112233445566778899aabbccddeeff".into(),
        signing_key: other,
        name: None,
    });
    let mut file: &[u8] = b"a";
    let mut files: Vec<&mut dyn std::io::Read> = vec![&mut file];
    // The key id must be the embedded key's, so this manifest is refused before signing.
    assert!(
        seal(
            &m,
            &signer,
            &[identity().to_public()],
            &mut files,
            &mut Vec::new()
        )
        .is_err()
    );
    // With the embedded key's id, the signer's key id no longer matches: refused too.
    m.sender.key_id = key_id(&signing_key().verifying_key());
    let mut file: &[u8] = b"a";
    let mut files: Vec<&mut dyn std::io::Read> = vec![&mut file];
    assert!(
        seal(
            &m,
            &signer,
            &[identity().to_public()],
            &mut files,
            &mut Vec::new()
        )
        .is_err()
    );
}
