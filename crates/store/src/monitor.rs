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
