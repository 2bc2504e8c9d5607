//! The audit trail: event rows and the Merkle tree's entries, hashes and checkpoints, appended
//! under the [`AUDIT_LOCK`](crate::AUDIT_LOCK) advisory lock.

use crate::accounts::connection;
use crate::rows::{self, audit_from_row, blob, checkpoint_from_row, sql_index};
use crate::{AUDIT_LOCK, Transaction, commit, map_err, read, write};
use pli_store::{AuditEvent, AuditRecord, Id, LogBatch, Result, StoreError, StoredCheckpoint};
use sqlx::postgres::PgPool;
use std::collections::HashMap;

pub(crate) async fn append_audit(pool: &PgPool, events: &[AuditEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut tx = sequencer(pool).await?;
    insert_audit_rows(&mut tx, events).await?;
    commit(tx).await
}

pub(crate) async fn audit_events(
    pool: &PgPool,
    org_id: Option<Id>,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    let mut connection = connection(pool).await?;
    let query = match org_id {
        Some(org_id) => sqlx::query(
            "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
             FROM audit_events WHERE org_id = $3 AND seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(i64::from(limit))
        .bind(blob(org_id)),
        None => sqlx::query(
            "SELECT seq, at, actor, actor_email, org_id, from_addr, action, target, outcome \
             FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(i64::from(limit)),
    };
    let rows = query
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "audit event"))?;
    rows.iter().map(audit_from_row).collect()
}

pub(crate) async fn append_audit_logged(
    pool: &PgPool,
    events: &[AuditEvent],
    batch: &LogBatch,
) -> Result<()> {
    let first = sql_index(batch.first_index)?;
    let hashes_start = sql_index(batch.hashes_start)?;
    let size = sql_index(batch.size)?;
    let mut tx = sequencer(pool).await?;
    insert_audit_rows(&mut tx, events).await?;
    for (offset, entry) in (0_i64..).zip(&batch.entries) {
        sqlx::query("INSERT INTO audit_log_entries (idx, entry) VALUES ($1, $2)")
            .bind(first + offset)
            .bind(entry.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit log entry"))?;
    }
    for (offset, hash) in (0_i64..).zip(&batch.hashes) {
        sqlx::query("INSERT INTO audit_log_hashes (idx, hash) VALUES ($1, $2)")
            .bind(hashes_start + offset)
            .bind(hash.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit log hash"))?;
    }
    sqlx::query("INSERT INTO audit_log_checkpoints (size, note) VALUES ($1, $2)")
        .bind(size)
        .bind(&batch.checkpoint)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log checkpoint"))?;
    commit(tx).await
}

pub(crate) async fn audit_log_latest(pool: &PgPool) -> Result<Option<StoredCheckpoint>> {
    let mut connection = connection(pool).await?;
    let row =
        sqlx::query("SELECT size, note FROM audit_log_checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&mut *connection)
            .await
            .map_err(|error| map_err(error, "audit log checkpoint"))?;
    row.map(|row| checkpoint_from_row(&row)).transpose()
}

pub(crate) async fn audit_log_checkpoint(pool: &PgPool, size: u64) -> Result<StoredCheckpoint> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query("SELECT size, note FROM audit_log_checkpoints WHERE size = $1")
        .bind(sql_index(size)?)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_err(error, "audit log checkpoint"))?;
    checkpoint_from_row(&row)
}

/// One statement for all indexes, then put back in the order asked.
pub(crate) async fn audit_log_hashes(pool: &PgPool, indexes: &[u64]) -> Result<Vec<[u8; 32]>> {
    let wanted = indexes
        .iter()
        .map(|&index| sql_index(index))
        .collect::<Result<Vec<i64>>>()?;
    let mut tx = read(pool).await?;
    let found = sqlx::query("SELECT idx, hash FROM audit_log_hashes WHERE idx = ANY($1)")
        .bind(&wanted)
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log hash"))?;
    let mut by_index: HashMap<i64, [u8; 32]> = HashMap::with_capacity(found.len());
    for row in &found {
        let index: i64 = rows::get(row, "idx", "audit_log_hashes.idx")?;
        by_index.insert(index, rows::array32(row, "hash", "audit_log_hashes.hash")?);
    }
    wanted
        .iter()
        .map(|index| by_index.get(index).copied().ok_or(StoreError::NotFound))
        .collect()
}

pub(crate) async fn audit_log_entries(
    pool: &PgPool,
    start: u64,
    limit: u32,
) -> Result<Vec<(u64, Vec<u8>)>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT idx, entry FROM audit_log_entries WHERE idx >= $1 ORDER BY idx LIMIT $2",
    )
    .bind(sql_index(start)?)
    .bind(i64::from(limit))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "audit log entry"))?;
    rows.iter()
        .map(|row| {
            let index: i64 = rows::get(row, "idx", "audit_log_entries.idx")?;
            let index = u64::try_from(index)
                .map_err(|_| StoreError::Corrupt("audit_log_entries.idx".into()))?;
            let entry: Vec<u8> = rows::get(row, "entry", "audit_log_entries.entry")?;
            Ok((index, entry))
        })
        .collect()
}

/// A write transaction holding the audit advisory lock: the one sequencer of the audit trail
/// among every server on the database, until commit or rollback.
pub(crate) async fn sequencer(pool: &PgPool) -> Result<Transaction> {
    let mut tx = write(pool).await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit lock"))?;
    Ok(tx)
}

async fn insert_audit_rows(tx: &mut Transaction, events: &[AuditEvent]) -> Result<()> {
    for event in events {
        sqlx::query(
            "INSERT INTO audit_events \
             (at, actor, actor_email, org_id, from_addr, action, target, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(event.at)
        .bind(event.actor.map(blob))
        .bind(event.actor_email.as_deref())
        .bind(event.org_id.map(blob))
        .bind(&event.from)
        .bind(&event.action)
        .bind(event.target.as_deref())
        .bind(event.outcome.as_str())
        .execute(&mut **tx)
        .await
        .map_err(|error| map_err(error, "audit event"))?;
    }
    Ok(())
}
