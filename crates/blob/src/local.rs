//! [`LocalBlobStore`]: blobs as files under one directory, through `object_store`'s
//! `LocalFileSystem`, made durable before they become visible.
//!
//! # Why a `put` is durable and atomic
//! `LocalFileSystem` itself never calls `fsync`: a multipart upload to `K` writes a staging
//! file `K#N` and `complete()` renames it to `K`; `rename`/`put` overwrite. So the sequence here
//! is, for a caller key `envelopes/<id>`:
//! 1. Stream the body as a multipart upload to a fresh temporary key `tmp/envelopes/<id>.<rand>`
//!    (on disk, `LocalFileSystem` stages it as `...<rand>#1`, then renames it to the temporary
//!    name when the upload completes). Nothing exists under the final key yet. Memory is
//!    bounded: parts of [`PART_SIZE`] bytes, at most [`PARTS_IN_FLIGHT`] being written.
//! 2. `fsync` the temporary file: its content and size are on disk.
//! 3. Publish with `copy_if_not_exists`, which on the local filesystem is a hard link: atomic,
//!    and refused if the final key exists, so a blob is never replaced. Readers see either no
//!    file or the complete, already durable file; never a prefix. The temporary name is then
//!    unlinked.
//! 4. `fsync` the final file's directory and each parent up to the root (one of them may have
//!    been created in step 3): the new name itself survives a power loss.
//!
//! Only then does `put` return. A crash before step 4 completes leaves at most an orphan file
//! under `tmp/` (removed by [`LocalBlobStore::remove_abandoned_uploads`], which
//! [`LocalBlobStore::open`] runs) and, at worst, a final name that pointed to complete data but
//! was not yet acknowledged, which the metadata store still lists as pending. A failed body or
//! any error removes the temporary file, and so does dropping the `put` future midway.
//!
//! An S3-compatible backend would do step 1 directly on the final key: a multipart upload
//! becomes visible, atomically and durably, only at `complete()`, and steps 2-4 do not apply.

use crate::key::{TEMP_DIR, validate_key};
use crate::{BlobError, BlobStore, ByteStream};
use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use object_store::ObjectStoreExt as _;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{GetOptions, GetResultPayload, ObjectStore, WriteMultipart};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Bytes per multipart part. On the local filesystem a part is one positioned write.
pub const PART_SIZE: usize = 1024 * 1024;

/// Parts written concurrently; with the part being filled, at most
/// `(PARTS_IN_FLIGHT + 1) * PART_SIZE` bytes of a body are held in memory.
pub const PARTS_IN_FLIGHT: usize = 2;

/// Bytes per chunk of a `get` stream.
const READ_CHUNK: usize = 256 * 1024;

/// Temporary files untouched for this long at [`LocalBlobStore::open`] are abandoned uploads.
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

/// Blobs as files under one directory.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    files: Arc<LocalFileSystem>,
    /// Canonical path of the directory.
    root: PathBuf,
}

impl LocalBlobStore {
    /// Opens the store in `dir`, creating the directory if needed, and removes temporary files
    /// of uploads abandoned more than an hour ago (by a crash).
    pub async fn open(dir: &Path) -> Result<LocalBlobStore, BlobError> {
        let dir = dir.to_owned();
        let (files, root) = blocking(move || {
            std::fs::create_dir_all(&dir)?;
            let root = std::fs::canonicalize(&dir)?;
            let files = LocalFileSystem::new_with_prefix(&root).map_err(std::io::Error::other)?;
            Ok((files, root))
        })
        .await
        .map_err(|error| backend("opening the blob directory", &error))?;
        let store = LocalBlobStore {
            files: Arc::new(files),
            root,
        };
        store.remove_abandoned_uploads(ABANDONED_AFTER).await?;
        Ok(store)
    }

    /// Removes temporary upload files not modified for `older_than`, and returns how many.
    /// Uploads in progress keep writing to their file, so a short `older_than` is only safe
    /// when nothing else uses the directory.
    pub async fn remove_abandoned_uploads(&self, older_than: Duration) -> Result<u64, BlobError> {
        let temp_root = self.root.join(TEMP_DIR);
        blocking(move || {
            let cutoff = SystemTime::now()
                .checked_sub(older_than)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            remove_older_than(&temp_root, cutoff)
        })
        .await
        .map_err(|error| backend("removing abandoned uploads", &error))
    }

    /// The file of a key.
    fn file_of(&self, path: &StorePath) -> Result<PathBuf, BlobError> {
        self.files
            .path_to_filesystem(path)
            .map_err(|error| BlobError::Backend(format!("resolving a blob path: {error}")))
    }

    /// `fsync`s `file`'s directory and each parent up to the root.
    async fn sync_parents(&self, file: PathBuf) -> Result<(), BlobError> {
        let root = self.root.clone();
        blocking(move || {
            for dir in file.ancestors().skip(1) {
                std::fs::File::open(dir)?.sync_all()?;
                if dir == root || !dir.starts_with(&root) {
                    break;
                }
            }
            Ok(())
        })
        .await
        .map_err(|error| backend("syncing the blob directory", &error))
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, key: &str, body: ByteStream) -> Result<u64, BlobError> {
        let final_path = validate_key(key)?;
        let final_file = self.file_of(&final_path)?;
        // Fail fast rather than after receiving the whole body; the hard link below is what
        // actually guarantees no overwrite.
        match self.files.head(&final_path).await {
            Ok(_) => return Err(BlobError::AlreadyExists),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => return Err(store_error("checking a blob", error)),
        }
        let suffix: u128 = rand::random();
        let temp_path = StorePath::parse(format!("{TEMP_DIR}/{key}.{suffix:032x}"))
            .map_err(|_| BlobError::InvalidKey)?;
        let temp_file = TempFile {
            path: self.file_of(&temp_path)?,
            armed: true,
        };

        let size = upload(self.files.as_ref(), &temp_path, &temp_file.path, body).await?;

        let to_sync = temp_file.path.clone();
        blocking(move || std::fs::File::open(&to_sync)?.sync_all())
            .await
            .map_err(|error| backend("syncing a blob", &error))?;

        match self.files.copy_if_not_exists(&temp_path, &final_path).await {
            Ok(()) => {}
            Err(object_store::Error::AlreadyExists { .. }) => return Err(BlobError::AlreadyExists),
            Err(error) => return Err(store_error("publishing a blob", error)),
        }
        // The blob is published; the temporary name is only a second link to it now.
        temp_file.remove().await;
        if let Err(error) = self.sync_parents(final_file).await {
            // Not known to be durable, so not acknowledged: take it back.
            let _ = self.files.delete(&final_path).await;
            return Err(error);
        }
        Ok(size)
    }

    async fn concat(&self, parts: &[String], key: &str) -> Result<u64, BlobError> {
        let part_paths = parts
            .iter()
            .map(|part| validate_key(part))
            .collect::<Result<Vec<_>, _>>()?;
        let [only] = part_paths.as_slice() else {
            return self.put(key, crate::chain_parts(self.clone(), parts)).await;
        };
        // One part (an upload that was never cut) is already durable: a hard link publishes
        // it without copying, refused if the final key exists, then the name is made durable.
        let final_path = validate_key(key)?;
        let size = match self.files.head(only).await {
            Ok(meta) => meta.size,
            Err(object_store::Error::NotFound { .. }) => return Err(BlobError::NotFound),
            Err(error) => return Err(store_error("checking a blob", error)),
        };
        match self.files.copy_if_not_exists(only, &final_path).await {
            Ok(()) => {}
            Err(object_store::Error::AlreadyExists { .. }) => return Err(BlobError::AlreadyExists),
            Err(error) => return Err(store_error("publishing a blob", error)),
        }
        if let Err(error) = self.sync_parents(self.file_of(&final_path)?).await {
            let _ = self.files.delete(&final_path).await;
            return Err(error);
        }
        Ok(size)
    }

    async fn get(&self, key: &str) -> Result<(u64, ByteStream), BlobError> {
        let path = validate_key(key)?;
        let result = self
            .files
            .get_opts(&path, GetOptions::default())
            .await
            .map_err(|error| store_error("opening a blob", error))?;
        let size = result.meta.size;
        let stream = match result.payload {
            // object_store would read a file 8 KiB at a time, each read a blocking task;
            // larger reads keep a 1 GiB download cheap.
            GetResultPayload::File(file, _) => tokio_util::io::ReaderStream::with_capacity(
                tokio::fs::File::from_std(file),
                READ_CHUNK,
            )
            .boxed(),
            GetResultPayload::Stream(stream) => stream.map_err(std::io::Error::other).boxed(),
        };
        Ok((size, stream))
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let path = validate_key(key)?;
        let file = self.file_of(&path)?;
        self.files
            .delete(&path)
            .await
            .map_err(|error| store_error("deleting a blob", error))?;
        self.sync_parents(file).await
    }

    async fn is_empty(&self) -> Result<bool, BlobError> {
        let mut listing = self.files.list(None);
        while let Some(meta) = listing
            .try_next()
            .await
            .map_err(|error| store_error("listing blobs", error))?
        {
            // Temporary files of uploads are not blobs; neither are staging files (`#N`).
            let key = meta.location.as_ref();
            if key.split('/').next() != Some(TEMP_DIR) && !key.contains('#') {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Streams `body` into a multipart upload at `path`, with bounded memory; on any error the
/// upload is aborted (its staging file removed) and nothing exists at `path`.
async fn upload(
    files: &dyn ObjectStore,
    path: &StorePath,
    file: &Path,
    mut body: ByteStream,
) -> Result<u64, BlobError> {
    let multipart = files
        .put_multipart(path)
        .await
        .map_err(|error| store_error("starting an upload", error))?;
    let mut flusher = Flusher::open(file).await;
    let mut writer = WriteMultipart::new_with_chunk_size(multipart, PART_SIZE);
    let mut size: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
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
        // `put` keeps the chunk as it is: no copy of the body.
        writer.put(chunk);
        if let Some(flusher) = flusher.as_mut() {
            flusher.wrote(size);
        }
    }
    if let Some(flusher) = flusher
        && let Err(error) = flusher.finish().await
    {
        let _ = writer.abort().await;
        return Err(error);
    }
    // On failure `finish` aborts, or drops, the upload, which removes its staging file.
    writer
        .finish()
        .await
        .map_err(|error| store_error("completing an upload", error))?;
    Ok(size)
}

/// Writes a growing upload back to disk while it is still arriving, so that the `fsync`
/// which makes it durable finds little left to write: without it the kernel keeps a whole
/// large upload dirty in memory and the final `fsync` writes all of it while the client waits.
/// Only an optimisation: durability still rests on the final `fsync` alone.
struct Flusher {
    file: Arc<std::fs::File>,
    flushed_at: u64,
    running: Option<tokio::task::JoinHandle<()>>,
    /// A write-back error is reported once, to this file's descriptor, not to the one the
    /// final `fsync` uses: it must fail the upload here.
    failed: Arc<std::sync::atomic::AtomicBool>,
}

impl Flusher {
    /// Write back after every this many bytes received.
    const EVERY: u64 = 32 * 1024 * 1024;

    /// `None` if the staging file cannot be opened, which only costs the optimisation.
    async fn open(temp_file: &Path) -> Option<Flusher> {
        // `LocalFileSystem` stages a multipart upload to `K` in the file `K#1` (when `K` is
        // fresh, as our random temporary keys are) until it completes.
        let mut staging = temp_file.as_os_str().to_owned();
        staging.push("#1");
        let file = blocking(move || std::fs::File::open(staging)).await.ok()?;
        Some(Flusher {
            file: Arc::new(file),
            flushed_at: 0,
            running: None,
            failed: Arc::default(),
        })
    }

    /// Starts a write-back if `size` bytes received is far enough past the last one and the
    /// last one is over. Never waits.
    fn wrote(&mut self, size: u64) {
        if size < self.flushed_at + Self::EVERY
            || self
                .running
                .as_ref()
                .is_some_and(|task| !task.is_finished())
        {
            return;
        }
        self.flushed_at = size;
        let file = Arc::clone(&self.file);
        let failed = Arc::clone(&self.failed);
        self.running = Some(tokio::task::spawn_blocking(move || {
            if file.sync_data().is_err() {
                failed.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }));
    }

    /// Waits for the last write-back; an error if any failed.
    async fn finish(self) -> Result<(), BlobError> {
        if let Some(task) = self.running {
            let _ = task.await;
        }
        if self.failed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(BlobError::Backend(
                "writing a blob back to disk failed".into(),
            ));
        }
        Ok(())
    }
}

/// A temporary file removed when dropped, so that an upload cancelled between steps (the
/// client went away and the request future was dropped) leaves nothing behind.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    async fn remove(mut self) {
        self.armed = false;
        let path = self.path.clone();
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let path = std::mem::take(&mut self.path);
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn_blocking(move || std::fs::remove_file(path))),
                Err(_) => drop(std::fs::remove_file(path)),
            }
        }
    }
}

/// Removes files under `dir` (recursively) last modified before `cutoff`.
fn remove_older_than(dir: &Path, cutoff: SystemTime) -> std::io::Result<u64> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            removed += remove_older_than(&entry.path(), cutoff)?;
        } else if entry.metadata()?.modified()? < cutoff {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> std::io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(std::io::Error::other)?
}

fn store_error(context: &str, error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        object_store::Error::AlreadyExists { .. } => BlobError::AlreadyExists,
        error => BlobError::Backend(format!("{context}: {error}")),
    }
}

fn backend(context: &str, error: &std::io::Error) -> BlobError {
    BlobError::Backend(format!("{context}: {error}"))
}
