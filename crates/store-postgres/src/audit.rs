//! The audit trail: event rows and the Merkle tree's entries, hashes and checkpoints, appended
//! under the [`AUDIT_LOCK`](crate::AUDIT_LOCK) advisory lock.

use crate::accounts::connection;
use crate::rows::{self, audit_from_row, blob, checkpoint_from_row, sql_index};
use crate::{AUDIT_LOCK, Transaction, commit, map_err, read, write};
use pli_store::{
    AuditEvent, AuditRecord, Id, LogBatch, Result, StoreError, StoredCheckpoint, TileAppend, TileId,
};
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
    let size = sql_index(batch.size)?;
    let mut tx = sequencer(pool).await?;
    insert_audit_rows(&mut tx, events).await?;
    crate::bundles::write_bundles(&mut tx, &batch.bundles).await?;
    write_tiles(&mut tx, &batch.tiles).await?;
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

/// Writes a batch's hash tiles: a new tile is inserted (`Conflict` if another writer made it),
/// a growing one extended only if it still holds what the batch was prepared against.
async fn write_tiles(tx: &mut Transaction, tiles: &[TileAppend]) -> Result<()> {
    for append in tiles {
        // Leaf hashes are derived from the entries (`Store::audit_log_hashes`), not stored.
        if append.tile.level == 0 {
            continue;
        }
        let level = i64::from(append.tile.level);
        let index = sql_index(append.tile.index)?;
        if append.start == 0 {
            sqlx::query("INSERT INTO audit_log_tiles (level, idx, data) VALUES ($1, $2, $3)")
                .bind(level)
                .bind(index)
                .bind(append.hashes.as_slice())
                .execute(&mut **tx)
                .await
                .map_err(|error| map_err(error, "audit log tile"))?;
            continue;
        }
        let done = sqlx::query(
            "UPDATE audit_log_tiles SET data = data || $3 \
             WHERE level = $1 AND idx = $2 AND octet_length(data) = $4",
        )
        .bind(level)
        .bind(index)
        .bind(append.hashes.as_slice())
        .bind(i64::from(append.start) * 32)
        .execute(&mut **tx)
        .await
        .map_err(|error| map_err(error, "audit log tile"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("audit log tile"));
        }
    }
    Ok(())
}

/// One statement for all tiles.
pub(crate) async fn audit_log_tiles(
    pool: &PgPool,
    tiles: &[TileId],
) -> Result<HashMap<TileId, Vec<u8>>> {
    let levels: Vec<i64> = tiles.iter().map(|tile| i64::from(tile.level)).collect();
    let indexes = tiles
        .iter()
        .map(|tile| sql_index(tile.index))
        .collect::<Result<Vec<i64>>>()?;
    let mut tx = read(pool).await?;
    let found = sqlx::query(
        "SELECT t.level, t.idx, t.data FROM audit_log_tiles t \
         JOIN unnest($1::bigint[], $2::bigint[]) AS wanted(level, idx) \
         ON t.level = wanted.level AND t.idx = wanted.idx",
    )
    .bind(&levels)
    .bind(&indexes)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "audit log tile"))?;
    let mut by_tile = HashMap::with_capacity(found.len());
    for row in &found {
        let level: i64 = rows::get(row, "level", "audit_log_tiles.level")?;
        let index: i64 = rows::get(row, "idx", "audit_log_tiles.idx")?;
        let tile = TileId {
            level: u8::try_from(level)
                .map_err(|_| StoreError::Corrupt("audit_log_tiles.level".into()))?,
            index: u64::try_from(index)
                .map_err(|_| StoreError::Corrupt("audit_log_tiles.idx".into()))?,
        };
        by_tile.insert(tile, rows::get(row, "data", "audit_log_tiles.data")?);
    }
    Ok(by_tile)
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
    // Many rows per statement: one round trip to the server per row would bound the writer.
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<sqlx::Postgres>::new(
            "INSERT INTO audit_events \
             (at, actor, actor_email, org_id, from_addr, action, target, outcome) ",
        );
        query.push_values(chunk, |mut row, event| {
            row.push_bind(event.at)
                .push_bind(event.actor.map(blob))
                .push_bind(event.actor_email.as_deref())
                .push_bind(event.org_id.map(blob))
                .push_bind(event.from.as_str())
                .push_bind(event.action.as_str())
                .push_bind(event.target.as_deref())
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

/// Rows of one multi-row INSERT: 8 parameters each stays far below PostgreSQL's 65,535.
const ROWS_PER_INSERT: usize = 256;
