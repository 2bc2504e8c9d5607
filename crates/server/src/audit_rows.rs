//! The `audit_events` rows, which `pli audit report` reads, checked against the log entries
//! written with them (`pli audit verify --data`).
//!
//! The log's entries are what the Merkle tree and the signed checkpoints protect; the rows are
//! a copy of the events, indexed for reports. Both are written in one transaction, in the same
//! order, each row with its entry's fields, so the rows in `seq` order are the event entries in
//! log order, one for one, less those whose payload retention pruned. A row rewritten,
//! deleted, inserted or moved breaks that and is named here, so that a report cannot be edited
//! by editing the table it is read from.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use pli_audit::{AuditEvent, Entry};
use pli_store::{AuditRecord, Store, StoreError};
use serde_json::{Value, json};

use crate::audit::row_matches_entry;

type Result<T> = std::result::Result<T, StoreError>;

/// Rows read per query.
const ROW_PAGE: u32 = 1000;

/// A row that does not say what the log says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFinding {
    /// Row `seq`, the row of the entry at `index`, says something else than the entry.
    Rewritten { index: u64, time: i64, seq: i64 },
    /// The entry at `index` has no row.
    Deleted { index: u64, time: i64 },
    /// Row `seq` was logged by no entry.
    Inserted { seq: i64, time: i64 },
    /// The row of the entry at `index` comes after the next entry's row, at row `seq`.
    Reordered { index: u64, time: i64, seq: i64 },
}

impl fmt::Display for RowFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RowFinding::Rewritten { index, time, seq } => write!(
                f,
                "the audit_events row {seq} of entry {index} (Unix time {time}) was rewritten: \
                 it no longer says what the entry logged"
            ),
            RowFinding::Deleted { index, time } => write!(
                f,
                "the audit_events row of entry {index} (Unix time {time}) was deleted"
            ),
            RowFinding::Inserted { seq, time } => write!(
                f,
                "the audit_events row {seq} (claiming Unix time {time}) was inserted: no entry \
                 logged it"
            ),
            RowFinding::Reordered { index, time, seq } => write!(
                f,
                "the audit_events row of entry {index} (Unix time {time}) was moved: it is now \
                 row {seq}, after the next entry's"
            ),
        }
    }
}

impl RowFinding {
    /// The finding as `pli audit verify --json` prints it.
    pub fn to_json(self) -> Value {
        match self {
            RowFinding::Rewritten { index, time, seq } => {
                json!({ "kind": "row_rewritten", "index": index, "time": time, "seq": seq })
            }
            RowFinding::Deleted { index, time } => {
                json!({ "kind": "row_deleted", "index": index, "time": time })
            }
            RowFinding::Inserted { seq, time } => {
                json!({ "kind": "row_inserted", "seq": seq, "time": time })
            }
            RowFinding::Reordered { index, time, seq } => {
                json!({ "kind": "row_reordered", "index": index, "time": time, "seq": seq })
            }
        }
    }
}

/// Checks every row of `store` against its stored entries: the first difference, `None` when
/// the rows say what the log says. The entries themselves are not verified here (that is
/// [`pli_audit::Verification`]'s work): a damaged entry is passed over.
pub async fn check_rows(store: Arc<dyn Store>) -> Result<Option<RowFinding>> {
    let mut check = RowCheck::new(store.clone());
    let mut start = 0;
    loop {
        let page = store.audit_log_stored(start, ROW_PAGE).await?;
        let Some(last) = page.last().map(|entry| entry.index) else {
            break;
        };
        for entry in page.iter().filter(|entry| entry.pruned_leaf.is_none()) {
            if let Ok(decoded) = Entry::decode(&entry.bytes) {
                check.push(entry.index, decoded.event).await?;
            }
        }
        start = last.saturating_add(1);
    }
    check.finish().await
}

/// Walks the rows beside the event entries pushed in log order; the first difference is kept.
pub struct RowCheck {
    store: Arc<dyn Store>,
    /// Rows read and not yet matched, in `seq` order.
    rows: VecDeque<AuditRecord>,
    after_seq: i64,
    exhausted: bool,
    /// The last entry pushed: it is checked once the one after it is known, which tells a
    /// deleted row from a rewritten one.
    waiting: Option<(u64, AuditEvent)>,
    /// Time of the first event entry that still holds its payload.
    first_time: Option<i64>,
    finding: Option<RowFinding>,
}

impl RowCheck {
    pub fn new(store: Arc<dyn Store>) -> RowCheck {
        RowCheck {
            store,
            rows: VecDeque::new(),
            after_seq: 0,
            exhausted: false,
            waiting: None,
            first_time: None,
            finding: None,
        }
    }

    /// The next event entry of the log that still holds its payload, at `index`.
    pub async fn push(&mut self, index: u64, event: AuditEvent) -> Result<()> {
        if self.finding.is_some() {
            return Ok(());
        }
        self.first_time.get_or_insert(event.time);
        let next = (index, event);
        if let Some(current) = self.waiting.take() {
            self.check(&current, Some(&next)).await?;
        }
        self.waiting = Some(next);
        Ok(())
    }

    /// Checks the last entry and that no row is left over: the first difference found.
    pub async fn finish(mut self) -> Result<Option<RowFinding>> {
        if self.finding.is_some() {
            return Ok(self.finding);
        }
        if let Some(current) = self.waiting.take() {
            self.check(&current, None).await?;
        }
        if self.finding.is_none()
            && let Some(row) = self.row(0).await?
        {
            self.finding = Some(RowFinding::Inserted {
                seq: row.seq,
                time: row.event.at,
            });
        }
        Ok(self.finding)
    }

    /// The row `ahead` rows past the first not yet matched.
    async fn row(&mut self, ahead: usize) -> Result<Option<&AuditRecord>> {
        while self.rows.len() <= ahead && !self.exhausted {
            let page = self
                .store
                .audit_events(None, self.after_seq, ROW_PAGE)
                .await?;
            match page.last() {
                Some(last) => self.after_seq = last.seq,
                None => self.exhausted = true,
            }
            self.rows.extend(page);
        }
        Ok(self.rows.get(ahead))
    }

    async fn check(
        &mut self,
        (index, entry): &(u64, AuditEvent),
        next: Option<&(u64, AuditEvent)>,
    ) -> Result<()> {
        let matches = |row: Option<&AuditRecord>, entry: &AuditEvent| {
            row.is_some_and(|row| row_matches_entry(&row.event, entry))
        };
        if matches(self.row(0).await?, entry) {
            self.rows.pop_front();
            return Ok(());
        }
        // Retention deletes the rows older than its cut-off, and prunes entries in log order
        // up to the first one newer than it: an entry logged a little out of order, older than
        // the first entry it left whole, may keep its payload without its row.
        if self.first_time.is_some_and(|first| entry.time < first) {
            return Ok(());
        }
        let time = entry.time;
        let Some((seq, row_time)) = self.row(0).await?.map(|row| (row.seq, row.event.at)) else {
            self.finding = Some(RowFinding::Deleted {
                index: *index,
                time,
            });
            return Ok(());
        };
        let first_is_next = next.is_some_and(|(_, next)| matches(self.rows.front(), next));
        let second = self.row(1).await?.map(|row| row.seq);
        let second_is_this = matches(self.rows.get(1), entry);
        self.finding = Some(match (first_is_next, second_is_this, second) {
            (true, true, Some(moved)) => RowFinding::Reordered {
                index: *index,
                time,
                seq: moved,
            },
            (true, _, _) => RowFinding::Deleted {
                index: *index,
                time,
            },
            (false, true, _) => RowFinding::Inserted {
                seq,
                time: row_time,
            },
            (false, false, _) => RowFinding::Rewritten {
                index: *index,
                time,
                seq,
            },
        });
        Ok(())
    }
}
