//! `/api/me/totp*`: enrolling and removing the caller's TOTP second factor;
//! `/api/me/step-up`: giving it again when the flow monitor asks.

use crate::auth::{Principal, now};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::second_factor;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{ErrorBody, RecoveryCodes, SecondFactorProof, TotpCode, TotpEnrolment};
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
        .await?;
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
    let accepted = code_accepted(&state, account.id, &totp, &request.code).await?;
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
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives the second factor again after the flow monitor asked for it
/// (`second_factor_again`): a fresh TOTP code, a recovery code, or a passkey's answer to
/// `POST /api/me/passkeys/challenge`. Downloads resume; the
/// monitor does not ask again for an hour.
#[utoipa::path(post, path = "/api/me/step-up", tag = "account",
    security(("bearer" = [])),
    request_body = SecondFactorProof,
    responses(
        (status = 204, description = "accepted; downloads may resume"),
        (status = 400, description = "wrong code (`invalid_code`)", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no second factor is set up", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn step_up(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<SecondFactorProof>,
) -> Result<StatusCode, ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let account = &principal.account;
    if !has_second_factor(&state, account.id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "this account has no second factor",
        ));
    }
    if !proof_accepted(&state, account, &request).await? {
        state
            .audit
            .record(principal.event("monitor.step_up_answer", None, Outcome::Denied))
            .await;
        return Err(invalid_code());
    }
    let lifted = crate::monitor::stepped_up(&state, &principal).await?;
    let target = Some(if lifted { "hold lifted" } else { "no hold" }.to_owned());
    state
        .audit
        .record_durable(principal.event("monitor.step_up_answer", target, Outcome::Allowed))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the account has a confirmed TOTP or a passkey.
pub(crate) async fn has_second_factor(
    state: &AppState,
    account_id: pli_store::Id,
) -> Result<bool, ApiError> {
    let totp = state
        .store
        .totp(account_id)
        .await?
        .is_some_and(|totp| totp.confirmed);
    Ok(totp || crate::passkeys::has_passkey(state, account_id).await?)
}

/// Whether `proof` shows the account's second factor: a passkey's answer to one of its
/// challenges, or a fresh TOTP code or unused recovery code (either is used up).
pub(crate) async fn proof_accepted(
    state: &AppState,
    account: &pli_store::Account,
    proof: &SecondFactorProof,
) -> Result<bool, ApiError> {
    if let Some(assertion) = &proof.passkey {
        return crate::passkeys::verify(state, account, assertion).await;
    }
    let Some(code) = proof.code.as_deref() else {
        return Ok(false);
    };
    let Some(totp) = state
        .store
        .totp(account.id)
        .await?
        .filter(|totp| totp.confirmed)
    else {
        return Ok(false);
    };
    code_accepted(state, account.id, &totp, code).await
}

/// Whether `code` is a fresh TOTP code or an unused recovery code of the account; either is
/// used up.
async fn code_accepted(
    state: &AppState,
    account_id: pli_store::Id,
    totp: &pli_store::Totp,
    code: &str,
) -> Result<bool, ApiError> {
    if second_factor::looks_like_totp(code) {
        let secret = second_factor::open(&state.server_key, account_id, &totp.secret)
            .ok_or_else(|| ApiError::internal("a stored TOTP secret does not open"))?;
        return match second_factor::matching_step(&secret, code, now()) {
            Some(step) => match state.store.use_totp_step(account_id, step).await {
                Ok(()) => Ok(true),
                Err(StoreError::Conflict(_) | StoreError::NotFound) => Ok(false),
                Err(error) => Err(error.into()),
            },
            None => Ok(false),
        };
    }
    match second_factor::recovery_hash(code) {
        Some(hash) => match state.store.use_recovery_code(account_id, &hash).await {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(error) => Err(error.into()),
        },
        None => Ok(false),
    }
}

pub(crate) fn invalid_code() -> ApiError {
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
