//! The audit writer: one task that batches concurrent events into one store transaction (group
//! commit), so a burst of requests costs one durable commit instead of one each.
//!
//! Handlers that change state wait until their event is durable before answering
//! ([`AuditLog::record_durable`]); reads and denials only enqueue ([`AuditLog::record`]).

use pli_store::{AuditEvent, Store};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Most events written in one transaction.
const MAX_BATCH: usize = 1024;
/// Events waiting for the writer before senders wait too (back-pressure).
const QUEUE: usize = 8192;

/// Failure to make an audit event durable; the action it records must not be acknowledged.
#[derive(Debug, Clone, thiserror::Error)]
#[error("audit trail not written: {0}")]
pub struct AuditError(String);

enum Message {
    Event(AuditEvent, Option<oneshot::Sender<Result<(), AuditError>>>),
    /// Answered once every event sent before it is committed.
    Flush(oneshot::Sender<()>),
}

/// Handle to the audit writer; cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    sender: mpsc::Sender<Message>,
}

impl AuditLog {
    /// Starts the writer task on the current tokio runtime. It ends when every handle is gone,
    /// after writing what it was given.
    pub fn spawn(store: Arc<dyn Store>) -> AuditLog {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, receiver));
        AuditLog { sender }
    }

    /// Enqueues an event without waiting for it to be durable.
    pub async fn record(&self, event: AuditEvent) {
        if self.sender.send(Message::Event(event, None)).await.is_err() {
            tracing::error!("audit writer has stopped; an audit event was lost");
        }
    }

    /// Enqueues an event and waits until it is committed.
    pub async fn record_durable(&self, event: AuditEvent) -> Result<(), AuditError> {
        let (done, wait) = oneshot::channel();
        self.sender
            .send(Message::Event(event, Some(done)))
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

async fn run(store: Arc<dyn Store>, mut receiver: mpsc::Receiver<Message>) {
    let mut events = Vec::with_capacity(MAX_BATCH);
    let mut waiters = Vec::new();
    let mut flushes = Vec::new();
    while let Some(first) = receiver.recv().await {
        let mut next = Some(first);
        // Whatever arrived while the previous commit ran joins this one.
        while let Some(message) = next {
            match message {
                Message::Event(event, waiter) => {
                    events.push(event);
                    if let Some(waiter) = waiter {
                        waiters.push(waiter);
                    }
                }
                Message::Flush(done) => flushes.push(done),
            }
            next = if events.len() < MAX_BATCH {
                receiver.try_recv().ok()
            } else {
                None
            };
        }
        let result = if events.is_empty() {
            Ok(())
        } else {
            store
                .append_audit(&events)
                .await
                .map_err(|error| AuditError(error.to_string()))
        };
        if let Err(error) = &result {
            tracing::error!(n_events = events.len(), %error, "audit batch not written");
        }
        events.clear();
        for waiter in waiters.drain(..) {
            let _ = waiter.send(result.clone());
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}
