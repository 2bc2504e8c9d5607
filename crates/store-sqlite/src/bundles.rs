//! The audit log's entries as C2SP tlog-tiles entry bundles (`audit_log_bundles`, one row per
//! 256 entries) and the leaf hashes of pruned entries (`audit_log_pruned`): the SQL behind
//! [`Store::audit_log_bundles`](pli_store::Store::audit_log_bundles) and
//! [`Store::prune_audit`](pli_store::Store::prune_audit), and the bundles a batch writes.

use crate::rows::get;
use crate::{SqliteStore, commit, map_err, sql_index};
use pli_store::{
    BUNDLE_WIDTH, BundleCodec, BundleWrite, PrunedEntry, Result, StoreError, StoredBundle,
    Timestamp, bundle_entries, decode_bundle, encode_bundle, prune_stored_bundle,
};
use sqlx::sqlite::SqliteRow;

type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

/// Writes a batch's entries into bundles: a new bundle is inserted (`Conflict` if another writer
/// made it), the last one extended only if it still holds exactly the entries the batch was
/// prepared against; otherwise nothing of the batch is kept. A bundle that the batch fills is
/// stored compressed (as [`pli_store::bundle_writes`] encoded it), a partial one as it is.
pub(crate) async fn write_bundles(tx: &mut Tx, appends: &[BundleWrite]) -> Result<()> {
    for append in appends {
        let index = sql_index(append.index)?;
        if append.start == 0 {
            sqlx::query("INSERT INTO audit_log_bundles (idx, codec, data) VALUES (?, ?, ?)")
                .bind(index)
                .bind(append.codec.code())
                .bind(append.data.as_slice())
                .execute(&mut **tx)
                .await
                .map_err(|error| map_err(error, "audit log bundle"))?;
            continue;
        }
        let held: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT data, codec FROM audit_log_bundles WHERE idx = ?")
                .bind(index)
                .fetch_optional(&mut **tx)
                .await
                .map_err(|error| map_err(error, "audit log bundle"))?;
        let (stored, codec) = held.ok_or(StoreError::Conflict("audit log bundle"))?;
        let codec =
            BundleCodec::from_code(codec).ok_or(StoreError::Conflict("audit log bundle"))?;
        let mut data = decode_bundle(codec, &stored)
            .map_err(|_| StoreError::Conflict("audit log bundle"))?
            .into_owned();
        let count = bundle_entries(&data).map(|entries| entries.len());
        if count != Some(append.start as usize) {
            return Err(StoreError::Conflict("audit log bundle"));
        }
        data.extend_from_slice(&append.data);
        let held = u64::from(append.start) + u64::from(append.count);
        let (codec, stored) = encode_bundle(&data, held)?;
        sqlx::query("UPDATE audit_log_bundles SET codec = ?, data = ? WHERE idx = ?")
            .bind(codec.code())
            .bind(stored)
            .bind(index)
            .execute(&mut **tx)
            .await
            .map_err(|error| map_err(error, "audit log bundle"))?;
    }
    Ok(())
}

impl SqliteStore {
    pub(crate) async fn audit_log_bundles_impl(
        &self,
        start: u64,
        limit: u32,
    ) -> Result<Vec<StoredBundle>> {
        let mut tx = self.read().await?;
        let rows = sqlx::query(
            "SELECT idx, codec, data FROM audit_log_bundles WHERE idx >= ? ORDER BY idx LIMIT ?",
        )
        .bind(sql_index(start)?)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log bundle"))?;
        let mut bundles = rows
            .iter()
            .map(bundle_from_row)
            .collect::<Result<Vec<_>>>()?;
        if let (Some(first), Some(last)) = (bundles.first(), bundles.last()) {
            let from = sql_index(first.index.saturating_mul(BUNDLE_WIDTH))?;
            let to = sql_index(last.index.saturating_add(1).saturating_mul(BUNDLE_WIDTH))?;
            let pruned = sqlx::query(
                "SELECT idx, leaf FROM audit_log_pruned WHERE idx >= ? AND idx < ? ORDER BY idx",
            )
            .bind(from)
            .bind(to)
            .fetch_all(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit log pruned entry"))?;
            for row in &pruned {
                let (index, leaf) = pruned_from_row(row)?;
                let bundle = index / BUNDLE_WIDTH;
                if let Some(bundle) = bundles.iter_mut().find(|b| b.index == bundle) {
                    bundle.pruned.push((index, leaf));
                }
            }
        }
        commit(tx).await?;
        Ok(bundles)
    }

    pub(crate) async fn prune_audit_impl(
        &self,
        entries: &[PrunedEntry],
        before: Timestamp,
    ) -> Result<u64> {
        let mut tx = self.write().await?;
        let mut bundles: Vec<u64> = entries
            .iter()
            .map(|entry| entry.index / BUNDLE_WIDTH)
            .collect();
        bundles.dedup();
        for bundle in bundles {
            let index = sql_index(bundle)?;
            let held: Option<(Vec<u8>, i64)> =
                sqlx::query_as("SELECT data, codec FROM audit_log_bundles WHERE idx = ?")
                    .bind(index)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|error| map_err(error, "audit log bundle"))?;
            // A bundle that is missing or does not decode is left for the verifier to name.
            let Some((stored, codec)) = held else {
                continue;
            };
            let Some(codec) = BundleCodec::from_code(codec) else {
                continue;
            };
            let from = sql_index(bundle.saturating_mul(BUNDLE_WIDTH))?;
            let pruned: Vec<i64> =
                sqlx::query_scalar("SELECT idx FROM audit_log_pruned WHERE idx >= ? AND idx < ?")
                    .bind(from)
                    .bind(from.saturating_add(BUNDLE_WIDTH as i64))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(|error| map_err(error, "audit log pruned entry"))?;
            let pruned: Vec<u64> = pruned
                .into_iter()
                .filter_map(|i| u64::try_from(i).ok())
                .collect();
            let these: Vec<&PrunedEntry> = entries
                .iter()
                .filter(|entry| entry.index / BUNDLE_WIDTH == bundle)
                .collect();
            let Some((codec, stored, done)) =
                prune_stored_bundle(bundle, codec, &stored, &pruned, &these)
            else {
                continue;
            };
            if done.is_empty() {
                continue;
            }
            sqlx::query("UPDATE audit_log_bundles SET codec = ?, data = ? WHERE idx = ?")
                .bind(codec.code())
                .bind(stored)
                .bind(index)
                .execute(&mut *tx)
                .await
                .map_err(|error| map_err(error, "audit log bundle"))?;
            for entry in done {
                sqlx::query("INSERT INTO audit_log_pruned (idx, leaf) VALUES (?, ?)")
                    .bind(sql_index(entry.index)?)
                    .bind(entry.leaf.as_slice())
                    .execute(&mut *tx)
                    .await
                    .map_err(|error| map_err(error, "audit log pruned entry"))?;
            }
        }
        let deleted = sqlx::query("DELETE FROM audit_events WHERE at < ?")
            .bind(before)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "audit event"))?
            .rows_affected();
        commit(tx).await?;
        Ok(deleted)
    }
}

fn bundle_from_row(row: &SqliteRow) -> Result<StoredBundle> {
    let index: i64 = get(row, "idx", "audit_log_bundles.idx")?;
    let codec: i64 = get(row, "codec", "audit_log_bundles.codec")?;
    Ok(StoredBundle {
        index: u64::try_from(index)
            .map_err(|_| StoreError::Corrupt("audit_log_bundles.idx".into()))?,
        codec: BundleCodec::from_code(codec).ok_or_else(|| {
            StoreError::Corrupt(format!("audit_log_bundles.codec of bundle {index}"))
        })?,
        stored: get(row, "data", "audit_log_bundles.data")?,
        pruned: Vec::new(),
    })
}

fn pruned_from_row(row: &SqliteRow) -> Result<(u64, [u8; 32])> {
    let index: i64 = get(row, "idx", "audit_log_pruned.idx")?;
    let leaf: Vec<u8> = get(row, "leaf", "audit_log_pruned.leaf")?;
    Ok((
        u64::try_from(index).map_err(|_| StoreError::Corrupt("audit_log_pruned.idx".into()))?,
        <[u8; 32]>::try_from(leaf.as_slice())
            .map_err(|_| StoreError::Corrupt("audit_log_pruned.leaf".into()))?,
    ))
}
