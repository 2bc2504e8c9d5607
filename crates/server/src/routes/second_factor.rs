//! `/api/me/totp*`: enrolling and removing the caller's TOTP second factor.

use crate::auth::{Principal, now};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::second_factor;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{ErrorBody, RecoveryCodes, TotpCode, TotpEnrolment};
use pli_store::{Outcome, StoreError};

/// Starts enrolment: a new secret, shown once. It replaces an unconfirmed one and takes effect
/// only once confirmed with a first code.
#[utoipa::path(post, path = "/api/me/totp", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "the secret, shown once", body = TotpEnrolment),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 409, description = "a second factor is already set up; disable it first", body = ErrorBody),
    ))]
pub async fn begin(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<(StatusCode, Json<TotpEnrolment>), ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let account = &principal.account;
    let secret = second_factor::new_secret();
    let sealed = second_factor::seal(&state.server_key, account.id, &secret)
        .ok_or_else(|| ApiError::internal("sealing a TOTP secret failed"))?;
    match state.store.begin_totp(account.id, &sealed, now()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(
                "a second factor is already set up; run `pli 2fa disable` first to replace it",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(principal.event("totp.begin", None, Outcome::Allowed))
        .await;
    Ok((
        StatusCode::CREATED,
        Json(TotpEnrolment {
            secret: second_factor::base32(&secret),
            uri: second_factor::otpauth_uri(&secret, &account.email),
        }),
    ))
}

/// Confirms enrolment with a first code; answers the one-time recovery codes, shown once.
#[utoipa::path(post, path = "/api/me/totp/confirm", tag = "account",
    security(("bearer" = [])),
    request_body = TotpCode,
    responses(
        (status = 200, description = "the second factor is on; the recovery codes, shown once", body = RecoveryCodes),
        (status = 400, description = "wrong code (`invalid_code`)", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no enrolment started (`POST /api/me/totp` first)", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<TotpCode>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let account = &principal.account;
    let pending = state
        .store
        .totp(account.id)
        .await?
        .filter(|totp| !totp.confirmed)
        .ok_or_else(no_enrolment)?;
    let secret = second_factor::open(&state.server_key, account.id, &pending.secret)
        .ok_or_else(|| ApiError::internal("a stored TOTP secret does not open"))?;
    let Some(step) = second_factor::matching_step(&secret, &request.code, now()) else {
        state
            .audit
            .record(principal.event("totp.enable", None, Outcome::Denied))
            .await;
        return Err(invalid_code());
    };
    let codes = second_factor::new_recovery_codes();
    let hashes: Vec<[u8; 32]> = codes
        .iter()
        .filter_map(|code| second_factor::recovery_hash(code))
        .collect();
    match state.store.confirm_totp(account.id, step, &hashes).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(no_enrolment()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event("totp.enable", None, Outcome::Allowed))
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(Json(RecoveryCodes { codes }))
}

/// Removes the second factor, with a current code or a recovery code.
#[utoipa::path(post, path = "/api/me/totp/disable", tag = "account",
    security(("bearer" = [])),
    request_body = TotpCode,
    responses(
        (status = 204, description = "the second factor is off"),
        (status = 400, description = "wrong code (`invalid_code`)", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no second factor is set up", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn disable(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<TotpCode>,
) -> Result<StatusCode, ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let account = &principal.account;
    let totp = state
        .store
        .totp(account.id)
        .await?
        .filter(|totp| totp.confirmed)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "this account has no second factor",
            )
        })?;
    let accepted = if second_factor::looks_like_totp(&request.code) {
        let secret = second_factor::open(&state.server_key, account.id, &totp.secret)
            .ok_or_else(|| ApiError::internal("a stored TOTP secret does not open"))?;
        match second_factor::matching_step(&secret, &request.code, now()) {
            Some(step) => match state.store.use_totp_step(account.id, step).await {
                Ok(()) => true,
                Err(StoreError::Conflict(_) | StoreError::NotFound) => false,
                Err(error) => return Err(error.into()),
            },
            None => false,
        }
    } else {
        match second_factor::recovery_hash(&request.code) {
            Some(hash) => match state.store.use_recovery_code(account.id, &hash).await {
                Ok(()) => true,
                Err(StoreError::NotFound) => false,
                Err(error) => return Err(error.into()),
            },
            None => false,
        }
    };
    if !accepted {
        state
            .audit
            .record(principal.event("totp.disable", None, Outcome::Denied))
            .await;
        return Err(invalid_code());
    }
    match state.store.delete_totp(account.id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event("totp.disable", None, Outcome::Allowed))
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

fn invalid_code() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_code",
        "wrong or already used code; check the authenticator app's clock and try the next code",
    )
}

fn no_enrolment() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no second factor enrolment in progress; start one with `pli 2fa enable`",
    )
}
