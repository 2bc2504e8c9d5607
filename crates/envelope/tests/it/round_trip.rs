//! Sealing then opening gives back every file, for random contents, sizes and names.

use pli_envelope::{FileEntry, sealed_size};
use proptest::prelude::*;

use crate::support::{manifest, open_all, seal_files};

const CHUNK: usize = 64 * 1024;

fn size() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0),
        Just(1),
        Just(CHUNK - 1),
        Just(CHUNK),
        Just(CHUNK + 1),
        Just(3 * CHUNK),
        0..4 * CHUNK,
    ]
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_-]{1,20}\\.(pdf|txt|odt)",
        "[a-zé][a-zé ]{0,40}[a-z]",
        "[a-z]{101,240}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sealed_envelopes_open_to_the_same_files(
        files in prop::collection::vec((file_name(), size(), any::<u8>()), 0..5),
        subject in "[^\\p{Cc}]{0,200}",
    ) {
        let mut seen = std::collections::HashSet::new();
        let files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .filter(|(name, _, _)| seen.insert(name.to_lowercase()))
            .map(|(name, len, seed)| {
                let contents = (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
                (name, contents)
            })
            .collect();
        let pairs: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
        let mut manifest = manifest(&pairs);
        manifest.subject = subject;
        let contents: Vec<&[u8]> = files.iter().map(|(_, c)| c.as_slice()).collect();
        let sealed = seal_files(&manifest, &contents);
        prop_assert_eq!(sealed.len() as u64, sealed_size(&manifest, 1).unwrap());

        let (opened_manifest, opened) = open_all(&sealed).unwrap();
        prop_assert_eq!(&opened_manifest, &manifest);
        prop_assert_eq!(opened.len(), files.len());
        for ((_, expected), actual) in files.iter().zip(&opened) {
            prop_assert_eq!(expected, actual);
        }
    }
}

#[test]
fn sealed_size_counts_every_recipient_stanza() {
    let contents = vec![7u8; 70_000];
    let manifest = manifest(&[("scan.pdf", &contents)]);
    let mut out = Vec::new();
    let recipients: Vec<_> = (0..5)
        .map(|_| pli_envelope::Identity::generate().to_public())
        .collect();
    pli_envelope::seal(
        &manifest,
        &crate::support::signing_key(),
        &recipients,
        &mut [&mut &contents[..]],
        &mut out,
    )
    .unwrap();
    assert_eq!(out.len() as u64, sealed_size(&manifest, 5).unwrap());
}

#[test]
fn every_recipient_can_open() {
    let contents = b"shared".to_vec();
    let manifest = manifest(&[("note.txt", &contents)]);
    let identities: Vec<_> = (0..3).map(|_| pli_envelope::Identity::generate()).collect();
    let recipients: Vec<_> = identities.iter().map(|i| i.to_public()).collect();
    let mut out = Vec::new();
    pli_envelope::seal(
        &manifest,
        &crate::support::signing_key(),
        &recipients,
        &mut [&mut &contents[..]],
        &mut out,
    )
    .unwrap();
    let sealed_hash = pli_envelope::manifest_hash(&manifest).unwrap();
    for identity in &identities {
        let opening = pli_envelope::Opening::new(&out[..], identity).unwrap();
        // What a receipt signs is what the sender sealed.
        assert_eq!(opening.manifest_hash(), sealed_hash);
        let mut verified = opening
            .verify(&crate::support::signing_key().verifying_key())
            .unwrap();
        let mut file = Vec::new();
        let entry: FileEntry = verified.next_file(&mut file).unwrap().unwrap();
        assert_eq!(entry.name, "note.txt");
        assert_eq!(file, contents);
        assert!(verified.next_file(&mut Vec::new()).unwrap().is_none());
    }
}

/// One `Sealing` seals the same files to the same bytes, which open; another one does not
/// repeat them (fresh key and nonce).
#[test]
fn a_sealing_reproduces_its_envelope_byte_for_byte() {
    use crate::support::{identity, signing_key};
    let first_file: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
    let second_file = b"compte rendu".to_vec();
    let manifest = manifest(&[("scan.pdf", &first_file), ("note.txt", &second_file)]);
    let recipients = [identity().to_public()];
    let seal = |sealing: &pli_envelope::Sealing| {
        let mut out = Vec::new();
        let (mut first, mut second) = (&first_file[..], &second_file[..]);
        let mut files: [&mut dyn std::io::Read; 2] = [&mut first, &mut second];
        pli_envelope::seal_prepared(
            &manifest,
            &signing_key(),
            sealing,
            &mut files,
            &mut out,
            pli_envelope::FileCheck::SizeAndHash,
        )
        .unwrap();
        out
    };
    let sealing = pli_envelope::Sealing::new(&recipients).unwrap();
    let sealed = seal(&sealing);
    assert_eq!(sealed.len() as u64, sealed_size(&manifest, 1).unwrap());
    assert!(seal(&sealing) == sealed);
    assert!(seal(&pli_envelope::Sealing::new(&recipients).unwrap()) != sealed);
    let (opened_manifest, opened) = open_all(&sealed).unwrap();
    assert_eq!(opened_manifest, manifest);
    assert_eq!(opened, vec![first_file.clone(), second_file.clone()]);
}
