//! Key transparency (`docs/AUDIT.md`, section 7): every public key the directory publishes is
//! an entry of the audit log, and any account may fetch a published key's entry with its
//! inclusion proof, and consistency proofs, to check a key before encrypting to it.
//!
//! Proofs reveal hashes only; the entries served here are key entries, which hold nothing but
//! an address and its public keys, already public through the directory.

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiQuery;
use crate::routes::audit_log::{
    ConsistencyQuery, InclusionQuery, bad_proof, check_size, fetch, proven_entry,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_audit::{AccountRole, Hash, KeyOwner, PublishedKey, PublishedRole, Record};
use pli_proto::{AuditConsistencyProof, ErrorBody, KeyProof, Role};
use pli_store::{Account, Mailbox};

/// Logs an account's current keys and records the entry's index for the directory.
pub(crate) async fn publish_account_key(
    state: &AppState,
    account: &Account,
) -> Result<u64, ApiError> {
    let record = Record::Key(PublishedKey {
        time: crate::auth::now(),
        owner: KeyOwner::Account {
            email: account.email.clone(),
        },
        age_recipient: account.age_recipient.clone(),
        signing_key: Some(account.signing_key),
    });
    let index = state.audit.log_durable(record).await?;
    state
        .store
        .set_account_key_log_index(account.id, index)
        .await?;
    Ok(index)
}

/// The index of the entry stating the account's role in its organisation (kind 0x05), logged
/// when the account joins with the role its invitation gave. An account made before roles were
/// logged has none: its role now is logged the first time it is needed. An entry is never
/// logged again for a role changed in the database since: no request changes a role, so
/// clients go on proving the role the log stated, and refuse such an account as a signer.
pub(crate) async fn account_role_entry(
    state: &AppState,
    account: &Account,
) -> Result<u64, ApiError> {
    if let Some(index) = state.store.account_role_log_index(account.id).await? {
        return Ok(index);
    }
    let record = Record::Role(PublishedRole {
        time: crate::auth::now(),
        org: account.org.name.clone(),
        email: account.email.clone(),
        role: logged_role(account.role),
    });
    let index = state.audit.log_durable(record).await?;
    state
        .store
        .set_account_role_log_index(account.id, index)
        .await?;
    Ok(index)
}

fn logged_role(role: Role) -> AccountRole {
    match role {
        Role::Admin => AccountRole::Admin,
        Role::Agent => AccountRole::Agent,
        Role::Auditor => AccountRole::Auditor,
    }
}

/// Logs a mailbox key generation and records the entry's index for the directory.
pub(crate) async fn publish_mailbox_key(
    state: &AppState,
    mailbox: &Mailbox,
    generation: u32,
    recipient: &str,
) -> Result<u64, ApiError> {
    let record = Record::Key(PublishedKey {
        time: crate::auth::now(),
        owner: KeyOwner::Mailbox {
            name: mailbox.name.clone(),
            generation,
        },
        age_recipient: recipient.to_owned(),
        signing_key: None,
    });
    let index = state.audit.log_durable(record).await?;
    state
        .store
        .set_mailbox_key_log_index(mailbox.id, generation, index)
        .await?;
    Ok(index)
}

/// Marks, in the data directory, that every key made before keys were logged has been logged.
pub const KEYS_LOGGED_FILE: &str = "keys-logged";

/// Logs, once per installation, the keys made before the directory logged them, so senders
/// can prove every key they are given. Returns how many were logged.
///
/// Once done, a marker in the data directory (not in the database) stops it for good: a key
/// whose index someone later deletes from the database stays unproven, and senders refuse
/// it, instead of the server signing an entry for whatever key the database then holds.
pub async fn log_keys_made_before_logging(
    state: &AppState,
    data_dir: &std::path::Path,
) -> Result<usize, ApiError> {
    let marker = data_dir.join(KEYS_LOGGED_FILE);
    if marker.exists() {
        return Ok(0);
    }
    let unlogged = state.store.unlogged_keys().await?;
    for account_id in &unlogged.accounts {
        let account = state.store.account_by_id(*account_id).await?;
        publish_account_key(state, &account).await?;
    }
    for (name, generation, recipient) in &unlogged.mailboxes {
        let mailbox = state.store.mailbox_by_name(name).await?;
        publish_mailbox_key(state, &mailbox, *generation, recipient).await?;
    }
    std::fs::write(
        &marker,
        "Keys made before key logging were logged on this installation's first start.\n",
    )
    .map_err(|error| ApiError::internal(format!("writing {}: {error}", marker.display())))?;
    Ok(unlogged.accounts.len() + unlogged.mailboxes.len())
}

/// A published key's log entry and its inclusion proof in the tree of `size` entries.
#[utoipa::path(get, path = "/api/keys/proof", tag = "directory",
    security(("bearer" = [])),
    params(InclusionQuery),
    responses(
        (status = 200, description = "the key entry and its audit path", body = KeyProof),
        (status = 400, description = "index not below size, or size beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no published key at this index", body = ErrorBody),
    ))]
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> Result<Json<KeyProof>, ApiError> {
    authorize(&principal, Action::ProveKey, &Resource::Server).map_err(|_| not_a_key())?;
    proven_entry(&state, &query, |record| matches!(record, Record::Key(_)))
        .await?
        .map(Json)
        .ok_or_else(not_a_key)
}

/// Consistency proof between the trees of `from` and `to` entries, for any account checking
/// that the log it trusts only grew.
#[utoipa::path(get, path = "/api/keys/consistency", tag = "directory",
    security(("bearer" = [])),
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "the consistency proof", body = AuditConsistencyProof),
        (status = 400, description = "from above to, or to beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn consistency(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ConsistencyQuery>,
) -> Result<Json<AuditConsistencyProof>, ApiError> {
    authorize(&principal, Action::ProveKey, &Resource::Server).map_err(|_| not_a_key())?;
    check_size(&state, query.to).await?;
    let indexes = pli_audit::consistency_proof_indexes(query.from, query.to).map_err(bad_proof)?;
    let hashes = fetch(&state, &indexes).await?;
    let proof = pli_audit::consistency_proof(query.from, query.to, &hashes).map_err(bad_proof)?;
    Ok(Json(AuditConsistencyProof {
        from: query.from,
        to: query.to,
        hashes: proof.iter().map(Hash::to_string).collect(),
    }))
}

fn not_a_key() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no published key at this index of the audit log",
    )
}
