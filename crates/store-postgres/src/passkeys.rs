//! Passkeys and WebAuthn ceremonies: the SQL behind the block of
//! [`Store`](pli_store::Store) methods of the same name, as on SQLite.

use crate::accounts::connection;
use crate::rows::{blob, get, id_from_row};
use crate::{commit, map_err, write};
use pli_store::{Ceremony, CeremonyKind, Id, Result, StoreError, StoredPasskey, Timestamp};
use sqlx::postgres::{PgPool, PgRow};

fn passkey_from_row(row: &PgRow) -> Result<StoredPasskey> {
    Ok(StoredPasskey {
        id: id_from_row(row, "id", "passkeys.id")?,
        account_id: id_from_row(row, "account_id", "passkeys.account_id")?,
        credential_id: get(row, "credential_id", "passkeys.credential_id")?,
        name: get(row, "name", "passkeys.name")?,
        data: get(row, "data", "passkeys.data")?,
        created_at: get(row, "created_at", "passkeys.created_at")?,
        last_used_at: get(row, "last_used_at", "passkeys.last_used_at")?,
    })
}

pub(crate) async fn add_passkey(pool: &PgPool, passkey: &StoredPasskey) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO passkeys (id, account_id, credential_id, name, data, created_at, \
         last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(blob(passkey.id))
    .bind(blob(passkey.account_id))
    .bind(&passkey.credential_id)
    .bind(&passkey.name)
    .bind(&passkey.data)
    .bind(passkey.created_at)
    .bind(passkey.last_used_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "passkey"))?;
    commit(tx).await
}

pub(crate) async fn passkeys(pool: &PgPool, account_id: Id) -> Result<Vec<StoredPasskey>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT id, account_id, credential_id, name, data, created_at, last_used_at \
         FROM passkeys WHERE account_id = $1 ORDER BY created_at, id",
    )
    .bind(blob(account_id))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "passkey"))?;
    rows.iter().map(passkey_from_row).collect()
}

pub(crate) async fn passkey_used(pool: &PgPool, id: Id, data: &str, at: Timestamp) -> Result<()> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("UPDATE passkeys SET data = $1, last_used_at = $2 WHERE id = $3")
        .bind(data)
        .bind(at)
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "passkey"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}

pub(crate) async fn delete_passkey(pool: &PgPool, account_id: Id, id: Id) -> Result<()> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND account_id = $2")
        .bind(blob(id))
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "passkey"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}

pub(crate) async fn put_ceremony(pool: &PgPool, ceremony: &Ceremony, now: Timestamp) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "ceremony"))?;
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (id, account_id, kind, state, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(blob(ceremony.id))
    .bind(blob(ceremony.account_id))
    .bind(ceremony.kind.as_str())
    .bind(&ceremony.state)
    .bind(ceremony.expires_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "ceremony"))?;
    commit(tx).await
}

pub(crate) async fn take_ceremony(
    pool: &PgPool,
    id: Id,
    account_id: Id,
    kind: CeremonyKind,
    now: Timestamp,
) -> Result<Ceremony> {
    let mut tx = write(pool).await?;
    let row = sqlx::query(
        "DELETE FROM webauthn_ceremonies WHERE id = $1 AND account_id = $2 AND kind = $3 \
         RETURNING state, expires_at",
    )
    .bind(blob(id))
    .bind(blob(account_id))
    .bind(kind.as_str())
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| map_err(error, "ceremony"))?;
    commit(tx).await?;
    let row = row.ok_or(StoreError::NotFound)?;
    let expires_at: Timestamp = get(&row, "expires_at", "webauthn_ceremonies.expires_at")?;
    if expires_at <= now {
        return Err(StoreError::NotFound);
    }
    Ok(Ceremony {
        id,
        account_id,
        kind,
        state: get(&row, "state", "webauthn_ceremonies.state")?,
        expires_at,
    })
}
