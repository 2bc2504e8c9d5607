//! PostgreSQL implementation of the Pli store: one database shared by several servers.
//!
//! ```no_run
//! # async fn example() -> Result<(), pli_store::StoreError> {
//! use pli_store::Store;
//! use pli_store_postgres::PostgresStore;
//!
//! let store = PostgresStore::connect("postgres://pli@127.0.0.1/pli").await?;
//! let org = store.ensure_org("Hôpital Nord").await?;
//! assert_eq!(org.name, "Hôpital Nord");
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//! The schema is a translation of `pli-store-sqlite`'s, migration by migration, under the same
//! names: ids are 16-byte `BYTEA` (byte order equals the order of their hex form, as on
//! SQLite), every integer is `BIGINT`, names that listings sort by are `COLLATE "C"`. The
//! migrations run at [`PostgresStore::connect`]; sqlx's migrator holds an advisory lock while
//! it runs, so servers starting together on an empty database do not race.
//!
//! # Transactions and concurrency
//! Every write method is one transaction at `READ COMMITTED`; the compare-and-sets that SQLite
//! gets from its single writer are made explicit here:
//! - Everything that changes a mailbox's members or key generations (`add_member`,
//!   `remove_member`, `redeem_invitation` for the invitation's mailboxes, `create_mailbox_key`,
//!   `add_mailbox_key_wraps`) first locks the mailbox's row (`FOR NO KEY UPDATE`), so "the
//!   latest generation plus one" and "one copy per current member" are checked and written
//!   with nothing changing in between; two racing clients: one wins, the other gets
//!   `Conflict`.
//! - Redeeming an invitation locks its row, so a code is redeemed once. Grants and their
//!   expiry (`set_access`, `expire_access`) lock the mailboxes they change, like `add_member`.
//! - A TOTP step is checked and recorded under the factor's row lock (`FOR UPDATE`), so a
//!   code is accepted once; failed logins of one email are counted under an advisory lock on
//!   that email, so servers see each other's failures.
//! - Alerts are inserted under the advisory lock [`ALERT_LOCK`], so their sequence numbers
//!   become visible in order; retention (`prune_audit`) runs under [`AUDIT_LOCK`].
//! - Unique violations are `Conflict`, foreign key violations `NotFound`, as on SQLite.
//!
//! Reads of several statements run in one `REPEATABLE READ READ ONLY` transaction: one
//! snapshot.
//!
//! # The audit log's single sequencer
//! Appends to the audit trail (`append_audit`, `append_audit_logged`) take the transaction-level
//! advisory lock [`AUDIT_LOCK`] (`pg_advisory_xact_lock`) before inserting anything, and hold it
//! until commit or rollback. So however many servers share the database, one batch at a time
//! is appended: sequence numbers become visible in increasing order with no gap a reader could
//! skip past, and the Merkle tree's entries, hashes and checkpoints of one batch are written
//! against the tree left by the previous one. A batch prepared against a tree that another
//! server has since extended finds its positions taken and fails with `Conflict`, never
//! overwriting anything.
//!
//! # Durability
//! Every connection sets `synchronous_commit = on`: a commit returns once its WAL record is
//! flushed (`fsync`) on the primary, whatever the database's default.
#![forbid(unsafe_code)]

mod accounts;
mod audit;
mod bundles;
mod envelopes;
mod links;
mod mailbox_keys;
mod mailboxes;
mod monitor;
mod passkeys;
mod pieces;
mod policies;
mod requests;
mod rows;
mod security;
mod shared;
mod snapshot;
mod transparency;
use transparency::AccountLog;
mod witnesses;

use async_trait::async_trait;
use pli_store::UploadPiece;
use pli_store::{
    Access, AccessEntry, Account, Alert, AuditEvent, AuditQuery, AuditRecord, Canary, Cursor,
    DownloadHold, Envelope, HoldKind, Id, InboxScope, JournalEntry, LogBatch, Mailbox,
    MailboxAccess, MailboxKeyWrap, MailboxKeys, NewAccount, NewAlert, NewCanary, NewEnvelope,
    NewInvitation, NewMailboxKey, NewPolicy, Org, PrunedEntry, Result, Store, StoreError,
    StoredBundle, StoredCheckpoint, StoredPolicy, StoredReceipt, TileId, Timestamp, Totp,
    UnloggedKeys,
};
use pli_store::{Ceremony, CeremonyKind, StoredPasskey};
use pli_store::{Link, LinkReceipt, LinkState, NewLink};
use pli_store::{NewUploadRequest, RequestState, UploadRequest};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Embedded migrations, applied by [`PostgresStore::connect`].
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Key of the transaction-level advisory lock that serializes appends to the audit trail
/// across every server on the database ("pli-audit" in ASCII).
pub const AUDIT_LOCK: i64 = 0x0070_6c69_2d61_7564;

/// Key of the transaction-level advisory lock that serializes inserts of security alerts, so
/// their sequence numbers become visible in increasing order ("pli-alrt" in ASCII).
pub const ALERT_LOCK: i64 = 0x706c_692d_616c_7274;

/// The advisory lock under which flow monitor journal entries are appended, so their sequence
/// numbers become visible in order across servers.
pub const JOURNAL_LOCK: i64 = 0x706c_692d_6a6f_7572;

/// Options of [`PostgresStore::connect_with`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections kept in the pool of this process.
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing.
    pub acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> PostgresOptions {
        PostgresOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

/// A [`Store`] in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`,
    /// libpq's parameters such as `sslmode` or `host=/run/postgresql` accepted) with the default
    /// options, and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        PostgresStore::connect_with(url, &PostgresOptions::default()).await
    }

    /// Connects with explicit options.
    pub async fn connect_with(url: &str, options: &PostgresOptions) -> Result<PostgresStore> {
        // The URL may hold a password: it never goes into an error message.
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|_| StoreError::Backend("invalid PostgreSQL URL".into()))?
            .application_name("pli")
            .options([("synchronous_commit", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect_options)
            .await
            .map_err(|error| backend("connecting to PostgreSQL", &error))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|error| StoreError::Backend(format!("running migrations: {error}")))?;
        Ok(PostgresStore { pool })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The connection pool, for tests and tools that inspect the database directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A write transaction (`READ COMMITTED`; methods lock what they compare and set).
pub(crate) async fn write(pool: &PgPool) -> Result<Transaction> {
    pool.begin()
        .await
        .map_err(|error| backend("starting a write", &error))
}

/// A read transaction: one snapshot across several statements.
pub(crate) async fn read(pool: &PgPool) -> Result<Transaction> {
    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(|error| backend("starting a read", &error))
}

pub(crate) type Transaction = sqlx::Transaction<'static, sqlx::Postgres>;

pub(crate) async fn commit(tx: Transaction) -> Result<()> {
    tx.commit()
        .await
        .map_err(|error| backend("committing", &error))
}

/// The one place driver errors become [`StoreError`]s. `what` names the value a unique
/// constraint protects, for `Conflict`. Messages carry PostgreSQL's text (constraint and
/// column names), never a bound value.
pub(crate) fn map_err(error: sqlx::Error, what: &'static str) -> StoreError {
    use sqlx::error::ErrorKind;
    match &error {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(database) => match database.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(what),
            // A reference to a row that does not exist: the caller named something unknown.
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            // PostgreSQL's detail of a violation quotes the offending row: keep only its code.
            _ => StoreError::Backend(format!(
                "{what}: database error {}",
                database.code().unwrap_or_default()
            )),
        },
        sqlx::Error::ColumnDecode { index, .. } => StoreError::Corrupt(format!("column {index}")),
        sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
            StoreError::Corrupt(format!("{what} row"))
        }
        _ => backend(what, &error),
    }
}

pub(crate) fn backend(context: &str, error: &sqlx::Error) -> StoreError {
    StoreError::Backend(format!("{context}: {error}"))
}

#[async_trait]
impl Store for PostgresStore {
    async fn ensure_org(&self, name: &str) -> Result<Org> {
        accounts::ensure_org(&self.pool, name).await
    }

    async fn org_by_name(&self, name: &str) -> Result<Org> {
        accounts::org_by_name(&self.pool, name).await
    }

    async fn create_invitation(&self, invitation: &NewInvitation) -> Result<()> {
        accounts::create_invitation(&self.pool, invitation).await
    }

    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Account> {
        accounts::redeem_invitation(&self.pool, code_hash, account, now).await
    }

    async fn account_by_email(&self, email: &str) -> Result<Account> {
        accounts::account_by_email(&self.pool, email).await
    }

    async fn account_by_id(&self, id: Id) -> Result<Account> {
        let mut connection = accounts::connection(&self.pool).await?;
        accounts::account_by_id(&mut connection, id).await
    }

    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account_id: Id,
        expires_at: Timestamp,
    ) -> Result<()> {
        accounts::create_session(&self.pool, token_hash, account_id, expires_at).await
    }

    async fn session_account(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Account> {
        accounts::session_account(&self.pool, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        accounts::delete_session(&self.pool, token_hash).await
    }

    async fn create_mailbox(&self, org_id: Id, name: &str) -> Result<Mailbox> {
        mailboxes::create_mailbox(&self.pool, org_id, name).await
    }

    async fn mailbox_by_name(&self, name: &str) -> Result<Mailbox> {
        mailboxes::mailbox_by_name(&self.pool, name).await
    }

    async fn add_member(&self, mailbox_id: Id, account_id: Id) -> Result<()> {
        mailboxes::add_member(&self.pool, mailbox_id, account_id).await
    }

    async fn remove_member(&self, mailbox_id: Id, account_id: Id, at: Timestamp) -> Result<()> {
        mailboxes::remove_member(&self.pool, mailbox_id, account_id, at).await
    }

    async fn mailbox_members(&self, mailbox_id: Id) -> Result<Vec<Account>> {
        mailboxes::mailbox_members(&self.pool, mailbox_id).await
    }

    async fn account_mailboxes(&self, account_id: Id) -> Result<Vec<Mailbox>> {
        mailboxes::account_mailboxes(&self.pool, account_id).await
    }

    async fn mailbox_keys(&self, mailbox_id: Id) -> Result<MailboxKeys> {
        mailbox_keys::mailbox_keys(&self.pool, mailbox_id).await
    }

    async fn mailbox_key_wraps(
        &self,
        mailbox_id: Id,
        account_id: Id,
    ) -> Result<Vec<MailboxKeyWrap>> {
        mailbox_keys::mailbox_key_wraps(&self.pool, mailbox_id, account_id).await
    }

    async fn create_mailbox_key(&self, key: &NewMailboxKey) -> Result<()> {
        mailbox_keys::create_mailbox_key(&self.pool, key).await
    }

    async fn add_mailbox_key_wraps(&self, mailbox_id: Id, wraps: &[MailboxKeyWrap]) -> Result<()> {
        mailbox_keys::add_mailbox_key_wraps(&self.pool, mailbox_id, wraps).await
    }

    async fn create_envelope(&self, envelope: &NewEnvelope) -> Result<()> {
        envelopes::create_envelope(&self.pool, envelope).await
    }

    async fn mark_stored(&self, id: Id, size: u64) -> Result<()> {
        envelopes::mark_stored(&self.pool, id, size).await
    }

    async fn upload_pieces(&self, envelope_id: Id) -> Result<Vec<UploadPiece>> {
        pieces::upload_pieces(&self.pool, envelope_id).await
    }

    async fn add_upload_piece(&self, piece: &UploadPiece) -> Result<()> {
        pieces::add_upload_piece(&self.pool, piece).await
    }

    async fn envelope(&self, id: Id) -> Result<Envelope> {
        envelopes::envelope(&self.pool, id).await
    }

    async fn inbox(
        &self,
        account_id: Id,
        scope: &InboxScope,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>> {
        envelopes::inbox(&self.pool, account_id, scope, after, limit).await
    }

    async fn outbox(
        &self,
        account_id: Id,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>> {
        envelopes::outbox(&self.pool, account_id, after, limit).await
    }

    async fn delete_envelope(&self, id: Id) -> Result<()> {
        envelopes::delete_envelope(&self.pool, id).await
    }

    async fn stale_pending(&self, before: Timestamp) -> Result<Vec<Id>> {
        envelopes::stale_pending(&self.pool, before).await
    }

    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        audit::append_audit(&self.pool, events).await
    }

    async fn audit_events(
        &self,
        org_id: Option<Id>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        audit::audit_events(&self.pool, org_id, after_seq, limit).await
    }

    async fn append_audit_logged(&self, events: &[AuditEvent], batch: &LogBatch) -> Result<()> {
        audit::append_audit_logged(&self.pool, events, batch).await
    }

    async fn audit_log_latest(&self) -> Result<Option<StoredCheckpoint>> {
        audit::audit_log_latest(&self.pool).await
    }

    async fn audit_log_checkpoint(&self, size: u64) -> Result<StoredCheckpoint> {
        audit::audit_log_checkpoint(&self.pool, size).await
    }

    async fn audit_log_tiles(
        &self,
        tiles: &[TileId],
    ) -> Result<std::collections::HashMap<TileId, Vec<u8>>> {
        audit::audit_log_tiles(&self.pool, tiles).await
    }

    async fn audit_log_bundles(&self, start: u64, limit: u32) -> Result<Vec<StoredBundle>> {
        bundles::audit_log_bundles(&self.pool, start, limit).await
    }

    async fn set_policy(&self, policy: &NewPolicy) -> Result<()> {
        policies::set_policy(&self.pool, policy).await
    }

    async fn latest_policy(&self, org_id: Id) -> Result<Option<StoredPolicy>> {
        policies::latest_policy(&self.pool, org_id).await
    }

    async fn set_policy_log_index(&self, org_id: Id, version: u64, index: u64) -> Result<()> {
        policies::set_policy_log_index(&self.pool, org_id, version, index).await
    }

    async fn totp(&self, account_id: Id) -> Result<Option<Totp>> {
        security::totp(&self.pool, account_id).await
    }

    async fn begin_totp(&self, account_id: Id, secret: &[u8], at: Timestamp) -> Result<()> {
        security::begin_totp(&self.pool, account_id, secret, at).await
    }

    async fn confirm_totp(
        &self,
        account_id: Id,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<()> {
        security::confirm_totp(&self.pool, account_id, step, recovery_hashes).await
    }

    async fn delete_totp(&self, account_id: Id) -> Result<()> {
        security::delete_totp(&self.pool, account_id).await
    }

    async fn use_totp_step(&self, account_id: Id, step: i64) -> Result<()> {
        security::use_totp_step(&self.pool, account_id, step).await
    }

    async fn use_recovery_code(&self, account_id: Id, code_hash: &[u8; 32]) -> Result<()> {
        security::use_recovery_code(&self.pool, account_id, code_hash).await
    }

    async fn recovery_codes_left(&self, account_id: Id) -> Result<u32> {
        security::recovery_codes_left(&self.pool, account_id).await
    }

    async fn set_org_requires_totp(&self, org_id: Id, required: bool) -> Result<()> {
        security::set_org_requires_totp(&self.pool, org_id, required).await
    }

    async fn org_requires_totp(&self, org_id: Id) -> Result<bool> {
        security::org_requires_totp(&self.pool, org_id).await
    }

    async fn record_login_failure(
        &self,
        email: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> Result<u32> {
        security::record_login_failure(&self.pool, email, at, since).await
    }

    async fn clear_login_failures(&self, email: &str) -> Result<()> {
        security::clear_login_failures(&self.pool, email).await
    }

    async fn lock_login(&self, email: &str, until: Timestamp) -> Result<()> {
        security::lock_login(&self.pool, email, until).await
    }

    async fn login_locked_until(&self, email: &str, at: Timestamp) -> Result<Option<Timestamp>> {
        security::login_locked_until(&self.pool, email, at).await
    }

    async fn unlock_login(&self, email: &str) -> Result<()> {
        security::unlock_login(&self.pool, email).await
    }

    async fn set_access(
        &self,
        mailbox_id: Id,
        account_id: Id,
        access: &Access,
        at: Timestamp,
    ) -> Result<()> {
        security::set_access(&self.pool, mailbox_id, account_id, access, at).await
    }

    async fn account_access(&self, account_id: Id) -> Result<Vec<MailboxAccess>> {
        security::account_access(&self.pool, account_id).await
    }

    async fn org_access(&self, org_id: Id) -> Result<Vec<AccessEntry>> {
        security::org_access(&self.pool, org_id).await
    }

    async fn expire_access(&self, at: Timestamp) -> Result<u32> {
        security::expire_access(&self.pool, at).await
    }

    async fn add_alert(&self, alert: &NewAlert) -> Result<()> {
        security::add_alert(&self.pool, alert).await
    }

    async fn alerts(&self, org_id: Id, after_seq: i64, limit: u32) -> Result<Vec<Alert>> {
        security::alerts(&self.pool, org_id, after_seq, limit).await
    }

    async fn set_account_key_log_index(&self, account_id: Id, index: u64) -> Result<()> {
        transparency::set_account_log_index(&self.pool, AccountLog::Key, account_id, index).await
    }

    async fn account_key_log_index(&self, account_id: Id) -> Result<Option<u64>> {
        transparency::account_log_index(&self.pool, AccountLog::Key, account_id).await
    }

    async fn set_account_role_log_index(&self, account_id: Id, index: u64) -> Result<()> {
        transparency::set_account_log_index(&self.pool, AccountLog::Role, account_id, index).await
    }

    async fn account_role_log_index(&self, account_id: Id) -> Result<Option<u64>> {
        transparency::account_log_index(&self.pool, AccountLog::Role, account_id).await
    }

    async fn set_mailbox_key_log_index(
        &self,
        mailbox_id: Id,
        generation: u32,
        index: u64,
    ) -> Result<()> {
        transparency::set_mailbox_key_log_index(&self.pool, mailbox_id, generation, index).await
    }

    async fn mailbox_key_log_index(&self, mailbox_id: Id, generation: u32) -> Result<Option<u64>> {
        transparency::mailbox_key_log_index(&self.pool, mailbox_id, generation).await
    }

    async fn add_receipt(&self, receipt: &StoredReceipt) -> Result<()> {
        transparency::add_receipt(&self.pool, receipt).await
    }

    async fn receipts(&self, envelope_id: Id) -> Result<Vec<StoredReceipt>> {
        transparency::receipts(&self.pool, envelope_id).await
    }

    async fn audit_report(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        transparency::audit_report(&self.pool, query).await
    }

    async fn prune_audit(&self, entries: &[PrunedEntry], before: Timestamp) -> Result<u64> {
        bundles::prune_audit(&self.pool, entries, before).await
    }

    async fn unlogged_keys(&self) -> Result<UnloggedKeys> {
        witnesses::unlogged_keys(&self.pool).await
    }

    async fn add_cosignature(
        &self,
        size: u64,
        witness: &str,
        line: &str,
        account: Id,
    ) -> Result<()> {
        witnesses::add_cosignature(&self.pool, size, witness, line, account).await
    }

    async fn latest_cosigned(
        &self,
        witnesses: &[String],
        required: usize,
    ) -> Result<Option<(StoredCheckpoint, Vec<String>)>> {
        witnesses::latest_cosigned(&self.pool, witnesses, required).await
    }

    async fn monitor_baseline(&self, subject: Id) -> Result<Option<Vec<u8>>> {
        monitor::monitor_baseline(&self.pool, subject).await
    }

    async fn save_monitor_baselines(
        &self,
        baselines: &[(Id, Vec<u8>)],
        at: Timestamp,
    ) -> Result<()> {
        monitor::save_monitor_baselines(&self.pool, baselines, at).await
    }

    async fn set_download_hold(&self, hold: &DownloadHold) -> Result<()> {
        monitor::set_download_hold(&self.pool, hold).await
    }

    async fn download_hold(&self, account_id: Id) -> Result<Option<DownloadHold>> {
        monitor::download_hold(&self.pool, account_id).await
    }

    async fn lift_download_hold(&self, account_id: Id, up_to: HoldKind) -> Result<()> {
        monitor::lift_download_hold(&self.pool, account_id, up_to).await
    }

    async fn add_canary(&self, canary: &NewCanary) -> Result<()> {
        monitor::add_canary(&self.pool, canary).await
    }

    async fn canaries(&self, org_id: Option<Id>) -> Result<Vec<Canary>> {
        monitor::canaries(&self.pool, org_id).await
    }

    async fn append_monitor_journal(&self, entries: &[JournalEntry]) -> Result<()> {
        shared::append_monitor_journal(&self.pool, entries).await
    }

    async fn monitor_journal(&self, after: i64, limit: u32) -> Result<Vec<(i64, JournalEntry)>> {
        shared::monitor_journal(&self.pool, after, limit).await
    }

    async fn prune_monitor_journal(&self, before: Timestamp) -> Result<u64> {
        shared::prune_monitor_journal(&self.pool, before).await
    }

    async fn count_hit(&self, key: &[u8; 32], window: Timestamp) -> Result<u64> {
        shared::count_hit(&self.pool, key, window).await
    }

    async fn prune_hits(&self, before: Timestamp) -> Result<u64> {
        shared::prune_hits(&self.pool, before).await
    }

    async fn org_admin_emails(&self, org_id: Id) -> Result<Vec<String>> {
        links::org_admin_emails(&self.pool, org_id).await
    }

    async fn add_passkey(&self, passkey: &StoredPasskey) -> Result<()> {
        passkeys::add_passkey(&self.pool, passkey).await
    }

    async fn passkeys(&self, account_id: Id) -> Result<Vec<StoredPasskey>> {
        passkeys::passkeys(&self.pool, account_id).await
    }

    async fn passkey_used(&self, id: Id, data: &str, at: Timestamp) -> Result<()> {
        passkeys::passkey_used(&self.pool, id, data, at).await
    }

    async fn delete_passkey(&self, account_id: Id, id: Id) -> Result<()> {
        passkeys::delete_passkey(&self.pool, account_id, id).await
    }

    async fn put_ceremony(&self, ceremony: &Ceremony, now: Timestamp) -> Result<()> {
        passkeys::put_ceremony(&self.pool, ceremony, now).await
    }

    async fn take_ceremony(
        &self,
        id: Id,
        account_id: Id,
        kind: CeremonyKind,
        now: Timestamp,
    ) -> Result<Ceremony> {
        passkeys::take_ceremony(&self.pool, id, account_id, kind, now).await
    }

    async fn create_link(&self, link: &NewLink) -> Result<()> {
        links::create_link(&self.pool, link).await
    }

    async fn link(&self, id: Id) -> Result<Link> {
        links::link(&self.pool, id).await
    }

    async fn envelope_links(&self, envelope_id: Id) -> Result<Vec<Link>> {
        links::envelope_links(&self.pool, envelope_id).await
    }

    async fn record_link_code_failure(&self, id: Id, lock_after: u32) -> Result<Link> {
        links::record_link_code_failure(&self.pool, id, lock_after).await
    }

    async fn end_link(&self, id: Id, state: LinkState) -> Result<()> {
        links::end_link(&self.pool, id, state).await
    }

    async fn expire_links(&self, now: Timestamp) -> Result<Vec<Id>> {
        links::expire_links(&self.pool, now).await
    }

    async fn add_link_token(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        links::add_link_token(&self.pool, id, token_hash, expires_at, now).await
    }

    async fn link_token_valid(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        now: Timestamp,
    ) -> Result<bool> {
        links::link_token_valid(&self.pool, id, token_hash, now).await
    }

    async fn count_link_download(&self, id: Id, at: Timestamp, address: &str) -> Result<Link> {
        links::count_link_download(&self.pool, id, at, address).await
    }

    async fn set_link_receipt(&self, id: Id, receipt: &LinkReceipt) -> Result<()> {
        links::set_link_receipt(&self.pool, id, receipt).await
    }

    async fn create_upload_request(&self, request: &NewUploadRequest) -> Result<()> {
        requests::create_upload_request(&self.pool, request).await
    }

    async fn upload_request(&self, id: Id) -> Result<UploadRequest> {
        requests::upload_request(&self.pool, id).await
    }

    async fn account_upload_requests(&self, creator_id: Id) -> Result<Vec<UploadRequest>> {
        requests::account_upload_requests(&self.pool, creator_id).await
    }

    async fn end_upload_request(&self, id: Id, state: RequestState) -> Result<()> {
        requests::end_upload_request(&self.pool, id, state).await
    }

    async fn expire_upload_requests(&self, now: Timestamp) -> Result<Vec<Id>> {
        requests::expire_upload_requests(&self.pool, now).await
    }

    async fn begin_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
        address: &str,
    ) -> Result<()> {
        requests::begin_request_upload(&self.pool, request_id, envelope_id, size, at, address).await
    }

    async fn complete_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
    ) -> Result<UploadRequest> {
        requests::complete_request_upload(&self.pool, request_id, envelope_id, size, at).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_errors_map_to_store_errors() {
        assert!(matches!(
            map_err(sqlx::Error::RowNotFound, "x"),
            StoreError::NotFound
        ));
        assert!(matches!(
            map_err(sqlx::Error::PoolTimedOut, "x"),
            StoreError::Backend(_)
        ));
    }

    #[tokio::test]
    async fn a_bad_url_is_refused_without_echoing_it() {
        let error = PostgresStore::connect("postgres://user:s3cret-pass@127.0.0.1:notaport/pli")
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("s3cret-pass"), "{message}");
    }
}
