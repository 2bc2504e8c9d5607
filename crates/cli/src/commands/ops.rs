//! `pli backup`, `pli restore` and `pli migrate`: the metadata as a backend-neutral snapshot
//! (`pli_store::snapshot`), the blobs copied with their SHA-256, the audit log checked against
//! the head signed at snapshot time.
//!
//! A backup directory holds `snapshot.jsonl`, `blobs.jsonl` (one line per stored envelope's
//! blob: id, key, size, SHA-256), the blobs under `blobs/`, `audit-head.note` (the latest
//! signed checkpoint in the snapshot), the server's keys under `keys/`, and, written last,
//! `MANIFEST`: the SHA-256 and size of every other file. A directory without it is an
//! unfinished backup.

use std::collections::BTreeMap;
use std::io::{BufReader, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use futures_util::{StreamExt as _, TryStreamExt as _};
use pli_audit::{SignedCheckpoint, VerifyingKey};
use pli_blob::{BlobStore, LocalBlobStore, S3BlobStore};
use pli_server::{BlobLocation, DatabaseUrl};
use pli_store::snapshot::{SnapshotReader, Value};
use pli_store::{Id, Snapshot, SnapshotSummary};
use pli_store_postgres::PostgresStore;
use pli_store_sqlite::SqliteStore;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::print_line;

const MANIFEST: &str = "MANIFEST";
const MANIFEST_HEADER: &str = "pli-backup 1";
const SNAPSHOT: &str = "snapshot.jsonl";
const BLOB_MANIFEST: &str = "blobs.jsonl";
const AUDIT_HEAD: &str = "audit-head.note";
const SERVER_KEY: &str = "server.key";
const KEY_FILES: [&str; 2] = [SERVER_KEY, pli_server::audit::LOG_KEY_FILE];

/// Blobs copied at a time: copies wait on the network or on an fsync, rarely on the CPU.
const COPIES: usize = 8;

/// Where an instance keeps its data, as `pli serve` takes it.
#[derive(Debug, Args)]
pub struct InstanceArgs {
    /// Data directory: the SQLite database and blobs (unless --database and --blobs say
    /// otherwise) and always the server's keys (server.key, audit-log.key).
    #[arg(
        long,
        env = "PLI_DATA",
        default_value = "./pli-data",
        value_name = "DIR"
    )]
    pub data: PathBuf,
    /// Metadata in this PostgreSQL database (postgres://USER@HOST/DB).
    #[arg(long, env = "PLI_DATABASE", value_name = "URL", value_parser = crate::args::parse_database, hide_env_values = true)]
    pub database: Option<DatabaseUrl>,
    /// Blobs in this S3-compatible bucket (s3://BUCKET; endpoint and credentials from the
    /// AWS_* variables).
    #[arg(long, env = "PLI_BLOBS", value_name = "s3://BUCKET", value_parser = crate::args::parse_blobs)]
    pub blobs: Option<BlobLocation>,
}

/// `pli backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Directory to write the backup into; created, and refused unless empty.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub instance: InstanceArgs,
}

/// `pli restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup directory written by `pli backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    #[command(flatten)]
    pub instance: InstanceArgs,
}

/// `pli migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Data directory of the embedded installation (pli.db, blobs/, keys), server stopped.
    #[arg(long, value_name = "DATA_DIR")]
    pub from: PathBuf,
    /// Target PostgreSQL database (postgres://USER@HOST/DB); must be empty.
    #[arg(long, value_name = "URL", value_parser = crate::args::parse_database, hide_env_values = true)]
    pub database: DatabaseUrl,
    /// Target S3-compatible bucket (s3://BUCKET); must be empty.
    #[arg(long, value_name = "s3://BUCKET", value_parser = crate::args::parse_blobs)]
    pub blobs: BlobLocation,
}

/// `pli backup`: snapshot, blobs, audit head, keys, then `MANIFEST`.
pub async fn backup(args: BackupArgs) -> Result<()> {
    let out = &args.out;
    prepare_empty_dir(out)?;
    let keys = read_keys(&args.instance.data)?;
    let (store, blobs) = open_instance(&args.instance, true).await?;
    let mut written: Vec<FileEntry> = Vec::new();

    let mut writer = HashingFile::create(&out.join(SNAPSHOT))?;
    let summary = store
        .export_snapshot(&mut writer)
        .await
        .context("writing the metadata snapshot")?;
    written.push(writer.finish(SNAPSHOT)?);
    let contents = read_snapshot_contents(&out.join(SNAPSHOT))?;

    let mut blob_lines = String::new();
    let mut blob_bytes = 0u64;
    // Several blobs at a time: each ends with an fsync, which is what a copy waits on.
    let entries: Vec<FileEntry> = futures_util::stream::iter(contents.stored.iter().copied())
        .map(|id| backup_blob(blobs.as_ref(), out, id))
        .buffered(COPIES)
        .try_collect()
        .await?;
    for (id, entry) in contents.stored.iter().zip(entries) {
        blob_bytes += entry.size;
        blob_lines.push_str(
            &json!({
                "id": id.to_string(),
                "key": pli_server::state::blob_key(*id),
                "size": entry.size,
                "sha256": hex::encode(entry.sha256),
            })
            .to_string(),
        );
        blob_lines.push('\n');
        written.push(entry);
    }
    written.push(write_file(out, BLOB_MANIFEST, blob_lines.as_bytes())?);
    if let Some(head) = &contents.audit_head {
        written.push(write_file(out, AUDIT_HEAD, head.as_bytes())?);
    }
    private_dir(&out.join("keys")).context("creating the keys directory")?;
    for (name, bytes) in &keys {
        written.push(write_file(out, &format!("keys/{name}"), bytes)?);
    }
    let mut manifest = format!("{MANIFEST_HEADER}\n");
    for entry in &written {
        manifest.push_str(&format!(
            "{} {} {}\n",
            hex::encode(entry.sha256),
            entry.size,
            entry.path
        ));
    }
    // Every name written so far is durable before MANIFEST says the backup is whole, and
    // MANIFEST appears whole or not at all.
    for dir in ["blobs/envelopes", "blobs", "keys"] {
        if out.join(dir).is_dir() {
            sync_dir(&out.join(dir))?;
        }
    }
    let temporary = format!("{MANIFEST}.tmp");
    write_file(out, &temporary, manifest.as_bytes())?;
    std::fs::rename(out.join(&temporary), out.join(MANIFEST)).context("writing MANIFEST")?;
    sync_dir(out)?;
    print_line(&format!(
        "backup written to {}: {} tables, {} rows, {} blobs ({blob_bytes} bytes), audit log at {} entries",
        out.display(),
        summary.tables.len(),
        summary.rows(),
        contents.stored.len(),
        contents.audit_size
    ))
}

/// `pli restore`: every hash checked first, then blobs, then the snapshot in one transaction,
/// then the keys; then the audit log is verified against the backed-up head.
pub async fn restore(args: RestoreArgs) -> Result<()> {
    let from = &args.from;
    let manifest = read_manifest(from)?;
    for entry in manifest.values() {
        check_file(from, entry)?;
    }
    for required in [SNAPSHOT, BLOB_MANIFEST] {
        if !manifest.contains_key(required) {
            bail!("the backup in {} lists no {required}", from.display());
        }
    }
    let blob_entries = read_blob_manifest(from, &manifest)?;
    let mut keys: Vec<(&str, Vec<u8>)> = Vec::new();
    for name in KEY_FILES {
        let relative = format!("keys/{name}");
        if !manifest.contains_key(&relative) {
            bail!("the backup in {} has no {relative}", from.display());
        }
        let bytes = std::fs::read(from.join(&relative))
            .with_context(|| format!("reading {relative} of the backup"))?;
        keys.push((name, bytes));
    }
    let head = match manifest.get(AUDIT_HEAD) {
        Some(_) => Some(
            std::fs::read_to_string(from.join(AUDIT_HEAD))
                .context("reading the backed-up audit head")?,
        ),
        None => None,
    };
    // Every stored envelope of the snapshot has its blob in the backup, and nothing else is.
    let contents = read_snapshot_contents(&from.join(SNAPSHOT))?;
    let expected: std::collections::BTreeSet<String> = contents
        .stored
        .iter()
        .map(|id| pli_server::state::blob_key(*id))
        .collect();
    let present: std::collections::BTreeSet<String> =
        blob_entries.iter().map(|blob| blob.key.clone()).collect();
    if let Some(key) = expected.symmetric_difference(&present).next() {
        bail!("the backup is inconsistent: the snapshot and blobs.jsonl disagree on {key}");
    }
    let snapshot_schema = {
        let file = std::fs::File::open(from.join(SNAPSHOT)).context("opening the snapshot")?;
        let mut input = BufReader::new(file);
        SnapshotReader::open(&mut input)
            .context("reading the snapshot")?
            .schema()
    };

    // The target: the keys it may already hold must be the backup's, and it must be empty.
    let data = &args.instance.data;
    for (name, bytes) in &keys {
        match std::fs::read(data.join(name)) {
            Ok(existing) if existing == *bytes => {}
            Ok(_) => bail!(
                "{} already holds another {name}: restore into an empty instance",
                data.display()
            ),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context(format!("reading {}", data.join(name).display())));
            }
        }
    }
    let (store, blobs) = open_instance(&args.instance, false).await?;
    let counts = store
        .table_counts()
        .await
        .context("counting the target's rows")?;
    expect_empty(&counts, blobs.as_ref()).await?;
    if counts.schema != snapshot_schema {
        bail!(
            "the backup is of schema version {snapshot_schema} and this release's is {}: restore with the release that made it",
            counts.schema
        );
    }

    let mut copied: Vec<String> = Vec::new();
    let result = async {
        let puts: Vec<(String, Result<()>)> = futures_util::stream::iter(&blob_entries)
            .map(|blob| async {
                let path = from.join(format!("blobs/{}", blob.key));
                let put = put_file(blobs.as_ref(), &blob.key, &path).await;
                (blob.key.clone(), put)
            })
            .buffer_unordered(COPIES)
            .collect()
            .await;
        let mut first_error = None;
        for (key, put) in puts {
            match put {
                Ok(()) => copied.push(key),
                Err(error) => first_error = first_error.or(Some(error)),
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        let file = std::fs::File::open(from.join(SNAPSHOT)).context("opening the snapshot")?;
        let mut input = BufReader::new(file);
        store
            .import_snapshot(&mut input)
            .await
            .context("loading the snapshot")
    }
    .await;
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            remove_blobs(blobs.as_ref(), &copied).await;
            return Err(error);
        }
    };
    std::fs::create_dir_all(data).with_context(|| format!("creating {}", data.display()))?;
    for (name, bytes) in &keys {
        let path = data.join(name);
        if !path.exists() {
            write_secret(&path, bytes)?;
        }
    }

    let log_key = keys
        .iter()
        .find(|(name, _)| *name == pli_server::audit::LOG_KEY_FILE)
        .map(|(_, bytes)| bytes.as_slice())
        .ok_or_else(|| anyhow!("the backup has no audit log key"))?;
    let audit = verify_audit(store.clone(), log_key, head.as_deref()).await?;
    print_line(&format!(
        "restored from {}: {} tables, {} rows, {} blobs; {audit}",
        from.display(),
        summary.tables.len(),
        summary.rows(),
        blob_entries.len()
    ))
}

/// `pli migrate`: an embedded installation to PostgreSQL and S3, with every table's count and
/// every blob's SHA-256 checked on the target.
pub async fn migrate(args: MigrateArgs) -> Result<()> {
    let from = &args.from;
    let db = from.join("pli.db");
    if !db.is_file() {
        bail!("{} holds no Pli database (pli.db)", from.display());
    }
    let log_key = std::fs::read(from.join(pli_server::audit::LOG_KEY_FILE))
        .with_context(|| format!("reading the audit log key in {}", from.display()))?;
    let source = SqliteStore::open(&db)
        .await
        .context("opening the source database")?;
    let source_blobs = LocalBlobStore::open(&from.join("blobs"))
        .await
        .context("opening the source blobs")?;
    let target: Arc<dyn Snapshot> = Arc::new(
        PostgresStore::connect(args.database.expose())
            .await
            .context("connecting to the target database")?,
    );
    let BlobLocation::S3 { bucket } = &args.blobs;
    let target_blobs = S3BlobStore::from_env(bucket)
        .await
        .context("opening the target bucket")?;
    let counts = target
        .table_counts()
        .await
        .context("counting the target's rows")?;
    expect_empty(&counts, &target_blobs).await?;

    let snapshot_path = from.join("migrate-snapshot.jsonl.tmp");
    let mut writer = HashingFile::create(&snapshot_path)?;
    let exported = source.export_snapshot(&mut writer).await;
    let result = async {
        let summary = exported.context("writing the metadata snapshot")?;
        writer.finish(SNAPSHOT)?;
        if summary.schema != counts.schema {
            bail!(
                "the source is at schema version {} and the target at {}",
                summary.schema,
                counts.schema
            );
        }
        let contents = read_snapshot_contents(&snapshot_path)?;
        let mut copied: Vec<String> = Vec::new();
        let (source_blobs, target_blobs) = (&source_blobs, &target_blobs);
        let copy = async {
            let copies: Vec<(String, Result<String>, bool)> =
                futures_util::stream::iter(contents.stored.iter().copied())
                    .map(|id| async move {
                        let key = pli_server::state::blob_key(id);
                        let (size, sha256) = match copy_blob(source_blobs, target_blobs, &key).await
                        {
                            Ok(copied) => copied,
                            Err(error) => return (key, Err(error), false),
                        };
                        let checked = match hash_blob(target_blobs, &key).await {
                            Ok(read_back) if read_back == (size, sha256) => {
                                Ok(format!("blob {key} {size} {} ok", hex::encode(sha256)))
                            }
                            Ok(_) => Err(anyhow!(
                                "the target's copy of {key} differs from the source's"
                            )),
                            Err(error) => Err(error),
                        };
                        (key, checked, true)
                    })
                    .buffered(COPIES)
                    .collect()
                    .await;
            let mut lines = Vec::new();
            let mut first_error = None;
            for (key, checked, stored) in copies {
                if stored {
                    copied.push(key);
                }
                match checked {
                    Ok(line) => lines.push(line),
                    Err(error) => first_error = first_error.or(Some(error)),
                }
            }
            if let Some(error) = first_error {
                return Err(error);
            }
            let file = std::fs::File::open(&snapshot_path).context("opening the snapshot")?;
            let mut input = BufReader::new(file);
            target
                .import_snapshot(&mut input)
                .await
                .context("loading the snapshot into the target")?;
            Ok::<_, anyhow::Error>(lines)
        }
        .await;
        let lines = match copy {
            Ok(lines) => lines,
            Err(error) => {
                remove_blobs(target_blobs, &copied).await;
                return Err(error);
            }
        };
        Ok((summary, contents, lines))
    }
    .await;
    let _ = std::fs::remove_file(&snapshot_path);
    let (summary, contents, blob_lines) = result?;

    let migrated = target
        .table_counts()
        .await
        .context("counting the target's rows")?;
    for (table, rows) in &summary.tables {
        let target_rows = migrated.rows_of(table);
        if target_rows != Some(*rows) {
            bail!(
                "table {table}: {rows} rows in the source, {} in the target",
                target_rows.map_or("none".to_owned(), |n| n.to_string())
            );
        }
        print_line(&format!("table {table} {rows} rows ok"))?;
    }
    for line in &blob_lines {
        print_line(line)?;
    }
    let audit = verify_audit(target, &log_key, contents.audit_head.as_deref()).await?;
    print_line(&format!(
        "migrated {}: {} tables, {} rows, {} blobs with matching SHA-256; {audit}",
        from.display(),
        summary.tables.len(),
        summary.rows(),
        contents.stored.len()
    ))
}

/// Copies one envelope's blob into the backup, hashing it on the way; the file is on disk
/// when this returns.
async fn backup_blob(blobs: &dyn BlobStore, out: &Path, id: Id) -> Result<FileEntry> {
    use tokio::io::AsyncWriteExt as _;
    let key = pli_server::state::blob_key(id);
    let relative = format!("blobs/{key}");
    let path = out.join(&relative);
    if let Some(parent) = path.parent() {
        private_dir(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let (_, mut stream) = blobs.get(&key).await.with_context(|| {
        format!(
            "reading the blob of envelope {id} (deleted since the snapshot? run the backup again)"
        )
    })?;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(&path)
        .await
        .with_context(|| format!("creating {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream
        .try_next()
        .await
        .with_context(|| format!("reading the blob of envelope {id}"))?
    {
        hasher.update(&chunk);
        size += chunk.len() as u64;
        file.write_all(&chunk)
            .await
            .with_context(|| format!("writing {}", path.display()))?;
    }
    file.sync_all()
        .await
        .with_context(|| format!("syncing {}", path.display()))?;
    Ok(FileEntry {
        path: relative,
        size,
        sha256: hasher.finalize().into(),
    })
}

/// What the backup needs from a snapshot: stored envelopes and the latest checkpoint.
struct SnapshotContents {
    stored: Vec<Id>,
    audit_head: Option<String>,
    audit_size: u64,
}

fn read_snapshot_contents(path: &Path) -> Result<SnapshotContents> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut input = BufReader::new(file);
    let mut reader = SnapshotReader::open(&mut input).context("reading the snapshot back")?;
    let mut contents = SnapshotContents {
        stored: Vec::new(),
        audit_head: None,
        audit_size: 0,
    };
    while let Some(table) = reader.next_table().context("reading the snapshot back")? {
        let column = |name: &str| table.columns.iter().position(|(column, _)| column == name);
        match table.name.as_str() {
            "envelopes" => {
                let (Some(id_at), Some(state_at)) = (column("id"), column("state")) else {
                    bail!("the snapshot's envelopes have no id or state");
                };
                while let Some(row) = reader.next_row().context("reading the snapshot back")? {
                    // State 1 is stored: only those have a durable blob.
                    if let (Value::Bytes(id), Value::Integer(1)) = (&row[id_at], &row[state_at]) {
                        let id = <[u8; 16]>::try_from(id.as_slice())
                            .map_err(|_| anyhow!("an envelope id is not 16 bytes"))?;
                        contents.stored.push(Id::from_bytes(id));
                    }
                }
            }
            "audit_log_checkpoints" => {
                let (Some(size_at), Some(note_at)) = (column("size"), column("note")) else {
                    bail!("the snapshot's checkpoints have no size or note");
                };
                while let Some(row) = reader.next_row().context("reading the snapshot back")? {
                    if let (Value::Integer(size), Value::Text(note)) =
                        (&row[size_at], &row[note_at])
                    {
                        let size = u64::try_from(*size).unwrap_or(0);
                        if contents.audit_head.is_none() || size > contents.audit_size {
                            contents.audit_size = size;
                            contents.audit_head = Some(note.clone());
                        }
                    }
                }
            }
            _ => {
                while reader
                    .next_row()
                    .context("reading the snapshot back")?
                    .is_some()
                {}
            }
        }
    }
    Ok(contents)
}

/// Replays the store's audit log against the head signed at snapshot time and its latest
/// checkpoint, with the log key; says what was checked.
async fn verify_audit(
    store: Arc<dyn Snapshot>,
    log_key: &[u8],
    head: Option<&str>,
) -> Result<String> {
    let seed =
        <[u8; 32]>::try_from(log_key).map_err(|_| anyhow!("the audit log key is not 32 bytes"))?;
    let public: VerifyingKey = pli_audit::SigningKey::from_bytes(&seed).verifying_key();
    let Some(verifier) = super::audit::store_verifier(store.as_ref(), public).await? else {
        if head.is_some() {
            bail!("the audit log is empty but the backup holds a signed head");
        }
        return Ok("audit log empty".to_owned());
    };
    let Some(head) = head else {
        bail!("the audit log has entries but the backup holds no signed head");
    };
    let head = SignedCheckpoint::open(head.as_bytes(), &verifier)
        .context("the backed-up audit head is not signed by the log key")?;
    let mut checkpoints = vec![head];
    if let Some(latest) = store
        .audit_log_latest()
        .await
        .context("reading the latest checkpoint")?
    {
        checkpoints.push(
            SignedCheckpoint::open(latest.note.as_bytes(), &verifier)
                .context("the latest checkpoint is not signed by the log key")?,
        );
    }
    let store: Arc<dyn pli_store::Store> = store;
    match super::audit::verify_store(store, &checkpoints).await? {
        Ok(verified) => Ok(format!(
            "audit log {} intact: {} entries, signed head of {} verified",
            verifier.name(),
            verified.size,
            verified.signed_size
        )),
        Err(error) => bail!("the restored audit log does not verify: {error}"),
    }
}

/// Opens an instance's store and blob store. `existing`: refuse a data directory without a
/// database or blobs rather than create them.
async fn open_instance(
    args: &InstanceArgs,
    existing: bool,
) -> Result<(Arc<dyn Snapshot>, Arc<dyn BlobStore>)> {
    let store: Arc<dyn Snapshot> = match &args.database {
        Some(url) => Arc::new(
            PostgresStore::connect(url.expose())
                .await
                .context("connecting to the database")?,
        ),
        None => {
            let db = args.data.join("pli.db");
            if existing && !db.is_file() {
                bail!("{} holds no Pli database (pli.db)", args.data.display());
            }
            std::fs::create_dir_all(&args.data)
                .with_context(|| format!("creating {}", args.data.display()))?;
            Arc::new(
                SqliteStore::open(&db)
                    .await
                    .context("opening the database")?,
            )
        }
    };
    let blobs: Arc<dyn BlobStore> = match &args.blobs {
        Some(BlobLocation::S3 { bucket }) => Arc::new(
            S3BlobStore::from_env(bucket)
                .await
                .context("opening the bucket")?,
        ),
        None => {
            let dir = args.data.join("blobs");
            if existing && !dir.is_dir() {
                bail!("{} holds no blobs directory", args.data.display());
            }
            Arc::new(
                LocalBlobStore::open(&dir)
                    .await
                    .context("opening the blobs directory")?,
            )
        }
    };
    Ok((store, blobs))
}

async fn expect_empty(counts: &SnapshotSummary, blobs: &dyn BlobStore) -> Result<()> {
    if let Some((table, _)) = counts.tables.iter().find(|(_, rows)| *rows > 0) {
        bail!(
            "the target is not empty (table {table} has rows): restore or migrate only into an empty instance"
        );
    }
    if !blobs
        .is_empty()
        .await
        .context("listing the target's blobs")?
    {
        bail!(
            "the target's blob store is not empty: restore or migrate only into an empty instance"
        );
    }
    Ok(())
}

/// The server's keys in a data directory; both must be there.
fn read_keys(data: &Path) -> Result<Vec<(&'static str, Vec<u8>)>> {
    KEY_FILES
        .iter()
        .map(|name| {
            let path = data.join(name);
            let bytes = std::fs::read(&path).with_context(|| {
                format!(
                    "reading {} (the backup needs the deployment's keys: pass --data with them)",
                    path.display()
                )
            })?;
            Ok((*name, bytes))
        })
        .collect()
}

fn prepare_empty_dir(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} is not empty: back up into a new directory",
                    dir.display()
                );
            }
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            private_dir(dir).with_context(|| format!("creating {}", dir.display()))
        }
        Err(error) => Err(anyhow::Error::new(error).context(format!("reading {}", dir.display()))),
    }
}

/// A file listed in `MANIFEST`.
#[derive(Clone, Debug)]
struct FileEntry {
    path: String,
    size: u64,
    sha256: [u8; 32],
}

/// `MANIFEST`, by path. Refuses paths outside the backup's layout.
fn read_manifest(from: &Path) -> Result<BTreeMap<String, FileEntry>> {
    let text = match std::fs::read_to_string(from.join(MANIFEST)) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} is not a complete backup: MANIFEST is missing (the backup did not finish)",
            from.display()
        ),
        Err(error) => {
            return Err(anyhow::Error::new(error).context("reading the backup's MANIFEST"));
        }
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        bail!("the backup's MANIFEST is not a {MANIFEST_HEADER} manifest");
    }
    let mut entries = BTreeMap::new();
    for (number, line) in lines.enumerate() {
        let invalid = || anyhow!("the backup's MANIFEST line {} is malformed", number + 2);
        let mut fields = line.splitn(3, ' ');
        let (Some(sha256), Some(size), Some(path)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(invalid());
        };
        let mut digest = [0u8; 32];
        hex::decode_to_slice(sha256, &mut digest).map_err(|_| invalid())?;
        let size: u64 = size.parse().map_err(|_| invalid())?;
        if !known_path(path) {
            bail!("the backup's MANIFEST names an unexpected file {path:?}");
        }
        entries.insert(
            path.to_owned(),
            FileEntry {
                path: path.to_owned(),
                size,
                sha256: digest,
            },
        );
    }
    Ok(entries)
}

/// The files a backup may hold: nothing else is ever read or written.
fn known_path(path: &str) -> bool {
    if [SNAPSHOT, BLOB_MANIFEST, AUDIT_HEAD].contains(&path) {
        return true;
    }
    if let Some(name) = path.strip_prefix("keys/") {
        return KEY_FILES.contains(&name);
    }
    path.strip_prefix("blobs/envelopes/")
        .and_then(Id::parse)
        .is_some()
}

fn check_file(from: &Path, entry: &FileEntry) -> Result<()> {
    let path = from.join(&entry.path);
    let mut file = std::fs::File::open(&path)
        .with_context(|| format!("the backup is incomplete: {} is missing", entry.path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    if size != entry.size || digest != entry.sha256 {
        bail!(
            "the backup is corrupt: {} does not match its SHA-256 in MANIFEST",
            entry.path
        );
    }
    Ok(())
}

/// A line of `blobs.jsonl`.
struct BlobEntry {
    key: String,
}

/// `blobs.jsonl`, each blob checked against `MANIFEST`.
fn read_blob_manifest(
    from: &Path,
    manifest: &BTreeMap<String, FileEntry>,
) -> Result<Vec<BlobEntry>> {
    let text = std::fs::read_to_string(from.join(BLOB_MANIFEST)).context("reading blobs.jsonl")?;
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let invalid = || anyhow!("blobs.jsonl line {} is malformed", number + 1);
        let value: serde_json::Value = serde_json::from_str(line).map_err(|_| invalid())?;
        let key = value["key"].as_str().ok_or_else(invalid)?;
        let size = value["size"].as_u64().ok_or_else(invalid)?;
        let sha256 = value["sha256"].as_str().ok_or_else(invalid)?;
        let listed = manifest.get(&format!("blobs/{key}")).ok_or_else(|| {
            anyhow!("the backup is incomplete: the blob {key} is not in MANIFEST")
        })?;
        if listed.size != size || hex::encode(listed.sha256) != sha256 {
            bail!("the backup is corrupt: blobs.jsonl and MANIFEST disagree on {key}");
        }
        entries.push(BlobEntry {
            key: key.to_owned(),
        });
    }
    Ok(entries)
}

async fn put_file(blobs: &dyn BlobStore, key: &str, path: &Path) -> Result<()> {
    let file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let body = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024).boxed();
    blobs
        .put(key, body)
        .await
        .with_context(|| format!("storing the blob {key}"))?;
    Ok(())
}

/// Copies a blob, returning its size and SHA-256 as read from the source.
async fn copy_blob(
    source: &dyn BlobStore,
    target: &dyn BlobStore,
    key: &str,
) -> Result<(u64, [u8; 32])> {
    let (_, stream) = source
        .get(key)
        .await
        .with_context(|| format!("reading the source blob {key}"))?;
    let hasher = Arc::new(Mutex::new((Sha256::new(), 0u64)));
    let tap = hasher.clone();
    let body = stream
        .inspect_ok(move |chunk| {
            if let Ok(mut state) = tap.lock() {
                state.0.update(chunk);
                state.1 += chunk.len() as u64;
            }
        })
        .boxed();
    target
        .put(key, body)
        .await
        .with_context(|| format!("storing the blob {key} in the target"))?;
    let (hasher, size) = {
        let mut state = hasher
            .lock()
            .map_err(|_| anyhow!("hashing the blob {key}"))?;
        (std::mem::take(&mut state.0), state.1)
    };
    Ok((size, hasher.finalize().into()))
}

async fn hash_blob(blobs: &dyn BlobStore, key: &str) -> Result<(u64, [u8; 32])> {
    let (_, mut stream) = blobs
        .get(key)
        .await
        .with_context(|| format!("reading back the blob {key}"))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream
        .try_next()
        .await
        .with_context(|| format!("reading back the blob {key}"))?
    {
        hasher.update(&chunk);
        size += chunk.len() as u64;
    }
    Ok((size, hasher.finalize().into()))
}

/// Removes blobs copied before a failure, so the target stays empty (best effort: a failure
/// here is reported, the original error is what the operator sees).
async fn remove_blobs(blobs: &dyn BlobStore, keys: &[String]) {
    for key in keys {
        if let Err(error) = blobs.delete(key).await {
            eprintln!("warning: could not remove the copied blob {key}: {error}");
        }
    }
}

/// A file being written while its SHA-256 and size are computed.
struct HashingFile {
    file: std::fs::File,
    hasher: Sha256,
    size: u64,
    path: PathBuf,
}

impl HashingFile {
    /// A new file readable by its owner only: a backup holds the deployment's keys and its
    /// metadata.
    fn create(path: &Path) -> Result<HashingFile> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(HashingFile {
            file,
            hasher: Sha256::new(),
            size: 0,
            path: path.to_owned(),
        })
    }

    /// Flushes to disk and returns the file's entry under `relative`.
    fn finish(self, relative: &str) -> Result<FileEntry> {
        self.file
            .sync_all()
            .with_context(|| format!("syncing {}", self.path.display()))?;
        Ok(FileEntry {
            path: relative.to_owned(),
            size: self.size,
            sha256: self.hasher.finalize().into(),
        })
    }
}

impl Write for HashingFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn write_file(dir: &Path, relative: &str, bytes: &[u8]) -> Result<FileEntry> {
    let mut file = HashingFile::create(&dir.join(relative))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {relative}"))?;
    file.finish(relative)
}

/// A key file: mode 0600, written whole under a temporary name then renamed.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("key.tmp");
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("writing {}", path.display()))
}

/// Creates a directory (and its parents) readable by its owner only.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("syncing {}", dir.display()))
}
