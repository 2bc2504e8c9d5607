//! Shared state of the handlers: trait objects for storage, the audit writer, the server key.

use crate::audit::{AuditLog, LOG_KEY_FILE, LogSource};
use crate::config::Config;
use crate::error::ServerError;
use crate::throttle::Guard;
use pli_blob::BlobStore;
use pli_store::{Id, Store, Timestamp};
use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Pending envelopes older than this are abandoned uploads and get removed.
pub const STALE_PENDING_SECS: i64 = 24 * 3600;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) audit: AuditLog,
    pub(crate) server_key: Arc<ServerKey>,
    pub(crate) max_envelope_size: u64,
    /// Envelopes whose content is being uploaded right now: a second upload of the same
    /// envelope must not overwrite the first one's blob.
    pub(crate) uploading: Arc<Mutex<HashSet<Id>>>,
    /// Rate limits of logins and invitation codes, and the trusted proxies.
    pub(crate) guard: Arc<Guard>,
    /// The flow monitor every download and listing passes through.
    pub(crate) monitor: Arc<crate::monitor::FlowMonitor>,
    /// Where mail and SMS go; `None`: external links cannot be created.
    pub(crate) notifier: Option<Arc<dyn crate::notify::Notifier>>,
    /// The address people reach this server at, without a trailing slash.
    pub(crate) public_url: Arc<str>,
    /// This server as browsers name it for passkeys; `None` when `public_url` cannot name a
    /// relying party (an IP address other than loopback).
    pub(crate) relying_party: Option<Arc<crate::passkeys::RelyingParty>>,
}

/// The key of the HMAC that makes fake prelogin salts. No `Debug`: it never reaches a log.
pub struct ServerKey([u8; 32]);

impl ServerKey {
    pub fn from_bytes(bytes: [u8; 32]) -> ServerKey {
        ServerKey(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl AppState {
    /// Builds a state over any store and blob store (tests use this with a non-durable store),
    /// with an audit log key made for this state alone (a new store's log is then named
    /// `localhost/audit`). Starts the audit writer, so it must run inside a tokio runtime.
    pub fn new(
        store: Arc<dyn Store>,
        blobs: Arc<dyn BlobStore>,
        server_key: ServerKey,
        max_envelope_size: u64,
    ) -> AppState {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        AppState::with_log_seed(store, blobs, server_key, max_envelope_size, seed)
    }

    /// Like [`AppState::new`], with the audit log key `seed` (see [`log_seed`]), so that
    /// offline administration of the same data directory appends to the same log.
    pub fn with_log_seed(
        store: Arc<dyn Store>,
        blobs: Arc<dyn BlobStore>,
        server_key: ServerKey,
        max_envelope_size: u64,
        seed: [u8; 32],
    ) -> AppState {
        let log = LogSource {
            seed,
            origin: None,
            fallback: "localhost/audit".to_owned(),
            opened: None,
        };
        AppState::with_log(store, blobs, server_key, max_envelope_size, log)
    }

    pub(crate) fn with_log(
        store: Arc<dyn Store>,
        blobs: Arc<dyn BlobStore>,
        server_key: ServerKey,
        max_envelope_size: u64,
        log: LogSource,
    ) -> AppState {
        AppState {
            audit: AuditLog::spawn(store.clone(), log),
            store,
            blobs,
            server_key: Arc::new(server_key),
            max_envelope_size,
            uploading: Arc::new(Mutex::new(HashSet::new())),
            guard: Arc::new(Guard::new(Vec::new())),
            monitor: Arc::new(crate::monitor::FlowMonitor::new(
                crate::monitor::Limits::default(),
            )),
            notifier: None,
            public_url: Arc::from("http://localhost"),
            relying_party: crate::passkeys::RelyingParty::for_url("http://localhost").map(Arc::new),
        }
    }

    /// Sends mail and SMS through `notifier`.
    pub fn with_notifier(mut self, notifier: Arc<dyn crate::notify::Notifier>) -> AppState {
        self.notifier = Some(notifier);
        self
    }

    /// Links in mail start with `url` (`https://pli.example`).
    pub fn with_public_url(mut self, url: &str) -> AppState {
        self.public_url = Arc::from(url.trim_end_matches('/'));
        self.relying_party = crate::passkeys::RelyingParty::for_url(url).map(Arc::new);
        self
    }

    /// Uses these flow monitor thresholds instead of the defaults.
    pub fn with_monitor_limits(mut self, limits: crate::monitor::Limits) -> AppState {
        self.monitor = Arc::new(crate::monitor::FlowMonitor::new(limits));
        self
    }

    /// Saves the flow monitor's baselines that changed since the last save.
    pub async fn save_monitor_baselines(&self) -> Result<usize, ServerError> {
        Ok(crate::monitor::save_baselines(self).await?)
    }

    /// Believes `X-Forwarded-For` from these reverse proxies (and from nobody else).
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> AppState {
        self.guard = Arc::new(Guard::new(proxies));
        self
    }

    /// Ends expired memberships and grants (see `Store::expire_access`) and forgets idle rate
    /// limiter keys. Returns how many accesses ended.
    pub async fn expire(&self, now: Timestamp) -> Result<u32, ServerError> {
        self.guard.forget_idle();
        self.store
            .prune_hits(now - crate::throttle::SHARED_WINDOW_KEPT_SECS)
            .await?;
        Ok(self.store.expire_access(now).await?)
    }

    /// The metadata store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The key the audit log's checkpoints are signed with, once the log is open.
    pub fn audit_verifier(&self) -> Option<pli_audit::LogVerifier> {
        self.audit.verifier()
    }

    /// Queues an audit event exactly as handlers do (group commit, one log entry each); for
    /// tools and benchmarks outside the request path.
    pub async fn record_audit(&self, event: pli_store::AuditEvent) {
        self.audit.record(event).await;
    }

    /// Waits until every audit event recorded so far is committed.
    pub async fn flush_audit(&self) {
        self.audit.flush().await;
    }

    /// Removes pending envelopes created before `now - 24 h` and their partial blobs (the
    /// pieces of a resumable upload included), skipping
    /// any whose upload is still running. Returns how many were removed.
    pub async fn clean_stale_pending(&self, now: Timestamp) -> Result<usize, ServerError> {
        let stale = self.store.stale_pending(now - STALE_PENDING_SECS).await?;
        let mut n_removed = 0;
        for id in stale {
            if self.is_uploading(id) {
                continue;
            }
            let pieces = self.store.upload_pieces(id).await?;
            for key in pieces
                .iter()
                .map(|piece| piece.blob_key.clone())
                .chain([blob_key(id)])
            {
                match self.blobs.delete(&key).await {
                    Ok(()) | Err(pli_blob::BlobError::NotFound) => {}
                    Err(error) => return Err(error.into()),
                }
            }
            match self.store.delete_envelope(id).await {
                Ok(()) | Err(pli_store::StoreError::NotFound) => n_removed += 1,
                Err(error) => return Err(error.into()),
            }
        }
        Ok(n_removed)
    }

    fn is_uploading(&self, id: Id) -> bool {
        self.uploading
            .lock()
            .map(|set| set.contains(&id))
            .unwrap_or(true)
    }
}

/// Key of an envelope's ciphertext in the blob store.
pub fn blob_key(id: Id) -> String {
    format!("envelopes/{id}")
}

/// Opens (creating if needed) the data directory: `pli.db`, `blobs/`, `server.key` and
/// `audit-log.key`, and the audit log in it.
pub async fn open_state(config: &Config) -> Result<AppState, ServerError> {
    let (store, blobs, server_key) = open_backends(config).await?;
    let seed = load_or_create_secret(&config.data_dir.join(LOG_KEY_FILE))?;
    let fallback = config.default_log_origin();
    let origin = config.log_origin.clone();
    let opened =
        crate::audit::open_log(store.as_ref(), &seed, origin.as_deref(), &fallback).await?;
    let log = LogSource {
        seed,
        origin,
        fallback,
        opened: Some(opened),
    };
    let mut state = AppState::with_log(store, blobs, server_key, config.max_envelope_size, log)
        .with_trusted_proxies(config.trusted_proxies.clone());
    if let Some(notifier) = open_notifier(config)? {
        state = state.with_notifier(notifier);
    }
    Ok(state)
}

/// The notifier of a configuration: `None` when no channel is configured.
fn open_notifier(config: &Config) -> Result<Option<Arc<dyn crate::notify::Notifier>>, ServerError> {
    use crate::notify::{MailOutbox, Relay, SmsHook, Smtp};
    let notify = &config.notify;
    if notify.mail_outbox.is_none() && notify.smtp.is_none() && notify.sms_hook.is_none() {
        return Ok(None);
    }
    let from_text = match &notify.mail_from {
        Some(from) => from.clone(),
        None => format!("Pli <pli@{}>", mail_host(config)),
    };
    let from: lettre::message::Mailbox = from_text.parse().map_err(|_| {
        ServerError::Invalid(format!(
            "--mail-from {from_text:?} is not a mail address (such as 'Pli <pli@hopital.example>')"
        ))
    })?;
    let outbox =
        match &notify.mail_outbox {
            Some(dir) => Some(MailOutbox::open(dir, from.clone()).map_err(|source| {
                ServerError::DataDir {
                    path: dir.clone(),
                    source,
                }
            })?),
            None => None,
        };
    let smtp = match &notify.smtp {
        Some(url) => Some(
            Smtp::new(url, from.clone())
                .map_err(|error| ServerError::Invalid(error.to_string()))?,
        ),
        None => None,
    };
    let sms_hook = match &notify.sms_hook {
        Some(url) => Some(SmsHook::new(url).ok_or_else(|| {
            ServerError::Invalid("--sms-hook must be an http:// or https:// URL".to_owned())
        })?),
        None => None,
    };
    Ok(Some(Arc::new(Relay {
        smtp,
        sms_hook,
        outbox,
    })))
}

/// The domain of the default `From:` address: the public URL's host when it is a name,
/// else `localhost`.
fn mail_host(config: &Config) -> String {
    config
        .public_url
        .as_deref()
        .and_then(|url| reqwest::Url::parse(url).ok())
        .and_then(|url| url.domain().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The audit log key of a data directory (`audit-log.key`, made at first use).
pub fn log_seed(data_dir: &Path) -> Result<[u8; 32], ServerError> {
    create_dir(data_dir)?;
    load_or_create_secret(&data_dir.join(LOG_KEY_FILE))
}

/// Opens the audit log of a data directory with its key (`audit-log.key`, made at first use).
pub(crate) async fn open_audit_log(
    data_dir: &Path,
    store: &dyn Store,
    origin: Option<&str>,
    fallback: &str,
) -> Result<pli_audit::AuditLog, ServerError> {
    let seed = log_seed(data_dir)?;
    Ok(crate::audit::open_log(store, &seed, origin, fallback).await?)
}

/// The metadata store, blob store and server key of a configuration: the data directory's
/// own, or the PostgreSQL database and S3 bucket it names. The keys stay in the data directory
/// either way (every server of one deployment needs the same `server.key` and
/// `audit-log.key`).
async fn open_backends(
    config: &Config,
) -> Result<(Arc<dyn Store>, Arc<dyn BlobStore>, ServerKey), ServerError> {
    if config.database.is_none() && config.blobs.is_none() {
        return open_data_dir(&config.data_dir).await;
    }
    let data_dir = &config.data_dir;
    create_dir(data_dir)?;
    let server_key = ServerKey(load_or_create_secret(&data_dir.join("server.key"))?);
    let store: Arc<dyn Store> = match &config.database {
        Some(url) => Arc::new(pli_store_postgres::PostgresStore::connect(url.expose()).await?),
        None => open_store(data_dir).await?,
    };
    let blobs: Arc<dyn BlobStore> = match &config.blobs {
        Some(crate::config::BlobLocation::S3 { bucket }) => {
            Arc::new(pli_blob::S3BlobStore::from_env(bucket).await?)
        }
        None => {
            let blob_dir = data_dir.join("blobs");
            create_dir(&blob_dir)?;
            Arc::new(pli_blob::LocalBlobStore::open(&blob_dir).await?)
        }
    };
    Ok((store, blobs, server_key))
}

pub(crate) async fn open_data_dir(
    data_dir: &Path,
) -> Result<(Arc<dyn Store>, Arc<dyn BlobStore>, ServerKey), ServerError> {
    create_dir(data_dir)?;
    let blob_dir = data_dir.join("blobs");
    create_dir(&blob_dir)?;
    let server_key = ServerKey(load_or_create_secret(&data_dir.join("server.key"))?);
    let store = open_store(data_dir).await?;
    let blobs = pli_blob::LocalBlobStore::open(&blob_dir).await?;
    Ok((store, Arc::new(blobs), server_key))
}

pub(crate) async fn open_store(data_dir: &Path) -> Result<Arc<dyn Store>, ServerError> {
    create_dir(data_dir)?;
    let store = pli_store_sqlite::SqliteStore::open(&data_dir.join("pli.db")).await?;
    Ok(Arc::new(store))
}

fn create_dir(path: &Path) -> Result<(), ServerError> {
    std::fs::create_dir_all(path).map_err(|source| ServerError::DataDir {
        path: path.to_owned(),
        source,
    })
}

/// Reads a secret key file (`server.key`, `audit-log.key`, a witness key), or makes one: 32 random bytes,
/// mode 0600, written under a temporary name then renamed so a crash never leaves a short key
/// behind.
pub fn load_or_create_secret(path: &Path) -> Result<[u8; 32], ServerError> {
    let io_error = |source| ServerError::DataDir {
        path: path.to_owned(),
        source,
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes =
                <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| ServerError::CorruptKey {
                    path: path.to_owned(),
                })?;
            return Ok(bytes);
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(error)),
    }
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let temporary: PathBuf = path.with_extension("key.tmp");
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&temporary).map_err(io_error)?;
    file.write_all(&bytes).map_err(io_error)?;
    file.sync_all().map_err(io_error)?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(io_error)?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(io_error)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_key_is_created_once_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let first = load_or_create_secret(&path).unwrap();
        let second = load_or_create_secret(&path).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn short_server_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        std::fs::write(&path, [1u8; 5]).unwrap();
        assert!(matches!(
            load_or_create_secret(&path),
            Err(ServerError::CorruptKey { .. })
        ));
    }
}
