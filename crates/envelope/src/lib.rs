//! The Pli envelope format: one standard age file (X25519 recipients, STREAM
//! ChaCha20-Poly1305 in 64 KiB chunks) whose plaintext is a standard tar archive holding the
//! signed manifest first, then the files. Stock tools recover everything:
//! `age -d -i key.txt envelope.age | tar x`.
//!
//! This crate only reads and writes bytes: no network, no database, no async runtime.
#![forbid(unsafe_code)]

use std::io::{Read, Write};

pub use age::x25519::{Identity, Recipient};
pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// Errors of sealing or opening an envelope. Each names what failed, never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// No identity matched, or the header or payload did not authenticate.
    #[error("decryption failed")]
    Decryption,
    #[error("the envelope is not a valid age file: {0}")]
    Format(String),
    #[error("the envelope's archive is malformed: {0}")]
    Archive(String),
    #[error("the manifest is malformed: {0}")]
    Manifest(String),
    #[error("the manifest's signature does not verify against the sender's key")]
    BadSignature,
    #[error("file {name:?} does not match the manifest ({what})")]
    FileMismatch { name: String, what: &'static str },
    #[error("invalid file name {0:?}")]
    InvalidName(String),
}

/// One file as the manifest describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    /// A plain file name: no directory separator, no `..`, no control character.
    pub name: String,
    pub size: u64,
    pub media_type: String,
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
}

/// The sender as signed in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    pub email: String,
    /// See [`key_id`].
    pub key_id: String,
}

/// What the sender signs: everything a recipient needs to check the envelope is the one sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The 32-hex-digit id chosen by the sender's client.
    pub envelope_id: String,
    pub subject: String,
    pub sender: Sender,
    /// The addresses as the sender gave them (account emails and mailbox names).
    pub recipients: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub files: Vec<FileEntry>,
}

/// The key id of an Ed25519 verifying key: hex of the first 16 bytes of its SHA-256.
pub fn key_id(key: &VerifyingKey) -> String {
    let _ = key;
    todo!()
}

/// Hashes a file's plaintext (first pass of sealing, since the manifest precedes the files).
pub fn sha256_reader(reader: &mut dyn Read) -> Result<([u8; 32], u64), EnvelopeError> {
    let _ = reader;
    todo!()
}

/// Writes a whole envelope: signs `manifest`, encrypts to `recipients`, and streams each of
/// `files` (in manifest order) into `out`. Constant memory whatever the file sizes. Fails
/// with `FileMismatch` if a file's bytes do not match its manifest entry.
pub fn seal(
    manifest: &Manifest,
    signing_key: &SigningKey,
    recipients: &[Recipient],
    files: &mut [&mut dyn Read],
    out: &mut dyn Write,
) -> Result<(), EnvelopeError> {
    let _ = (manifest, signing_key, recipients, files, out);
    todo!()
}

/// An envelope being opened: the manifest is read and decrypted, not yet trusted.
pub struct Opening<R: Read> {
    _reader: R,
}

impl<R: Read> Opening<R> {
    /// Decrypts the header with `identity` and reads the manifest and its signature.
    pub fn new(input: R, identity: &Identity) -> Result<Opening<R>, EnvelopeError> {
        let _ = (input, identity);
        todo!()
    }

    /// The manifest as found; check [`Opening::verify`] before trusting it.
    pub fn manifest(&self) -> &Manifest {
        todo!()
    }

    /// Verifies the manifest's signature with the sender's key, and that the manifest's key id
    /// is this key's.
    pub fn verify(self, sender_key: &VerifyingKey) -> Result<Verified<R>, EnvelopeError> {
        let _ = sender_key;
        todo!()
    }
}

/// An envelope whose manifest signature verified: its files can be read in manifest order.
pub struct Verified<R: Read> {
    _reader: R,
}

impl<R: Read> Verified<R> {
    pub fn manifest(&self) -> &Manifest {
        todo!()
    }

    /// Streams the next file's plaintext into `out`, checking its name, size and SHA-256
    /// against the manifest. Returns `None` after the last file, once the age payload's final
    /// chunk and the archive's end authenticated. The caller must not trust what it wrote until
    /// this function returns `Ok` for that file, and discard it otherwise.
    pub fn next_file(&mut self, out: &mut dyn Write) -> Result<Option<FileEntry>, EnvelopeError> {
        let _ = out;
        todo!()
    }
}
