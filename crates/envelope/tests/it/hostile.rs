//! Hostile inputs: altered, truncated, extended or crafted envelopes. Each must fail with the
//! right error, and no file whose bytes differ from the manifest is ever returned as `Ok`.

use pli_envelope::{EnvelopeError, Opening, sealed_size};
use tar::EntryType;

use crate::support::{
    decrypt_plaintext, encrypt_plaintext, identity, manifest, manifest_entries, open_all,
    other_signing_key, seal_files, signing_key, tar_entry,
};

const ENCRYPTED_CHUNK: usize = 64 * 1024 + 16;

struct Sample {
    files: Vec<Vec<u8>>,
    sealed: Vec<u8>,
    /// Offset of the payload nonce (end of the age header).
    payload_start: usize,
}

fn sample() -> Sample {
    let files = vec![
        (0..100_000u32)
            .map(|i| (i % 251) as u8)
            .collect::<Vec<u8>>(),
        vec![0x5a; 70_000],
    ];
    let manifest = manifest(&[("scan.pdf", &files[0]), ("notes.txt", &files[1])]);
    let sealed = seal_files(&manifest, &[&files[0], &files[1]]);
    let payload_start = sealed.windows(4).position(|w| w == b"\n---").unwrap();
    let payload_start = payload_start
        + sealed[payload_start + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap()
        + 2;
    assert_eq!(sealed.len() as u64, sealed_size(&manifest, 1).unwrap());
    Sample {
        files,
        sealed,
        payload_start,
    }
}

/// Opens step by step; every file returned as `Ok` must be the original. Returns the error.
fn rejected(ciphertext: &[u8], originals: &[Vec<u8>]) -> EnvelopeError {
    let opening = match Opening::new(ciphertext, &identity()) {
        Ok(opening) => opening,
        Err(err) => return err,
    };
    let mut verified = match opening.verify(&signing_key().verifying_key()) {
        Ok(verified) => verified,
        Err(err) => return err,
    };
    let mut index = 0;
    loop {
        let mut contents = Vec::new();
        match verified.next_file(&mut contents) {
            Ok(Some(_)) => {
                assert_eq!(&contents, &originals[index], "a corrupt file was accepted");
                index += 1;
            }
            Ok(None) => panic!("a corrupt envelope opened cleanly"),
            Err(err) => {
                // Errors are sticky: nothing more can be read.
                assert!(verified.next_file(&mut Vec::new()).is_err());
                return err;
            }
        }
    }
}

#[test]
fn intact_sample_opens() {
    let sample = sample();
    let (_, files) = open_all(&sample.sealed).unwrap();
    assert_eq!(files, sample.files);
}

#[test]
fn flipped_header_bytes_are_refused() {
    let sample = sample();
    for offset in 0..sample.payload_start {
        let mut altered = sample.sealed.clone();
        altered[offset] ^= 0x01;
        let err = rejected(&altered, &sample.files);
        assert!(
            matches!(err, EnvelopeError::Format(_) | EnvelopeError::Decryption),
            "offset {offset}: {err:?}"
        );
    }
}

#[test]
fn flipped_mac_is_a_decryption_failure() {
    let sample = sample();
    let mut altered = sample.sealed.clone();
    // The MAC's first base64 character, swapped for another valid one.
    let mac = altered.windows(4).position(|w| w == b"--- ").unwrap() + 4;
    altered[mac] = if altered[mac] == b'A' { b'B' } else { b'A' };
    assert!(matches!(
        rejected(&altered, &sample.files),
        EnvelopeError::Decryption
    ));
}

#[test]
fn flipped_payload_bytes_are_decryption_failures() {
    let sample = sample();
    let len = sample.sealed.len();
    let offsets = [
        sample.payload_start,                            // nonce
        sample.payload_start + 16,                       // first chunk (manifest)
        sample.payload_start + 16 + ENCRYPTED_CHUNK - 1, // first chunk's tag
        sample.payload_start + 16 + ENCRYPTED_CHUNK + 5, // middle chunk (inside a file)
        len - 20,                                        // last chunk
        len - 1,                                         // last chunk's tag
    ];
    for offset in offsets {
        let mut altered = sample.sealed.clone();
        altered[offset] ^= 0x80;
        assert!(
            matches!(rejected(&altered, &sample.files), EnvelopeError::Decryption),
            "offset {offset}"
        );
    }
}

#[test]
fn truncation_anywhere_is_refused() {
    let sample = sample();
    let len = sample.sealed.len();
    let mut cuts: Vec<usize> = (0..len).step_by(len / 97).collect();
    for k in 0..4 {
        cuts.push(sample.payload_start + 16 + k * ENCRYPTED_CHUNK);
    }
    cuts.push(len - 1);
    for cut in cuts {
        let err = rejected(&sample.sealed[..cut.min(len - 1)], &sample.files);
        assert!(
            matches!(err, EnvelopeError::Format(_) | EnvelopeError::Decryption),
            "cut at {cut}: {err:?}"
        );
    }
}

#[test]
fn appended_data_is_refused() {
    let sample = sample();
    let mut one_byte = sample.sealed.clone();
    one_byte.push(0);
    assert!(matches!(
        rejected(&one_byte, &sample.files),
        EnvelopeError::Decryption
    ));

    let mut extra_chunk = sample.sealed.clone();
    let start = sample.payload_start + 16;
    extra_chunk.extend_from_slice(&sample.sealed[start..start + ENCRYPTED_CHUNK]);
    assert!(matches!(
        rejected(&extra_chunk, &sample.files),
        EnvelopeError::Decryption
    ));
}

#[test]
fn wrong_identity_is_a_decryption_failure() {
    let sample = sample();
    let other = pli_envelope::Identity::generate();
    assert!(matches!(
        Opening::new(&sample.sealed[..], &other),
        Err(EnvelopeError::Decryption)
    ));
}

#[test]
fn wrong_sender_key_is_a_bad_signature() {
    let sample = sample();
    let opening = Opening::new(&sample.sealed[..], &identity()).unwrap();
    assert!(matches!(
        opening.verify(&other_signing_key().verifying_key()),
        Err(EnvelopeError::BadSignature)
    ));
}

#[test]
fn a_manifest_naming_another_key_id_is_refused() {
    let mut manifest = manifest(&[]);
    manifest.sender.key_id = pli_envelope::key_id(&other_signing_key().verifying_key());
    // Signed by our key but naming another: `seal` refuses, so craft it by hand.
    let json = canonical_json(&manifest);
    let mut plaintext = manifest_entries(&json, &signing_key());
    plaintext.extend_from_slice(&[0; 1024]);
    let ciphertext = encrypt_plaintext(&plaintext);
    let opening = Opening::new(&ciphertext[..], &identity()).unwrap();
    assert!(matches!(
        opening.verify(&signing_key().verifying_key()),
        Err(EnvelopeError::SenderKeyMismatch { .. })
    ));
}

#[test]
fn another_envelopes_manifest_is_detected() {
    let sample = sample();
    // Envelope B from the same sender, with its own id and file.
    let mut other = manifest(&[("scan.pdf", b"other contents")]);
    other.envelope_id = "ffffffffffffffffffffffffffffffff".into();
    let other_sealed = seal_files(&other, &[b"other contents"]);

    // Served in place of A, B verifies but carries B's id: the caller compares the id.
    let opening = Opening::new(&other_sealed[..], &identity()).unwrap();
    let verified = opening.verify(&signing_key().verifying_key()).unwrap();
    assert_ne!(verified.manifest().envelope_id, crate::support::ENVELOPE_ID);

    // B's manifest and signature spliced in front of A's files: A's files do not match.
    let a = decrypt_plaintext(&sample.sealed);
    let b = decrypt_plaintext(&other_sealed);
    let b_manifest_len = manifest_entries_len(&b);
    let a_manifest_len = manifest_entries_len(&a);
    let mut spliced = b[..b_manifest_len].to_vec();
    spliced.extend_from_slice(&a[a_manifest_len..]);
    let err = rejected(&encrypt_plaintext(&spliced), &sample.files);
    assert!(
        matches!(err, EnvelopeError::FileMismatch { what: "size", .. }),
        "{err:?}"
    );

    // A's manifest with B's signature: the signature fails.
    let mut mixed = a[..a_manifest_len - 1024].to_vec();
    mixed.extend_from_slice(&b[b_manifest_len - 1024..b_manifest_len]);
    mixed.extend_from_slice(&a[a_manifest_len..]);
    assert!(matches!(
        rejected(&encrypt_plaintext(&mixed), &sample.files),
        EnvelopeError::BadSignature
    ));
}

/// Bytes of the manifest and signature entries at the start of an archive.
fn manifest_entries_len(plaintext: &[u8]) -> usize {
    let header = tar::Header::from_byte_slice(&plaintext[..512]);
    let json_len = header.entry_size().unwrap() as usize;
    512 + json_len.div_ceil(512) * 512 + 1024
}

fn canonical_json(manifest: &pli_envelope::Manifest) -> Vec<u8> {
    // The canonical JSON is what the sealed archive carries first.
    let sealed = seal_with_key_id_unchecked(manifest);
    let plaintext = decrypt_plaintext(&sealed);
    let header = tar::Header::from_byte_slice(&plaintext[..512]);
    plaintext[512..512 + header.entry_size().unwrap() as usize].to_vec()
}

/// Seals with the key the manifest names being ours, then swaps the key id in the JSON; the
/// field has the same length, so the result is the canonical JSON of `manifest`.
fn seal_with_key_id_unchecked(manifest: &pli_envelope::Manifest) -> Vec<u8> {
    let mut ours = manifest.clone();
    ours.sender.key_id = pli_envelope::key_id(&signing_key().verifying_key());
    let sealed = seal_files(&ours, &[]);
    let plaintext = decrypt_plaintext(&sealed);
    let text =
        String::from_utf8_lossy(&plaintext).replace(&ours.sender.key_id, &manifest.sender.key_id);
    encrypt_plaintext(text.as_bytes())
}

/// An archive for one file `doc.txt` holding `contents` per the manifest, whose entries after
/// the manifest are `rest`.
fn crafted(rest: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let contents = b"the document".to_vec();
    let manifest = manifest(&[("doc.txt", &contents)]);
    let sealed = seal_files(&manifest, &[&contents]);
    let plaintext = decrypt_plaintext(&sealed);
    let mut archive = plaintext[..manifest_entries_len(&plaintext)].to_vec();
    archive.extend_from_slice(rest);
    (encrypt_plaintext(&archive), vec![contents])
}

fn check_crafted(rest: &[u8]) -> EnvelopeError {
    let (ciphertext, originals) = crafted(rest);
    rejected(&ciphertext, &originals)
}

const END: [u8; 1024] = [0; 1024];

#[test]
fn crafted_archives_are_refused_with_the_right_error() {
    let good = tar_entry(b"doc.txt", EntryType::Regular, b"the document");
    // Sanity: the well-formed archive opens.
    let (ciphertext, originals) = crafted(&[good.clone(), END.to_vec()].concat());
    assert_eq!(open_all(&ciphertext).unwrap().1, originals);

    let traversal = tar_entry(b"../doc.txt", EntryType::Regular, b"the document");
    assert!(matches!(
        check_crafted(&[traversal, END.to_vec()].concat()),
        EnvelopeError::InvalidName(_)
    ));

    let absolute = tar_entry(b"/etc/doc.txt", EntryType::Regular, b"the document");
    assert!(matches!(
        check_crafted(&[absolute, END.to_vec()].concat()),
        EnvelopeError::InvalidName(_)
    ));

    let mut symlink = tar_entry(b"doc.txt", EntryType::Symlink, b"");
    set_link_name(&mut symlink, b"/etc/passwd");
    assert!(matches!(
        check_crafted(&[symlink, END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    let hard_link = tar_entry(b"doc.txt", EntryType::Link, b"");
    assert!(matches!(
        check_crafted(&[hard_link, END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    let directory = tar_entry(b"doc.txt", EntryType::Directory, b"");
    assert!(matches!(
        check_crafted(&[directory, END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    let pax = tar_entry(b"PaxHeader", EntryType::XHeader, b"20 path=../doc.txt\n");
    assert!(matches!(
        check_crafted(&[pax, good.clone(), END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    let renamed = tar_entry(b"other.txt", EntryType::Regular, b"the document");
    assert!(matches!(
        check_crafted(&[renamed, END.to_vec()].concat()),
        EnvelopeError::FileMismatch { what: "name", .. }
    ));

    let longer = tar_entry(b"doc.txt", EntryType::Regular, b"the document!");
    assert!(matches!(
        check_crafted(&[longer, END.to_vec()].concat()),
        EnvelopeError::FileMismatch { what: "size", .. }
    ));

    let altered = tar_entry(b"doc.txt", EntryType::Regular, b"the documenT");
    assert!(matches!(
        check_crafted(&[altered, END.to_vec()].concat()),
        EnvelopeError::FileMismatch {
            what: "SHA-256",
            ..
        }
    ));

    let extra = tar_entry(b"extra.txt", EntryType::Regular, b"smuggled");
    assert!(matches!(
        check_crafted(&[good.clone(), extra, END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    // The archive ends (cleanly) before the manifest's file.
    assert!(matches!(check_crafted(&END), EnvelopeError::Archive(_)));
    // No end-of-archive marker after the last file.
    assert!(matches!(check_crafted(&good), EnvelopeError::Archive(_)));
    // Only half the marker.
    assert!(matches!(
        check_crafted(&[good.clone(), vec![0; 512]].concat()),
        EnvelopeError::Archive(_)
    ));
    // Data after the end of the archive.
    let mut trailing = [good.clone(), END.to_vec()].concat();
    trailing.extend_from_slice(b"hidden");
    assert!(matches!(
        check_crafted(&trailing),
        EnvelopeError::Archive(_)
    ));

    let mut bad_checksum = good.clone();
    bad_checksum[0] = b'D';
    assert!(matches!(
        check_crafted(&[bad_checksum, END.to_vec()].concat()),
        EnvelopeError::Archive(_)
    ));

    // GNU tar's zero padding to a 10 KiB record is accepted.
    let mut padded = [good, END.to_vec()].concat();
    padded.resize(10240, 0);
    let (ciphertext, originals) = crafted(&padded);
    assert_eq!(open_all(&ciphertext).unwrap().1, originals);
}

#[test]
fn the_manifest_must_come_first_and_be_canonical() {
    let contents = b"the document".to_vec();
    let manifest = manifest(&[("doc.txt", &contents)]);
    let sealed = seal_files(&manifest, &[&contents]);
    let plaintext = decrypt_plaintext(&sealed);
    let entries_len = manifest_entries_len(&plaintext);
    let files = &plaintext[entries_len..];

    // A file before the manifest.
    let mut reordered = tar_entry(b"doc.txt", EntryType::Regular, &contents);
    reordered.extend_from_slice(&plaintext);
    assert!(matches!(
        Opening::new(&encrypt_plaintext(&reordered)[..], &identity()),
        Err(EnvelopeError::Archive(_))
    ));

    // Correctly signed, but not in canonical form.
    let header = tar::Header::from_byte_slice(&plaintext[..512]);
    let json = &plaintext[512..512 + header.entry_size().unwrap() as usize];
    let spaced = String::from_utf8(json.to_vec())
        .unwrap()
        .replacen(':', ": ", 1);
    let mut archive = manifest_entries(spaced.as_bytes(), &signing_key());
    archive.extend_from_slice(files);
    assert!(matches!(
        Opening::new(&encrypt_plaintext(&archive)[..], &identity()),
        Err(EnvelopeError::Manifest(_))
    ));

    // A manifest naming a dangerous file, correctly signed.
    let evil = String::from_utf8(json.to_vec())
        .unwrap()
        .replace("doc.txt", "../x.txt");
    let mut archive = manifest_entries(evil.as_bytes(), &signing_key());
    archive.extend_from_slice(files);
    assert!(matches!(
        Opening::new(&encrypt_plaintext(&archive)[..], &identity()),
        Err(EnvelopeError::InvalidName(_))
    ));
}

#[test]
fn seal_refuses_files_that_differ_from_the_manifest() {
    let manifest = manifest(&[("doc.txt", b"the document")]);
    for contents in [&b"the documen"[..], b"the document!", b"the documenT"] {
        let mut out = Vec::new();
        let err = pli_envelope::seal(
            &manifest,
            &signing_key(),
            &[identity().to_public()],
            &mut [&mut &contents[..]],
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(err, EnvelopeError::FileMismatch { .. }), "{err:?}");
        // What was written is not an envelope anyone can open.
        assert!(open_all(&out).is_err());
    }
    let err = pli_envelope::seal(
        &manifest,
        &other_signing_key(),
        &[identity().to_public()],
        &mut [&mut &b"the document"[..]],
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(matches!(err, EnvelopeError::Manifest(_)));
    let err = pli_envelope::seal(
        &manifest,
        &signing_key(),
        &[],
        &mut [&mut &b"the document"[..]],
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(matches!(err, EnvelopeError::NoRecipients));
}

#[test]
fn sealing_with_size_only_checks_sizes_and_leaves_hashes_to_the_recipient() {
    use pli_envelope::{FileCheck, seal_with};
    let manifest = manifest(&[("doc.txt", b"the document")]);
    let seal_size_only = |contents: &[u8]| {
        let mut out = Vec::new();
        seal_with(
            &manifest,
            &signing_key(),
            &[identity().to_public()],
            &mut [&mut &contents[..]],
            &mut out,
            FileCheck::SizeOnly,
        )
        .map(|()| out)
    };
    // The right bytes seal and open as with `seal`.
    let (_, files) = open_all(&seal_size_only(b"the document").unwrap()).unwrap();
    assert_eq!(files, [b"the document".to_vec()]);
    // A wrong size is still refused while sealing.
    for contents in [&b"the documen"[..], b"the document!"] {
        let err = seal_size_only(contents).unwrap_err();
        assert!(
            matches!(err, EnvelopeError::FileMismatch { what: "size", .. }),
            "{err:?}"
        );
    }
    // Same size, other bytes: sealed, but the recipient refuses the file.
    let changed = seal_size_only(b"the documenT").unwrap();
    let err = open_all(&changed).unwrap_err();
    assert!(
        matches!(
            err,
            EnvelopeError::FileMismatch {
                what: "SHA-256",
                ..
            }
        ),
        "{err:?}"
    );
}

fn set_link_name(entry: &mut [u8], target: &[u8]) {
    let mut header = tar::Header::from_byte_slice(&entry[..512]).clone();
    header.set_link_name_literal(target).unwrap();
    header.set_cksum();
    entry[..512].copy_from_slice(header.as_bytes());
}
