//! Upload requests (as `pli-store-sqlite`'s `requests`).

use crate::mailboxes::ensure_exists;
use crate::rows::{blob, get, id_from_row};
use crate::{commit, map_err, read, write};
use pli_store::{
    Id, NewUploadRequest, RequestState, RequestUpload, Result, StoreError, Timestamp, UploadRequest,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};

const REQUEST_COLUMNS: &str = "SELECT q.id, q.creator_id, q.mailbox_id, \
     coalesce(m.name, a.email) AS addressee, q.email, q.recipients, q.signature, q.created_at, \
     q.expires_at, q.max_uploads, q.uploads, q.state \
     FROM upload_requests q JOIN accounts a ON a.id = q.creator_id \
     LEFT JOIN mailboxes m ON m.id = q.mailbox_id";

pub(crate) async fn create_upload_request(pool: &PgPool, request: &NewUploadRequest) -> Result<()> {
    let recipients = serde_json::to_string(&request.recipients)
        .map_err(|error| StoreError::Backend(error.to_string()))?;
    let mut tx = write(pool).await?;
    ensure_exists(
        &mut tx,
        "SELECT 1 FROM accounts WHERE id = $1",
        request.creator_id,
    )
    .await?;
    if let Some(mailbox_id) = request.mailbox_id {
        ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = $1", mailbox_id).await?;
    }
    sqlx::query(
        "INSERT INTO upload_requests (id, creator_id, mailbox_id, email, recipients, \
             signature, created_at, expires_at, max_uploads, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')",
    )
    .bind(blob(request.id))
    .bind(blob(request.creator_id))
    .bind(request.mailbox_id.map(blob))
    .bind(&request.email)
    .bind(recipients)
    .bind(request.signature.as_slice())
    .bind(request.created_at)
    .bind(request.expires_at)
    .bind(i64::from(request.max_uploads))
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "upload request id"))?;
    commit(tx).await
}

pub(crate) async fn upload_request(pool: &PgPool, id: Id) -> Result<UploadRequest> {
    let mut tx = read(pool).await?;
    let request = load(&mut tx, id).await?;
    commit(tx).await?;
    Ok(request)
}

pub(crate) async fn account_upload_requests(
    pool: &PgPool,
    creator_id: Id,
) -> Result<Vec<UploadRequest>> {
    let mut tx = read(pool).await?;
    let rows = sqlx::query(&format!(
        "{REQUEST_COLUMNS} WHERE q.creator_id = $1 ORDER BY q.created_at DESC, q.id DESC"
    ))
    .bind(blob(creator_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "upload request"))?;
    let mut requests = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut request = from_row(row)?;
        request.envelopes = uploads(&mut tx, request.id).await?;
        requests.push(request);
    }
    commit(tx).await?;
    Ok(requests)
}

pub(crate) async fn end_upload_request(pool: &PgPool, id: Id, state: RequestState) -> Result<()> {
    if state == RequestState::Active {
        return Err(StoreError::Conflict("a request cannot end as active"));
    }
    let mut tx = write(pool).await?;
    ensure_exists(&mut tx, "SELECT 1 FROM upload_requests WHERE id = $1", id).await?;
    let done =
        sqlx::query("UPDATE upload_requests SET state = $1 WHERE id = $2 AND state = 'active'")
            .bind(state.as_str())
            .bind(blob(id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "upload request"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("upload request not active"));
    }
    commit(tx).await
}

pub(crate) async fn expire_upload_requests(pool: &PgPool, now: Timestamp) -> Result<Vec<Id>> {
    let mut tx = write(pool).await?;
    let rows = sqlx::query(
        "UPDATE upload_requests SET state = 'expired' \
             WHERE state = 'active' AND expires_at <= $1 RETURNING id",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "upload request"))?;
    let ids = rows
        .iter()
        .map(|row| id_from_row(row, "id", "upload_requests.id"))
        .collect::<Result<Vec<_>>>()?;
    commit(tx).await?;
    Ok(ids)
}

pub(crate) async fn begin_request_upload(
    pool: &PgPool,
    request_id: Id,
    envelope_id: Id,
    size: u64,
    at: Timestamp,
    address: &str,
) -> Result<()> {
    let size = i64::try_from(size)
        .map_err(|_| StoreError::Backend("envelope size out of range".into()))?;
    let mut tx = write(pool).await?;
    let request = load(&mut tx, request_id).await?;
    if !takes_upload(&request, at) {
        return Err(StoreError::Conflict("upload request"));
    }
    sqlx::query(
        "INSERT INTO envelopes (id, sender_id, size, created_at, state) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(blob(envelope_id))
    .bind(blob(request.creator_id))
    .bind(size)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "envelope id"))?;
    let (account_id, mailbox_id) = match request.mailbox_id {
        Some(mailbox_id) => (None, Some(blob(mailbox_id))),
        None => (Some(blob(request.creator_id)), None),
    };
    sqlx::query(
        "INSERT INTO envelope_recipients \
             (envelope_id, position, account_id, mailbox_id, created_at, stored) \
             VALUES ($1, 0, $2, $3, $4, 0)",
    )
    .bind(blob(envelope_id))
    .bind(account_id)
    .bind(mailbox_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "addressee"))?;
    sqlx::query(
            "INSERT INTO request_uploads (envelope_id, request_id, at, address) VALUES ($1, $2, $3, $4)",
        )
        .bind(blob(envelope_id))
        .bind(blob(request_id))
        .bind(at)
        .bind(address)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "request upload"))?;
    commit(tx).await
}

pub(crate) async fn complete_request_upload(
    pool: &PgPool,
    request_id: Id,
    envelope_id: Id,
    size: u64,
    at: Timestamp,
) -> Result<UploadRequest> {
    let size = i64::try_from(size)
        .map_err(|_| StoreError::Backend("envelope size out of range".into()))?;
    let mut tx = write(pool).await?;
    let pending = sqlx::query(
        "SELECT 1 FROM request_uploads u JOIN envelopes e ON e.id = u.envelope_id \
             WHERE u.envelope_id = $1 AND u.request_id = $2 AND e.state = 0",
    )
    .bind(blob(envelope_id))
    .bind(blob(request_id))
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| map_err(error, "request upload"))?;
    if pending.is_none() {
        return Err(StoreError::NotFound);
    }
    let done = sqlx::query(
        "UPDATE upload_requests SET uploads = uploads + 1, \
             state = CASE WHEN uploads + 1 >= max_uploads THEN 'exhausted' ELSE state END \
             WHERE id = $1 AND state = 'active' AND uploads < max_uploads AND expires_at > $2",
    )
    .bind(blob(request_id))
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "upload request"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("upload request"));
    }
    sqlx::query("UPDATE envelopes SET state = 1, size = $1 WHERE id = $2 AND state = 0")
        .bind(size)
        .bind(blob(envelope_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    sqlx::query("UPDATE envelope_recipients SET stored = 1 WHERE envelope_id = $1")
        .bind(blob(envelope_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    sqlx::query("DELETE FROM upload_pieces WHERE envelope_id = $1")
        .bind(blob(envelope_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload piece"))?;
    let request = load(&mut tx, request_id).await?;
    commit(tx).await?;
    Ok(request)
}

/// Whether a request takes one more upload at `at`.
fn takes_upload(request: &UploadRequest, at: Timestamp) -> bool {
    request.state == RequestState::Active
        && request.expires_at > at
        && request.uploads < request.max_uploads
}

async fn load(tx: &mut PgConnection, id: Id) -> Result<UploadRequest> {
    let row = sqlx::query(&format!("{REQUEST_COLUMNS} WHERE q.id = $1"))
        .bind(blob(id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload request"))?
        .ok_or(StoreError::NotFound)?;
    let mut request = from_row(&row)?;
    request.envelopes = uploads(tx, id).await?;
    Ok(request)
}

async fn uploads(tx: &mut PgConnection, id: Id) -> Result<Vec<RequestUpload>> {
    let rows = sqlx::query(
        "SELECT u.envelope_id, e.size, u.at, u.address FROM request_uploads u \
         JOIN envelopes e ON e.id = u.envelope_id \
         WHERE u.request_id = $1 AND e.state = 1 ORDER BY u.at, u.envelope_id",
    )
    .bind(blob(id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "request upload"))?;
    rows.iter()
        .map(|row| {
            let size: i64 = get(row, "size", "envelopes.size")?;
            Ok(RequestUpload {
                envelope_id: id_from_row(row, "envelope_id", "request_uploads.envelope_id")?,
                size: u64::try_from(size)
                    .map_err(|_| StoreError::Corrupt("envelopes.size".into()))?,
                at: get(row, "at", "request_uploads.at")?,
                address: get(row, "address", "request_uploads.address")?,
            })
        })
        .collect()
}

fn count(row: &PgRow, name: &str, column: &str) -> Result<u32> {
    let value: i64 = get(row, name, column)?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

fn from_row(row: &PgRow) -> Result<UploadRequest> {
    let state: String = get(row, "state", "upload_requests.state")?;
    let state = RequestState::parse(&state)
        .ok_or_else(|| StoreError::Corrupt("upload_requests.state".into()))?;
    let recipients: String = get(row, "recipients", "upload_requests.recipients")?;
    let recipients: Vec<String> = serde_json::from_str(&recipients)
        .map_err(|_| StoreError::Corrupt("upload_requests.recipients".into()))?;
    let mailbox_id: Option<Vec<u8>> = get(row, "mailbox_id", "upload_requests.mailbox_id")?;
    let mailbox_id = match mailbox_id {
        None => None,
        Some(bytes) => Some(Id::from_bytes(
            <[u8; 16]>::try_from(bytes.as_slice())
                .map_err(|_| StoreError::Corrupt("upload_requests.mailbox_id".into()))?,
        )),
    };
    Ok(UploadRequest {
        id: id_from_row(row, "id", "upload_requests.id")?,
        creator_id: id_from_row(row, "creator_id", "upload_requests.creator_id")?,
        mailbox_id,
        addressee: get(row, "addressee", "upload_requests.addressee")?,
        email: get(row, "email", "upload_requests.email")?,
        recipients,
        signature: get(row, "signature", "upload_requests.signature")?,
        created_at: get(row, "created_at", "upload_requests.created_at")?,
        expires_at: get(row, "expires_at", "upload_requests.expires_at")?,
        max_uploads: count(row, "max_uploads", "upload_requests.max_uploads")?,
        uploads: count(row, "uploads", "upload_requests.uploads")?,
        state,
        envelopes: Vec::new(),
    })
}
