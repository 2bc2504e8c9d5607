//! `S3BlobStore` against a real S3 server on loopback (see `S3Server`): the same guarantees
//! as the local store, over HTTP.

use crate::{MIB, pattern};
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use pli_blob::{BlobError, BlobStore, ByteStream, S3_PART_SIZE, S3BlobStore};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const KEY: &str = "envelopes/0123456789abcdef0123456789abcdef";
const ACCESS_KEY: &str = "pli-test-access";
const SECRET_KEY: &str = "pli-test-secret-key";

/// An S3 server for this test process: `PLI_TEST_S3_ENDPOINT` (with `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, and `PLI_TEST_S3_ROOT` for a server whose buckets are directories),
/// else `s3s-fs` (on `PATH` or in `~/.cargo/bin`) over a new
/// temporary directory, else `moto_server`, started on a free loopback port. A shell guardian
/// stops it and removes its directory when this process ends (its standard input closes).
struct S3Server {
    endpoint: String,
    access_key: String,
    secret_key: String,
    /// Buckets are directories of the served root (s3s-fs), or made with a `CreateBucket`.
    root: Option<PathBuf>,
    _guardian: Option<ChildStdin>,
}

impl S3Server {
    fn get() -> &'static S3Server {
        static SERVER: OnceLock<Result<S3Server, String>> = OnceLock::new();
        match SERVER.get_or_init(S3Server::start) {
            Ok(server) => server,
            Err(message) => panic!("{message}"),
        }
    }

    fn start() -> Result<S3Server, String> {
        if let Ok(endpoint) = std::env::var("PLI_TEST_S3_ENDPOINT") {
            return Ok(S3Server {
                endpoint,
                access_key: std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_default(),
                secret_key: std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_default(),
                root: std::env::var_os("PLI_TEST_S3_ROOT").map(PathBuf::from),
                _guardian: None,
            });
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| error.to_string())?
            .port();
        let dir = std::env::temp_dir().join(format!(
            "pli-s3-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).map_err(|error| error.to_string())?;
        let (command, root) = if let Some(s3s_fs) = find("s3s-fs") {
            let command = format!(
                "'{}' --host 127.0.0.1 --port {port} --access-key {ACCESS_KEY} \
                 --secret-key {SECRET_KEY} '{}'",
                s3s_fs.display(),
                dir.display()
            );
            (command, Some(dir.clone()))
        } else if let Some(moto) = find("moto_server") {
            (format!("'{}' -H 127.0.0.1 -p {port}", moto.display()), None)
        } else {
            return Err(
                "no S3 server to test against: install s3s-fs (`cargo install s3s-fs \
                        --features binary --locked`) or moto (`pip install 'moto[server]'`), \
                        or set PLI_TEST_S3_ENDPOINT"
                    .to_owned(),
            );
        };
        let script = format!(
            "{command} >'{dir}/server.log' 2>&1 & pid=$!; echo started; read ignored; \
             kill $pid; wait $pid; rm -rf '{dir}'",
            dir = dir.display()
        );
        let mut guardian = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("starting the S3 server: {error}"))?;
        let mut line = String::new();
        BufReader::new(guardian.stdout.take().ok_or("no guardian stdout")?)
            .read_line(&mut line)
            .map_err(|error| error.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                return Err(format!("the S3 server did not start: {log}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            access_key: ACCESS_KEY.to_owned(),
            secret_key: SECRET_KEY.to_owned(),
            root,
            _guardian: guardian.stdin.take(),
        })
    }

    fn builder(&self, bucket: &str) -> AmazonS3Builder {
        AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id(&self.access_key)
            .with_secret_access_key(&self.secret_key)
            .with_bucket_name(bucket)
    }

    /// Makes an empty bucket.
    fn create_bucket(&self, bucket: &str) {
        if let Some(root) = &self.root {
            std::fs::create_dir_all(root.join(bucket)).unwrap();
            return;
        }
        // moto and most servers accept an unsigned CreateBucket from loopback in tests.
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "PUT /{bucket} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut status = String::new();
        BufReader::new(stream).read_line(&mut status).unwrap();
        assert!(status.contains(" 200"), "CreateBucket: {status}");
    }
}

fn find(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// A store on a new, empty bucket.
async fn fresh() -> S3BlobStore {
    let server = S3Server::get();
    let bucket = format!("pli-test-{:016x}", rand::random::<u64>());
    server.create_bucket(&bucket);
    S3BlobStore::with_builder(server.builder(&bucket))
        .await
        .unwrap()
}

async fn read_all(blobs: &S3BlobStore, key: &str) -> (u64, Vec<u8>) {
    let (size, stream) = blobs.get(key).await.unwrap();
    let chunks: Vec<Bytes> = stream.try_collect().await.unwrap();
    (size, chunks.concat())
}

fn chunks_of(data: &[u8], chunk: usize) -> ByteStream {
    let data = Bytes::copy_from_slice(data);
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..data.len())
        .step_by(chunk.max(1))
        .map(|start| Ok(data.slice(start..(start + chunk).min(data.len()))))
        .collect();
    futures_util::stream::iter(chunks).boxed()
}

#[tokio::test]
async fn s3_blobs_of_every_size_round_trip() {
    let blobs = fresh().await;
    // Empty, one byte, one part exactly (one PutObject), and multipart with a short last part.
    for (index, len) in [0, 1, S3_PART_SIZE, 2 * S3_PART_SIZE + 12_345]
        .into_iter()
        .enumerate()
    {
        let key = format!("envelopes/{index:032x}");
        let data = pattern(len, index as u64);
        assert_eq!(
            blobs
                .put(&key, chunks_of(&data, 100 * 1024 + 7))
                .await
                .unwrap(),
            len as u64
        );
        let (size, read) = read_all(&blobs, &key).await;
        assert_eq!(size, len as u64, "{len}");
        assert!(read == data, "content of {len} bytes");
    }
}

#[tokio::test]
async fn an_s3_bucket_is_empty_until_a_blob_is_stored() {
    let blobs = fresh().await;
    assert!(blobs.is_empty().await.unwrap());
    blobs.put(KEY, chunks_of(b"stored", 3)).await.unwrap();
    assert!(!blobs.is_empty().await.unwrap());
    blobs.delete(KEY).await.unwrap();
    assert!(blobs.is_empty().await.unwrap());
}

#[tokio::test]
async fn an_s3_blob_is_never_replaced() {
    let blobs = fresh().await;
    for len in [1000, S3_PART_SIZE + 1] {
        let key = format!("envelopes/{len:032x}");
        let first = pattern(len, 1);
        blobs.put(&key, chunks_of(&first, 64 * 1024)).await.unwrap();
        let second = pattern(len, 2);
        assert!(matches!(
            blobs.put(&key, chunks_of(&second, 64 * 1024)).await,
            Err(BlobError::AlreadyExists)
        ));
        assert!(read_all(&blobs, &key).await.1 == first);
    }
}

/// A body that fails, before or after the first part went out, leaves nothing under the key.
#[tokio::test]
async fn an_aborted_s3_upload_leaves_nothing() {
    let blobs = fresh().await;
    for len in [1000, 3 * S3_PART_SIZE] {
        let data = Bytes::from(pattern(len, 3));
        let body = futures_util::stream::iter(vec![
            Ok(data),
            Err(std::io::Error::other("client went away")),
        ])
        .boxed();
        assert!(matches!(
            blobs.put(KEY, body).await,
            Err(BlobError::Aborted(_))
        ));
        assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    }
}

/// While the body streams in (several parts already sent), nothing is visible under the key.
#[tokio::test]
async fn an_s3_upload_is_invisible_until_complete() {
    let blobs = fresh().await;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
    .boxed();
    let uploader = {
        let blobs = blobs.clone();
        tokio::spawn(async move { blobs.put(KEY, body).await })
    };
    let data = pattern(3 * S3_PART_SIZE, 4);
    for chunk in data.chunks(MIB) {
        sender
            .send(Ok(Bytes::copy_from_slice(chunk)))
            .await
            .unwrap();
    }
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    drop(sender);
    assert_eq!(uploader.await.unwrap().unwrap(), data.len() as u64);
    assert!(read_all(&blobs, KEY).await.1 == data);
}

#[tokio::test]
async fn missing_s3_blobs_are_not_found_and_bad_keys_refused() {
    let blobs = fresh().await;
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
    assert!(matches!(blobs.delete(KEY).await, Err(BlobError::NotFound)));
    for key in ["../x", "/etc/passwd", "tmp/x", "Envelopes/x", ""] {
        let body = chunks_of(b"x", 1);
        assert!(
            matches!(blobs.put(key, body).await, Err(BlobError::InvalidKey)),
            "{key}"
        );
    }
    blobs.put(KEY, chunks_of(b"ciphertext", 3)).await.unwrap();
    blobs.delete(KEY).await.unwrap();
    assert!(matches!(blobs.get(KEY).await, Err(BlobError::NotFound)));
}

#[tokio::test]
async fn concurrent_s3_uploads_do_not_mix() {
    let blobs = fresh().await;
    let uploads = (0..8u64).map(|index| {
        let blobs = blobs.clone();
        async move {
            let key = format!("envelopes/{index:032x}");
            let data = pattern(MIB + index as usize * 1000, index);
            blobs.put(&key, chunks_of(&data, 32 * 1024)).await.unwrap();
            (key, data)
        }
    });
    for (key, data) in futures_util::future::join_all(uploads).await {
        assert!(read_all(&blobs, &key).await.1 == data);
    }
}

/// A bucket that does not exist is refused when the store opens, not at the first upload.
#[tokio::test]
async fn a_missing_bucket_is_refused_at_open() {
    let server = S3Server::get();
    let error = S3BlobStore::with_builder(server.builder("pli-no-such-bucket"))
        .await
        .unwrap_err();
    assert!(matches!(error, BlobError::Backend(_)), "{error:?}");
}

/// Parts join in order into a new blob; the parts stay; a missing part publishes nothing.
#[tokio::test]
async fn s3_parts_concatenate_into_one_blob() {
    let blobs = fresh().await;
    let data = pattern(2 * S3_PART_SIZE + 99, 12);
    let bounds = [0, 1000, S3_PART_SIZE + 3, data.len()];
    let mut parts = Vec::new();
    for (index, window) in bounds.windows(2).enumerate() {
        let part = format!("uploads/{index:04}");
        blobs
            .put(&part, chunks_of(&data[window[0]..window[1]], 64 * 1024))
            .await
            .unwrap();
        parts.push(part);
    }
    assert_eq!(blobs.concat(&parts, KEY).await.unwrap(), data.len() as u64);
    assert!(read_all(&blobs, KEY).await.1 == data);
    assert_eq!(read_all(&blobs, &parts[0]).await.0, 1000);

    let missing = "envelopes/00000000000000000000000000000002";
    let with_a_hole = [parts[0].clone(), "uploads/9999".to_owned()];
    assert!(blobs.concat(&with_a_hole, missing).await.is_err());
    assert!(matches!(blobs.get(missing).await, Err(BlobError::NotFound)));
}
