//! Signed tree heads: C2SP `tlog-checkpoint` notes signed as C2SP `signed-note` with Ed25519.
//!
//! ```text
//! pli.example.org/audit          origin, also the log key's name
//! 1234                           tree size, decimal
//! 3wq0TVhLr8t...Qk=              root hash, base64
//!                                blank line
//! — pli.example.org/audit AbCd...  base64(key id || Ed25519 signature of the text above)
//! ```
//!
//! The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key), and a
//! verifier key is written `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`, as
//! Go's `golang.org/x/mod/sumdb/note` does, so existing witnesses and verifiers read our
//! checkpoints. Parsing and signature checks of notes are those of the `signed_note` crate.

use std::fmt;
use std::str::FromStr;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use ed25519_dalek::Signer as _;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use signed_note::{Note, NoteError, VerifierList};

use crate::merkle::Hash;

/// Signature type byte of Ed25519 note signatures (C2SP signed-note).
pub const ALG_ED25519: u8 = 0x01;

/// Largest signed note accepted, in bytes: room for many cosignatures, and a bound on the work a
/// hostile note can cause.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// Longest origin or key name, and longest extension line, in bytes.
pub const MAX_LINE_BYTES: usize = 1024;

/// Most extension lines in a checkpoint.
pub const MAX_EXTENSION_LINES: usize = 16;

/// Why a checkpoint, a key or a signed note was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The origin or key name is empty, too long, or holds a space, a plus sign or a control
    /// character.
    #[error("invalid origin or key name")]
    InvalidName,
    /// The checkpoint text does not follow C2SP tlog-checkpoint.
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    /// The signed note does not follow C2SP signed-note (or is over [`MAX_NOTE_BYTES`]).
    #[error("malformed signed note")]
    MalformedNote,
    /// The verifier key string is not `<name>+<hex key id>+<base64(0x01 || key)>`.
    #[error("malformed verifier key")]
    MalformedKey,
    /// The verifier key's id does not match its name and public key.
    #[error("verifier key id does not match its name and key")]
    KeyIdMismatch,
    /// The verifier key is not an Ed25519 key.
    #[error("unsupported signature algorithm {0}")]
    UnsupportedAlgorithm(u8),
    /// No signature line is from the expected key.
    #[error("checkpoint is not signed by {0}")]
    NotSigned(String),
    /// A signature line from the expected key does not verify.
    #[error("invalid signature by {0}")]
    BadSignature(String),
    /// The checkpoint's origin is not the log the verifier key belongs to.
    #[error("checkpoint is for log {found:?}, expected {expected:?}")]
    WrongOrigin {
        /// Name of the verifier key.
        expected: String,
        /// Origin line of the checkpoint.
        found: String,
    },
    /// The key signing a checkpoint is not the log's key.
    #[error("key {key:?} cannot sign checkpoints of log {origin:?}")]
    KeyNotForOrigin {
        /// Name of the signing key.
        key: String,
        /// Origin of the checkpoint.
        origin: String,
    },
    /// Signing failed.
    #[error("signing failed")]
    Signing,
    /// A cosignature time over 2^63 - 1 seconds (C2SP tlog-cosignature).
    #[error("cosignature time out of range")]
    InvalidTime,
}

/// A tree head: which log, how many leaves, which root (C2SP tlog-checkpoint note text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines. The origin follows the key name rules (non-empty,
    /// no space, no plus sign, no control character) so that it can also name the log's key.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Checkpoint, CheckpointError> {
        check_name(origin)?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line (opaque to verifiers; C2SP recommends against them).
    pub fn with_extension(mut self, line: &str) -> Result<Checkpoint, CheckpointError> {
        if line.is_empty()
            || line.len() > MAX_LINE_BYTES
            || line.chars().any(char::is_control)
            || self.extensions.len() >= MAX_EXTENSION_LINES
        {
            return Err(CheckpointError::Malformed("invalid extension line"));
        }
        self.extensions.push(line.to_owned());
        Ok(self)
    }

    /// The log's identity.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Root hash of the tree of `size` leaves.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// Extension lines, without their newlines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: origin, size, root and extension lines, each ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = format!("{}\n{}\n{}\n", self.origin, self.size, self.root);
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses a note text. Accepts any origin the specification allows (non-empty, no control
    /// character), since other logs' checkpoints may be read too.
    pub fn from_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        if text.len() > MAX_NOTE_BYTES {
            return Err(CheckpointError::Malformed("too long"));
        }
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::Malformed("no final newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty()
            || origin.len() > MAX_LINE_BYTES
            || origin.chars().any(char::is_control)
        {
            return Err(CheckpointError::Malformed("invalid origin line"));
        }
        let size = parse_size(lines.next().unwrap_or_default())?;
        let root = Hash::from_base64(lines.next().unwrap_or_default())
            .ok_or(CheckpointError::Malformed("invalid root hash line"))?;
        let mut extensions = Vec::new();
        for line in lines {
            if line.is_empty() || line.len() > MAX_LINE_BYTES || line.chars().any(char::is_control)
            {
                return Err(CheckpointError::Malformed("invalid extension line"));
            }
            if extensions.len() >= MAX_EXTENSION_LINES {
                return Err(CheckpointError::Malformed("too many extension lines"));
            }
            extensions.push(line.to_owned());
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

/// The log's Ed25519 signing key with its key name (the log's origin).
pub struct LogKey {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl LogKey {
    /// Names a signing key. The name follows the key name rules of [`Checkpoint::new`].
    pub fn new(name: &str, key: SigningKey) -> Result<LogKey, CheckpointError> {
        check_name(name)?;
        let key_id = key_id(name, &key.verifying_key());
        Ok(LogKey {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// A fresh key from the operating system's random generator.
    pub fn generate(name: &str) -> Result<LogKey, CheckpointError> {
        LogKey::new(name, SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id of signature lines.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching verifier, to publish.
    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Signs a checkpoint of this key's log (its origin must be the key name).
    pub fn sign(&self, checkpoint: &Checkpoint) -> Result<SignedCheckpoint, CheckpointError> {
        if checkpoint.origin() != self.name {
            return Err(CheckpointError::KeyNotForOrigin {
                key: self.name.clone(),
                origin: checkpoint.origin().to_owned(),
            });
        }
        Ok(SignedCheckpoint {
            checkpoint: checkpoint.clone(),
            note: self.sign_note(&checkpoint.to_text())?,
        })
    }

    /// Signs any note text (C2SP signed-note): the text, a blank line, the signature line.
    /// The text must end in a newline and hold no other control character.
    pub fn sign_note(&self, text: &str) -> Result<String, CheckpointError> {
        let mut note =
            Note::new(text.as_bytes(), &[]).map_err(|_| CheckpointError::MalformedNote)?;
        note.add_sigs(&[&NoteSigner(self)])
            .map_err(|_| CheckpointError::Signing)?;
        String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)
    }
}

/// Never shows the key.
impl fmt::Debug for LogKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogKey")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

/// A log's public key with its name: what clients trust to check checkpoints.
///
/// Written and parsed as `<name>+<8 lowercase hex digits of key id>+<base64(0x01 || key)>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl LogVerifier {
    /// Names a public key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<LogVerifier, CheckpointError> {
        check_name(name)?;
        Ok(LogVerifier {
            name: name.to_owned(),
            key_id: key_id(name, &key),
            key,
        })
    }

    /// Parses a verifier key string strictly: lowercase 8-digit key id that matches, Ed25519
    /// only, canonical base64.
    pub fn parse(text: &str) -> Result<LogVerifier, CheckpointError> {
        if text.len() > MAX_LINE_BYTES + 64 {
            return Err(CheckpointError::MalformedKey);
        }
        let (name, rest) = text.split_once('+').ok_or(CheckpointError::MalformedKey)?;
        let (id_hex, key_base64) = rest.split_once('+').ok_or(CheckpointError::MalformedKey)?;
        check_name(name).map_err(|_| CheckpointError::MalformedKey)?;
        if id_hex.len() != 8
            || !id_hex
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(CheckpointError::MalformedKey);
        }
        let id = u32::from_str_radix(id_hex, 16).map_err(|_| CheckpointError::MalformedKey)?;
        let key = BASE64_STANDARD
            .decode(key_base64)
            .map_err(|_| CheckpointError::MalformedKey)?;
        let (&alg, public) = key.split_first().ok_or(CheckpointError::MalformedKey)?;
        if signed_note::key_id(name, &key) != id {
            return Err(CheckpointError::KeyIdMismatch);
        }
        if alg != ALG_ED25519 {
            return Err(CheckpointError::UnsupportedAlgorithm(alg));
        }
        let public: [u8; 32] = public
            .try_into()
            .map_err(|_| CheckpointError::MalformedKey)?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| CheckpointError::MalformedKey)?;
        Ok(LogVerifier {
            name: name.to_owned(),
            key_id: id,
            key,
        })
    }

    /// The key name (the log's origin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id of its signature lines.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Display for LogVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64_STANDARD.encode(typed_key(&self.key))
        )
    }
}

impl FromStr for LogVerifier {
    type Err = CheckpointError;

    fn from_str(text: &str) -> Result<LogVerifier, CheckpointError> {
        LogVerifier::parse(text)
    }
}

/// A checkpoint with its signed note, as served and as kept by clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub(crate) checkpoint: Checkpoint,
    pub(crate) note: String,
}

impl SignedCheckpoint {
    /// Parses a signed note and checks that `verifier`'s key signed it, among any other
    /// signature lines (witness cosignatures, other keys: ignored), and that it is a checkpoint
    /// of that key's log. Hostile input gets an error, never a panic.
    pub fn open(note: &[u8], verifier: &LogVerifier) -> Result<SignedCheckpoint, CheckpointError> {
        let text = open_note(note, verifier)?;
        let checkpoint = Checkpoint::from_text(&text)?;
        if checkpoint.origin() != verifier.name() {
            return Err(CheckpointError::WrongOrigin {
                expected: verifier.name().to_owned(),
                found: checkpoint.origin().to_owned(),
            });
        }
        let note = String::from_utf8(note.to_vec()).map_err(|_| CheckpointError::MalformedNote)?;
        Ok(SignedCheckpoint { checkpoint, note })
    }

    /// Adds `key`'s signature line to the note (a cosignature by another key; the checkpoint is
    /// unchanged). A line already there from the same key is replaced.
    pub fn cosign(&self, key: &LogKey) -> Result<SignedCheckpoint, CheckpointError> {
        let mut note =
            Note::from_bytes(self.note.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        note.add_sigs(&[&NoteSigner(key)])
            .map_err(|_| CheckpointError::Signing)?;
        let note =
            String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        Ok(SignedCheckpoint {
            checkpoint: self.checkpoint.clone(),
            note,
        })
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signed note, as served and stored.
    pub fn as_str(&self) -> &str {
        &self.note
    }
}

impl fmt::Display for SignedCheckpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.note)
    }
}

/// Parses a signed note (C2SP signed-note) and returns its text if `verifier`'s key signed it.
/// Signature lines of other keys are ignored; a line that claims the key's name and id but does
/// not verify rejects the whole note. Hostile input gets an error, never a panic.
pub fn open_note(note: &[u8], verifier: &LogVerifier) -> Result<String, CheckpointError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(CheckpointError::MalformedNote);
    }
    let parsed = Note::from_bytes(note).map_err(|_| CheckpointError::MalformedNote)?;
    let verifiers = VerifierList::new(vec![Box::new(NoteVerifier(verifier.clone()))]);
    match parsed.verify(&verifiers) {
        Ok(_) => {}
        Err(NoteError::UnverifiedNote) => {
            return Err(CheckpointError::NotSigned(verifier.to_string()));
        }
        Err(NoteError::InvalidSignature { .. }) => {
            return Err(CheckpointError::BadSignature(verifier.to_string()));
        }
        Err(_) => return Err(CheckpointError::MalformedNote),
    }
    String::from_utf8(parsed.text().to_vec()).map_err(|_| CheckpointError::MalformedNote)
}

/// Key id of an Ed25519 key: the first 4 bytes, big-endian, of
/// SHA-256(name || 0x0A || 0x01 || public key).
pub fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    signed_note::key_id(name, &typed_key(key))
}

fn typed_key(key: &VerifyingKey) -> [u8; 33] {
    let mut typed = [0u8; 33];
    typed[0] = ALG_ED25519;
    typed[1..].copy_from_slice(key.as_bytes());
    typed
}

pub(crate) fn check_name(name: &str) -> Result<(), CheckpointError> {
    if name.is_empty()
        || name.len() > MAX_LINE_BYTES
        || name.contains('+')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CheckpointError::InvalidName);
    }
    Ok(())
}

fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    let canonical = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    if !canonical {
        return Err(CheckpointError::Malformed("invalid tree size line"));
    }
    line.parse()
        .map_err(|_| CheckpointError::Malformed("invalid tree size line"))
}

struct NoteSigner<'a>(&'a LogKey);

impl signed_note::Signer for NoteSigner<'_> {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn key_id(&self) -> u32 {
        self.0.key_id
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        Ok(self.0.key.try_sign(msg)?.to_bytes().to_vec())
    }
}

struct NoteVerifier(LogVerifier);

impl signed_note::Verifier for NoteVerifier {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn key_id(&self) -> u32 {
        self.0.key_id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        // Strict verification also refuses weak keys and non-canonical signatures.
        self.0.key.verify_strict(msg, &sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_canonical_decimal() {
        for bad in ["", "01", "+1", "-1", "1 ", "18446744073709551616", "１"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_size("0").unwrap(), 0);
        assert_eq!(parse_size("18446744073709551615").unwrap(), u64::MAX);
    }

    #[test]
    fn names_follow_the_key_name_rules() {
        for bad in ["", "a b", "a+b", "a\u{2003}b", "a\nb", "a\u{7f}b"] {
            assert_eq!(
                check_name(bad),
                Err(CheckpointError::InvalidName),
                "{bad:?}"
            );
        }
        check_name("pli.example.org/audit").unwrap();
    }
}
