//! Entry kinds beside audit events: published keys (key transparency), signed receipts,
//! published sending policies and accounts' roles.
//!
//! ```text
//! kind 0x02, published key         kind 0x03, receipt             kind 0x04, published policy
//! owner type   1 byte (0 account,  envelope id     16 bytes       organisation  string
//!              1 mailbox)          manifest hash   32 bytes       version       u64
//! owner        string              opened at       i64, Unix s.   text hash     32 bytes (SHA-256)
//! generation   u32 (0: account)    recipient       string (email) signer        string (email)
//! age key      string              signing key     32 bytes       signing key   32 bytes
//! signing key  0x00, or 0x01 and   signature       64 bytes       signature     64 bytes
//!              32 bytes
//!
//! kind 0x05, account role
//! organisation string
//! account      string (email)
//! role         1 byte (0 admin, 1 agent, 2 auditor)
//! ```
//!
//! Strings are as in audit events (u16 length, UTF-8, at most [`MAX_FIELD_BYTES`]). A key entry
//! binds the exact bytes a directory serves for an address, so a sender holding a checkpoint
//! that includes it knows the server cannot give another sender a different key for the same
//! address without logging it too. A policy entry does the same for a version of an
//! organisation's sending policy: clients follow only a version the log shows, so every version
//! any client was given is in the log, with its signer, for the organisation's auditors.
//! A role entry states an account's role in its organisation, so that a client checks that a
//! policy's signer is an admin against the log, not on the server's word alone.

use crate::entry::{
    AuditEvent, ENTRY_VERSION, EntryError, EntryHeader, HEADER_BYTES, KIND_AUDIT_EVENT,
    MAX_FIELD_BYTES, Reader, decode_event_body, encode_event, put_str,
};
use crate::merkle::Hash;

/// Kind byte of a published key entry.
pub const KIND_PUBLISHED_KEY: u8 = 2;

/// Kind byte of a receipt entry.
pub const KIND_RECEIPT: u8 = 3;

/// Kind byte of a published policy entry.
pub const KIND_PUBLISHED_POLICY: u8 = 4;

/// Kind byte of an account role entry.
pub const KIND_ACCOUNT_ROLE: u8 = 5;

/// Whose key an entry publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyOwner {
    /// An account, by email (lowercase).
    Account {
        /// The account's email.
        email: String,
    },
    /// A generation of a functional mailbox's key.
    Mailbox {
        /// The mailbox's name.
        name: String,
        /// The generation, from 1.
        generation: u32,
    },
}

/// A public key as the directory publishes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedKey {
    /// When it was published, Unix seconds.
    pub time: i64,
    /// Whose key it is.
    pub owner: KeyOwner,
    /// age X25519 recipient (`age1...`).
    pub age_recipient: String,
    /// Ed25519 verifying key of an account; `None` for a mailbox generation.
    pub signing_key: Option<[u8; 32]>,
}

/// A recipient's signed statement that it opened an envelope whose manifest has this hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// When the server logged it, Unix seconds.
    pub time: i64,
    /// The envelope's id.
    pub envelope_id: [u8; 16],
    /// SHA-256 of the envelope's signed manifest, as the recipient opened it.
    pub manifest_hash: [u8; 32],
    /// When the recipient says it opened the envelope, Unix seconds (signed).
    pub opened_at: i64,
    /// The recipient account's email.
    pub recipient: String,
    /// The recipient's Ed25519 verifying key the signature checks with.
    pub signing_key: [u8; 32],
    /// Ed25519 signature over the receipt's signed bytes.
    pub signature: [u8; 64],
}

/// A version of an organisation's sending policy as an admin signed it and the server
/// published it. The text itself stays out of the log (its hash binds it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPolicy {
    /// When it was published, Unix seconds.
    pub time: i64,
    /// The organisation's name.
    pub org: String,
    /// The policy's version, from 1.
    pub version: u64,
    /// SHA-256 of the policy's text, exactly as signed.
    pub text_hash: [u8; 32],
    /// Email of the account that signed it.
    pub signer: String,
    /// The signer's Ed25519 verifying key.
    pub signing_key: [u8; 32],
    /// The signer's Ed25519 signature over the policy's signed bytes.
    pub signature: [u8; 64],
}

/// An account's role in its organisation, as a role entry states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRole {
    /// Manages the organisation and signs its sending policy.
    Admin,
    /// Sends and receives.
    Agent,
    /// Reads the organisation's audit trail.
    Auditor,
}

impl AccountRole {
    fn byte(self) -> u8 {
        match self {
            AccountRole::Admin => 0,
            AccountRole::Agent => 1,
            AccountRole::Auditor => 2,
        }
    }

    fn from_byte(byte: u8) -> Option<AccountRole> {
        match byte {
            0 => Some(AccountRole::Admin),
            1 => Some(AccountRole::Agent),
            2 => Some(AccountRole::Auditor),
            _ => None,
        }
    }

    /// Its name in the API and the documentation.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Admin => "admin",
            AccountRole::Agent => "agent",
            AccountRole::Auditor => "auditor",
        }
    }
}

/// An account's role in its organisation as the server published it: logged when the account
/// is made, and whenever its role is needed as proof and has no entry yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedRole {
    /// When it was published, Unix seconds.
    pub time: i64,
    /// The organisation's name.
    pub org: String,
    /// The account's email.
    pub email: String,
    /// Its role there.
    pub role: AccountRole,
}

/// What one entry records.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// A security event (kind 0x01).
    Event(AuditEvent),
    /// A published key (kind 0x02).
    Key(PublishedKey),
    /// A signed receipt (kind 0x03).
    Receipt(Receipt),
    /// A published sending policy (kind 0x04).
    Policy(PublishedPolicy),
    /// An account's role (kind 0x05).
    Role(PublishedRole),
}

impl Record {
    /// Time of the record, Unix seconds (the entry's header time).
    pub fn time(&self) -> i64 {
        match self {
            Record::Event(event) => event.time,
            Record::Key(key) => key.time,
            Record::Receipt(receipt) => receipt.time,
            Record::Policy(policy) => policy.time,
            Record::Role(role) => role.time,
        }
    }

    /// Kind byte of the record's entries.
    pub fn kind(&self) -> u8 {
        match self {
            Record::Event(_) => KIND_AUDIT_EVENT,
            Record::Key(_) => KIND_PUBLISHED_KEY,
            Record::Receipt(_) => KIND_RECEIPT,
            Record::Policy(_) => KIND_PUBLISHED_POLICY,
            Record::Role(_) => KIND_ACCOUNT_ROLE,
        }
    }

    /// Bytes of the entry `index` holding this record, linked to the entry whose leaf hash is
    /// `prev`.
    pub fn encode(&self, index: u64, prev: &Hash) -> Result<Vec<u8>, EntryError> {
        let key = match self {
            Record::Event(event) => return encode_event(index, prev, event),
            Record::Key(key) => key,
            Record::Receipt(receipt) => return encode_receipt(index, prev, receipt),
            Record::Policy(policy) => return encode_policy(index, prev, policy),
            Record::Role(role) => return encode_role(index, prev, role),
        };
        let mut out = header(KIND_PUBLISHED_KEY, index, prev, key.time);
        let (owner_type, owner, generation) = match &key.owner {
            KeyOwner::Account { email } => (0u8, email, 0u32),
            KeyOwner::Mailbox { name, generation } => (1u8, name, *generation),
        };
        out.push(owner_type);
        put_str(&mut out, "owner", owner)?;
        out.extend_from_slice(&generation.to_be_bytes());
        put_str(&mut out, "age_recipient", &key.age_recipient)?;
        match &key.signing_key {
            None => out.push(0),
            Some(bytes) => {
                out.push(1);
                out.extend_from_slice(bytes);
            }
        }
        Ok(out)
    }

    /// Parses an entry of any kind this crate knows, refusing anything [`Record::encode`]
    /// would not have written.
    pub fn decode(bytes: &[u8]) -> Result<(EntryHeader, Record), EntryError> {
        let header = EntryHeader::decode(bytes)?;
        let mut reader = Reader {
            rest: &bytes[HEADER_BYTES..],
        };
        let record = match header.kind {
            KIND_AUDIT_EVENT => Record::Event(decode_event_body(&mut reader, header.time)?),
            KIND_PUBLISHED_KEY => {
                let owner_type = reader.byte()?;
                let owner = reader.string("owner")?;
                let generation = u32::from_be_bytes(reader.array()?);
                let owner = match (owner_type, generation) {
                    (0, 0) => KeyOwner::Account { email: owner },
                    (1, 1..) => KeyOwner::Mailbox {
                        name: owner,
                        generation,
                    },
                    _ => return Err(EntryError::InvalidPresence { field: "owner" }),
                };
                let age_recipient = reader.string("age_recipient")?;
                let signing_key = match reader.byte()? {
                    0 => None,
                    1 => Some(reader.array()?),
                    _ => {
                        return Err(EntryError::InvalidPresence {
                            field: "signing_key",
                        });
                    }
                };
                Record::Key(PublishedKey {
                    time: header.time,
                    owner,
                    age_recipient,
                    signing_key,
                })
            }
            KIND_RECEIPT => Record::Receipt(Receipt {
                time: header.time,
                envelope_id: reader.array()?,
                manifest_hash: reader.array()?,
                opened_at: i64::from_be_bytes(reader.array()?),
                recipient: reader.string("recipient")?,
                signing_key: reader.array()?,
                signature: reader.array()?,
            }),
            KIND_PUBLISHED_POLICY => {
                let org = reader.string("org")?;
                let version = u64::from_be_bytes(reader.array()?);
                if version == 0 {
                    return Err(EntryError::OutOfRange { field: "version" });
                }
                Record::Policy(PublishedPolicy {
                    time: header.time,
                    org,
                    version,
                    text_hash: reader.array()?,
                    signer: reader.string("signer")?,
                    signing_key: reader.array()?,
                    signature: reader.array()?,
                })
            }
            KIND_ACCOUNT_ROLE => {
                let org = reader.string("org")?;
                let email = reader.string("email")?;
                let role = AccountRole::from_byte(reader.byte()?)
                    .ok_or(EntryError::OutOfRange { field: "role" })?;
                Record::Role(PublishedRole {
                    time: header.time,
                    org,
                    email,
                    role,
                })
            }
            kind => return Err(EntryError::UnknownKind(kind)),
        };
        if !reader.rest.is_empty() {
            return Err(EntryError::TrailingBytes(reader.rest.len()));
        }
        Ok((header, record))
    }
}

fn header(kind: u8, index: u64, prev: &Hash, time: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_BYTES + 2 * MAX_FIELD_BYTES.min(128));
    out.push(ENTRY_VERSION);
    out.push(kind);
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(prev.as_bytes());
    out.extend_from_slice(&time.to_be_bytes());
    out
}

fn encode_receipt(index: u64, prev: &Hash, receipt: &Receipt) -> Result<Vec<u8>, EntryError> {
    let mut out = header(KIND_RECEIPT, index, prev, receipt.time);
    out.extend_from_slice(&receipt.envelope_id);
    out.extend_from_slice(&receipt.manifest_hash);
    out.extend_from_slice(&receipt.opened_at.to_be_bytes());
    put_str(&mut out, "recipient", &receipt.recipient)?;
    out.extend_from_slice(&receipt.signing_key);
    out.extend_from_slice(&receipt.signature);
    Ok(out)
}

fn encode_policy(index: u64, prev: &Hash, policy: &PublishedPolicy) -> Result<Vec<u8>, EntryError> {
    if policy.version == 0 {
        return Err(EntryError::OutOfRange { field: "version" });
    }
    let mut out = header(KIND_PUBLISHED_POLICY, index, prev, policy.time);
    put_str(&mut out, "org", &policy.org)?;
    out.extend_from_slice(&policy.version.to_be_bytes());
    out.extend_from_slice(&policy.text_hash);
    put_str(&mut out, "signer", &policy.signer)?;
    out.extend_from_slice(&policy.signing_key);
    out.extend_from_slice(&policy.signature);
    Ok(out)
}

fn encode_role(index: u64, prev: &Hash, role: &PublishedRole) -> Result<Vec<u8>, EntryError> {
    let mut out = header(KIND_ACCOUNT_ROLE, index, prev, role.time);
    put_str(&mut out, "org", &role.org)?;
    put_str(&mut out, "email", &role.email)?;
    out.push(role.role.byte());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::leaf_hash;

    fn key(owner: KeyOwner, signing_key: Option<[u8; 32]>) -> Record {
        Record::Key(PublishedKey {
            time: 1_700_000_000,
            owner,
            age_recipient: "age1example".into(),
            signing_key,
        })
    }

    #[test]
    fn key_entries_round_trip_in_the_documented_layout() {
        let account = key(
            KeyOwner::Account {
                email: "bob@example.org".into(),
            },
            Some([7; 32]),
        );
        let bytes = account.encode(3, &leaf_hash(b"two")).unwrap();
        assert_eq!(&bytes[..2], &[1, KIND_PUBLISHED_KEY]);
        assert_eq!(bytes[HEADER_BYTES], 0);
        assert_eq!(&bytes[HEADER_BYTES + 1..HEADER_BYTES + 3], &[0, 15]);
        assert_eq!(&bytes[bytes.len() - 33..], &[&[1u8][..], &[7; 32]].concat());
        let (header, decoded) = Record::decode(&bytes).unwrap();
        assert_eq!((header.index, header.kind), (3, KIND_PUBLISHED_KEY));
        assert_eq!(decoded, account);

        let mailbox = key(
            KeyOwner::Mailbox {
                name: "accueil".into(),
                generation: 2,
            },
            None,
        );
        let bytes = mailbox.encode(0, &Hash::default()).unwrap();
        assert_eq!(Record::decode(&bytes).unwrap().1, mailbox);
        // A mailbox generation 0 or an account with a generation has no encoding.
        let mut bad = bytes.clone();
        let at = HEADER_BYTES + 1 + 2 + "accueil".len();
        bad[at..at + 4].copy_from_slice(&0u32.to_be_bytes());
        assert!(Record::decode(&bad).is_err());
        let mut trailing = bytes;
        trailing.push(0);
        assert_eq!(
            Record::decode(&trailing).unwrap_err(),
            EntryError::TrailingBytes(1)
        );
    }

    #[test]
    fn receipts_round_trip_and_refuse_truncation() {
        let receipt = Record::Receipt(Receipt {
            time: 1_700_000_100,
            envelope_id: [1; 16],
            manifest_hash: [2; 32],
            opened_at: 1_700_000_099,
            recipient: "bob@example.org".into(),
            signing_key: [3; 32],
            signature: [4; 64],
        });
        let bytes = receipt.encode(9, &leaf_hash(b"eight")).unwrap();
        assert_eq!(bytes[1], KIND_RECEIPT);
        assert_eq!(Record::decode(&bytes).unwrap().1, receipt);
        assert_eq!(
            Record::decode(&bytes[..bytes.len() - 1]).unwrap_err(),
            EntryError::Truncated
        );
    }

    #[test]
    fn policies_round_trip_in_the_documented_layout_and_refuse_version_zero() {
        let policy = PublishedPolicy {
            time: 1_700_000_200,
            org: "chu".into(),
            version: 3,
            text_hash: [5; 32],
            signer: "chef@chu.fr".into(),
            signing_key: [6; 32],
            signature: [7; 64],
        };
        let record = Record::Policy(policy.clone());
        let bytes = record.encode(4, &leaf_hash(b"three")).unwrap();
        let mut expected = bytes[..HEADER_BYTES].to_vec();
        assert_eq!(&expected[..2], &[1, KIND_PUBLISHED_POLICY]);
        expected.extend_from_slice(b"\0\x03chu");
        expected.extend_from_slice(&3u64.to_be_bytes());
        expected.extend_from_slice(&[5; 32]);
        expected.extend_from_slice(b"\0\x0bchef@chu.fr");
        expected.extend_from_slice(&[6; 32]);
        expected.extend_from_slice(&[7; 64]);
        assert_eq!(bytes, expected);
        let (header, decoded) = Record::decode(&bytes).unwrap();
        assert_eq!(
            (header.index, header.kind, header.time),
            (4, KIND_PUBLISHED_POLICY, 1_700_000_200)
        );
        assert_eq!(decoded, record);
        assert_eq!(
            Record::decode(&bytes[..bytes.len() - 1]).unwrap_err(),
            EntryError::Truncated
        );
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            Record::decode(&trailing).unwrap_err(),
            EntryError::TrailingBytes(1)
        );
        let mut zero = bytes;
        let at = HEADER_BYTES + 2 + 3;
        zero[at..at + 8].copy_from_slice(&0u64.to_be_bytes());
        assert!(Record::decode(&zero).is_err());
        let unversioned = Record::Policy(PublishedPolicy {
            version: 0,
            ..policy
        });
        assert!(unversioned.encode(0, &Hash::default()).is_err());
    }

    #[test]
    fn roles_round_trip_in_the_documented_layout_and_refuse_unknown_roles() {
        for (role, byte) in [
            (AccountRole::Admin, 0u8),
            (AccountRole::Agent, 1),
            (AccountRole::Auditor, 2),
        ] {
            let record = Record::Role(PublishedRole {
                time: 1_700_000_300,
                org: "chu".into(),
                email: "chef@chu.fr".into(),
                role,
            });
            let bytes = record.encode(5, &leaf_hash(b"four")).unwrap();
            let mut expected = bytes[..HEADER_BYTES].to_vec();
            assert_eq!(&expected[..2], &[1, KIND_ACCOUNT_ROLE]);
            expected.extend_from_slice(b"\0\x03chu\0\x0bchef@chu.fr");
            expected.push(byte);
            assert_eq!(bytes, expected);
            let (header, decoded) = Record::decode(&bytes).unwrap();
            assert_eq!(
                (header.index, header.kind, header.time),
                (5, KIND_ACCOUNT_ROLE, 1_700_000_300)
            );
            assert_eq!(decoded, record);
            for cut in HEADER_BYTES..bytes.len() {
                assert_eq!(
                    Record::decode(&bytes[..cut]).unwrap_err(),
                    EntryError::Truncated,
                    "cut at {cut}"
                );
            }
            let mut trailing = bytes.clone();
            trailing.push(0);
            assert_eq!(
                Record::decode(&trailing).unwrap_err(),
                EntryError::TrailingBytes(1)
            );
            let mut unknown = bytes;
            if let Some(last) = unknown.last_mut() {
                *last = 3;
            }
            assert_eq!(
                Record::decode(&unknown).unwrap_err(),
                EntryError::OutOfRange { field: "role" }
            );
        }
    }
}
