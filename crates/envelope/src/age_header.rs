//! The age v1 header (C2SP age spec, "Header"): version line, recipient stanzas, MAC.
//!
//! Parsing is strict: every rule of the spec is enforced, canonical base64 only, so that one
//! file has one meaning.

use std::io::Read;

use age_core::format::Stanza;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::EnvelopeError;

const VERSION_LINE: &[u8] = b"age-encryption.org/v1";
const STANZA_PREFIX: &[u8] = b"-> ";
const MAC_PREFIX: &[u8] = b"---";
/// Columns of a full stanza body line.
const BODY_COLUMNS: usize = 64;
/// Upper bound of a header, far above any real one (a stanza per recipient is ~100 bytes).
pub(crate) const MAX_HEADER_BYTES: usize = 1024 * 1024;
const SCRYPT_TAG: &str = "scrypt";

/// A parsed header.
pub(crate) struct Header {
    pub(crate) stanzas: Vec<Stanza>,
    /// The header bytes the MAC covers: everything up to and including `---`.
    mac_input: Vec<u8>,
    mac: [u8; 32],
}

/// A header as read from the input, with the bytes read past its end.
pub(crate) struct ParsedHeader {
    pub(crate) header: Header,
    pub(crate) rest: Vec<u8>,
}

/// Reads and parses a header from `input`, reading ahead in blocks.
pub(crate) fn read_header(input: &mut dyn Read) -> Result<ParsedHeader, EnvelopeError> {
    let mut lines = Lines {
        input,
        data: Vec::new(),
        position: 0,
        eof: false,
    };

    let version = lines.next()?;
    if lines.get(version) != VERSION_LINE {
        return Err(format_error("not an age v1 file (unknown version line)"));
    }

    let mut stanzas = Vec::new();
    let mac_line = loop {
        let line = lines.next()?;
        let bytes = lines.get(line);
        if let Some(arguments) = bytes.strip_prefix(STANZA_PREFIX) {
            let (tag, args) = parse_arguments(arguments)?;
            let mut encoded = Vec::new();
            loop {
                let body_line = lines.next()?;
                let body = lines.get(body_line);
                if body.len() > BODY_COLUMNS || !body.iter().all(|b| is_base64_char(*b)) {
                    return Err(format_error("invalid stanza body line"));
                }
                encoded.extend_from_slice(body);
                if body.len() < BODY_COLUMNS {
                    break;
                }
            }
            let body = STANDARD_NO_PAD
                .decode(&encoded)
                .map_err(|_| format_error("stanza body is not canonical base64"))?;
            stanzas.push(Stanza { tag, args, body });
        } else if bytes.starts_with(MAC_PREFIX) {
            break line;
        } else {
            return Err(format_error(
                "expected a recipient stanza or the header MAC",
            ));
        }
    };

    let mac_bytes = lines.get(mac_line);
    let encoded_mac = mac_bytes
        .strip_prefix(b"--- ")
        .ok_or_else(|| format_error("malformed header MAC line"))?;
    let mac: [u8; 32] = (encoded_mac.len() == 43)
        .then(|| STANDARD_NO_PAD.decode(encoded_mac).ok())
        .flatten()
        .and_then(|mac| mac.try_into().ok())
        .ok_or_else(|| format_error("malformed header MAC"))?;

    if stanzas.is_empty() {
        return Err(format_error("the header has no recipient stanza"));
    }
    if stanzas.iter().any(|stanza| stanza.tag == SCRYPT_TAG) && stanzas.len() != 1 {
        return Err(format_error("an scrypt stanza must be alone in the header"));
    }

    let mac_input = lines.data[..mac_line.0 + MAC_PREFIX.len()].to_vec();
    let rest = lines.data[lines.position..].to_vec();
    Ok(ParsedHeader {
        header: Header {
            stanzas,
            mac_input,
            mac,
        },
        rest,
    })
}

impl Header {
    /// Checks the header MAC with the unwrapped file key. Constant time.
    pub(crate) fn verify_mac(&self, file_key: &[u8; 16]) -> Result<(), EnvelopeError> {
        let mut mac = header_mac(file_key)?;
        mac.update(&self.mac_input);
        mac.verify_slice(&self.mac)
            .map_err(|_| EnvelopeError::Decryption)
    }
}

/// Serialises a header for `stanzas`, MAC'd with `file_key`.
pub(crate) fn write_header(
    stanzas: &[Stanza],
    file_key: &[u8; 16],
) -> Result<Vec<u8>, EnvelopeError> {
    let mut out = Vec::with_capacity(64 + 100 * stanzas.len());
    out.extend_from_slice(VERSION_LINE);
    out.push(b'\n');
    for stanza in stanzas {
        out.extend_from_slice(STANZA_PREFIX);
        out.extend_from_slice(stanza.tag.as_bytes());
        for arg in &stanza.args {
            out.push(b' ');
            out.extend_from_slice(arg.as_bytes());
        }
        out.push(b'\n');
        let encoded = STANDARD_NO_PAD.encode(&stanza.body);
        let mut lines = encoded.as_bytes().chunks(BODY_COLUMNS);
        // A body ends with a line shorter than 64 columns, empty if need be.
        let mut last_full = true;
        for line in lines.by_ref() {
            out.extend_from_slice(line);
            out.push(b'\n');
            last_full = line.len() == BODY_COLUMNS;
        }
        if last_full {
            out.push(b'\n');
        }
    }
    out.extend_from_slice(MAC_PREFIX);
    let mut mac = header_mac(file_key)?;
    mac.update(&out);
    let tag = mac.finalize().into_bytes();
    out.push(b' ');
    out.extend_from_slice(STANDARD_NO_PAD.encode(tag).as_bytes());
    out.push(b'\n');
    Ok(out)
}

/// Size in bytes of the header [`write_header`] produces for `n` X25519 stanzas.
pub(crate) fn x25519_header_len(n_stanzas: u64) -> u64 {
    // "-> X25519 " + 43 base64 + "\n" + 43 base64 + "\n"
    let stanza = 10 + 43 + 1 + 43 + 1;
    (VERSION_LINE.len() as u64 + 1) + n_stanzas * stanza + (4 + 43 + 1)
}

fn header_mac(file_key: &[u8; 16]) -> Result<Hmac<Sha256>, EnvelopeError> {
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, file_key)
        .expand(b"header", key.as_mut())
        .map_err(|_| EnvelopeError::Decryption)?;
    Hmac::<Sha256>::new_from_slice(key.as_ref()).map_err(|_| EnvelopeError::Decryption)
}

fn parse_arguments(arguments: &[u8]) -> Result<(String, Vec<String>), EnvelopeError> {
    let mut parts = Vec::new();
    for part in arguments.split(|b| *b == b' ') {
        // Arguments are 1*VCHAR: no empty argument, so no double or trailing space.
        if part.is_empty() || !part.iter().all(|b| (0x21..=0x7e).contains(b)) {
            return Err(format_error("invalid recipient stanza argument"));
        }
        parts.push(String::from_utf8_lossy(part).into_owned());
    }
    let mut parts = parts.into_iter();
    let tag = parts
        .next()
        .ok_or_else(|| format_error("recipient stanza without a type"))?;
    Ok((tag, parts.collect()))
}

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

fn format_error(what: &str) -> EnvelopeError {
    EnvelopeError::Format(what.to_string())
}

/// Splits the input into `\n`-terminated lines, reading more as needed, bounded by
/// [`MAX_HEADER_BYTES`].
struct Lines<'a> {
    input: &'a mut dyn Read,
    data: Vec<u8>,
    position: usize,
    eof: bool,
}

impl Lines<'_> {
    /// The next line as (start, end) offsets, without its `\n`.
    fn next(&mut self) -> Result<(usize, usize), EnvelopeError> {
        let mut searched = self.position;
        loop {
            if let Some(offset) = self.data[searched..].iter().position(|b| *b == b'\n') {
                let start = self.position;
                let end = searched + offset;
                self.position = end + 1;
                return Ok((start, end));
            }
            searched = self.data.len();
            if self.eof {
                return Err(format_error("the header ends unexpectedly"));
            }
            if self.data.len() >= MAX_HEADER_BYTES {
                return Err(format_error("the header is too large"));
            }
            let old_len = self.data.len();
            let want = 4096.min(MAX_HEADER_BYTES - old_len);
            self.data.resize(old_len + want, 0);
            let n = crate::stream::read_full(self.input, &mut self.data[old_len..])?;
            self.data.truncate(old_len + n);
            self.eof = n < want;
        }
    }

    fn get(&self, (start, end): (usize, usize)) -> &[u8] {
        &self.data[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stanza(tag: &str, args: &[&str], body_len: usize) -> Stanza {
        Stanza {
            tag: tag.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            body: vec![0x5a; body_len],
        }
    }

    #[test]
    fn written_headers_parse_back_and_authenticate() {
        let key = [4u8; 16];
        // 48 body bytes encode to exactly 64 columns: an empty final line must follow.
        for body_len in [0, 1, 32, 47, 48, 49, 96] {
            let stanzas = vec![
                stanza("X25519", &["abc"], body_len),
                stanza("other", &[], 5),
            ];
            let mut bytes = write_header(&stanzas, &key).unwrap();
            bytes.extend_from_slice(b"payload");
            let parsed = read_header(&mut &bytes[..]).unwrap();
            assert_eq!(parsed.header.stanzas, stanzas);
            assert_eq!(parsed.rest, b"payload");
            parsed.header.verify_mac(&key).unwrap();
            assert!(parsed.header.verify_mac(&[5u8; 16]).is_err());
        }
    }

    #[test]
    fn x25519_header_length_is_exact() {
        let stanzas: Vec<_> = (0..3)
            .map(|_| stanza("X25519", &[&"A".repeat(43)], 32))
            .collect();
        let bytes = write_header(&stanzas, &[0; 16]).unwrap();
        assert_eq!(bytes.len() as u64, x25519_header_len(3));
    }

    #[test]
    fn rejects_oversized_headers() {
        let mut bytes = b"age-encryption.org/v1\n".to_vec();
        while bytes.len() <= MAX_HEADER_BYTES {
            bytes.extend_from_slice(b"-> x\n\n");
        }
        assert!(matches!(
            read_header(&mut &bytes[..]),
            Err(EnvelopeError::Format(_))
        ));
    }
}
