//! Rows of external links (`docs/EXTERNAL.md`): an envelope offered to a person without an
//! account through a link and a one-time code.
//!
//! The store keeps the server's half of the key (`S`) only while the link is active: every
//! method that ends a link sets it to NULL in the same transaction, so a backup taken after
//! the end holds no `S`.

use crate::{Id, Timestamp};

/// Where a link stands. Only `Active` links release anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkState {
    Active,
    /// Too many wrong codes.
    Locked,
    /// Past its expiry.
    Expired,
    /// Downloaded as many times as allowed.
    Exhausted,
    /// Withdrawn by its sender.
    Withdrawn,
}

impl LinkState {
    /// The stored and wire name: `active`, `locked`, `expired`, `exhausted`, `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Active => "active",
            LinkState::Locked => "locked",
            LinkState::Expired => "expired",
            LinkState::Exhausted => "exhausted",
            LinkState::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`LinkState::as_str`].
    pub fn parse(text: &str) -> Option<LinkState> {
        Some(match text {
            "active" => LinkState::Active,
            "locked" => LinkState::Locked,
            "expired" => LinkState::Expired,
            "exhausted" => LinkState::Exhausted,
            "withdrawn" => LinkState::Withdrawn,
            _ => return None,
        })
    }
}

/// A link as its sender creates it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewLink {
    pub id: Id,
    pub envelope_id: Id,
    pub creator_id: Id,
    /// The recipient's email, normalised.
    pub email: String,
    /// The phone the code went to, if any (E.164).
    pub phone: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub max_downloads: u32,
    /// Keyed hash of the one-time code.
    pub code_hash: [u8; 32],
    /// `S`, the server's half of the key.
    pub server_half: [u8; 32],
    /// Ed25519 key the recipient's receipt must verify with.
    pub receipt_key: [u8; 32],
}

impl std::fmt::Debug for NewLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewLink")
            .field("id", &self.id)
            .field("envelope_id", &self.envelope_id)
            .finish_non_exhaustive()
    }
}

/// A link as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    pub id: Id,
    pub envelope_id: Id,
    pub creator_id: Id,
    pub email: String,
    pub phone: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub max_downloads: u32,
    pub downloads: u32,
    pub code_failures: u32,
    pub state: LinkState,
    pub code_hash: [u8; 32],
    /// `S` while the link is active; `None` once destroyed.
    pub server_half: Option<[u8; 32]>,
    pub receipt_key: [u8; 32],
    /// The recipient's signed receipt, once given.
    pub receipt: Option<LinkReceipt>,
    /// Every counted download: when, and from which address.
    pub openings: Vec<LinkOpening>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("id", &self.id)
            .field("envelope_id", &self.envelope_id)
            .field("state", &self.state)
            .field("downloads", &self.downloads)
            .field("code_failures", &self.code_failures)
            .finish_non_exhaustive()
    }
}

/// A counted download of a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOpening {
    pub at: Timestamp,
    pub address: String,
}

/// The recipient's receipt, signed with the link's receipt key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkReceipt {
    pub manifest_hash: [u8; 32],
    pub opened_at: Timestamp,
    pub signature: Vec<u8>,
    pub log_index: u64,
}
