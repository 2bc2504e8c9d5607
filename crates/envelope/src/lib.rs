//! The Pli envelope format: one standard age file (X25519 recipients, STREAM
//! ChaCha20-Poly1305 in 64 KiB chunks) whose plaintext is a standard tar archive holding the
//! signed manifest first, then the files. Stock tools recover everything:
//! `age -d -i key.txt envelope.age | tar x`.
//!
//! This crate only reads and writes bytes: no network, no database, no async runtime.
//! `docs/FORMAT.md` specifies the bytes. Memory stays constant (a few MiB of buffers) whatever
//! the file sizes; for payloads over two 1 MiB batches, sealing and opening run the cipher on
//! one helper thread while the calling thread reads, hashes and writes. Both are blocking: call
//! them from a blocking context (e.g. `spawn_blocking`) in async code.
//!
//! ```
//! use pli_envelope::{FileEntry, Identity, Manifest, Sender, SigningKey, key_id, seal, Opening};
//!
//! # fn main() -> Result<(), pli_envelope::EnvelopeError> {
//! let signing_key = SigningKey::from_bytes(&[7; 32]);
//! let identity = Identity::generate();
//! let contents = b"hello";
//! let (sha256, size) = pli_envelope::sha256_reader(&mut &contents[..])?;
//! let manifest = Manifest {
//!     envelope_id: "0123456789abcdef0123456789abcdef".into(),
//!     subject: "Report".into(),
//!     sender: Sender {
//!         email: "alice@example.org".into(),
//!         key_id: key_id(&signing_key.verifying_key()),
//!     },
//!     recipients: vec!["bob@example.org".into()],
//!     created_at: 1_700_000_000,
//!     files: vec![FileEntry {
//!         name: "hello.txt".into(),
//!         size,
//!         media_type: "text/plain".into(),
//!         sha256,
//!     }],
//!     dlp: None,
//!     outside: None,
//! };
//!
//! let mut sealed = Vec::new();
//! seal(&manifest, &signing_key, &[identity.to_public()], &mut [&mut &contents[..]], &mut sealed)?;
//!
//! let opening = Opening::new(&sealed[..], &identity)?;
//! let mut verified = opening.verify(&signing_key.verifying_key())?;
//! let mut file = Vec::new();
//! let entry = verified.next_file(&mut file)?;
//! assert_eq!(entry.map(|entry| entry.name), Some("hello.txt".to_string()));
//! assert_eq!(file, contents);
//! // Only now is the whole envelope known to be intact.
//! assert!(verified.next_file(&mut Vec::new())?.is_none());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod age_file;
mod age_header;
mod archive;
mod manifest;
mod name;
mod open;
mod seal;
mod stream;

use std::io::Read;

pub use age::x25519::{Identity, Recipient};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

pub use manifest::{
    MANIFEST_VERSION, MAX_EMAIL_BYTES, MAX_FILE_SIZE, MAX_FILES, MAX_JUSTIFICATION_BYTES,
    MAX_MANIFEST_BYTES, MAX_MEDIA_TYPE_BYTES, MAX_RECIPIENTS, MAX_SUBJECT_BYTES, SIGNATURE_CONTEXT,
    signed_manifest,
};
pub use name::{MAX_NAME_BYTES, validate_file_name};
pub use open::{Opening, Verified};
pub use seal::{FileCheck, Sealing, seal, seal_prepared, seal_with, sealed_size};

/// SHA-256 of the manifest's canonical JSON: the exact bytes signed, sealed and, once opened,
/// hashed by a recipient for its receipt ([`Opening::manifest_hash`]).
pub fn manifest_hash(manifest: &Manifest) -> Result<[u8; 32], EnvelopeError> {
    Ok(Sha256::digest(manifest::to_json(manifest)?).into())
}

/// Name of the first tar entry: the manifest's canonical JSON.
pub const MANIFEST_ENTRY: &str = archive::MANIFEST_NAME;
/// Name of the second tar entry: the 64-byte Ed25519 signature of the manifest.
pub const SIGNATURE_ENTRY: &str = archive::SIGNATURE_NAME;

/// Errors of sealing or opening an envelope. Each names what failed, never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Reading the input or writing the output failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// No identity matched, or the header or payload did not authenticate (including a
    /// truncated or extended payload). Deliberately says no more.
    #[error("decryption failed")]
    Decryption,
    /// The bytes are not a well-formed age v1 file (header syntax, recipient stanza syntax).
    #[error("the envelope is not a valid age file: {0}")]
    Format(String),
    /// The decrypted tar archive is malformed, or its entries are not the expected ones.
    #[error("the envelope's archive is malformed: {0}")]
    Archive(String),
    /// The manifest is not canonical JSON of the expected shape, or breaks a limit.
    #[error("the manifest is malformed: {0}")]
    Manifest(String),
    /// The manifest's signature does not verify against the caller's sender key.
    #[error("the manifest's signature does not verify against the sender's key")]
    BadSignature,
    /// The signature verified but the manifest names another sender key id.
    #[error("the manifest names sender key {found}, not the expected key {expected}")]
    SenderKeyMismatch {
        /// The key id of the key the caller supplied.
        expected: String,
        /// The key id written in the manifest.
        found: String,
    },
    /// A file's bytes differ from its manifest entry (name, size or SHA-256).
    #[error("file {name:?} does not match the manifest ({what})")]
    FileMismatch {
        /// The file's name in the manifest.
        name: String,
        /// Which property differed: `"name"`, `"size"` or `"SHA-256"`.
        what: &'static str,
    },
    /// A file name that could be dangerous or unportable when written to disk.
    #[error("invalid file name {0:?}")]
    InvalidName(String),
    /// `seal` was called without any recipient.
    #[error("an envelope needs at least one recipient key")]
    NoRecipients,
}

/// One file as the manifest describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    /// A plain file name: no directory separator, no `..`, no control character
    /// (see [`validate_file_name`]).
    pub name: String,
    /// Size of the plaintext in bytes.
    pub size: u64,
    /// The media type as the sender's client determined it, e.g. `application/pdf`.
    pub media_type: String,
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
}

/// The sender as signed in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    /// The sender's account email.
    pub email: String,
    /// See [`key_id`].
    pub key_id: String,
}

/// What the sender signs: everything a recipient needs to check the envelope is the one sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The 32-hex-digit id chosen by the sender's client.
    pub envelope_id: String,
    /// The subject line, free text without control characters.
    pub subject: String,
    /// Who signed the manifest.
    pub sender: Sender,
    /// The addresses as the sender gave them (account emails and mailbox names).
    pub recipients: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// The files, in the order they follow the manifest in the archive.
    pub files: Vec<FileEntry>,
    /// What the sender's data loss prevention check found and decided, when the sender's
    /// organisation has a sending policy.
    pub dlp: Option<DlpLabel>,
    /// Set only in an envelope uploaded through an upload request by a person without an
    /// account (`docs/REQUESTS.md`); `None` keeps the manifest's bytes as they always were.
    pub outside: Option<OutsideSender>,
}

/// The `outside` extension of a manifest: the sender has no account, its key was drawn for
/// this one envelope, and nobody vouches for the address or the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideSender {
    /// The upload request's id, 32 lowercase hex digits.
    pub request_id: String,
    /// The Ed25519 verifying key the manifest is signed with.
    pub signing_key: [u8; 32],
    /// The name the uploader typed, if any.
    pub name: Option<String>,
}

/// The labels and decision of the sender's data loss prevention check, signed with the
/// manifest: kinds of data and counts, never a matched value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DlpLabel {
    /// Version of the organisation's policy that was applied.
    pub policy_version: u64,
    /// `allow`, `warn` or `justify` (a blocked envelope is never sealed).
    pub decision: String,
    /// Findings per kind (`nir`, `health`, ...), over all files.
    pub kinds: std::collections::BTreeMap<String, u64>,
    /// How many files could not be inspected.
    pub not_inspectable: u64,
    /// The sender's written justification, required when the decision is `justify`.
    pub justification: Option<String>,
}

/// The key id of an Ed25519 verifying key: hex of the first 16 bytes of its SHA-256.
pub fn key_id(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..16])
}

/// Hashes a file's plaintext (first pass of sealing, since the manifest precedes the files).
/// Returns the SHA-256 and the number of bytes read.
pub fn sha256_reader(reader: &mut dyn Read) -> Result<([u8; 32], u64), EnvelopeError> {
    let mut hasher = ring::digest::Context::new(&ring::digest::SHA256);
    // Large reads: a `File` passed unbuffered is read straight into this buffer, saving the
    // copy a small buffer behind a `BufReader` costs.
    let mut buffer = vec![0u8; HASH_BUFFER];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        };
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((sha256_bytes(hasher.finish()), size))
}

const HASH_BUFFER: usize = 1 << 20;

/// SHA-256 runs on ring's implementation, measured faster here than the `sha2` crate's.
pub(crate) fn sha256_bytes(digest: ring::digest::Digest) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_is_hex_of_first_half_of_sha256() {
        let key = SigningKey::from_bytes(&[1; 32]).verifying_key();
        let id = key_id(&key);
        assert_eq!(id.len(), 32);
        assert_eq!(id, hex::encode(&Sha256::digest(key.as_bytes())[..16]));
    }

    #[test]
    fn readers_and_writers_can_move_between_threads() {
        fn assert_send<T: Send>() {}
        assert_send::<Opening<std::fs::File>>();
        assert_send::<Verified<std::fs::File>>();
        assert_send::<age_file::PayloadWriter<std::fs::File>>();
    }

    #[test]
    fn sha256_reader_counts_and_hashes() {
        let data = vec![0xabu8; 200_000];
        let (digest, size) = sha256_reader(&mut &data[..]).unwrap();
        assert_eq!(size, 200_000);
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&data)));
    }
}
