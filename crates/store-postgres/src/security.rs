//! Second factor, brute-force limits, scoped and expiring access, alerts: the SQL behind the
//! block of [`Store`](pli_store::Store) methods of the same name, as on SQLite.

use crate::accounts::connection;
use crate::mailboxes::lock_mailbox;
use crate::rows::{self, blob, get, id_from_row};
use crate::{ALERT_LOCK, commit, map_err, write};
use pli_store::{
    Access, AccessEntry, Alert, Id, MailboxAccess, NewAlert, Result, StoreError, Timestamp, Totp,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};

pub(crate) async fn totp(pool: &PgPool, account_id: Id) -> Result<Option<Totp>> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(
        "SELECT secret, confirmed, last_step, created_at FROM totp WHERE account_id = $1",
    )
    .bind(blob(account_id))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, "totp"))?;
    row.map(|row| {
        Ok(Totp {
            secret: get(&row, "secret", "totp.secret")?,
            confirmed: get(&row, "confirmed", "totp.confirmed")?,
            last_step: get(&row, "last_step", "totp.last_step")?,
            created_at: get(&row, "created_at", "totp.created_at")?,
        })
    })
    .transpose()
}

pub(crate) async fn begin_totp(
    pool: &PgPool,
    account_id: Id,
    secret: &[u8],
    at: Timestamp,
) -> Result<()> {
    let mut tx = write(pool).await?;
    // The account's row lock orders this against a concurrent confirmation: the check of
    // "no confirmed factor" and the replacement are one compare-and-set.
    lock_account(&mut tx, account_id).await?;
    let confirmed: Option<bool> =
        sqlx::query_scalar("SELECT confirmed FROM totp WHERE account_id = $1")
            .bind(blob(account_id))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "totp"))?;
    if confirmed == Some(true) {
        return Err(StoreError::Conflict("totp"));
    }
    sqlx::query(
        "INSERT INTO totp (account_id, secret, confirmed, last_step, created_at) \
         VALUES ($1, $2, FALSE, 0, $3) ON CONFLICT (account_id) DO UPDATE SET \
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

pub(crate) async fn confirm_totp(
    pool: &PgPool,
    account_id: Id,
    step: i64,
    recovery_hashes: &[[u8; 32]],
) -> Result<()> {
    let mut tx = write(pool).await?;
    // The UPDATE locks the row and re-checks `NOT confirmed` after any concurrent writer
    // commits: one confirmation wins.
    let done = sqlx::query(
        "UPDATE totp SET confirmed = TRUE, last_step = $1 \
         WHERE account_id = $2 AND NOT confirmed",
    )
    .bind(step)
    .bind(blob(account_id))
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "totp"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "recovery code"))?;
    let hashes: Vec<Vec<u8>> = recovery_hashes.iter().map(|hash| hash.to_vec()).collect();
    sqlx::query(
        "INSERT INTO recovery_codes (account_id, code_hash) SELECT $1, hash FROM UNNEST($2) AS hash",
    )
    .bind(blob(account_id))
    .bind(&hashes)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "recovery code"))?;
    commit(tx).await
}

pub(crate) async fn delete_totp(pool: &PgPool, account_id: Id) -> Result<()> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM totp WHERE account_id = $1")
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "totp"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "recovery code"))?;
    commit(tx).await
}

pub(crate) async fn use_totp_step(pool: &PgPool, account_id: Id, step: i64) -> Result<()> {
    let mut tx = write(pool).await?;
    // `FOR UPDATE`: two servers checking the same code at once see one another's step, so a
    // code is accepted once.
    let last_step: Option<i64> = sqlx::query_scalar(
        "SELECT last_step FROM totp WHERE account_id = $1 AND confirmed FOR UPDATE",
    )
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
    sqlx::query("UPDATE totp SET last_step = $1 WHERE account_id = $2")
        .bind(step)
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "totp"))?;
    commit(tx).await
}

pub(crate) async fn use_recovery_code(
    pool: &PgPool,
    account_id: Id,
    code_hash: &[u8; 32],
) -> Result<()> {
    let mut tx = write(pool).await?;
    // The hash of a 100-bit random code is looked up by equality: the index lookup cannot
    // leak anything useful about other codes' hashes. Of two concurrent uses, the second
    // DELETE finds the row gone: one succeeds.
    let done = sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1 AND code_hash = $2")
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

pub(crate) async fn recovery_codes_left(pool: &PgPool, account_id: Id) -> Result<u32> {
    let mut connection = connection(pool).await?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE account_id = $1")
            .bind(blob(account_id))
            .fetch_one(&mut *connection)
            .await
            .map_err(|error| map_err(error, "recovery code"))?;
    u32::try_from(count).map_err(|_| StoreError::Corrupt("recovery_codes".into()))
}

pub(crate) async fn set_org_requires_totp(pool: &PgPool, org_id: Id, required: bool) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO org_policies (org_id, require_totp) VALUES ($1, $2) \
         ON CONFLICT (org_id) DO UPDATE SET require_totp = excluded.require_totp",
    )
    .bind(blob(org_id))
    .bind(required)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "organisation policy"))?;
    commit(tx).await
}

pub(crate) async fn org_requires_totp(pool: &PgPool, org_id: Id) -> Result<bool> {
    let mut connection = connection(pool).await?;
    let required: Option<bool> =
        sqlx::query_scalar("SELECT require_totp FROM org_policies WHERE org_id = $1")
            .bind(blob(org_id))
            .fetch_optional(&mut *connection)
            .await
            .map_err(|error| map_err(error, "organisation policy"))?;
    Ok(required == Some(true))
}

pub(crate) async fn record_login_failure(
    pool: &PgPool,
    email: &str,
    at: Timestamp,
    since: Timestamp,
) -> Result<u32> {
    let mut tx = write(pool).await?;
    // Serializes failures of one email across servers, so each sees the others' in its count
    // (SQLite's single writer gives that for free); other emails are not held up.
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(LOGIN_LOCK_CLASS)
        .bind(email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login failure"))?;
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND at < $2")
        .bind(email)
        .bind(since)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login failure"))?;
    sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
        .bind(email)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login failure"))?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2")
            .bind(email)
            .bind(since)
            .fetch_one(&mut *tx)
            .await
            .map_err(|error| map_err(error, "login failure"))?;
    commit(tx).await?;
    u32::try_from(count).map_err(|_| StoreError::Corrupt("login_failures".into()))
}

pub(crate) async fn clear_login_failures(pool: &PgPool, email: &str) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login failure"))?;
    commit(tx).await
}

pub(crate) async fn lock_login(pool: &PgPool, email: &str, until: Timestamp) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO login_locks (email, locked_until) VALUES ($1, $2) \
         ON CONFLICT (email) DO UPDATE SET \
         locked_until = GREATEST(login_locks.locked_until, excluded.locked_until)",
    )
    .bind(email)
    .bind(until)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "login lock"))?;
    commit(tx).await
}

pub(crate) async fn login_locked_until(
    pool: &PgPool,
    email: &str,
    at: Timestamp,
) -> Result<Option<Timestamp>> {
    let mut connection = connection(pool).await?;
    sqlx::query_scalar(
        "SELECT locked_until FROM login_locks WHERE email = $1 AND locked_until > $2",
    )
    .bind(email)
    .bind(at)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_err(error, "login lock"))
}

pub(crate) async fn unlock_login(pool: &PgPool, email: &str) -> Result<()> {
    let mut tx = write(pool).await?;
    let locks = sqlx::query("DELETE FROM login_locks WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login lock"))?;
    let failures = sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "login failure"))?;
    if locks.rows_affected() == 0 && failures.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}

pub(crate) async fn set_access(
    pool: &PgPool,
    mailbox_id: Id,
    account_id: Id,
    access: &Access,
    at: Timestamp,
) -> Result<()> {
    let mut tx = write(pool).await?;
    // Like every change of a mailbox's members: under its row lock, so key generations and
    // members' copies are checked against a stable set.
    lock_mailbox(&mut tx, mailbox_id).await?;
    let could_read: Option<bool> = sqlx::query_scalar(
        "SELECT can_read FROM memberships WHERE mailbox_id = $1 AND account_id = $2",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    // A missing account fails the foreign key check: NotFound.
    sqlx::query(
        "INSERT INTO memberships (mailbox_id, account_id, can_read, can_send, granted, until) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mailbox_id, account_id) DO UPDATE SET \
         can_read = excluded.can_read, can_send = excluded.can_send, \
         granted = excluded.granted, until = excluded.until",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .bind(access.read)
    .bind(access.send)
    .bind(access.granted)
    .bind(access.until)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    if could_read == Some(true) && !access.read {
        record_removal(&mut tx, mailbox_id, account_id, at).await?;
    }
    commit(tx).await
}

pub(crate) async fn account_access(pool: &PgPool, account_id: Id) -> Result<Vec<MailboxAccess>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT m.id, m.name, m.org_id, o.name AS org_name, \
         ms.can_read, ms.can_send, ms.granted, ms.until \
         FROM memberships ms JOIN mailboxes m ON m.id = ms.mailbox_id \
         JOIN orgs o ON o.id = m.org_id WHERE ms.account_id = $1 ORDER BY m.name",
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

pub(crate) async fn org_access(pool: &PgPool, org_id: Id) -> Result<Vec<AccessEntry>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT m.id, m.name, m.org_id, o.name AS org_name, a.id AS account_id, a.email, \
         ms.can_read, ms.can_send, ms.granted, ms.until \
         FROM memberships ms JOIN mailboxes m ON m.id = ms.mailbox_id \
         JOIN orgs o ON o.id = m.org_id JOIN accounts a ON a.id = ms.account_id \
         WHERE m.org_id = $1 AND (ms.granted OR ms.until IS NOT NULL) \
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

pub(crate) async fn expire_access(pool: &PgPool, at: Timestamp) -> Result<u32> {
    let mut tx = write(pool).await?;
    // The mailboxes concerned are locked first, in id order (as every multi-mailbox change
    // does, so two of them never deadlock), then their expired rows deleted.
    let mailboxes: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT id FROM mailboxes WHERE id IN \
         (SELECT mailbox_id FROM memberships WHERE until IS NOT NULL AND until <= $1) \
         ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(at)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox"))?;
    let expired = sqlx::query(
        "DELETE FROM memberships WHERE until IS NOT NULL AND until <= $1 AND mailbox_id = ANY($2) \
         RETURNING mailbox_id, account_id, can_read",
    )
    .bind(at)
    .bind(&mailboxes)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    for row in &expired {
        let can_read: bool = get(row, "can_read", "memberships.can_read")?;
        if can_read {
            let mailbox_id = id_from_row(row, "mailbox_id", "memberships.mailbox_id")?;
            let account_id = id_from_row(row, "account_id", "memberships.account_id")?;
            record_removal(&mut tx, mailbox_id, account_id, at).await?;
        }
    }
    commit(tx).await?;
    u32::try_from(expired.len()).map_err(|_| StoreError::Backend("too many rows".into()))
}

pub(crate) async fn add_alert(pool: &PgPool, alert: &NewAlert) -> Result<()> {
    let mut tx = write(pool).await?;
    // One insert at a time across servers: sequence numbers become visible in increasing
    // order, so a reader following `seq` never skips one committed late.
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(ALERT_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "alert"))?;
    sqlx::query(
        "INSERT INTO alerts (at, org_id, account_id, email, kind, details) \
         VALUES ($1, $2, $3, $4, $5, $6)",
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

pub(crate) async fn alerts(
    pool: &PgPool,
    org_id: Id,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<Alert>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT seq, at, org_id, account_id, email, kind, details FROM alerts \
         WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
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

/// First key of the two-key advisory locks that serialize login failures per email.
const LOGIN_LOCK_CLASS: i32 = 0x706c_6931;

fn access_from_row(row: &PgRow) -> Result<Access> {
    Ok(Access {
        read: get(row, "can_read", "memberships.can_read")?,
        send: get(row, "can_send", "memberships.can_send")?,
        granted: get(row, "granted", "memberships.granted")?,
        until: get(row, "until", "memberships.until")?,
    })
}

/// Locks the account's row until the transaction ends, or `NotFound`.
async fn lock_account(tx: &mut PgConnection, account_id: Id) -> Result<()> {
    sqlx::query("SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE")
        .bind(blob(account_id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "account"))?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// Same record as `remove_member` makes: later generations see it and go stale.
async fn record_removal(
    tx: &mut PgConnection,
    mailbox_id: Id,
    account_id: Id,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mailbox_removals (mailbox_id, account_id, removed_at) VALUES ($1, $2, $3)",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox removal"))?;
    Ok(())
}
