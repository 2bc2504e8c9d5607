//! `GET`/`PUT /api/policy`: the organisation's sending policy (data loss prevention), signed
//! by an admin. Every account of the organisation reads it, since its client applies it before
//! encrypting; only admins publish a new version.

use crate::auth::{Principal, now, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::audit_log::{InclusionQuery, proven_entry};
use crate::routes::keys::account_role_entry;
use crate::routes::{ApiJson, ApiQuery};
use crate::state::AppState;
use crate::validate::{base64_bytes, base64_encode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_audit::{PublishedPolicy, Record};
use pli_proto::{
    DlpSummary, ErrorBody, KeyProof, PolicyAnswer, Role, SetPolicyRequest, SignedPolicy,
    policy_signed_bytes,
};
use pli_store::{NewPolicy, Org, Outcome, StoreError, StoredPolicy};
use sha2::{Digest, Sha256};

/// The latest version of the caller's organisation's policy, if it has one.
#[utoipa::path(get, path = "/api/policy", tag = "policy",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the policy, or `null` when the organisation has none", body = PolicyAnswer),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<PolicyAnswer>, ApiError> {
    let org = &principal.account.org;
    authorize(&principal, Action::ReadPolicy, &Resource::Org(org))
        .map_err(|_| ApiError::forbidden("you may not read this organisation's policy"))?;
    let Some(mut policy) = state.store.latest_policy(org.id).await? else {
        return Ok(Json(PolicyAnswer { policy: None }));
    };
    // The signer's role now, not when it signed: a policy stops counting once its signer is
    // no longer an admin (or no longer in the organisation), until an admin signs it again.
    let signer = match state.store.account_by_email(&policy.signer_email).await {
        Ok(signer) if signer.org.id == org.id => Some(signer),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    // A version set before policies were logged is logged now, with its signer's key if that
    // key still verifies it; otherwise it stays unlogged and clients refuse it until an admin
    // signs again.
    if policy.log_index.is_none()
        && let Some(signer) = &signer
        && verifies(&org.name, &policy, &signer.signing_key)
    {
        policy.log_index = Some(publish(&state, org, &policy, signer.signing_key).await?);
    }
    let signer = match signer {
        Some(signer) => Some((signer.role, account_role_entry(&state, &signer).await?)),
        None => None,
    };
    Ok(Json(PolicyAnswer {
        policy: Some(signed(&org.name, policy, signer)),
    }))
}

fn verifies(org: &str, policy: &StoredPolicy, signing_key: &[u8; 32]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(signing_key) else {
        return false;
    };
    let Ok(signature) = <[u8; 64]>::try_from(policy.signature.as_slice()) else {
        return false;
    };
    let message = policy_signed_bytes(org, policy.version, &policy.text);
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .is_ok()
}

/// Logs a version of the organisation's policy (kind 0x04: organisation, version, hash of the
/// text, signer and signature) and records the entry's index, which clients prove.
async fn publish(
    state: &AppState,
    org: &Org,
    policy: &StoredPolicy,
    signing_key: [u8; 32],
) -> Result<u64, ApiError> {
    let signature = <[u8; 64]>::try_from(policy.signature.as_slice())
        .map_err(|_| ApiError::internal("a stored policy signature is not 64 bytes"))?;
    let record = Record::Policy(PublishedPolicy {
        time: now(),
        org: org.name.clone(),
        version: policy.version,
        text_hash: Sha256::digest(policy.text.as_bytes()).into(),
        signer: policy.signer_email.clone(),
        signing_key,
        signature,
    });
    let index = state.audit.log_durable(record).await?;
    state
        .store
        .set_policy_log_index(org.id, policy.version, index)
        .await?;
    Ok(index)
}

/// A published policy's log entry, or the entry stating the role of one of its accounts, and
/// its inclusion proof in the tree of `size` entries, for the accounts of that organisation.
#[utoipa::path(get, path = "/api/policy/proof", tag = "policy",
    security(("bearer" = [])),
    params(InclusionQuery),
    responses(
        (status = 200, description = "the policy or role entry and its audit path", body = KeyProof),
        (status = 400, description = "index not below size, or size beyond the log", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no policy or role entry of your organisation at this index", body = ErrorBody),
    ))]
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<InclusionQuery>,
) -> Result<Json<KeyProof>, ApiError> {
    let org = &principal.account.org;
    authorize(&principal, Action::ReadPolicy, &Resource::Org(org))
        .map_err(|_| ApiError::forbidden("you may not read this organisation's policy"))?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no policy or role entry of your organisation at this index of the audit log",
        )
    };
    // Only the caller's organisation's: another's would tell who signs its rules.
    proven_entry(&state, &query, |record| match record {
        Record::Policy(policy) => policy.org == org.name,
        Record::Role(role) => role.org == org.name,
        _ => false,
    })
    .await?
    .map(Json)
    .ok_or_else(not_found)
}

/// Publishes a new version of the caller's organisation's policy. Admins only; the text must
/// be a valid policy whose `version` is the one given, greater than the current one, signed
/// with the caller's key.
#[utoipa::path(put, path = "/api/policy", tag = "policy",
    security(("bearer" = [])),
    request_body = SetPolicyRequest,
    responses(
        (status = 201, description = "the policy is the organisation's latest", body = SignedPolicy),
        (status = 400, description = "bad signature, or the version differs from the text's", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "only admins set the policy", body = ErrorBody),
        (status = 409, description = "the version is not newer than the current policy's", body = ErrorBody),
        (status = 413, description = "the policy is too large", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "the text is not a valid policy", body = ErrorBody),
    ))]
pub async fn set(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<SetPolicyRequest>,
) -> Result<(StatusCode, Json<SignedPolicy>), ApiError> {
    let org = principal.account.org.clone();
    let target = Some(format!("version {}", request.version));
    if authorize(&principal, Action::SetPolicy, &Resource::Org(&org)).is_err() {
        state
            .audit
            .record(principal.event("policy.set", target, Outcome::Denied))
            .await;
        return Err(ApiError::forbidden(
            "only admins of the organisation set its policy",
        ));
    }
    let stored = match check_and_store(&state, &principal, &request).await {
        Ok(stored) => stored,
        Err(error) => {
            state
                .audit
                .record(principal.event("policy.set", target, Outcome::Failed))
                .await;
            return Err(error);
        }
    };
    state
        .audit
        .record_durable(principal.event("policy.set", target, Outcome::Allowed))
        .await?;
    // Stored first: should logging fail, the version is logged when it is next served.
    let mut stored = stored;
    stored.log_index = Some(publish(&state, &org, &stored, principal.account.signing_key).await?);
    let role_index = account_role_entry(&state, &principal.account).await?;
    Ok((
        StatusCode::CREATED,
        Json(signed(
            &org.name,
            stored,
            Some((principal.account.role, role_index)),
        )),
    ))
}

async fn check_and_store(
    state: &AppState,
    principal: &Principal,
    request: &SetPolicyRequest,
) -> Result<StoredPolicy, ApiError> {
    if request.text.len() > pli_dlp::MAX_POLICY_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the policy is larger than {} bytes",
                pli_dlp::MAX_POLICY_BYTES
            ),
        ));
    }
    let policy = pli_dlp::Policy::parse(&request.text).map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_policy",
            error.to_string(),
        )
    })?;
    if policy.version() != request.version {
        return Err(ApiError::invalid(format!(
            "version {} differs from the version written in the policy ({})",
            request.version,
            policy.version()
        )));
    }
    let account = &principal.account;
    let bytes = base64_bytes("signature", &request.signature, 64)?;
    let signature: [u8; 64] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("signature must be 64 bytes"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&account.signing_key)
        .map_err(|_| ApiError::internal("a stored signing key is not a curve point"))?;
    let message = policy_signed_bytes(&account.org.name, request.version, &request.text);
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| {
            ApiError::invalid(
                "signature does not verify with your signing key over this organisation, version and text",
            )
        })?;
    let new = NewPolicy {
        org_id: account.org.id,
        version: request.version,
        text: request.text.clone(),
        signer_id: account.id,
        signature: signature.to_vec(),
        set_at: now(),
    };
    match state.store.set_policy(&new).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            let current = state
                .store
                .latest_policy(account.org.id)
                .await?
                .map_or(0, |policy| policy.version);
            return Err(ApiError::conflict(format!(
                "version {} is not newer than the current policy (version {current}): raise `version` in the file",
                request.version
            )));
        }
        Err(error) => return Err(error.into()),
    }
    Ok(StoredPolicy {
        org_id: new.org_id,
        version: new.version,
        text: new.text,
        signer_email: account.email.clone(),
        signature: new.signature,
        set_at: new.set_at,
        log_index: None,
    })
}

/// The policy as served, with its signer's role now and the index of the entry stating it.
fn signed(org: &str, policy: StoredPolicy, signer: Option<(Role, u64)>) -> SignedPolicy {
    SignedPolicy {
        org: org.to_owned(),
        version: policy.version,
        text: policy.text,
        signer: policy.signer_email,
        signer_role: signer.map(|(role, _)| role),
        signer_role_log_index: signer.map(|(_, index)| index),
        signature: base64_encode(&policy.signature),
        set_at: rfc3339(policy.set_at),
        log_index: policy.log_index,
    }
}

/// When the sender's organisation has a policy, an announced envelope must say how it was
/// applied: the current version, and a decision that lets it go. Returns the audit target
/// (kinds and counts only), or `None` without a policy.
pub(crate) async fn check_announced(
    state: &AppState,
    principal: &Principal,
    envelope_id: &str,
    dlp: Option<&DlpSummary>,
) -> Result<Option<String>, ApiError> {
    let Some(policy) = state.store.latest_policy(principal.account.org.id).await? else {
        return Ok(None);
    };
    let Some(dlp) = dlp else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "policy_required",
            format!(
                "your organisation has a sending policy (version {}): files must be checked before sending; update pli",
                policy.version
            ),
        ));
    };
    if dlp.policy_version != policy.version {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "policy_changed",
            format!(
                "the files were checked against policy version {}, the current one is {}: send again",
                dlp.policy_version, policy.version
            ),
        ));
    }
    match dlp.decision.as_str() {
        "allow" | "warn" => {}
        "justify" if dlp.justified => {}
        "justify" => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "justification_required",
                "the policy requires a written justification for these files (--justification)",
            ));
        }
        "block" => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "blocked_by_policy",
                "the organisation's policy blocks sending these files to these recipients",
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "dlp.decision must be \"allow\", \"warn\", \"justify\" or \"block\"",
            ));
        }
    }
    Ok(Some(format!("{envelope_id} {}", decision_target(dlp)?)))
}

/// What the audit trail says of a policy's decision: its version, the decision, the kinds and
/// counts found, the files not inspected (never a value, nor the justification).
fn decision_target(dlp: &DlpSummary) -> Result<String, ApiError> {
    if dlp.kinds.len() > 64
        || dlp.kinds.iter().any(|(kind, _)| {
            kind.is_empty() || kind.len() > 32 || !kind.bytes().all(|b| b.is_ascii_lowercase())
        })
    {
        return Err(ApiError::invalid(
            "dlp.kinds must map at most 64 lowercase kind names to counts",
        ));
    }
    let mut target = format!("policy {} {}", dlp.policy_version, dlp.decision);
    for (kind, count) in &dlp.kinds {
        target.push_str(&format!(" {kind}={count}"));
    }
    if dlp.not_inspectable > 0 {
        target.push_str(&format!(" not_inspectable={}", dlp.not_inspectable));
    }
    if dlp.justified {
        target.push_str(" justified");
    }
    Ok(target)
}

/// A send the policy stopped on the sender's side (blocked, or a justification not given):
/// nothing was announced, so the client says so, and the trail keeps it (kinds and counts
/// only) for the organisation's auditors, as it keeps the decisions on sends that went.
#[utoipa::path(post, path = "/api/policy/refusals", tag = "policy",
    security(("bearer" = [])),
    request_body = DlpSummary,
    responses(
        (status = 204, description = "recorded"),
        (status = 400, description = "a decision other than block or justify, or malformed kinds", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn refused(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(dlp): ApiJson<DlpSummary>,
) -> Result<StatusCode, ApiError> {
    let org = &principal.account.org;
    authorize(&principal, Action::ReadPolicy, &Resource::Org(org))
        .map_err(|_| ApiError::forbidden("you may not report to this organisation's policy"))?;
    if !matches!(dlp.decision.as_str(), "block" | "justify") || dlp.justified {
        return Err(ApiError::invalid(
            "a refusal's decision is \"block\", or \"justify\" without a justification",
        ));
    }
    let target = decision_target(&dlp)?;
    state
        .audit
        .record_durable(principal.event("policy.refused", Some(target), Outcome::Denied))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
