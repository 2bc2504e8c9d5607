//! Keys of external links (`docs/EXTERNAL.md`, section 1): two independent random halves,
//! `F` (in the link's fragment) and `S` (held by the server until the right code), from which
//! HKDF-SHA256 derives the age identity the envelope is sealed to and the Ed25519 key the
//! recipient signs its receipt with.
//!
//! ```
//! let secrets = pli_client::external::LinkSecrets::generate();
//! let keys = secrets.keys().unwrap();
//! let again = pli_client::external::derive(&secrets.link_id, &secrets.fragment_half, &secrets.server_half).unwrap();
//! assert_eq!(keys.recipient().to_string(), again.recipient().to_string());
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bech32::ToBase32 as _;
use hkdf::Hkdf;
use rand::RngCore as _;
use secrecy::ExposeSecret as _;
use sha2::Sha256;
use std::str::FromStr as _;
use zeroize::Zeroizing;

/// `info` of the age identity.
pub const INFO_AGE: &[u8] = b"pli-external-v1 age";
/// `info` of the receipt key.
pub const INFO_RECEIPT: &[u8] = b"pli-external-v1 receipt";

/// The random values of one link, drawn by the sending client.
pub struct LinkSecrets {
    /// The link id (also the HKDF salt).
    pub link_id: [u8; 16],
    /// `F`: travels only in the link's fragment.
    pub fragment_half: Zeroizing<[u8; 32]>,
    /// `S`: handed to the server, released after the right code.
    pub server_half: Zeroizing<[u8; 32]>,
}

impl LinkSecrets {
    /// Fresh values from the operating system's generator.
    pub fn generate() -> LinkSecrets {
        let mut rng = rand::rngs::OsRng;
        let mut link_id = [0u8; 16];
        rng.fill_bytes(&mut link_id);
        let mut fragment_half = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(fragment_half.as_mut());
        let mut server_half = Zeroizing::new([0u8; 32]);
        loop {
            rng.fill_bytes(server_half.as_mut());
            if *server_half != *fragment_half {
                break;
            }
        }
        LinkSecrets {
            link_id,
            fragment_half,
            server_half,
        }
    }

    /// The link id as 32 lowercase hex digits.
    pub fn link_id_hex(&self) -> String {
        hex::encode(self.link_id)
    }

    /// The derived keys.
    pub fn keys(&self) -> Result<ExternalKeys, ExternalError> {
        derive(&self.link_id, &self.fragment_half, &self.server_half)
    }

    /// The link's fragment: `F_B64.SENDER_KEY_B64`.
    pub fn fragment(&self, sender_key: &ed25519_dalek::VerifyingKey) -> String {
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(self.fragment_half.as_ref()),
            URL_SAFE_NO_PAD.encode(sender_key.as_bytes())
        )
    }
}

/// The keys derived for one link. No `Debug`: both are secrets.
pub struct ExternalKeys {
    identity: age::x25519::Identity,
    receipt: ed25519_dalek::SigningKey,
}

impl ExternalKeys {
    /// The age identity that opens the envelope.
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The age recipient the envelope is sealed to.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// The key the recipient's receipt is signed with.
    pub fn receipt_key(&self) -> &ed25519_dalek::SigningKey {
        &self.receipt
    }
}

/// Errors of deriving or reading link keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExternalError {
    #[error("key derivation failed")]
    Derive,
    #[error("the link is malformed: {0}")]
    BadLink(&'static str),
}

/// HKDF-SHA256 with `salt` = link id and `ikm` = `F || S`: the age identity (`info` =
/// [`INFO_AGE`]) and the receipt key's seed (`info` = [`INFO_RECEIPT`]).
pub fn derive(
    link_id: &[u8; 16],
    fragment_half: &[u8; 32],
    server_half: &[u8; 32],
) -> Result<ExternalKeys, ExternalError> {
    let mut ikm = Zeroizing::new([0u8; 64]);
    ikm[..32].copy_from_slice(fragment_half);
    ikm[32..].copy_from_slice(server_half);
    let hkdf = Hkdf::<Sha256>::new(Some(link_id), ikm.as_ref());
    let mut age_secret = Zeroizing::new([0u8; 32]);
    hkdf.expand(INFO_AGE, age_secret.as_mut())
        .map_err(|_| ExternalError::Derive)?;
    let mut receipt_seed = Zeroizing::new([0u8; 32]);
    hkdf.expand(INFO_RECEIPT, receipt_seed.as_mut())
        .map_err(|_| ExternalError::Derive)?;
    // age reads its identities only as text: the bech32 of the 32 bytes.
    let text = Zeroizing::new(
        bech32::encode(
            "age-secret-key-",
            age_secret.to_base32(),
            bech32::Variant::Bech32,
        )
        .map_err(|_| ExternalError::Derive)?
        .to_uppercase(),
    );
    let identity = age::x25519::Identity::from_str(&text).map_err(|_| ExternalError::Derive)?;
    debug_assert!(
        identity
            .to_string()
            .expose_secret()
            .starts_with("AGE-SECRET-KEY-1")
    );
    Ok(ExternalKeys {
        identity,
        receipt: ed25519_dalek::SigningKey::from_bytes(&receipt_seed),
    })
}

/// A link as the recipient receives it: `https://SERVER/x/LINK_ID#F_B64.SENDER_KEY_B64`.
pub struct ParsedLink {
    /// The server's base URL (`https://SERVER`).
    pub server: String,
    pub link_id: [u8; 16],
    pub fragment_half: Zeroizing<[u8; 32]>,
    pub sender_key: [u8; 32],
}

/// Reads a link with its fragment.
pub fn parse_link(text: &str) -> Result<ParsedLink, ExternalError> {
    let (url, fragment) = text
        .trim()
        .split_once('#')
        .ok_or(ExternalError::BadLink("no fragment"))?;
    let (server, link_id) = url
        .rsplit_once("/x/")
        .ok_or(ExternalError::BadLink("no /x/ path"))?;
    if link_id.len() != 32
        || !link_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(ExternalError::BadLink(
            "the link id is not 32 lowercase hex digits",
        ));
    }
    let mut id = [0u8; 16];
    hex::decode_to_slice(link_id, &mut id).map_err(|_| ExternalError::BadLink("link id"))?;
    let (fragment_half, sender_key) = fragment
        .split_once('.')
        .ok_or(ExternalError::BadLink("the fragment has no '.'"))?;
    let half: [u8; 32] = decode32(fragment_half)?;
    Ok(ParsedLink {
        server: server.to_owned(),
        link_id: id,
        fragment_half: Zeroizing::new(half),
        sender_key: decode32(sender_key)?,
    })
}

fn decode32(text: &str) -> Result<[u8; 32], ExternalError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| ExternalError::BadLink("not unpadded base64url"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| ExternalError::BadLink("not 32 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_fixed_by_link_id_and_both_halves() {
        let keys = derive(&[1; 16], &[2; 32], &[3; 32]).unwrap();
        let same = derive(&[1; 16], &[2; 32], &[3; 32]).unwrap();
        assert_eq!(keys.recipient().to_string(), same.recipient().to_string());
        assert_eq!(
            keys.receipt_key().verifying_key(),
            same.receipt_key().verifying_key()
        );
        for other in [
            derive(&[9; 16], &[2; 32], &[3; 32]).unwrap(),
            derive(&[1; 16], &[9; 32], &[3; 32]).unwrap(),
            derive(&[1; 16], &[2; 32], &[9; 32]).unwrap(),
        ] {
            assert_ne!(keys.recipient().to_string(), other.recipient().to_string());
        }
    }

    #[test]
    fn derivation_matches_hkdf_by_hand() {
        // The age identity is exactly the bech32 of HKDF's first output, as the browser
        // computes it.
        let hkdf = Hkdf::<Sha256>::new(Some(&[1u8; 16]), &[[2u8; 32], [3u8; 32]].concat());
        let mut secret = [0u8; 32];
        hkdf.expand(INFO_AGE, &mut secret).unwrap();
        let text = bech32::encode(
            "age-secret-key-",
            secret.to_base32(),
            bech32::Variant::Bech32,
        )
        .unwrap()
        .to_uppercase();
        let keys = derive(&[1; 16], &[2; 32], &[3; 32]).unwrap();
        assert_eq!(keys.identity().to_string().expose_secret(), &text);
        let mut seed = [0u8; 32];
        hkdf.expand(INFO_RECEIPT, &mut seed).unwrap();
        assert_eq!(keys.receipt_key().to_bytes(), seed);
    }

    #[test]
    fn links_round_trip() {
        let secrets = LinkSecrets::generate();
        let sender = ed25519_dalek::SigningKey::from_bytes(&[5; 32]).verifying_key();
        let link = format!(
            "https://pli.example/x/{}#{}",
            secrets.link_id_hex(),
            secrets.fragment(&sender)
        );
        let parsed = parse_link(&link).unwrap();
        assert_eq!(parsed.server, "https://pli.example");
        assert_eq!(parsed.link_id, secrets.link_id);
        assert_eq!(*parsed.fragment_half, *secrets.fragment_half);
        assert_eq!(parsed.sender_key, *sender.as_bytes());
        for bad in [
            "https://pli.example/x/abc#a.b",
            "https://pli.example/x/00000000000000000000000000000000",
            "https://pli.example/y/00000000000000000000000000000000#a.b",
        ] {
            assert!(parse_link(bad).is_err(), "{bad}");
        }
    }
}
