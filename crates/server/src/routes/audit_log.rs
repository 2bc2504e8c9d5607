//! The tamper-evident audit log (`docs/AUDIT.md`): its latest signed checkpoint and its verifier
//! key (public: a checkpoint reveals only the number of entries and a hash, and witnesses and
//! senders checking keys need it without an account), and, for auditors and admins, inclusion
//! and consistency proofs and the entries themselves (other organisations' entries redacted to
//! their header and leaf hash).

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use pli_audit::{HEADER_BYTES, Hash, MerkleError, Record, leaf_hash};
use pli_proto::{
    AuditConsistencyProof, AuditInclusionProof, AuditLogEntries, AuditLogEntry, ErrorBody,
};
use pli_store::MAX_WITNESSES;
use pli_store::Outcome;
use serde::Deserialize;
use std::collections::HashMap;

/// Default and largest page of log entries.
pub const MAX_LOG_ENTRIES: u32 = 1000;

/// Query of `GET /api/audit/log/checkpoint`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckpointQuery {
    /// `true`: the latest checkpoint witnesses cosigned, with their signature lines, instead of
    /// the latest one.
    pub cosigned: Option<bool>,
    /// With `cosigned`: only these witnesses count, their verifier keys separated by commas
    /// (the client's trusted witnesses), so that cosignatures by others do not hide the latest
    /// checkpoint they cosigned.
    pub witnesses: Option<String>,
    /// With `cosigned`: how many of `witnesses` must have cosigned (default 1).
    pub required: Option<u32>,
}

/// The signed checkpoint of the largest tree, as a C2SP signed note; or the largest that
/// witnesses cosigned, with their cosignatures.
#[utoipa::path(get, path = "/api/audit/log/checkpoint", tag = "public",
    params(CheckpointQuery),
    responses(
        (status = 200, description = "the checkpoint, a C2SP tlog-checkpoint in a signed note", body = String, content_type = "text/plain"),
        (status = 404, description = "nothing logged yet, or nothing cosigned yet", body = ErrorBody),
    ))]
pub async fn checkpoint(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CheckpointQuery>,
) -> Result<Response, ApiError> {
    if query.cosigned == Some(true) {
        let witnesses: Vec<String> = query
            .witnesses
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(str::to_owned)
            .collect();
        if witnesses.len() > MAX_WITNESSES
            || witnesses
                .iter()
                .any(|key| key.len() > pli_audit::MAX_WITNESS_KEY_CHARS)
        {
            return Err(ApiError::invalid(format!(
                "witnesses: at most {MAX_WITNESSES} witness keys, each at most {} characters",
                pli_audit::MAX_WITNESS_KEY_CHARS
            )));
        }
        let required = match query.required {
            None => 1,
            Some(required @ 1..) if required as usize <= witnesses.len().max(1) => required,
            Some(_) => {
                return Err(ApiError::invalid(
                    "required must be between 1 and the number of witnesses given",
                ));
            }
        };
        let (stored, lines) = state
            .store
            .latest_cosigned(&witnesses, required as usize)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "no checkpoint is cosigned by these witnesses yet; run pli audit witness",
                )
            })?;
        let mut note = stored.note;
        for line in lines {
            note.push_str(&line);
            note.push('\n');
        }
        return Ok(text(note));
    }
    let latest =
        state.store.audit_log_latest().await?.ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "nothing logged yet")
        })?;
    Ok(text(latest.note))
}

/// The key checkpoints are signed with, as a signed-note verifier key
/// (`<origin>+<key id>+<base64 key>`).
#[utoipa::path(get, path = "/api/audit/log/key", tag = "public",
    responses(
        (status = 200, description = "the log's verifier key", body = String, content_type = "text/plain"),
        (status = 503, description = "the audit log is not open", body = ErrorBody),
    ))]
pub async fn key(State(state): State<AppState>) -> Result<Response, ApiError> {
    let verifier = state.audit.verifier().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the audit log is not open",
        )
    })?;
    Ok(text(format!("{verifier}\n")))
}

/// Query of `GET /api/audit/log/inclusion`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// Index of the entry.
    pub index: u64,
    /// Size of the tree (of a checkpoint the client holds).
    pub size: u64,
}

/// Inclusion proof of an entry in the tree of `size` entries.
#[utoipa::path(get, path = "/api/audit/log/inclusion", tag = "audit",
    security(("bearer" = [])),
    params(InclusionQuery),
    responses(
        (status = 200, description = "the audit path", body = AuditInclusionProof),
        (status = 400, description = "index not below size, or size beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only auditors and admins read the audit log", body = ErrorBody),
    ))]
pub async fn inclusion(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> Result<Json<AuditInclusionProof>, ApiError> {
    check_reader(&state, &principal, "audit.log.proof").await?;
    check_size(&state, query.size).await?;
    let indexes = pli_audit::inclusion_proof_indexes(query.size, query.index).map_err(bad_proof)?;
    let hashes = fetch(&state, &indexes).await?;
    let proof = pli_audit::inclusion_proof(query.size, query.index, &hashes).map_err(bad_proof)?;
    Ok(Json(AuditInclusionProof {
        index: query.index,
        size: query.size,
        hashes: proof.iter().map(Hash::to_string).collect(),
    }))
}

/// Query of `GET /api/audit/log/consistency`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// Size of the older tree.
    pub from: u64,
    /// Size of the newer tree.
    pub to: u64,
}

/// Consistency proof between the trees of `from` and `to` entries.
#[utoipa::path(get, path = "/api/audit/log/consistency", tag = "audit",
    security(("bearer" = [])),
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "the consistency proof", body = AuditConsistencyProof),
        (status = 400, description = "from above to, or to beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only auditors and admins read the audit log", body = ErrorBody),
    ))]
pub async fn consistency(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ConsistencyQuery>,
) -> Result<Json<AuditConsistencyProof>, ApiError> {
    check_reader(&state, &principal, "audit.log.proof").await?;
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

/// Query of `GET /api/audit/log/entries`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// Index of the first entry (default 0).
    pub start: Option<u64>,
    /// Page size, 1 to 1000 (default 1000).
    pub limit: Option<u32>,
}

/// Stored entries from `start`, by increasing index. The caller's organisation's events,
/// published policies and account roles come whole; other entries (other organisations',
/// server-wide ones, keys and receipts) as header and leaf hash only.
#[utoipa::path(get, path = "/api/audit/log/entries", tag = "audit",
    security(("bearer" = [])),
    params(EntriesQuery),
    responses(
        (status = 200, description = "a page of entries", body = AuditLogEntries),
        (status = 400, description = "bad limit", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only auditors and admins read the audit log", body = ErrorBody),
    ))]
pub async fn entries(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<EntriesQuery>,
) -> Result<Json<AuditLogEntries>, ApiError> {
    let limit = match query.limit {
        None => MAX_LOG_ENTRIES,
        Some(limit @ 1..=MAX_LOG_ENTRIES) => limit,
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "limit must be between 1 and {MAX_LOG_ENTRIES}"
            )));
        }
    };
    check_reader(&state, &principal, "audit.log.read").await?;
    let own_org = principal.account.org.id.to_string();
    let rows = state
        .store
        .audit_log_stored(query.start.unwrap_or(0), limit)
        .await?;
    let items = rows
        .into_iter()
        .map(|stored| {
            let index = stored.index;
            let bytes = stored.bytes;
            if let Some(leaf) = stored.pruned_leaf {
                // Pruned past retention: only the header and the leaf hash are left.
                return AuditLogEntry {
                    index,
                    entry: None,
                    header: Some(STANDARD.encode(&bytes)),
                    leaf_hash: Some(Hash::from_bytes(leaf).to_string()),
                };
            }
            // The caller's organisation's events, the sending policies it published (its
            // auditors must see every version its clients may have followed) and its accounts'
            // roles (to check that each version's signer was an admin).
            let own = match Record::decode(&bytes) {
                Ok((_, Record::Event(event))) => event.org.as_deref() == Some(own_org.as_str()),
                Ok((_, Record::Policy(policy))) => policy.org == principal.account.org.name,
                Ok((_, Record::Role(role))) => role.org == principal.account.org.name,
                _ => false,
            };
            match bytes.get(..HEADER_BYTES) {
                Some(header) if !own => AuditLogEntry {
                    index,
                    entry: None,
                    header: Some(STANDARD.encode(header)),
                    leaf_hash: Some(leaf_hash(&bytes).to_string()),
                },
                // Whole when it is the caller's, or too short to hold anything but a header.
                _ => AuditLogEntry {
                    index,
                    entry: Some(STANDARD.encode(&bytes)),
                    header: None,
                    leaf_hash: None,
                },
            }
        })
        .collect();
    Ok(Json(AuditLogEntries { items }))
}

fn text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

async fn check_reader(
    state: &AppState,
    principal: &Principal,
    action: &str,
) -> Result<(), ApiError> {
    let org = &principal.account.org;
    let outcome = if authorize(principal, Action::ReadAudit, &Resource::Org(org)).is_ok() {
        Outcome::Allowed
    } else {
        Outcome::Denied
    };
    state
        .audit
        .record(principal.event(action, None, outcome))
        .await;
    if outcome == Outcome::Denied {
        return Err(ApiError::forbidden(
            "only auditors and admins read the audit log",
        ));
    }
    Ok(())
}

/// Proofs are for trees the server signed a checkpoint at or below.
pub(crate) async fn check_size(state: &AppState, size: u64) -> Result<(), ApiError> {
    let latest = state.store.audit_log_latest().await?.map_or(0, |c| c.size);
    if size > latest {
        return Err(ApiError::invalid(format!(
            "the log has {latest} entries; ask for a size at most that"
        )));
    }
    Ok(())
}

pub(crate) async fn fetch(
    state: &AppState,
    indexes: &[u64],
) -> Result<HashMap<u64, Hash>, ApiError> {
    let hashes = state.store.audit_log_hashes(indexes).await?;
    Ok(indexes
        .iter()
        .copied()
        .zip(hashes.into_iter().map(Hash::from_bytes))
        .collect())
}

/// The entry at `query.index` of the tree of `query.size` entries with its inclusion proof, as
/// served to prove a key, a receipt or a policy: `None` when that entry is pruned, missing or
/// not a record `accept` takes (a key, this envelope's receipt, the caller's organisation's
/// policy; the callers answer 404 in their own words). 400 for an index not below the size or
/// a size beyond the log.
pub(crate) async fn proven_entry(
    state: &AppState,
    query: &InclusionQuery,
    accept: impl Fn(&Record) -> bool,
) -> Result<Option<pli_proto::KeyProof>, ApiError> {
    check_size(state, query.size).await?;
    if query.index >= query.size {
        return Err(ApiError::invalid("index must be below size"));
    }
    let Some(entry) = state
        .store
        .audit_log_stored(query.index, 1)
        .await?
        .into_iter()
        .find(|entry| entry.index == query.index && entry.pruned_leaf.is_none())
        .filter(|entry| Record::decode(&entry.bytes).is_ok_and(|(_, record)| accept(&record)))
    else {
        return Ok(None);
    };
    let indexes = pli_audit::inclusion_proof_indexes(query.size, query.index).map_err(bad_proof)?;
    let hashes = fetch(state, &indexes).await?;
    let proof = pli_audit::inclusion_proof(query.size, query.index, &hashes).map_err(bad_proof)?;
    Ok(Some(pli_proto::KeyProof {
        index: query.index,
        size: query.size,
        entry: STANDARD.encode(&entry.bytes),
        hashes: proof.iter().map(Hash::to_string).collect(),
    }))
}

pub(crate) fn bad_proof(error: MerkleError) -> ApiError {
    match error {
        MerkleError::Storage(error) => ApiError::internal(format!("audit log hashes: {error}")),
        error => ApiError::invalid(error.to_string()),
    }
}
