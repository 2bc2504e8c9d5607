//! SQLite implementation of the Pli store: the embedded default.
//!
//! ```no_run
//! # async fn example() -> Result<(), pli_store::StoreError> {
//! use pli_store::Store;
//! use pli_store_sqlite::SqliteStore;
//!
//! let store = SqliteStore::open(std::path::Path::new("pli-data/pli.db")).await?;
//! let org = store.ensure_org("Hôpital Nord").await?;
//! assert_eq!(org.name, "Hôpital Nord");
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//! - Ids are stored as 16-byte BLOBs (the raw bytes of [`Id`]): byte order equals the order of
//!   their hex form, which keeps `(created_at, id)` pagination identical across backends.
//! - Timestamps are INTEGER unix seconds; sizes are INTEGER (at most `i64::MAX`).
//! - The database runs in WAL mode with `synchronous=FULL` (unless [`SqliteOptions::durable`] is
//!   off), foreign keys on, and a busy timeout.
//!
//! # Connections
//! WAL lets any number of readers run beside one writer. Writes go through a pool of exactly
//! one connection and start with `BEGIN IMMEDIATE`, so writers queue in the pool instead of
//! racing for SQLite's write lock (which ends in `SQLITE_BUSY`); reads use a separate pool of
//! read-only connections, so listing inboxes never waits for a write.
#![forbid(unsafe_code)]

mod bundles;
mod links;
mod monitor;
mod passkeys;
mod pieces;
mod policies;
mod requests;
mod rows;
mod security;
mod shared;
mod snapshot;

use async_trait::async_trait;
use pli_store::UploadPiece;
use pli_store::{
    Access, AccessEntry, Account, Alert, AuditEvent, AuditQuery, AuditRecord, Cursor, Envelope, Id,
    InboxScope, LogBatch, Mailbox, MailboxAccess, MailboxKey, MailboxKeyWrap, MailboxKeys,
    NewAccount, NewAlert, NewEnvelope, NewInvitation, NewMailboxKey, NewPolicy, Org, PrunedEntry,
    Result, Store, StoreError, StoredBundle, StoredCheckpoint, StoredPolicy, StoredReceipt,
    TileAppend, TileId, Timestamp, Totp, UnloggedKeys,
};
use pli_store::{Canary, DownloadHold, HoldKind, JournalEntry, NewCanary};
use pli_store::{Ceremony, CeremonyKind, StoredPasskey};
use pli_store::{Link, LinkReceipt, LinkState, NewLink};
use pli_store::{NewUploadRequest, OutsideOrigin, RequestState, UploadRequest};
use sqlx::SqliteConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use subtle::ConstantTimeEq;

use rows::{
    ACCOUNT_COLUMNS, account_from_row, audit_from_row, blob, envelope_state_code, get, id_from_row,
    mailbox_from_row, org_from_row, size_to_sql,
};

/// Embedded migrations, applied by [`SqliteStore::open`].
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// How long a connection waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Ids bound per `IN (...)` list, well under SQLite's limit on host parameters.
const IN_CHUNK: usize = 500;

/// Options of [`SqliteStore::open_with`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteOptions {
    /// `true` (the default): every commit is fsync'd (`synchronous=FULL`) and survives power
    /// loss. `false`: `synchronous=OFF`, for tests and benchmarks that do not test durability.
    pub durable: bool,
    /// Read-only connections kept for concurrent reads.
    pub max_readers: u32,
}

impl Default for SqliteOptions {
    fn default() -> SqliteOptions {
        SqliteOptions {
            durable: true,
            max_readers: 16,
        }
    }
}

/// A [`Store`] in one SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database at `path` with durable defaults, and brings
    /// its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_with(path, &SqliteOptions::default()).await
    }

    /// Opens the database at `path` with explicit options.
    pub async fn open_with(path: &Path, options: &SqliteOptions) -> Result<SqliteStore> {
        let synchronous = if options.durable {
            SqliteSynchronous::Full
        } else {
            SqliteSynchronous::Off
        };
        let write_options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // Never close the writer: reopening it costs the pragmas and a schema read.
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(write_options)
            .await
            .map_err(|error| backend("opening the database", &error))?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|error| StoreError::Backend(format!("running migrations: {error}")))?;

        // The journal mode is a property of the file, already set by the writer; setting it
        // again on a read-only connection would need a write lock.
        let read_options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_readers.max(1))
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(read_options)
            .await
            .map_err(|error| backend("opening the database for reading", &error))?;
        Ok(SqliteStore { writer, reader })
    }

    /// Closes every connection, checkpointing the write-ahead log.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads first and
        // writes later can fail with SQLITE_BUSY_SNAPSHOT when another process wrote between.
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|error| backend("starting a write", &error))
    }

    /// A connection for one statement, which SQLite runs in its own implicit transaction:
    /// no `BEGIN` and `ROLLBACK` round trips (`session_account` runs on every request).
    async fn read_one(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.reader
            .acquire()
            .await
            .map_err(|error| backend("starting a read", &error))
    }

    /// A read transaction: one snapshot across several statements.
    async fn read(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.reader
            .begin()
            .await
            .map_err(|error| backend("starting a read", &error))
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ensure_org(&self, name: &str) -> Result<Org> {
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO orgs (id, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(blob(Id::random()))
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "organisation name"))?;
        let org = org_by_name(&mut tx, name).await?;
        commit(tx).await?;
        Ok(org)
    }

    async fn org_by_name(&self, name: &str) -> Result<Org> {
        let mut connection = self.read_one().await?;
        org_by_name(&mut connection, name).await
    }

    async fn create_invitation(&self, invitation: &NewInvitation) -> Result<()> {
        let mut tx = self.write().await?;
        let taken = sqlx::query("SELECT 1 FROM accounts WHERE email = ?")
            .bind(&invitation.email)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "email"))?;
        if taken.is_some() {
            return Err(StoreError::Conflict("email"));
        }
        let org = sqlx::query("SELECT 1 FROM orgs WHERE id = ?")
            .bind(blob(invitation.org_id))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "organisation"))?;
        if org.is_none() {
            return Err(StoreError::NotFound);
        }
        for mailbox_id in &invitation.mailbox_ids {
            // A mailbox of another organisation is as unknown as a missing one.
            let mailbox = sqlx::query("SELECT 1 FROM mailboxes WHERE id = ? AND org_id = ?")
                .bind(blob(*mailbox_id))
                .bind(blob(invitation.org_id))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|error| map_err(error, "mailbox"))?;
            if mailbox.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        // Deleting first also drops the earlier invitation's mailboxes (ON DELETE CASCADE).
        sqlx::query("DELETE FROM invitations WHERE email = ?")
            .bind(&invitation.email)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "invitation"))?;
        sqlx::query(
            "INSERT INTO invitations (email, org_id, role, code_hash, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&invitation.email)
        .bind(blob(invitation.org_id))
        .bind(invitation.role.as_str())
        .bind(invitation.code_hash.as_slice())
        .bind(invitation.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "invitation"))?;
        for mailbox_id in &invitation.mailbox_ids {
            sqlx::query(
                "INSERT INTO invitation_mailboxes (email, mailbox_id) VALUES (?, ?) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(&invitation.email)
            .bind(blob(*mailbox_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "invitation mailbox"))?;
        }
        commit(tx).await
    }

    async fn redeem_invitation(
        &self,
        code_hash: &[u8; 32],
        account: &NewAccount,
        now: Timestamp,
    ) -> Result<Account> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT i.org_id, i.role, i.code_hash, i.expires_at, o.name \
             FROM invitations i JOIN orgs o ON o.id = i.org_id WHERE i.email = ?",
        )
        .bind(&account.email)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "invitation"))?
        .ok_or(StoreError::NotFound)?;
        let stored_hash: Vec<u8> = rows::get(&row, "code_hash", "invitations.code_hash")?;
        // Constant time, so response timing tells nothing about how much of a guess was right.
        let code_matches: bool = stored_hash.as_slice().ct_eq(code_hash.as_slice()).into();
        let expires_at: i64 = rows::get(&row, "expires_at", "invitations.expires_at")?;
        if !code_matches || expires_at <= now {
            return Err(StoreError::NotFound);
        }
        let org = Org {
            id: id_from_row(&row, "org_id", "invitations.org_id")?,
            name: rows::get(&row, "name", "orgs.name")?,
        };
        let role_text: String = rows::get(&row, "role", "invitations.role")?;
        let role = pli_store::Role::parse(&role_text)
            .ok_or_else(|| StoreError::Corrupt("invitations.role".into()))?;

        let created = Account {
            id: Id::random(),
            email: account.email.clone(),
            org,
            role,
            kdf_salt: account.kdf_salt.clone(),
            kdf_m_kib: account.kdf_m_kib,
            kdf_t: account.kdf_t,
            kdf_p: account.kdf_p,
            auth_hash: account.auth_hash,
            age_recipient: account.age_recipient.clone(),
            signing_key: account.signing_key,
            wrapped_keys: account.wrapped_keys.clone(),
            created_at: now,
        };
        sqlx::query(
            "INSERT INTO accounts (id, email, org_id, role, kdf_salt, kdf_m_kib, kdf_t, kdf_p, \
             auth_hash, age_recipient, signing_key, wrapped_keys, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(blob(created.id))
        .bind(&created.email)
        .bind(blob(created.org.id))
        .bind(created.role.as_str())
        .bind(created.kdf_salt.as_slice())
        .bind(i64::from(created.kdf_m_kib))
        .bind(i64::from(created.kdf_t))
        .bind(i64::from(created.kdf_p))
        .bind(created.auth_hash.as_slice())
        .bind(&created.age_recipient)
        .bind(created.signing_key.as_slice())
        .bind(created.wrapped_keys.as_slice())
        .bind(created.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "email"))?;
        sqlx::query(
            "INSERT INTO memberships (mailbox_id, account_id) \
             SELECT mailbox_id, ? FROM invitation_mailboxes WHERE email = ?",
        )
        .bind(blob(created.id))
        .bind(&created.email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        sqlx::query("DELETE FROM invitations WHERE email = ?")
            .bind(&created.email)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "invitation"))?;
        commit(tx).await?;
        Ok(created)
    }

    async fn account_by_email(&self, email: &str) -> Result<Account> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(&format!("{ACCOUNT_COLUMNS} WHERE a.email = ?"))
            .bind(email)
            .fetch_one(&mut *connection)
            .await
            .map_err(|error| map_err(error, "account"))?;
        account_from_row(&row)
    }

    async fn account_by_id(&self, id: Id) -> Result<Account> {
        let mut connection = self.read_one().await?;
        account_by_id(&mut connection, id).await
    }

    async fn create_session(
        &self,
        token_hash: &[u8; 32],
        account_id: Id,
        expires_at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, ?)")
            .bind(token_hash.as_slice())
            .bind(blob(account_id))
            .bind(expires_at)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "session"))?;
        commit(tx).await
    }

    async fn session_account(&self, token_hash: &[u8; 32], now: Timestamp) -> Result<Account> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(&format!(
            "{ACCOUNT_COLUMNS} JOIN sessions s ON s.account_id = a.id \
             WHERE s.token_hash = ? AND s.expires_at > ?"
        ))
        .bind(token_hash.as_slice())
        .bind(now)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_err(error, "session"))?;
        account_from_row(&row)
    }

    /// Idempotent: deleting a session that does not exist (any more) succeeds.
    async fn delete_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "session"))?;
        commit(tx).await
    }

    async fn create_mailbox(&self, org_id: Id, name: &str) -> Result<Mailbox> {
        let mut tx = self.write().await?;
        let org_row = sqlx::query("SELECT id, name FROM orgs WHERE id = ?")
            .bind(blob(org_id))
            .fetch_one(&mut *tx)
            .await
            .map_err(|error| map_err(error, "organisation"))?;
        let org = org_from_row(&org_row)?;
        let mailbox = Mailbox {
            id: Id::random(),
            name: name.to_owned(),
            org,
        };
        sqlx::query("INSERT INTO mailboxes (id, name, org_id) VALUES (?, ?, ?)")
            .bind(blob(mailbox.id))
            .bind(&mailbox.name)
            .bind(blob(org_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "mailbox name"))?;
        commit(tx).await?;
        Ok(mailbox)
    }

    async fn mailbox_by_name(&self, name: &str) -> Result<Mailbox> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(
            "SELECT m.id, m.name, m.org_id, o.name AS org_name \
             FROM mailboxes m JOIN orgs o ON o.id = m.org_id WHERE m.name = ?",
        )
        .bind(name)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_err(error, "mailbox"))?;
        mailbox_from_row(&row)
    }

    async fn add_member(&self, mailbox_id: Id, account_id: Id) -> Result<()> {
        let mut tx = self.write().await?;
        // A missing mailbox or account fails the foreign key check: NotFound.
        sqlx::query(
            "INSERT INTO memberships (mailbox_id, account_id) VALUES (?, ?) \
             ON CONFLICT DO UPDATE SET can_read = 1, can_send = 1, granted = 0, until = NULL",
        )
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        commit(tx).await
    }

    async fn remove_member(&self, mailbox_id: Id, account_id: Id, at: Timestamp) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM memberships WHERE mailbox_id = ? AND account_id = ?")
            .bind(blob(mailbox_id))
            .bind(blob(account_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "membership"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // In the same transaction: no reader ever sees the member gone and the key still fresh.
        sqlx::query(
            "INSERT INTO mailbox_removals (mailbox_id, account_id, removed_at) VALUES (?, ?, ?)",
        )
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox removal"))?;
        commit(tx).await
    }

    /// `NotFound` if the mailbox does not exist.
    async fn mailbox_members(&self, mailbox_id: Id) -> Result<Vec<Account>> {
        let mut tx = self.read().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = ?", mailbox_id).await?;
        let rows = sqlx::query(&format!(
            "{ACCOUNT_COLUMNS} JOIN memberships ms ON ms.account_id = a.id \
             WHERE ms.mailbox_id = ? AND ms.can_read = 1 ORDER BY a.email"
        ))
        .bind(blob(mailbox_id))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        rows.iter().map(account_from_row).collect()
    }

    /// `NotFound` if the account does not exist.
    async fn account_mailboxes(&self, account_id: Id) -> Result<Vec<Mailbox>> {
        let mut tx = self.read().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM accounts WHERE id = ?", account_id).await?;
        let rows = sqlx::query(
            "SELECT m.id, m.name, m.org_id, o.name AS org_name \
             FROM memberships ms JOIN mailboxes m ON m.id = ms.mailbox_id \
             JOIN orgs o ON o.id = m.org_id \
             WHERE ms.account_id = ? AND ms.can_read = 1 ORDER BY m.name",
        )
        .bind(blob(account_id))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        rows.iter().map(mailbox_from_row).collect()
    }

    async fn mailbox_keys(&self, mailbox_id: Id) -> Result<MailboxKeys> {
        let mut tx = self.read().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = ?", mailbox_id).await?;
        mailbox_keys(&mut tx, mailbox_id).await
    }

    async fn mailbox_key_wraps(
        &self,
        mailbox_id: Id,
        account_id: Id,
    ) -> Result<Vec<MailboxKeyWrap>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT generation, wrapped FROM mailbox_key_wraps \
             WHERE mailbox_id = ? AND account_id = ? ORDER BY generation",
        )
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "mailbox key wrap"))?;
        rows.iter()
            .map(|row| {
                Ok(MailboxKeyWrap {
                    generation: rows::generation(row, "mailbox_key_wraps.generation")?,
                    account_id,
                    wrapped: rows::get(row, "wrapped", "mailbox_key_wraps.wrapped")?,
                })
            })
            .collect()
    }

    async fn create_mailbox_key(&self, key: &NewMailboxKey) -> Result<()> {
        let mut tx = self.write().await?;
        // The write lock is held from here to the commit: reading the latest generation and
        // inserting the next one are one compare-and-set.
        ensure_exists(
            &mut tx,
            "SELECT 1 FROM mailboxes WHERE id = ?",
            key.mailbox_id,
        )
        .await?;
        let latest: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(generation), 0) FROM mailbox_keys WHERE mailbox_id = ?",
        )
        .bind(blob(key.mailbox_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox key generation"))?;
        if i64::from(key.generation) != latest + 1 {
            return Err(StoreError::Conflict("mailbox key generation"));
        }
        let members = member_ids(&mut tx, key.mailbox_id).await?;
        let mut wrapped_for: Vec<Id> = key.wraps.iter().map(|wrap| wrap.account_id).collect();
        wrapped_for.sort();
        if wrapped_for != members
            || key
                .wraps
                .iter()
                .any(|wrap| wrap.generation != key.generation)
        {
            return Err(StoreError::Conflict("mailbox members"));
        }
        let removals_seen = removals_seen(&mut tx, key.mailbox_id).await?;
        sqlx::query(
            "INSERT INTO mailbox_keys (mailbox_id, generation, recipient, creator_id, created_at, \
             signature, removals_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(blob(key.mailbox_id))
        .bind(i64::from(key.generation))
        .bind(&key.recipient)
        .bind(blob(key.creator_id))
        .bind(key.created_at)
        .bind(key.signature.as_slice())
        .bind(removals_seen)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox key generation"))?;
        insert_wraps(&mut tx, key.mailbox_id, &key.wraps).await?;
        commit(tx).await
    }

    async fn add_mailbox_key_wraps(&self, mailbox_id: Id, wraps: &[MailboxKeyWrap]) -> Result<()> {
        let mut tx = self.write().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = ?", mailbox_id).await?;
        let members = member_ids(&mut tx, mailbox_id).await?;
        if wraps
            .iter()
            .any(|wrap| members.binary_search(&wrap.account_id).is_err())
        {
            return Err(StoreError::Conflict("mailbox members"));
        }
        for wrap in wraps {
            let generation =
                sqlx::query("SELECT 1 FROM mailbox_keys WHERE mailbox_id = ? AND generation = ?")
                    .bind(blob(mailbox_id))
                    .bind(i64::from(wrap.generation))
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|error| map_err(error, "mailbox key generation"))?;
            if generation.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        insert_wraps(&mut tx, mailbox_id, wraps).await?;
        commit(tx).await
    }

    /// `NotFound` if the sender or an addressee does not exist.
    async fn create_envelope(&self, envelope: &NewEnvelope) -> Result<()> {
        let size = size_to_sql(envelope.size)?;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO envelopes (id, sender_id, size, created_at, state) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(blob(envelope.id))
        .bind(blob(envelope.sender_id))
        .bind(size)
        .bind(envelope.created_at)
        .bind(envelope_state_code(pli_store::EnvelopeState::Pending))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope id"))?;
        for (position, addressee) in envelope.to.iter().enumerate() {
            let (account_id, mailbox_id) = match addressee {
                pli_store::Addressee::Account(id) => (Some(blob(*id)), None),
                pli_store::Addressee::Mailbox(id) => (None, Some(blob(*id))),
            };
            let position = i64::try_from(position)
                .map_err(|_| StoreError::Backend("too many addressees".into()))?;
            sqlx::query(
                "INSERT INTO envelope_recipients \
                 (envelope_id, position, account_id, mailbox_id, created_at, stored) \
                 VALUES (?, ?, ?, ?, ?, 0)",
            )
            .bind(blob(envelope.id))
            .bind(position)
            .bind(account_id)
            .bind(mailbox_id)
            .bind(envelope.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "addressee"))?;
        }
        commit(tx).await
    }

    async fn mark_stored(&self, id: Id, size: u64) -> Result<()> {
        let size = size_to_sql(size)?;
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE envelopes SET state = 1, size = ? WHERE id = ? AND state = 0")
                .bind(size)
                .bind(blob(id))
                .execute(&mut *tx)
                .await
                .map_err(|error| map_err(error, "envelope"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE envelope_recipients SET stored = 1 WHERE envelope_id = ?")
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "envelope"))?;
        sqlx::query("DELETE FROM upload_pieces WHERE envelope_id = ?")
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "upload piece"))?;
        commit(tx).await
    }

    async fn upload_pieces(&self, envelope_id: Id) -> Result<Vec<UploadPiece>> {
        self.upload_pieces_impl(envelope_id).await
    }

    async fn add_upload_piece(&self, piece: &UploadPiece) -> Result<()> {
        self.add_upload_piece_impl(piece).await
    }

    async fn envelope(&self, id: Id) -> Result<Envelope> {
        let mut tx = self.read().await?;
        load_envelopes(&mut tx, &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// With [`InboxScope::Mailbox`], `NotFound` unless the account is currently a member.
    async fn inbox(
        &self,
        account_id: Id,
        scope: &InboxScope,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>> {
        let mut tx = self.read().await?;
        let sources = match scope {
            InboxScope::All => {
                let mailboxes = sqlx::query(
                    "SELECT mailbox_id FROM memberships WHERE account_id = ? AND can_read = 1 \
                     ORDER BY mailbox_id",
                )
                .bind(blob(account_id))
                .fetch_all(&mut *tx)
                .await
                .map_err(|error| map_err(error, "membership"))?;
                let mut sources = vec![Source::Account(account_id)];
                for row in &mailboxes {
                    sources.push(Source::Mailbox(id_from_row(
                        row,
                        "mailbox_id",
                        "memberships.mailbox_id",
                    )?));
                }
                sources
            }
            InboxScope::Mailbox(mailbox_id) => {
                let member = sqlx::query(
                    "SELECT 1 FROM memberships WHERE mailbox_id = ? AND account_id = ? AND can_read = 1",
                )
                .bind(blob(*mailbox_id))
                .bind(blob(account_id))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|error| map_err(error, "membership"))?;
                if member.is_none() {
                    return Err(StoreError::NotFound);
                }
                vec![Source::Mailbox(*mailbox_id)]
            }
        };
        inbox_page(&mut tx, &sources, after, limit).await
    }

    async fn outbox(
        &self,
        account_id: Id,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Vec<Envelope>> {
        let mut tx = self.read().await?;
        let (before_at, before_id) = cursor_bounds(after);
        let rows = sqlx::query(OUTBOX_SQL)
            .bind(blob(account_id))
            .bind(before_at)
            .bind(before_id)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(|error| map_err(error, "envelope"))?;
        let ids = rows
            .iter()
            .map(|row| id_from_row(row, "id", "envelopes.id"))
            .collect::<Result<Vec<Id>>>()?;
        load_envelopes(&mut tx, &ids).await
    }

    /// `NotFound` if no such envelope.
    async fn delete_envelope(&self, id: Id) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM envelopes WHERE id = ?")
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "envelope"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        commit(tx).await
    }

    async fn stale_pending(&self, before: Timestamp) -> Result<Vec<Id>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT id FROM envelopes WHERE state = 0 AND created_at < ? ORDER BY created_at, id",
        )
        .bind(before)
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
        rows.iter()
            .map(|row| id_from_row(row, "id", "envelopes.id"))
            .collect()
    }

    async fn append_audit(&self, events: &[AuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        insert_audit_rows(&mut tx, events).await?;
        commit(tx).await
    }

    async fn audit_events(
        &self,
        org_id: Option<Id>,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>> {
        let mut connection = self.read_one().await?;
        let query = match org_id {
            Some(org_id) => sqlx::query(
                "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
                 FROM audit_events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            )
            .bind(blob(org_id)),
            None => sqlx::query(
                "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
                 FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?",
            ),
        };
        let rows = query
            .bind(after_seq)
            .bind(i64::from(limit))
            .fetch_all(&mut *connection)
            .await
            .map_err(|error| map_err(error, "audit event"))?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn append_audit_logged(&self, events: &[AuditEvent], batch: &LogBatch) -> Result<()> {
        let size = sql_index(batch.size)?;
        let mut tx = self.write().await?;
        insert_audit_rows(&mut tx, events).await?;
        bundles::write_bundles(&mut tx, &batch.bundles).await?;
        write_tiles(&mut tx, &batch.tiles).await?;
        sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES (?, ?)")
            .bind(size)
            .bind(&batch.checkpoint)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit log checkpoint"))?;
        commit(tx).await
    }

    async fn audit_log_latest(&self) -> Result<Option<StoredCheckpoint>> {
        let mut connection = self.read_one().await?;
        let row =
            sqlx::query("SELECT size, note FROM audit_log_checkpoints ORDER BY size DESC LIMIT 1")
                .fetch_optional(&mut *connection)
                .await
                .map_err(|error| map_err(error, "audit log checkpoint"))?;
        row.map(|row| checkpoint_from_row(&row)).transpose()
    }

    async fn audit_log_checkpoint(&self, size: u64) -> Result<StoredCheckpoint> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query("SELECT size, note FROM audit_log_checkpoints WHERE size = ?")
            .bind(sql_index(size)?)
            .fetch_one(&mut *connection)
            .await
            .map_err(|error| map_err(error, "audit log checkpoint"))?;
        checkpoint_from_row(&row)
    }

    async fn add_cosignature(
        &self,
        size: u64,
        witness: &str,
        line: &str,
        account: Id,
    ) -> Result<()> {
        let size = sql_index(size)?;
        let mut tx = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM audit_log_checkpoints WHERE size = ?")
            .bind(size)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit log checkpoint"))?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let (others, mine): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE account_id = ?3) FROM audit_log_cosignatures \
             WHERE size = ?1 AND witness <> ?2",
        )
        .bind(size)
        .bind(witness)
        .bind(account.as_bytes().as_slice())
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log cosignature"))?;
        if usize::try_from(others).unwrap_or(usize::MAX) >= pli_store::MAX_WITNESSES {
            return Err(StoreError::Conflict(pli_store::ALL_WITNESS_SLOTS_TAKEN));
        }
        if usize::try_from(mine).unwrap_or(usize::MAX) >= pli_store::MAX_WITNESSES_PER_ACCOUNT {
            return Err(StoreError::Conflict(pli_store::ACCOUNT_WITNESS_SLOTS_TAKEN));
        }
        sqlx::query(
            "INSERT INTO audit_log_cosignatures (size, witness, line, account_id) \
             VALUES (?, ?, ?, ?) \
             ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line",
        )
        .bind(size)
        .bind(witness)
        .bind(line)
        .bind(account.as_bytes().as_slice())
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log cosignature"))?;
        commit(tx).await
    }

    async fn latest_cosigned(
        &self,
        witnesses: &[String],
        required: usize,
    ) -> Result<Option<(StoredCheckpoint, Vec<String>)>> {
        let mut tx = self.read().await?;
        // The witnesses as one JSON array: one statement whatever their number.
        let listed = serde_json::to_string(witnesses)
            .map_err(|_| StoreError::Corrupt("witness keys".into()))?;
        let any = witnesses.is_empty();
        let row = sqlx::query(
            "SELECT size, note FROM audit_log_checkpoints WHERE size = \
             (SELECT size FROM audit_log_cosignatures \
              WHERE ?1 OR witness IN (SELECT value FROM json_each(?2)) \
              GROUP BY size HAVING count(*) >= ?3 ORDER BY size DESC LIMIT 1)",
        )
        .bind(any)
        .bind(&listed)
        .bind(i64::try_from(required.max(1)).unwrap_or(i64::MAX))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log checkpoint"))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let checkpoint = checkpoint_from_row(&row)?;
        let lines = sqlx::query(
            "SELECT line FROM audit_log_cosignatures WHERE size = ?1 \
             AND (?2 OR witness IN (SELECT value FROM json_each(?3))) ORDER BY witness",
        )
        .bind(sql_index(checkpoint.size)?)
        .bind(any)
        .bind(&listed)
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log cosignature"))?
        .iter()
        .map(|row| get(row, "line", "audit_log_cosignatures.line"))
        .collect::<Result<Vec<String>>>()?;
        Ok(Some((checkpoint, lines)))
    }

    async fn audit_log_tiles(&self, tiles: &[TileId]) -> Result<HashMap<TileId, Vec<u8>>> {
        // One statement per chunk, not per tile: a proof needs a few, a reopening a few more.
        let mut connection = self.read_one().await?;
        let mut found = HashMap::with_capacity(tiles.len());
        for chunk in tiles.chunks(ROWS_PER_INSERT) {
            let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT level, idx, data FROM audit_log_tiles WHERE (level, idx) IN (",
            );
            let mut bad = None;
            query.push_values(chunk, |mut row, tile| match sql_index(tile.index) {
                Ok(index) => {
                    row.push_bind(i64::from(tile.level)).push_bind(index);
                }
                Err(error) => bad = Some(error),
            });
            query.push(")");
            if let Some(error) = bad {
                return Err(error);
            }
            let rows = query
                .build()
                .fetch_all(&mut *connection)
                .await
                .map_err(|error| map_err(error, "audit log tile"))?;
            for row in &rows {
                let level: i64 = get(row, "level", "audit_log_tiles.level")?;
                let index: i64 = get(row, "idx", "audit_log_tiles.idx")?;
                let tile = TileId {
                    level: u8::try_from(level)
                        .map_err(|_| StoreError::Corrupt("audit_log_tiles.level".into()))?,
                    index: u64::try_from(index)
                        .map_err(|_| StoreError::Corrupt("audit_log_tiles.idx".into()))?,
                };
                found.insert(tile, get(row, "data", "audit_log_tiles.data")?);
            }
        }
        Ok(found)
    }

    async fn audit_log_bundles(&self, start: u64, limit: u32) -> Result<Vec<StoredBundle>> {
        self.audit_log_bundles_impl(start, limit).await
    }

    async fn set_policy(&self, policy: &NewPolicy) -> Result<()> {
        policies::set_policy(self, policy).await
    }

    async fn latest_policy(&self, org_id: Id) -> Result<Option<StoredPolicy>> {
        policies::latest_policy(self, org_id).await
    }

    async fn set_policy_log_index(&self, org_id: Id, version: u64, index: u64) -> Result<()> {
        policies::set_policy_log_index(self, org_id, version, index).await
    }

    async fn totp(&self, account_id: Id) -> Result<Option<Totp>> {
        self.totp_impl(account_id).await
    }

    async fn begin_totp(&self, account_id: Id, secret: &[u8], at: Timestamp) -> Result<()> {
        self.begin_totp_impl(account_id, secret, at).await
    }

    async fn confirm_totp(
        &self,
        account_id: Id,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<()> {
        self.confirm_totp_impl(account_id, step, recovery_hashes)
            .await
    }

    async fn delete_totp(&self, account_id: Id) -> Result<()> {
        self.delete_totp_impl(account_id).await
    }

    async fn use_totp_step(&self, account_id: Id, step: i64) -> Result<()> {
        self.use_totp_step_impl(account_id, step).await
    }

    async fn use_recovery_code(&self, account_id: Id, code_hash: &[u8; 32]) -> Result<()> {
        self.use_recovery_code_impl(account_id, code_hash).await
    }

    async fn recovery_codes_left(&self, account_id: Id) -> Result<u32> {
        self.recovery_codes_left_impl(account_id).await
    }

    async fn set_org_requires_totp(&self, org_id: Id, required: bool) -> Result<()> {
        self.set_org_requires_totp_impl(org_id, required).await
    }

    async fn org_requires_totp(&self, org_id: Id) -> Result<bool> {
        self.org_requires_totp_impl(org_id).await
    }

    async fn record_login_failure(
        &self,
        email: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> Result<u32> {
        self.record_login_failure_impl(email, at, since).await
    }

    async fn clear_login_failures(&self, email: &str) -> Result<()> {
        self.clear_login_failures_impl(email).await
    }

    async fn lock_login(&self, email: &str, until: Timestamp) -> Result<()> {
        self.lock_login_impl(email, until).await
    }

    async fn login_locked_until(&self, email: &str, at: Timestamp) -> Result<Option<Timestamp>> {
        self.login_locked_until_impl(email, at).await
    }

    async fn unlock_login(&self, email: &str) -> Result<()> {
        self.unlock_login_impl(email).await
    }

    async fn set_access(
        &self,
        mailbox_id: Id,
        account_id: Id,
        access: &Access,
        at: Timestamp,
    ) -> Result<()> {
        self.set_access_impl(mailbox_id, account_id, access, at)
            .await
    }

    async fn account_access(&self, account_id: Id) -> Result<Vec<MailboxAccess>> {
        self.account_access_impl(account_id).await
    }

    async fn org_access(&self, org_id: Id) -> Result<Vec<AccessEntry>> {
        self.org_access_impl(org_id).await
    }

    async fn expire_access(&self, at: Timestamp) -> Result<u32> {
        self.expire_access_impl(at).await
    }

    async fn add_alert(&self, alert: &NewAlert) -> Result<()> {
        self.add_alert_impl(alert).await
    }

    async fn alerts(&self, org_id: Id, after_seq: i64, limit: u32) -> Result<Vec<Alert>> {
        self.alerts_impl(org_id, after_seq, limit).await
    }
    async fn set_account_key_log_index(&self, account_id: Id, index: u64) -> Result<()> {
        self.set_account_log_index(AccountLog::Key, account_id, index)
            .await
    }

    async fn account_key_log_index(&self, account_id: Id) -> Result<Option<u64>> {
        self.account_log_index(AccountLog::Key, account_id).await
    }

    async fn set_account_role_log_index(&self, account_id: Id, index: u64) -> Result<()> {
        self.set_account_log_index(AccountLog::Role, account_id, index)
            .await
    }

    async fn account_role_log_index(&self, account_id: Id) -> Result<Option<u64>> {
        self.account_log_index(AccountLog::Role, account_id).await
    }

    async fn unlogged_keys(&self) -> Result<UnloggedKeys> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT a.id FROM accounts a \
             LEFT JOIN account_key_log l ON l.account_id = a.id \
             WHERE l.account_id IS NULL ORDER BY a.email",
        )
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "unlogged account keys"))?;
        let accounts = rows
            .iter()
            .map(|row| id_from_row(row, "id", "accounts.id"))
            .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT m.name, k.generation, k.recipient FROM mailboxes m \
             JOIN mailbox_keys k ON k.mailbox_id = m.id \
             LEFT JOIN mailbox_key_log l \
               ON l.mailbox_id = k.mailbox_id AND l.generation = k.generation \
             WHERE l.mailbox_id IS NULL \
               AND k.generation = (SELECT max(generation) FROM mailbox_keys \
                                   WHERE mailbox_id = m.id) \
             ORDER BY m.name",
        )
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "unlogged mailbox keys"))?;
        let mailboxes = rows
            .iter()
            .map(|row| {
                let generation = rows::generation(row, "mailbox_keys.generation")?;
                Ok((
                    get(row, "name", "mailboxes.name")?,
                    generation,
                    get(row, "recipient", "mailbox_keys.recipient")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(UnloggedKeys {
            accounts,
            mailboxes,
        })
    }

    async fn set_mailbox_key_log_index(
        &self,
        mailbox_id: Id,
        generation: u32,
        index: u64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO mailbox_key_log (mailbox_id, generation, log_index) VALUES (?, ?, ?) \
             ON CONFLICT (mailbox_id, generation) DO UPDATE SET log_index = excluded.log_index",
        )
        .bind(blob(mailbox_id))
        .bind(i64::from(generation))
        .bind(sql_index(index)?)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox key log index"))?;
        commit(tx).await
    }

    async fn mailbox_key_log_index(&self, mailbox_id: Id, generation: u32) -> Result<Option<u64>> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(
            "SELECT log_index FROM mailbox_key_log WHERE mailbox_id = ? AND generation = ?",
        )
        .bind(blob(mailbox_id))
        .bind(i64::from(generation))
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, "mailbox key log index"))?;
        row.map(|row| log_index(&row, "mailbox_key_log.log_index"))
            .transpose()
    }

    async fn add_receipt(&self, receipt: &StoredReceipt) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO receipts (envelope_id, account_id, email, manifest_hash, opened_at, \
             signature, log_index) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(blob(receipt.envelope_id))
        .bind(blob(receipt.account_id))
        .bind(&receipt.email)
        .bind(receipt.manifest_hash.as_slice())
        .bind(receipt.opened_at)
        .bind(receipt.signature.as_slice())
        .bind(sql_index(receipt.log_index)?)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "receipt"))?;
        commit(tx).await
    }

    async fn receipts(&self, envelope_id: Id) -> Result<Vec<StoredReceipt>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT envelope_id, account_id, email, manifest_hash, opened_at, signature, \
             log_index FROM receipts WHERE envelope_id = ? ORDER BY email",
        )
        .bind(blob(envelope_id))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "receipt"))?;
        rows.iter()
            .map(|row| {
                let hash: Vec<u8> = get(row, "manifest_hash", "receipts.manifest_hash")?;
                Ok(StoredReceipt {
                    envelope_id: id_from_row(row, "envelope_id", "receipts.envelope_id")?,
                    account_id: id_from_row(row, "account_id", "receipts.account_id")?,
                    email: get(row, "email", "receipts.email")?,
                    manifest_hash: <[u8; 32]>::try_from(hash.as_slice())
                        .map_err(|_| StoreError::Corrupt("receipts.manifest_hash".into()))?,
                    opened_at: get(row, "opened_at", "receipts.opened_at")?,
                    signature: get(row, "signature", "receipts.signature")?,
                    log_index: log_index(row, "receipts.log_index")?,
                })
            })
            .collect()
    }

    async fn audit_report(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let mut connection = self.read_one().await?;
        // Absent filters bind NULL and match every row, so one statement serves every mix.
        let rows = sqlx::query(
            "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
             FROM audit_events \
             WHERE seq > ?1 AND at >= ?2 AND (?3 IS NULL OR at < ?3) \
             AND (?4 IS NULL OR org_id = ?4) \
             AND (?5 IS NULL OR actor_email = ?5 OR target = ?5) \
             AND (?6 IS NULL OR target = ?6 OR substr(target, 1, 33) = ?6 || ' ') \
             ORDER BY seq LIMIT ?7",
        )
        .bind(query.after_seq)
        .bind(query.since)
        .bind(query.until)
        .bind(query.org_id.map(blob))
        .bind(query.account.as_deref())
        .bind(query.envelope.map(|id| id.to_string()))
        .bind(i64::from(query.limit))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "audit event"))?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn prune_audit(&self, entries: &[PrunedEntry], before: Timestamp) -> Result<u64> {
        self.prune_audit_impl(entries, before).await
    }

    async fn monitor_baseline(&self, subject: Id) -> Result<Option<Vec<u8>>> {
        self.monitor_baseline_impl(subject).await
    }

    async fn save_monitor_baselines(
        &self,
        baselines: &[(Id, Vec<u8>)],
        at: Timestamp,
    ) -> Result<()> {
        self.save_monitor_baselines_impl(baselines, at).await
    }

    async fn set_download_hold(&self, hold: &DownloadHold) -> Result<()> {
        self.set_download_hold_impl(hold).await
    }

    async fn download_hold(&self, account_id: Id) -> Result<Option<DownloadHold>> {
        self.download_hold_impl(account_id).await
    }

    async fn lift_download_hold(&self, account_id: Id, up_to: HoldKind) -> Result<()> {
        self.lift_download_hold_impl(account_id, up_to).await
    }

    async fn add_canary(&self, canary: &NewCanary) -> Result<()> {
        self.add_canary_impl(canary).await
    }

    async fn canaries(&self, org_id: Option<Id>) -> Result<Vec<Canary>> {
        self.canaries_impl(org_id).await
    }

    async fn append_monitor_journal(&self, entries: &[JournalEntry]) -> Result<()> {
        self.append_monitor_journal_impl(entries).await
    }

    async fn monitor_journal(&self, after: i64, limit: u32) -> Result<Vec<(i64, JournalEntry)>> {
        self.monitor_journal_impl(after, limit).await
    }

    async fn prune_monitor_journal(&self, before: Timestamp) -> Result<u64> {
        self.prune_monitor_journal_impl(before).await
    }

    async fn count_hit(&self, key: &[u8; 32], window: Timestamp) -> Result<u64> {
        self.count_hit_impl(key, window).await
    }

    async fn prune_hits(&self, before: Timestamp) -> Result<u64> {
        self.prune_hits_impl(before).await
    }

    async fn org_admin_emails(&self, org_id: Id) -> Result<Vec<String>> {
        self.org_admin_emails_impl(org_id).await
    }

    async fn add_passkey(&self, passkey: &StoredPasskey) -> Result<()> {
        self.add_passkey_impl(passkey).await
    }

    async fn passkeys(&self, account_id: Id) -> Result<Vec<StoredPasskey>> {
        self.passkeys_impl(account_id).await
    }

    async fn passkey_used(&self, id: Id, data: &str, at: Timestamp) -> Result<()> {
        self.passkey_used_impl(id, data, at).await
    }

    async fn delete_passkey(&self, account_id: Id, id: Id) -> Result<()> {
        self.delete_passkey_impl(account_id, id).await
    }

    async fn put_ceremony(&self, ceremony: &Ceremony, now: Timestamp) -> Result<()> {
        self.put_ceremony_impl(ceremony, now).await
    }

    async fn take_ceremony(
        &self,
        id: Id,
        account_id: Id,
        kind: CeremonyKind,
        now: Timestamp,
    ) -> Result<Ceremony> {
        self.take_ceremony_impl(id, account_id, kind, now).await
    }

    async fn create_link(&self, link: &NewLink) -> Result<()> {
        self.create_link_impl(link).await
    }

    async fn link(&self, id: Id) -> Result<Link> {
        self.link_impl(id).await
    }

    async fn envelope_links(&self, envelope_id: Id) -> Result<Vec<Link>> {
        self.envelope_links_impl(envelope_id).await
    }

    async fn record_link_code_failure(&self, id: Id, lock_after: u32) -> Result<Link> {
        self.record_link_code_failure_impl(id, lock_after).await
    }

    async fn end_link(&self, id: Id, state: LinkState) -> Result<()> {
        self.end_link_impl(id, state).await
    }

    async fn expire_links(&self, now: Timestamp) -> Result<Vec<Id>> {
        self.expire_links_impl(now).await
    }

    async fn add_link_token(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        self.add_link_token_impl(id, token_hash, expires_at, now)
            .await
    }

    async fn link_token_valid(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        now: Timestamp,
    ) -> Result<bool> {
        self.link_token_valid_impl(id, token_hash, now).await
    }

    async fn count_link_download(&self, id: Id, at: Timestamp, address: &str) -> Result<Link> {
        self.count_link_download_impl(id, at, address).await
    }

    async fn set_link_receipt(&self, id: Id, receipt: &LinkReceipt) -> Result<()> {
        self.set_link_receipt_impl(id, receipt).await
    }

    async fn create_upload_request(&self, request: &NewUploadRequest) -> Result<()> {
        self.create_upload_request_impl(request).await
    }

    async fn upload_request(&self, id: Id) -> Result<UploadRequest> {
        self.upload_request_impl(id).await
    }

    async fn account_upload_requests(&self, creator_id: Id) -> Result<Vec<UploadRequest>> {
        self.account_upload_requests_impl(creator_id).await
    }

    async fn end_upload_request(&self, id: Id, state: RequestState) -> Result<()> {
        self.end_upload_request_impl(id, state).await
    }

    async fn expire_upload_requests(&self, now: Timestamp) -> Result<Vec<Id>> {
        self.expire_upload_requests_impl(now).await
    }

    async fn begin_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
        address: &str,
    ) -> Result<()> {
        self.begin_request_upload_impl(request_id, envelope_id, size, at, address)
            .await
    }

    async fn complete_request_upload(
        &self,
        request_id: Id,
        envelope_id: Id,
        size: u64,
        at: Timestamp,
    ) -> Result<UploadRequest> {
        self.complete_request_upload_impl(request_id, envelope_id, size, at)
            .await
    }
}

/// The tables holding, per account, the index of the audit log entry that publishes its keys
/// or states its role.
#[derive(Clone, Copy)]
enum AccountLog {
    Key,
    Role,
}

impl AccountLog {
    fn table(self) -> &'static str {
        match self {
            AccountLog::Key => "account_key_log",
            AccountLog::Role => "account_role_log",
        }
    }

    fn what(self) -> &'static str {
        match self {
            AccountLog::Key => "account key log index",
            AccountLog::Role => "account role log index",
        }
    }
}

impl SqliteStore {
    async fn set_account_log_index(
        &self,
        log: AccountLog,
        account_id: Id,
        index: u64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(&format!(
            "INSERT INTO {} (account_id, log_index) VALUES (?, ?) \
             ON CONFLICT (account_id) DO UPDATE SET log_index = excluded.log_index",
            log.table()
        ))
        .bind(blob(account_id))
        .bind(sql_index(index)?)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, log.what()))?;
        commit(tx).await
    }

    async fn account_log_index(&self, log: AccountLog, account_id: Id) -> Result<Option<u64>> {
        let table = log.table();
        let mut connection = self.read_one().await?;
        let row = sqlx::query(&format!(
            "SELECT log_index FROM {table} WHERE account_id = ?"
        ))
        .bind(blob(account_id))
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, log.what()))?;
        row.map(|row| log_index(&row, &format!("{table}.log_index")))
            .transpose()
    }
}

fn log_index(row: &sqlx::sqlite::SqliteRow, column: &str) -> Result<u64> {
    let index: i64 = get(row, "log_index", column)?;
    u64::try_from(index).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

async fn insert_audit_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    events: &[AuditEvent],
) -> Result<()> {
    // Many rows per statement: per-statement overhead, not SQLite, bounds one row per INSERT.
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO audit_events \
             (at, actor, actor_email, org_id, from_addr, action, target, outcome) ",
        );
        query.push_values(chunk, |mut row, event| {
            row.push_bind(event.at)
                .push_bind(event.actor.map(blob))
                .push_bind(event.actor_email.clone())
                .push_bind(event.org_id.map(blob))
                .push_bind(event.from.clone())
                .push_bind(event.action.clone())
                .push_bind(event.target.clone())
                .push_bind(event.outcome.as_str());
        });
        query
            .build()
            .execute(&mut **tx)
            .await
            .map_err(|error| map_err(error, "audit event"))?;
    }
    Ok(())
}

/// Rows of one multi-row INSERT: 8 parameters each stays far below SQLite's 32,766.
const ROWS_PER_INSERT: usize = 256;

/// Writes a batch's hash tiles: a new tile is inserted (`Conflict` if another writer made it),
/// a growing one extended only if it still holds what the batch was prepared against.
async fn write_tiles(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    tiles: &[TileAppend],
) -> Result<()> {
    for append in tiles {
        // Leaf hashes are derived from the entries (`Store::audit_log_hashes`), not stored.
        if append.tile.level == 0 {
            continue;
        }
        let level = i64::from(append.tile.level);
        let index = sql_index(append.tile.index)?;
        if append.start == 0 {
            sqlx::query("INSERT INTO audit_log_tiles (level, idx, data) VALUES (?, ?, ?)")
                .bind(level)
                .bind(index)
                .bind(append.hashes.as_slice())
                .execute(&mut **tx)
                .await
                .map_err(|error| map_err(error, "audit log tile"))?;
            continue;
        }
        let held: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM audit_log_tiles WHERE level = ? AND idx = ?")
                .bind(level)
                .bind(index)
                .fetch_optional(&mut **tx)
                .await
                .map_err(|error| map_err(error, "audit log tile"))?;
        let mut data = held.unwrap_or_default();
        if data.len() != append.start as usize * 32 {
            return Err(StoreError::Conflict("audit log tile"));
        }
        data.extend_from_slice(&append.hashes);
        sqlx::query("UPDATE audit_log_tiles SET data = ? WHERE level = ? AND idx = ?")
            .bind(data)
            .bind(level)
            .bind(index)
            .execute(&mut **tx)
            .await
            .map_err(|error| map_err(error, "audit log tile"))?;
    }
    Ok(())
}

/// Log positions are u64 in the API and i64 in SQLite; the log never exceeds 2^48 entries.
fn sql_index(index: u64) -> Result<i64> {
    i64::try_from(index).map_err(|_| StoreError::NotFound)
}

fn checkpoint_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredCheckpoint> {
    let size: i64 = get(row, "size", "audit_log_checkpoints.size")?;
    Ok(StoredCheckpoint {
        size: u64::try_from(size)
            .map_err(|_| StoreError::Corrupt("audit_log_checkpoints.size".into()))?,
        note: get(row, "note", "audit_log_checkpoints.note")?,
    })
}

/// One outbox page: a range scan of `envelopes_outbox` (`(sender_id, state, created_at, id)`).
const OUTBOX_SQL: &str = "SELECT id FROM envelopes \
     WHERE sender_id = ? AND state = 1 AND (created_at, id) < (?, ?) \
     ORDER BY created_at DESC, id DESC LIMIT ?";

/// Where inbox envelopes come from: the account itself or one of its mailboxes.
enum Source {
    Account(Id),
    Mailbox(Id),
}

/// Ids of one inbox page, newest first.
///
/// One sub-select per source, each an index range scan of at most `limit` rows on
/// `recipients_account` or `recipients_mailbox` (`(x_id, stored, created_at, envelope_id)`),
/// merged and cut to `limit`: the cost of a page grows with the number of sources times the
/// page size, never with the size of the inbox. An `OR` over all sources in one `WHERE` would
/// make SQLite collect and sort every matching row instead.
/// A page of the inbox, selected and loaded in one statement.
async fn inbox_page(
    tx: &mut SqliteConnection,
    sources: &[Source],
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Envelope>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let sql = format!(
        "WITH page(envelope_id, created_at) AS ({}) {ENVELOPE_SELECT} \
         FROM page JOIN envelopes e ON e.id = page.envelope_id \
         ORDER BY page.created_at DESC, page.envelope_id DESC",
        inbox_sql(sources)
    );
    let (before_at, before_id) = cursor_bounds(after);
    let mut query = sqlx::query(&sql);
    for source in sources {
        let (Source::Account(id) | Source::Mailbox(id)) = source;
        query = query
            .bind(blob(*id))
            .bind(before_at)
            .bind(before_id.clone())
            .bind(i64::from(limit));
    }
    let rows = query
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    envelopes_from_rows(tx, &rows).await
}

/// The query of [`inbox_page`]; binds, per source: its id, the cursor's `created_at` and id,
/// and the limit; then the limit again.
fn inbox_sql(sources: &[Source]) -> String {
    let mut sql = String::from("SELECT DISTINCT envelope_id, created_at FROM (");
    for (index, source) in sources.iter().enumerate() {
        if index > 0 {
            sql.push_str(" UNION ALL ");
        }
        let column = match source {
            Source::Account(_) => "account_id",
            Source::Mailbox(_) => "mailbox_id",
        };
        sql.push_str(&format!(
            "SELECT * FROM (SELECT envelope_id, created_at FROM envelope_recipients \
             WHERE {column} = ? AND stored = 1 AND (created_at, envelope_id) < (?, ?) \
             ORDER BY created_at DESC, envelope_id DESC LIMIT ?)"
        ));
    }
    sql.push_str(") ORDER BY created_at DESC, envelope_id DESC LIMIT ?");
    sql
}

/// The exclusive upper bound of a newest-first page.
fn cursor_bounds(after: Option<Cursor>) -> (i64, Vec<u8>) {
    match after {
        Some(cursor) => (cursor.created_at, blob(cursor.id)),
        // 17 bytes of 0xff sort after every 16-byte id, so nothing at i64::MAX is skipped.
        None => (i64::MAX, vec![0xff; 17]),
    }
}

/// Loads full envelopes (sender and named addressees) in the order of `ids`, skipping ids
/// that do not exist.
async fn load_envelopes(tx: &mut SqliteConnection, ids: &[Id]) -> Result<Vec<Envelope>> {
    let sql = format!("{ENVELOPE_SELECT} FROM envelopes e WHERE e.id IN");
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        rows.extend(fetch_in(tx, &sql, chunk).await?);
    }
    let mut envelopes: std::collections::HashMap<Id, Envelope> = envelopes_from_rows(tx, &rows)
        .await?
        .into_iter()
        .map(|envelope| (envelope.id, envelope))
        .collect();
    Ok(ids.iter().filter_map(|id| envelopes.remove(id)).collect())
}

/// Envelopes from rows of [`ENVELOPE_SELECT`], in the rows' order, with their senders, which
/// one more statement loads once each: a page usually comes from a few senders, and an
/// account row is most of an envelope's bytes.
async fn envelopes_from_rows(
    tx: &mut SqliteConnection,
    rows: &[sqlx::sqlite::SqliteRow],
) -> Result<Vec<Envelope>> {
    let mut parsed = Vec::with_capacity(rows.len());
    let mut sender_ids = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let ((id, _, size, created_at, state), sender_id) = rows::envelope_from_row(row)?;
        let addressees: String = rows::get(row, "addressees", "envelope_recipients")?;
        let outside = outside_from_row(row)?;
        let mut to = rows::addressees_from_json(&addressees)?;
        to.sort_by_key(|(position, _)| *position);
        if seen.insert(sender_id) {
            sender_ids.push(sender_id);
        }
        parsed.push((id, to, size, created_at, state, sender_id, outside));
    }
    let mut senders = std::collections::HashMap::with_capacity(sender_ids.len());
    let sql = format!("{ACCOUNT_COLUMNS} WHERE a.id IN");
    for chunk in sender_ids.chunks(IN_CHUNK) {
        for row in fetch_in(tx, &sql, chunk).await? {
            let account = account_from_row(&row)?;
            senders.insert(account.id, account);
        }
    }
    parsed
        .into_iter()
        .map(|(id, to, size, created_at, state, sender_id, outside)| {
            let sender = senders
                .get(&sender_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt("envelopes.sender_id".into()))?;
            Ok(Envelope {
                id,
                sender,
                to: to.into_iter().map(|(_, addressee)| addressee).collect(),
                size,
                created_at,
                state,
                outside,
            })
        })
        .collect()
}

/// The outside-upload columns of [`ENVELOPE_SELECT`].
fn outside_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Option<OutsideOrigin>> {
    let request: Option<Vec<u8>> = rows::get(row, "outside_request", "request_uploads")?;
    let email: Option<String> = rows::get(row, "outside_email", "upload_requests.email")?;
    match (request, email) {
        (None, _) => Ok(None),
        (Some(request), Some(email)) => {
            let bytes = <[u8; 16]>::try_from(request.as_slice())
                .map_err(|_| StoreError::Corrupt("request_uploads.request_id".into()))?;
            Ok(Some(OutsideOrigin {
                request_id: Id::from_bytes(bytes),
                email,
            }))
        }
        (Some(_), None) => Err(StoreError::Corrupt("request_uploads.request_id".into())),
    }
}

/// The columns of an envelope `e`, with its addressees as one JSON array (so a page is one
/// row per envelope: with sqlx, rows cost more than SQL) of
/// `[position, account id or "", mailbox id or "", email or mailbox name]`.
const ENVELOPE_SELECT: &str = "SELECT e.id, e.sender_id, e.size, e.created_at, e.state, \
     (SELECT json_group_array(json_array(r.position, lower(hex(r.account_id)), \
     lower(hex(r.mailbox_id)), coalesce(a.email, m.name))) \
     FROM envelope_recipients r \
     LEFT JOIN accounts a ON a.id = r.account_id \
     LEFT JOIN mailboxes m ON m.id = r.mailbox_id \
     WHERE r.envelope_id = e.id) AS addressees, \
     (SELECT u.request_id FROM request_uploads u WHERE u.envelope_id = e.id) AS outside_request, \
     (SELECT q.email FROM request_uploads u JOIN upload_requests q ON q.id = u.request_id \
     WHERE u.envelope_id = e.id) AS outside_email";

/// Runs `sql` (which ends with `IN`) over the ids, bound as a parenthesised list.
async fn fetch_in(
    tx: &mut SqliteConnection,
    sql: &str,
    ids: &[Id],
) -> Result<Vec<sqlx::sqlite::SqliteRow>> {
    let sql = format!("{sql} ({})", vec!["?"; ids.len()].join(", "));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(blob(*id));
    }
    query
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "row"))
}

async fn org_by_name(tx: &mut SqliteConnection, name: &str) -> Result<Org> {
    let row = sqlx::query("SELECT id, name FROM orgs WHERE name = ?")
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation"))?;
    org_from_row(&row)
}

async fn account_by_id(tx: &mut SqliteConnection, id: Id) -> Result<Account> {
    let row = sqlx::query(&format!("{ACCOUNT_COLUMNS} WHERE a.id = ?"))
        .bind(blob(id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "account"))?;
    account_from_row(&row)
}

/// Ids of the mailbox's current members, sorted (by their bytes).
async fn member_ids(tx: &mut SqliteConnection, mailbox_id: Id) -> Result<Vec<Id>> {
    let rows = sqlx::query(
        "SELECT account_id FROM memberships WHERE mailbox_id = ? AND can_read = 1 \
             ORDER BY account_id",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    rows.iter()
        .map(|row| id_from_row(row, "account_id", "memberships.account_id"))
        .collect()
}

/// The sequence number of the mailbox's latest member removal, 0 if none.
async fn removals_seen(tx: &mut SqliteConnection, mailbox_id: Id) -> Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM mailbox_removals WHERE mailbox_id = ?")
        .bind(blob(mailbox_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox removal"))
}

/// Inserts copies, keeping any a member already holds: a copy is never replaced, so nobody
/// can swap a member's working copy for a broken one.
async fn insert_wraps(
    tx: &mut SqliteConnection,
    mailbox_id: Id,
    wraps: &[MailboxKeyWrap],
) -> Result<()> {
    for wrap in wraps {
        sqlx::query(
            "INSERT INTO mailbox_key_wraps (mailbox_id, generation, account_id, wrapped) \
             VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(blob(mailbox_id))
        .bind(i64::from(wrap.generation))
        .bind(blob(wrap.account_id))
        .bind(wrap.wrapped.as_slice())
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox key wrap"))?;
    }
    Ok(())
}

/// Every generation with its current holders, staleness and the members missing the latest.
async fn mailbox_keys(tx: &mut SqliteConnection, mailbox_id: Id) -> Result<MailboxKeys> {
    let rows = sqlx::query(
        "SELECT generation, recipient, creator_id, created_at, signature, removals_seen \
         FROM mailbox_keys WHERE mailbox_id = ? ORDER BY generation",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key generation"))?;
    // Holders are current members only: a copy kept for someone who left does not count.
    let holder_rows = sqlx::query(
        "SELECT w.generation, w.account_id FROM mailbox_key_wraps w \
         JOIN memberships ms ON ms.mailbox_id = w.mailbox_id AND ms.account_id = w.account_id \
         AND ms.can_read = 1 WHERE w.mailbox_id = ? ORDER BY w.generation, w.account_id",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key wrap"))?;
    let mut holders: Vec<(u32, Id)> = Vec::with_capacity(holder_rows.len());
    for row in &holder_rows {
        holders.push((
            rows::generation(row, "mailbox_key_wraps.generation")?,
            id_from_row(row, "account_id", "mailbox_key_wraps.account_id")?,
        ));
    }
    let mut generations = Vec::with_capacity(rows.len());
    let mut latest_removals_seen: i64 = 0;
    let mut creators: std::collections::HashMap<Id, Account> = std::collections::HashMap::new();
    for row in &rows {
        let generation = rows::generation(row, "mailbox_keys.generation")?;
        let creator_id = id_from_row(row, "creator_id", "mailbox_keys.creator_id")?;
        let creator = match creators.get(&creator_id) {
            Some(account) => account.clone(),
            None => {
                let account = account_by_id(tx, creator_id)
                    .await
                    .map_err(|error| match error {
                        StoreError::NotFound => {
                            StoreError::Corrupt("mailbox_keys.creator_id".into())
                        }
                        other => other,
                    })?;
                creators.insert(creator_id, account.clone());
                account
            }
        };
        latest_removals_seen = rows::get(row, "removals_seen", "mailbox_keys.removals_seen")?;
        generations.push(MailboxKey {
            generation,
            recipient: rows::get(row, "recipient", "mailbox_keys.recipient")?,
            creator,
            created_at: rows::get(row, "created_at", "mailbox_keys.created_at")?,
            signature: rows::get(row, "signature", "mailbox_keys.signature")?,
            holders: holders
                .iter()
                .filter(|(held, _)| *held == generation)
                .map(|(_, account_id)| *account_id)
                .collect(),
        });
    }
    let (stale, missing) = match generations.last() {
        Some(latest) => {
            let stale = removals_seen(tx, mailbox_id).await? > latest_removals_seen;
            let missing = member_ids(tx, mailbox_id)
                .await?
                .into_iter()
                .filter(|member| !latest.holders.contains(member))
                .collect();
            (stale, missing)
        }
        None => (false, member_ids(tx, mailbox_id).await?),
    };
    Ok(MailboxKeys {
        generations,
        stale,
        missing,
    })
}

async fn ensure_exists(tx: &mut SqliteConnection, sql: &'static str, id: Id) -> Result<()> {
    sqlx::query(sql)
        .bind(blob(id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "row"))?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

async fn commit(tx: sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<()> {
    tx.commit()
        .await
        .map_err(|error| backend("committing", &error))
}

/// The one place driver errors become [`StoreError`]s. `what` names the value a unique
/// constraint protects, for `Conflict`. Messages carry SQLite's text (table and column names),
/// never a bound value.
fn map_err(error: sqlx::Error, what: &'static str) -> StoreError {
    use sqlx::error::ErrorKind;
    match &error {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(database) => match database.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(what),
            // A reference to a row that does not exist: the caller named something unknown.
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => backend(what, &error),
        },
        sqlx::Error::ColumnDecode { index, .. } => StoreError::Corrupt(format!("column {index}")),
        sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
            StoreError::Corrupt(format!("{what} row"))
        }
        _ => backend(what, &error),
    }
}

fn backend(context: &str, error: &sqlx::Error) -> StoreError {
    StoreError::Backend(format!("{context}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `EXPLAIN QUERY PLAN` of `sql`, one line per step, on a fresh database.
    async fn plan(sql: &str, n_params: usize) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("pli.db")).await.unwrap();
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut query = sqlx::query(&explain);
        for _ in 0..n_params {
            query = query.bind(1i64);
        }
        let rows = query.fetch_all(&store.reader).await.unwrap();
        rows.iter()
            .map(|row| sqlx::Row::get::<String, _>(row, "detail"))
            .collect()
    }

    #[tokio::test]
    async fn an_inbox_page_is_one_index_range_scan_per_source() {
        let sources = [
            Source::Account(Id::random()),
            Source::Mailbox(Id::random()),
            Source::Mailbox(Id::random()),
        ];
        let steps = plan(&inbox_sql(&sources), 4 * sources.len() + 1).await;
        let searches: Vec<&String> = steps
            .iter()
            .filter(|step| step.contains("envelope_recipients"))
            .collect();
        assert_eq!(searches.len(), 3, "{steps:#?}");
        assert!(searches[0].contains("INDEX recipients_account (account_id=? AND stored=? AND (created_at,envelope_id)<(?,?))"), "{steps:#?}");
        for search in &searches[1..] {
            assert!(search.contains("INDEX recipients_mailbox (mailbox_id=? AND stored=? AND (created_at,envelope_id)<(?,?))"), "{steps:#?}");
        }
        for search in &searches {
            assert!(search.starts_with("SEARCH"), "{steps:#?}");
        }
        // Each source is read in index order; only the merge of at most (sources x limit) rows
        // is sorted, by the outermost query (the last steps of the plan).
        let first_sort = steps.iter().position(|step| step.contains("TEMP B-TREE"));
        let last_search = steps
            .iter()
            .rposition(|step| step.contains("envelope_recipients"));
        assert!(first_sort > last_search, "{steps:#?}");
    }

    #[tokio::test]
    async fn an_outbox_page_is_one_index_range_scan() {
        let steps = plan(OUTBOX_SQL, 4).await;
        assert_eq!(steps.len(), 1, "{steps:#?}");
        assert!(steps[0].starts_with("SEARCH envelopes USING"), "{steps:#?}");
        assert!(
            steps[0].contains(
                "INDEX envelopes_outbox (sender_id=? AND state=? AND (created_at,id)<(?,?))"
            ),
            "{steps:#?}"
        );
    }

    async fn writer_pragma(options: &SqliteOptions, name: &str) -> i64 {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_with(&dir.path().join("pli.db"), options)
            .await
            .unwrap();
        let row = sqlx::query(&format!("PRAGMA {name}"))
            .fetch_one(&store.writer)
            .await
            .unwrap();
        sqlx::Row::get::<i64, _>(&row, 0)
    }

    #[tokio::test]
    async fn commits_are_synced_unless_asked_otherwise() {
        // synchronous: 0 = OFF, 2 = FULL.
        let durable = SqliteOptions::default();
        assert_eq!(writer_pragma(&durable, "synchronous").await, 2);
        assert_eq!(writer_pragma(&durable, "foreign_keys").await, 1);
        assert!(writer_pragma(&durable, "busy_timeout").await >= 1000);
        let fast = SqliteOptions {
            durable: false,
            ..SqliteOptions::default()
        };
        assert_eq!(writer_pragma(&fast, "synchronous").await, 0);
        assert_eq!(writer_pragma(&fast, "foreign_keys").await, 1);
    }

    #[test]
    fn the_empty_cursor_sorts_after_every_id() {
        let (at, id) = cursor_bounds(None);
        assert_eq!(at, i64::MAX);
        assert!(id.as_slice() > [0xffu8; 16].as_slice());
    }

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
}
