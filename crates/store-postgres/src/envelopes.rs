//! Envelope routing rows: announce, store, list, delete.

use crate::accounts::connection;
use crate::rows::{
    self, ACCOUNT_COLUMNS, account_from_row, blob, blobs, envelope_state_code, id_from_row,
    size_to_sql,
};
use crate::{commit, map_err, read, write};
use pli_store::{
    Account, Addressee, Cursor, Envelope, EnvelopeState, Id, InboxScope, NewEnvelope, Result,
    StoreError, Timestamp,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use std::collections::{HashMap, HashSet};

/// `NotFound` if the sender or an addressee does not exist.
pub(crate) async fn create_envelope(pool: &PgPool, envelope: &NewEnvelope) -> Result<()> {
    let size = size_to_sql(envelope.size)?;
    let mut tx = write(pool).await?;
    sqlx::query(
        "INSERT INTO envelopes (id, sender_id, size, created_at, state) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(blob(envelope.id))
    .bind(blob(envelope.sender_id))
    .bind(size)
    .bind(envelope.created_at)
    .bind(envelope_state_code(EnvelopeState::Pending))
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "envelope id"))?;
    for (position, addressee) in envelope.to.iter().enumerate() {
        let (account_id, mailbox_id) = match addressee {
            Addressee::Account(id) => (Some(blob(*id)), None),
            Addressee::Mailbox(id) => (None, Some(blob(*id))),
        };
        let position = i64::try_from(position)
            .map_err(|_| StoreError::Backend("too many addressees".into()))?;
        sqlx::query(
            "INSERT INTO envelope_recipients \
             (envelope_id, position, account_id, mailbox_id, created_at, stored) \
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(blob(envelope.id))
        .bind(position)
        .bind(account_id)
        .bind(mailbox_id)
        .bind(envelope.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "addressee"))?;
    }
    commit(tx).await
}

pub(crate) async fn mark_stored(pool: &PgPool, id: Id, size: u64) -> Result<()> {
    let size = size_to_sql(size)?;
    let mut tx = write(pool).await?;
    let done = sqlx::query("UPDATE envelopes SET state = 1, size = $1 WHERE id = $2 AND state = 0")
        .bind(size)
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("UPDATE envelope_recipients SET stored = 1 WHERE envelope_id = $1")
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    sqlx::query("DELETE FROM upload_pieces WHERE envelope_id = $1")
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "upload piece"))?;
    commit(tx).await
}

pub(crate) async fn envelope(pool: &PgPool, id: Id) -> Result<Envelope> {
    let mut tx = read(pool).await?;
    load_envelopes(&mut tx, &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// With [`InboxScope::Mailbox`], `NotFound` unless the account is currently a member.
pub(crate) async fn inbox(
    pool: &PgPool,
    account_id: Id,
    scope: &InboxScope,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Envelope>> {
    let mut tx = read(pool).await?;
    let sources = match scope {
        InboxScope::All => {
            let mailboxes = sqlx::query(
                "SELECT mailbox_id FROM memberships WHERE account_id = $1 AND can_read \
                 ORDER BY mailbox_id",
            )
            .bind(blob(account_id))
            .fetch_all(&mut *tx)
            .await
            .map_err(|error| map_err(error, "membership"))?;
            let mut sources = vec![Source::Account(account_id)];
            for row in &mailboxes {
                sources.push(Source::Mailbox(id_from_row(
                    row,
                    "mailbox_id",
                    "memberships.mailbox_id",
                )?));
            }
            sources
        }
        InboxScope::Mailbox(mailbox_id) => {
            let member = sqlx::query(
                "SELECT 1 FROM memberships WHERE mailbox_id = $1 AND account_id = $2 AND can_read",
            )
            .bind(blob(*mailbox_id))
            .bind(blob(account_id))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "membership"))?;
            if member.is_none() {
                return Err(StoreError::NotFound);
            }
            vec![Source::Mailbox(*mailbox_id)]
        }
    };
    inbox_page(&mut tx, &sources, after, limit).await
}

pub(crate) async fn outbox(
    pool: &PgPool,
    account_id: Id,
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Envelope>> {
    let mut tx = read(pool).await?;
    let (before_at, before_id) = cursor_bounds(after);
    let rows = sqlx::query(OUTBOX_SQL)
        .bind(blob(account_id))
        .bind(before_at)
        .bind(before_id)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    let ids = rows
        .iter()
        .map(|row| id_from_row(row, "id", "envelopes.id"))
        .collect::<Result<Vec<Id>>>()?;
    load_envelopes(&mut tx, &ids).await
}

/// `NotFound` if no such envelope.
pub(crate) async fn delete_envelope(pool: &PgPool, id: Id) -> Result<()> {
    let mut tx = write(pool).await?;
    let done = sqlx::query("DELETE FROM envelopes WHERE id = $1")
        .bind(blob(id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    commit(tx).await
}

pub(crate) async fn stale_pending(pool: &PgPool, before: Timestamp) -> Result<Vec<Id>> {
    let mut connection = connection(pool).await?;
    let rows = sqlx::query(
        "SELECT id FROM envelopes WHERE state = 0 AND created_at < $1 ORDER BY created_at, id",
    )
    .bind(before)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_err(error, "envelope"))?;
    rows.iter()
        .map(|row| id_from_row(row, "id", "envelopes.id"))
        .collect()
}

/// One outbox page: a range scan of `envelopes_outbox` (`(sender_id, state, created_at, id)`).
const OUTBOX_SQL: &str = "SELECT id FROM envelopes \
     WHERE sender_id = $1 AND state = 1 AND (created_at, id) < ($2, $3) \
     ORDER BY created_at DESC, id DESC LIMIT $4";

/// The columns of an envelope `e`, with its addressees as one JSON array (one row per
/// envelope) of `[position, account id or "", mailbox id or "", email or mailbox name]`.
const ENVELOPE_SELECT: &str = "SELECT e.id, e.sender_id, e.size, e.created_at, e.state, \
     (SELECT coalesce(json_agg(json_build_array(r.position, \
     coalesce(encode(r.account_id, 'hex'), ''), coalesce(encode(r.mailbox_id, 'hex'), ''), \
     coalesce(a.email, m.name))), '[]'::json)::text \
     FROM envelope_recipients r \
     LEFT JOIN accounts a ON a.id = r.account_id \
     LEFT JOIN mailboxes m ON m.id = r.mailbox_id \
     WHERE r.envelope_id = e.id) AS addressees, \
     (SELECT u.request_id FROM request_uploads u WHERE u.envelope_id = e.id) AS outside_request, \
     (SELECT q.email FROM request_uploads u JOIN upload_requests q ON q.id = u.request_id \
     WHERE u.envelope_id = e.id) AS outside_email";

/// Where inbox envelopes come from: the account itself or one of its mailboxes.
enum Source {
    Account(Id),
    Mailbox(Id),
}

/// A page of the inbox, newest first, selected and loaded in one statement.
///
/// One sub-select per source, each an index range scan of at most `limit` rows on
/// `recipients_account` or `recipients_mailbox` (`(x_id, stored, created_at, envelope_id)`),
/// merged and cut to `limit`: the cost of a page grows with the number of sources times the
/// page size, never with the size of the inbox.
async fn inbox_page(
    tx: &mut PgConnection,
    sources: &[Source],
    after: Option<Cursor>,
    limit: u32,
) -> Result<Vec<Envelope>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let sql = format!(
        "WITH page(envelope_id, created_at) AS ({}) {ENVELOPE_SELECT} \
         FROM page JOIN envelopes e ON e.id = page.envelope_id \
         ORDER BY page.created_at DESC, page.envelope_id DESC",
        inbox_sql(sources)
    );
    let (before_at, before_id) = cursor_bounds(after);
    let mut query = sqlx::query(&sql)
        .bind(before_at)
        .bind(before_id)
        .bind(i64::from(limit));
    for source in sources {
        let (Source::Account(id) | Source::Mailbox(id)) = source;
        query = query.bind(blob(*id));
    }
    let rows = query
        .fetch_all(&mut *tx)
        .await
        .map_err(|error| map_err(error, "envelope"))?;
    envelopes_from_rows(tx, &rows).await
}

/// The query of [`inbox_page`]: `$1`, `$2` are the cursor's `created_at` and id, `$3` the
/// limit, then one parameter per source, its id.
fn inbox_sql(sources: &[Source]) -> String {
    let mut sql = String::from("SELECT DISTINCT envelope_id, created_at FROM (");
    for (index, source) in sources.iter().enumerate() {
        if index > 0 {
            sql.push_str(" UNION ALL ");
        }
        let column = match source {
            Source::Account(_) => "account_id",
            Source::Mailbox(_) => "mailbox_id",
        };
        sql.push_str(&format!(
            "(SELECT envelope_id, created_at FROM envelope_recipients \
             WHERE {column} = ${} AND stored = 1 AND (created_at, envelope_id) < ($1, $2) \
             ORDER BY created_at DESC, envelope_id DESC LIMIT $3)",
            index + 4
        ));
    }
    sql.push_str(") AS sources ORDER BY created_at DESC, envelope_id DESC LIMIT $3");
    sql
}

/// The exclusive upper bound of a newest-first page.
fn cursor_bounds(after: Option<Cursor>) -> (i64, Vec<u8>) {
    match after {
        Some(cursor) => (cursor.created_at, blob(cursor.id)),
        // 17 bytes of 0xff sort after every 16-byte id, so nothing at i64::MAX is skipped.
        None => (i64::MAX, vec![0xff; 17]),
    }
}

/// Loads full envelopes (sender and named addressees) in the order of `ids`, skipping ids
/// that do not exist.
async fn load_envelopes(tx: &mut PgConnection, ids: &[Id]) -> Result<Vec<Envelope>> {
    let rows = sqlx::query(&format!(
        "{ENVELOPE_SELECT} FROM envelopes e WHERE e.id = ANY($1)"
    ))
    .bind(blobs(ids))
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "envelope"))?;
    let mut envelopes: HashMap<Id, Envelope> = envelopes_from_rows(tx, &rows)
        .await?
        .into_iter()
        .map(|envelope| (envelope.id, envelope))
        .collect();
    Ok(ids.iter().filter_map(|id| envelopes.remove(id)).collect())
}

/// Envelopes from rows of [`ENVELOPE_SELECT`], in the rows' order, with their senders, which
/// one more statement loads once each.
async fn envelopes_from_rows(tx: &mut PgConnection, rows: &[PgRow]) -> Result<Vec<Envelope>> {
    let mut parsed = Vec::with_capacity(rows.len());
    let mut sender_ids = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let parts = rows::envelope_from_row(row)?;
        if seen.insert(parts.sender_id) {
            sender_ids.push(parts.sender_id);
        }
        parsed.push(parts);
    }
    let mut senders: HashMap<Id, Account> = HashMap::with_capacity(sender_ids.len());
    if !sender_ids.is_empty() {
        let sender_rows = sqlx::query(&format!("{ACCOUNT_COLUMNS} WHERE a.id = ANY($1)"))
            .bind(blobs(&sender_ids))
            .fetch_all(&mut *tx)
            .await
            .map_err(|error| map_err(error, "account"))?;
        for row in &sender_rows {
            let account = account_from_row(row)?;
            senders.insert(account.id, account);
        }
    }
    parsed
        .into_iter()
        .map(|parts| {
            let sender = senders
                .get(&parts.sender_id)
                .cloned()
                .ok_or_else(|| StoreError::Corrupt("envelopes.sender_id".into()))?;
            Ok(Envelope {
                id: parts.id,
                sender,
                to: parts.to,
                size: parts.size,
                created_at: parts.created_at,
                state: parts.state,
                outside: parts.outside,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_cursor_sorts_after_every_id() {
        let (at, id) = cursor_bounds(None);
        assert_eq!(at, i64::MAX);
        assert!(id.as_slice() > [0xffu8; 16].as_slice());
    }

    #[test]
    fn inbox_parameters_are_numbered_per_source() {
        let sql = inbox_sql(&[Source::Account(Id::random()), Source::Mailbox(Id::random())]);
        assert!(sql.contains("account_id = $4"), "{sql}");
        assert!(sql.contains("mailbox_id = $5"), "{sql}");
        assert!(!sql.contains("$6"), "{sql}");
    }
}
