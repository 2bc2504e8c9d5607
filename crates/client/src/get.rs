//! Receiving: download an envelope, check it against what was asked and what the server
//! claims, verify the sender's signature and every file, and only then put the files in place.
//!
//! The server is treated as hostile. The envelope id, sender and recipients are signed inside
//! the manifest by the sender, so a server that swaps blobs, replays an old envelope under a
//! new id, or rewrites a recipient list is caught here. Files are written under temporary
//! names (`.pli-*`, mode `0600`) and renamed into place only once the whole envelope has
//! authenticated; on any error every temporary file is deleted, so no plaintext of a failing
//! envelope stays on disk.

use std::collections::BTreeSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pli_envelope::{EnvelopeError, FileEntry, Identity, Manifest, Opening, VerifyingKey};
use pli_proto::{AccountInfo, AddressKind, EnvelopeSummary};
use tempfile::NamedTempFile;
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::api::{Api, ApiError, sanitize};
use crate::keys::AccountKeys;
use crate::mailbox::MailboxSecrets;
use crate::progress::Progress;
use crate::writeback::WriteBack;

/// Prefix of the temporary files a download writes before they are verified.
pub const TEMP_PREFIX: &str = ".pli-";

/// Errors of receiving an envelope. Each says what failed; none leaves a file behind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// The id is not 32 lowercase hex digits.
    #[error("invalid envelope id {0:?}: expected 32 lowercase hexadecimal digits")]
    InvalidId(String),
    /// The server knows no such envelope, or this account may not read it.
    #[error("no envelope {0} (or you may not read it): check the id with `pli inbox`")]
    NotFound(String),
    /// The server returned another envelope than the one asked for.
    #[error("envelope id mismatch: the server returned a different envelope")]
    IdMismatch,
    /// The server's sender is not the one signed in the envelope.
    #[error("sender mismatch: the server says {claimed} sent it, the envelope says {signed}")]
    SenderMismatch { claimed: String, signed: String },
    /// The server says an outside person uploaded it through a request, and the envelope does
    /// not agree (another request, another address, or no outside sender at all).
    #[error("outside sender mismatch: {0}")]
    OutsideMismatch(String),
    /// The sender's key could not be obtained or is malformed.
    #[error("cannot check the sender {sender}: {reason}")]
    SenderKey { sender: String, reason: String },
    /// The manifest's signature does not verify with the sender's key.
    #[error("signature check failed: the envelope was not signed by {0}")]
    BadSignature(String),
    /// The recipients the server routes to are not the ones the sender signed.
    #[error("recipient list mismatch: the server lists {claimed}, the sender signed {signed}")]
    RecipientsMismatch { claimed: String, signed: String },
    /// The signed recipients name neither this account nor one of its mailboxes.
    #[error("this envelope is not addressed to {0} nor to any of its mailboxes")]
    NotARecipient(String),
    /// A file's content differs from the signed manifest.
    #[error("file {name} is corrupt ({what} mismatch)")]
    Corrupt { name: String, what: &'static str },
    /// The envelope ended before its end.
    #[error("the envelope is truncated (received {received} of {expected} bytes)")]
    Truncated { received: u64, expected: u64 },
    /// The envelope holds more bytes than the server announced.
    #[error(
        "the envelope's size ({received} bytes) differs from the size the server announced ({expected})"
    )]
    SizeMismatch { received: u64, expected: u64 },
    /// Decryption failed: not encrypted to this account, or altered bytes.
    #[error(
        "decryption failed: the envelope is not encrypted to this account's key, or its bytes were altered"
    )]
    Decryption,
    /// The manifest names a file that must not be written.
    #[error("the envelope holds an unsafe file name {0:?}")]
    UnsafeName(String),
    /// Two files of the envelope would land on the same path.
    #[error("the envelope holds two files named {0:?}")]
    DuplicateName(String),
    /// A file already exists where one would be written.
    #[error("{} already exists: pass --force to overwrite it, or choose another directory with -o", .0.display())]
    Exists(PathBuf),
    /// The envelope is malformed in another way.
    #[error("the envelope is invalid")]
    Envelope(#[source] EnvelopeError),
    /// A local file operation failed.
    #[error("{action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The connection failed during the download.
    #[error("the download failed")]
    Download(#[source] io::Error),
    /// The server refused or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The worker thread stopped unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What to fetch and where to put it.
#[derive(Debug)]
pub struct Request<'a> {
    pub id: &'a str,
    /// Created if missing.
    pub out_dir: &'a Path,
    /// Replace existing files.
    pub force: bool,
    /// Secrets of the caller's mailboxes' key generations, tried after the account's own key.
    pub mailbox_secrets: &'a MailboxSecrets,
}

/// One file put in place.
#[derive(Debug)]
pub struct ReceivedFile {
    pub path: PathBuf,
    pub entry: FileEntry,
}

/// A verified envelope whose files are now on disk.
#[derive(Debug)]
pub struct Received {
    pub summary: EnvelopeSummary,
    pub manifest: Manifest,
    /// SHA-256 of the signed manifest's exact bytes, which a receipt signs.
    pub manifest_hash: [u8; 32],
    pub files: Vec<ReceivedFile>,
}

/// Downloads, checks and writes envelope `request.id` as `me`.
pub async fn get(
    api: &Api,
    me: &AccountInfo,
    keys: &AccountKeys,
    request: &Request<'_>,
    progress: Arc<dyn Progress>,
) -> Result<Received, GetError> {
    let id = request.id;
    if !is_envelope_id(id) {
        return Err(GetError::InvalidId(sanitize(id)));
    }
    let summary = api.envelope(id).await.map_err(|error| {
        if error.is_not_found() {
            GetError::NotFound(id.to_owned())
        } else {
            error.into()
        }
    })?;
    if summary.id != id {
        return Err(GetError::IdMismatch);
    }
    let sender = summary.sender.to_lowercase();
    // An outside sender has no directory key: its envelope is checked with the key its
    // manifest embeds, and shown as unverified.
    let sender_key = match summary.outside {
        None => Some(sender_key(api, &sender).await?),
        Some(_) => None,
    };
    prepare_dir(request.out_dir)?;

    let download = api.download_content(id).await.map_err(|error| {
        if error.is_not_found() {
            GetError::NotFound(id.to_owned())
        } else {
            error.into()
        }
    })?;
    let received = Arc::new(AtomicU64::new(0));
    let transport_failed = Arc::new(AtomicBool::new(false));
    let ended = Arc::new(AtomicBool::new(false));
    let reader = CountingReader {
        inner: SyncIoBridge::new(StreamReader::new(download)),
        received: Arc::clone(&received),
        transport_failed: Arc::clone(&transport_failed),
        ended: Arc::clone(&ended),
        progress: Arc::clone(&progress),
    };
    progress.start(summary.size);

    let check = Checks {
        id: id.to_owned(),
        summary: summary.clone(),
        sender,
        sender_key,
        me: me.clone(),
        out_dir: request.out_dir.to_path_buf(),
        force: request.force,
        received: Arc::clone(&received),
    };
    let identities: Vec<Identity> = std::iter::once(keys.identity())
        .chain(request.mailbox_secrets.identities())
        .cloned()
        .collect();
    let worker = tokio::task::spawn_blocking(move || open_and_write(reader, &identities, &check));
    let outcome = worker
        .await
        .map_err(|error| GetError::Internal(error.to_string()));
    progress.finish();
    let received = received.load(Ordering::Relaxed);
    match outcome? {
        Ok((manifest, manifest_hash, files)) => Ok(Received {
            summary,
            manifest,
            manifest_hash,
            files,
        }),
        Err(error) => Err(refine(
            error,
            Download {
                received,
                expected: summary.size,
                ended: ended.load(Ordering::Relaxed),
                transport_failed: transport_failed.load(Ordering::Relaxed),
            },
        )),
    }
}

/// Whether `id` is 32 lowercase hex digits, the only form of an envelope id.
pub fn is_envelope_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Everything the worker checks the envelope against.
struct Checks {
    id: String,
    summary: EnvelopeSummary,
    sender: String,
    /// `None` for an outside sender's envelope (`summary.outside`).
    sender_key: Option<VerifyingKey>,
    me: AccountInfo,
    out_dir: PathBuf,
    force: bool,
    /// Ciphertext bytes read so far.
    received: Arc<AtomicU64>,
}

async fn sender_key(api: &Api, sender: &str) -> Result<VerifyingKey, GetError> {
    let failed = |reason: &str| GetError::SenderKey {
        sender: sanitize(sender),
        reason: reason.to_owned(),
    };
    let entry = match api.directory(sender).await {
        Ok(entry) => entry,
        Err(error) if error.is_not_found() => {
            return Err(failed("the directory has no such account"));
        }
        Err(error) => return Err(error.into()),
    };
    if entry.kind != AddressKind::Account || entry.address.to_lowercase() != sender {
        return Err(failed("the directory answered for something else"));
    }
    let [key] = entry.keys.as_slice() else {
        return Err(failed("the directory gave no single key"));
    };
    if key.email.to_lowercase() != sender {
        return Err(failed("the directory gave another account's key"));
    }
    let bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&key.public_keys.signing_key)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| failed("its signing key is malformed"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| failed("its signing key is malformed"))
}

fn prepare_dir(dir: &Path) -> Result<(), GetError> {
    std::fs::create_dir_all(dir).map_err(|source| GetError::Io {
        action: "creating the directory",
        path: dir.to_path_buf(),
        source,
    })
}

/// Runs on a blocking thread: opens, checks, writes to temporary files, renames into place.
fn open_and_write(
    reader: impl Read,
    identities: &[Identity],
    check: &Checks,
) -> Result<(Manifest, [u8; 32], Vec<ReceivedFile>), GetError> {
    let opening = Opening::with_identities(reader, identities).map_err(from_envelope)?;
    let manifest_hash = opening.manifest_hash();
    let manifest = opening.manifest();
    // Checked before the signature so the error names the likeliest cause: a server serving
    // another envelope's bytes under this id.
    if manifest.envelope_id != check.id {
        return Err(GetError::IdMismatch);
    }
    let verified = match (&check.summary.outside, &check.sender_key) {
        (Some(outside), _) => {
            let Some(embedded) = &manifest.outside else {
                return Err(GetError::OutsideMismatch(
                    "the server says an outside person uploaded it, the envelope names an account"
                        .into(),
                ));
            };
            if embedded.request_id != outside.request_id {
                return Err(GetError::OutsideMismatch(format!(
                    "the server says it came through request {}, the envelope names request {}",
                    sanitize(&outside.request_id),
                    sanitize(&embedded.request_id)
                )));
            }
            if manifest.sender.email.to_lowercase() != outside.email.to_lowercase() {
                return Err(GetError::SenderMismatch {
                    claimed: sanitize(&outside.email),
                    signed: sanitize(&manifest.sender.email),
                });
            }
            opening.verify_outside()
        }
        (None, Some(sender_key)) => {
            if manifest.sender.email.to_lowercase() != check.sender {
                return Err(GetError::SenderMismatch {
                    claimed: sanitize(&check.sender),
                    signed: sanitize(&manifest.sender.email),
                });
            }
            if manifest.outside.is_some() {
                return Err(GetError::OutsideMismatch(
                    "the envelope claims an outside sender, the server names an account".into(),
                ));
            }
            opening.verify(sender_key)
        }
        (None, None) => return Err(GetError::Internal("no sender key".into())),
    };
    let mut verified = verified.map_err(|error| match error {
        EnvelopeError::BadSignature | EnvelopeError::SenderKeyMismatch { .. } => {
            GetError::BadSignature(sanitize(&check.sender))
        }
        other => from_envelope(other),
    })?;
    let manifest = verified.manifest().clone();
    check_recipients(&manifest, check)?;
    let targets = plan_targets(&manifest, &check.out_dir, check.force)?;

    let mut temporaries: Vec<NamedTempFile> = Vec::with_capacity(targets.len());
    for (index, expected) in manifest.files.iter().enumerate() {
        let temporary = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&check.out_dir)
            .map_err(|source| GetError::Io {
                action: "creating a temporary file in",
                path: check.out_dir.clone(),
                source,
            })?;
        // Pushed before writing so that an error below drops (deletes) it with the others.
        temporaries.push(temporary);
        let io_error = |source| GetError::Io {
            action: "writing",
            path: targets[index].clone(),
            source,
        };
        // No buffering: the envelope hands over whole decrypted chunks, written as they come.
        let mut file = WriteBack::new(temporaries[index].as_file_mut()).map_err(io_error)?;
        let entry = verified
            .next_file(&mut file)
            .map_err(from_envelope)?
            .ok_or_else(|| {
                GetError::Envelope(EnvelopeError::Archive("a file is missing".into()))
            })?;
        file.finish().map_err(io_error)?;
        if entry.name != expected.name {
            return Err(GetError::Corrupt {
                name: sanitize(&expected.name),
                what: "name",
            });
        }
    }
    // Only the end of the archive and the final authenticated chunk prove nothing was cut off.
    if verified
        .next_file(&mut io::sink())
        .map_err(from_envelope)?
        .is_some()
    {
        return Err(GetError::Envelope(EnvelopeError::Archive(
            "more files than the manifest lists".into(),
        )));
    }

    // The envelope authenticated; a size the server misstates is still a lie worth refusing.
    let received = check.received.load(Ordering::Relaxed);
    if received != check.summary.size {
        return Err(GetError::SizeMismatch {
            received,
            expected: check.summary.size,
        });
    }

    let placed = place(temporaries, &targets, check.force)?;
    let files = placed
        .into_iter()
        .zip(manifest.files.iter().cloned())
        .map(|(path, entry)| ReceivedFile { path, entry })
        .collect();
    Ok((manifest, manifest_hash, files))
}

fn check_recipients(manifest: &Manifest, check: &Checks) -> Result<(), GetError> {
    let signed: BTreeSet<String> = manifest
        .recipients
        .iter()
        .map(|address| address.to_lowercase())
        .collect();
    let claimed: BTreeSet<String> = check
        .summary
        .to
        .iter()
        .map(|address| address.to_lowercase())
        .collect();
    if signed != claimed {
        let join =
            |set: &BTreeSet<String>| sanitize(&set.iter().cloned().collect::<Vec<_>>().join(", "));
        return Err(GetError::RecipientsMismatch {
            claimed: join(&claimed),
            signed: join(&signed),
        });
    }
    let me = check.me.email.to_lowercase();
    let addressed = signed.contains(&me)
        || check
            .me
            .mailboxes
            .iter()
            .any(|mailbox| signed.contains(&mailbox.to_lowercase()))
        // The sender may read back what it sent (its own key is always a recipient).
        || me == check.sender;
    if addressed {
        Ok(())
    } else {
        Err(GetError::NotARecipient(sanitize(&check.me.email)))
    }
}

/// The destination of each file, refusing unsafe names, collisions and existing files.
fn plan_targets(manifest: &Manifest, dir: &Path, force: bool) -> Result<Vec<PathBuf>, GetError> {
    let mut seen = BTreeSet::new();
    let mut targets = Vec::with_capacity(manifest.files.len());
    for file in &manifest.files {
        if pli_envelope::validate_file_name(&file.name).is_err()
            || file.name.starts_with(TEMP_PREFIX)
        {
            return Err(GetError::UnsafeName(sanitize(&file.name)));
        }
        // Case-insensitive file systems would merge names differing only by case.
        if !seen.insert(file.name.to_lowercase()) {
            return Err(GetError::DuplicateName(sanitize(&file.name)));
        }
        let target = dir.join(&file.name);
        if !force && std::fs::symlink_metadata(&target).is_ok() {
            return Err(GetError::Exists(target));
        }
        if force && std::fs::symlink_metadata(&target).is_ok_and(|metadata| metadata.is_dir()) {
            return Err(GetError::Exists(target));
        }
        targets.push(target);
    }
    Ok(targets)
}

/// Renames every temporary file into place; on failure removes what was placed.
fn place(
    temporaries: Vec<NamedTempFile>,
    targets: &[PathBuf],
    force: bool,
) -> Result<Vec<PathBuf>, GetError> {
    let mut placed: Vec<PathBuf> = Vec::with_capacity(targets.len());
    let mut remaining = temporaries.into_iter();
    for (temporary, target) in remaining.by_ref().zip(targets) {
        let result = if force {
            temporary.persist(target)
        } else {
            // Atomic: fails if a file appeared since the check, instead of replacing it.
            temporary.persist_noclobber(target)
        };
        if let Err(error) = result {
            for path in &placed {
                let _ = std::fs::remove_file(path);
            }
            // `error.file` is dropped here, deleting its temporary file; so are the rest.
            let exists = error.error.kind() == io::ErrorKind::AlreadyExists;
            return Err(if exists {
                GetError::Exists(target.clone())
            } else {
                GetError::Io {
                    action: "moving into place",
                    path: target.clone(),
                    source: error.error,
                }
            });
        }
        placed.push(target.clone());
    }
    Ok(placed)
}

fn from_envelope(error: EnvelopeError) -> GetError {
    match error {
        EnvelopeError::Decryption => GetError::Decryption,
        EnvelopeError::FileMismatch { name, what } => GetError::Corrupt {
            name: sanitize(&name),
            what: if what == "SHA-256" { "hash" } else { what },
        },
        EnvelopeError::InvalidName(name) => GetError::UnsafeName(sanitize(&name)),
        EnvelopeError::BadSignature => GetError::BadSignature(String::from("its sender")),
        other => GetError::Envelope(other),
    }
}

/// How the download went, to name the likeliest cause of a failure.
struct Download {
    received: u64,
    expected: u64,
    /// The server's stream ended (cleanly).
    ended: bool,
    transport_failed: bool,
}

/// A failure after the server's stream ended short of the announced size is a truncation; a
/// failure before the end is not (the envelope code stops reading at the first bad byte).
fn refine(error: GetError, download: Download) -> GetError {
    let Download {
        received,
        expected,
        ended,
        transport_failed,
    } = download;
    let io_kind = match &error {
        GetError::Envelope(EnvelopeError::Io(io)) => Some(io.kind()),
        _ => None,
    };
    if transport_failed
        && io_kind.is_some()
        && let GetError::Envelope(EnvelopeError::Io(io)) = error
    {
        return GetError::Download(io);
    }
    let maybe_truncated = matches!(
        error,
        GetError::Decryption | GetError::Envelope(EnvelopeError::Format(_))
    ) || io_kind == Some(io::ErrorKind::UnexpectedEof);
    if maybe_truncated && ended && received < expected {
        return GetError::Truncated { received, expected };
    }
    error
}

/// Counts the ciphertext bytes as they come, for progress and for the truncation check.
struct CountingReader<R> {
    inner: R,
    received: Arc<AtomicU64>,
    transport_failed: Arc<AtomicBool>,
    ended: Arc<AtomicBool>,
    progress: Arc<dyn Progress>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buffer) {
            Ok(n) => {
                if n == 0 && !buffer.is_empty() {
                    self.ended.store(true, Ordering::Relaxed);
                }
                self.received.fetch_add(n as u64, Ordering::Relaxed);
                self.progress.advance(n as u64);
                Ok(n)
            }
            Err(error) => {
                if error.kind() != io::ErrorKind::Interrupted {
                    self.transport_failed.store(true, Ordering::Relaxed);
                }
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pli_envelope::Sender;
    use pli_proto::{PublicKeys, Role};
    use std::io::Write as _;

    fn manifest(names: &[&str], recipients: &[&str]) -> Manifest {
        Manifest {
            envelope_id: "00".repeat(16),
            subject: String::new(),
            sender: Sender {
                email: "alice@x.org".into(),
                key_id: "k".into(),
            },
            recipients: recipients.iter().map(|r| (*r).to_owned()).collect(),
            created_at: 0,
            files: names
                .iter()
                .map(|name| FileEntry {
                    name: (*name).to_owned(),
                    size: 0,
                    media_type: "text/plain".into(),
                    sha256: [0; 32],
                })
                .collect(),
            dlp: None,
            outside: None,
        }
    }

    fn checks(me: &str, mailboxes: &[&str], to: &[&str]) -> Checks {
        Checks {
            id: "00".repeat(16),
            summary: EnvelopeSummary {
                id: "00".repeat(16),
                sender: "alice@x.org".into(),
                to: to.iter().map(|r| (*r).to_owned()).collect(),
                size: 0,
                created_at: String::new(),
                outside: None,
            },
            sender: "alice@x.org".into(),
            sender_key: Some(pli_envelope::SigningKey::from_bytes(&[1; 32]).verifying_key()),
            me: AccountInfo {
                email: me.into(),
                org: "x".into(),
                role: Role::Agent,
                mailboxes: mailboxes.iter().map(|m| (*m).to_owned()).collect(),
                public_keys: PublicKeys {
                    age_recipient: String::new(),
                    signing_key: String::new(),
                },
                key_id: String::new(),
            },
            out_dir: PathBuf::new(),
            force: false,
            received: Arc::new(AtomicU64::new(0)),
        }
    }

    #[test]
    fn envelope_ids_are_checked() {
        assert!(is_envelope_id(&"0a".repeat(16)));
        assert!(!is_envelope_id(&"0A".repeat(16)));
        assert!(!is_envelope_id("../../etc/passwd"));
        assert!(!is_envelope_id(&"0".repeat(31)));
    }

    #[test]
    fn recipients_must_match_and_include_this_account() {
        let signed = manifest(&[], &["bob@x.org", "team"]);
        check_recipients(&signed, &checks("bob@x.org", &[], &["team", "BOB@x.org"])).unwrap();
        check_recipients(
            &signed,
            &checks("carol@x.org", &["team"], &["bob@x.org", "team"]),
        )
        .unwrap();
        check_recipients(&signed, &checks("alice@x.org", &[], &["bob@x.org", "team"])).unwrap();
        assert!(matches!(
            check_recipients(
                &signed,
                &checks("bob@x.org", &[], &["bob@x.org", "eve@x.org"])
            ),
            Err(GetError::RecipientsMismatch { .. })
        ));
        assert!(matches!(
            check_recipients(&signed, &checks("bob@x.org", &[], &["bob@x.org"])),
            Err(GetError::RecipientsMismatch { .. })
        ));
        assert!(matches!(
            check_recipients(
                &signed,
                &checks("eve@x.org", &["other"], &["bob@x.org", "team"])
            ),
            Err(GetError::NotARecipient(_))
        ));
    }

    #[test]
    fn targets_refuse_unsafe_duplicate_and_existing_names() {
        let dir = tempfile::tempdir().unwrap();
        let targets = plan_targets(&manifest(&["a.txt", "b.pdf"], &[]), dir.path(), false).unwrap();
        assert_eq!(
            targets,
            [dir.path().join("a.txt"), dir.path().join("b.pdf")]
        );
        for bad in ["../x", "a/b", ".pli-x", "", ".."] {
            assert!(
                matches!(
                    plan_targets(&manifest(&[bad], &[]), dir.path(), false),
                    Err(GetError::UnsafeName(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            plan_targets(&manifest(&["a.txt", "A.TXT"], &[]), dir.path(), false),
            Err(GetError::DuplicateName(_))
        ));
        std::fs::write(dir.path().join("a.txt"), b"old").unwrap();
        assert!(matches!(
            plan_targets(&manifest(&["a.txt"], &[]), dir.path(), false),
            Err(GetError::Exists(_))
        ));
        plan_targets(&manifest(&["a.txt"], &[]), dir.path(), true).unwrap();
    }

    #[test]
    fn placing_never_overwrites_without_force_and_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let temporary = |content: &[u8]| {
            let mut file = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempfile_in(dir.path())
                .unwrap();
            file.write_all(content).unwrap();
            file
        };
        let targets = [dir.path().join("a"), dir.path().join("b")];
        // A file appeared at the second target after the check.
        std::fs::write(&targets[1], b"theirs").unwrap();
        let error = place(vec![temporary(b"1"), temporary(b"2")], &targets, false).unwrap_err();
        assert!(matches!(error, GetError::Exists(_)), "{error:?}");
        assert!(!targets[0].exists());
        assert_eq!(std::fs::read(&targets[1]).unwrap(), b"theirs");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary files left behind");

        place(vec![temporary(b"1"), temporary(b"2")], &targets, true).unwrap();
        assert_eq!(std::fs::read(&targets[1]).unwrap(), b"2");
    }

    #[test]
    fn truncation_is_named_when_bytes_are_missing() {
        let download = |received, ended| Download {
            received,
            expected: 100,
            ended,
            transport_failed: false,
        };
        let error = refine(GetError::Decryption, download(10, true));
        assert!(error.to_string().contains("truncated"), "{error}");
        // Stopped reading early at a bad byte: not a truncation.
        let error = refine(GetError::Decryption, download(10, false));
        assert!(
            error.to_string().starts_with("decryption failed"),
            "{error}"
        );
        let error = refine(GetError::Decryption, download(100, true));
        assert!(
            error.to_string().starts_with("decryption failed"),
            "{error}"
        );
    }
}
