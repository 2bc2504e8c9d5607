//! [`S3BlobStore`]: blobs as objects of an S3-compatible bucket (Garage, MinIO, Ceph RGW,
//! AWS...), through `object_store`'s `aws` client.
//!
//! # Why a blob is visible only when complete, and never replaced
//! - A body that fits in one part ([`S3_PART_SIZE`]) is sent as one `PutObject` with
//!   `If-None-Match: *` (`PutMode::Create`): the store writes it whole or not at all, and
//!   refuses it if the key exists. A store that ignores the header (some do) would replace
//!   an existing object, which the `HEAD` check before the upload makes a race of two
//!   simultaneous uploads of one key, which the server already refuses (one upload per
//!   envelope at a time).
//! - A larger body is a multipart upload on the final key: the parts are invisible and the
//!   object appears, atomically and complete, only at `CompleteMultipartUpload`, sent after
//!   the last byte arrived. `object_store` 0.12 cannot make that last call conditional, so for
//!   these the `HEAD` check is what refuses an existing key.
//! - A failed body aborts the multipart upload (`AbortMultipartUpload`), which discards the
//!   parts. A process killed mid-upload leaves an incomplete upload, never an object: the
//!   bucket's lifecycle rule `AbortIncompleteMultipartUpload` (docs/DEPLOY.md) reclaims it.
//!
//! S3 acknowledges a write once it is durable on its side; there is nothing to `fsync`.

use crate::key::validate_key;
use crate::{BlobError, BlobStore, ByteStream, PARTS_IN_FLIGHT};
use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};
use object_store::ObjectStoreExt as _;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload, WriteMultipart};
use std::sync::Arc;

/// Bytes per multipart part, and the largest body sent as one `PutObject`. S3 wants parts of
/// at least 5 MiB (but the last); with [`PARTS_IN_FLIGHT`] parts uploading and one filling,
/// an upload holds at most `(PARTS_IN_FLIGHT + 1) * S3_PART_SIZE` bytes in memory.
pub const S3_PART_SIZE: usize = 8 * 1024 * 1024;

/// Blobs in one S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    bucket: Arc<AmazonS3>,
}

impl S3BlobStore {
    /// The bucket `bucket`, with the endpoint, region and credentials of the standard
    /// variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP` for a plain-HTTP endpoint...). Checks that
    /// the bucket answers.
    pub async fn from_env(bucket: &str) -> Result<S3BlobStore, BlobError> {
        S3BlobStore::with_builder(AmazonS3Builder::from_env().with_bucket_name(bucket)).await
    }

    /// A store from an explicit `object_store` builder (a bucket name set), for callers that
    /// do not configure through the environment. Checks that the bucket answers.
    pub async fn with_builder(builder: AmazonS3Builder) -> Result<S3BlobStore, BlobError> {
        // Path-style requests (`endpoint/bucket/key`) unless the operator asked otherwise:
        // self-hosted stores rarely have a DNS name per bucket.
        let builder = if std::env::var_os("AWS_VIRTUAL_HOSTED_STYLE_REQUEST").is_some() {
            builder
        } else {
            builder.with_virtual_hosted_style_request(false)
        };
        let bucket = builder
            .build()
            .map_err(|error| store_error("configuring the S3 bucket", error))?;
        let store = S3BlobStore {
            bucket: Arc::new(bucket),
        };
        // Listing an empty prefix succeeds only on a reachable bucket with working
        // credentials: a missing bucket, a refusal or no answer fails now, not at the first
        // upload. (A HEAD of a missing key would not tell a missing bucket apart.)
        let probe = StorePath::from("pli-probe");
        match store.bucket.list_with_delimiter(Some(&probe)).await {
            Ok(_) => Ok(store),
            Err(error) => Err(BlobError::Backend(format!(
                "reaching the S3 bucket: {error}"
            ))),
        }
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(&self, key: &str, mut body: ByteStream) -> Result<u64, BlobError> {
        let path = validate_key(key)?;
        // Fail fast rather than after receiving the whole body, and the only no-overwrite
        // check a multipart upload gets (see the module documentation).
        match self.bucket.head(&path).await {
            Ok(_) => return Err(BlobError::AlreadyExists),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => return Err(store_error("checking a blob", error)),
        }
        // Up to one part is gathered first: a body that ends within it is one PutObject.
        let mut first = BytesMut::new();
        let mut size: u64 = 0;
        while first.len() < S3_PART_SIZE {
            match body.next().await {
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    first.extend_from_slice(&chunk);
                }
                Some(Err(error)) => return Err(BlobError::Aborted(error)),
                None => {
                    let options = PutOptions {
                        mode: PutMode::Create,
                        ..PutOptions::default()
                    };
                    self.bucket
                        .put_opts(&path, PutPayload::from(first.freeze()), options)
                        .await
                        .map_err(|error| store_error("storing a blob", error))?;
                    return Ok(size);
                }
            }
        }
        let multipart = self
            .bucket
            .put_multipart(&path)
            .await
            .map_err(|error| store_error("starting an upload", error))?;
        let mut writer = WriteMultipart::new_with_chunk_size(multipart, S3_PART_SIZE);
        writer.put(first.freeze());
        while let Some(chunk) = body.next().await {
            let chunk: Bytes = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    let _ = writer.abort().await;
                    return Err(BlobError::Aborted(error));
                }
            };
            if let Err(error) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(store_error("writing a blob", error));
            }
            size += chunk.len() as u64;
            writer.put(chunk);
        }
        // On failure `finish` aborts the upload: nothing appears under the key.
        writer
            .finish()
            .await
            .map_err(|error| store_error("completing an upload", error))?;
        Ok(size)
    }

    async fn concat(&self, parts: &[String], key: &str) -> Result<u64, BlobError> {
        for part in parts {
            validate_key(part)?;
        }
        self.put(key, crate::chain_parts(self.clone(), parts)).await
    }

    async fn get(&self, key: &str) -> Result<(u64, ByteStream), BlobError> {
        let path = validate_key(key)?;
        let result = self
            .bucket
            .get(&path)
            .await
            .map_err(|error| store_error("opening a blob", error))?;
        let size = result.meta.size;
        let stream = result.into_stream().map_err(std::io::Error::other).boxed();
        Ok((size, stream))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = validate_key(key)?;
        // S3 answers a delete of a missing key with success; the trait says NotFound.
        self.bucket
            .head(&path)
            .await
            .map_err(|error| store_error("checking a blob", error))?;
        self.bucket
            .delete(&path)
            .await
            .map_err(|error| store_error("deleting a blob", error))
    }

    async fn is_empty(&self) -> Result<bool, BlobError> {
        let first = self
            .bucket
            .list(None)
            .try_next()
            .await
            .map_err(|error| store_error("listing blobs", error))?;
        Ok(first.is_none())
    }
}

fn store_error(context: &str, error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        object_store::Error::AlreadyExists { .. } => BlobError::AlreadyExists,
        error => BlobError::Backend(format!("{context}: {error}")),
    }
}
