//! `pli audit verify`: replays the whole audit log against every checkpoint this profile kept
//! and the latest one, and names any entry rewritten, deleted, inserted or reordered.
//!
//! Checkpoints and the log's key are kept in the profile directory, under
//! `audit/<origin>/`: the key is pinned the first time a log is verified, and every checkpoint
//! that verified is kept, so a later history that is not an extension of it is caught.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand};
use pli_audit::{
    AccountRole, Checkpoint, Hash, KeyHistory, LogVerifier, PublishedRole, Record,
    SignedCheckpoint, Tampering, Verification, Verified, VerifyError, VerifyingKey,
};
use serde_json::json;

use super::{print_line, profile_dir};
use pli_server::audit_rows::{RowCheck, RowFinding};

/// Entries read per page.
const PAGE: u32 = 1000;
/// Events of a report page, as the server pages them (its default and largest).
const REPORT_PAGE: usize = 1000;
/// Entry bundles read at a time from a data directory (256 entries each).
const BUNDLES_PER_PAGE: u32 = 16;

/// `pli audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's tree from every entry and check it against the latest signed
    /// checkpoint and every checkpoint kept earlier; name any entry rewritten, deleted, inserted
    /// or reordered. Exit status 1 when the log is not intact.
    Verify(VerifyArgs),
    /// Who reached what, when, from where, with what outcome, over a period: the audit trail of
    /// your organisation, filtered by account or envelope (metadata only). Auditors and admins.
    Report(ReportArgs),
    /// Check the server's latest audit log checkpoint against the last one this witness saw
    /// (same key, never smaller, consistent) and cosign it; with --every, keep doing so.
    Witness(super::witness::WitnessArgs),
    /// The witnesses this profile trusts, and how many must have cosigned a checkpoint before
    /// pli send proves recipients' keys against it.
    Witnesses(super::witness::WitnessesArgs),
}

/// `pli audit report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Start of the period (included): RFC 3339 (2026-11-01T08:00:00Z), a date (2026-11-01,
    /// midnight UTC) or Unix seconds.
    #[arg(long, value_name = "TIME")]
    pub since: String,
    /// End of the period (excluded), in the same forms as --since.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only events by this account, or about it.
    #[arg(long, value_name = "EMAIL")]
    pub account: Option<String>,
    /// Only events about this envelope.
    #[arg(long, value_name = "ID")]
    pub envelope: Option<String>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header line (RFC 4180).
    #[arg(long)]
    pub csv: bool,
}

/// `pli audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Server to verify (default: the profile's). Needs an auditor's or admin's session on it.
    #[arg(long, value_name = "URL", conflicts_with = "data")]
    pub server: Option<String>,
    /// Verify the data directory of a stopped (or running) server directly.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// With --data: the log is in this PostgreSQL database (the log key stays in the data
    /// directory).
    #[arg(long, value_name = "URL", requires = "data", value_parser = crate::args::parse_database, hide_env_values = true)]
    pub database: Option<pli_server::DatabaseUrl>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

/// Runs an audit command.
pub async fn run(command: AuditCommand) -> Result<()> {
    match command {
        AuditCommand::Verify(args) => verify(args).await,
        AuditCommand::Report(args) => report(args).await,
        AuditCommand::Witness(args) => super::witness::witness_command(args).await,
        AuditCommand::Witnesses(args) => super::witness::witnesses_command(args),
    }
}

/// Parses a report bound: RFC 3339, a date (midnight UTC) or Unix seconds.
fn parse_time(text: &str) -> Result<i64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Ok(seconds);
    }
    if let Ok(at) =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
    {
        return Ok(at.unix_timestamp());
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(text, &format) {
        return Ok(date.midnight().assume_utc().unix_timestamp());
    }
    bail!(
        "{:?} is not a time: give RFC 3339 (2026-11-01T08:00:00Z), a date (2026-11-01) or Unix seconds",
        crate::format::clean(text)
    )
}

async fn report(args: ReportArgs) -> Result<()> {
    let since = parse_time(&args.since).context("--since")?;
    let until = args
        .until
        .as_deref()
        .map(parse_time)
        .transpose()
        .context("--until")?;
    if until.is_some_and(|until| until <= since) {
        bail!("--until must be after --since");
    }
    let logged_in = super::logged_in(false).await?;
    let mut query = vec![("since", since.to_string())];
    if let Some(until) = until {
        query.push(("until", until.to_string()));
    }
    if let Some(account) = &args.account {
        query.push(("account", pli_client::account::normalize_email(account)));
    }
    if let Some(envelope) = &args.envelope {
        query.push(("envelope", envelope.trim().to_lowercase()));
    }
    let mut items = Vec::new();
    let mut after = 0i64;
    loop {
        let mut page_query = query.clone();
        page_query.push(("after", after.to_string()));
        let page = logged_in
            .api
            .audit_report(&page_query)
            .await
            .map_err(|error| super::api_error(error, Some(&logged_in.profile)))
            .context("fetching the audit report")?;
        let Some(last) = page.items.last().map(|item| item.seq) else {
            break;
        };
        // A short page is the last: each page read is itself recorded as an event of the
        // trail, so reading until an empty page would chase those events for ever.
        let full = page.items.len() >= REPORT_PAGE;
        after = last;
        items.extend(page.items);
        if !full {
            break;
        }
    }
    if args.json {
        return print_line(&serde_json::to_string_pretty(&items)?);
    }
    if args.csv {
        print_line("seq,at,actor,from,action,target,outcome")?;
        for item in &items {
            let fields = [
                item.seq.to_string(),
                item.at.clone(),
                item.actor.clone().unwrap_or_default(),
                item.from.clone(),
                item.action.clone(),
                item.target.clone().unwrap_or_default(),
                item.outcome.clone(),
            ];
            let line: Vec<String> = fields.iter().map(|field| csv_field(field)).collect();
            print_line(&line.join(","))?;
        }
        return Ok(());
    }
    if items.is_empty() {
        eprintln!("no event in this period");
        return Ok(());
    }
    for item in &items {
        print_line(&format!(
            "{}  {:<8} {:<28} {:<22} {:<20} {}",
            item.at,
            item.outcome,
            crate::format::clean(item.actor.as_deref().unwrap_or("-")),
            crate::format::clean(&item.from),
            crate::format::clean(&item.action),
            crate::format::clean(item.target.as_deref().unwrap_or("-")),
        ))?;
    }
    Ok(())
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A field a
/// spreadsheet would run as a formula is prefixed with a quote mark.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// What a verification reads: the log's key, its latest checkpoint and its entries.
enum Source {
    Data(std::sync::Arc<dyn pli_store::Store>),
    Server(pli_client::Api),
}

async fn verify(args: VerifyArgs) -> Result<()> {
    let home = profile_dir()?;
    let (source, verifier) = match &args.data {
        Some(dir) => open_data(dir, args.database.as_ref()).await?,
        None => open_server(&home, args.server.as_deref()).await?,
    };
    let latest_note = match &source {
        Source::Data(store) => store
            .audit_log_latest()
            .await
            .context("reading the latest checkpoint")?
            .map(|checkpoint| checkpoint.note),
        Source::Server(api) => match api.audit_log_checkpoint().await {
            Ok(note) => Some(note),
            Err(error) if error.is_not_found() => None,
            Err(error) => return Err(anyhow::Error::new(error).context("fetching the checkpoint")),
        },
    };
    let latest = latest_note
        .map(|note| SignedCheckpoint::open(note.as_bytes(), &verifier))
        .transpose()
        .context("the server's latest checkpoint is not signed by the log key")?;

    let kept_dir = home.join("audit").join(dir_name(verifier.name()));
    pin_key(&kept_dir, &verifier)?;
    let mut checkpoints = load_kept(&kept_dir, &verifier)?;
    let n_kept = checkpoints.len();
    checkpoints.extend(latest.clone());

    // The rows reports are read from are checked against the entries, where they can be read.
    let mut rows = match &source {
        Source::Data(store) => Some(RowCheck::new(store.clone())),
        Source::Server(_) => None,
    };
    let mut published = Published::default();
    let mut outcome = replay(&source, &checkpoints, rows.as_mut(), &mut published)
        .await?
        .map_err(Failure::Log);
    if let (Ok(_), Some(rows)) = (&outcome, rows)
        && let Some(finding) = rows
            .finish()
            .await
            .context("reading the audit_events rows")?
    {
        outcome = Err(Failure::Row(finding));
    }
    match outcome {
        Ok(verified) => {
            if let Some(latest) = &latest {
                keep(&kept_dir, latest)?;
            }
            let keys = &published.keys;
            let changes: Vec<_> = keys
                .changes()
                .iter()
                .map(|change| json!({ "email": change.email, "index": change.index, "time": change.time }))
                .collect();
            let policies: Vec<_> = published
                .policies
                .iter()
                .map(|(index, policy)| {
                    json!({
                        "org": policy.org,
                        "version": policy.version,
                        "signer": policy.signer,
                        "signer_role": published.signer_role(*index, policy).map(AccountRole::as_str),
                        "index": index,
                        "time": policy.time,
                    })
                })
                .collect();
            let roles: Vec<_> = published
                .roles
                .iter()
                .map(|(index, role)| {
                    json!({
                        "org": role.org,
                        "email": role.email,
                        "role": role.role.as_str(),
                        "index": index,
                        "time": role.time,
                    })
                })
                .collect();
            if args.json {
                let value = json!({
                    "intact": true,
                    "origin": verifier.name(),
                    "size": verified.size,
                    "signed_size": verified.signed_size,
                    "root": verified.root.to_string(),
                    "checkpoints": verified.checkpoints,
                    "kept_checkpoints": n_kept,
                    "key_changes": changes,
                    "policies": policies,
                    "roles": roles,
                });
                print_line(&value.to_string())
            } else {
                // The log is intact, but a second key for an account is the mark of a server
                // that gave senders a substitute: said on stderr, where warnings go.
                for change in keys.changes() {
                    eprintln!(
                        "warning: entry {} (Unix time {}) publishes another key for {}: accounts do not change keys, so senders who proved it were given a substitute",
                        change.index,
                        change.time,
                        crate::format::clean(&change.email)
                    );
                }
                // Likewise for roles: no request changes one, so a second role is an edit of
                // the server's database, logged.
                for (index, role, before) in published.role_changes() {
                    eprintln!(
                        "warning: entry {index} (Unix time {}) states {} is {} of {}, where an earlier entry stated {}: no request changes a role, so the server's database was edited",
                        role.time,
                        crate::format::clean(&role.email),
                        role.role.as_str(),
                        crate::format::clean(&role.org),
                        before.as_str()
                    );
                }
                print_line(&format!(
                    "audit log {} intact: {} entries, {} signed, checked against {} checkpoints ({} kept earlier)",
                    verifier.name(),
                    verified.size,
                    verified.signed_size,
                    verified.checkpoints,
                    n_kept
                ))?;
                // Every version of a sending policy any client followed is one of these.
                for (index, policy) in &published.policies {
                    print_line(&format!(
                        "sending policy version {} of {} published at entry {index} (Unix time {}), signed by {}",
                        policy.version,
                        crate::format::clean(&policy.org),
                        policy.time,
                        crate::format::clean(&policy.signer)
                    ))?;
                    let role = published.signer_role(*index, policy);
                    let why = match role {
                        Some(AccountRole::Admin) => None,
                        Some(role) => Some(format!(
                            "whom the log states as {}, not an admin: clients that prove roles refuse it, so a client that followed it was misled",
                            role.as_str()
                        )),
                        None => Some(
                            "whom the log names in no role entry: either the version predates role entries, or no client that proves roles followed it".to_owned(),
                        ),
                    };
                    if let Some(why) = why {
                        eprintln!(
                            "warning: sending policy version {} of {} (entry {index}) was signed by {}, {why}",
                            policy.version,
                            crate::format::clean(&policy.org),
                            crate::format::clean(&policy.signer),
                        );
                    }
                }
                Ok(())
            }
        }
        Err(Failure::Log(error)) => {
            if args.json {
                print_line(&failure_json(verifier.name(), &error).to_string())?;
            }
            bail!("{error}")
        }
        Err(Failure::Row(finding)) => {
            if args.json {
                let value = json!({
                    "intact": false,
                    "origin": verifier.name(),
                    "finding": finding.to_json(),
                    "message": finding.to_string(),
                });
                print_line(&value.to_string())?;
            }
            bail!("the audit trail was tampered with: {finding}")
        }
    }
}

/// What the readable entries say besides events: keys published for accounts (to find
/// substitutes), the sending policies published and the accounts' roles.
#[derive(Default)]
struct Published {
    keys: KeyHistory,
    policies: Vec<(u64, pli_audit::PublishedPolicy)>,
    roles: Vec<(u64, PublishedRole)>,
}

impl Published {
    fn push(&mut self, index: u64, record: &Record) {
        match record {
            Record::Key(key) => self.keys.push(index, key),
            Record::Policy(policy) => self.policies.push((index, policy.clone())),
            Record::Role(role) => self.roles.push((index, role.clone())),
            _ => {}
        }
    }

    /// Role entries stating another role for an account than its previous entry did, with
    /// that previous role.
    fn role_changes(&self) -> Vec<(u64, &PublishedRole, AccountRole)> {
        let mut last: std::collections::HashMap<(String, String), AccountRole> =
            std::collections::HashMap::new();
        let mut changes = Vec::new();
        for (index, role) in &self.roles {
            let account = (
                role.org.to_ascii_lowercase(),
                role.email.to_ascii_lowercase(),
            );
            if let Some(before) = last.insert(account, role.role)
                && before != role.role
            {
                changes.push((*index, role, before));
            }
        }
        changes
    }

    /// The role the log states for a policy's signer when the version was published: its
    /// last role entry before the policy's, or, for an account made before roles were logged,
    /// its first one after.
    fn signer_role(&self, index: u64, policy: &pli_audit::PublishedPolicy) -> Option<AccountRole> {
        let signers = self.roles.iter().filter(|(_, role)| {
            role.org.eq_ignore_ascii_case(&policy.org)
                && role.email.eq_ignore_ascii_case(&policy.signer)
        });
        let mut before = None;
        let mut after = None;
        for (at, role) in signers {
            if *at < index {
                before = Some(role.role);
            } else if after.is_none() {
                after = Some(role.role);
            }
        }
        before.or(after)
    }
}

/// Why a log did not verify: its entries, or the rows reports are read from.
enum Failure {
    Log(VerifyError),
    Row(RowFinding),
}

/// A data directory: its database, and the log key derived from its `audit-log.key`.
async fn open_data(
    dir: &Path,
    database: Option<&pli_server::DatabaseUrl>,
) -> Result<(Source, LogVerifier)> {
    let db = dir.join("pli.db");
    if database.is_none() && !db.is_file() {
        bail!("{} holds no Pli database (pli.db)", dir.display());
    }
    let key_path = dir.join(pli_server::audit::LOG_KEY_FILE);
    let seed = std::fs::read(&key_path)
        .with_context(|| format!("reading the audit log key {}", key_path.display()))?;
    let seed = <[u8; 32]>::try_from(seed.as_slice())
        .map_err(|_| anyhow!("{} is not a 32-byte key", key_path.display()))?;
    let public: VerifyingKey = pli_audit::SigningKey::from_bytes(&seed).verifying_key();
    let store: std::sync::Arc<dyn pli_store::Store> = match database {
        Some(url) => std::sync::Arc::new(
            pli_store_postgres::PostgresStore::connect(url.expose())
                .await
                .context("connecting to the database")?,
        ),
        None => std::sync::Arc::new(
            pli_store_sqlite::SqliteStore::open(&db)
                .await
                .context("opening the database")?,
        ),
    };
    let verifier = store_verifier(store.as_ref(), public)
        .await?
        .ok_or_else(|| anyhow!("the audit log of {} is empty", dir.display()))?;
    Ok((Source::Data(store), verifier))
}

/// The verifier of a store's log under `public`: its origin is the latest checkpoint's.
/// `None` while the log is empty.
pub(crate) async fn store_verifier(
    store: &dyn pli_store::Store,
    public: VerifyingKey,
) -> Result<Option<LogVerifier>> {
    let Some(latest) = store
        .audit_log_latest()
        .await
        .context("reading the latest checkpoint")?
    else {
        return Ok(None);
    };
    let text = latest
        .note
        .split_once("\n\n")
        .map_or_else(String::new, |(text, _)| format!("{text}\n"));
    let origin = Checkpoint::from_text(&text)
        .context("the latest checkpoint does not parse")?
        .origin()
        .to_owned();
    Ok(Some(
        LogVerifier::new(&origin, public).context("the log's origin")?,
    ))
}

/// Replays a store's whole log against `checkpoints` (as `pli audit verify --data` does).
pub(crate) async fn verify_store(
    store: std::sync::Arc<dyn pli_store::Store>,
    checkpoints: &[SignedCheckpoint],
) -> Result<Result<Verified, VerifyError>> {
    replay(
        &Source::Data(store),
        checkpoints,
        None,
        &mut Published::default(),
    )
    .await
}

/// A server: the profile's session on it, and its log key as it serves it (pinned on first
/// use, see [`pin_key`]).
async fn open_server(home: &Path, server: Option<&str>) -> Result<(Source, LogVerifier)> {
    let profile = super::load_profile(home)?;
    if let Some(server) = server {
        let wanted = pli_client::api::normalize_server_url(server)?;
        let current = pli_client::api::normalize_server_url(&profile.server)?;
        if wanted != current {
            bail!(
                "the profile is logged in to {}, not {server}: log in to {server} as an auditor or admin first",
                profile.server
            );
        }
    }
    let logged_in = super::logged_in(false).await?;
    let text = logged_in
        .api
        .audit_log_key()
        .await
        .context("fetching the log key")?;
    let verifier = LogVerifier::parse(text.trim()).context("the server's log key")?;
    Ok((Source::Server(logged_in.api), verifier))
}

/// Replays every stored entry, in index order, against `checkpoints`.
/// With `rows`, each event entry that holds its payload is also pushed to it, in log order.
async fn replay(
    source: &Source,
    checkpoints: &[SignedCheckpoint],
    mut rows: Option<&mut RowCheck>,
    published: &mut Published,
) -> Result<Result<Verified, VerifyError>> {
    let mut verification = match Verification::new(checkpoints) {
        Ok(verification) => verification,
        Err(error) => return Ok(Err(error)),
    };
    let mut start = 0u64;
    loop {
        let last = match source {
            Source::Data(store) => {
                // Bundles exactly as stored: each entry in them is pushed in order, so an
                // entry cut out of, slipped into or moved within a bundle is named like a
                // deleted, inserted or moved row.
                let page = store
                    .audit_log_bundles(start, BUNDLES_PER_PAGE)
                    .await
                    .context("reading the log's entries")?;
                for bundle in &page {
                    let events = match push_bundle(&mut verification, bundle, published) {
                        Ok(events) => events,
                        Err(error) => return Ok(Err(error)),
                    };
                    if let Some(rows) = rows.as_deref_mut() {
                        for (index, event) in events {
                            rows.push(index, event)
                                .await
                                .context("reading the audit_events rows")?;
                        }
                    }
                }
                page.last().map(|bundle| bundle.index)
            }
            Source::Server(api) => {
                let page = api
                    .audit_log_entries(start, PAGE)
                    .await
                    .context("fetching the log's entries")?;
                for item in &page.items {
                    if let Err(error) = push_served(&mut verification, item, published)? {
                        return Ok(Err(error));
                    }
                }
                page.items.last().map(|item| item.index)
            }
        };
        match last {
            Some(index) => start = index.saturating_add(1),
            None => break,
        }
    }
    Ok(verification.finish())
}

/// Pushes a stored bundle's entries; a pruned one (retention) is known by its header and the
/// leaf hash kept for its position. A bundle whose stored bytes do not decode (a compressed one
/// that was changed) is named as such: none of its entries can be read.
/// Returns the bundle's audit events that hold their payload, with their indexes.
fn push_bundle(
    verification: &mut Verification,
    bundle: &pli_store::StoredBundle,
    published: &mut Published,
) -> Result<Vec<(u64, pli_audit::AuditEvent)>, VerifyError> {
    let first = bundle.index.saturating_mul(pli_audit::BUNDLE_WIDTH);
    let data = bundle.data().map_err(|_| {
        VerifyError::Tampered(Tampering::UndecodableBundle {
            bundle: bundle.index,
            index: first,
        })
    })?;
    let mut events = Vec::new();
    for (index, bytes) in (first..).zip(pli_audit::bundle_pieces(&data)) {
        let pruned = bundle.pruned.iter().find(|(pruned, _)| *pruned == index);
        match pruned {
            None => {
                verification.push(bytes)?;
                // Verified, so it decodes; published keys, receipts and policies have no row.
                match pli_audit::Record::decode(bytes) {
                    Ok((_, Record::Event(event))) => events.push((index, event)),
                    Ok((_, record)) => published.push(index, &record),
                    Err(_) => {}
                }
            }
            Some((_, leaf)) => verification.push_redacted(bytes, Hash::from_bytes(*leaf))?,
        }
    }
    Ok(events)
}

fn push_served(
    verification: &mut Verification,
    item: &pli_proto::AuditLogEntry,
    published: &mut Published,
) -> Result<Result<(), VerifyError>> {
    let decode = |text: &str| {
        STANDARD
            .decode(text)
            .with_context(|| format!("entry {} is not base64", item.index))
    };
    Ok(match (&item.entry, &item.header, &item.leaf_hash) {
        (Some(entry), _, _) => {
            let bytes = decode(entry)?;
            let pushed = verification.push(&bytes);
            if pushed.is_ok()
                && let Ok((_, record)) = Record::decode(&bytes)
            {
                published.push(item.index, &record);
            }
            pushed
        }
        (None, Some(header), Some(leaf)) => {
            let leaf = Hash::from_base64(leaf)
                .ok_or_else(|| anyhow!("entry {}: bad leaf hash", item.index))?;
            verification.push_redacted(&decode(header)?, leaf)
        }
        _ => bail!("entry {} has neither its bytes nor its header", item.index),
    })
}

/// A directory name for an origin (which may hold `/` and `:`).
fn dir_name(origin: &str) -> String {
    origin
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Pins the log's key the first time; refuses a different one afterwards.
fn pin_key(dir: &Path, verifier: &LogVerifier) -> Result<()> {
    let path = dir.join("key");
    let text = verifier.to_string();
    match std::fs::read_to_string(&path) {
        Ok(pinned) if pinned.trim() == text => Ok(()),
        Ok(pinned) => bail!(
            "the audit log key changed: this profile pinned {} and the log is now signed by {text}; if the change is legitimate, remove {}",
            pinned.trim(),
            path.display()
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            write_new(&path, format!("{text}\n").as_bytes())
        }
        Err(error) => Err(anyhow::Error::new(error).context(format!("reading {}", path.display()))),
    }
}

/// Every checkpoint kept earlier, opened with the log's key.
fn load_kept(dir: &Path, verifier: &LogVerifier) -> Result<Vec<SignedCheckpoint>> {
    let checkpoints_dir = dir.join("checkpoints");
    let entries = match std::fs::read_dir(&checkpoints_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(
                anyhow::Error::new(error).context(format!("reading {}", checkpoints_dir.display()))
            );
        }
    };
    let mut kept = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|extension| extension != "note") {
            continue;
        }
        let note = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let signed = SignedCheckpoint::open(&note, verifier).with_context(|| {
            format!(
                "the kept checkpoint {} does not open with the log key",
                path.display()
            )
        })?;
        kept.push(signed);
    }
    Ok(kept)
}

/// Keeps a checkpoint that verified, named by its size and a digest of the note.
fn keep(dir: &Path, checkpoint: &SignedCheckpoint) -> Result<()> {
    let checkpoints_dir = dir.join("checkpoints");
    std::fs::create_dir_all(&checkpoints_dir)
        .with_context(|| format!("creating {}", checkpoints_dir.display()))?;
    let digest = pli_audit::leaf_hash(checkpoint.as_str().as_bytes());
    let name = format!(
        "{:012}-{}.note",
        checkpoint.checkpoint().size(),
        hex::encode(&digest.as_bytes()[..8])
    );
    let path = checkpoints_dir.join(name);
    if path.exists() {
        return Ok(());
    }
    write_new(&path, checkpoint.as_str().as_bytes())
}

/// Writes a file under a temporary name, then renames it, so a crash leaves no partial file.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("writing {}", path.display()))
}

fn failure_json(origin: &str, error: &VerifyError) -> serde_json::Value {
    let finding = match error {
        VerifyError::Tampered(tampering) => match *tampering {
            Tampering::Rewritten { index, time } => {
                json!({ "kind": "rewritten", "index": index, "time": time })
            }
            Tampering::Deleted {
                index,
                count,
                after,
                before,
            } => json!({
                "kind": "deleted", "index": index, "count": count,
                "after": after, "before": before,
            }),
            Tampering::Inserted { index, count, time } => {
                json!({ "kind": "inserted", "index": index, "count": count, "time": time })
            }
            Tampering::Reordered {
                index,
                found_at,
                time,
            } => json!({
                "kind": "reordered", "index": index, "found_at": found_at, "time": time,
            }),
            Tampering::RootMismatch { from, to } => {
                json!({ "kind": "root_mismatch", "from": from, "to": to })
            }
            Tampering::UndecodableBundle { bundle, index } => {
                json!({ "kind": "undecodable_bundle", "bundle": bundle, "index": index })
            }
            _ => json!({ "kind": "other" }),
        },
        VerifyError::Forked { size } => json!({ "kind": "forked", "size": size }),
        VerifyError::MixedOrigins(_, _) => json!({ "kind": "mixed_origins" }),
        _ => json!({ "kind": "other" }),
    };
    json!({
        "intact": false,
        "origin": origin,
        "finding": finding,
        "message": error.to_string(),
    })
}
