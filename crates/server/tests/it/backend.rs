//! Which backends the tests' apps run on: SQLite and the data directory by default; with
//! `PLI_TEST_BACKEND=postgres-s3`, a fresh database on the PostgreSQL server of
//! `PLI_TEST_POSTGRES_URL` and a fresh bucket on the S3 server of `PLI_TEST_S3_ENDPOINT`
//! (credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`; buckets made as directories
//! of `PLI_TEST_S3_ROOT` when set, else with `CreateBucket`). `scripts/test-scale` starts both
//! servers on loopback and sets these.

use pli_blob::BlobStore;
use pli_store::Store;
use std::sync::Arc;

/// The backends of a test app on PostgreSQL and S3.
pub struct Scaled {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    /// The app's own bucket.
    pub bucket: String,
}

/// `Some` when the tests run on PostgreSQL and S3.
pub async fn scaled() -> Option<Scaled> {
    match std::env::var("PLI_TEST_BACKEND").as_deref() {
        Ok("postgres-s3") => {}
        Ok("sqlite") | Err(_) => return None,
        Ok(other) => panic!("PLI_TEST_BACKEND={other}: expected sqlite or postgres-s3"),
    }
    let store = pli_store_postgres::PostgresStore::connect(&fresh_database().await)
        .await
        .unwrap();
    let bucket = fresh_bucket();
    let blobs = pli_blob::S3BlobStore::with_builder(s3_builder(&bucket))
        .await
        .unwrap();
    Some(Scaled {
        store: Arc::new(store),
        blobs: Arc::new(blobs),
        bucket,
    })
}

/// Objects in `bucket`: what a client could ever download.
pub async fn objects_in(bucket: &str) -> usize {
    use futures_util::TryStreamExt;
    use object_store::ObjectStore;
    let bucket = s3_builder(bucket).build().unwrap();
    let objects: Vec<_> = bucket.list(None).try_collect().await.unwrap();
    objects.len()
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("PLI_TEST_BACKEND=postgres-s3 needs {name}"))
}

async fn fresh_database() -> String {
    use sqlx::Connection;
    let admin_url = var("PLI_TEST_POSTGRES_URL");
    let name = format!("pli_test_{}", pli_store::Id::random());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url.as_str(), None), |(base, query)| {
            (base, Some(query))
        });
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

fn s3_builder(bucket: &str) -> object_store::aws::AmazonS3Builder {
    object_store::aws::AmazonS3Builder::new()
        .with_endpoint(var("PLI_TEST_S3_ENDPOINT"))
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id(var("AWS_ACCESS_KEY_ID"))
        .with_secret_access_key(var("AWS_SECRET_ACCESS_KEY"))
        .with_bucket_name(bucket)
}

fn fresh_bucket() -> String {
    use std::io::{BufRead, Write};
    let bucket = format!("pli-test-{:016x}", rand::random::<u64>());
    if let Ok(root) = std::env::var("PLI_TEST_S3_ROOT") {
        std::fs::create_dir_all(std::path::Path::new(&root).join(&bucket)).unwrap();
        return bucket;
    }
    let endpoint = var("PLI_TEST_S3_ENDPOINT");
    let address = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "PUT /{bucket} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut status = String::new();
    std::io::BufReader::new(stream)
        .read_line(&mut status)
        .unwrap();
    assert!(status.contains(" 200"), "CreateBucket: {status}");
    bucket
}
