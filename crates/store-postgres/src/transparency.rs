//! Key transparency, signed receipts, audit reports and retention (`docs/AUDIT.md`), as on
//! SQLite.

use crate::accounts::connection;
use crate::rows::{array32, audit_from_row, blob, get, id_from_row, sql_index};
use crate::{commit, map_err, write};
use pli_store::{AuditQuery, AuditRecord, Id, Result, StoreError, StoredReceipt};
use sqlx::postgres::{PgPool, PgRow};

/// The tables holding, per account, the index of the audit log entry that publishes its keys
/// or states its role.
#[derive(Clone, Copy)]
pub(crate) enum AccountLog {
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

pub(crate) async fn set_account_log_index(
    pool: &PgPool,
    log: AccountLog,
    account_id: Id,
    index: u64,
) -> Result<()> {
    let table = log.table();
    let mut tx = write(pool).await?;
    sqlx::query(&format!(
        "INSERT INTO {table} (account_id, log_index) VALUES ($1, $2) \
         ON CONFLICT (account_id) DO UPDATE SET log_index = excluded.log_index"
    ))
    .bind(blob(account_id))
    .bind(sql_index(index)?)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, log.what()))?;
    commit(tx).await
}

pub(crate) async fn account_log_index(
    pool: &PgPool,
    log: AccountLog,
    account_id: Id,
) -> Result<Option<u64>> {
    let table = log.table();
    let mut connection = connection(pool).await?;
    let row = sqlx::query(&format!(
        "SELECT log_index FROM {table} WHERE account_id = $1"
    ))
    .bind(blob(account_id))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, log.what()))?;
    row.map(|row| log_index(&row, &format!("{table}.log_index")))
        .transpose()
}

pub(crate) async fn set_mailbox_key_log_index(
    pool: &PgPool,
    mailbox_id: Id,
    generation: u32,
    index: u64,
) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO mailbox_key_log (mailbox_id, generation, log_index) VALUES ($1, $2, $3) \
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

pub(crate) async fn mailbox_key_log_index(
    pool: &PgPool,
    mailbox_id: Id,
    generation: u32,
) -> Result<Option<u64>> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(
        "SELECT log_index FROM mailbox_key_log WHERE mailbox_id = $1 AND generation = $2",
    )
    .bind(blob(mailbox_id))
    .bind(i64::from(generation))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, "mailbox key log index"))?;
    row.map(|row| log_index(&row, "mailbox_key_log.log_index"))
        .transpose()
}

pub(crate) async fn add_receipt(pool: &PgPool, receipt: &StoredReceipt) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO receipts (envelope_id, account_id, email, manifest_hash, opened_at, \
         signature, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7)",
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

pub(crate) async fn receipts(pool: &PgPool, envelope_id: Id) -> Result<Vec<StoredReceipt>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT envelope_id, account_id, email, manifest_hash, opened_at, signature, \
         log_index FROM receipts WHERE envelope_id = $1 ORDER BY email",
    )
    .bind(blob(envelope_id))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "receipt"))?;
    rows.iter()
        .map(|row| {
            Ok(StoredReceipt {
                envelope_id: id_from_row(row, "envelope_id", "receipts.envelope_id")?,
                account_id: id_from_row(row, "account_id", "receipts.account_id")?,
                email: get(row, "email", "receipts.email")?,
                manifest_hash: array32(row, "manifest_hash", "receipts.manifest_hash")?,
                opened_at: get(row, "opened_at", "receipts.opened_at")?,
                signature: get(row, "signature", "receipts.signature")?,
                log_index: log_index(row, "receipts.log_index")?,
            })
        })
        .collect()
}

pub(crate) async fn audit_report(pool: &PgPool, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
    let mut connection = connection(pool).await?;
    // Absent filters bind NULL and match every row, so one statement serves every mix.
    let rows = sqlx::query(
        "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
         FROM audit_events \
         WHERE seq > $1 AND at >= $2 AND ($3::BIGINT IS NULL OR at < $3) \
         AND ($4::BYTEA IS NULL OR org_id = $4) \
         AND ($5::TEXT IS NULL OR actor_email = $5 OR target = $5) \
         AND ($6::TEXT IS NULL OR target = $6 OR left(target, 33) = $6 || ' ') \
         ORDER BY seq LIMIT $7",
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

fn log_index(row: &PgRow, column: &str) -> Result<u64> {
    let index: i64 = get(row, "log_index", column)?;
    u64::try_from(index).map_err(|_| StoreError::Corrupt(column.to_owned()))
}
