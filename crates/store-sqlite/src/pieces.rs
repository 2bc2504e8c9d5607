//! Pieces of resumable uploads: the SQL behind [`Store::upload_pieces`] and
//! [`Store::add_upload_piece`](pli_store::Store::add_upload_piece).

use crate::rows::{blob, get, size_to_sql};
use crate::{SqliteStore, commit, map_err};
use pli_store::{Id, Result, StoreError, UploadPiece};
use sqlx::sqlite::SqliteRow;

impl SqliteStore {
    pub(crate) async fn upload_pieces_impl(&self, envelope_id: Id) -> Result<Vec<UploadPiece>> {
        let mut tx = self.read().await?;
        let rows = sqlx::query(
            "SELECT p.start, p.size, p.blob_key, p.created_at FROM upload_pieces p \
             JOIN envelopes e ON e.id = p.envelope_id \
             WHERE p.envelope_id = ? AND e.state = 0 ORDER BY p.start",
        )
        .bind(blob(envelope_id))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload piece"))?;
        commit(tx).await?;
        rows.iter()
            .map(|row| piece_from_row(envelope_id, row))
            .collect()
    }

    pub(crate) async fn add_upload_piece_impl(&self, piece: &UploadPiece) -> Result<()> {
        let start = size_to_sql(piece.start)?;
        let size = size_to_sql(piece.size)?;
        let end = start
            .checked_add(size)
            .ok_or_else(|| StoreError::Backend("upload piece out of range".into()))?;
        // BEGIN IMMEDIATE: the check and the insert below see no concurrent writer.
        let mut tx = self.write().await?;
        let declared: i64 = sqlx::query("SELECT size FROM envelopes WHERE id = ? AND state = 0")
            .bind(blob(piece.envelope_id))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "envelope"))?
            .ok_or(StoreError::NotFound)
            .and_then(|row| get(&row, "size", "envelopes.size"))?;
        let acknowledged: i64 = sqlx::query(
            "SELECT coalesce(max(start + size), 0) AS acknowledged FROM upload_pieces \
             WHERE envelope_id = ?",
        )
        .bind(blob(piece.envelope_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload piece"))
        .and_then(|row| get(&row, "acknowledged", "upload_pieces.size"))?;
        if start != acknowledged {
            return Err(StoreError::Conflict("upload offset"));
        }
        if end > declared {
            return Err(StoreError::Conflict("upload size"));
        }
        sqlx::query(
            "INSERT INTO upload_pieces (envelope_id, start, size, blob_key, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(blob(piece.envelope_id))
        .bind(start)
        .bind(size)
        .bind(&piece.blob_key)
        .bind(piece.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload offset"))?;
        commit(tx).await
    }
}

fn piece_from_row(envelope_id: Id, row: &SqliteRow) -> Result<UploadPiece> {
    let unsigned = |name: &str| -> Result<u64> {
        let value: i64 = get(row, name, "upload_pieces")?;
        u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("upload_pieces.{name}")))
    };
    Ok(UploadPiece {
        envelope_id,
        start: unsigned("start")?,
        size: unsigned("size")?,
        blob_key: get(row, "blob_key", "upload_pieces.blob_key")?,
        created_at: get(row, "created_at", "upload_pieces.created_at")?,
    })
}
