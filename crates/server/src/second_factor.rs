//! The TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) and its one-time
//! recovery codes.
//!
//! The secret is made on the server (TOTP is a shared secret either way), shown once at
//! enrolment, and stored sealed with ChaCha20-Poly1305 under a key derived from `server.key`,
//! bound to the account's id, so a copy of the database alone does not give the codes.
//! Recovery codes are 100-bit random codes stored as SHA-256.

use crate::auth::{new_invitation_code, normalize_code, sha256};
use crate::state::ServerKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use pli_store::{Id, Timestamp};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

/// Length of a TOTP step, in seconds.
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Recovery codes given at enrolment.
pub const N_RECOVERY_CODES: usize = 10;
/// Bytes of a secret: 160 bits, as RFC 4226 recommends.
const SECRET_LEN: usize = 20;
const NONCE_LEN: usize = 12;
const SEAL_INFO: &[u8] = b"pli totp secret v1";
const ISSUER: &str = "Pli";

/// A fresh secret (raw bytes).
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut secret = Zeroizing::new(vec![0u8; SECRET_LEN]);
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret in base32 (no padding), as authenticator apps take it.
pub fn base32(secret: &[u8]) -> String {
    match Secret::Raw(secret.to_vec()).to_encoded() {
        Secret::Encoded(text) => text.trim_end_matches('=').to_owned(),
        Secret::Raw(_) => String::new(),
    }
}

/// The `otpauth://` URI of a secret for `email`.
pub fn otpauth_uri(secret: &[u8], email: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{}?secret={}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent_encode(email),
        base32(secret)
    )
}

/// Seals a secret for storage, bound to the account.
pub fn seal(server_key: &ServerKey, account_id: Id, secret: &[u8]) -> Option<Vec<u8>> {
    let cipher = cipher(server_key)?;
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: account_id.as_bytes(),
            },
        )
        .ok()?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Some(out)
}

/// Opens a sealed secret; `None` if it was not sealed for this account with this key.
pub fn open(server_key: &ServerKey, account_id: Id, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = cipher(server_key)?;
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: account_id.as_bytes(),
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// The time step of `code` if it is the code of the step of `now`, the one before or the one
/// after (clock drift), else `None`. Compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, now: Timestamp) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS as u64,
        secret.to_vec(),
    );
    let current = now.div_euclid(STEP_SECS);
    let mut found = None;
    for step in [current - 1, current, current + 1] {
        let Ok(time) = u64::try_from(step * STEP_SECS) else {
            continue;
        };
        let expected = totp.generate(time);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

/// Whether `text` has the shape of a 6-digit code (rather than a recovery code).
pub fn looks_like_totp(text: &str) -> bool {
    let text = text.trim();
    text.len() == DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// New recovery codes, shown once, grouped by five for reading (`XXXXX-XXXXX-XXXXX-XXXXX`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..N_RECOVERY_CODES)
        .map(|_| {
            let code = new_invitation_code();
            code.as_bytes()
                .chunks(5)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// SHA-256 of a recovery code as typed (case, dashes and look-alike letters do not matter);
/// `None` if it cannot be one.
pub fn recovery_hash(text: &str) -> Option<[u8; 32]> {
    normalize_code(text).map(|code| sha256(code.as_bytes()))
}

fn cipher(server_key: &ServerKey) -> Option<ChaCha20Poly1305> {
    let hkdf = Hkdf::<Sha256>::new(None, server_key.as_bytes());
    let mut key = Zeroizing::new([0u8; 32]);
    hkdf.expand(SEAL_INFO, &mut key[..]).ok()?;
    ChaCha20Poly1305::new_from_slice(&key[..]).ok()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_and_neighbours_only() {
        let secret = new_secret();
        let now = 1_750_000_015;
        let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, secret.to_vec());
        let step = now / 30;
        for (offset, expected) in [(-1, true), (0, true), (1, true), (-2, false), (2, false)] {
            let code = totp.generate(u64::try_from((step + offset) * 30).unwrap());
            let found = matching_step(&secret, &code, now);
            assert_eq!(found.is_some(), expected, "offset {offset}");
            if expected {
                assert_eq!(found, Some(step + offset));
            }
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59: 94287082 (8 digits); 6 digits: 287082.
        let secret = b"12345678901234567890";
        assert_eq!(matching_step(secret, "287082", 59), Some(1));
    }

    #[test]
    fn sealed_secrets_open_only_for_their_account() {
        let key = ServerKey::from_bytes([9; 32]);
        let secret = new_secret();
        let account = Id::random();
        let sealed = seal(&key, account, &secret).unwrap();
        assert_ne!(
            &sealed[NONCE_LEN..NONCE_LEN + SECRET_LEN],
            secret.as_slice()
        );
        assert_eq!(
            open(&key, account, &sealed).unwrap().as_slice(),
            secret.as_slice()
        );
        assert!(open(&key, Id::random(), &sealed).is_none());
        assert!(open(&ServerKey::from_bytes([8; 32]), account, &sealed).is_none());
        assert!(open(&key, account, &sealed[..5]).is_none());
    }

    #[test]
    fn recovery_codes_hash_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), N_RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 23);
        assert_eq!(
            recovery_hash(code),
            recovery_hash(&code.to_lowercase().replace('-', ""))
        );
        assert_ne!(recovery_hash(code), recovery_hash(&codes[1]));
        assert_eq!(recovery_hash("123456"), None);
    }

    #[test]
    fn uri_names_the_account_and_the_parameters() {
        let uri = otpauth_uri(&[0u8; 20], "a.b@chu.fr");
        assert_eq!(
            uri,
            "otpauth://totp/Pli:a.b%40chu.fr?secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&issuer=Pli&algorithm=SHA1&digits=6&period=30"
        );
    }
}
