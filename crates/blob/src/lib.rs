//! Blob storage of envelope ciphertexts, behind the [`BlobStore`] trait, over the
//! `object_store` crate: local files now, S3-compatible stores later.
//!
//! A blob is published under its final key only once it is durable: on the local filesystem it
//! is written under a temporary name, fsync'd, renamed, and its directory fsync'd. A failed or
//! aborted upload leaves nothing under the final key.
#![forbid(unsafe_code)]

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;

/// Errors of a blob store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    #[error("blob not found")]
    NotFound,
    /// The upload stream itself failed (client went away, size limit hit...); nothing was kept.
    #[error("upload aborted: {0}")]
    Aborted(std::io::Error),
    /// Storage failure; the text is for logs.
    #[error("blob storage: {0}")]
    Backend(String),
}

/// A stream of ciphertext chunks.
pub type ByteStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// Where envelope ciphertexts live.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Streams `body` into the blob `key`, durably, and returns its size. If `body` yields an
    /// error the upload is abandoned and nothing is visible under `key`.
    async fn put(&self, key: &str, body: ByteStream) -> Result<u64, BlobError>;
    /// Streams the blob back, with its size.
    async fn get(&self, key: &str) -> Result<(u64, ByteStream), BlobError>;
    /// Removes the blob; `NotFound` if it does not exist.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
}
