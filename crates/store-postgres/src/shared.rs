//! Counting shared by the servers of one database: the flow monitor's journal and rate-limit
//! windows (as `pli-store-sqlite`'s `shared`).

use crate::accounts::connection;
use crate::rows::{blob, get, id_from_row, optional_id};
use crate::{JOURNAL_LOCK, commit, map_err, write};
use pli_store::{JournalEntry, JournalKind, Result, StoreError, Timestamp};
use sqlx::postgres::PgPool;

/// The address hash is a u64 in the domain and a BIGINT here: the same 64 bits.
fn address_to_sql(address: u64) -> i64 {
    i64::from_le_bytes(address.to_le_bytes())
}

fn bytes_to_sql(bytes: u64) -> Result<i64> {
    i64::try_from(bytes).map_err(|_| StoreError::Backend("journal byte count out of range".into()))
}

pub(crate) async fn append_monitor_journal(pool: &PgPool, entries: &[JournalEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut tx = write(pool).await?;
    // One append at a time across servers: sequence numbers become visible in increasing
    // order, so a server following `seq` never skips an entry committed late.
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(JOURNAL_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "monitor journal"))?;
    for entry in entries {
        sqlx::query(
            "INSERT INTO monitor_journal (instance, at, account_id, org_id, address, kind, \
             bytes, sender_id, mailbox_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(blob(entry.instance))
        .bind(entry.at)
        .bind(blob(entry.account_id))
        .bind(blob(entry.org_id))
        .bind(address_to_sql(entry.address))
        .bind(entry.kind.code())
        .bind(bytes_to_sql(entry.bytes)?)
        .bind(entry.sender_id.map(blob))
        .bind(entry.mailbox_id.map(blob))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "monitor journal"))?;
    }
    commit(tx).await
}

pub(crate) async fn monitor_journal(
    pool: &PgPool,
    after: i64,
    limit: u32,
) -> Result<Vec<(i64, JournalEntry)>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT seq, instance, at, account_id, org_id, address, kind, bytes, sender_id, \
         mailbox_id FROM monitor_journal WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "monitor journal"))?;
    rows.iter()
        .map(|row| {
            let kind: i64 = get(row, "kind", "monitor_journal.kind")?;
            let address: i64 = get(row, "address", "monitor_journal.address")?;
            let bytes: i64 = get(row, "bytes", "monitor_journal.bytes")?;
            Ok((
                get(row, "seq", "monitor_journal.seq")?,
                JournalEntry {
                    instance: id_from_row(row, "instance", "monitor_journal.instance")?,
                    at: get(row, "at", "monitor_journal.at")?,
                    account_id: id_from_row(row, "account_id", "monitor_journal.account_id")?,
                    org_id: id_from_row(row, "org_id", "monitor_journal.org_id")?,
                    address: u64::from_le_bytes(address.to_le_bytes()),
                    kind: JournalKind::from_code(kind)
                        .ok_or_else(|| StoreError::Corrupt("monitor_journal.kind".into()))?,
                    bytes: u64::try_from(bytes)
                        .map_err(|_| StoreError::Corrupt("monitor_journal.bytes".into()))?,
                    sender_id: optional_id(row, "sender_id", "monitor_journal.sender_id")?,
                    mailbox_id: optional_id(row, "mailbox_id", "monitor_journal.mailbox_id")?,
                },
            ))
        })
        .collect()
}

pub(crate) async fn prune_monitor_journal(pool: &PgPool, before: Timestamp) -> Result<u64> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM monitor_journal WHERE at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "monitor journal"))?;
    commit(tx).await?;
    Ok(done.rows_affected())
}

pub(crate) async fn count_hit(pool: &PgPool, key: &[u8; 32], window: Timestamp) -> Result<u64> {
    let mut tx = write(pool).await?;
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_hits (key, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_hits.hits + 1 RETURNING hits",
    )
    .bind(key.as_slice())
    .bind(window)
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| map_err(error, "rate hits"))?;
    commit(tx).await?;
    u64::try_from(hits).map_err(|_| StoreError::Corrupt("rate_hits.hits".into()))
}

pub(crate) async fn prune_hits(pool: &PgPool, before: Timestamp) -> Result<u64> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM rate_hits WHERE window_start < $1")
        .bind(before)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "rate hits"))?;
    commit(tx).await?;
    Ok(done.rows_affected())
}
