//! Plain age v1 files: the layer under the envelope, exposed for test vectors and tools.
//!
//! The header is parsed and written here; recipient stanzas are wrapped and unwrapped by the
//! `age` crate's recipient and identity types; the payload is [`PayloadReader`] /
//! [`PayloadWriter`].

use std::collections::HashSet;
use std::io::{self, Read, Write};

use age::secrecy::ExposeSecret;
use age_core::format::FileKey;
use rand::RngCore;
use rand::rngs::OsRng;

use crate::EnvelopeError;
use crate::age_header::{read_header, write_header};
use crate::stream::{PAYLOAD_NONCE_SIZE, read_full};
pub use crate::stream::{PayloadReader, PayloadWriter};
pub use age_core::format::Stanza;

/// The input after the header: the bytes read ahead while parsing it, then the rest.
pub struct Remaining<R: Read> {
    ahead: Vec<u8>,
    position: usize,
    input: R,
}

impl<R: Read> Read for Remaining<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position < self.ahead.len() {
            let n = buf.len().min(self.ahead.len() - self.position);
            buf[..n].copy_from_slice(&self.ahead[self.position..self.position + n]);
            self.position += n;
            return Ok(n);
        }
        self.input.read(buf)
    }
}

/// Opens an age file with the first identity that unwraps a stanza, verifies the header MAC
/// and returns a reader of the authenticated payload.
///
/// Errors: [`EnvelopeError::Format`] for a malformed header or stanza,
/// [`EnvelopeError::Decryption`] when no identity matches or the MAC is wrong (the payload's
/// own failures surface while reading).
pub fn decrypt<R: Read>(
    mut input: R,
    identities: &[&dyn age::Identity],
) -> Result<PayloadReader<Remaining<R>>, EnvelopeError> {
    let parsed = read_header(&mut input)?;
    let header = parsed.header;
    let file_key = identities
        .iter()
        .find_map(|identity| identity.unwrap_stanzas(&header.stanzas))
        .ok_or(EnvelopeError::Decryption)?
        .map_err(|err| match err {
            age::DecryptError::InvalidHeader => {
                EnvelopeError::Format("invalid recipient stanza".into())
            }
            age::DecryptError::ExcessiveWork { .. } => {
                EnvelopeError::Format("the scrypt work factor is too high".into())
            }
            age::DecryptError::Io(err) => EnvelopeError::Io(err),
            _ => EnvelopeError::Decryption,
        })?;
    header.verify_mac(file_key.expose_secret())?;

    let mut remaining = Remaining {
        ahead: parsed.rest,
        position: 0,
        input,
    };
    let mut nonce = [0u8; PAYLOAD_NONCE_SIZE];
    if read_full(&mut remaining, &mut nonce)? != PAYLOAD_NONCE_SIZE {
        return Err(EnvelopeError::Format("the payload nonce is missing".into()));
    }
    PayloadReader::new(remaining, file_key.expose_secret(), &nonce)
}

/// Parses an age header and returns its recipient stanzas, without unwrapping or checking the
/// MAC (for tools that inspect a file, and for fuzzing the parser).
pub fn read_stanzas(input: &mut dyn Read) -> Result<Vec<Stanza>, EnvelopeError> {
    Ok(read_header(input)?.header.stanzas)
}

/// Starts an age file for `recipients`: writes the header and payload nonce to `out` and
/// returns the payload writer. Call [`PayloadWriter::finish`] at the end.
pub fn encrypt<W: Write>(
    recipients: &[&dyn age::Recipient],
    out: W,
) -> Result<PayloadWriter<W>, EnvelopeError> {
    encrypt_prepared(&Prepared::new(recipients)?, out)
}

/// The random parts of one age file, drawn once: its file key, its header (the file key
/// wrapped to each recipient, and the header MAC) and its payload nonce. Encrypting the same
/// plaintext again with [`encrypt_prepared`] gives the very same bytes, so an upload can resume
/// without the ciphertext having been kept anywhere.
///
/// The same `Prepared` must never encrypt a different plaintext: both would share one
/// keystream. No `Debug`: it holds the file key, which is zeroized on drop.
pub struct Prepared {
    file_key: FileKey,
    header: Vec<u8>,
    nonce: [u8; PAYLOAD_NONCE_SIZE],
}

impl Prepared {
    /// Draws a file key and a nonce and wraps the key to `recipients`.
    pub fn new(recipients: &[&dyn age::Recipient]) -> Result<Prepared, EnvelopeError> {
        if recipients.is_empty() {
            return Err(EnvelopeError::NoRecipients);
        }
        let file_key = FileKey::init_with_mut(|key| OsRng.fill_bytes(key));
        let mut stanzas = Vec::new();
        let mut labels: Option<HashSet<String>> = None;
        for recipient in recipients {
            let (mut wrapped, recipient_labels) = recipient
                .wrap_file_key(&file_key)
                .map_err(|_| io::Error::other("wrapping the file key failed"))?;
            // Same rule as age: recipients may be combined only if their labels agree.
            match &labels {
                Some(labels) if *labels != recipient_labels => {
                    return Err(EnvelopeError::Format("incompatible recipient types".into()));
                }
                Some(_) => {}
                None => labels = Some(recipient_labels),
            }
            stanzas.append(&mut wrapped);
        }
        let header = write_header(&stanzas, file_key.expose_secret())?;
        let mut nonce = [0u8; PAYLOAD_NONCE_SIZE];
        OsRng.fill_bytes(&mut nonce);
        Ok(Prepared {
            file_key,
            header,
            nonce,
        })
    }
}

/// [`encrypt`] with the file key, header and nonce of `prepared`.
pub fn encrypt_prepared<W: Write>(
    prepared: &Prepared,
    mut out: W,
) -> Result<PayloadWriter<W>, EnvelopeError> {
    out.write_all(&prepared.header)?;
    out.write_all(&prepared.nonce)?;
    PayloadWriter::new(out, prepared.file_key.expose_secret(), &prepared.nonce)
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::x25519;

    #[test]
    fn round_trip_and_wrong_identity() {
        let identity = x25519::Identity::generate();
        let other = x25519::Identity::generate();
        let recipient = identity.to_public();
        let mut writer = encrypt(&[&recipient], Vec::new()).unwrap();
        writer.write_all(b"some plaintext").unwrap();
        let file = writer.finish().unwrap();

        let mut reader = decrypt(&file[..], &[&other, &identity]).unwrap();
        let mut plaintext = Vec::new();
        reader.read_to_end(&mut plaintext).unwrap();
        assert_eq!(plaintext, b"some plaintext");

        assert!(matches!(
            decrypt(&file[..], &[&other]),
            Err(EnvelopeError::Decryption)
        ));
    }

    #[test]
    fn a_prepared_file_encrypts_to_the_same_bytes_again() {
        let identity = x25519::Identity::generate();
        let recipient = identity.to_public();
        let prepared = Prepared::new(&[&recipient]).unwrap();
        let plaintext = vec![7u8; 200_000];
        let seal = |prepared: &Prepared| {
            let mut writer = encrypt_prepared(prepared, Vec::new()).unwrap();
            writer.write_all(&plaintext).unwrap();
            writer.finish().unwrap()
        };
        let first = seal(&prepared);
        assert!(seal(&prepared) == first);
        assert!(seal(&Prepared::new(&[&recipient]).unwrap()) != first);
        let mut opened = Vec::new();
        decrypt(&first[..], &[&identity])
            .unwrap()
            .read_to_end(&mut opened)
            .unwrap();
        assert!(opened == plaintext);
    }
}
