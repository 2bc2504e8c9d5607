//! Flow monitor: baselines, holds on downloads, canaries; the SQL behind the last block of
//! [`Store`](pli_store::Store) methods.

use crate::rows::{blob, get, id_from_row, mailbox_from_row};
use crate::{SqliteStore, account_by_id, commit, ensure_exists, map_err};
use pli_store::{Canary, DownloadHold, HoldKind, Id, NewCanary, Result, StoreError, Timestamp};

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

impl SqliteStore {
    pub(crate) async fn monitor_baseline_impl(&self, subject: Id) -> Result<Option<Vec<u8>>> {
        let mut connection = self.read_one().await?;
        sqlx::query_scalar("SELECT state FROM monitor_baselines WHERE subject_id = ?")
            .bind(blob(subject))
            .fetch_optional(&mut *connection)
            .await
            .map_err(|error| map_err(error, "monitor baseline"))
    }

    pub(crate) async fn save_monitor_baselines_impl(
        &self,
        baselines: &[(Id, Vec<u8>)],
        at: Timestamp,
    ) -> Result<()> {
        if baselines.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        for (subject, state) in baselines {
            sqlx::query(
                "INSERT INTO monitor_baselines (subject_id, state, saved_at) VALUES (?, ?, ?) \
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

    pub(crate) async fn set_download_hold_impl(&self, hold: &DownloadHold) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO download_holds (account_id, kind, at, rule, details) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET \
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

    pub(crate) async fn download_hold_impl(&self, account_id: Id) -> Result<Option<DownloadHold>> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(
            "SELECT account_id, kind, at, rule, details FROM download_holds WHERE account_id = ?",
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

    pub(crate) async fn lift_download_hold_impl(
        &self,
        account_id: Id,
        up_to: HoldKind,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM download_holds WHERE account_id = ? AND kind <= ?")
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

    pub(crate) async fn add_canary_impl(&self, canary: &NewCanary) -> Result<()> {
        let mut tx = self.write().await?;
        ensure_exists(
            &mut tx,
            "SELECT 1 FROM envelopes WHERE id = ?",
            canary.envelope_id,
        )
        .await?;
        ensure_exists(
            &mut tx,
            "SELECT 1 FROM mailboxes WHERE id = ?",
            canary.mailbox_id,
        )
        .await?;
        let planter = account_by_id(&mut tx, canary.planted_by).await?;
        sqlx::query(
            "INSERT INTO canaries (envelope_id, mailbox_id, planted_by, planted_by_email, \
             planted_at) VALUES (?, ?, ?, ?, ?)",
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

    pub(crate) async fn canaries_impl(&self, org_id: Option<Id>) -> Result<Vec<Canary>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT c.envelope_id, c.planted_by_email, c.planted_at, m.id, m.name, m.org_id, \
             o.name AS org_name FROM canaries c JOIN mailboxes m ON m.id = c.mailbox_id \
             JOIN orgs o ON o.id = m.org_id WHERE ?1 IS NULL OR m.org_id = ?1 \
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
}
