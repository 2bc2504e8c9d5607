//! Writing an envelope.

use std::io::{Read, Write};

use crate::age_file::{self, PayloadWriter};
use crate::age_header::x25519_header_len;
use crate::archive::{self, BLOCK, MANIFEST_NAME, SIGNATURE_NAME};
use crate::stream::{CHUNK_SIZE, PAYLOAD_NONCE_SIZE, TAG_SIZE};
use crate::{EnvelopeError, Manifest, Recipient, SigningKey, key_id, manifest, sha256_bytes};

const SIGNATURE_BYTES: u64 = 64;

/// How [`seal_with`] checks the files it reads against their manifest entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileCheck {
    /// Size and SHA-256: what [`seal`] does.
    SizeAndHash,
    /// Size only. For a caller that hashed the files itself just before and makes sure by
    /// other means (such as unchanged file metadata) that they did not change since: it saves
    /// a second SHA-256 pass, the costliest step of sealing. A file that did change anyway is
    /// still caught, by the recipient, whose opening checks every hash.
    SizeOnly,
}

/// Writes a whole envelope: signs `manifest`, encrypts to `recipients`, and streams each of
/// `files` (in manifest order) into `out`. Constant memory whatever the file sizes.
///
/// Fails with `FileMismatch` if a file's bytes do not match its manifest entry (size or
/// SHA-256), `Manifest` if the manifest breaks a rule or does not name `signing_key`'s key id,
/// `InvalidName` for a file name [`crate::validate_file_name`] refuses. On any error, what was
/// written to `out` is not a valid envelope (its final chunk is missing) and must be discarded.
pub fn seal(
    manifest: &Manifest,
    signing_key: &SigningKey,
    recipients: &[Recipient],
    files: &mut [&mut dyn Read],
    out: &mut dyn Write,
) -> Result<(), EnvelopeError> {
    seal_with(
        manifest,
        signing_key,
        recipients,
        files,
        out,
        FileCheck::SizeAndHash,
    )
}

/// [`seal`], with the check of the files' bytes chosen by `check`.
pub fn seal_with(
    manifest: &Manifest,
    signing_key: &SigningKey,
    recipients: &[Recipient],
    files: &mut [&mut dyn Read],
    out: &mut dyn Write,
    check: FileCheck,
) -> Result<(), EnvelopeError> {
    // The inputs are checked before any random choice is drawn.
    checked_json(manifest, signing_key, files.len())?;
    seal_prepared(
        manifest,
        signing_key,
        &Sealing::new(recipients)?,
        files,
        out,
        check,
    )
}

/// The random choices of one sealing (the age file key, its wrapping to each recipient, the
/// payload nonce), drawn once. [`seal_prepared`] with the same `Sealing`, manifest, signing key
/// and files writes the very same bytes again (the manifest's Ed25519 signature is
/// deterministic), so a client resumes an interrupted upload by sealing again and skipping
/// what the server holds, without ever having kept the ciphertext.
///
/// Only ever seal the same files with one `Sealing`: two different plaintexts would share a
/// keystream. No `Debug`: it holds the file key.
pub struct Sealing(age_file::Prepared);

impl Sealing {
    /// Draws the random parts of a sealing to `recipients`.
    pub fn new(recipients: &[Recipient]) -> Result<Sealing, EnvelopeError> {
        let recipients: Vec<&dyn age::Recipient> = recipients
            .iter()
            .map(|r| r as &dyn age::Recipient)
            .collect();
        age_file::Prepared::new(&recipients).map(Sealing)
    }
}

/// [`seal_with`], with the random choices of `sealing`: deterministic for given inputs.
pub fn seal_prepared(
    manifest: &Manifest,
    signing_key: &SigningKey,
    sealing: &Sealing,
    files: &mut [&mut dyn Read],
    out: &mut dyn Write,
    check: FileCheck,
) -> Result<(), EnvelopeError> {
    let json = checked_json(manifest, signing_key, files.len())?;
    let signature = manifest::sign(&json, signing_key);
    let mtime = mtime(manifest);

    let mut payload = age_file::encrypt_prepared(&sealing.0, out)?;
    write_entry(&mut payload, MANIFEST_NAME, &json, mtime)?;
    write_entry(&mut payload, SIGNATURE_NAME, &signature, mtime)?;
    for (entry, reader) in manifest.files.iter().zip(files.iter_mut()) {
        payload.write_all(&archive::entry_header(&entry.name, entry.size, mtime)?)?;
        let mismatch = |what| EnvelopeError::FileMismatch {
            name: entry.name.clone(),
            what,
        };
        let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
        let mut remaining = entry.size;
        while remaining > 0 {
            let spare = payload.spare();
            let want = spare
                .len()
                .min(usize::try_from(remaining).unwrap_or(usize::MAX));
            let n = read_some(*reader, &mut spare[..want])?;
            if n == 0 {
                return Err(mismatch("size"));
            }
            if check == FileCheck::SizeAndHash {
                hasher.update(&spare[..n]);
            }
            payload.advance(n)?;
            remaining -= n as u64;
        }
        if read_some(*reader, &mut [0u8; 1])? != 0 {
            return Err(mismatch("size"));
        }
        if check == FileCheck::SizeAndHash && sha256_bytes(hasher.finish()) != entry.sha256 {
            return Err(mismatch("SHA-256"));
        }
        payload.write_all(&[0u8; BLOCK][..archive::padding(entry.size)])?;
    }
    payload.write_all(&[0u8; 2 * BLOCK])?;
    payload.finish()?;
    Ok(())
}

/// The exact number of bytes [`seal`] writes for `manifest` sealed to `n_recipients` X25519
/// recipient keys (one per key, so a mailbox counts once per member key). Lets a client
/// announce an upload's size before streaming it.
pub fn sealed_size(manifest: &Manifest, n_recipients: usize) -> Result<u64, EnvelopeError> {
    let json_len = manifest::to_json(manifest)?.len() as u64;
    let entry = |name: &str, size: u64| {
        archive::entry_header_len(name) + size + archive::padding(size) as u64
    };
    let mut plaintext = entry(MANIFEST_NAME, json_len) + entry(SIGNATURE_NAME, SIGNATURE_BYTES);
    for file in &manifest.files {
        plaintext += entry(&file.name, file.size);
    }
    plaintext += 2 * BLOCK as u64;
    let n_chunks = plaintext.div_ceil(CHUNK_SIZE as u64);
    Ok(x25519_header_len(n_recipients as u64)
        + PAYLOAD_NONCE_SIZE as u64
        + plaintext
        + n_chunks * TAG_SIZE as u64)
}

/// The manifest's JSON, once it is known to name `signing_key` and to list `n_files` files.
fn checked_json(
    manifest: &Manifest,
    signing_key: &SigningKey,
    n_files: usize,
) -> Result<Vec<u8>, EnvelopeError> {
    let json = manifest::to_json(manifest)?;
    if manifest.sender.key_id != key_id(&signing_key.verifying_key()) {
        return Err(EnvelopeError::Manifest(
            "the sender key_id is not the signing key's".into(),
        ));
    }
    if n_files != manifest.files.len() {
        return Err(EnvelopeError::Manifest(format!(
            "{n_files} readers given for {} files",
            manifest.files.len()
        )));
    }
    Ok(json)
}

fn write_entry<W: Write>(
    payload: &mut PayloadWriter<W>,
    name: &str,
    data: &[u8],
    mtime: u64,
) -> Result<(), EnvelopeError> {
    payload.write_all(&archive::entry_header(name, data.len() as u64, mtime)?)?;
    payload.write_all(data)?;
    payload.write_all(&[0u8; BLOCK][..archive::padding(data.len() as u64)])
}

/// Entries carry the envelope's creation time, so extracted files show when they were sent.
fn mtime(manifest: &Manifest) -> u64 {
    u64::try_from(manifest.created_at).unwrap_or(0)
}

fn read_some(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize, EnvelopeError> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        }
    }
}
