//! Rows of the flow monitor: learned baselines (opaque to the store), holds on an account's
//! downloads, and canary envelopes.

use crate::{Id, Mailbox, Timestamp};

/// What holds an account's downloads, from the lighter to the heavier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HoldKind {
    /// The session must give its second factor again before it downloads anything more.
    StepUp,
    /// Downloads are refused until an admin lifts the block.
    Blocked,
}

impl HoldKind {
    /// The stored name: `step_up` or `blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            HoldKind::StepUp => "step_up",
            HoldKind::Blocked => "blocked",
        }
    }

    /// Parses [`HoldKind::as_str`].
    pub fn parse(text: &str) -> Option<HoldKind> {
        match text {
            "step_up" => Some(HoldKind::StepUp),
            "blocked" => Some(HoldKind::Blocked),
            _ => None,
        }
    }
}

/// A hold on an account's downloads, with the rule and numbers that put it there (counts
/// only: never a document's content or name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadHold {
    pub account_id: Id,
    pub kind: HoldKind,
    pub at: Timestamp,
    pub rule: String,
    pub details: String,
}

/// A decoy envelope an admin plants in a mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCanary {
    pub envelope_id: Id,
    pub mailbox_id: Id,
    pub planted_by: Id,
    pub planted_at: Timestamp,
}

/// A planted canary, as admins list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canary {
    pub envelope_id: Id,
    pub mailbox: Mailbox,
    /// Kept so the canary still names who planted it if the account goes.
    pub planted_by_email: String,
    pub planted_at: Timestamp,
}

/// What a server saw or did, as it tells the other servers on the same database through the
/// flow monitor's journal, so that their sliding windows and holds count every server's
/// requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalKind {
    /// A download the monitor let through.
    Download,
    /// A listing of an inbox or mailbox.
    Listing,
    /// A hold put on the account's downloads.
    Hold(HoldKind),
    /// An admin lifted the account's hold.
    Lift,
    /// The account gave its second factor again.
    SteppedUp,
}

impl JournalKind {
    /// The stored code, 1 to 6.
    pub fn code(self) -> i64 {
        match self {
            JournalKind::Download => 1,
            JournalKind::Listing => 2,
            JournalKind::Hold(HoldKind::StepUp) => 3,
            JournalKind::Hold(HoldKind::Blocked) => 4,
            JournalKind::Lift => 5,
            JournalKind::SteppedUp => 6,
        }
    }

    /// Parses [`JournalKind::code`].
    pub fn from_code(code: i64) -> Option<JournalKind> {
        Some(match code {
            1 => JournalKind::Download,
            2 => JournalKind::Listing,
            3 => JournalKind::Hold(HoldKind::StepUp),
            4 => JournalKind::Hold(HoldKind::Blocked),
            5 => JournalKind::Lift,
            6 => JournalKind::SteppedUp,
            _ => return None,
        })
    }
}

/// One entry of the flow monitor's journal: counts and ids only, the client address as the
/// monitor's 64-bit hash of it, never content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// The server process that wrote it (random at each start).
    pub instance: Id,
    pub at: Timestamp,
    pub account_id: Id,
    pub org_id: Id,
    pub address: u64,
    pub kind: JournalKind,
    pub bytes: u64,
    pub sender_id: Option<Id>,
    pub mailbox_id: Option<Id>,
}
