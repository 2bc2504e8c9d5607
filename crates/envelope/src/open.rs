//! Opening an envelope: decrypt, read the manifest, verify it, then stream and check each file.

use std::io::{Read, Write};

use crate::age_file::{self, Remaining};
use crate::archive::{ArchiveReader, MANIFEST_NAME, SIGNATURE_NAME};
use crate::manifest::{self, MAX_MANIFEST_BYTES};
use crate::{
    EnvelopeError, FileEntry, Identity, Manifest, VerifyingKey, key_id, sha256_bytes,
    validate_file_name,
};

/// An envelope being opened: the manifest is read and decrypted, not yet trusted.
pub struct Opening<R: Read> {
    archive: ArchiveReader<Remaining<R>>,
    manifest: Manifest,
    json: Vec<u8>,
    signature: [u8; 64],
}

impl<R: Read> Opening<R> {
    /// Decrypts the header with `identity` and reads the manifest and its signature.
    ///
    /// Errors: `Format` (not an age file), `Decryption` (not for this identity, or
    /// tampered), `Archive` (the first entries are not the manifest and its signature),
    /// `Manifest` (the manifest is not canonical or breaks a limit).
    pub fn new(input: R, identity: &Identity) -> Result<Opening<R>, EnvelopeError> {
        Opening::with_identities(input, std::slice::from_ref(identity))
    }

    /// As [`Opening::new`], with the first of `identities` that opens the envelope (an
    /// account's own key and the keys of the mailboxes it belongs to).
    pub fn with_identities(input: R, identities: &[Identity]) -> Result<Opening<R>, EnvelopeError> {
        let identities: Vec<&dyn age::Identity> = identities
            .iter()
            .map(|identity| identity as &dyn age::Identity)
            .collect();
        let payload = age_file::decrypt(input, &identities)?;
        let mut archive = ArchiveReader::new(payload);

        let json = read_small_entry(&mut archive, MANIFEST_NAME, MAX_MANIFEST_BYTES as u64)?;
        let signature = read_small_entry(&mut archive, SIGNATURE_NAME, 64)?;
        let signature: [u8; 64] = signature
            .try_into()
            .map_err(|_| EnvelopeError::Archive("the manifest signature is not 64 bytes".into()))?;
        let manifest = manifest::from_json(&json)?;
        Ok(Opening {
            archive,
            manifest,
            json,
            signature,
        })
    }

    /// The manifest as found; check [`Opening::verify`] before trusting it.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The manifest's exact canonical JSON bytes, as signed.
    pub fn manifest_json(&self) -> &[u8] {
        &self.json
    }

    /// SHA-256 of [`Opening::manifest_json`]: what a receipt signs, the same as the sender's
    /// [`crate::manifest_hash`].
    pub fn manifest_hash(&self) -> [u8; 32] {
        <sha2::Sha256 as sha2::Digest>::digest(&self.json).into()
    }

    /// Verifies the manifest's signature with the sender's key, and that the manifest's key id
    /// is this key's.
    ///
    /// An envelope of an outside sender (`outside` in the manifest) is refused here: an
    /// account's key must never vouch for it. See [`Opening::verify_outside`].
    pub fn verify(self, sender_key: &VerifyingKey) -> Result<Verified<R>, EnvelopeError> {
        if self.manifest.outside.is_some() {
            return Err(EnvelopeError::Manifest(
                "the manifest is an outside sender's, not an account's".into(),
            ));
        }
        self.verify_with(sender_key)
    }

    /// Verifies an outside sender's envelope (`docs/REQUESTS.md`) with the key its manifest
    /// embeds, the only key there is: this proves the envelope is whole and unaltered since it
    /// was signed, not who signed it. Refuses a manifest without `outside`.
    pub fn verify_outside(self) -> Result<Verified<R>, EnvelopeError> {
        let Some(outside) = &self.manifest.outside else {
            return Err(EnvelopeError::Manifest(
                "the manifest is an account's, not an outside sender's".into(),
            ));
        };
        let key = VerifyingKey::from_bytes(&outside.signing_key)
            .map_err(|_| EnvelopeError::BadSignature)?;
        self.verify_with(&key)
    }

    fn verify_with(self, sender_key: &VerifyingKey) -> Result<Verified<R>, EnvelopeError> {
        manifest::verify(&self.json, &self.signature, sender_key)?;
        let expected = key_id(sender_key);
        if self.manifest.sender.key_id != expected {
            return Err(EnvelopeError::SenderKeyMismatch {
                expected,
                found: self.manifest.sender.key_id.clone(),
            });
        }
        Ok(Verified {
            archive: self.archive,
            manifest: self.manifest,
            next: 0,
            state: State::Files,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Files,
    Ended,
    Failed,
}

/// An envelope whose manifest signature verified: its files can be read in manifest order.
pub struct Verified<R: Read> {
    archive: ArchiveReader<Remaining<R>>,
    manifest: Manifest,
    next: usize,
    state: State,
}

impl<R: Read> Verified<R> {
    /// The verified manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Streams the next file's plaintext into `out`, checking its name, size and SHA-256
    /// against the manifest. Returns `None` after the last file, once the archive's end and
    /// the age payload's final chunk authenticated.
    ///
    /// The caller must not trust what it wrote until this function returns `Ok` for that
    /// file, and discard it otherwise; and since only `Ok(None)` proves the envelope intact
    /// (not truncated, nothing appended), it should keep every written file under a temporary
    /// name until then and delete them all on any error. After an error every further call
    /// fails.
    pub fn next_file(&mut self, out: &mut dyn Write) -> Result<Option<FileEntry>, EnvelopeError> {
        match self.state {
            State::Ended => return Ok(None),
            State::Failed => {
                return Err(EnvelopeError::Archive(
                    "an earlier error stopped reading".into(),
                ));
            }
            State::Files => {}
        }
        let result = self.read_next(out);
        self.state = match &result {
            Ok(Some(_)) => State::Files,
            Ok(None) => State::Ended,
            Err(_) => State::Failed,
        };
        result
    }

    fn read_next(&mut self, out: &mut dyn Write) -> Result<Option<FileEntry>, EnvelopeError> {
        let Some(expected) = self.manifest.files.get(self.next).cloned() else {
            return match self.archive.next_entry()? {
                None => self.archive.finish().map(|()| None),
                Some(_) => Err(EnvelopeError::Archive(
                    "the archive holds more entries than the manifest lists".into(),
                )),
            };
        };
        let mismatch = |what| EnvelopeError::FileMismatch {
            name: expected.name.clone(),
            what,
        };
        let entry = self.archive.next_entry()?.ok_or_else(|| {
            EnvelopeError::Archive(format!(
                "file {:?} is missing from the archive",
                expected.name
            ))
        })?;
        let name = String::from_utf8(entry.name)
            .map_err(|_| EnvelopeError::Archive("an entry name is not UTF-8".into()))?;
        validate_file_name(&name)?;
        if name != expected.name {
            return Err(mismatch("name"));
        }
        if entry.size != expected.size {
            return Err(mismatch("size"));
        }
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        self.archive.read_data(entry.size, |data| {
            hasher.update(data);
            out.write_all(data)?;
            Ok(())
        })?;
        if sha256_bytes(hasher.finish()) != expected.sha256 {
            return Err(mismatch("SHA-256"));
        }
        self.next += 1;
        Ok(Some(expected))
    }
}

/// Reads one of the two leading entries, which must have exactly `name`.
fn read_small_entry<R: Read>(
    archive: &mut ArchiveReader<R>,
    name: &str,
    max_size: u64,
) -> Result<Vec<u8>, EnvelopeError> {
    let entry = archive
        .next_entry()?
        .ok_or_else(|| EnvelopeError::Archive(format!("the archive does not start with {name}")))?;
    if entry.name != name.as_bytes() {
        return Err(EnvelopeError::Archive(format!(
            "the archive does not start with {name}"
        )));
    }
    if entry.size > max_size {
        return Err(EnvelopeError::Archive(format!("{name} is too large")));
    }
    let mut data = Vec::with_capacity(entry.size as usize);
    archive.read_data(entry.size, |bytes| {
        data.extend_from_slice(bytes);
        Ok(())
    })?;
    Ok(data)
}
