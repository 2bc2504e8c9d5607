//! Second factor, brute-force limits, scoped and expiring access, alerts: the SQL behind the
//! last block of [`Store`](pli_store::Store) methods.

use crate::rows::{self, blob, get, id_from_row};
use crate::{SqliteStore, commit, map_err};
use pli_store::{
    Access, AccessEntry, Alert, Id, MailboxAccess, NewAlert, Result, StoreError, Timestamp, Totp,
};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

impl SqliteStore {
    pub(crate) async fn totp_impl(&self, account_id: Id) -> Result<Option<Totp>> {
        let mut connection = self.read_one().await?;
        let row = sqlx::query(
            "SELECT secret, confirmed, last_step, created_at FROM totp WHERE account_id = ?",
        )
        .bind(blob(account_id))
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, "totp"))?;
        row.map(|row| {
            let confirmed: i64 = get(&row, "confirmed", "totp.confirmed")?;
            Ok(Totp {
                secret: get(&row, "secret", "totp.secret")?,
                confirmed: confirmed == 1,
                last_step: get(&row, "last_step", "totp.last_step")?,
                created_at: get(&row, "created_at", "totp.created_at")?,
            })
        })
        .transpose()
    }

    pub(crate) async fn begin_totp_impl(
        &self,
        account_id: Id,
        secret: &[u8],
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let confirmed: Option<i64> =
            sqlx::query_scalar("SELECT confirmed FROM totp WHERE account_id = ?")
                .bind(blob(account_id))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|error| map_err(error, "totp"))?;
        if confirmed == Some(1) {
            return Err(StoreError::Conflict("totp"));
        }
        sqlx::query(
            "INSERT INTO totp (account_id, secret, confirmed, last_step, created_at) \
             VALUES (?, ?, 0, 0, ?) ON CONFLICT (account_id) DO UPDATE SET \
             secret = excluded.secret, created_at = excluded.created_at",
        )
        .bind(blob(account_id))
        .bind(secret)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "totp"))?;
        commit(tx).await
    }

    pub(crate) async fn confirm_totp_impl(
        &self,
        account_id: Id,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE totp SET confirmed = 1, last_step = ? WHERE account_id = ? AND confirmed = 0",
        )
        .bind(step)
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "totp"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = ?")
            .bind(blob(account_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "recovery code"))?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (account_id, code_hash) VALUES (?, ?)")
                .bind(blob(account_id))
                .bind(hash.as_slice())
                .execute(&mut *tx)
                .await
                .map_err(|error| map_err(error, "recovery code"))?;
        }
        commit(tx).await
    }

    pub(crate) async fn delete_totp_impl(&self, account_id: Id) -> Result<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM totp WHERE account_id = ?")
            .bind(blob(account_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "totp"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = ?")
            .bind(blob(account_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "recovery code"))?;
        commit(tx).await
    }

    pub(crate) async fn use_totp_step_impl(&self, account_id: Id, step: i64) -> Result<()> {
        let mut tx = self.write().await?;
        let last_step: Option<i64> =
            sqlx::query_scalar("SELECT last_step FROM totp WHERE account_id = ? AND confirmed = 1")
                .bind(blob(account_id))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|error| map_err(error, "totp"))?;
        let Some(last_step) = last_step else {
            return Err(StoreError::NotFound);
        };
        if step <= last_step {
            return Err(StoreError::Conflict("totp step"));
        }
        sqlx::query("UPDATE totp SET last_step = ? WHERE account_id = ?")
            .bind(step)
            .bind(blob(account_id))
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "totp"))?;
        commit(tx).await
    }

    pub(crate) async fn use_recovery_code_impl(
        &self,
        account_id: Id,
        code_hash: &[u8; 32],
    ) -> Result<()> {
        let mut tx = self.write().await?;
        // The hash of a 100-bit random code is looked up by equality: the index lookup cannot
        // leak anything useful about other codes' hashes.
        let done = sqlx::query("DELETE FROM recovery_codes WHERE account_id = ? AND code_hash = ?")
            .bind(blob(account_id))
            .bind(code_hash.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "recovery code"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        commit(tx).await
    }

    pub(crate) async fn recovery_codes_left_impl(&self, account_id: Id) -> Result<u32> {
        let mut connection = self.read_one().await?;
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE account_id = ?")
                .bind(blob(account_id))
                .fetch_one(&mut *connection)
                .await
                .map_err(|error| map_err(error, "recovery code"))?;
        u32::try_from(count).map_err(|_| StoreError::Corrupt("recovery_codes".into()))
    }

    pub(crate) async fn set_org_requires_totp_impl(
        &self,
        org_id: Id,
        required: bool,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO org_policies (org_id, require_totp) VALUES (?, ?) \
             ON CONFLICT (org_id) DO UPDATE SET require_totp = excluded.require_totp",
        )
        .bind(blob(org_id))
        .bind(i64::from(required))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation policy"))?;
        commit(tx).await
    }

    pub(crate) async fn org_requires_totp_impl(&self, org_id: Id) -> Result<bool> {
        let mut connection = self.read_one().await?;
        let required: Option<i64> =
            sqlx::query_scalar("SELECT require_totp FROM org_policies WHERE org_id = ?")
                .bind(blob(org_id))
                .fetch_optional(&mut *connection)
                .await
                .map_err(|error| map_err(error, "organisation policy"))?;
        Ok(required == Some(1))
    }

    pub(crate) async fn record_login_failure_impl(
        &self,
        email: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> Result<u32> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM login_failures WHERE email = ? AND at < ?")
            .bind(email)
            .bind(since)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login failure"))?;
        sqlx::query("INSERT INTO login_failures (email, at) VALUES (?, ?)")
            .bind(email)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login failure"))?;
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?")
                .bind(email)
                .bind(since)
                .fetch_one(&mut *tx)
                .await
                .map_err(|error| map_err(error, "login failure"))?;
        commit(tx).await?;
        u32::try_from(count).map_err(|_| StoreError::Corrupt("login_failures".into()))
    }

    pub(crate) async fn clear_login_failures_impl(&self, email: &str) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM login_failures WHERE email = ?")
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login failure"))?;
        commit(tx).await
    }

    pub(crate) async fn lock_login_impl(&self, email: &str, until: Timestamp) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO login_locks (email, locked_until) VALUES (?, ?) \
             ON CONFLICT (email) DO UPDATE SET locked_until = MAX(locked_until, excluded.locked_until)",
        )
        .bind(email)
        .bind(until)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login lock"))?;
        commit(tx).await
    }

    pub(crate) async fn login_locked_until_impl(
        &self,
        email: &str,
        at: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let mut connection = self.read_one().await?;
        sqlx::query_scalar(
            "SELECT locked_until FROM login_locks WHERE email = ? AND locked_until > ?",
        )
        .bind(email)
        .bind(at)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_err(error, "login lock"))
    }

    pub(crate) async fn unlock_login_impl(&self, email: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let locks = sqlx::query("DELETE FROM login_locks WHERE email = ?")
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login lock"))?;
        let failures = sqlx::query("DELETE FROM login_failures WHERE email = ?")
            .bind(email)
            .execute(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login failure"))?;
        if locks.rows_affected() == 0 && failures.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        commit(tx).await
    }

    pub(crate) async fn set_access_impl(
        &self,
        mailbox_id: Id,
        account_id: Id,
        access: &Access,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let could_read: Option<i64> = sqlx::query_scalar(
            "SELECT can_read FROM memberships WHERE mailbox_id = ? AND account_id = ?",
        )
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        // A missing mailbox or account fails the foreign key check: NotFound.
        sqlx::query(
            "INSERT INTO memberships (mailbox_id, account_id, can_read, can_send, granted, until) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET can_read = excluded.can_read, \
             can_send = excluded.can_send, granted = excluded.granted, until = excluded.until",
        )
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .bind(i64::from(access.read))
        .bind(i64::from(access.send))
        .bind(i64::from(access.granted))
        .bind(access.until)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        if could_read == Some(1) && !access.read {
            record_removal(&mut tx, mailbox_id, account_id, at).await?;
        }
        commit(tx).await
    }

    pub(crate) async fn account_access_impl(&self, account_id: Id) -> Result<Vec<MailboxAccess>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT m.id, m.name, m.org_id, o.name AS org_name, \
             ms.can_read, ms.can_send, ms.granted, ms.until \
             FROM memberships ms JOIN mailboxes m ON m.id = ms.mailbox_id \
             JOIN orgs o ON o.id = m.org_id WHERE ms.account_id = ? ORDER BY m.name",
        )
        .bind(blob(account_id))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        rows.iter()
            .map(|row| {
                Ok(MailboxAccess {
                    mailbox: rows::mailbox_from_row(row)?,
                    access: access_from_row(row)?,
                })
            })
            .collect()
    }

    pub(crate) async fn org_access_impl(&self, org_id: Id) -> Result<Vec<AccessEntry>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT m.id, m.name, m.org_id, o.name AS org_name, a.id AS account_id, a.email, \
             ms.can_read, ms.can_send, ms.granted, ms.until \
             FROM memberships ms JOIN mailboxes m ON m.id = ms.mailbox_id \
             JOIN orgs o ON o.id = m.org_id JOIN accounts a ON a.id = ms.account_id \
             WHERE m.org_id = ? AND (ms.granted = 1 OR ms.until IS NOT NULL) \
             ORDER BY a.email, m.name",
        )
        .bind(blob(org_id))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        rows.iter()
            .map(|row| {
                Ok(AccessEntry {
                    account_id: id_from_row(row, "account_id", "memberships.account_id")?,
                    email: get(row, "email", "accounts.email")?,
                    mailbox: rows::mailbox_from_row(row)?,
                    access: access_from_row(row)?,
                })
            })
            .collect()
    }

    pub(crate) async fn expire_access_impl(&self, at: Timestamp) -> Result<u32> {
        let mut tx = self.write().await?;
        let expired = sqlx::query(
            "DELETE FROM memberships WHERE until IS NOT NULL AND until <= ? \
             RETURNING mailbox_id, account_id, can_read",
        )
        .bind(at)
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
        for row in &expired {
            let can_read: i64 = get(row, "can_read", "memberships.can_read")?;
            if can_read == 1 {
                let mailbox_id = id_from_row(row, "mailbox_id", "memberships.mailbox_id")?;
                let account_id = id_from_row(row, "account_id", "memberships.account_id")?;
                record_removal(&mut tx, mailbox_id, account_id, at).await?;
            }
        }
        commit(tx).await?;
        u32::try_from(expired.len()).map_err(|_| StoreError::Backend("too many rows".into()))
    }

    pub(crate) async fn add_alert_impl(&self, alert: &NewAlert) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO alerts (at, org_id, account_id, email, kind, details) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(alert.at)
        .bind(blob(alert.org_id))
        .bind(alert.account_id.map(blob))
        .bind(&alert.email)
        .bind(&alert.kind)
        .bind(&alert.details)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "alert"))?;
        commit(tx).await
    }

    pub(crate) async fn alerts_impl(
        &self,
        org_id: Id,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<Alert>> {
        let mut connection = self.read_one().await?;
        let rows = sqlx::query(
            "SELECT seq, at, org_id, account_id, email, kind, details FROM alerts \
             WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(blob(org_id))
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&mut *connection)
        .await
        .map_err(|error| map_err(error, "alert"))?;
        rows.iter()
            .map(|row| {
                let account_id: Option<Vec<u8>> = get(row, "account_id", "alerts.account_id")?;
                let account_id = account_id
                    .map(|bytes| {
                        <[u8; 16]>::try_from(bytes.as_slice())
                            .map(Id::from_bytes)
                            .map_err(|_| StoreError::Corrupt("alerts.account_id".into()))
                    })
                    .transpose()?;
                Ok(Alert {
                    seq: get(row, "seq", "alerts.seq")?,
                    alert: NewAlert {
                        at: get(row, "at", "alerts.at")?,
                        org_id: id_from_row(row, "org_id", "alerts.org_id")?,
                        account_id,
                        email: get(row, "email", "alerts.email")?,
                        kind: get(row, "kind", "alerts.kind")?,
                        details: get(row, "details", "alerts.details")?,
                    },
                })
            })
            .collect()
    }
}

fn access_from_row(row: &SqliteRow) -> Result<Access> {
    let flag = |name: &str, column: &str| -> Result<bool> {
        let value: i64 = get(row, name, column)?;
        Ok(value == 1)
    };
    Ok(Access {
        read: flag("can_read", "memberships.can_read")?,
        send: flag("can_send", "memberships.can_send")?,
        granted: flag("granted", "memberships.granted")?,
        until: get(row, "until", "memberships.until")?,
    })
}

/// Same record as `remove_member` makes: later generations see it and go stale.
async fn record_removal(
    tx: &mut SqliteConnection,
    mailbox_id: Id,
    account_id: Id,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mailbox_removals (mailbox_id, account_id, removed_at) VALUES (?, ?, ?)",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox removal"))?;
    Ok(())
}
