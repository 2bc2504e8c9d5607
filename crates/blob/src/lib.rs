//! Blob storage of envelope ciphertexts, behind the [`BlobStore`] trait, over the
//! `object_store` crate: local files ([`LocalBlobStore`]) or an S3-compatible bucket
//! ([`S3BlobStore`]).
//!
//! A blob is published under its final key only once it is durable: on the local filesystem it
//! is written under a temporary name, fsync'd, renamed, and its directory fsync'd. A failed or
//! aborted upload leaves nothing under the final key.
//!
//! ```no_run
//! # async fn example() -> Result<(), pli_blob::BlobError> {
//! use bytes::Bytes;
//! use futures_util::{StreamExt, TryStreamExt};
//! use pli_blob::{BlobStore, LocalBlobStore};
//!
//! let blobs = LocalBlobStore::open(std::path::Path::new("pli-data/blobs")).await?;
//! let body = futures_util::stream::iter([Ok(Bytes::from_static(b"ciphertext"))]).boxed();
//! let size = blobs.put("envelopes/0123456789abcdef0123456789abcdef", body).await?;
//! let (stored, stream) = blobs.get("envelopes/0123456789abcdef0123456789abcdef").await?;
//! assert_eq!(size, stored);
//! let chunks: Vec<Bytes> = stream.try_collect().await.map_err(pli_blob::BlobError::Aborted)?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod key;
mod local;
mod s3;

pub use key::validate_key;
pub use local::{LocalBlobStore, PART_SIZE, PARTS_IN_FLIGHT};
pub use s3::{S3_PART_SIZE, S3BlobStore};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};

/// Errors of a blob store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// No blob under this key.
    #[error("blob not found")]
    NotFound,
    /// The upload stream itself failed (client went away, size limit hit...); nothing was kept.
    #[error("upload aborted: {0}")]
    Aborted(std::io::Error),
    /// Storage failure; the text is for logs.
    #[error("blob storage: {0}")]
    Backend(String),
    /// The key is not of the accepted form (see [`validate_key`]); nothing was touched.
    #[error("invalid blob key")]
    InvalidKey,
    /// A blob already exists under this key; blobs are written once and never replaced.
    #[error("blob already exists")]
    AlreadyExists,
}

/// A stream of ciphertext chunks.
pub type ByteStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// Where envelope ciphertexts live.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Streams `body` into the blob `key`, durably, and returns its size. If `body` yields an
    /// error the upload is abandoned and nothing is visible under `key`.
    async fn put(&self, key: &str, body: ByteStream) -> Result<u64, BlobError>;
    /// Writes the blobs `parts`, one after the other, as the blob `key`, with the guarantees
    /// of [`BlobStore::put`], and returns its size. The parts stay: the caller removes them
    /// once it has recorded the result. Resumable uploads keep each acknowledged piece as a
    /// part and join them when the last byte has arrived.
    async fn concat(&self, parts: &[String], key: &str) -> Result<u64, BlobError>;
    /// Streams the blob back, with its size.
    async fn get(&self, key: &str) -> Result<(u64, ByteStream), BlobError>;
    /// Removes the blob; `NotFound` if it does not exist.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Whether no blob is stored (uploads in progress do not count): restoring a backup or
    /// migrating needs an empty store.
    async fn is_empty(&self) -> Result<bool, BlobError>;
}

/// The blobs `parts` as one stream, each opened only when the one before has been read: a
/// thousand parts never hold a thousand open files or connections.
pub(crate) fn chain_parts<S: BlobStore + Clone>(blobs: S, parts: &[String]) -> ByteStream {
    futures_util::stream::iter(parts.to_vec())
        .then(move |part| {
            let blobs = blobs.clone();
            async move {
                blobs
                    .get(&part)
                    .await
                    .map(|(_, stream)| stream)
                    .map_err(std::io::Error::other)
            }
        })
        .try_flatten()
        .boxed()
}
