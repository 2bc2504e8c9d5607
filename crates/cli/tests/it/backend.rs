//! Where a test server keeps its metadata and blobs: SQLite and files in its data directory by
//! default, or a fresh PostgreSQL database and S3 bucket with `PLI_TEST_BACKEND=postgres-s3`
//! (as `scripts/test-scale` runs the suite: the PostgreSQL server of `PLI_TEST_POSTGRES_URL`,
//! the S3 server of `PLI_TEST_S3_ENDPOINT`, credentials in `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY`).

use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

use futures_util::TryStreamExt as _;
use pli_blob::BlobStore;

use crate::{Run, Server, pli};

/// Where a test server keeps its metadata and blobs.
pub struct Backend {
    /// `--database URL --blobs s3://BUCKET`, or nothing for the data directory.
    pub serve_args: Vec<OsString>,
    /// The S3 endpoint and region for `pli`, on PostgreSQL and S3.
    pub envs: Vec<(&'static str, String)>,
    pub database: Option<String>,
    pub bucket: Option<String>,
}

impl Backend {
    /// The backend `PLI_TEST_BACKEND` asks for, fresh: a new database and a new bucket.
    pub fn fresh() -> Backend {
        match std::env::var("PLI_TEST_BACKEND").as_deref() {
            Ok("postgres-s3") => Backend::scaled(),
            Ok("sqlite") | Err(_) => Backend::embedded(),
            Ok(other) => panic!("PLI_TEST_BACKEND={other}: expected sqlite or postgres-s3"),
        }
    }

    /// SQLite and files in the server's data directory.
    pub fn embedded() -> Backend {
        Backend {
            serve_args: Vec::new(),
            envs: Vec::new(),
            database: None,
            bucket: None,
        }
    }

    pub fn scaled() -> Backend {
        let database = fresh_database();
        let bucket = fresh_bucket();
        Backend {
            serve_args: vec![
                "--database".into(),
                database.clone().into(),
                "--blobs".into(),
                format!("s3://{bucket}").into(),
            ],
            envs: vec![
                ("AWS_ENDPOINT_URL", var("PLI_TEST_S3_ENDPOINT")),
                ("AWS_ALLOW_HTTP", "true".into()),
                ("AWS_REGION", "us-east-1".into()),
            ],
            database: Some(database),
            bucket: Some(bucket),
        }
    }

    /// Invites an agent of "hospital" offline, in the server's own store; returns the code.
    pub fn invite(&self, server: &Server, email: &str) -> String {
        self.invite_in(server, email, "hospital", "agent", &[])
    }

    /// Invites offline into `org` with `role`, in the server's own store (the data directory's
    /// SQLite through `pli admin invite --data`, or the PostgreSQL database); returns the code.
    pub fn invite_in(
        &self,
        server: &Server,
        email: &str,
        org: &str,
        role: &str,
        mailboxes: &[&str],
    ) -> String {
        let Some(database) = &self.database else {
            let mut command = pli(None);
            command
                .args([
                    "admin", "invite", email, "--org", org, "--role", role, "--data",
                ])
                .arg(server.data.path());
            for mailbox in mailboxes {
                command.args(["--mailbox", mailbox]);
            }
            return Run::from(command.output().unwrap()).ok().to_owned();
        };
        let role = match role {
            "admin" => pli_proto::Role::Admin,
            "auditor" => pli_proto::Role::Auditor,
            "agent" => pli_proto::Role::Agent,
            other => panic!("no role {other}"),
        };
        let mailboxes: Vec<String> = mailboxes.iter().map(|name| (*name).to_owned()).collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = pli_store_postgres::PostgresStore::connect(database)
                .await
                .unwrap();
            let offline =
                pli_server::offline::Offline::with_store(server.data.path(), Arc::new(store));
            offline.invite(email, org, role, &mailboxes).await.unwrap()
        })
    }

    pub fn serve_args(&self) -> Vec<&std::ffi::OsStr> {
        self.serve_args.iter().map(OsString::as_os_str).collect()
    }

    /// The blob store the server writes to.
    pub async fn blobs(&self, data: &Path) -> Arc<dyn BlobStore> {
        match &self.bucket {
            Some(bucket) => Arc::new(
                pli_blob::S3BlobStore::with_builder(s3_builder(bucket))
                    .await
                    .unwrap(),
            ),
            None => Arc::new(
                pli_blob::LocalBlobStore::open(&data.join("blobs"))
                    .await
                    .unwrap(),
            ),
        }
    }

    /// Keys of every blob a reader could fetch (uploads in progress are not blobs).
    pub async fn blob_keys(&self, data: &Path) -> Vec<String> {
        use object_store::ObjectStore as _;
        let store: Box<dyn object_store::ObjectStore> = match &self.bucket {
            Some(bucket) => Box::new(s3_builder(bucket).build().unwrap()),
            None => Box::new(
                object_store::local::LocalFileSystem::new_with_prefix(data.join("blobs")).unwrap(),
            ),
        };
        let objects: Vec<_> = store.list(None).try_collect().await.unwrap();
        objects
            .into_iter()
            .map(|meta| meta.location.to_string())
            .filter(|key| !key.starts_with("tmp/"))
            .collect()
    }

    /// `pli audit verify --data DIR` (with `--database` on PostgreSQL), as an auditor with a
    /// fresh profile.
    pub fn audit_verify(&self, data: &Path) -> Run {
        let home = tempfile::tempdir().unwrap();
        let mut command = pli(Some(home.path()));
        command.args(["audit", "verify", "--data"]).arg(data);
        if let Some(database) = &self.database {
            command.args(["--database", database]);
        }
        Run::from(command.output().unwrap())
    }
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("PLI_TEST_BACKEND=postgres-s3 needs {name}"))
}

fn s3_builder(bucket: &str) -> object_store::aws::AmazonS3Builder {
    object_store::aws::AmazonS3Builder::new()
        .with_endpoint(var("PLI_TEST_S3_ENDPOINT"))
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id(var("AWS_ACCESS_KEY_ID"))
        .with_secret_access_key(var("AWS_SECRET_ACCESS_KEY"))
        .with_bucket_name(bucket)
        .with_virtual_hosted_style_request(false)
}

/// A new database on the test PostgreSQL server; its URL.
pub fn fresh_database() -> String {
    use sqlx::Connection as _;
    let admin_url = var("PLI_TEST_POSTGRES_URL");
    let name = format!("pli_test_{:032x}", rand::random::<u128>());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
    });
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

/// A new bucket on the test S3 server.
pub fn fresh_bucket() -> String {
    use std::io::{BufRead as _, Write as _};
    let bucket = format!("pli-test-{:016x}", rand::random::<u64>());
    if let Ok(root) = std::env::var("PLI_TEST_S3_ROOT") {
        std::fs::create_dir_all(Path::new(&root).join(&bucket)).unwrap();
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
