//! The bytes of a log entry, the data of one leaf of the tree (format version 1).
//!
//! ```text
//! offset  size  field
//! 0       1     format version: 0x01
//! 1       1     kind: 0x01 audit event, 0x02 published key, 0x03 receipt (`record.rs`)
//! 2       8     index of the entry in the log, u64 big-endian
//! 10      32    RFC 9162 leaf hash of entry index - 1 (32 zero bytes for entry 0)
//! 42      8     time of the event, Unix seconds, i64 big-endian
//! 50      ...   body of the kind
//! ```
//!
//! The body of an audit event is its outcome byte (0 allowed, 1 denied, 2 failed), then the
//! fields `action`, `address` as strings, then `org`, `actor`, `actor_email`, `target` as optional
//! strings. A string is its length (u16 big-endian, at most [`MAX_FIELD_BYTES`]) and its UTF-8
//! bytes; an optional string is 0x00 when absent, or 0x01 and the string. Nothing may follow.
//!
//! Every event has exactly one encoding, so an entry's leaf hash identifies it. Carrying the index
//! and the previous entry's hash in every entry lets a verifier say which entry was rewritten,
//! deleted, inserted or moved, not only that the tree's root changed.

use std::fmt;

use crate::merkle::{HASH_SIZE, Hash};

/// Format version written in the first byte of every entry.
pub const ENTRY_VERSION: u8 = 1;

/// Kind byte of an audit event entry.
pub const KIND_AUDIT_EVENT: u8 = 1;

/// Longest string field, in bytes. Callers shorten values a client chose (a claimed email, an
/// address) before logging them.
pub const MAX_FIELD_BYTES: usize = 1024;

/// Offset of `prev` (the leaf hash of the entry before) in every entry: after the version, the
/// kind and the index.
pub const PREV_OFFSET: usize = 1 + 1 + 8;

/// Length of the header every entry starts with.
pub const HEADER_BYTES: usize = PREV_OFFSET + HASH_SIZE + 8;

/// Longest encoded entry.
pub const MAX_ENTRY_BYTES: usize =
    HEADER_BYTES + 1 + 2 * (2 + MAX_FIELD_BYTES) + 4 * (3 + MAX_FIELD_BYTES);

/// Outcome of an audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The action was authorized and done.
    Allowed,
    /// The action was refused.
    Denied,
    /// The action was authorized but failed.
    Failed,
}

impl Outcome {
    /// Lowercase name, as in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    fn code(self) -> u8 {
        match self {
            Outcome::Allowed => 0,
            Outcome::Denied => 1,
            Outcome::Failed => 2,
        }
    }

    fn from_code(code: u8) -> Option<Outcome> {
        match code {
            0 => Some(Outcome::Allowed),
            1 => Some(Outcome::Denied),
            2 => Some(Outcome::Failed),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A security event: who did what to which target, from where, when, with what outcome.
/// Metadata only: never document content, a file name, a subject or a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// Unix time in seconds.
    pub time: i64,
    /// Organisation of the actor, so each organisation's auditors see their own trail.
    pub org: Option<String>,
    /// Account id of the actor, when the request was authenticated.
    pub actor: Option<String>,
    /// Email of the actor at the time, or the one claimed by an unauthenticated request.
    pub actor_email: Option<String>,
    /// Client address.
    pub address: String,
    /// Dotted action name, such as `envelope.download`.
    pub action: String,
    /// What the action was about: an envelope id, an email, a mailbox name.
    pub target: Option<String>,
    /// What happened.
    pub outcome: Outcome,
}

/// One entry of the log: an event with its place in the hash chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 0.
    pub index: u64,
    /// Leaf hash of the entry at `index - 1`; all zeros for entry 0.
    pub prev: Hash,
    /// The event.
    pub event: AuditEvent,
}

/// The fields every entry starts with, whatever its kind: what a verifier needs to check the
/// chain, even for kinds it cannot read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryHeader {
    /// Kind byte ([`KIND_AUDIT_EVENT`]).
    pub kind: u8,
    /// Position the entry claims in the log.
    pub index: u64,
    /// Leaf hash of the entry before it.
    pub prev: Hash,
    /// Unix time in seconds.
    pub time: i64,
}

/// Why bytes are not a valid entry. Never quotes the entry's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// The bytes end before the entry does.
    #[error("entry is truncated")]
    Truncated,
    /// The entry is longer than any valid entry.
    #[error("entry is {0} bytes, over the limit of {MAX_ENTRY_BYTES}")]
    TooLong(usize),
    /// The first byte is not a known format version.
    #[error("unknown entry format version {0}")]
    UnknownVersion(u8),
    /// The kind byte is not one this version of the crate reads.
    #[error("unknown entry kind {0}")]
    UnknownKind(u8),
    /// The outcome byte is not a known outcome.
    #[error("unknown outcome code {0}")]
    UnknownOutcome(u8),
    /// An optional field's presence byte is neither 0 nor 1.
    #[error("field {field}: invalid presence byte")]
    InvalidPresence {
        /// Name of the field.
        field: &'static str,
    },
    /// A number is outside the values its field may hold (a policy version of 0).
    #[error("field {field} is out of range")]
    OutOfRange {
        /// Name of the field.
        field: &'static str,
    },
    /// A field is longer than [`MAX_FIELD_BYTES`].
    #[error("field {field} is {len} bytes, over the limit of {MAX_FIELD_BYTES}")]
    FieldTooLong {
        /// Name of the field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// A field is not UTF-8.
    #[error("field {field} is not UTF-8")]
    NotUtf8 {
        /// Name of the field.
        field: &'static str,
    },
    /// Bytes follow the end of the entry.
    #[error("{0} bytes follow the end of the entry")]
    TrailingBytes(usize),
}

impl Entry {
    /// The entry's bytes (format version 1).
    pub fn encode(&self) -> Result<Vec<u8>, EntryError> {
        encode_event(self.index, &self.prev, &self.event)
    }

    /// Parses an entry, refusing anything [`Entry::encode`] would not have written.
    pub fn decode(bytes: &[u8]) -> Result<Entry, EntryError> {
        let header = EntryHeader::decode(bytes)?;
        if header.kind != KIND_AUDIT_EVENT {
            return Err(EntryError::UnknownKind(header.kind));
        }
        let mut reader = Reader {
            rest: &bytes[HEADER_BYTES..],
        };
        let event = decode_event_body(&mut reader, header.time)?;
        if !reader.rest.is_empty() {
            return Err(EntryError::TrailingBytes(reader.rest.len()));
        }
        Ok(Entry {
            index: header.index,
            prev: header.prev,
            event,
        })
    }
}

/// Reads the body of an audit event (everything after the header).
pub(crate) fn decode_event_body(
    reader: &mut Reader<'_>,
    time: i64,
) -> Result<AuditEvent, EntryError> {
    let code = reader.byte()?;
    let outcome = Outcome::from_code(code).ok_or(EntryError::UnknownOutcome(code))?;
    let action = reader.string("action")?;
    let address = reader.string("address")?;
    let org = reader.optional("org")?;
    let actor = reader.optional("actor")?;
    let actor_email = reader.optional("actor_email")?;
    let target = reader.optional("target")?;
    Ok(AuditEvent {
        time,
        org,
        actor,
        actor_email,
        address,
        action,
        target,
        outcome,
    })
}

impl EntryHeader {
    /// Parses the header of an entry of any kind.
    pub fn decode(bytes: &[u8]) -> Result<EntryHeader, EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLong(bytes.len()));
        }
        let mut reader = Reader { rest: bytes };
        let version = reader.byte()?;
        if version != ENTRY_VERSION {
            return Err(EntryError::UnknownVersion(version));
        }
        let kind = reader.byte()?;
        let index = u64::from_be_bytes(reader.array()?);
        let prev = Hash::from_bytes(reader.array()?);
        let time = i64::from_be_bytes(reader.array()?);
        Ok(EntryHeader {
            kind,
            index,
            prev,
            time,
        })
    }
}

/// An audit event's fields, borrowed: what a caller that keeps events in its own type encodes
/// without copying them into an [`AuditEvent`] first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditEventRef<'a> {
    /// Unix time in seconds.
    pub time: i64,
    /// Organisation of the actor.
    pub org: Option<&'a str>,
    /// Account id of the actor.
    pub actor: Option<&'a str>,
    /// Email of the actor at the time, or the one claimed.
    pub actor_email: Option<&'a str>,
    /// Client address.
    pub address: &'a str,
    /// Dotted action name.
    pub action: &'a str,
    /// What the action was about.
    pub target: Option<&'a str>,
    /// What happened.
    pub outcome: Outcome,
}

impl AuditEvent {
    /// The event's fields, borrowed.
    pub fn borrowed(&self) -> AuditEventRef<'_> {
        AuditEventRef {
            time: self.time,
            org: self.org.as_deref(),
            actor: self.actor.as_deref(),
            actor_email: self.actor_email.as_deref(),
            address: &self.address,
            action: &self.action,
            target: self.target.as_deref(),
            outcome: self.outcome,
        }
    }
}

/// Bytes of the entry `index` holding `event`, linked to the entry whose leaf hash is `prev`.
pub(crate) fn encode_event(
    index: u64,
    prev: &Hash,
    event: &AuditEvent,
) -> Result<Vec<u8>, EntryError> {
    encode_event_ref(index, prev, event.borrowed())
}

/// Like [`Record::encode`](crate::Record::encode) for an audit event given by its borrowed
/// fields: the bytes of entry `index`, linked to the entry whose leaf hash is `prev`.
pub fn encode_event_ref(
    index: u64,
    prev: &Hash,
    event: AuditEventRef<'_>,
) -> Result<Vec<u8>, EntryError> {
    let optional = |value: Option<&str>| 1 + value.map_or(0, |value| 2 + value.len());
    // Exactly the entry's length, so that encoding allocates once.
    let len = HEADER_BYTES
        + 1
        + 2
        + event.action.len()
        + 2
        + event.address.len()
        + optional(event.org)
        + optional(event.actor)
        + optional(event.actor_email)
        + optional(event.target);
    let mut out = Vec::with_capacity(len);
    out.push(ENTRY_VERSION);
    out.push(KIND_AUDIT_EVENT);
    out.extend_from_slice(&index.to_be_bytes());
    out.extend_from_slice(prev.as_bytes());
    out.extend_from_slice(&event.time.to_be_bytes());
    out.push(event.outcome.code());
    put_str(&mut out, "action", event.action)?;
    put_str(&mut out, "address", event.address)?;
    put_opt(&mut out, "org", event.org)?;
    put_opt(&mut out, "actor", event.actor)?;
    put_opt(&mut out, "actor_email", event.actor_email)?;
    put_opt(&mut out, "target", event.target)?;
    Ok(out)
}

pub(crate) fn put_str(
    out: &mut Vec<u8>,
    field: &'static str,
    value: &str,
) -> Result<(), EntryError> {
    let len = value.len();
    if len > MAX_FIELD_BYTES {
        return Err(EntryError::FieldTooLong { field, len });
    }
    // MAX_FIELD_BYTES fits in a u16.
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

fn put_opt(out: &mut Vec<u8>, field: &'static str, value: Option<&str>) -> Result<(), EntryError> {
    match value {
        None => {
            out.push(0);
            Ok(())
        }
        Some(value) => {
            out.push(1);
            put_str(out, field, value)
        }
    }
}

pub(crate) struct Reader<'a> {
    pub(crate) rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, len: usize) -> Result<&'a [u8], EntryError> {
        if self.rest.len() < len {
            return Err(EntryError::Truncated);
        }
        let (head, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(head)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, EntryError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], EntryError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    pub(crate) fn string(&mut self, field: &'static str) -> Result<String, EntryError> {
        let len = usize::from(u16::from_be_bytes(self.array()?));
        if len > MAX_FIELD_BYTES {
            return Err(EntryError::FieldTooLong { field, len });
        }
        let bytes = self.take(len)?;
        let text = std::str::from_utf8(bytes).map_err(|_| EntryError::NotUtf8 { field })?;
        Ok(text.to_owned())
    }

    pub(crate) fn optional(&mut self, field: &'static str) -> Result<Option<String>, EntryError> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.string(field)?)),
            _ => Err(EntryError::InvalidPresence { field }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            index: 7,
            prev: crate::merkle::leaf_hash(b"six"),
            event: AuditEvent {
                time: 1_700_000_000,
                org: Some("0123456789abcdef0123456789abcdef".into()),
                actor: None,
                actor_email: Some("alice@example.org".into()),
                address: "192.0.2.1".into(),
                action: "login".into(),
                target: None,
                outcome: Outcome::Denied,
            },
        }
    }

    #[test]
    fn layout_is_the_documented_one() {
        let bytes = entry().encode().unwrap();
        assert_eq!(&bytes[..2], &[1, 1]);
        assert_eq!(&bytes[2..10], &7u64.to_be_bytes());
        assert_eq!(&bytes[10..42], crate::merkle::leaf_hash(b"six").as_bytes());
        assert_eq!(&bytes[42..50], &1_700_000_000i64.to_be_bytes());
        assert_eq!(bytes[50], 1);
        assert_eq!(&bytes[51..53], &[0, 5]);
        assert_eq!(&bytes[53..58], b"login");
        assert_eq!(Entry::decode(&bytes).unwrap(), entry());
    }

    #[test]
    fn long_fields_are_refused_both_ways() {
        let mut long = entry();
        long.event.target = Some("x".repeat(MAX_FIELD_BYTES + 1));
        assert_eq!(
            long.encode(),
            Err(EntryError::FieldTooLong {
                field: "target",
                len: MAX_FIELD_BYTES + 1
            })
        );
        long.event.target = Some("x".repeat(MAX_FIELD_BYTES));
        let bytes = long.encode().unwrap();
        assert!(bytes.len() <= MAX_ENTRY_BYTES);
        assert_eq!(Entry::decode(&bytes).unwrap(), long);
        // docs/AUDIT.md states this bound.
        assert_eq!(MAX_ENTRY_BYTES, 6211);
    }
}
