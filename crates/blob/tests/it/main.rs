//! `LocalBlobStore` end to end: streaming, durability protocol, failures and memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod s3;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use pli_blob::{BlobError, BlobStore, ByteStream, LocalBlobStore};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

const KEY: &str = "envelopes/0123456789abcdef0123456789abcdef";
const MIB: usize = 1024 * 1024;

async fn fresh() -> (tempfile::TempDir, LocalBlobStore) {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::open(&dir.path().join("blobs"))
        .await
        .unwrap();
    (dir, blobs)
}

/// Deterministic, non-repeating bytes.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// `data` as a stream of chunks of varying sizes (1 byte to 100 KiB).
fn chunked(data: &[u8]) -> ByteStream {
    let data = Bytes::copy_from_slice(data);
    let mut chunks = Vec::new();
    let mut offset = 0;
    let mut step = 1;
    while offset < data.len() {
        let end = (offset + step).min(data.len());
        chunks.push(Ok(data.slice(offset..end)));
        offset = end;
        step = (step * 7 + 13) % (100 * 1024) + 1;
    }
    futures_util::stream::iter(chunks).boxed()
}

async fn read_all(blobs: &LocalBlobStore, key: &str) -> (u64, Vec<u8>) {
    let (size, stream) = blobs.get(key).await.unwrap();
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    (size, chunks.concat())
}

/// Every file (not directory) under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_owned());
            }
        }
    }
    files.sort();
    files
}

/// Waits (up to a generous deadline, for slow machines) until `condition` holds.
async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_multi_mib_stream_round_trips() {
    let (dir, blobs) = fresh().await;
    let data = pattern(5 * MIB + 12_345, 1);
    let size = blobs.put(KEY, chunked(&data)).await.unwrap();
    assert_eq!(size, data.len() as u64);

    let (stored, stream) = blobs.get(KEY).await.unwrap();
    assert_eq!(stored, size);
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    assert!(chunks.iter().all(|chunk| !chunk.is_empty()));
    let read: Vec<u8> = chunks.concat();
    assert_eq!(Sha256::digest(&read), Sha256::digest(&data));

    // One file, under the key; nothing left in the temporary area.
    assert_eq!(
        files_under(&dir.path().join("blobs")),
        vec![PathBuf::from(KEY)]
    );
}

#[tokio::test]
async fn empty_and_tiny_blobs_round_trip() {
    let (_dir, blobs) = fresh().await;
    let empty = futures_util::stream::empty().boxed();
    assert_eq!(blobs.put("a/empty", empty).await.unwrap(), 0);
    assert_eq!(read_all(&blobs, "a/empty").await, (0, Vec::new()));
    assert_eq!(blobs.put("a/one", chunked(b"x")).await.unwrap(), 1);
    assert_eq!(read_all(&blobs, "a/one").await, (1, b"x".to_vec()));
}

#[tokio::test]
async fn a_store_is_empty_until_a_blob_is_stored() {
    let (_dir, blobs) = fresh().await;
    assert!(blobs.is_empty().await.unwrap());
    // A failed upload leaves the store empty.
    let failing = futures_util::stream::iter([
        Ok(Bytes::from_static(b"half")),
        Err(std::io::Error::other("client went away")),
    ])
    .boxed();
    assert!(blobs.put(KEY, failing).await.is_err());
    assert!(blobs.is_empty().await.unwrap());
    blobs.put(KEY, chunked(b"stored")).await.unwrap();
    assert!(!blobs.is_empty().await.unwrap());
    blobs.delete(KEY).await.unwrap();
    assert!(blobs.is_empty().await.unwrap());
}

#[tokio::test]
async fn an_aborted_stream_leaves_nothing_behind() {
    let (dir, blobs) = fresh().await;
    let data = Bytes::from(pattern(3 * MIB, 2));
    let failing = futures_util::stream::iter(
        (0..48)
            .map(move |index| Ok(data.slice(index * 64 * 1024..(index + 1) * 64 * 1024)))
            .chain([Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "client went away",
            ))])
            .chain([Ok(Bytes::from_static(b"never read"))]),
    )
    .boxed();
    let error = blobs.put(KEY, failing).await.unwrap_err();
    assert!(matches!(error, BlobError::Aborted(_)), "{error:?}");
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    let root = dir.path().join("blobs");
    eventually("no file under the blob directory", || {
        files_under(&root).is_empty()
    })
    .await;
    // The key is still free.
    blobs.put(KEY, chunked(b"second try")).await.unwrap();
    assert_eq!(read_all(&blobs, KEY).await.1, b"second try");
}

#[tokio::test]
async fn missing_blobs_are_not_found() {
    let (_dir, blobs) = fresh().await;
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    assert!(matches!(blobs.delete(KEY).await, Err(BlobError::NotFound)));
    blobs.put(KEY, chunked(b"ciphertext")).await.unwrap();
    blobs.delete(KEY).await.unwrap();
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    assert!(matches!(blobs.delete(KEY).await, Err(BlobError::NotFound)));
}

#[tokio::test]
async fn hostile_keys_are_rejected_and_touch_nothing() {
    let (dir, blobs) = fresh().await;
    let outside = dir.path().join("outside");
    std::fs::write(&outside, b"keep me").unwrap();
    for key in [
        "",
        "../outside",
        "envelopes/../../outside",
        "/etc/passwd",
        "envelopes/.hidden",
        "envelopes//x",
        "Envelopes/X",
        "envelopes/x#1",
        "tmp/envelopes/x",
        "envelopes/\u{0}",
    ] {
        let put = blobs.put(key, chunked(b"hostile")).await;
        assert!(matches!(put, Err(BlobError::InvalidKey)), "put {key:?}");
        assert!(
            matches!(blobs.get(key).await, Err(BlobError::InvalidKey)),
            "get {key:?}"
        );
        assert!(
            matches!(blobs.delete(key).await, Err(BlobError::InvalidKey)),
            "delete {key:?}"
        );
    }
    assert_eq!(std::fs::read(&outside).unwrap(), b"keep me");
    assert!(files_under(&dir.path().join("blobs")).is_empty());
}

#[tokio::test]
async fn a_blob_is_never_replaced() {
    let (dir, blobs) = fresh().await;
    blobs.put(KEY, chunked(b"original")).await.unwrap();
    let again = blobs.put(KEY, chunked(b"replacement")).await;
    assert!(matches!(again, Err(BlobError::AlreadyExists)), "{again:?}");
    assert_eq!(read_all(&blobs, KEY).await.1, b"original");
    let root = dir.path().join("blobs");
    eventually("only the original file", || {
        files_under(&root) == vec![PathBuf::from(KEY)]
    })
    .await;
}

/// While the body streams in, the data lives under `tmp/` only; the final name appears
/// complete, and the temporary file is gone once `put` returns.
#[tokio::test]
async fn an_upload_is_invisible_until_complete_and_durable() {
    let (dir, blobs) = fresh().await;
    let root = dir.path().join("blobs");
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
    .boxed();
    let uploader = {
        let blobs = blobs.clone();
        tokio::spawn(async move { blobs.put(KEY, body).await })
    };

    let data = pattern(3 * MIB, 3);
    for chunk in data[..2 * MIB].chunks(64 * 1024) {
        sender
            .send(Ok(Bytes::copy_from_slice(chunk)))
            .await
            .unwrap();
    }
    eventually("a temporary file under tmp/", || {
        files_under(&root)
            .iter()
            .any(|file| file.starts_with("tmp"))
    })
    .await;
    let files = files_under(&root);
    assert!(
        files.iter().all(|file| file.starts_with("tmp/envelopes")),
        "{files:?}"
    );
    assert!(!root.join(KEY).exists());
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));

    for chunk in data[2 * MIB..].chunks(64 * 1024) {
        sender
            .send(Ok(Bytes::copy_from_slice(chunk)))
            .await
            .unwrap();
    }
    drop(sender);
    assert_eq!(uploader.await.unwrap().unwrap(), data.len() as u64);
    assert_eq!(files_under(&root), vec![PathBuf::from(KEY)]);
    assert_eq!(std::fs::read(root.join(KEY)).unwrap(), data);
}

/// A request dropped midway (the client went away) leaves no file anywhere.
#[tokio::test]
async fn a_cancelled_upload_leaves_nothing_behind() {
    let (dir, blobs) = fresh().await;
    let root = dir.path().join("blobs");
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
    .boxed();
    let uploader = {
        let blobs = blobs.clone();
        tokio::spawn(async move { blobs.put(KEY, body).await })
    };
    let data = pattern(2 * MIB, 4);
    for chunk in data.chunks(64 * 1024) {
        sender
            .send(Ok(Bytes::copy_from_slice(chunk)))
            .await
            .unwrap();
    }
    eventually("a temporary file under tmp/", || {
        !files_under(&root).is_empty()
    })
    .await;
    uploader.abort();
    assert!(uploader.await.unwrap_err().is_cancelled());
    eventually("no file under the blob directory", || {
        files_under(&root).is_empty()
    })
    .await;
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
}

/// Files left in `tmp/` by a crash are removed when the store is next opened, once old
/// enough that no live upload can own them.
#[tokio::test]
async fn abandoned_uploads_are_removed_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let blobs = LocalBlobStore::open(&root).await.unwrap();
    blobs.put(KEY, chunked(b"kept")).await.unwrap();
    std::fs::create_dir_all(root.join("tmp/envelopes")).unwrap();
    let old = root.join("tmp/envelopes/abandoned.0001");
    let staging = root.join("tmp/envelopes/abandoned.0002#1");
    let recent = root.join("tmp/envelopes/in-progress.0003");
    for file in [&old, &staging, &recent] {
        std::fs::write(file, b"partial").unwrap();
    }
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    for file in [&old, &staging] {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    drop(blobs);

    let blobs = LocalBlobStore::open(&root).await.unwrap();
    assert!(!old.exists());
    assert!(!staging.exists());
    assert!(recent.exists());
    assert_eq!(read_all(&blobs, KEY).await.1, b"kept");
    assert_eq!(
        blobs
            .remove_abandoned_uploads(Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    assert_eq!(files_under(&root), vec![PathBuf::from(KEY)]);
}

#[tokio::test]
async fn concurrent_uploads_do_not_mix() {
    let (_dir, blobs) = fresh().await;
    let keys: Vec<String> = (0..8)
        .map(|index| format!("envelopes/{index:032x}"))
        .collect();
    let bodies: Vec<Vec<u8>> = (0..8)
        .map(|index| pattern(MIB + index * 1000, index as u64 + 10))
        .collect();
    let results = futures_util::future::join_all(
        keys.iter()
            .zip(&bodies)
            .map(|(key, body)| blobs.put(key, chunked(body))),
    )
    .await;
    for ((key, body), result) in keys.iter().zip(&bodies).zip(results) {
        assert_eq!(result.unwrap(), body.len() as u64);
        assert_eq!(&read_all(&blobs, key).await.1, body);
    }
}

/// Counts the chunks of a body that are still alive somewhere, through their drop.
struct TrackedChunk {
    data: &'static [u8],
    live: Arc<AtomicUsize>,
}

impl AsRef<[u8]> for TrackedChunk {
    fn as_ref(&self) -> &[u8] {
        self.data
    }
}

impl Drop for TrackedChunk {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A 256 MiB upload holds only a few MiB of the body at any moment, and reads back in
/// chunks; the peak is measured by counting live chunks, so it does not depend on timing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_for_a_256_mib_stream() {
    const CHUNK: usize = 64 * 1024;
    const N_CHUNKS: usize = 256 * MIB / CHUNK;
    static DATA: [u8; CHUNK] = [0xa5; CHUNK];
    let (_dir, blobs) = fresh().await;
    let live = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let body = {
        let live = Arc::clone(&live);
        let peak = Arc::clone(&peak);
        futures_util::stream::iter(0..N_CHUNKS)
            .map(move |_| {
                let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                Ok(Bytes::from_owner(TrackedChunk {
                    data: &DATA,
                    live: Arc::clone(&live),
                }))
            })
            .boxed()
    };
    let started = Instant::now();
    let size = blobs.put(KEY, body).await.unwrap();
    let put_time = started.elapsed();
    assert_eq!(size, (N_CHUNKS * CHUNK) as u64);
    assert_eq!(live.load(Ordering::SeqCst), 0, "every chunk was released");
    let peak_bytes = peak.load(Ordering::SeqCst) * CHUNK;
    // (PARTS_IN_FLIGHT + 1) parts plus the chunk in hand; far below the 256 MiB body.
    let bound = (pli_blob::PARTS_IN_FLIGHT + 1) * pli_blob::PART_SIZE + CHUNK;
    assert!(
        peak_bytes <= bound,
        "{peak_bytes} bytes of the body held at once"
    );

    let started = Instant::now();
    let (stored, mut stream) = blobs.get(KEY).await.unwrap();
    assert_eq!(stored, size);
    let mut read: u64 = 0;
    let mut largest = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        // Spot checks: a byte-by-byte loop here would measure the test, not the store.
        assert_eq!((chunk[0], chunk[chunk.len() - 1]), (0xa5, 0xa5));
        largest = largest.max(chunk.len());
        read += chunk.len() as u64;
    }
    let get_time = started.elapsed();
    assert_eq!(read, size);
    assert!(largest <= MIB, "read chunks of {largest} bytes");
    eprintln!(
        "256 MiB: put {:.0} MiB/s (peak {} KiB of body held), get {:.0} MiB/s",
        256.0 / put_time.as_secs_f64(),
        peak_bytes / 1024,
        256.0 / get_time.as_secs_f64()
    );
}

/// The `interrupted_upload` example, built by `cargo test` beside this test binary.
fn interrupted_upload_program() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/it-<hash> -> target/<profile>/examples/interrupted_upload
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let program = profile_dir.join("examples").join(format!(
        "interrupted_upload{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        program.exists(),
        "{} is missing: run `cargo test -p pli-blob`, which builds the examples",
        program.display()
    );
    program
}

/// Kills the child process even when the test fails halfway, so none outlives the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A process killed (SIGKILL) in the middle of an upload leaves nothing under the key, only
/// a temporary file, which the clean-up of abandoned uploads removes.
#[tokio::test]
async fn a_process_killed_mid_upload_publishes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let mut child = KillOnDrop(
        std::process::Command::new(interrupted_upload_program())
            .arg(&root)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.0.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "uploading");
    eventually("the upload's data on disk", || {
        files_under(&root).iter().any(|file| {
            file.starts_with("tmp")
                && std::fs::metadata(root.join(file)).unwrap().len() >= MIB as u64
        })
    })
    .await;
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    let key = "envelopes/interrupted";
    assert!(!root.join(key).exists());
    let left = files_under(&root);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with("tmp/envelopes"), "{left:?}");

    let blobs = LocalBlobStore::open(&root).await.unwrap();
    assert!(matches!(blobs.get(key).await, Err(BlobError::NotFound)));
    assert_eq!(
        blobs
            .remove_abandoned_uploads(Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    assert!(files_under(&root).is_empty());
    blobs.put(key, chunked(b"after the crash")).await.unwrap();
    assert_eq!(read_all(&blobs, key).await.1, b"after the crash");
}

/// Parts join in order into a new blob; one part is published without a copy; the parts stay;
/// an existing key or a missing part publishes nothing.
#[tokio::test]
async fn parts_concatenate_into_one_blob() {
    let (_dir, blobs) = fresh().await;
    let data = pattern(3 * MIB + 17, 11);
    let bounds = [0, 1, MIB, 2 * MIB + 5, data.len()];
    let mut parts = Vec::new();
    for (index, window) in bounds.windows(2).enumerate() {
        let part = format!("uploads/{index:04}");
        blobs
            .put(&part, chunked(&data[window[0]..window[1]]))
            .await
            .unwrap();
        parts.push(part);
    }
    assert_eq!(blobs.concat(&parts, KEY).await.unwrap(), data.len() as u64);
    assert!(read_all(&blobs, KEY).await.1 == data);
    assert_eq!(read_all(&blobs, &parts[1]).await.0, MIB as u64 - 1);
    assert!(matches!(
        blobs.concat(&parts, KEY).await,
        Err(BlobError::AlreadyExists)
    ));

    let single = "envelopes/00000000000000000000000000000001";
    assert_eq!(
        blobs.concat(&parts[2..3], single).await.unwrap(),
        MIB as u64 + 5
    );
    assert!(read_all(&blobs, single).await.1 == data[MIB..2 * MIB + 5]);

    let missing = "envelopes/00000000000000000000000000000002";
    let with_a_hole = [parts[0].clone(), "uploads/9999".to_owned()];
    assert!(blobs.concat(&with_a_hole, missing).await.is_err());
    assert!(blobs.concat(&with_a_hole[1..], missing).await.is_err());
    assert!(matches!(blobs.get(missing).await, Err(BlobError::NotFound)));
}
