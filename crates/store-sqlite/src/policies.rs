//! Sending policies of organisations: every version kept, a new one only if newer.

use pli_store::{Id, NewPolicy, Result, StoreError, StoredPolicy};

use crate::rows::{blob, get, id_from_row};
use crate::{SqliteStore, account_by_id, commit, ensure_exists, map_err, sql_index};

pub(crate) async fn set_policy(store: &SqliteStore, policy: &NewPolicy) -> Result<()> {
    let mut tx = store.write().await?;
    // The write lock is held to the commit: reading the latest version and inserting the next
    // one are one compare-and-set.
    ensure_exists(&mut tx, "SELECT 1 FROM orgs WHERE id = ?", policy.org_id).await?;
    let signer = account_by_id(&mut tx, policy.signer_id).await?;
    let latest: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) FROM sending_policies WHERE org_id = ?",
    )
    .bind(blob(policy.org_id))
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| map_err(error, "policy version"))?;
    let version = sql_index(policy.version)?;
    if version <= latest {
        return Err(StoreError::Conflict("policy version"));
    }
    sqlx::query(
        "INSERT INTO sending_policies (org_id, version, text, signer_id, signer_email, signature, \
         set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(blob(policy.org_id))
    .bind(version)
    .bind(&policy.text)
    .bind(blob(policy.signer_id))
    .bind(&signer.email)
    .bind(policy.signature.as_slice())
    .bind(policy.set_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "policy"))?;
    commit(tx).await
}

pub(crate) async fn latest_policy(store: &SqliteStore, org_id: Id) -> Result<Option<StoredPolicy>> {
    let mut connection = store.read_one().await?;
    let row = sqlx::query(
        "SELECT org_id, version, text, signer_email, signature, set_at, log_index \
         FROM sending_policies \
         WHERE org_id = ? ORDER BY version DESC LIMIT 1",
    )
    .bind(blob(org_id))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, "policy"))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let version: i64 = get(&row, "version", "sending_policies.version")?;
    Ok(Some(StoredPolicy {
        org_id: id_from_row(&row, "org_id", "sending_policies.org_id")?,
        version: u64::try_from(version)
            .map_err(|_| StoreError::Corrupt("sending_policies.version".into()))?,
        text: get(&row, "text", "sending_policies.text")?,
        signer_email: get(&row, "signer_email", "sending_policies.signer_email")?,
        signature: get(&row, "signature", "sending_policies.signature")?,
        set_at: get(&row, "set_at", "sending_policies.set_at")?,
        log_index: get::<Option<i64>>(&row, "log_index", "sending_policies.log_index")?
            .map(|index| {
                u64::try_from(index)
                    .map_err(|_| StoreError::Corrupt("sending_policies.log_index".into()))
            })
            .transpose()?,
    }))
}

pub(crate) async fn set_policy_log_index(
    store: &SqliteStore,
    org_id: Id,
    version: u64,
    index: u64,
) -> Result<()> {
    let mut tx = store.write().await?;
    let updated =
        sqlx::query("UPDATE sending_policies SET log_index = ? WHERE org_id = ? AND version = ?")
            .bind(sql_index(index)?)
            .bind(blob(org_id))
            .bind(sql_index(version)?)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "policy log index"))?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}
