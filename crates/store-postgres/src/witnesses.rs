//! Witnesses' cosignatures of audit log checkpoints, and keys published before key logging
//! (as on SQLite).

use crate::accounts::connection;
use crate::rows::{checkpoint_from_row, generation, get, id_from_row, sql_index};
use crate::{commit, map_err, read, write};
use pli_store::{Id, MAX_WITNESSES, Result, StoreError, StoredCheckpoint, UnloggedKeys};
use sqlx::postgres::PgPool;

pub(crate) async fn add_cosignature(
    pool: &PgPool,
    size: u64,
    witness: &str,
    line: &str,
    account: Id,
) -> Result<()> {
    let size = sql_index(size)?;
    let mut tx = write(pool).await?;
    // The checkpoint's row lock makes counting the witnesses and adding one a single step
    // across servers.
    let exists = sqlx::query("SELECT 1 FROM audit_log_checkpoints WHERE size = $1 FOR UPDATE")
        .bind(size)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "audit log checkpoint"))?;
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    let (others, mine): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE account_id = $3) FROM audit_log_cosignatures \
         WHERE size = $1 AND witness <> $2",
    )
    .bind(size)
    .bind(witness)
    .bind(account.as_bytes().as_slice())
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| map_err(error, "audit log cosignature"))?;
    if usize::try_from(others).unwrap_or(usize::MAX) >= MAX_WITNESSES {
        return Err(StoreError::Conflict(pli_store::ALL_WITNESS_SLOTS_TAKEN));
    }
    if usize::try_from(mine).unwrap_or(usize::MAX) >= pli_store::MAX_WITNESSES_PER_ACCOUNT {
        return Err(StoreError::Conflict(pli_store::ACCOUNT_WITNESS_SLOTS_TAKEN));
    }
    sqlx::query(
        "INSERT INTO audit_log_cosignatures (size, witness, line, account_id) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line",
    )
    .bind(size)
    .bind(witness)
    .bind(line)
    .bind(account.as_bytes().as_slice())
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "audit log cosignature"))?;
    commit(tx).await
}

pub(crate) async fn latest_cosigned(
    pool: &PgPool,
    witnesses: &[String],
    required: usize,
) -> Result<Option<(StoredCheckpoint, Vec<String>)>> {
    let mut tx = read(pool).await?;
    let any = witnesses.is_empty();
    let row = sqlx::query(
        "SELECT size, note FROM audit_log_checkpoints WHERE size = \
         (SELECT size FROM audit_log_cosignatures WHERE $1 OR witness = ANY($2) \
          GROUP BY size HAVING count(*) >= $3 ORDER BY size DESC LIMIT 1)",
    )
    .bind(any)
    .bind(witnesses)
    .bind(i64::try_from(required.max(1)).unwrap_or(i64::MAX))
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| map_err(error, "audit log checkpoint"))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let checkpoint = checkpoint_from_row(&row)?;
    let lines = sqlx::query(
        "SELECT line FROM audit_log_cosignatures WHERE size = $1 AND ($2 OR witness = ANY($3)) \
         ORDER BY witness COLLATE \"C\"",
    )
    .bind(sql_index(checkpoint.size)?)
    .bind(any)
    .bind(witnesses)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "audit log cosignature"))?
    .iter()
    .map(|row| get(row, "line", "audit_log_cosignatures.line"))
    .collect::<Result<Vec<String>>>()?;
    commit(tx).await?;
    Ok(Some((checkpoint, lines)))
}

pub(crate) async fn unlogged_keys(pool: &PgPool) -> Result<UnloggedKeys> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT a.id FROM accounts a LEFT JOIN account_key_log l ON l.account_id = a.id \
         WHERE l.account_id IS NULL ORDER BY a.email",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "unlogged account keys"))?;
    let accounts = rows
        .iter()
        .map(|row| id_from_row(row, "id", "accounts.id"))
        .collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(
        "SELECT m.name, k.generation, k.recipient FROM mailboxes m \
         JOIN mailbox_keys k ON k.mailbox_id = m.id \
         LEFT JOIN mailbox_key_log l ON l.mailbox_id = k.mailbox_id AND l.generation = k.generation \
         WHERE l.mailbox_id IS NULL \
           AND k.generation = (SELECT max(generation) FROM mailbox_keys WHERE mailbox_id = m.id) \
         ORDER BY m.name",
    )
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "unlogged mailbox keys"))?;
    let mailboxes = rows
        .iter()
        .map(|row| {
            Ok((
                get(row, "name", "mailboxes.name")?,
                generation(row, "mailbox_keys.generation")?,
                get(row, "recipient", "mailbox_keys.recipient")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(UnloggedKeys {
        accounts,
        mailboxes,
    })
}
