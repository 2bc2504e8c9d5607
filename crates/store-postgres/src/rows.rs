//! Decoding of rows into domain types. A value that does not decode (wrong length, unknown
//! role, negative size...) is `Corrupt`, naming the column and never the value.

use pli_store::OutsideOrigin;
use pli_store::{
    Account, Addressee, AuditEvent, AuditRecord, EnvelopeState, Id, Mailbox, Org, Outcome, Result,
    Role, StoreError, StoredCheckpoint,
};
use sqlx::Row;
use sqlx::postgres::PgRow;

/// Account columns, joined with the organisation; callers append `WHERE`/`JOIN` clauses.
pub(crate) const ACCOUNT_COLUMNS: &str = "SELECT a.id AS account_id, a.email AS account_email, \
     a.org_id AS account_org_id, o.name AS account_org_name, a.role AS account_role, \
     a.kdf_salt, a.kdf_m_kib, a.kdf_t, a.kdf_p, a.auth_hash, a.age_recipient, a.signing_key, \
     a.wrapped_keys, a.created_at AS account_created_at \
     FROM accounts a JOIN orgs o ON o.id = a.org_id";

/// Mailbox columns, joined with the organisation; callers append `WHERE` clauses.
pub(crate) const MAILBOX_COLUMNS: &str = "SELECT m.id, m.name, m.org_id, o.name AS org_name \
     FROM mailboxes m JOIN orgs o ON o.id = m.org_id";

/// An id as stored.
pub(crate) fn blob(id: Id) -> Vec<u8> {
    id.as_bytes().to_vec()
}

/// Ids as one `BYTEA[]` parameter, for `= ANY($n)`.
pub(crate) fn blobs(ids: &[Id]) -> Vec<Vec<u8>> {
    ids.iter().map(|id| blob(*id)).collect()
}

/// Envelope sizes are u64 in the domain and BIGINT (i64) in PostgreSQL.
pub(crate) fn size_to_sql(size: u64) -> Result<i64> {
    i64::try_from(size).map_err(|_| StoreError::Backend("envelope size out of range".into()))
}

/// Log positions are u64 in the API and BIGINT here; the log never exceeds 2^48 entries.
pub(crate) fn sql_index(index: u64) -> Result<i64> {
    i64::try_from(index).map_err(|_| StoreError::NotFound)
}

pub(crate) fn envelope_state_code(state: EnvelopeState) -> i64 {
    match state {
        EnvelopeState::Pending => 0,
        EnvelopeState::Stored => 1,
    }
}

/// Reads one column; `column` names it in the error.
pub(crate) fn get<'r, T>(row: &'r PgRow, name: &str, column: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(name)
        .map_err(|_| StoreError::Corrupt(column.to_owned()))
}

/// A key generation number: BIGINT here, 1 to `u32::MAX` in the domain.
pub(crate) fn generation(row: &PgRow, column: &str) -> Result<u32> {
    let value: i64 = get(row, "generation", column)?;
    u32::try_from(value)
        .ok()
        .filter(|generation| *generation >= 1)
        .ok_or_else(|| StoreError::Corrupt(column.to_owned()))
}

pub(crate) fn id_from_row(row: &PgRow, name: &str, column: &str) -> Result<Id> {
    let bytes: Vec<u8> = get(row, name, column)?;
    id_from_bytes(&bytes, column)
}

fn id_from_bytes(bytes: &[u8], column: &str) -> Result<Id> {
    <[u8; 16]>::try_from(bytes)
        .map(Id::from_bytes)
        .map_err(|_| StoreError::Corrupt(column.to_owned()))
}

pub(crate) fn optional_id(row: &PgRow, name: &str, column: &str) -> Result<Option<Id>> {
    let bytes: Option<Vec<u8>> = get(row, name, column)?;
    bytes.map(|bytes| id_from_bytes(&bytes, column)).transpose()
}

pub(crate) fn array32(row: &PgRow, name: &str, column: &str) -> Result<[u8; 32]> {
    let bytes: Vec<u8> = get(row, name, column)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

fn u32_column(row: &PgRow, name: &str, column: &str) -> Result<u32> {
    let value: i64 = get(row, name, column)?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt(column.to_owned()))
}

pub(crate) fn org_from_row(row: &PgRow) -> Result<Org> {
    Ok(Org {
        id: id_from_row(row, "id", "orgs.id")?,
        name: get(row, "name", "orgs.name")?,
    })
}

/// A mailbox selected with [`MAILBOX_COLUMNS`].
pub(crate) fn mailbox_from_row(row: &PgRow) -> Result<Mailbox> {
    Ok(Mailbox {
        id: id_from_row(row, "id", "mailboxes.id")?,
        name: get(row, "name", "mailboxes.name")?,
        org: Org {
            id: id_from_row(row, "org_id", "mailboxes.org_id")?,
            name: get(row, "org_name", "orgs.name")?,
        },
    })
}

/// An account selected with [`ACCOUNT_COLUMNS`].
pub(crate) fn account_from_row(row: &PgRow) -> Result<Account> {
    let role: String = get(row, "account_role", "accounts.role")?;
    Ok(Account {
        id: id_from_row(row, "account_id", "accounts.id")?,
        email: get(row, "account_email", "accounts.email")?,
        org: Org {
            id: id_from_row(row, "account_org_id", "accounts.org_id")?,
            name: get(row, "account_org_name", "orgs.name")?,
        },
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt("accounts.role".into()))?,
        kdf_salt: get(row, "kdf_salt", "accounts.kdf_salt")?,
        kdf_m_kib: u32_column(row, "kdf_m_kib", "accounts.kdf_m_kib")?,
        kdf_t: u32_column(row, "kdf_t", "accounts.kdf_t")?,
        kdf_p: u32_column(row, "kdf_p", "accounts.kdf_p")?,
        auth_hash: array32(row, "auth_hash", "accounts.auth_hash")?,
        age_recipient: get(row, "age_recipient", "accounts.age_recipient")?,
        signing_key: array32(row, "signing_key", "accounts.signing_key")?,
        wrapped_keys: get(row, "wrapped_keys", "accounts.wrapped_keys")?,
        created_at: get(row, "account_created_at", "accounts.created_at")?,
    })
}

/// The parts of an envelope row, before its sender and addressees are attached: id,
/// addressees (sorted by position), size, creation time, state and sender id.
pub(crate) struct EnvelopeParts {
    pub(crate) id: Id,
    pub(crate) to: Vec<(Addressee, String)>,
    pub(crate) size: u64,
    pub(crate) created_at: i64,
    pub(crate) state: EnvelopeState,
    pub(crate) sender_id: Id,
    pub(crate) outside: Option<OutsideOrigin>,
}

/// A row of the envelope listing query (`id, sender_id, size, created_at, state, addressees`).
pub(crate) fn envelope_from_row(row: &PgRow) -> Result<EnvelopeParts> {
    let size: i64 = get(row, "size", "envelopes.size")?;
    let state: i64 = get(row, "state", "envelopes.state")?;
    let state = match state {
        0 => EnvelopeState::Pending,
        1 => EnvelopeState::Stored,
        _ => return Err(StoreError::Corrupt("envelopes.state".into())),
    };
    let addressees: String = get(row, "addressees", "envelope_recipients")?;
    let mut to = addressees_from_json(&addressees)?;
    to.sort_by_key(|(position, _)| *position);
    Ok(EnvelopeParts {
        id: id_from_row(row, "id", "envelopes.id")?,
        to: to.into_iter().map(|(_, addressee)| addressee).collect(),
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("envelopes.size".into()))?,
        created_at: get(row, "created_at", "envelopes.created_at")?,
        state,
        sender_id: id_from_row(row, "sender_id", "envelopes.sender_id")?,
        outside: outside_from_row(row)?,
    })
}

/// The outside-upload columns of the envelope listing query.
fn outside_from_row(row: &PgRow) -> Result<Option<OutsideOrigin>> {
    let request: Option<Vec<u8>> = get(row, "outside_request", "request_uploads")?;
    let email: Option<String> = get(row, "outside_email", "upload_requests.email")?;
    match (request, email) {
        (None, _) => Ok(None),
        (Some(request), Some(email)) => {
            let bytes = <[u8; 16]>::try_from(request.as_slice())
                .map_err(|_| StoreError::Corrupt("request_uploads.request_id".into()))?;
            Ok(Some(OutsideOrigin {
                request_id: Id::from_bytes(bytes),
                email,
            }))
        }
        (Some(_), None) => Err(StoreError::Corrupt("request_uploads.request_id".into())),
    }
}

/// The addressees of one envelope, from the JSON array the envelope listing query builds:
/// `[position, account id, mailbox id, name]` each, where the absent id is `""`.
fn addressees_from_json(json: &str) -> Result<Vec<(i64, (Addressee, String))>> {
    let corrupt = || StoreError::Corrupt("envelope_recipients".into());
    let items: Vec<(i64, String, String, Option<String>)> =
        serde_json::from_str(json).map_err(|_| corrupt())?;
    items
        .into_iter()
        .map(|(position, account_id, mailbox_id, name)| {
            let addressee = match (account_id.as_str(), mailbox_id.as_str(), name) {
                (account, "", Some(email)) => (Addressee::Account(parse_id(account)?), email),
                ("", mailbox, Some(name)) => (Addressee::Mailbox(parse_id(mailbox)?), name),
                _ => return Err(corrupt()),
            };
            Ok((position, addressee))
        })
        .collect()
}

fn parse_id(text: &str) -> Result<Id> {
    Id::parse(text).ok_or_else(|| StoreError::Corrupt("envelope_recipients".into()))
}

pub(crate) fn audit_from_row(row: &PgRow) -> Result<AuditRecord> {
    let outcome: String = get(row, "outcome", "audit_events.outcome")?;
    Ok(AuditRecord {
        seq: get(row, "seq", "audit_events.seq")?,
        event: AuditEvent {
            at: get(row, "at", "audit_events.at")?,
            actor: optional_id(row, "actor", "audit_events.actor")?,
            actor_email: get(row, "actor_email", "audit_events.actor_email")?,
            org_id: optional_id(row, "org_id", "audit_events.org_id")?,
            from: get(row, "from_addr", "audit_events.from_addr")?,
            action: get(row, "action", "audit_events.action")?,
            target: get(row, "target", "audit_events.target")?,
            outcome: match outcome.as_str() {
                "allowed" => Outcome::Allowed,
                "denied" => Outcome::Denied,
                "failed" => Outcome::Failed,
                _ => return Err(StoreError::Corrupt("audit_events.outcome".into())),
            },
        },
    })
}

pub(crate) fn checkpoint_from_row(row: &PgRow) -> Result<StoredCheckpoint> {
    let size: i64 = get(row, "size", "audit_log_checkpoints.size")?;
    Ok(StoredCheckpoint {
        size: u64::try_from(size)
            .map_err(|_| StoreError::Corrupt("audit_log_checkpoints.size".into()))?,
        note: get(row, "note", "audit_log_checkpoints.note")?,
    })
}
