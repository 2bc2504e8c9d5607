//! `/api/envelopes/{id}/receipt(s)`: signed receipts (`docs/AUDIT.md`, section 8).
//!
//! A recipient who opened an envelope signs (envelope id, manifest hash, time) with its own
//! account key; the server checks the signature against the key it knows for the caller, logs
//! the receipt as an audit log entry and keeps it for the sender. The server cannot check the
//! manifest hash (it never sees the manifest): the sender's client compares it with the one it
//! sealed. A receipt binds the exact document without revealing anything of it.

use crate::auth::{Principal, now};
use crate::authz::Action;
use crate::error::ApiError;
use crate::routes::audit_log::{InclusionQuery, proven_entry};
use crate::routes::envelopes::load;
use crate::routes::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::validate::{EnvelopeId, base64_bytes, base64_encode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_audit::{Receipt, Record};
use pli_proto::{
    ErrorBody, KeyProof, ReceiptInfo, ReceiptList, ReceiptRequest, receipt_signed_bytes,
};
use pli_store::{Outcome, StoreError, StoredReceipt};

/// How far a recipient's clock may be from the server's (clocks drift).
const MAX_CLOCK_SKEW: i64 = 300;

/// Signs for an envelope one opened: stored once per recipient and logged.
#[utoipa::path(post, path = "/api/envelopes/{id}/receipt", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    request_body = ReceiptRequest,
    responses(
        (status = 201, description = "the receipt, logged", body = ReceiptInfo),
        (status = 400, description = "malformed hash, time or signature, or a signature that does not verify", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope, or you are not one of its recipients", body = ErrorBody),
        (status = 409, description = "you already signed a receipt for this envelope", body = ErrorBody),
    ))]
pub async fn sign(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<ReceiptRequest>,
) -> Result<(StatusCode, Json<ReceiptInfo>), ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    let envelope = load(
        &state,
        &principal,
        id,
        Action::SignReceipt,
        "envelope.receipt",
    )
    .await?;
    let manifest_hash = manifest_hash(&request.manifest_hash)?;
    if request.opened_at < envelope.created_at - MAX_CLOCK_SKEW
        || request.opened_at > now() + MAX_CLOCK_SKEW
    {
        return Err(ApiError::invalid(
            "opened_at must lie between the envelope's sending and now (Unix seconds)",
        ));
    }
    let signature: [u8; 64] = base64_bytes("signature", &request.signature, 64)?
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("signature must be 64 bytes"))?;
    let account = &principal.account;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&account.signing_key)
        .map_err(|_| ApiError::internal("a stored signing key is not a curve point"))?;
    let message = receipt_signed_bytes(id.as_bytes(), &manifest_hash, request.opened_at);
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| {
            ApiError::invalid(
                "signature does not verify with your signing key over this envelope, manifest hash and time",
            )
        })?;
    if state
        .store
        .receipts(id)
        .await?
        .iter()
        .any(|receipt| receipt.account_id == account.id)
    {
        return Err(already_signed());
    }
    let log_index = state
        .audit
        .log_durable(Record::Receipt(Receipt {
            time: now(),
            envelope_id: *id.as_bytes(),
            manifest_hash,
            opened_at: request.opened_at,
            recipient: account.email.clone(),
            signing_key: account.signing_key,
            signature,
        }))
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    let stored = StoredReceipt {
        envelope_id: id,
        account_id: account.id,
        email: account.email.clone(),
        manifest_hash,
        opened_at: request.opened_at,
        signature: signature.to_vec(),
        log_index,
    };
    match state.store.add_receipt(&stored).await {
        Ok(()) => {}
        // Two receipts raced: the first one stands; the second's log entry stays, harmless.
        Err(StoreError::Conflict(_)) => return Err(already_signed()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(principal.event("envelope.receipt", Some(id.to_string()), Outcome::Allowed))
        .await;
    Ok((StatusCode::CREATED, Json(info(&stored))))
}

/// Receipts of an envelope: for its sender, and the auditors and admins of the sender's
/// organisation.
#[utoipa::path(get, path = "/api/envelopes/{id}/receipts", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the receipts, by recipient email", body = ReceiptList),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope, or you may not read its receipts", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReceiptList>, ApiError> {
    let id = receipts_readable(&state, &principal, &id).await?;
    let receipts = state.store.receipts(id).await?;
    state
        .audit
        .record(principal.event("envelope.receipts", Some(id.to_string()), Outcome::Allowed))
        .await;
    Ok(Json(ReceiptList {
        items: receipts.iter().map(info).collect(),
    }))
}

/// One receipt's audit log entry and its inclusion proof in the tree of `size` entries, for
/// those who may read the envelope's receipts: the sender's client proves that a receipt it
/// shows is in the log it trusts, as it proves keys.
#[utoipa::path(get, path = "/api/envelopes/{id}/receipts/proof", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits"), InclusionQuery),
    responses(
        (status = 200, description = "the receipt's entry and its audit path", body = KeyProof),
        (status = 400, description = "index not below size, or size beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope for this account, or no receipt of it at this index", body = ErrorBody),
    ))]
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> Result<Json<KeyProof>, ApiError> {
    let id = receipts_readable(&state, &principal, &id).await?;
    let not_a_receipt = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no receipt of this envelope at this index of the audit log",
        )
    };
    // Only this envelope's receipts: another envelope's would tell who opened it.
    proven_entry(&state, &query, |record| {
        matches!(record, Record::Receipt(receipt) if receipt.envelope_id == *id.as_bytes())
    })
    .await?
    .map(Json)
    .ok_or_else(not_a_receipt)
}

/// The envelope `id` names, once `principal` may read its receipts (the sender, its
/// organisation's auditors and admins); everyone else gets the envelope's 404.
async fn receipts_readable(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<pli_store::Id, ApiError> {
    let id = EnvelopeId::parse(id)?.id();
    load(
        state,
        principal,
        id,
        Action::ReadReceipts,
        "envelope.receipts",
    )
    .await?;
    Ok(id)
}

fn info(receipt: &StoredReceipt) -> ReceiptInfo {
    ReceiptInfo {
        email: receipt.email.clone(),
        manifest_hash: base64_encode(&receipt.manifest_hash),
        opened_at: receipt.opened_at,
        signature: base64_encode(&receipt.signature),
        log_index: receipt.log_index,
    }
}

fn manifest_hash(text: &str) -> Result<[u8; 32], ApiError> {
    base64_bytes("manifest_hash", text, 32)?
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("manifest_hash must be a SHA-256 (32 bytes)"))
}

fn already_signed() -> ApiError {
    ApiError::conflict("you already signed a receipt for this envelope")
}
