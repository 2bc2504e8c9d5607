//! Validated values. Each newtype is only made by its `parse`, so a handler cannot hold an
//! unchecked email, name or id.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pli_store::Id;
use std::fmt;
use std::str::FromStr;

/// Why a value was refused; the text names the field and the rule, never a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

/// An email address: trimmed, lowercased, exactly one `@`, at most 254 bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    /// Normalises and checks an email address.
    pub fn parse(text: &str) -> Result<Email, Invalid> {
        let email = text.trim().to_lowercase();
        if email.is_empty() {
            return Err(invalid("email is empty"));
        }
        if email.len() > 254 {
            return Err(invalid("email is longer than 254 bytes"));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("email contains whitespace or control characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("email has no '@'"));
        };
        if domain.contains('@') {
            return Err(invalid("email has more than one '@'"));
        }
        if local.is_empty() || domain.is_empty() {
            return Err(invalid("email needs text on both sides of '@'"));
        }
        if email.contains('/') || email.contains('\\') {
            return Err(invalid("email contains a slash"));
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A functional mailbox name: `[a-z0-9][a-z0-9._-]{0,62}`, so never an email and never a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailboxName(String);

impl MailboxName {
    /// Checks a mailbox name (lowercased first, so `Urgences` and `urgences` are one mailbox).
    pub fn parse(text: &str) -> Result<MailboxName, Invalid> {
        let name = text.trim().to_lowercase();
        let mut bytes = name.bytes();
        let Some(first) = bytes.next() else {
            return Err(invalid("mailbox name is empty"));
        };
        if name.len() > 63 {
            return Err(invalid("mailbox name is longer than 63 characters"));
        }
        if !first.is_ascii_lowercase() && !first.is_ascii_digit() {
            return Err(invalid(
                "mailbox name must start with a lowercase letter or a digit",
            ));
        }
        if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)) {
            return Err(invalid(
                "mailbox name may only hold lowercase letters, digits, '.', '_' and '-'",
            ));
        }
        Ok(MailboxName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation name: 1 to 64 letters, digits, spaces, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(text: &str) -> Result<OrgName, Invalid> {
        let name = text.trim();
        let n_chars = name.chars().count();
        if n_chars == 0 || n_chars > 64 {
            return Err(invalid("organisation name must be 1 to 64 characters"));
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '.' || c == '_' || c == '-')
        {
            return Err(invalid(
                "organisation name may only hold letters, digits, spaces, '.', '_' and '-'",
            ));
        }
        Ok(OrgName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An envelope id: exactly 32 lowercase hex digits (128 random bits chosen by the sender).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnvelopeId(Id);

impl EnvelopeId {
    pub fn parse(text: &str) -> Result<EnvelopeId, Invalid> {
        Id::parse(text)
            .map(EnvelopeId)
            .ok_or_else(|| invalid("envelope id must be 32 lowercase hex digits"))
    }

    pub fn id(self) -> Id {
        self.0
    }
}

/// Where an envelope can be sent: an account (by email) or a functional mailbox (by name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    Account(Email),
    Mailbox(MailboxName),
}

impl Address {
    /// An address with `@` is an account's email; without, a mailbox name.
    pub fn parse(text: &str) -> Result<Address, Invalid> {
        if text.contains('@') {
            Email::parse(text).map(Address::Account)
        } else {
            MailboxName::parse(text).map(Address::Mailbox)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Address::Account(email) => email.as_str(),
            Address::Mailbox(name) => name.as_str(),
        }
    }
}

/// Decodes unpadded base64url into exactly `N` bytes.
pub fn base64_exact<const N: usize>(field: &str, text: &str) -> Result<[u8; N], Invalid> {
    let bytes = base64_bytes(field, text, N)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| {
        invalid(format!(
            "{field} must be {N} bytes, got {} bytes",
            bytes.len()
        ))
    })
}

/// Decodes unpadded base64url of at most `max` bytes.
pub fn base64_bytes(field: &str, text: &str, max: usize) -> Result<Vec<u8>, Invalid> {
    // Reject before decoding so a huge string costs nothing.
    if text.len() > max.div_ceil(3) * 4 {
        return Err(invalid(format!("{field} is longer than {max} bytes")));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(text.as_bytes())
        .map_err(|_| invalid(format!("{field} is not unpadded base64url")))?;
    if bytes.len() > max {
        return Err(invalid(format!("{field} is longer than {max} bytes")));
    }
    Ok(bytes)
}

/// Encodes bytes as unpadded base64url.
pub fn base64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Checks an age X25519 recipient (`age1...`) and returns it as given.
pub fn age_recipient(text: &str) -> Result<String, Invalid> {
    age::x25519::Recipient::from_str(text)
        .map(|_| text.to_owned())
        .map_err(|_| invalid("public_keys.age_recipient is not an age X25519 recipient (age1...)"))
}

/// Checks an Ed25519 verifying key (32 bytes, a valid curve point).
pub fn signing_key(text: &str) -> Result<[u8; 32], Invalid> {
    let bytes = base64_exact::<32>("public_keys.signing_key", text)?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| invalid("public_keys.signing_key is not a valid Ed25519 public key"))?;
    Ok(bytes)
}

/// Key id shown to people: the first 16 bytes of SHA-256 over the Ed25519 key, in hex.
pub fn key_id(signing_key: &[u8; 32]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(signing_key);
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_email(input: &str, expected: Option<&str>) {
        assert_eq!(
            Email::parse(input).ok().map(|e| e.as_str().to_owned()),
            expected.map(str::to_owned),
            "{input:?}"
        );
    }

    #[test]
    fn emails() {
        check_email(" Alice@Example.FR ", Some("alice@example.fr"));
        check_email("a@b", Some("a@b"));
        check_email("", None);
        check_email("ab", None);
        check_email("a@b@c", None);
        check_email("@b", None);
        check_email("a@", None);
        check_email("a b@c", None);
        check_email("a\u{0}b@c", None);
        check_email("../x@y", None);
        check_email(&format!("{}@b", "a".repeat(253)), None);
    }

    fn check_mailbox(input: &str, ok: bool) {
        assert_eq!(MailboxName::parse(input).is_ok(), ok, "{input:?}");
    }

    #[test]
    fn mailbox_names() {
        check_mailbox("urgences", true);
        check_mailbox("Urgences", true);
        check_mailbox("a.b_c-d9", true);
        check_mailbox("0", true);
        check_mailbox("", false);
        check_mailbox(".hidden", false);
        check_mailbox("..", false);
        check_mailbox("../etc", false);
        check_mailbox("a/b", false);
        check_mailbox("a@b", false);
        check_mailbox("a b", false);
        check_mailbox(&"a".repeat(63), true);
        check_mailbox(&"a".repeat(64), false);
    }

    #[test]
    fn org_names() {
        assert!(OrgName::parse("CHU de Lyon").is_ok());
        assert!(OrgName::parse("Hôpital-Nord_2.0").is_ok());
        assert!(OrgName::parse("").is_err());
        assert!(OrgName::parse("a/b").is_err());
        assert!(OrgName::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn envelope_ids() {
        assert!(EnvelopeId::parse("0123456789abcdef0123456789abcdef").is_ok());
        assert!(EnvelopeId::parse("0123456789ABCDEF0123456789ABCDEF").is_err());
        assert!(EnvelopeId::parse("0123").is_err());
        assert!(EnvelopeId::parse("../../../../../../../../../../etc").is_err());
    }

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_exact::<3>("f", "AQID"), Ok([1, 2, 3]));
        assert!(base64_exact::<4>("f", "AQID").is_err());
        assert!(base64_exact::<3>("f", "AQI=").is_err());
        assert!(base64_exact::<3>("f", "!!!!").is_err());
        assert!(base64_bytes("f", &"A".repeat(100), 16).is_err());
    }

    #[test]
    fn age_recipients() {
        let recipient = age::x25519::Identity::generate().to_public().to_string();
        assert!(age_recipient(&recipient).is_ok());
        assert!(age_recipient("age1notarecipient").is_err());
        assert!(age_recipient("").is_err());
    }
}
