//! Witness cosignatures in the C2SP `tlog-cosignature` `cosignature/v1` form, the one
//! off-the-shelf witnesses (omniwitness, litewitness, Sigsum witnesses) produce and verify.
//!
//! A cosignature is a signed-note signature line added to the log's checkpoint:
//!
//! ```text
//! — <cosigner name> base64(key id || 8-byte big-endian time || Ed25519 signature)
//! ```
//!
//! - key id: the first 4 bytes of SHA-256(name || 0x0A || 0x04 || 32-byte public key);
//! - time: seconds since the Epoch when the witness cosigned, at most 2^63 - 1;
//! - the signature covers `cosignature/v1\ntime <time>\n` followed by the whole checkpoint
//!   text (extension lines included), never the other signature lines.
//!
//! The `cosignature/v1` header keeps a cosignature from ever being read as a plain note
//! signature of some other text, and the time says until when the witness vouches that this was
//! the largest tree it saw. A cosigner's public key is written as the C2SP verifier key
//! `<name>+<8 hex digits of key id>+<base64(0x04 || public key)>`.

use std::fmt;
use std::str::FromStr;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use ed25519_dalek::Signer as _;
use signed_note::{Note, NoteError, VerifierList};

use crate::checkpoint::{
    ALG_ED25519, Checkpoint, CheckpointError, MAX_LINE_BYTES, MAX_NOTE_BYTES, SignedCheckpoint,
    SigningKey, VerifyingKey, check_name,
};

/// Signature type byte of Ed25519 `cosignature/v1` keys (C2SP tlog-cosignature).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// Latest cosignature time the specification allows, in seconds since the Epoch.
pub const MAX_COSIGNATURE_TIME: u64 = i64::MAX as u64;

/// How far in the future a cosignature's time may be, in seconds, before a verifier refuses it:
/// room for the clocks of a witness and a server that disagree a little.
pub const MAX_COSIGNATURE_CLOCK_SKEW: u64 = 300;

/// Longest witness key, as text, that a client may name when it asks a server for the
/// checkpoints its witnesses cosigned (`witnesses=KEY,KEY...`).
pub const MAX_WITNESS_KEY_CHARS: usize = 512;

const HEADER: &str = "cosignature/v1\n";

/// Bytes of a cosignature after its key id: the time and the Ed25519 signature.
const TIMESTAMPED_SIGNATURE_BYTES: usize = 8 + 64;

/// The message a `cosignature/v1` signature covers: the header line, the time line and the
/// whole checkpoint text.
pub fn cosignature_message(text: &str, time: u64) -> Vec<u8> {
    message(text.as_bytes(), time)
}

fn message(text: &[u8], time: u64) -> Vec<u8> {
    let mut message = format!("{HEADER}time {time}\n").into_bytes();
    message.extend_from_slice(text);
    message
}

/// Key id of a cosigner's key: the first 4 bytes, big-endian, of
/// SHA-256(name || 0x0A || 0x04 || public key).
pub fn cosigner_key_id(name: &str, key: &VerifyingKey) -> u32 {
    signed_note::key_id(name, &typed_key(key))
}

/// A witness's Ed25519 secret key with its name, to cosign checkpoints.
pub struct CosignerKey {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl CosignerKey {
    /// Names a signing key (non-empty, no space, no plus sign, no control character).
    pub fn new(name: &str, key: SigningKey) -> Result<CosignerKey, CheckpointError> {
        check_name(name)?;
        Ok(CosignerKey {
            name: name.to_owned(),
            key_id: cosigner_key_id(name, &key.verifying_key()),
            key,
        })
    }

    /// A fresh key from the operating system's random generator.
    pub fn generate(name: &str) -> Result<CosignerKey, CheckpointError> {
        CosignerKey::new(name, SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// The cosigner's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id of its signature lines.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching verifier key, to give to those who should trust this witness.
    pub fn verifier(&self) -> CosignerVerifier {
        CosignerVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Adds this key's `cosignature/v1` line, dated `time` (seconds since the Epoch), to a
    /// checkpoint's note. A line already there from the same key is replaced; the checkpoint
    /// and the other lines are unchanged.
    pub fn cosign(
        &self,
        signed: &SignedCheckpoint,
        time: u64,
    ) -> Result<SignedCheckpoint, CheckpointError> {
        if time > MAX_COSIGNATURE_TIME {
            return Err(CheckpointError::InvalidTime);
        }
        let mut note =
            Note::from_bytes(signed.note.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        note.add_sigs(&[&V1Signer { key: self, time }])
            .map_err(|_| CheckpointError::Signing)?;
        let note =
            String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        Ok(SignedCheckpoint {
            checkpoint: signed.checkpoint.clone(),
            note,
        })
    }
}

/// Never shows the key.
impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CosignerKey")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

/// A witness's public key with its name: what clients trust to count cosignatures.
///
/// Written `<name>+<8 lowercase hex digits of key id>+<base64(0x04 || key)>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignerVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignerVerifier {
    /// Names a public key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<CosignerVerifier, CheckpointError> {
        check_name(name)?;
        Ok(CosignerVerifier {
            name: name.to_owned(),
            key_id: cosigner_key_id(name, &key),
            key,
        })
    }

    /// Parses a verifier key strictly (lowercase 8-digit key id that matches, canonical
    /// base64, a valid Ed25519 point). Its type is 0x04 (`cosignature/v1`), or 0x01: a plain
    /// Ed25519 key of the same name, as Pli's witnesses printed before they made
    /// `cosignature/v1` lines, read as the same key's `cosignature/v1` verifier (as
    /// transparency-dev/formats' `NewVerifierForCosignatureV1` does). Any other type is refused.
    pub fn parse(text: &str) -> Result<CosignerVerifier, CheckpointError> {
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
        let typed = BASE64_STANDARD
            .decode(key_base64)
            .map_err(|_| CheckpointError::MalformedKey)?;
        let (&alg, public) = typed.split_first().ok_or(CheckpointError::MalformedKey)?;
        if signed_note::key_id(name, &typed) != id {
            return Err(CheckpointError::KeyIdMismatch);
        }
        if alg != ALG_COSIGNATURE_V1 && alg != ALG_ED25519 {
            return Err(CheckpointError::UnsupportedAlgorithm(alg));
        }
        let public: [u8; 32] = public
            .try_into()
            .map_err(|_| CheckpointError::MalformedKey)?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| CheckpointError::MalformedKey)?;
        CosignerVerifier::new(name, key)
    }

    /// Whether clients can name this key when they ask for the checkpoints it cosigned: at most
    /// [`MAX_WITNESS_KEY_CHARS`] as text, and no comma in its name (keys are listed separated by
    /// commas). Servers keep, and clients trust, only such keys.
    pub fn is_listable(&self) -> bool {
        !self.name.contains(',') && self.to_string().len() <= MAX_WITNESS_KEY_CHARS
    }

    /// The cosigner's name.
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

    /// Finds this cosigner's line in a signed checkpoint note and checks it. Lines of other
    /// keys are ignored (the log's own signature is checked by [`SignedCheckpoint::open`]);
    /// the note's text must be a checkpoint. Hostile input gets an error, never a panic.
    pub fn verify(&self, note: &[u8]) -> Result<Cosignature, CheckpointError> {
        if note.len() > MAX_NOTE_BYTES {
            return Err(CheckpointError::MalformedNote);
        }
        let parsed = Note::from_bytes(note).map_err(|_| CheckpointError::MalformedNote)?;
        let text =
            std::str::from_utf8(parsed.text()).map_err(|_| CheckpointError::MalformedNote)?;
        Checkpoint::from_text(text)?;
        let verifiers = VerifierList::new(vec![Box::new(V1Verifier(self.clone()))]);
        let verified = match parsed.verify(&verifiers) {
            Ok((verified, _)) => verified,
            Err(NoteError::UnverifiedNote) => {
                return Err(CheckpointError::NotSigned(self.to_string()));
            }
            Err(NoteError::InvalidSignature { .. }) => {
                return Err(CheckpointError::BadSignature(self.to_string()));
            }
            Err(_) => return Err(CheckpointError::MalformedNote),
        };
        let signature = verified
            .first()
            .ok_or_else(|| CheckpointError::NotSigned(self.to_string()))?;
        let time = timestamp(signature.signature()).ok_or(CheckpointError::MalformedNote)?;
        let line = String::from_utf8(signature.to_bytes())
            .map_err(|_| CheckpointError::MalformedNote)?
            .trim_end_matches('\n')
            .to_owned();
        Ok(Cosignature { time, line })
    }
}

impl fmt::Display for CosignerVerifier {
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

impl FromStr for CosignerVerifier {
    type Err = CheckpointError;

    fn from_str(text: &str) -> Result<CosignerVerifier, CheckpointError> {
        CosignerVerifier::parse(text)
    }
}

/// A verified `cosignature/v1` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    time: u64,
    line: String,
}

impl Cosignature {
    /// When the witness cosigned, in seconds since the Epoch (as the witness's clock said).
    pub fn time(&self) -> u64 {
        self.time
    }

    /// The signature line, without its newline.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// Whether the cosignature is dated more than [`MAX_COSIGNATURE_CLOCK_SKEW`] after `now`
    /// (seconds since the Epoch): such a line could be kept to look fresh later.
    pub fn is_from_the_future(&self, now: u64) -> bool {
        self.time > now.saturating_add(MAX_COSIGNATURE_CLOCK_SKEW)
    }
}

fn typed_key(key: &VerifyingKey) -> [u8; 33] {
    let mut typed = [0u8; 33];
    typed[0] = ALG_COSIGNATURE_V1;
    typed[1..].copy_from_slice(key.as_bytes());
    typed
}

/// The time of a timestamped signature, if it is one.
fn timestamp(signature: &[u8]) -> Option<u64> {
    if signature.len() != TIMESTAMPED_SIGNATURE_BYTES {
        return None;
    }
    let time = u64::from_be_bytes(signature.get(..8)?.try_into().ok()?);
    (time <= MAX_COSIGNATURE_TIME).then_some(time)
}

struct V1Signer<'a> {
    key: &'a CosignerKey,
    time: u64,
}

impl signed_note::Signer for V1Signer<'_> {
    fn name(&self) -> &str {
        &self.key.name
    }

    fn key_id(&self) -> u32 {
        self.key.key_id
    }

    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        let signature = self.key.key.try_sign(&message(text, self.time))?;
        let mut timestamped = Vec::with_capacity(TIMESTAMPED_SIGNATURE_BYTES);
        timestamped.extend_from_slice(&self.time.to_be_bytes());
        timestamped.extend_from_slice(&signature.to_bytes());
        Ok(timestamped)
    }
}

struct V1Verifier(CosignerVerifier);

impl signed_note::Verifier for V1Verifier {
    fn name(&self) -> &str {
        &self.0.name
    }

    fn key_id(&self) -> u32 {
        self.0.key_id
    }

    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        let Some(time) = timestamp(signature) else {
            return false;
        };
        let Some(Ok(signature)) = signature.get(8..).map(ed25519_dalek::Signature::from_slice)
        else {
            return false;
        };
        // Strict verification also refuses weak keys and non-canonical signatures.
        self.0
            .key
            .verify_strict(&message(text, time), &signature)
            .is_ok()
    }
}
