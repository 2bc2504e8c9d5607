//! `/api/me/passkeys*`: the caller's passkeys (WebAuthn second factor). Adding or removing one
//! on an account that has a second factor takes a proof of it, so that a stolen session
//! cannot plant its own authenticator or take the owner's away.

use crate::auth::{Principal, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::passkeys;
use crate::routes::second_factor::{has_second_factor, invalid_code, proof_accepted};
use crate::routes::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    ErrorBody, NewPasskeyRequest, PasskeyChallenge, PasskeyInfo, PasskeyList, SecondFactorProof,
};
use pli_store::{Id, Outcome, StoreError, StoredPasskey};

fn info(passkey: &StoredPasskey) -> PasskeyInfo {
    PasskeyInfo {
        id: passkey.id.to_string(),
        name: passkey.name.clone(),
        created_at: rfc3339(passkey.created_at),
        last_used_at: passkey.last_used_at.map(rfc3339),
    }
}

fn own(principal: &Principal) -> Result<(), ApiError> {
    authorize(principal, Action::ActOnSelf, &Resource::Own).map_err(|_| ApiError::unauthenticated())
}

fn proof_needed() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "second_factor_proof_needed",
        "this account has a second factor: give its code (`code`) or a passkey's answer to POST /api/me/passkeys/challenge (`passkey`)",
    )
}

/// Checks the proof when the account has a second factor; records a refusal.
async fn require_proof(
    state: &AppState,
    principal: &Principal,
    proof: &SecondFactorProof,
    action: &str,
) -> Result<(), ApiError> {
    if !has_second_factor(state, principal.account.id).await? {
        return Ok(());
    }
    if proof.code.is_none() && proof.passkey.is_none() {
        return Err(proof_needed());
    }
    if proof_accepted(state, &principal.account, proof).await? {
        return Ok(());
    }
    state
        .audit
        .record(principal.event(action, None, Outcome::Denied))
        .await;
    Err(invalid_code())
}

/// The caller's passkeys.
#[utoipa::path(get, path = "/api/me/passkeys", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller's passkeys, oldest first", body = PasskeyList),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<PasskeyList>, ApiError> {
    own(&principal)?;
    let items = state
        .store
        .passkeys(principal.account.id)
        .await?
        .iter()
        .map(info)
        .collect();
    Ok(Json(PasskeyList { items }))
}

/// A challenge for one of the caller's passkeys, to prove it before adding or removing one.
#[utoipa::path(post, path = "/api/me/passkeys/challenge", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "a challenge for `navigator.credentials.get`", body = PasskeyChallenge),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "the account has no passkey (`no_passkey`)", body = ErrorBody),
        (status = 503, description = "the server's address cannot name a relying party (`passkeys_unavailable`)", body = ErrorBody),
    ))]
pub async fn challenge(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    own(&principal)?;
    Ok(Json(passkeys::challenge(&state, &principal.account).await?))
}

/// Starts adding a passkey: a challenge for `navigator.credentials.create`.
#[utoipa::path(post, path = "/api/me/passkeys/options", tag = "account",
    security(("bearer" = [])),
    request_body = SecondFactorProof,
    responses(
        (status = 201, description = "a challenge for `navigator.credentials.create`", body = PasskeyChallenge),
        (status = 400, description = "wrong code or passkey answer (`invalid_code`), malformed answer", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "the account has a second factor and no proof was given (`second_factor_proof_needed`)", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
        (status = 503, description = "the server's address cannot name a relying party (`passkeys_unavailable`)", body = ErrorBody),
    ))]
pub async fn options(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(proof): ApiJson<SecondFactorProof>,
) -> Result<(StatusCode, Json<PasskeyChallenge>), ApiError> {
    own(&principal)?;
    require_proof(&state, &principal, &proof, "passkey.add").await?;
    let challenge = passkeys::registration(&state, &principal.account).await?;
    Ok((StatusCode::CREATED, Json(challenge)))
}

/// Adds the passkey that answered the challenge of `POST /api/me/passkeys/options`.
#[utoipa::path(post, path = "/api/me/passkeys", tag = "account",
    security(("bearer" = [])),
    request_body = NewPasskeyRequest,
    responses(
        (status = 201, description = "the passkey is a second factor of the account", body = PasskeyInfo),
        (status = 400, description = "malformed fields, or an answer that does not check (`invalid_passkey`)", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no registration in progress under this ceremony", body = ErrorBody),
        (status = 409, description = "this authenticator is registered already", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
        (status = 503, description = "the server's address cannot name a relying party (`passkeys_unavailable`)", body = ErrorBody),
    ))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<NewPasskeyRequest>,
) -> Result<(StatusCode, Json<PasskeyInfo>), ApiError> {
    own(&principal)?;
    let stored = match passkeys::register(
        &state,
        &principal.account,
        &request.ceremony,
        &request.name,
        &request.credential,
    )
    .await
    {
        Ok(stored) => stored,
        Err(error) => {
            state
                .audit
                .record(principal.event("passkey.add", None, Outcome::Denied))
                .await;
            return Err(error);
        }
    };
    state
        .audit
        .record_durable(principal.event(
            "passkey.add",
            Some(stored.id.to_string()),
            Outcome::Allowed,
        ))
        .await?;
    Ok((StatusCode::CREATED, Json(info(&stored))))
}

/// Removes one of the caller's passkeys, with a proof of a second factor (that passkey,
/// another one, or a code).
#[utoipa::path(post, path = "/api/me/passkeys/{id}/remove", tag = "account",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "passkey id, 32 lowercase hex digits")),
    request_body = SecondFactorProof,
    responses(
        (status = 204, description = "the passkey no longer works"),
        (status = 400, description = "wrong code or passkey answer (`invalid_code`), malformed id or answer", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "no proof was given (`second_factor_proof_needed`)", body = ErrorBody),
        (status = 404, description = "the caller has no such passkey", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(proof): ApiJson<SecondFactorProof>,
) -> Result<StatusCode, ApiError> {
    own(&principal)?;
    let id = Id::parse(&id).ok_or_else(|| ApiError::invalid("id is not a passkey id"))?;
    let known = state
        .store
        .passkeys(principal.account.id)
        .await?
        .iter()
        .any(|passkey| passkey.id == id);
    if !known {
        return Err(no_such_passkey());
    }
    require_proof(&state, &principal, &proof, "passkey.remove").await?;
    match state.store.delete_passkey(principal.account.id, id).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(no_such_passkey()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event("passkey.remove", Some(id.to_string()), Outcome::Allowed))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn no_such_passkey() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such passkey on this account; `GET /api/me/passkeys` lists them",
    )
}
