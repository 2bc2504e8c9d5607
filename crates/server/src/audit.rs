//! The audit writer: one task that batches concurrent events into one store transaction (group
//! commit), so a burst of requests costs one durable commit instead of one each.
//!
//! Every event is also an entry of the tamper-evident audit log (`pli-audit`, `docs/AUDIT.md`):
//! a batch's rows, its log entries, the tree hashes they add and the one checkpoint signed for
//! it are written in the same transaction, so the table and the log never disagree.
//!
//! Handlers that change state wait until their event is durable before answering
//! ([`AuditLog::record_durable`]); reads and denials only enqueue ([`AuditLog::record`]).

use pli_audit::{HashStore, LogKey, LogVerifier, StorageError};
use pli_store::{AuditEvent, LogBatch, Outcome, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, oneshot};

/// Most events written in one transaction.
const MAX_BATCH: usize = 1024;

/// How many events the next batch may take when the log holds `size` entries: up to
/// [`MAX_BATCH`], but ending where an entry bundle of 256 ends. When events queue faster than
/// they are written, every batch after the first then fills whole bundles, which the store
/// inserts compressed, instead of reading back, extending and rewriting the last one's raw
/// bytes each time (`docs/AUDIT.md`, section 6). A quiet log's small batches are unaffected.
fn batch_limit(size: Option<u64>) -> usize {
    let into_bundle = size.map_or(0, |size| size % pli_audit::BUNDLE_WIDTH);
    MAX_BATCH - usize::try_from(into_bundle).unwrap_or(0)
}
/// Events waiting for the writer before senders wait too (back-pressure).
const QUEUE: usize = 8192;
/// Name of the log key's file in the data directory.
pub const LOG_KEY_FILE: &str = "audit-log.key";

/// Failure to make an audit event durable; the action it records must not be acknowledged.
#[derive(Debug, Clone, thiserror::Error)]
#[error("audit trail not written: {0}")]
pub struct AuditError(String);

/// Why the audit log could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogOpenError {
    /// The origin is not a valid key name.
    #[error("invalid audit log origin: {0}")]
    Origin(pli_audit::CheckpointError),
    /// The configured origin is not the one the stored log was signed under.
    #[error(
        "the audit log in this data directory is {stored:?}, not {configured:?}; a log's origin cannot change (drop --log-origin to keep {stored:?})"
    )]
    OriginChanged { stored: String, configured: String },
    /// The latest stored checkpoint is not signed by the log key, or does not parse.
    #[error("the latest audit log checkpoint does not open with the log key: {0}")]
    Checkpoint(pli_audit::CheckpointError),
    /// The stored tree does not match the latest checkpoint.
    #[error("the stored audit log does not match its latest checkpoint: {0}")]
    Log(pli_audit::LogError),
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the writer needs to (re)open its log: the key, the origins, and the log if the caller
/// already opened it ([`AppState::new`](crate::AppState::new) is not async, so the task opens
/// it then).
pub(crate) struct LogSource {
    pub(crate) seed: [u8; 32],
    pub(crate) origin: Option<String>,
    pub(crate) fallback: String,
    pub(crate) opened: Option<pli_audit::AuditLog>,
}

impl LogSource {
    async fn open(&self, store: &dyn Store) -> Result<pli_audit::AuditLog, AuditError> {
        open_log(store, &self.seed, self.origin.as_deref(), &self.fallback)
            .await
            .map_err(|error| {
                tracing::error!(%error, "audit log not opened; audited actions will fail");
                AuditError("audit log unavailable".into())
            })
    }
}

/// Appends one event through the audit log of a data directory, for offline administration.
pub(crate) async fn append_offline(
    data_dir: &std::path::Path,
    store: &dyn Store,
    event: AuditEvent,
) -> Result<(), crate::ServerError> {
    let mut batch = Batch::default();
    batch.push(Item::Event(event));
    let mut attempts = 0;
    loop {
        // A running server (or several, on one database) may extend the log between our
        // reading its end and writing: then reopen at the new end and try again.
        let mut log =
            crate::state::open_audit_log(data_dir, store, None, "localhost/audit").await?;
        attempts += 1;
        match write_batch(store, &mut log, &mut batch).await {
            Ok(_) => return Ok(()),
            Err((true, _)) if attempts < WRITE_ATTEMPTS => {}
            Err((_, error)) => return Err(crate::ServerError::Invalid(error.to_string())),
        }
    }
}

/// How many times a batch is prepared against the log's end before giving up, when other
/// writers (offline administration, other servers on one database) keep extending it.
const WRITE_ATTEMPTS: u32 = 8;

/// What the writer appends: an audit event (a row and its entry), or an entry alone (a
/// published key, a receipt).
enum Item {
    Event(AuditEvent),
    Record(pli_audit::Record),
}

/// A batch as the writer collects it: the events (a row and an entry each) in order, and the
/// entries without a row at their positions among them, so that each event's entry is encoded
/// straight from the event.
#[derive(Default)]
struct Batch {
    events: Vec<AuditEvent>,
    records: Vec<(usize, pli_audit::Record)>,
}

impl Batch {
    fn len(&self) -> usize {
        self.events.len() + self.records.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push(&mut self, item: Item) {
        match item {
            Item::Event(event) => self.events.push(event),
            Item::Record(record) => self.records.push((self.len(), record)),
        }
    }
}

type Waiter = oneshot::Sender<Result<u64, AuditError>>;

enum Message {
    Item(Item, Option<Waiter>),
    /// Answered once every event sent before it is committed.
    Flush(oneshot::Sender<()>),
}

/// Handle to the audit writer; cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    sender: mpsc::Sender<Message>,
    verifier: Arc<RwLock<Option<LogVerifier>>>,
}

impl AuditLog {
    /// Starts the writer task on the current tokio runtime. It ends when every handle is gone,
    /// after writing what it was given.
    pub(crate) fn spawn(store: Arc<dyn Store>, log: LogSource) -> AuditLog {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let verifier = Arc::new(RwLock::new(log.opened.as_ref().map(|log| log.verifier())));
        tokio::spawn(run(store, log, receiver, verifier.clone()));
        AuditLog { sender, verifier }
    }

    /// The key the log's checkpoints are signed with, once the log is open.
    pub fn verifier(&self) -> Option<LogVerifier> {
        self.verifier
            .read()
            .ok()
            .and_then(|verifier| verifier.clone())
    }

    /// Enqueues an event without waiting for it to be durable.
    pub async fn record(&self, event: AuditEvent) {
        if self
            .sender
            .send(Message::Item(Item::Event(event), None))
            .await
            .is_err()
        {
            tracing::error!("audit writer has stopped; an audit event was lost");
        }
    }

    /// Enqueues an event and waits until it is committed.
    pub async fn record_durable(&self, event: AuditEvent) -> Result<(), AuditError> {
        self.append_durable(Item::Event(event)).await.map(|_| ())
    }

    /// Appends a log entry that has no audit row (a published key, a receipt), waits until it
    /// is committed, and returns its index in the log.
    pub async fn log_durable(&self, record: pli_audit::Record) -> Result<u64, AuditError> {
        self.append_durable(Item::Record(record)).await
    }

    async fn append_durable(&self, item: Item) -> Result<u64, AuditError> {
        let (done, wait) = oneshot::channel();
        self.sender
            .send(Message::Item(item, Some(done)))
            .await
            .map_err(|_| AuditError("writer stopped".into()))?;
        wait.await
            .map_err(|_| AuditError("writer stopped".into()))?
    }

    /// Waits until every event enqueued before this call is committed (or failed).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Opens the audit log of `store` with the key `seed`. The origin is `origin` if given (it
/// must then be the stored log's), else the stored log's, else `fallback`.
pub async fn open_log(
    store: &dyn Store,
    seed: &[u8; 32],
    origin: Option<&str>,
    fallback: &str,
) -> Result<pli_audit::AuditLog, LogOpenError> {
    let make_key = |name: &str| {
        LogKey::new(name, pli_audit::SigningKey::from_bytes(seed)).map_err(LogOpenError::Origin)
    };
    let Some(latest) = store.audit_log_latest().await? else {
        let key = make_key(origin.unwrap_or(fallback))?;
        return Ok(pli_audit::AuditLog::new(key));
    };
    let stored = pli_audit::Checkpoint::from_text(&note_text(&latest.note))
        .map_err(LogOpenError::Checkpoint)?;
    if let Some(origin) = origin
        && origin != stored.origin()
    {
        return Err(LogOpenError::OriginChanged {
            stored: stored.origin().to_owned(),
            configured: origin.to_owned(),
        });
    }
    let key = make_key(stored.origin())?;
    let verifier = key.verifier();
    let signed = pli_audit::SignedCheckpoint::open(latest.note.as_bytes(), &verifier)
        .map_err(LogOpenError::Checkpoint)?;
    let checkpoint = signed.checkpoint();
    // The tree's right edge is read through the synchronous `HashStore`: record which hashes
    // reopening asks for, fetch them, then reopen over what was fetched.
    let recorder = Recorder::default();
    let _ = pli_audit::AuditLog::open(make_key(stored.origin())?, checkpoint, &recorder);
    let mut indexes = recorder.into_indexes();
    if let Some(last) = checkpoint.size().checked_sub(1) {
        indexes.push(pli_audit::stored_hash_index(0, last));
    }
    let hashes = store.audit_log_hashes(&indexes).await?;
    let fetched: HashMap<u64, pli_audit::Hash> = indexes
        .into_iter()
        .zip(hashes.into_iter().map(pli_audit::Hash::from_bytes))
        .collect();
    pli_audit::AuditLog::open(key, checkpoint, &fetched).map_err(LogOpenError::Log)
}

/// The text of a signed note, above its blank line (enough to read the origin before the key
/// that checks the signature is known).
fn note_text(note: &str) -> String {
    note.split_once("\n\n")
        .map_or_else(String::new, |(text, _)| format!("{text}\n"))
}

#[derive(Default)]
struct Recorder {
    asked: std::sync::Mutex<Vec<u64>>,
}

impl Recorder {
    fn into_indexes(self) -> Vec<u64> {
        self.asked.into_inner().unwrap_or_default()
    }
}

impl HashStore for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<pli_audit::Hash>, StorageError> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.extend_from_slice(indexes);
        }
        Err(StorageError::new("recording"))
    }
}

/// The entry fields of an event, borrowed; ids are written as hex into the buffers. Values a
/// client chose were already shortened to the entry's limit (see [`shorten`]).
fn log_event<'a>(
    event: &'a AuditEvent,
    org: &'a mut [u8; 32],
    actor: &'a mut [u8; 32],
) -> pli_audit::AuditEventRef<'a> {
    pli_audit::AuditEventRef {
        time: event.at,
        org: event.org_id.map(|id| hex_id(id, org)),
        actor: event.actor.map(|id| hex_id(id, actor)),
        actor_email: event.actor_email.as_deref(),
        address: &event.from,
        action: &event.action,
        target: event.target.as_deref(),
        outcome: match event.outcome {
            Outcome::Allowed => pli_audit::Outcome::Allowed,
            Outcome::Denied => pli_audit::Outcome::Denied,
            Outcome::Failed => pli_audit::Outcome::Failed,
        },
    }
}

/// The audit event of an alert raised (`alert.raised`): its kind and whom it is about, in the
/// organisation it was raised in. Its details stay in the alert, which admins read.
pub fn alert_event(alert: &pli_store::NewAlert) -> AuditEvent {
    AuditEvent {
        at: alert.at,
        actor: alert.account_id,
        actor_email: alert.email.clone(),
        org_id: Some(alert.org_id),
        from: "server".to_owned(),
        action: "alert.raised".to_owned(),
        target: Some(alert.kind.clone()),
        outcome: Outcome::Allowed,
    }
}

/// Whether an `audit_events` row says exactly what the log entry logged with it says. Rows and
/// entries are written in one transaction, each row with the same fields as its entry (text
/// cut to the same limit), so any difference is a change made to one of them afterwards.
pub fn row_matches_entry(row: &AuditEvent, entry: &pli_audit::AuditEvent) -> bool {
    let (mut org, mut actor) = ([0u8; 32], [0u8; 32]);
    log_event(row, &mut org, &mut actor) == entry.borrowed()
}

/// An id as its `Display` form (32 lowercase hex digits), without allocating.
fn hex_id(id: pli_store::Id, buffer: &mut [u8; 32]) -> &str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in buffer.chunks_exact_mut(2).zip(id.as_bytes()) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    std::str::from_utf8(buffer).unwrap_or_default()
}

/// Cuts every text field to the log's limit, on a character boundary, so that a claimed email
/// or an address of any length is still logged, and the row says exactly what the entry says.
fn shorten(event: &mut AuditEvent) {
    fn cut(text: &mut String) {
        if text.len() > pli_audit::MAX_FIELD_BYTES {
            let mut end = pli_audit::MAX_FIELD_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
    }
    cut(&mut event.from);
    cut(&mut event.action);
    for text in [&mut event.actor_email, &mut event.target]
        .into_iter()
        .flatten()
    {
        cut(text);
    }
}

/// Encodes, hashes and signs a batch against `log` without changing it: the log entries to
/// store, and the pending batch that advances `log` once they are stored. Full entry bundles are
/// compressed here, before the store's transaction.
fn prepare_batch(
    log: &pli_audit::AuditLog,
    batch: &mut Batch,
) -> Result<(pli_audit::PendingBatch, LogBatch), AuditError> {
    for event in &mut batch.events {
        shorten(event);
    }
    let (mut events, mut records) = (batch.events.iter(), batch.records.iter().peekable());
    let (mut org, mut actor) = ([0u8; 32], [0u8; 32]);
    let mut pending = log
        .prepare_with(batch.len(), |position, index, prev| {
            if let Some((_, record)) = records.next_if(|(at, _)| *at == position) {
                return record.encode(index, prev);
            }
            match events.next() {
                Some(event) => {
                    pli_audit::encode_event_ref(index, prev, log_event(event, &mut org, &mut actor))
                }
                // Not reached: the batch's length counts its events and records.
                None => Err(pli_audit::EntryError::Truncated),
            }
        })
        .map_err(|error| AuditError(error.to_string()))?;
    let first_index = pending.first_index();
    let log_batch = LogBatch {
        first_index,
        bundles: pli_store::bundle_writes(
            first_index,
            &pending.take_entries(),
            Some(&pending.leaf_hashes()),
        )
        .map_err(|error| AuditError(error.to_string()))?,
        tiles: pending
            .tile_appends()
            .map_err(|error| AuditError(error.to_string()))?,
        size: pending.size(),
        checkpoint: pending.checkpoint().as_str().to_owned(),
    };
    Ok((pending, log_batch))
}

/// Writes one batch: rows and log entries in one transaction, then advances the log, and
/// returns the index of its first entry. On error nothing was written; `true` says the log's
/// end was taken by another writer (offline administration beside a running server), so
/// reopening the log and retrying can succeed.
async fn write_batch(
    store: &dyn Store,
    log: &mut pli_audit::AuditLog,
    batch: &mut Batch,
) -> Result<u64, (bool, AuditError)> {
    let (pending, log_batch) = prepare_batch(log, batch).map_err(|error| (false, error))?;
    store
        .append_audit_logged(&batch.events, &log_batch)
        .await
        .map_err(|error| {
            let conflict = matches!(error, StoreError::Conflict(_));
            (conflict, AuditError(error.to_string()))
        })?;
    let appended = log
        .commit(pending)
        .map_err(|error| (false, AuditError(error.to_string())))?;
    Ok(appended.first_index)
}

/// Writes a batch; if another writer appended to the log meanwhile, reopens the log at its
/// new end and tries again, up to [`WRITE_ATTEMPTS`] times in all.
async fn write_with_retry(
    store: &dyn Store,
    source: &LogSource,
    log: &mut Result<pli_audit::AuditLog, AuditError>,
    events: &mut Batch,
) -> Result<u64, AuditError> {
    let mut attempts = 0;
    loop {
        let opened = match log {
            Ok(opened) => opened,
            Err(_) => {
                *log = source.open(store).await;
                log.as_mut().map_err(|error| error.clone())?
            }
        };
        attempts += 1;
        match write_batch(store, opened, events).await {
            Ok(first) => return Ok(first),
            Err((true, error)) => {
                if attempts >= WRITE_ATTEMPTS {
                    return Err(error);
                }
                *log = source.open(store).await;
            }
            Err((false, error)) => return Err(error),
        }
    }
}

/// Most batches handed to the store task and not yet answered: one being written, and the next
/// one, which the store task starts as soon as the first is durable.
const AHEAD: usize = 2;

/// A prepared batch for the store task. `epoch` counts the log's reopenings: a batch prepared
/// on top of one the store refused belongs to a stale epoch and must not be written.
struct Job {
    epoch: u64,
    batch: Batch,
    log_batch: LogBatch,
}

/// What the store task did with a job, in the order the jobs came.
struct Done {
    batch: Batch,
    written: Written,
}

enum Written {
    Yes,
    /// The store refused it; every later job of its epoch is skipped.
    Failed(StoreError),
    /// Prepared on top of a refused batch: not written.
    Skipped,
}

/// Whom to answer when a job is done.
struct Pending {
    first_index: u64,
    waiters: Vec<(u64, Waiter)>,
    flushes: Vec<oneshot::Sender<()>>,
}

/// Writes the jobs it is given, one at a time and in order, starting each as soon as the one
/// before is durable.
async fn store_task(
    store: Arc<dyn Store>,
    mut jobs: mpsc::Receiver<Job>,
    done: mpsc::Sender<Done>,
) {
    let mut refused_epoch = None;
    while let Some(Job {
        epoch,
        batch,
        log_batch,
    }) = jobs.recv().await
    {
        let written = if refused_epoch == Some(epoch) {
            Written::Skipped
        } else {
            match store.append_audit_logged(&batch.events, &log_batch).await {
                Ok(()) => Written::Yes,
                Err(error) => {
                    refused_epoch = Some(epoch);
                    Written::Failed(error)
                }
            }
        };
        if done.send(Done { batch, written }).await.is_err() {
            break;
        }
    }
}

/// The writer's state: the store, how to reopen the log, the log as it will be once every
/// batch handed to the store task is stored, and the key readers check checkpoints with.
struct Writer {
    store: Arc<dyn Store>,
    source: LogSource,
    log: Result<pli_audit::AuditLog, AuditError>,
    verifier: Arc<RwLock<Option<LogVerifier>>>,
    epoch: u64,
    jobs: mpsc::Sender<Job>,
    pending: std::collections::VecDeque<Pending>,
    /// A batch was refused: nothing more is handed to the store task until every job before
    /// is answered, so that rewriting those does not race with new ones.
    draining: bool,
}

impl Writer {
    /// Publishes the key of the log as (re)opened: another writer may have given the log its
    /// origin first.
    fn share_verifier(&self) {
        if let (Ok(opened), Ok(mut shared)) = (&self.log, self.verifier.write()) {
            *shared = Some(opened.verifier());
        }
    }

    /// Prepares `batch` on top of the batches handed to the store task and hands it over; the
    /// log advances past it in memory, and is reopened if the store refuses it. A batch that
    /// cannot be prepared so (the log is not open) is written on its own once the store task
    /// is idle.
    async fn hand_over(&mut self, mut gathered: Gathered, done: &mut mpsc::Receiver<Done>) {
        let prepared = self
            .log
            .as_mut()
            .map_err(|error| error.clone())
            .and_then(|log| {
                let (pending, log_batch) = prepare_batch(log, &mut gathered.batch)?;
                let appended = log
                    .commit(pending)
                    .map_err(|error| AuditError(error.to_string()))?;
                Ok((appended.first_index, log_batch))
            });
        let Gathered {
            mut batch,
            waiters,
            flushes,
        } = gathered;
        if let Ok((first_index, log_batch)) = prepared {
            let job = Job {
                epoch: self.epoch,
                batch,
                log_batch,
            };
            match self.jobs.send(job).await {
                Ok(()) => {
                    self.pending.push_back(Pending {
                        first_index,
                        waiters,
                        flushes,
                    });
                    return;
                }
                Err(mpsc::error::SendError(job)) => batch = job.batch,
            }
            // The store task has stopped (not reached while the writer holds its channel).
            self.log = self.source.open(self.store.as_ref()).await;
        }
        while !self.pending.is_empty() {
            match done.recv().await {
                Some(finished) => self.finish(finished).await,
                None => break,
            }
        }
        let result =
            write_with_retry(self.store.as_ref(), &self.source, &mut self.log, &mut batch).await;
        self.share_verifier();
        if let Err(error) = &result {
            tracing::error!(n_events = batch.len(), %error, "audit batch not written");
        }
        answer(&result, waiters, flushes);
    }

    /// Answers the oldest job handed over. A refused batch leaves the log reopened from the
    /// store (whatever was prepared on top of it is stale, and written again here once the
    /// store task skips it); one that lost the log's end to another writer is written again as
    /// [`write_with_retry`] does.
    async fn finish(&mut self, done: Done) {
        let Some(Pending {
            first_index,
            waiters,
            flushes,
        }) = self.pending.pop_front()
        else {
            return;
        };
        let Done { mut batch, written } = done;
        let result = match written {
            Written::Yes => Ok(first_index),
            Written::Failed(error) => {
                self.epoch += 1;
                self.draining = true;
                self.log = self.source.open(self.store.as_ref()).await;
                if matches!(error, StoreError::Conflict(_)) {
                    write_with_retry(self.store.as_ref(), &self.source, &mut self.log, &mut batch)
                        .await
                } else {
                    Err(AuditError(error.to_string()))
                }
            }
            Written::Skipped => {
                write_with_retry(self.store.as_ref(), &self.source, &mut self.log, &mut batch).await
            }
        };
        if let Err(error) = &result {
            tracing::error!(n_events = batch.len(), %error, "audit batch not written");
        }
        if self.pending.is_empty() {
            self.draining = false;
        }
        self.share_verifier();
        answer(&result, waiters, flushes);
    }
}

/// Tells each waiter where its entry is (or why it is not), then answers the flushes.
fn answer(
    result: &Result<u64, AuditError>,
    waiters: Vec<(u64, Waiter)>,
    flushes: Vec<oneshot::Sender<()>>,
) {
    for (position, waiter) in waiters {
        let _ = waiter.send(result.clone().map(|first| first + position));
    }
    for done in flushes {
        let _ = done.send(());
    }
}

/// What the writer has gathered for its next batch.
#[derive(Default)]
struct Gathered {
    batch: Batch,
    waiters: Vec<(u64, Waiter)>,
    flushes: Vec<oneshot::Sender<()>>,
}

impl Gathered {
    fn take(&mut self, message: Message) {
        match message {
            Message::Item(item, waiter) => {
                if let Some(waiter) = waiter {
                    self.waiters.push((self.batch.len() as u64, waiter));
                }
                self.batch.push(item);
            }
            Message::Flush(done) => self.flushes.push(done),
        }
    }
}

/// The writer task. Batches are pipelined: a store task writes them one at a time and in order,
/// starting each as soon as the one before is durable, while the writer gathers the next one
/// from what arrives; once it is full (or the store task is idle) the writer encodes, hashes and
/// signs it and compresses its bundles on top of those handed over, and hands it over too (at
/// most [`AHEAD`] at a time). Batches are as large as the queue allows, as commits cost more
/// than rows.
async fn run(
    store: Arc<dyn Store>,
    mut source: LogSource,
    mut receiver: mpsc::Receiver<Message>,
    verifier: Arc<RwLock<Option<LogVerifier>>>,
) {
    let log = match source.opened.take() {
        Some(log) => Ok(log),
        None => source.open(store.as_ref()).await,
    };
    let (jobs, job_receiver) = mpsc::channel(AHEAD);
    let (done_sender, mut done) = mpsc::channel(AHEAD);
    let task = tokio::spawn(store_task(store.clone(), job_receiver, done_sender));
    let mut writer = Writer {
        store,
        source,
        log,
        verifier,
        epoch: 0,
        jobs,
        pending: std::collections::VecDeque::new(),
        draining: false,
    };
    writer.share_verifier();
    let mut next = Gathered::default();
    let mut open = true;
    loop {
        let limit = batch_limit(writer.log.as_ref().ok().map(pli_audit::AuditLog::size));
        let full = next.batch.len() >= limit;
        let can_hand_over = !writer.draining && writer.pending.len() < AHEAD;
        if !next.batch.is_empty() && (writer.pending.is_empty() || (full && can_hand_over)) {
            writer.hand_over(std::mem::take(&mut next), &mut done).await;
            continue;
        }
        if next.batch.is_empty() && !next.flushes.is_empty() {
            // Answered with the last batch handed over, or now if there is none.
            match writer.pending.back_mut() {
                Some(last) => last.flushes.append(&mut next.flushes),
                None => answer(&Ok(0), Vec::new(), std::mem::take(&mut next.flushes)),
            }
            continue;
        }
        if !open && next.batch.is_empty() && writer.pending.is_empty() {
            break;
        }
        let accepting = open && !full;
        tokio::select! {
            finished = done.recv(), if !writer.pending.is_empty() => match finished {
                Some(finished) => writer.finish(finished).await,
                // The store task stopped: what it held is answered as not written.
                None => {
                    for Pending { waiters, flushes, .. } in writer.pending.drain(..) {
                        answer(&Err(AuditError("the audit store task stopped".into())), waiters, flushes);
                    }
                    writer.log = writer.source.open(writer.store.as_ref()).await;
                }
            },
            message = receiver.recv(), if accepting => match message {
                Some(message) => {
                    next.take(message);
                    // Whatever else is queued joins the batch.
                    while next.batch.len() < limit {
                        match receiver.try_recv() {
                            Ok(message) => next.take(message),
                            Err(mpsc::error::TryRecvError::Empty) => break,
                            Err(mpsc::error::TryRecvError::Disconnected) => {
                                open = false;
                                break;
                            }
                        }
                    }
                }
                None => open = false,
            },
            // Not reached: with nothing handed over, the loop above hands over or stops
            // unless events are still accepted.
            else => break,
        }
    }
    drop(writer);
    let _ = task.await;
}

#[cfg(test)]
mod tests {
    use super::{MAX_BATCH, batch_limit};

    #[test]
    fn batches_end_where_entry_bundles_end() {
        assert_eq!(batch_limit(None), MAX_BATCH);
        for size in [0, 256, 512, 1_048_576] {
            assert_eq!(batch_limit(Some(size)), MAX_BATCH);
        }
        for size in [1, 255, 300, 1_000_001] {
            let limit = batch_limit(Some(size)) as u64;
            assert_eq!((size + limit) % 256, 0, "{size}");
            assert!(limit > (MAX_BATCH - 256) as u64 && limit < MAX_BATCH as u64);
        }
    }
}
