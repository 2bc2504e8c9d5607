//! Key generations of functional mailboxes and the members' copies of their secrets.

use crate::accounts::{account_by_id, connection};
use crate::mailboxes::{ensure_exists, lock_mailbox, member_ids};
use crate::rows::{self, blob, id_from_row};
use crate::{commit, map_err, read, write};
use pli_store::{
    Account, Id, MailboxKey, MailboxKeyWrap, MailboxKeys, NewMailboxKey, Result, StoreError,
};
use sqlx::PgConnection;
use sqlx::postgres::PgPool;

pub(crate) async fn mailbox_keys(pool: &PgPool, mailbox_id: Id) -> Result<MailboxKeys> {
    let mut tx = read(pool).await?;
    ensure_exists(&mut tx, "SELECT 1 FROM mailboxes WHERE id = $1", mailbox_id).await?;
    mailbox_keys_in(&mut tx, mailbox_id).await
}

pub(crate) async fn mailbox_key_wraps(
    pool: &PgPool,
    mailbox_id: Id,
    account_id: Id,
) -> Result<Vec<MailboxKeyWrap>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT generation, wrapped FROM mailbox_key_wraps \
         WHERE mailbox_id = $1 AND account_id = $2 ORDER BY generation",
    )
    .bind(blob(mailbox_id))
    .bind(blob(account_id))
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "mailbox key wrap"))?;
    rows.iter()
        .map(|row| {
            Ok(MailboxKeyWrap {
                generation: rows::generation(row, "mailbox_key_wraps.generation")?,
                account_id,
                wrapped: rows::get(row, "wrapped", "mailbox_key_wraps.wrapped")?,
            })
        })
        .collect()
}

pub(crate) async fn create_mailbox_key(pool: &PgPool, key: &NewMailboxKey) -> Result<()> {
    let mut tx = write(pool).await?;
    // The mailbox's row lock is held from here to the commit: reading the latest generation
    // and the members and inserting the next generation are one compare-and-set.
    lock_mailbox(&mut tx, key.mailbox_id).await?;
    let latest: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(generation), 0) FROM mailbox_keys WHERE mailbox_id = $1",
    )
    .bind(blob(key.mailbox_id))
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key generation"))?;
    if i64::from(key.generation) != latest + 1 {
        return Err(StoreError::Conflict("mailbox key generation"));
    }
    let members = member_ids(&mut tx, key.mailbox_id).await?;
    let mut wrapped_for: Vec<Id> = key.wraps.iter().map(|wrap| wrap.account_id).collect();
    wrapped_for.sort();
    if wrapped_for != members
        || key
            .wraps
            .iter()
            .any(|wrap| wrap.generation != key.generation)
    {
        return Err(StoreError::Conflict("mailbox members"));
    }
    let removals_seen = removals_seen(&mut tx, key.mailbox_id).await?;
    sqlx::query(
        "INSERT INTO mailbox_keys (mailbox_id, generation, recipient, creator_id, created_at, \
         signature, removals_seen) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(blob(key.mailbox_id))
    .bind(i64::from(key.generation))
    .bind(&key.recipient)
    .bind(blob(key.creator_id))
    .bind(key.created_at)
    .bind(key.signature.as_slice())
    .bind(removals_seen)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key generation"))?;
    insert_wraps(&mut tx, key.mailbox_id, &key.wraps).await?;
    commit(tx).await
}

pub(crate) async fn add_mailbox_key_wraps(
    pool: &PgPool,
    mailbox_id: Id,
    wraps: &[MailboxKeyWrap],
) -> Result<()> {
    let mut tx = write(pool).await?;
    lock_mailbox(&mut tx, mailbox_id).await?;
    let members = member_ids(&mut tx, mailbox_id).await?;
    if wraps
        .iter()
        .any(|wrap| members.binary_search(&wrap.account_id).is_err())
    {
        return Err(StoreError::Conflict("mailbox members"));
    }
    for wrap in wraps {
        let generation =
            sqlx::query("SELECT 1 FROM mailbox_keys WHERE mailbox_id = $1 AND generation = $2")
                .bind(blob(mailbox_id))
                .bind(i64::from(wrap.generation))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|error| map_err(error, "mailbox key generation"))?;
        if generation.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    insert_wraps(&mut tx, mailbox_id, wraps).await?;
    commit(tx).await
}

/// The sequence number of the mailbox's latest member removal, 0 if none.
async fn removals_seen(tx: &mut PgConnection, mailbox_id: Id) -> Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM mailbox_removals WHERE mailbox_id = $1")
        .bind(blob(mailbox_id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox removal"))
}

/// Inserts copies, keeping any a member already holds: a copy is never replaced, so nobody
/// can swap a member's working copy for a broken one.
async fn insert_wraps(
    tx: &mut PgConnection,
    mailbox_id: Id,
    wraps: &[MailboxKeyWrap],
) -> Result<()> {
    for wrap in wraps {
        sqlx::query(
            "INSERT INTO mailbox_key_wraps (mailbox_id, generation, account_id, wrapped) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(blob(mailbox_id))
        .bind(i64::from(wrap.generation))
        .bind(blob(wrap.account_id))
        .bind(wrap.wrapped.as_slice())
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "mailbox key wrap"))?;
    }
    Ok(())
}

/// Every generation with its current holders, staleness and the members missing the latest.
async fn mailbox_keys_in(tx: &mut PgConnection, mailbox_id: Id) -> Result<MailboxKeys> {
    let rows = sqlx::query(
        "SELECT generation, recipient, creator_id, created_at, signature, removals_seen \
         FROM mailbox_keys WHERE mailbox_id = $1 ORDER BY generation",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key generation"))?;
    // Holders are current members only: a copy kept for someone who left does not count.
    let holder_rows = sqlx::query(
        "SELECT w.generation, w.account_id FROM mailbox_key_wraps w \
         JOIN memberships ms ON ms.mailbox_id = w.mailbox_id AND ms.account_id = w.account_id \
         AND ms.can_read WHERE w.mailbox_id = $1 ORDER BY w.generation, w.account_id",
    )
    .bind(blob(mailbox_id))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox key wrap"))?;
    let mut holders: Vec<(u32, Id)> = Vec::with_capacity(holder_rows.len());
    for row in &holder_rows {
        holders.push((
            rows::generation(row, "mailbox_key_wraps.generation")?,
            id_from_row(row, "account_id", "mailbox_key_wraps.account_id")?,
        ));
    }
    let mut generations = Vec::with_capacity(rows.len());
    let mut latest_removals_seen: i64 = 0;
    let mut creators: std::collections::HashMap<Id, Account> = std::collections::HashMap::new();
    for row in &rows {
        let generation = rows::generation(row, "mailbox_keys.generation")?;
        let creator_id = id_from_row(row, "creator_id", "mailbox_keys.creator_id")?;
        let creator = match creators.get(&creator_id) {
            Some(account) => account.clone(),
            None => {
                let account = account_by_id(tx, creator_id)
                    .await
                    .map_err(|error| match error {
                        StoreError::NotFound => {
                            StoreError::Corrupt("mailbox_keys.creator_id".into())
                        }
                        other => other,
                    })?;
                creators.insert(creator_id, account.clone());
                account
            }
        };
        latest_removals_seen = rows::get(row, "removals_seen", "mailbox_keys.removals_seen")?;
        generations.push(MailboxKey {
            generation,
            recipient: rows::get(row, "recipient", "mailbox_keys.recipient")?,
            creator,
            created_at: rows::get(row, "created_at", "mailbox_keys.created_at")?,
            signature: rows::get(row, "signature", "mailbox_keys.signature")?,
            holders: holders
                .iter()
                .filter(|(held, _)| *held == generation)
                .map(|(_, account_id)| *account_id)
                .collect(),
        });
    }
    let (stale, missing) = match generations.last() {
        Some(latest) => {
            let stale = removals_seen(tx, mailbox_id).await? > latest_removals_seen;
            let missing = member_ids(tx, mailbox_id)
                .await?
                .into_iter()
                .filter(|member| !latest.holders.contains(member))
                .collect();
            (stale, missing)
        }
        None => (false, member_ids(tx, mailbox_id).await?),
    };
    Ok(MailboxKeys {
        generations,
        stale,
        missing,
    })
}
