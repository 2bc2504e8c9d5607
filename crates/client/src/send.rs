//! Sending: resolve recipients, hash the files, sign the manifest, and stream the sealed
//! envelope to the server without ever holding it whole in memory or on disk.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use pli_envelope::{EnvelopeError, FileCheck, FileEntry, Manifest, Recipient, Sender};
use pli_proto::{AddressKind, CreateEnvelopeRequest, DirectoryEntry};
use rand::RngCore as _;
use rand::rngs::OsRng;

use crate::api::{Api, ApiError, sanitize};
use crate::keys::AccountKeys;
use crate::progress::Progress;

/// Size of the pieces the sealed envelope is streamed in.
const UPLOAD_CHUNK: usize = 256 * 1024;
/// Pieces in flight between the sealing thread and the connection: bounds memory use.
const UPLOAD_QUEUE: usize = 8;
/// Longest subject accepted, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 1024;

/// Errors of sending an envelope.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// `--to` named nobody.
    #[error("no recipient given")]
    NoRecipients,
    /// No file given.
    #[error("no file given")]
    NoFiles,
    /// The directory does not know the address (or hides it from this account).
    #[error("unknown recipient {0}: no account or mailbox has this address (check the spelling)")]
    UnknownRecipient(String),
    /// A mailbox without any member cannot be encrypted to.
    #[error("mailbox {0} has no members, so nobody could read the envelope")]
    EmptyMailbox(String),
    /// A mailbox's key does not verify: nothing is encrypted to it.
    #[error(transparent)]
    MailboxKey(#[from] crate::mailbox::MailboxError),
    /// A recipient's key is not proven by the server's audit log, or the log is not trusted.
    #[error(transparent)]
    Transparency(#[from] crate::transparency::TransparencyError),
    /// The directory answered something inconsistent.
    #[error("the directory entry of {address} is invalid: {reason}")]
    BadDirectory { address: String, reason: String },
    /// A file could not be read.
    #[error("reading {}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file's name cannot travel in an envelope.
    #[error("{}: its name cannot be sent (plain names only: no control or reserved characters, at most 255 bytes)", path.display())]
    InvalidFileName { path: PathBuf },
    /// Two files share a name.
    #[error("two files are named {0:?}: rename one of them")]
    DuplicateFileName(String),
    /// The subject is too long or holds control characters.
    #[error("the subject is invalid: {0}")]
    InvalidSubject(&'static str),
    /// A file changed between hashing and sealing.
    #[error("file {0:?} changed while it was being sent: send it again")]
    FileChanged(String),
    /// Sealing failed.
    #[error("sealing the envelope failed")]
    Envelope(#[source] EnvelopeError),
    /// The server refused or the connection failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The sealing thread stopped unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What to send.
#[derive(Debug)]
pub struct Outgoing<'a> {
    /// The files, in the order they go into the envelope.
    pub files: &'a [PathBuf],
    /// Account emails and mailbox names, as given.
    pub to: &'a [String],
    pub subject: &'a str,
    /// The labels and decision of the organisation's policy, when it has one.
    pub dlp: Option<pli_envelope::DlpLabel>,
    /// People without an account: each email, as the manifest lists it, and the age
    /// recipient derived for its link (`crate::external`).
    pub external: &'a [(String, age::x25519::Recipient)],
}

/// The sender as the manifest names it.
#[derive(Debug)]
pub struct SenderIdentity<'a> {
    pub email: &'a str,
    pub key_id: &'a str,
}

/// The age recipients an address is encrypted to, as `send` resolves them: an account's key;
/// a mailbox's usable key generation (its creator's signature checked); else every current
/// member's own key. Every key is proven by the audit log under `log` (key transparency).
pub async fn address_recipients(
    api: &Api,
    address: &str,
    log: &crate::transparency::KeyLog,
) -> Result<BTreeSet<String>, SendError> {
    let mut recipient_keys = BTreeSet::new();
    let entry = match api.directory(address).await {
        Ok(entry) => entry,
        Err(error) if error.is_not_found() => {
            return Err(SendError::UnknownRecipient(sanitize(address)));
        }
        Err(error) => return Err(error.into()),
    };
    let member_keys = recipient_keys_of(address, &entry)?;
    // A mailbox with a usable, verified key is encrypted to that key alone, so members who
    // join later can read it; otherwise to every current member's own key.
    match crate::mailbox::usable_recipient(api, address, &entry).await? {
        Some(mailbox_key) => {
            let current = entry
                .mailbox_key
                .as_ref()
                .ok_or_else(|| SendError::BadDirectory {
                    address: sanitize(address),
                    reason: "no current mailbox key".into(),
                })?;
            log.check_mailbox(api, address, current).await?;
            recipient_keys.insert(mailbox_key);
        }
        None => {
            for key in &entry.keys {
                let name = match entry.kind {
                    AddressKind::Account => address.to_owned(),
                    AddressKind::Mailbox => format!("{} (member of {address})", key.email),
                };
                log.check_account(api, &name, key).await?;
            }
            recipient_keys.extend(member_keys);
        }
    }
    Ok(recipient_keys)
}

/// Seals `outgoing` for its recipients and uploads it; returns the envelope id.
///
/// The recipients are the sender's own key (so it can read the envelope in its outbox) and, for
/// each address, the account's key, or a mailbox's current key when the directory says it is
/// usable and its creator's signature verifies, or else every current member's key.
///
/// Every key encrypted to must be proven by the server's audit log under `log` (key
/// transparency): its entry's inclusion in a checkpoint signed by the pinned key and
/// consistent with the one verified before.
pub async fn send(
    api: &Api,
    sender: &SenderIdentity<'_>,
    keys: &AccountKeys,
    outgoing: &Outgoing<'_>,
    log: &crate::transparency::KeyLog,
    progress: Arc<dyn Progress>,
) -> Result<Sent, SendError> {
    if outgoing.files.is_empty() {
        return Err(SendError::NoFiles);
    }
    check_subject(outgoing.subject)?;
    let addresses = normalize_addresses(outgoing.to);
    if addresses.is_empty() && outgoing.external.is_empty() {
        return Err(SendError::NoRecipients);
    }

    let mut recipient_keys = BTreeSet::new();
    recipient_keys.insert(keys.identity().to_public().to_string());
    for (_, recipient) in outgoing.external {
        recipient_keys.insert(recipient.to_string());
    }
    for address in &addresses {
        recipient_keys.extend(address_recipients(api, address, log).await?);
    }
    let recipients = recipient_keys
        .iter()
        .map(|text| {
            text.parse::<Recipient>()
                .map_err(|_| SendError::BadDirectory {
                    address: "a recipient".into(),
                    reason: "an age recipient key is malformed".into(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let paths = outgoing.files.to_vec();
    let (entries, stamps) = tokio::task::spawn_blocking(move || hash_files(&paths))
        .await
        .map_err(|error| SendError::Internal(error.to_string()))??;

    let manifest = Manifest {
        envelope_id: new_envelope_id(),
        subject: outgoing.subject.to_owned(),
        sender: Sender {
            email: sender.email.to_owned(),
            key_id: sender.key_id.to_owned(),
        },
        recipients: addresses
            .iter()
            .cloned()
            .chain(outgoing.external.iter().map(|(email, _)| email.clone()))
            .collect(),
        created_at: now_unix(),
        files: entries,
        dlp: outgoing.dlp.clone(),
        outside: None,
    };
    let size =
        pli_envelope::sealed_size(&manifest, recipients.len()).map_err(SendError::Envelope)?;
    let manifest_hash = pli_envelope::manifest_hash(&manifest).map_err(SendError::Envelope)?;

    api.create_envelope(&CreateEnvelopeRequest {
        id: manifest.envelope_id.clone(),
        to: addresses,
        external: outgoing
            .external
            .iter()
            .map(|(email, _)| email.clone())
            .collect(),
        size,
        dlp: outgoing.dlp.as_ref().map(crate::policy::summary),
    })
    .await?;

    let id = upload(
        api,
        manifest,
        keys,
        recipients,
        (outgoing.files.to_vec(), stamps),
        size,
        progress,
    )
    .await?;
    Ok(Sent { id, manifest_hash })
}

/// A delivered envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Its id, 32 lowercase hex digits.
    pub id: String,
    /// SHA-256 of its signed manifest: recipients' receipts must sign this value.
    pub manifest_hash: [u8; 32],
}

/// Lowercases and trims addresses, drops empty ones and duplicates, keeps the given order.
pub fn normalize_addresses(to: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    to.iter()
        .flat_map(|item| item.split(','))
        .map(|address| address.trim().to_lowercase())
        .filter(|address| !address.is_empty() && seen.insert(address.clone()))
        .collect()
}

/// A media type guessed from the file name's extension; `application/octet-stream` otherwise.
pub fn media_type(name: &str) -> &'static str {
    let extension = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => extension.to_ascii_lowercase(),
        _ => return "application/octet-stream",
    };
    match extension.as_str() {
        "pdf" => "application/pdf",
        "txt" | "text" | "log" => "text/plain",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "dcm" => "application/dicom",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "rtf" => "application/rtf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "eml" => "message/rfc822",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn check_subject(subject: &str) -> Result<(), SendError> {
    if subject.len() > MAX_SUBJECT_BYTES {
        return Err(SendError::InvalidSubject("longer than 1024 bytes"));
    }
    if subject.chars().any(char::is_control) {
        return Err(SendError::InvalidSubject("it holds control characters"));
    }
    Ok(())
}

/// Checks a directory entry against the address asked for and returns its age recipients.
fn recipient_keys_of(address: &str, entry: &DirectoryEntry) -> Result<Vec<String>, SendError> {
    let bad = |reason: &str| SendError::BadDirectory {
        address: sanitize(address),
        reason: reason.to_owned(),
    };
    if entry.address.to_lowercase() != address {
        return Err(bad("the server answered for another address"));
    }
    match entry.kind {
        AddressKind::Account => {
            let [key] = entry.keys.as_slice() else {
                return Err(bad("an account must have exactly one key"));
            };
            if key.email.to_lowercase() != address {
                return Err(bad("the key belongs to another account"));
            }
        }
        AddressKind::Mailbox => {
            if entry.keys.is_empty() {
                return Err(SendError::EmptyMailbox(sanitize(address)));
            }
        }
    }
    Ok(entry
        .keys
        .iter()
        .map(|key| key.public_keys.age_recipient.clone())
        .collect())
}

/// What identifies one version of a file's contents: any write to the file changes its
/// change time (which a process cannot set back), and a replaced file has another inode.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl FileStamp {
    fn of(file: &File, path: &Path) -> Result<FileStamp, SendError> {
        let metadata = file.metadata().map_err(|source| SendError::File {
            path: path.to_path_buf(),
            source,
        })?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt as _;
        Ok(FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            #[cfg(unix)]
            inode: (metadata.dev(), metadata.ino()),
            #[cfg(unix)]
            changed: (metadata.ctime(), metadata.ctime_nsec()),
        })
    }
}

/// Hashes each file (the manifest, which holds the hashes, precedes the files) and notes its
/// stamp from before hashing, so sealing can skip a second hashing pass: it checks instead
/// that the stamps did not change (see [`pli_envelope::FileCheck::SizeOnly`]).
fn hash_files(paths: &[PathBuf]) -> Result<(Vec<FileEntry>, Vec<FileStamp>), SendError> {
    let mut names = BTreeSet::new();
    let mut entries = Vec::with_capacity(paths.len());
    let mut stamps = Vec::with_capacity(paths.len());
    for path in paths {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| SendError::InvalidFileName { path: path.clone() })?;
        if pli_envelope::validate_file_name(name).is_err() {
            return Err(SendError::InvalidFileName { path: path.clone() });
        }
        if !names.insert(name.to_owned()) {
            return Err(SendError::DuplicateFileName(name.to_owned()));
        }
        let mut file = open_file(path)?;
        stamps.push(FileStamp::of(&file, path)?);
        // Unbuffered: the hasher reads in large blocks itself.
        let (sha256, size) =
            pli_envelope::sha256_reader(&mut file).map_err(|error| match error {
                EnvelopeError::Io(source) => SendError::File {
                    path: path.clone(),
                    source,
                },
                other => SendError::Envelope(other),
            })?;
        entries.push(FileEntry {
            name: name.to_owned(),
            size,
            media_type: media_type(name).to_owned(),
            sha256,
        });
    }
    Ok((entries, stamps))
}

fn open_file(path: &Path) -> Result<File, SendError> {
    let error = |source| SendError::File {
        path: path.to_path_buf(),
        source,
    };
    // Opening a named pipe waits for a writer, possibly forever: the path is checked before
    // the open, and the opened file again, in case another took its place in between.
    regular_file(&std::fs::metadata(path).map_err(error)?).map_err(error)?;
    let file = File::open(path).map_err(error)?;
    regular_file(&file.metadata().map_err(error)?).map_err(error)?;
    Ok(file)
}

/// Refuses anything but a regular file, naming what it is (`not a regular file (a named
/// pipe)`): reading a named pipe, a socket or a device can wait for ever. Shared by `pli send`
/// and `pli scan`.
pub fn regular_file(metadata: &std::fs::Metadata) -> io::Result<()> {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    let what = if file_type.is_dir() {
        "a directory"
    } else {
        special_file(&file_type)
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what})"),
    ))
}

#[cfg(unix)]
fn special_file(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_fifo() {
        "a named pipe"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_file(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Seals and uploads, resuming after a dropped connection or a server failure: the server
/// keeps what it received, says how much with [`Api::upload_offset`], and the envelope is
/// sealed again with the same random choices ([`pli_envelope::Sealing`]) so its bytes are the
/// same; those the server holds are skipped, not sent again. Nothing is ever staged on disk.
async fn upload(
    api: &Api,
    manifest: Manifest,
    keys: &AccountKeys,
    recipients: Vec<Recipient>,
    (paths, stamps): (Vec<PathBuf>, Vec<FileStamp>),
    size: u64,
    progress: Arc<dyn Progress>,
) -> Result<String, SendError> {
    let id = manifest.envelope_id.clone();
    let sealing = pli_envelope::Sealing::new(&recipients).map_err(SendError::Envelope)?;
    let attempt = Attempt {
        manifest: Arc::new(manifest),
        signing_key: keys.signing_key().clone(),
        sealing: Arc::new(sealing),
        paths: Arc::new(paths),
        stamps: Arc::new(stamps),
        size,
        progress: Arc::clone(&progress),
    };
    progress.start(size);
    let result = upload_with_retries(api, &attempt).await;
    progress.finish();
    result.map(|()| id)
}

/// Attempts at one upload: the first and up to five resumptions.
const UPLOAD_ATTEMPTS: u32 = 6;
/// Wait before the first resumption, doubled at each one, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// What every attempt at an upload seals: the same inputs and the same random choices.
struct Attempt {
    manifest: Arc<Manifest>,
    signing_key: pli_envelope::SigningKey,
    sealing: Arc<pli_envelope::Sealing>,
    paths: Arc<Vec<PathBuf>>,
    stamps: Arc<Vec<FileStamp>>,
    size: u64,
    progress: Arc<dyn Progress>,
}

async fn upload_with_retries(api: &Api, attempt: &Attempt) -> Result<(), SendError> {
    let id = attempt.manifest.envelope_id.as_str();
    let mut offset = 0;
    let mut n_attempt = 1;
    loop {
        let error = match upload_from(api, attempt, offset).await {
            Ok(()) => return Ok(()),
            Err(error) if may_resume(&error) => error,
            Err(error) => return Err(error),
        };
        // Where to continue; while the network is down, asking fails too.
        let held = loop {
            if n_attempt >= UPLOAD_ATTEMPTS {
                return Err(error);
            }
            tokio::time::sleep(backoff(n_attempt)).await;
            n_attempt += 1;
            match api.upload_offset(id).await {
                Ok(held) => break held,
                Err(asking) if asking.is_transient() => continue,
                // An older server, or the envelope is gone: the upload's own error says more.
                Err(_) => return Err(error),
            }
        };
        if held.size != attempt.size || held.offset > attempt.size {
            return Err(SendError::Api(ApiError::BadAnswer(
                "the server's upload offset is out of range".into(),
            )));
        }
        if held.complete {
            return Ok(());
        }
        offset = held.offset;
        attempt
            .progress
            .resume(offset, n_attempt, UPLOAD_ATTEMPTS, &error.to_string());
    }
}

/// A dropped connection, a server failure, or a piece that lost a race (409): the server
/// holds what it acknowledged, so the upload can continue from there.
fn may_resume(error: &SendError) -> bool {
    match error {
        SendError::Api(error) => error.is_transient() || error.status() == Some(409),
        _ => false,
    }
}

fn backoff(n_attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1 << n_attempt.saturating_sub(1).min(8))
        .min(MAX_BACKOFF)
}

/// Seals on a blocking thread straight into the body of the upload, from byte `offset` on:
/// the bytes before it are sealed again (to keep the encryption's state) but not sent.
async fn upload_from(api: &Api, attempt: &Attempt, offset: u64) -> Result<(), SendError> {
    let id = attempt.manifest.envelope_id.clone();
    let size = attempt.size;
    let (chunks, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(UPLOAD_QUEUE);
    let manifest = Arc::clone(&attempt.manifest);
    let signing_key = attempt.signing_key.clone();
    let sealing = Arc::clone(&attempt.sealing);
    let paths = Arc::clone(&attempt.paths);
    let stamps = Arc::clone(&attempt.stamps);
    let sealer_progress = Arc::clone(&attempt.progress);
    let sealer = tokio::task::spawn_blocking(move || {
        let mut sink = ChunkSender {
            chunks,
            buffer: BytesMut::with_capacity(UPLOAD_CHUNK),
            skip: offset,
            written: 0,
            limit: size,
            progress: sealer_progress,
        };
        let result = seal_files(
            &manifest,
            &signing_key,
            &sealing,
            &paths,
            &stamps,
            &mut sink,
        );
        match result {
            Ok(()) => sink.finish(),
            Err(error) => {
                // Make the request body fail, so the server discards a partial upload instead
                // of waiting for bytes that will never come.
                sink.abort();
                Err(error)
            }
        }
    });
    let body = reqwest::Body::wrap_stream(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ));
    let uploaded = api
        .upload_content_from(&id, offset, size - offset.min(size), body)
        .await;
    let sealed = sealer
        .await
        .map_err(|error| SendError::Internal(error.to_string()))?;
    match (uploaded, sealed) {
        (Ok(_), Ok(())) => Ok(()),
        // The connection broke first; the sealing side only saw its consequence.
        (Err(error), Err(SendError::Envelope(EnvelopeError::Io(io))))
            if io.kind() == io::ErrorKind::BrokenPipe =>
        {
            Err(error.into())
        }
        (_, Err(error)) => Err(error),
        (Err(error), Ok(())) => Err(error.into()),
    }
}

/// Seals straight from the files, which the envelope reads into its own buffers (no
/// `BufReader`: that would only add a copy). The envelope's last bytes stay in `sink` until
/// the caller's `finish`, so a file found changed here can still fail the upload.
fn seal_files(
    manifest: &Manifest,
    signing_key: &pli_envelope::SigningKey,
    sealing: &pli_envelope::Sealing,
    paths: &[PathBuf],
    stamps: &[FileStamp],
    sink: &mut ChunkSender,
) -> Result<(), SendError> {
    let mut opened = Vec::with_capacity(paths.len());
    for ((path, stamp), entry) in paths.iter().zip(stamps).zip(&manifest.files) {
        let file = open_file(path)?;
        if FileStamp::of(&file, path)? != *stamp {
            return Err(SendError::FileChanged(entry.name.clone()));
        }
        opened.push(file);
    }
    let mut readers: Vec<&File> = opened.iter().collect();
    let mut files: Vec<&mut dyn Read> = readers
        .iter_mut()
        .map(|reader| reader as &mut dyn Read)
        .collect();
    pli_envelope::seal_prepared(
        manifest,
        signing_key,
        sealing,
        &mut files,
        sink,
        FileCheck::SizeOnly,
    )
    .map_err(|error| match error {
        EnvelopeError::FileMismatch { name, .. } => SendError::FileChanged(name),
        other => SendError::Envelope(other),
    })?;
    for (((file, path), stamp), entry) in opened.iter().zip(paths).zip(stamps).zip(&manifest.files)
    {
        if FileStamp::of(file, path)? != *stamp {
            return Err(SendError::FileChanged(entry.name.clone()));
        }
    }
    Ok(())
}

/// A `Write` that hands the sealed bytes to the upload in pieces, through a bounded queue.
struct ChunkSender {
    chunks: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
    buffer: BytesMut,
    /// Leading bytes the server holds already: counted, not sent.
    skip: u64,
    written: u64,
    limit: u64,
    progress: Arc<dyn Progress>,
}

impl ChunkSender {
    fn push(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = self.buffer.split().freeze();
        self.buffer.reserve(UPLOAD_CHUNK);
        let n = chunk.len() as u64;
        self.chunks
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped"))?;
        self.progress.advance(n);
        Ok(())
    }

    fn finish(mut self) -> Result<(), SendError> {
        self.push()
            .map_err(|error| SendError::Envelope(EnvelopeError::Io(error)))?;
        if self.written != self.limit {
            self.abort();
            return Err(SendError::Internal(format!(
                "the envelope is {} bytes, not the {} announced",
                self.written, self.limit
            )));
        }
        Ok(())
    }

    fn abort(&mut self) {
        let _ = self
            .chunks
            .blocking_send(Err(io::Error::other("sealing the envelope failed")));
    }
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.written + data.len() as u64 > self.limit {
            return Err(io::Error::other(
                "the envelope is larger than the size announced",
            ));
        }
        if self.skip > 0 {
            let n = data
                .len()
                .min(usize::try_from(self.skip).unwrap_or(usize::MAX));
            self.skip -= n as u64;
            self.written += n as u64;
            return Ok(n);
        }
        let room = UPLOAD_CHUNK - self.buffer.len();
        let n = data.len().min(room);
        self.buffer.extend_from_slice(&data[..n]);
        self.written += n as u64;
        // The envelope's last piece waits for `finish`: the upload is complete only once the
        // caller has made its last checks.
        if self.buffer.len() >= UPLOAD_CHUNK && self.written < self.limit {
            self.push()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn new_envelope_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pli_proto::{AccountKey, PublicKeys};

    #[test]
    fn addresses_are_split_lowercased_and_deduplicated() {
        let to = vec![
            "Bob@Example.org, team ".to_owned(),
            "bob@example.org".to_owned(),
            ",,".to_owned(),
            "carol@example.org".to_owned(),
        ];
        assert_eq!(
            normalize_addresses(&to),
            ["bob@example.org", "team", "carol@example.org"]
        );
    }

    #[test]
    fn media_types_come_from_the_extension() {
        let check = |name: &str, expected: &str| assert_eq!(media_type(name), expected, "{name}");
        check("report.pdf", "application/pdf");
        check("REPORT.PDF", "application/pdf");
        check("scan.jpeg", "image/jpeg");
        check("notes.txt", "text/plain");
        check("archive.tar.gz", "application/gzip");
        check("noextension", "application/octet-stream");
        check(".pdf", "application/octet-stream");
        check("strange.xyz", "application/octet-stream");
    }

    fn key(email: &str) -> AccountKey {
        AccountKey {
            log_index: None,
            email: email.into(),
            public_keys: PublicKeys {
                age_recipient: format!("age1{email}"),
                signing_key: "k".into(),
            },
            key_id: "id".into(),
        }
    }

    fn entry(address: &str, kind: AddressKind, keys: Vec<AccountKey>) -> DirectoryEntry {
        DirectoryEntry {
            address: address.into(),
            kind,
            org: "org".into(),
            keys,
            mailbox_key: None,
        }
    }

    #[test]
    fn directory_entries_must_answer_the_question_asked() {
        let account = entry("bob@x.org", AddressKind::Account, vec![key("bob@x.org")]);
        assert_eq!(
            recipient_keys_of("bob@x.org", &account).unwrap(),
            ["age1bob@x.org"]
        );
        // Another address, another account's key, several keys, an empty mailbox.
        assert!(recipient_keys_of("eve@x.org", &account).is_err());
        let swapped = entry("bob@x.org", AddressKind::Account, vec![key("eve@x.org")]);
        assert!(recipient_keys_of("bob@x.org", &swapped).is_err());
        let two = entry(
            "bob@x.org",
            AddressKind::Account,
            vec![key("bob@x.org"), key("eve@x.org")],
        );
        assert!(recipient_keys_of("bob@x.org", &two).is_err());
        let empty = entry("team", AddressKind::Mailbox, vec![]);
        assert!(matches!(
            recipient_keys_of("team", &empty),
            Err(SendError::EmptyMailbox(_))
        ));
        let team = entry(
            "team",
            AddressKind::Mailbox,
            vec![key("a@x.org"), key("b@x.org")],
        );
        assert_eq!(recipient_keys_of("team", &team).unwrap().len(), 2);
    }

    #[test]
    fn subjects_are_checked() {
        check_subject("Compte rendu, patient 12").unwrap();
        assert!(check_subject("a\u{1b}[31m").is_err());
        assert!(check_subject(&"x".repeat(MAX_SUBJECT_BYTES + 1)).is_err());
    }

    #[test]
    fn envelope_ids_are_128_bit_hex() {
        let id = new_envelope_id();
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(id, new_envelope_id());
    }

    #[test]
    fn stamps_change_when_a_file_is_rewritten_or_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, b"first version").unwrap();
        let stamp = |path: &Path| FileStamp::of(&File::open(path).unwrap(), path).unwrap();
        let before = stamp(&path);
        assert_eq!(stamp(&path), before, "reading changes nothing");
        // Same length, other bytes, written in place.
        std::fs::write(&path, b"other version").unwrap();
        let rewritten = stamp(&path);
        assert_ne!(rewritten, before);
        // Another file renamed over it.
        let other = dir.path().join("other");
        std::fs::write(&other, b"third version").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_ne!(stamp(&path), rewritten);
    }

    #[test]
    fn sealing_refuses_a_file_changed_since_it_was_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        std::fs::write(&path, b"the hashed contents").unwrap();
        let paths = vec![path.clone()];
        let (files, stamps) = hash_files(&paths).unwrap();
        std::fs::write(&path, b"the changed contents").unwrap();

        let keys = AccountKeys::generate();
        let manifest = Manifest {
            envelope_id: new_envelope_id(),
            subject: String::new(),
            sender: Sender {
                email: "alice@example.org".into(),
                key_id: pli_envelope::key_id(&keys.signing_key().verifying_key()),
            },
            recipients: vec!["bob@example.org".into()],
            created_at: now_unix(),
            files,
            dlp: None,
            outside: None,
        };
        let (chunks, _receiver) = tokio::sync::mpsc::channel(1024);
        let mut sink = ChunkSender {
            chunks,
            buffer: BytesMut::new(),
            skip: 0,
            written: 0,
            limit: u64::MAX,
            progress: Arc::new(crate::progress::NoProgress),
        };
        let result = seal_files(
            &manifest,
            keys.signing_key(),
            &pli_envelope::Sealing::new(&[keys.identity().to_public()]).unwrap(),
            &paths,
            &stamps,
            &mut sink,
        );
        assert!(
            matches!(&result, Err(SendError::FileChanged(name)) if name == "report.txt"),
            "{result:?}"
        );
    }

    #[test]
    fn a_resumed_sink_sends_only_what_follows_the_offset() {
        let data: Vec<u8> = (0..3 * UPLOAD_CHUNK + 5).map(|n| (n % 251) as u8).collect();
        for skip in [0, 1, UPLOAD_CHUNK - 1, UPLOAD_CHUNK + 7, data.len()] {
            let (chunks, mut receiver) = tokio::sync::mpsc::channel(1024);
            let mut sink = ChunkSender {
                chunks,
                buffer: BytesMut::new(),
                skip: skip as u64,
                written: 0,
                limit: data.len() as u64,
                progress: Arc::new(crate::progress::NoProgress),
            };
            // Written in uneven pieces, as the envelope writer does.
            for piece in data.chunks(10_000) {
                sink.write_all(piece).unwrap();
            }
            sink.finish().unwrap();
            let mut sent = Vec::new();
            while let Ok(chunk) = receiver.try_recv() {
                sent.extend_from_slice(&chunk.unwrap());
            }
            assert!(sent == data[skip..], "skipping {skip}");
        }
    }

    #[test]
    fn hashing_refuses_bad_and_duplicate_names() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, b"hello").unwrap();
        let (entries, _) = hash_files(std::slice::from_ref(&a)).unwrap();
        assert_eq!(entries[0].name, "a.txt");
        assert_eq!(entries[0].size, 5);
        assert_eq!(entries[0].media_type, "text/plain");
        assert!(matches!(
            hash_files(&[a.clone(), a.clone()]),
            Err(SendError::DuplicateFileName(_))
        ));
        assert!(matches!(
            hash_files(&[dir.path().join("missing")]),
            Err(SendError::File { .. })
        ));
        assert!(matches!(
            hash_files(&[dir.path().to_path_buf()]),
            Err(SendError::File { .. }) | Err(SendError::InvalidFileName { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn hashing_refuses_a_named_pipe_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // On another thread: opening the pipe would wait for a writer that never comes.
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || sender.send(hash_files(&[fifo]).map(|_| ())));
        let hashed = receiver
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("hashing a named pipe still running after 30 s");
        assert!(
            matches!(&hashed, Err(SendError::File { source, .. }) if source.kind() == io::ErrorKind::InvalidInput),
            "{hashed:?}"
        );
    }
}
