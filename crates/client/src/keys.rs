//! Password derivation and the wrapping of an account's private keys.
//!
//! The password never leaves this machine. Argon2id turns it into a 32-byte master secret, and
//! HKDF-SHA256 splits that into an authentication key (sent to the server, which hashes it
//! again) and a wrapping key (never sent) under which the account's private keys are sealed with
//! XChaCha20-Poly1305. The server thus stores keys it cannot open, and learns nothing from which
//! the wrapping key derives.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use pli_envelope::{Identity, SigningKey};
use pli_proto::{KdfParams, PublicKeys};
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The Argon2id cost this client uses for new accounts, and the lowest it accepts from a server.
///
/// A hostile server answering a prelogin with a cheaper cost would get an authentication key it
/// could brute-force offline; refusing anything below this floor closes that door.
pub const KDF_FLOOR: KdfParams = KdfParams {
    m_kib: 19_456,
    t: 2,
    p: 1,
};

/// The highest cost accepted from a server, so that a hostile answer cannot exhaust the
/// client's memory or time either.
pub const KDF_CEILING: KdfParams = KdfParams {
    m_kib: 4 * 1024 * 1024,
    t: 64,
    p: 16,
};

/// Length of the Argon2id salt, in bytes.
pub const SALT_LEN: usize = 16;

const AUTH_INFO: &[u8] = b"pli v1 auth";
const WRAP_INFO: &[u8] = b"pli v1 wrap";
const WRAP_AAD_PREFIX: &[u8] = b"pli v1 keys\0";
const NONCE_LEN: usize = 24;
const KEYS_VERSION: u8 = 1;

/// Errors of deriving keys from a password and of wrapping or unwrapping private keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The server asked for a derivation cost below [`KDF_FLOOR`] or above [`KDF_CEILING`].
    #[error(
        "the server asked for password derivation parameters outside the accepted range \
         (m_kib {m_kib}, t {t}, p {p}; at least m_kib {}, t {}, p {} is required): \
         the server may be misconfigured or hostile",
        KDF_FLOOR.m_kib,
        KDF_FLOOR.t,
        KDF_FLOOR.p
    )]
    WeakParams { m_kib: u32, t: u32, p: u32 },
    /// The salt is not [`SALT_LEN`] bytes of unpadded base64url.
    #[error("the password salt is invalid (expected {SALT_LEN} bytes of unpadded base64url)")]
    BadSalt,
    /// Argon2 refused the parameters.
    #[error("password derivation failed: {0}")]
    Derivation(String),
    /// The wrapped keys did not authenticate: a wrong password, or altered data.
    #[error("wrong password (or the stored keys were altered)")]
    WrongPassword,
    /// The wrapped keys are not in a format this client knows.
    #[error("the stored keys are malformed: {0}")]
    Malformed(&'static str),
    /// The unwrapped keys are not the ones the account publishes.
    #[error("the account's keys do not match its published public keys")]
    KeyMismatch,
}

/// Checks a server-supplied cost against [`KDF_FLOOR`] and [`KDF_CEILING`].
pub fn check_params(params: &KdfParams) -> Result<(), KeyError> {
    let in_range = params.m_kib >= KDF_FLOOR.m_kib
        && params.t >= KDF_FLOOR.t
        && params.p >= KDF_FLOOR.p
        && params.m_kib <= KDF_CEILING.m_kib
        && params.t <= KDF_CEILING.t
        && params.p <= KDF_CEILING.p;
    if in_range {
        Ok(())
    } else {
        Err(KeyError::WeakParams {
            m_kib: params.m_kib,
            t: params.t,
            p: params.p,
        })
    }
}

/// A fresh random salt for a new account.
pub fn random_salt() -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    salt
}

/// Decodes a salt from unpadded base64url, refusing any length but [`SALT_LEN`].
pub fn decode_salt(text: &str) -> Result<[u8; SALT_LEN], KeyError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| KeyError::BadSalt)?;
    bytes.try_into().map_err(|_| KeyError::BadSalt)
}

/// Encodes bytes as unpadded base64url, the encoding of every binary field on the wire.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The two halves of a password derivation.
pub struct DerivedKeys {
    auth_key: SecretBox<[u8; 32]>,
    wrap_key: SecretBox<[u8; 32]>,
}

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKeys([redacted])")
    }
}

impl DerivedKeys {
    /// The authentication key as sent to the server: unpadded base64url.
    pub fn auth_key_b64(&self) -> SecretString {
        SecretString::from(b64(self.auth_key.expose_secret()))
    }

    /// Seals `keys` under the wrapping key, bound to `email`.
    ///
    /// Output: a 24-byte random nonce followed by the ciphertext, in unpadded base64url.
    pub fn wrap(&self, keys: &AccountKeys, email: &str) -> Result<String, KeyError> {
        let cipher = XChaCha20Poly1305::new(self.wrap_key.expose_secret().into());
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let plaintext = keys.serialize();
        let aad = wrap_aad(email);
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_slice(),
                    aad: &aad,
                },
            )
            .map_err(|_| KeyError::Derivation("encryption of the keys failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(b64(&out))
    }

    /// Opens wrapped keys made by [`DerivedKeys::wrap`] for the same `email`.
    pub fn unwrap(&self, wrapped: &str, email: &str) -> Result<AccountKeys, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(wrapped)
            .map_err(|_| KeyError::Malformed("not unpadded base64url"))?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(KeyError::Malformed("too short"));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.wrap_key.expose_secret().into());
        let aad = wrap_aad(email);
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: &aad,
                    },
                )
                .map_err(|_| KeyError::WrongPassword)?,
        );
        AccountKeys::deserialize(&plaintext)
    }
}

/// Derives the authentication and wrapping keys from a password.
///
/// Refuses parameters outside [`KDF_FLOOR`]..=[`KDF_CEILING`] before spending any work.
pub fn derive(
    password: &SecretString,
    salt: &[u8; SALT_LEN],
    params: &KdfParams,
) -> Result<DerivedKeys, KeyError> {
    check_params(params)?;
    let argon_params = Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|error| KeyError::Derivation(error.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut master = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.expose_secret().as_bytes(), salt, master.as_mut())
        .map_err(|error| KeyError::Derivation(error.to_string()))?;
    let hkdf = Hkdf::<Sha256>::new(None, master.as_ref());
    let mut auth_key = Box::new([0u8; 32]);
    let mut wrap_key = Box::new([0u8; 32]);
    hkdf.expand(AUTH_INFO, auth_key.as_mut())
        .map_err(|_| KeyError::Derivation("hkdf expansion failed".into()))?;
    hkdf.expand(WRAP_INFO, wrap_key.as_mut())
        .map_err(|_| KeyError::Derivation("hkdf expansion failed".into()))?;
    Ok(DerivedKeys {
        auth_key: SecretBox::new(auth_key),
        wrap_key: SecretBox::new(wrap_key),
    })
}

/// An account's private keys: the age X25519 identity (decryption) and the Ed25519 signing key.
///
/// Lives only in memory; on disk and on the server it exists only wrapped.
pub struct AccountKeys {
    identity: Identity,
    signing_key: SigningKey,
}

impl fmt::Debug for AccountKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountKeys")
            .field("age_recipient", &self.identity.to_public().to_string())
            .finish_non_exhaustive()
    }
}

impl AccountKeys {
    /// Fresh keys from the operating system's random generator.
    pub fn generate() -> AccountKeys {
        AccountKeys {
            identity: Identity::generate(),
            signing_key: SigningKey::generate(&mut OsRng),
        }
    }

    /// The age identity, for decrypting envelopes.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The Ed25519 key, for signing manifests.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The age identity as `AGE-SECRET-KEY-1...`, the format the `age` tool reads.
    pub fn age_secret(&self) -> SecretString {
        self.identity.to_string()
    }

    /// The public halves, as registered in the directory.
    pub fn public_keys(&self) -> PublicKeys {
        PublicKeys {
            age_recipient: self.identity.to_public().to_string(),
            signing_key: b64(self.signing_key.verifying_key().as_bytes()),
        }
    }

    /// Fails with [`KeyError::KeyMismatch`] unless these keys are the ones `public` describes.
    pub fn check_matches(&self, public: &PublicKeys) -> Result<(), KeyError> {
        if self.public_keys() == *public {
            Ok(())
        } else {
            Err(KeyError::KeyMismatch)
        }
    }

    /// Version 1: `0x01 || Ed25519 seed (32 bytes) || age identity (ASCII bech32)`.
    fn serialize(&self) -> Zeroizing<Vec<u8>> {
        let age_secret = self.identity.to_string();
        let mut out = Zeroizing::new(Vec::with_capacity(1 + 32 + 80));
        out.push(KEYS_VERSION);
        out.extend_from_slice(self.signing_key.as_bytes());
        out.extend_from_slice(age_secret.expose_secret().as_bytes());
        out
    }

    fn deserialize(bytes: &[u8]) -> Result<AccountKeys, KeyError> {
        let (&version, rest) = bytes.split_first().ok_or(KeyError::Malformed("empty"))?;
        if version != KEYS_VERSION {
            return Err(KeyError::Malformed("unknown version"));
        }
        if rest.len() <= 32 {
            return Err(KeyError::Malformed("too short"));
        }
        let (seed, age_secret) = rest.split_at(32);
        let mut seed_array = Zeroizing::new([0u8; 32]);
        seed_array.copy_from_slice(seed);
        let signing_key = SigningKey::from_bytes(&seed_array);
        let age_secret =
            std::str::from_utf8(age_secret).map_err(|_| KeyError::Malformed("age identity"))?;
        let identity = age_secret
            .parse::<Identity>()
            .map_err(|_| KeyError::Malformed("age identity"))?;
        Ok(AccountKeys {
            identity,
            signing_key,
        })
    }
}

fn wrap_aad(email: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(WRAP_AAD_PREFIX.len() + email.len());
    aad.extend_from_slice(WRAP_AAD_PREFIX);
    aad.extend_from_slice(email.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    fn derive_fixed(text: &str) -> DerivedKeys {
        derive(&password(text), &[7u8; SALT_LEN], &KDF_FLOOR).unwrap()
    }

    #[test]
    fn known_password_and_salt_give_known_auth_key() {
        // Pinned so that every client, whatever its version or language, derives the same
        // authentication key; changing it would lock every existing account out. The value was
        // computed independently with Python's `cryptography` (Argon2id, then HKDF-SHA256).
        let keys = derive_fixed("correct horse battery staple");
        assert_eq!(
            keys.auth_key_b64().expose_secret(),
            "lglYrw3ikU1FkXgLoovB0xWBW_zTj4Nc-9xTpXjrQ-s"
        );
    }

    #[test]
    fn auth_and_wrap_keys_differ() {
        let keys = derive_fixed("pw");
        assert_ne!(keys.auth_key.expose_secret(), keys.wrap_key.expose_secret());
    }

    #[test]
    fn different_salts_give_different_keys() {
        let a = derive(&password("pw"), &[1u8; SALT_LEN], &KDF_FLOOR).unwrap();
        let b = derive(&password("pw"), &[2u8; SALT_LEN], &KDF_FLOOR).unwrap();
        assert_ne!(
            a.auth_key_b64().expose_secret(),
            b.auth_key_b64().expose_secret()
        );
    }

    #[test]
    fn wrap_unwrap_round_trip() {
        let derived = derive_fixed("pw");
        let keys = AccountKeys::generate();
        let wrapped = derived.wrap(&keys, "a@example.org").unwrap();
        let unwrapped = derived.unwrap(&wrapped, "a@example.org").unwrap();
        assert_eq!(unwrapped.public_keys(), keys.public_keys());
        assert_eq!(
            unwrapped.age_secret().expose_secret(),
            keys.age_secret().expose_secret()
        );
        assert_eq!(
            unwrapped.signing_key().to_bytes(),
            keys.signing_key().to_bytes()
        );
        unwrapped.check_matches(&keys.public_keys()).unwrap();
    }

    #[test]
    fn wrong_password_fails() {
        let keys = AccountKeys::generate();
        let wrapped = derive_fixed("right").wrap(&keys, "a@example.org").unwrap();
        let error = derive_fixed("wrong")
            .unwrap(&wrapped, "a@example.org")
            .unwrap_err();
        assert!(matches!(error, KeyError::WrongPassword), "{error:?}");
        assert!(error.to_string().starts_with("wrong password"));
    }

    #[test]
    fn wrapped_keys_are_bound_to_the_email() {
        let derived = derive_fixed("pw");
        let wrapped = derived
            .wrap(&AccountKeys::generate(), "a@example.org")
            .unwrap();
        let error = derived.unwrap(&wrapped, "b@example.org").unwrap_err();
        assert!(matches!(error, KeyError::WrongPassword), "{error:?}");
    }

    #[test]
    fn tampered_wrapped_keys_fail() {
        let derived = derive_fixed("pw");
        let wrapped = derived
            .wrap(&AccountKeys::generate(), "a@example.org")
            .unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&wrapped).unwrap();
        for position in [0, NONCE_LEN, bytes.len() / 2, bytes.len() - 1] {
            let mut tampered = bytes.clone();
            tampered[position] ^= 0x01;
            let error = derived
                .unwrap(&b64(&tampered), "a@example.org")
                .unwrap_err();
            assert!(matches!(error, KeyError::WrongPassword), "{error:?}");
        }
        let error = derived
            .unwrap(&b64(&bytes[..20]), "a@example.org")
            .unwrap_err();
        assert!(matches!(error, KeyError::Malformed(_)), "{error:?}");
        let error = derived.unwrap("not base64!", "a@example.org").unwrap_err();
        assert!(matches!(error, KeyError::Malformed(_)), "{error:?}");
    }

    #[test]
    fn mismatched_public_keys_are_detected() {
        let keys = AccountKeys::generate();
        let other = AccountKeys::generate();
        let error = keys.check_matches(&other.public_keys()).unwrap_err();
        assert!(matches!(error, KeyError::KeyMismatch));
    }

    #[test]
    fn kdf_floor_refuses_weak_params() {
        let weak = [
            KdfParams {
                m_kib: 19_455,
                t: 2,
                p: 1,
            },
            KdfParams {
                m_kib: 8,
                t: 1,
                p: 1,
            },
            KdfParams {
                m_kib: 19_456,
                t: 1,
                p: 1,
            },
            KdfParams {
                m_kib: 19_456,
                t: 2,
                p: 0,
            },
            KdfParams {
                m_kib: u32::MAX,
                t: 2,
                p: 1,
            },
            KdfParams {
                m_kib: 19_456,
                t: 1_000,
                p: 1,
            },
        ];
        for params in weak {
            let error = derive(&password("pw"), &[0u8; SALT_LEN], &params).unwrap_err();
            assert!(matches!(error, KeyError::WeakParams { .. }), "{params:?}");
        }
        check_params(&KDF_FLOOR).unwrap();
        check_params(&KdfParams {
            m_kib: 65_536,
            t: 3,
            p: 4,
        })
        .unwrap();
    }

    #[test]
    fn salt_must_be_sixteen_bytes() {
        assert_eq!(decode_salt(&b64(&[9u8; 16])).unwrap(), [9u8; 16]);
        for bad in [b64(&[9u8; 15]), b64(&[9u8; 17]), b64(&[]), "***".to_owned()] {
            assert!(matches!(decode_salt(&bad), Err(KeyError::BadSalt)), "{bad}");
        }
    }

    /// The vectors the browser's login checks too (`web/tests/kdf.test.mjs`): both sides must
    /// derive the same keys from the same password, or an account made by one could not log
    /// in with the other.
    #[test]
    fn shared_login_vectors_derive_and_unwrap() {
        let text = include_str!("../../../web/tests/vectors/login.json");
        let document: serde_json::Value = serde_json::from_str(text).unwrap();
        let vectors = document["vectors"].as_array().unwrap();
        assert_eq!(vectors.len(), 2);
        for vector in vectors {
            let field = |name: &str| vector[name].as_str().unwrap().to_owned();
            let kdf: KdfParams = serde_json::from_value(vector["kdf"].clone()).unwrap();
            let salt = decode_salt(&field("salt")).unwrap();
            let keys = derive(&password(&field("password")), &salt, &kdf).unwrap();
            assert_eq!(keys.auth_key_b64().expose_secret(), field("auth_key"));
            assert_eq!(b64(keys.wrap_key.expose_secret()), field("wrap_key"));
            let account = keys
                .unwrap(&field("wrapped_keys"), &field("email"))
                .unwrap();
            let public = account.public_keys();
            assert_eq!(public.age_recipient, field("age_recipient"));
            assert_eq!(public.signing_key, field("signing_key"));
            assert_eq!(
                pli_envelope::key_id(&account.signing_key().verifying_key()),
                field("key_id")
            );
            // Bound to the email: another address does not open them.
            assert!(matches!(
                keys.unwrap(&field("wrapped_keys"), "someone@else.example"),
                Err(KeyError::WrongPassword)
            ));
        }
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let keys = AccountKeys::generate();
        let text = format!("{keys:?} {:?}", derive_fixed("pw"));
        assert!(!text.contains("AGE-SECRET-KEY"), "{text}");
        assert!(text.contains("redacted"));
    }
}
