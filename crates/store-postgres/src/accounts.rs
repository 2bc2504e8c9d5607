//! Organisations, invitations, accounts and sessions.

use crate::rows::{self, ACCOUNT_COLUMNS, account_from_row, blob, id_from_row, org_from_row};
use crate::{backend, commit, map_err, write};
use pli_store::{Account, Id, NewAccount, NewInvitation, Org, Result, StoreError, Timestamp};
use sqlx::PgConnection;
use sqlx::postgres::PgPool;
use subtle::ConstantTimeEq;

/// A connection for one statement, which PostgreSQL runs in its own implicit transaction:
/// no `BEGIN` and `COMMIT` round trips (`session_account` runs on every request).
pub(crate) async fn connection(
    pool: &PgPool,
) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>> {
    pool.acquire()
        .await
        .map_err(|error| backend("starting a read", &error))
}

pub(crate) async fn ensure_org(pool: &PgPool, name: &str) -> Result<Org> {
    let mut tx = write(pool).await?;
    // Of two servers creating the same organisation, the second waits for the first's commit
    // and then inserts nothing; the SELECT, a new statement, sees the committed row.
    sqlx::query("INSERT INTO orgs (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(blob(Id::random()))
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation name"))?;
    let org = org_by_name_in(&mut tx, name).await?;
    commit(tx).await?;
    Ok(org)
}

pub(crate) async fn org_by_name(pool: &PgPool, name: &str) -> Result<Org> {
    let mut connection = connection(pool).await?;
    org_by_name_in(&mut connection, name).await
}

pub(crate) async fn create_invitation(pool: &PgPool, invitation: &NewInvitation) -> Result<()> {
    let mut tx = write(pool).await?;
    let taken = sqlx::query("SELECT 1 FROM accounts WHERE email = $1")
        .bind(&invitation.email)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "email"))?;
    if taken.is_some() {
        return Err(StoreError::Conflict("email"));
    }
    let org = sqlx::query("SELECT 1 FROM orgs WHERE id = $1")
        .bind(blob(invitation.org_id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation"))?;
    if org.is_none() {
        return Err(StoreError::NotFound);
    }
    for mailbox_id in &invitation.mailbox_ids {
        // A mailbox of another organisation is as unknown as a missing one.
        let mailbox = sqlx::query("SELECT 1 FROM mailboxes WHERE id = $1 AND org_id = $2")
            .bind(blob(*mailbox_id))
            .bind(blob(invitation.org_id))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|error| map_err(error, "mailbox"))?;
        if mailbox.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    // Deleting first also drops the earlier invitation's mailboxes (ON DELETE CASCADE).
    sqlx::query("DELETE FROM invitations WHERE email = $1")
        .bind(&invitation.email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "invitation"))?;
    sqlx::query(
        "INSERT INTO invitations (email, org_id, role, code_hash, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&invitation.email)
    .bind(blob(invitation.org_id))
    .bind(invitation.role.as_str())
    .bind(invitation.code_hash.as_slice())
    .bind(invitation.expires_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "invitation"))?;
    for mailbox_id in &invitation.mailbox_ids {
        sqlx::query(
            "INSERT INTO invitation_mailboxes (email, mailbox_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&invitation.email)
        .bind(blob(*mailbox_id))
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "invitation mailbox"))?;
    }
    commit(tx).await
}

pub(crate) async fn redeem_invitation(
    pool: &PgPool,
    code_hash: &[u8; 32],
    account: &NewAccount,
    now: Timestamp,
) -> Result<Account> {
    let mut tx = write(pool).await?;
    // The row lock makes a code single-use: a second redemption waits, then finds the row
    // gone.
    let row = sqlx::query(
        "SELECT i.org_id, i.role, i.code_hash, i.expires_at, o.name \
         FROM invitations i JOIN orgs o ON o.id = i.org_id WHERE i.email = $1 \
         FOR UPDATE OF i",
    )
    .bind(&account.email)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| map_err(error, "invitation"))?
    .ok_or(StoreError::NotFound)?;
    let stored_hash: Vec<u8> = rows::get(&row, "code_hash", "invitations.code_hash")?;
    // Constant time, so response timing tells nothing about how much of a guess was right.
    let code_matches: bool = stored_hash.as_slice().ct_eq(code_hash.as_slice()).into();
    let expires_at: i64 = rows::get(&row, "expires_at", "invitations.expires_at")?;
    if !code_matches || expires_at <= now {
        return Err(StoreError::NotFound);
    }
    let org = Org {
        id: id_from_row(&row, "org_id", "invitations.org_id")?,
        name: rows::get(&row, "name", "orgs.name")?,
    };
    let role_text: String = rows::get(&row, "role", "invitations.role")?;
    let role = pli_store::Role::parse(&role_text)
        .ok_or_else(|| StoreError::Corrupt("invitations.role".into()))?;

    let created = Account {
        id: Id::random(),
        email: account.email.clone(),
        org,
        role,
        kdf_salt: account.kdf_salt.clone(),
        kdf_m_kib: account.kdf_m_kib,
        kdf_t: account.kdf_t,
        kdf_p: account.kdf_p,
        auth_hash: account.auth_hash,
        age_recipient: account.age_recipient.clone(),
        signing_key: account.signing_key,
        wrapped_keys: account.wrapped_keys.clone(),
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO accounts (id, email, org_id, role, kdf_salt, kdf_m_kib, kdf_t, kdf_p, \
         auth_hash, age_recipient, signing_key, wrapped_keys, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(blob(created.id))
    .bind(&created.email)
    .bind(blob(created.org.id))
    .bind(created.role.as_str())
    .bind(created.kdf_salt.as_slice())
    .bind(i64::from(created.kdf_m_kib))
    .bind(i64::from(created.kdf_t))
    .bind(i64::from(created.kdf_p))
    .bind(created.auth_hash.as_slice())
    .bind(&created.age_recipient)
    .bind(created.signing_key.as_slice())
    .bind(created.wrapped_keys.as_slice())
    .bind(created.created_at)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "email"))?;
    // Joining changes the mailboxes' members: lock them as every membership change does, in
    // id order so two redemptions never deadlock.
    sqlx::query(
        "SELECT id FROM mailboxes WHERE id IN \
         (SELECT mailbox_id FROM invitation_mailboxes WHERE email = $1) \
         ORDER BY id FOR NO KEY UPDATE",
    )
    .bind(&created.email)
    .fetch_all(&mut *tx)
    .await
    .map_err(|error| map_err(error, "mailbox"))?;
    sqlx::query(
        "INSERT INTO memberships (mailbox_id, account_id) \
         SELECT mailbox_id, $1 FROM invitation_mailboxes WHERE email = $2",
    )
    .bind(blob(created.id))
    .bind(&created.email)
    .execute(&mut *tx)
    .await
    .map_err(|error| map_err(error, "membership"))?;
    sqlx::query("DELETE FROM invitations WHERE email = $1")
        .bind(&created.email)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "invitation"))?;
    commit(tx).await?;
    Ok(created)
}

pub(crate) async fn account_by_email(pool: &PgPool, email: &str) -> Result<Account> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(&format!("{ACCOUNT_COLUMNS} WHERE a.email = $1"))
        .bind(email)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_err(error, "account"))?;
    account_from_row(&row)
}

pub(crate) async fn account_by_id(tx: &mut PgConnection, id: Id) -> Result<Account> {
    let row = sqlx::query(&format!("{ACCOUNT_COLUMNS} WHERE a.id = $1"))
        .bind(blob(id))
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "account"))?;
    account_from_row(&row)
}

pub(crate) async fn create_session(
    pool: &PgPool,
    token_hash: &[u8; 32],
    account_id: Id,
    expires_at: Timestamp,
) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash.as_slice())
        .bind(blob(account_id))
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "session"))?;
    commit(tx).await
}

pub(crate) async fn session_account(
    pool: &PgPool,
    token_hash: &[u8; 32],
    now: Timestamp,
) -> Result<Account> {
    let mut connection = connection(pool).await?;
    let row = sqlx::query(&format!(
        "{ACCOUNT_COLUMNS} JOIN sessions s ON s.account_id = a.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    ))
    .bind(token_hash.as_slice())
    .bind(now)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_err(error, "session"))?;
    account_from_row(&row)
}

/// Idempotent: deleting a session that does not exist (any more) succeeds.
pub(crate) async fn delete_session(pool: &PgPool, token_hash: &[u8; 32]) -> Result<()> {
    let mut tx = write(pool).await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash.as_slice())
        .execute(&mut *tx)
        .await
        .map_err(|error| map_err(error, "session"))?;
    commit(tx).await
}

async fn org_by_name_in(tx: &mut PgConnection, name: &str) -> Result<Org> {
    let row = sqlx::query("SELECT id, name FROM orgs WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| map_err(error, "organisation"))?;
    org_from_row(&row)
}
