//! Replays every stored entry against the checkpoints a client kept, and names the first entry
//! that was rewritten, deleted, inserted or moved.
//!
//! Two independent checks run over one pass, in `O(log n)` memory for an intact log:
//!
//! * the tree: the root recomputed from the entries must equal the root of every kept
//!   checkpoint at its size, which no change to the first `size` entries can survive;
//! * the chain: entry `i` must say it is entry `i` and carry the leaf hash of entry `i - 1`, which
//!   tells which entry a naive edit of the storage touched, and catches edits after the last
//!   checkpoint too.
//!
//! An insider who rebuilds the chain after an edit still fails the tree check; the error then
//! gives the range of entries between the last matching checkpoint and the first failing one.

use std::collections::VecDeque;
use std::fmt;

use crate::checkpoint::SignedCheckpoint;
use crate::entry::{Entry, EntryHeader, HEADER_BYTES, KIND_AUDIT_EVENT};
use crate::merkle::{Frontier, Hash, MAX_TREE_SIZE, MerkleError, leaf_hash};

/// How many entries after the first broken link are kept to tell a move from a deletion. A
/// deleted entry found further than this is reported as deleted rather than moved.
pub const MAX_LOOKAHEAD: usize = 1 << 18;

/// How many entries before the first broken link are remembered to find where an insertion
/// started.
const LOOKBEHIND: usize = 64;

/// A change to the log's history, named by entry index (0-based) and, where known, the time of
/// the event at that index (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tampering {
    /// The entry at `index` is not the one logged there.
    Rewritten {
        /// Index of the entry.
        index: u64,
        /// Time the entry now stored there claims.
        time: Option<i64>,
    },
    /// `count` entries from `index` are missing.
    Deleted {
        /// Index of the first missing entry.
        index: u64,
        /// Number of missing entries.
        count: u64,
        /// Time of the entry before them.
        after: Option<i64>,
        /// Time of the entry after them, when it is still there.
        before: Option<i64>,
    },
    /// `count` entries that were never logged appear from `index`.
    Inserted {
        /// Index of the first foreign entry.
        index: u64,
        /// Number of foreign entries.
        count: u64,
        /// Time the first foreign entry claims.
        time: Option<i64>,
    },
    /// The entry logged at `index` is now at position `found_at`.
    Reordered {
        /// Index the entry was logged at.
        index: u64,
        /// Position it is stored at now.
        found_at: u64,
        /// Time of that entry.
        time: Option<i64>,
    },
    /// Entries in `from..to` no longer hash to the root signed for `to` entries, and the chain
    /// was rebuilt so that no single entry stands out. Entries before `from` are intact.
    RootMismatch {
        /// Size of the last checkpoint that matched.
        from: u64,
        /// Size of the first checkpoint that did not.
        to: u64,
    },
    /// The stored bundle `bundle` (entries `index` onwards, see [`crate::BUNDLE_WIDTH`]) does not
    /// decode: its stored bytes were changed, so none of its entries can be read. Entries before
    /// `index` are intact.
    UndecodableBundle {
        /// Number of the bundle.
        bundle: u64,
        /// Index of its first entry.
        index: u64,
    },
}

impl Tampering {
    /// Index of the first entry concerned.
    pub fn index(&self) -> u64 {
        match *self {
            Tampering::Rewritten { index, .. }
            | Tampering::Deleted { index, .. }
            | Tampering::Inserted { index, .. }
            | Tampering::Reordered { index, .. }
            | Tampering::UndecodableBundle { index, .. } => index,
            Tampering::RootMismatch { from, .. } => from,
        }
    }
}

impl fmt::Display for Tampering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Tampering::Rewritten { index, time } => {
                write!(f, "entry {index}{} was rewritten", at(time))
            }
            Tampering::Deleted {
                index,
                count,
                after,
                before,
            } => {
                let last = index + count - 1;
                if count == 1 {
                    write!(f, "entry {index} was deleted")?;
                } else {
                    write!(f, "entries {index} to {last} were deleted")?;
                }
                match (after, before) {
                    (Some(after), Some(before)) => {
                        write!(f, " (logged between Unix times {after} and {before})")
                    }
                    (Some(after), None) => write!(f, " (logged after Unix time {after})"),
                    (None, Some(before)) => write!(f, " (logged before Unix time {before})"),
                    (None, None) => Ok(()),
                }
            }
            Tampering::Inserted { index, count, time } => {
                if count == 1 {
                    write!(f, "entry {index}{} was inserted", at(time))
                } else {
                    write!(
                        f,
                        "{count} entries were inserted from entry {index}{}",
                        at(time)
                    )
                }
            }
            Tampering::Reordered {
                index,
                found_at,
                time,
            } => write!(
                f,
                "entry {index}{} was moved to position {found_at}",
                at(time)
            ),
            Tampering::RootMismatch { from, to } => write!(
                f,
                "entries {from} to {} do not match the checkpoint of {to} entries",
                to.saturating_sub(1)
            ),
            Tampering::UndecodableBundle { bundle, index } => write!(
                f,
                "the stored bundle {bundle} (entries {index} to {}) does not decode",
                index.saturating_add(crate::BUNDLE_WIDTH - 1)
            ),
        }
    }
}

fn at(time: Option<i64>) -> String {
    time.map(|time| format!(" (Unix time {time})"))
        .unwrap_or_default()
}

/// Why a log failed verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The stored entries are not the history the checkpoints signed.
    #[error("the audit log was tampered with: {0}")]
    Tampered(Tampering),
    /// Two checkpoints of the same size have different roots: the log signed two histories.
    #[error("two checkpoints of {size} entries have different roots: the log forked")]
    Forked {
        /// Their size.
        size: u64,
    },
    /// The checkpoints are not all of the same log.
    #[error("checkpoints of different logs: {0:?} and {1:?}")]
    MixedOrigins(String, String),
    /// The log or a checkpoint is larger than this crate handles.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
}

/// A log that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Number of entries.
    pub size: u64,
    /// Root hash recomputed from them.
    pub root: Hash,
    /// Number of distinct checkpoint sizes checked.
    pub checkpoints: usize,
    /// Size of the largest checkpoint: entries from there on are chained but not yet signed.
    pub signed_size: u64,
}

/// An incremental verification: feed every stored entry in order with
/// [`Verification::push`], then call [`Verification::finish`].
#[derive(Debug)]
pub struct Verification {
    /// Trusted (size, root) pairs, by increasing size, without duplicates.
    heads: Vec<(u64, Hash)>,
    next_head: usize,
    frontier: Frontier,
    /// Leaf hashes and times of the last entries, newest last.
    recent: VecDeque<(Hash, Option<i64>)>,
    last_matched: u64,
    /// The first checkpoint that failed: sizes of the last good one and of it, and the time of
    /// the entry just before it.
    root_mismatch: Option<(u64, u64, Option<i64>)>,
    anomaly: Option<Anomaly>,
}

/// What the entry at a position says about itself.
#[derive(Clone, Copy, Debug)]
struct Summary {
    claim: Option<u64>,
    prev: Option<Hash>,
    time: Option<i64>,
    readable: bool,
}

/// The first broken link and what follows it.
#[derive(Debug)]
struct Anomaly {
    position: u64,
    /// Leaf hashes and times of the entries before `position`, newest last.
    before: Vec<(Hash, Option<i64>)>,
    /// Summaries from `position` on.
    tail: Vec<Summary>,
}

impl Verification {
    /// Starts a verification against checkpoints the caller trusts (opened with the log's key).
    pub fn new(checkpoints: &[SignedCheckpoint]) -> Result<Verification, VerifyError> {
        let mut heads: Vec<(u64, Hash)> = Vec::with_capacity(checkpoints.len());
        let mut origin: Option<&str> = None;
        for signed in checkpoints {
            let checkpoint = signed.checkpoint();
            match origin {
                None => origin = Some(checkpoint.origin()),
                Some(first) if first != checkpoint.origin() => {
                    return Err(VerifyError::MixedOrigins(
                        first.to_owned(),
                        checkpoint.origin().to_owned(),
                    ));
                }
                Some(_) => {}
            }
            heads.push((checkpoint.size(), *checkpoint.root()));
        }
        heads.sort();
        heads.dedup();
        for pair in heads.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(VerifyError::Forked { size: pair[0].0 });
            }
        }
        if let Some(&(size, _)) = heads.last()
            && size > MAX_TREE_SIZE
        {
            return Err(MerkleError::TooLarge { size }.into());
        }
        let mut verification = Verification {
            heads,
            next_head: 0,
            frontier: Frontier::new(),
            recent: VecDeque::with_capacity(LOOKBEHIND),
            last_matched: 0,
            root_mismatch: None,
            anomaly: None,
        };
        verification.check_heads();
        Ok(verification)
    }

    /// Feeds the next stored entry.
    pub fn push(&mut self, entry: &[u8]) -> Result<(), VerifyError> {
        self.push_summary(leaf_hash(entry), summarize(entry))
    }

    /// Feeds the next stored entry when only its header (the first [`HEADER_BYTES`] bytes) and
    /// its leaf hash are known, as for another organisation's entry: the tree and the chain are
    /// checked as for a whole entry, only the body cannot be read.
    pub fn push_redacted(&mut self, header: &[u8], leaf: Hash) -> Result<(), VerifyError> {
        let summary = match header
            .get(..HEADER_BYTES)
            .filter(|_| header.len() == HEADER_BYTES)
            .map(EntryHeader::decode)
        {
            Some(Ok(header)) => Summary {
                claim: Some(header.index),
                prev: Some(header.prev),
                time: Some(header.time),
                readable: true,
            },
            _ => Summary {
                claim: None,
                prev: None,
                time: None,
                readable: false,
            },
        };
        self.push_summary(leaf, summary)
    }

    fn push_summary(&mut self, hash: Hash, summary: Summary) -> Result<(), VerifyError> {
        let position = self.frontier.size();
        if let Some(anomaly) = &mut self.anomaly {
            if anomaly.tail.len() < MAX_LOOKAHEAD {
                anomaly.tail.push(summary);
            }
        } else {
            let expected_prev = self
                .recent
                .back()
                .map_or(Hash::default(), |(hash, _)| *hash);
            let linked = summary.readable
                && summary.claim == Some(position)
                && summary.prev == Some(expected_prev);
            if !linked {
                self.anomaly = Some(Anomaly {
                    position,
                    before: self.recent.iter().copied().collect(),
                    tail: vec![summary],
                });
            }
        }
        self.frontier.push(hash)?;
        if self.recent.len() == LOOKBEHIND {
            self.recent.pop_front();
        }
        self.recent.push_back((hash, summary.time));
        self.check_heads();
        Ok(())
    }

    /// Number of entries fed so far.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The verdict: the first discrepancy, or what verified.
    pub fn finish(self) -> Result<Verified, VerifyError> {
        let size = self.frontier.size();
        let structural = self.anomaly.as_ref().map(classify);
        if let Some(tampering) = &structural
            && self
                .root_mismatch
                .is_none_or(|(_, to, _)| tampering.index() < to)
        {
            return Err(VerifyError::Tampered(tampering.clone()));
        }
        if let Some((from, to, time)) = self.root_mismatch {
            // A range of one entry names it.
            let tampering = if to - from == 1 {
                Tampering::Rewritten { index: from, time }
            } else {
                Tampering::RootMismatch { from, to }
            };
            return Err(VerifyError::Tampered(tampering));
        }
        if let Some(&(signed_size, _)) = self.heads.last()
            && signed_size > size
        {
            return Err(VerifyError::Tampered(Tampering::Deleted {
                index: size,
                count: signed_size - size,
                after: self.recent.back().and_then(|(_, time)| *time),
                before: None,
            }));
        }
        Ok(Verified {
            size,
            root: self.frontier.root(),
            checkpoints: self.heads.len(),
            signed_size: self.heads.last().map_or(0, |(size, _)| *size),
        })
    }

    fn check_heads(&mut self) {
        while let Some(&(size, root)) = self.heads.get(self.next_head)
            && size == self.frontier.size()
        {
            if self.root_mismatch.is_none() {
                if self.frontier.root() == root {
                    self.last_matched = size;
                } else {
                    let time = self.recent.back().and_then(|(_, time)| *time);
                    self.root_mismatch = Some((self.last_matched, size, time));
                }
            }
            self.next_head += 1;
        }
    }
}

/// Verifies a whole log: every stored entry, in order, against the checkpoints kept earlier.
pub fn verify_log<I, B>(
    checkpoints: &[SignedCheckpoint],
    entries: I,
) -> Result<Verified, VerifyError>
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let mut verification = Verification::new(checkpoints)?;
    for entry in entries {
        verification.push(entry.as_ref())?;
    }
    verification.finish()
}

fn summarize(entry: &[u8]) -> Summary {
    match EntryHeader::decode(entry) {
        Err(_) => Summary {
            claim: None,
            prev: None,
            time: None,
            readable: false,
        },
        Ok(header) => Summary {
            claim: Some(header.index),
            prev: Some(header.prev),
            time: Some(header.time),
            // Kinds this version does not know are judged by their header alone.
            readable: header.kind != KIND_AUDIT_EVENT || Entry::decode(entry).is_ok(),
        },
    }
}

/// Names the change that explains the first broken link, from what surrounds it.
fn classify(anomaly: &Anomaly) -> Tampering {
    let position = anomaly.position;
    let at = anomaly.tail[0];
    // Leaf hash and time of the entry at `index` before the anomaly; entry "-1" is the zero hash.
    let before = |index: Option<u64>| -> Option<(Hash, Option<i64>)> {
        let Some(index) = index else {
            return Some((Hash::default(), None));
        };
        let back = usize::try_from(position - index).ok()?;
        let slot = anomaly.before.len().checked_sub(back)?;
        anomaly.before.get(slot).copied()
    };
    let previous = before(position.checked_sub(1));

    if at.readable
        && let Some(claim) = at.claim
        && claim > position
    {
        if let Some(offset) = anomaly.tail.iter().position(|s| s.claim == Some(position)) {
            return Tampering::Reordered {
                index: position,
                found_at: position + offset as u64,
                time: anomaly.tail[offset].time,
            };
        }
        return Tampering::Deleted {
            index: position,
            count: claim - position,
            after: previous.and_then(|(_, time)| time),
            before: at.time,
        };
    }

    // The entry logged at `position` sits further down, still linked to the entry before it.
    if let Some((previous_hash, _)) = previous
        && let Some(offset) = anomaly
            .tail
            .iter()
            .skip(1)
            .position(|s| s.claim == Some(position) && s.prev == Some(previous_hash))
    {
        return Tampering::Inserted {
            index: position,
            count: offset as u64 + 1,
            time: at.time,
        };
    }

    if at.readable
        && let Some(claim) = at.claim
        && claim < position
    {
        // Entries claiming `claim..position` were slipped in, chained from entry `claim - 1`.
        if let Some((hash, _)) = before(claim.checked_sub(1))
            && at.prev == Some(hash)
        {
            return Tampering::Inserted {
                index: claim,
                count: position - claim,
                time: before(Some(claim)).and_then(|(_, time)| time),
            };
        }
        return Tampering::Inserted {
            index: position,
            count: 1,
            time: at.time,
        };
    }

    if !at.readable || position == 0 {
        return Tampering::Rewritten {
            index: position,
            time: at.time,
        };
    }
    // The entry says it is entry `position` but links to another entry before it: that one changed.
    Tampering::Rewritten {
        index: position - 1,
        time: previous.and_then(|(_, time)| time),
    }
}
