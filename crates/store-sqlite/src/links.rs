//! External links: the SQL behind the links block of [`Store`](pli_store::Store) methods.

use crate::rows::{blob, get, id_from_row};
use crate::{SqliteStore, commit, ensure_exists, map_err};
use pli_store::{
    Id, Link, LinkOpening, LinkReceipt, LinkState, NewLink, Result, StoreError, Timestamp,
};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

const LINK_COLUMNS: &str = "SELECT id, envelope_id, creator_id, email, phone, created_at, \
     expires_at, max_downloads, downloads, code_hash, code_failures, state, server_half, \
     receipt_key, receipt_manifest, receipt_opened_at, receipt_signature, receipt_log_index \
     FROM links";

impl SqliteStore {
    pub(crate) async fn create_link_impl(&self, link: &NewLink) -> Result<()> {
        let mut tx = self.write().await?;
        ensure_exists(
            &mut tx,
            "SELECT 1 FROM envelopes WHERE id = ?",
            link.envelope_id,
        )
        .await?;
        ensure_exists(
            &mut tx,
            "SELECT 1 FROM accounts WHERE id = ?",
            link.creator_id,
        )
        .await?;
        sqlx::query(
            "INSERT INTO links (id, envelope_id, creator_id, email, phone, created_at, \
             expires_at, max_downloads, code_hash, state, server_half, receipt_key) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
        )
        .bind(blob(link.id))
        .bind(blob(link.envelope_id))
        .bind(blob(link.creator_id))
        .bind(&link.email)
        .bind(link.phone.as_deref())
        .bind(link.created_at)
        .bind(link.expires_at)
        .bind(i64::from(link.max_downloads))
        .bind(link.code_hash.as_slice())
        .bind(link.server_half.as_slice())
        .bind(link.receipt_key.as_slice())
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link id"))?;
        commit(tx).await
    }

    pub(crate) async fn link_impl(&self, id: Id) -> Result<Link> {
        let mut tx = self.read().await?;
        let link = load_link(&mut tx, id).await?;
        commit(tx).await?;
        Ok(link)
    }

    pub(crate) async fn envelope_links_impl(&self, envelope_id: Id) -> Result<Vec<Link>> {
        let mut tx = self.read().await?;
        let rows = sqlx::query(&format!(
            "{LINK_COLUMNS} WHERE envelope_id = ? ORDER BY created_at, id"
        ))
        .bind(blob(envelope_id))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?;
        let mut links = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut link = link_from_row(row)?;
            link.openings = openings(&mut tx, link.id).await?;
            links.push(link);
        }
        commit(tx).await?;
        Ok(links)
    }

    pub(crate) async fn record_link_code_failure_impl(
        &self,
        id: Id,
        lock_after: u32,
    ) -> Result<Link> {
        let mut tx = self.write().await?;
        let link = load_link(&mut tx, id).await?;
        if link.state != LinkState::Active {
            return Err(StoreError::Conflict("link not active"));
        }
        sqlx::query(
            "UPDATE links SET code_failures = code_failures + 1, \
             state = CASE WHEN code_failures + 1 >= ?2 THEN 'locked' ELSE state END, \
             server_half = CASE WHEN code_failures + 1 >= ?2 THEN NULL ELSE server_half END \
             WHERE id = ?1 AND state = 'active'",
        )
        .bind(blob(id))
        .bind(i64::from(lock_after))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?;
        let link = load_link(&mut tx, id).await?;
        commit(tx).await?;
        Ok(link)
    }

    pub(crate) async fn end_link_impl(&self, id: Id, state: LinkState) -> Result<()> {
        if state == LinkState::Active {
            return Err(StoreError::Conflict("a link cannot end as active"));
        }
        let mut tx = self.write().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM links WHERE id = ?", id).await?;
        let done = sqlx::query(
            "UPDATE links SET state = ?, server_half = NULL WHERE id = ? AND state = 'active'",
        )
        .bind(state.as_str())
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("link not active"));
        }
        sqlx::query("DELETE FROM link_tokens WHERE link_id = ?")
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "link token"))?;
        commit(tx).await
    }

    pub(crate) async fn expire_links_impl(&self, now: Timestamp) -> Result<Vec<Id>> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "UPDATE links SET state = 'expired', server_half = NULL \
             WHERE state = 'active' AND expires_at <= ? RETURNING id",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?;
        let ids = rows
            .iter()
            .map(|row| id_from_row(row, "id", "links.id"))
            .collect::<Result<Vec<_>>>()?;
        sqlx::query("DELETE FROM link_tokens WHERE expires_at <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "link token"))?;
        commit(tx).await?;
        Ok(ids)
    }

    pub(crate) async fn add_link_token_impl(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let link = load_link(&mut tx, id).await?;
        if link.state != LinkState::Active || link.expires_at <= now {
            return Err(StoreError::Conflict("link not active"));
        }
        sqlx::query("INSERT INTO link_tokens (token_hash, link_id, expires_at) VALUES (?, ?, ?)")
            .bind(token_hash.as_slice())
            .bind(blob(id))
            .bind(expires_at)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "link token"))?;
        commit(tx).await
    }

    pub(crate) async fn link_token_valid_impl(
        &self,
        id: Id,
        token_hash: &[u8; 32],
        now: Timestamp,
    ) -> Result<bool> {
        let mut connection = self.read_one().await?;
        let found = sqlx::query(
            "SELECT 1 FROM link_tokens WHERE token_hash = ? AND link_id = ? AND expires_at > ?",
        )
        .bind(token_hash.as_slice())
        .bind(blob(id))
        .bind(now)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, "link token"))?;
        Ok(found.is_some())
    }

    pub(crate) async fn count_link_download_impl(
        &self,
        id: Id,
        at: Timestamp,
        address: &str,
    ) -> Result<Link> {
        let mut tx = self.write().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM links WHERE id = ?", id).await?;
        let done = sqlx::query(
            "UPDATE links SET downloads = downloads + 1, \
             state = CASE WHEN downloads + 1 >= max_downloads THEN 'exhausted' ELSE state END, \
             server_half = CASE WHEN downloads + 1 >= max_downloads THEN NULL ELSE server_half END \
             WHERE id = ? AND state = 'active' AND downloads < max_downloads AND expires_at > ?",
        )
        .bind(blob(id))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("link not active"));
        }
        sqlx::query("INSERT INTO link_openings (link_id, at, address) VALUES (?, ?, ?)")
            .bind(blob(id))
            .bind(at)
            .bind(address)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "link opening"))?;
        let link = load_link(&mut tx, id).await?;
        commit(tx).await?;
        Ok(link)
    }

    pub(crate) async fn set_link_receipt_impl(&self, id: Id, receipt: &LinkReceipt) -> Result<()> {
        let log_index = i64::try_from(receipt.log_index)
            .map_err(|_| StoreError::Backend("log index out of range".into()))?;
        let mut tx = self.write().await?;
        ensure_exists(&mut tx, "SELECT 1 FROM links WHERE id = ?", id).await?;
        let done = sqlx::query(
            "UPDATE links SET receipt_manifest = ?, receipt_opened_at = ?, \
             receipt_signature = ?, receipt_log_index = ? \
             WHERE id = ? AND receipt_signature IS NULL",
        )
        .bind(receipt.manifest_hash.as_slice())
        .bind(receipt.opened_at)
        .bind(receipt.signature.as_slice())
        .bind(log_index)
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link receipt"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("link receipt"));
        }
        commit(tx).await
    }
}

async fn load_link(tx: &mut SqliteConnection, id: Id) -> Result<Link> {
    let row = sqlx::query(&format!("{LINK_COLUMNS} WHERE id = ?"))
        .bind(blob(id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "link"))?
        .ok_or(StoreError::NotFound)?;
    let mut link = link_from_row(&row)?;
    link.openings = openings(tx, id).await?;
    Ok(link)
}

async fn openings(tx: &mut SqliteConnection, id: Id) -> Result<Vec<LinkOpening>> {
    let rows =
        sqlx::query("SELECT at, address FROM link_openings WHERE link_id = ? ORDER BY at, rowid")
            .bind(blob(id))
            .fetch_all(&mut *tx)
            .await
            .map_err(|error| map_err(error, "link opening"))?;
    rows.iter()
        .map(|row| {
            Ok(LinkOpening {
                at: get(row, "at", "link_openings.at")?,
                address: get(row, "address", "link_openings.address")?,
            })
        })
        .collect()
}

fn array32(bytes: &[u8], column: &str) -> Result<[u8; 32]> {
    <[u8; 32]>::try_from(bytes).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

fn count(row: &SqliteRow, name: &str, column: &str) -> Result<u32> {
    let value: i64 = get(row, name, column)?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

fn link_from_row(row: &SqliteRow) -> Result<Link> {
    let state: String = get(row, "state", "links.state")?;
    let state =
        LinkState::parse(&state).ok_or_else(|| StoreError::Corrupt("links.state".into()))?;
    let server_half: Option<Vec<u8>> = get(row, "server_half", "links.server_half")?;
    let code_hash: Vec<u8> = get(row, "code_hash", "links.code_hash")?;
    let receipt_key: Vec<u8> = get(row, "receipt_key", "links.receipt_key")?;
    let signature: Option<Vec<u8>> = get(row, "receipt_signature", "links.receipt_signature")?;
    let receipt = match signature {
        None => None,
        Some(signature) => {
            let manifest: Vec<u8> = get(row, "receipt_manifest", "links.receipt_manifest")?;
            let log_index: i64 = get(row, "receipt_log_index", "links.receipt_log_index")?;
            Some(LinkReceipt {
                manifest_hash: array32(&manifest, "links.receipt_manifest")?,
                opened_at: get(row, "receipt_opened_at", "links.receipt_opened_at")?,
                signature,
                log_index: u64::try_from(log_index)
                    .map_err(|_| StoreError::Corrupt("links.receipt_log_index".into()))?,
            })
        }
    };
    Ok(Link {
        id: id_from_row(row, "id", "links.id")?,
        envelope_id: id_from_row(row, "envelope_id", "links.envelope_id")?,
        creator_id: id_from_row(row, "creator_id", "links.creator_id")?,
        email: get(row, "email", "links.email")?,
        phone: get(row, "phone", "links.phone")?,
        created_at: get(row, "created_at", "links.created_at")?,
        expires_at: get(row, "expires_at", "links.expires_at")?,
        max_downloads: count(row, "max_downloads", "links.max_downloads")?,
        downloads: count(row, "downloads", "links.downloads")?,
        code_failures: count(row, "code_failures", "links.code_failures")?,
        state,
        code_hash: array32(&code_hash, "links.code_hash")?,
        server_half: server_half
            .map(|bytes| array32(&bytes, "links.server_half"))
            .transpose()?,
        receipt_key: array32(&receipt_key, "links.receipt_key")?,
        receipt,
        openings: Vec::new(),
    })
}
