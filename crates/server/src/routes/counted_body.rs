//! Upload bodies counted against what the envelope announced, so that the blob store keeps
//! nothing of an upload that runs over, and, for a whole upload, nothing of one that ends short.

use axum::body::Body;
use bytes::Bytes;
use futures_util::Stream;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

/// What the handler reads once the blob store is done with the body.
#[derive(Default)]
pub(crate) struct Progress {
    pub(crate) seen: AtomicU64,
    /// The body came to its end (it was not cut off).
    pub(crate) ended: AtomicBool,
    /// The connection broke: for a piece, the bytes seen so far are kept.
    pub(crate) cut: AtomicBool,
}

/// What a connection that breaks off does to the upload.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnBreak {
    /// The upload fails: the blob store keeps nothing.
    Fail,
    /// The body ends cleanly where it broke: the blob store keeps what arrived, as a piece of
    /// a resumable upload.
    Keep,
}

/// A request body that fails as soon as more bytes than `limit` arrive.
pub(crate) struct CountedBody {
    inner: axum::body::BodyDataStream,
    limit: u64,
    on_break: OnBreak,
    progress: Arc<Progress>,
    done: bool,
}

impl CountedBody {
    /// A whole upload of exactly `declared` bytes: it also fails when it ends short or breaks.
    pub(crate) fn whole(body: Body, declared: u64, progress: Arc<Progress>) -> CountedBody {
        CountedBody::new(body, declared, OnBreak::Fail, progress)
    }

    /// A piece of a resumable upload with `remaining` bytes left: a broken connection ends it
    /// cleanly, so what arrived is kept.
    pub(crate) fn piece(body: Body, remaining: u64, progress: Arc<Progress>) -> CountedBody {
        CountedBody::new(body, remaining, OnBreak::Keep, progress)
    }

    fn new(body: Body, limit: u64, on_break: OnBreak, progress: Arc<Progress>) -> CountedBody {
        CountedBody {
            inner: body.into_data_stream(),
            limit,
            on_break,
            progress,
            done: false,
        }
    }
}

impl Stream for CountedBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let item = match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        match item {
            Some(Ok(chunk)) => {
                let seen = self
                    .progress
                    .seen
                    .fetch_add(chunk.len() as u64, Ordering::SeqCst)
                    + chunk.len() as u64;
                if seen > self.limit {
                    self.done = true;
                    return Poll::Ready(Some(Err(std::io::Error::other(
                        "upload larger than announced",
                    ))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(_)) => {
                self.done = true;
                match self.on_break {
                    OnBreak::Fail => {
                        Poll::Ready(Some(Err(std::io::Error::other("upload interrupted"))))
                    }
                    OnBreak::Keep => {
                        self.progress.cut.store(true, Ordering::SeqCst);
                        Poll::Ready(None)
                    }
                }
            }
            None => {
                self.done = true;
                self.progress.ended.store(true, Ordering::SeqCst);
                if self.on_break == OnBreak::Fail
                    && self.progress.seen.load(Ordering::SeqCst) != self.limit
                {
                    return Poll::Ready(Some(Err(std::io::Error::other("upload truncated"))));
                }
                Poll::Ready(None)
            }
        }
    }
}
