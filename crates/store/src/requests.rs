//! Rows of upload requests (`docs/REQUESTS.md`): an account asks a person without an account
//! for documents through a link; each upload is an envelope routed to the request's addressee.
//!
//! Nothing here is secret: the statement and its signature are shown to the link's holder.
//! The counts and states that bound uploads are checked and changed in the same transaction
//! that makes an upload visible, so two racing uploads never both take the last one.

use crate::{Id, Timestamp};

/// Where a request stands. Only `Active` requests take uploads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestState {
    Active,
    /// Past its expiry.
    Expired,
    /// Received as many uploads as allowed.
    Exhausted,
    /// Withdrawn by its requester.
    Withdrawn,
}

impl RequestState {
    /// The stored and wire name: `active`, `expired`, `exhausted`, `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Active => "active",
            RequestState::Expired => "expired",
            RequestState::Exhausted => "exhausted",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`RequestState::as_str`].
    pub fn parse(text: &str) -> Option<RequestState> {
        Some(match text {
            "active" => RequestState::Active,
            "expired" => RequestState::Expired,
            "exhausted" => RequestState::Exhausted,
            "withdrawn" => RequestState::Withdrawn,
            _ => return None,
        })
    }
}

/// A request as its requester creates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUploadRequest {
    pub id: Id,
    pub creator_id: Id,
    /// The mailbox the uploads go to; `None`: the requester's own inbox.
    pub mailbox_id: Option<Id>,
    /// The outside person's email, normalised.
    pub email: String,
    /// age recipients, in the order the statement signs them.
    pub recipients: Vec<String>,
    /// The requester's Ed25519 signature of the statement (64 bytes).
    pub signature: Vec<u8>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub max_uploads: u32,
}

/// A request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRequest {
    pub id: Id,
    pub creator_id: Id,
    pub mailbox_id: Option<Id>,
    /// The mailbox's name, or the requester's email.
    pub addressee: String,
    pub email: String,
    pub recipients: Vec<String>,
    pub signature: Vec<u8>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub max_uploads: u32,
    /// Uploads made visible so far.
    pub uploads: u32,
    pub state: RequestState,
    /// Stored envelopes uploaded through it (deleted ones drop out), oldest first.
    pub envelopes: Vec<RequestUpload>,
}

/// One stored envelope of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestUpload {
    pub envelope_id: Id,
    pub size: u64,
    pub at: Timestamp,
    /// The uploader's client address.
    pub address: String,
}

/// The mark of an envelope uploaded through a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideOrigin {
    pub request_id: Id,
    /// The request's email.
    pub email: String,
}
