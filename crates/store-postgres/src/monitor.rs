//! Flow monitor: baselines, holds on downloads, canaries (as `pli-store-sqlite`'s `monitor`).

use crate::accounts::{account_by_id, connection};
use crate::mailboxes::ensure_exists;
use crate::rows::{blob, get, id_from_row, mailbox_from_row};
use crate::{commit, map_err, write};
use pli_store::{Canary, DownloadHold, HoldKind, Id, NewCanary, Result, StoreError, Timestamp};
use sqlx::postgres::PgPool;

fn hold_code(kind: HoldKind) -> i64 {
    match kind {
        HoldKind::StepUp => 1,
        HoldKind::Blocked => 2,
    }
}

fn hold_kind(code: i64) -> Result<HoldKind> {
    match code {
        1 => Ok(HoldKind::StepUp),
        2 => Ok(HoldKind::Blocked),
        _ => Err(StoreError::Corrupt("download_holds.kind".into())),
    }
}

pub(crate) async fn monitor_baseline(pool: &PgPool, subject: Id) -> Result<Option<Vec<u8>>> {
    let mut connection = connection(pool).await?;
    sqlx::query_scalar("SELECT state FROM monitor_baselines WHERE subject_id = $1")
        .bind(blob(subject))
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, "monitor baseline"))
}

pub(crate) async fn save_monitor_baselines(
    pool: &PgPool,
    baselines: &[(Id, Vec<u8>)],
    at: Timestamp,
) -> Result<()> {
    if baselines.is_empty() {
        return Ok(());
    }
    let mut tx = write(pool).await?;
    for (subject, state) in baselines {
        sqlx::query(
            "INSERT INTO monitor_baselines (subject_id, state, saved_at) VALUES ($1, $2, $3) \
             ON CONFLICT (subject_id) DO UPDATE SET state = excluded.state, \
             saved_at = excluded.saved_at",
        )
        .bind(blob(*subject))
        .bind(state.as_slice())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "monitor baseline"))?;
    }
    commit(tx).await
}

pub(crate) async fn set_download_hold(pool: &PgPool, hold: &DownloadHold) -> Result<()> {
    let mut tx = write(pool).await?;
    // The upsert's WHERE keeps a block from turning back into a step-up, atomically.
    sqlx::query(
        "INSERT INTO download_holds (account_id, kind, at, rule, details) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET \
         kind = excluded.kind, at = excluded.at, rule = excluded.rule, \
         details = excluded.details WHERE excluded.kind >= download_holds.kind",
    )
    .bind(blob(hold.account_id))
    .bind(hold_code(hold.kind))
    .bind(hold.at)
    .bind(&hold.rule)
    .bind(&hold.details)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "download hold"))?;
    commit(tx).await
}

pub(crate) async fn download_hold(pool: &PgPool, account_id: Id) -> Result<Option<DownloadHold>> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(
        "SELECT account_id, kind, at, rule, details FROM download_holds WHERE account_id = $1",
    )
    .bind(blob(account_id))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, "download hold"))?;
    row.map(|row| {
        Ok(DownloadHold {
            account_id: id_from_row(&row, "account_id", "download_holds.account_id")?,
            kind: hold_kind(get(&row, "kind", "download_holds.kind")?)?,
            at: get(&row, "at", "download_holds.at")?,
            rule: get(&row, "rule", "download_holds.rule")?,
            details: get(&row, "details", "download_holds.details")?,
        })
    })
    .transpose()
}

pub(crate) async fn lift_download_hold(
    pool: &PgPool,
    account_id: Id,
    up_to: HoldKind,
) -> Result<()> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM download_holds WHERE account_id = $1 AND kind <= $2")
        .bind(blob(account_id))
        .bind(hold_code(up_to))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "download hold"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}

pub(crate) async fn add_canary(pool: &PgPool, canary: &NewCanary) -> Result<()> {
    let mut tx = write(pool).await?;
    ensure_exists(
        &mut tx,
        "SELECT 1 FROM envelopes WHERE id = $1",
        canary.envelope_id,
    )
    .await?;
    ensure_exists(
        &mut tx,
        "SELECT 1 FROM mailboxes WHERE id = $1",
        canary.mailbox_id,
    )
    .await?;
    let planter = account_by_id(&mut tx, canary.planted_by).await?;
    sqlx::query(
        "INSERT INTO canaries (envelope_id, mailbox_id, planted_by, planted_by_email, \
         planted_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(blob(canary.envelope_id))
    .bind(blob(canary.mailbox_id))
    .bind(blob(canary.planted_by))
    .bind(&planter.email)
    .bind(canary.planted_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "canary"))?;
    commit(tx).await
}

pub(crate) async fn canaries(pool: &PgPool, org_id: Option<Id>) -> Result<Vec<Canary>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT c.envelope_id, c.planted_by_email, c.planted_at, m.id, m.name, m.org_id, \
         o.name AS org_name FROM canaries c JOIN mailboxes m ON m.id = c.mailbox_id \
         JOIN orgs o ON o.id = m.org_id WHERE $1::BYTEA IS NULL OR m.org_id = $1 \
         ORDER BY c.planted_at, c.envelope_id",
    )
    .bind(org_id.map(blob))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "canary"))?;
    rows.iter()
        .map(|row| {
            Ok(Canary {
                envelope_id: id_from_row(row, "envelope_id", "canaries.envelope_id")?,
                mailbox: mailbox_from_row(row)?,
                planted_by_email: get(row, "planted_by_email", "canaries.planted_by_email")?,
                planted_at: get(row, "planted_at", "canaries.planted_at")?,
            })
        })
        .collect()
}
