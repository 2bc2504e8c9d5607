//! Functional mailboxes and their members.

use crate::accounts::connection;
use crate::rows::{
    ACCOUNT_COLUMNS, MAILBOX_COLUMNS, account_from_row, blob, mailbox_from_row, org_from_row,
};
use crate::{commit, map_err, read, write};
use pli_store::{Account, Id, Mailbox, Result, StoreError, Timestamp};
use sqlx::PgConnection;
use sqlx::postgres::PgPool;

pub(crate) async fn create_mailbox(pool: &PgPool, org_id: Id, name: &str) -> Result<Mailbox> {
    let mut tx = write(pool).await?;
    let org_row = sqlx::query("SELECT id, name FROM orgs WHERE id = $1")
        .bind(blob(org_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation"))?;
    let org = org_from_row(&org_row)?;
    let mailbox = Mailbox {
        id: Id::random(),
        name: name.to_owned(),
        org,
    };
    sqlx::query("INSERT INTO mailboxes (id, name, org_id) VALUES ($1, $2, $3)")
        .bind(blob(mailbox.id))
        .bind(&mailbox.name)
        .bind(blob(org_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox name"))?;
    commit(tx).await?;
    Ok(mailbox)
}

pub(crate) async fn mailbox_by_name(pool: &PgPool, name: &str) -> Result<Mailbox> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(&format!("{MAILBOX_COLUMNS} WHERE m.name = $1"))
        .bind(name)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_err(error, "mailbox"))?;
    mailbox_from_row(&row)
}

/// Idempotent. `NotFound` for a missing mailbox or account.
pub(crate) async fn add_member(pool: &PgPool, mailbox_id: Id, account_id: Id) -> Result<()> {
    let mut tx = write(pool).await?;
    lock_mailbox(&mut tx, mailbox_id).await?;
    // A missing account fails the foreign key check: NotFound.
    sqlx::query(
        "INSERT INTO memberships (mailbox_id, account_id) VALUES ($1, $2) \
         ON CONFLICT (mailbox_id, account_id) DO UPDATE SET can_read = TRUE, can_send = TRUE, \
         granted = FALSE, until = NULL",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    commit(tx).await
}

pub(crate) async fn remove_member(
    pool: &PgPool,
    mailbox_id: Id,
    account_id: Id,
    at: Timestamp,
) -> Result<()> {
    let mut tx = write(pool).await?;
    lock_mailbox(&mut tx, mailbox_id).await?;
    let done = sqlx::query("DELETE FROM memberships WHERE mailbox_id = $1 AND account_id = $2")
        .bind(blob(mailbox_id))
        .bind(blob(account_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "membership"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    // In the same transaction: no reader ever sees the member gone and the key still fresh.
    sqlx::query(
        "INSERT INTO mailbox_removals (mailbox_id, account_id, removed_at) VALUES ($1, $2, $3)",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox removal"))?;
    commit(tx).await
}

/// Current members, ordered by email. `NotFound` if the mailbox does not exist.
pub(crate) async fn mailbox_members(pool: &PgPool, mailbox_id: Id) -> Result<Vec<Account>> {
    let mut tx = read(pool).await?;
    ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = $1", mailbox_id).await?;
    let rows = sqlx::query(&format!(
        "{ACCOUNT_COLUMNS} JOIN memberships ms ON ms.account_id = a.id \
         WHERE ms.mailbox_id = $1 AND ms.can_read ORDER BY a.email"
    ))
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    rows.iter().map(account_from_row).collect()
}

/// Mailboxes of the account, ordered by name. `NotFound` if the account does not exist.
pub(crate) async fn account_mailboxes(pool: &PgPool, account_id: Id) -> Result<Vec<Mailbox>> {
    let mut tx = read(pool).await?;
    ensure_exists(&mut tx, "SELECT 1 FROM accounts WHERE id = $1", account_id).await?;
    let rows = sqlx::query(&format!(
        "{MAILBOX_COLUMNS} JOIN memberships ms ON ms.mailbox_id = m.id \
         WHERE ms.account_id = $1 AND ms.can_read ORDER BY m.name"
    ))
    .bind(blob(account_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    rows.iter().map(mailbox_from_row).collect()
}

/// Locks the mailbox's row until the transaction ends, or `NotFound`. Every change of its
/// members or key generations takes this lock first, which is what makes the key
/// compare-and-set of `create_mailbox_key` hold between servers. `NO KEY UPDATE` leaves
/// inserts that merely reference the mailbox (envelopes addressed to it) unblocked.
pub(crate) async fn lock_mailbox(tx: &mut PgConnection, mailbox_id: Id) -> Result<()> {
    sqlx::query("SELECT 1 FROM mailboxes WHERE id = $1 FOR NO KEY UPDATE")
        .bind(blob(mailbox_id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox"))?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

pub(crate) async fn ensure_exists(tx: &mut PgConnection, sql: &'static str, id: Id) -> Result<()> {
    sqlx::query(sql)
        .bind(blob(id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "row"))?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// Ids of the mailbox's current members, sorted (by their bytes).
pub(crate) async fn member_ids(tx: &mut PgConnection, mailbox_id: Id) -> Result<Vec<Id>> {
    let rows = sqlx::query(
        "SELECT account_id FROM memberships WHERE mailbox_id = $1 AND can_read \
         ORDER BY account_id",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    rows.iter()
        .map(|row| crate::rows::id_from_row(row, "account_id", "memberships.account_id"))
        .collect()
}
