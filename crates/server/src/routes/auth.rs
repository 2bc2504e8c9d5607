//! `/api/auth/*`: prelogin, login, join, logout.

use crate::auth::{
    ClientAddr, KDF_FLOOR, Principal, SESSION_SECS, auth_key_matches, check_kdf, fake_salt,
    new_session_token, normalize_code, now, rfc3339, sha256,
};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::routes::me::account_info;
use crate::state::AppState;
use crate::validate::{
    Email, age_recipient, base64_bytes, base64_encode, base64_exact, signing_key,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    ErrorBody, JoinRequest, KdfParams, LoginRequest, PreloginRequest, PreloginResponse,
    SessionResponse,
};
use pli_store::{Account, AuditEvent, NewAccount, Outcome, StoreError};

/// Largest sealed private-key bundle an account may register.
pub const MAX_WRAPPED_KEYS: usize = 4096;

/// Salt and cost of an account's password derivation. Unknown emails get a stable fake salt
/// and the default cost, so the answer does not reveal whether an account exists.
#[utoipa::path(post, path = "/api/auth/prelogin", tag = "auth",
    request_body = PreloginRequest,
    responses(
        (status = 200, description = "salt and cost", body = PreloginResponse),
        (status = 400, description = "malformed email or body", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn prelogin(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PreloginRequest>,
) -> Result<Json<PreloginResponse>, ApiError> {
    let email = Email::parse(&request.email)?;
    let response = match state.store.account_by_email(email.as_str()).await {
        Ok(account) => PreloginResponse {
            salt: base64_encode(&account.kdf_salt),
            kdf: KdfParams {
                m_kib: account.kdf_m_kib,
                t: account.kdf_t,
                p: account.kdf_p,
            },
        },
        Err(StoreError::NotFound) => PreloginResponse {
            salt: base64_encode(&fake_salt(state.server_key.as_bytes(), email.as_str())),
            kdf: KDF_FLOOR,
        },
        Err(error) => return Err(error.into()),
    };
    Ok(Json(response))
}

/// Opens a session with the authentication key derived from the password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "a new session", body = SessionResponse),
        (status = 400, description = "malformed email or key", body = ErrorBody),
        (status = 401, description = "invalid email or password", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let email = Email::parse(&request.email)?;
    let auth_key = base64_exact::<32>("auth_key", &request.auth_key)?;
    let account = match state.store.account_by_email(email.as_str()).await {
        Ok(account) => Some(account),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    // Unknown accounts are checked against a hash nothing matches, so both failures take the
    // same path and give the same answer.
    let stored_hash = account
        .as_ref()
        .map_or([0xff; 32], |account| account.auth_hash);
    let matches = auth_key_matches(&auth_key, &stored_hash);
    let account = match account {
        Some(account) if matches => account,
        account => {
            let event = login_event(account.as_ref(), email.as_str(), from, Outcome::Denied);
            state.audit.record(event).await;
            return Err(ApiError::invalid_credentials());
        }
    };
    let event = login_event(Some(&account), &account.email, from, Outcome::Allowed);
    let response = open_session(&state, account).await?;
    state.audit.record(event).await;
    Ok(Json(response))
}

/// A login attempt for `email`, by `account` if it exists.
fn login_event(
    account: Option<&Account>,
    email: &str,
    from: String,
    outcome: Outcome,
) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: account.map(|account| account.id),
        actor_email: Some(email.to_owned()),
        org_id: account.map(|account| account.org.id),
        from,
        action: "auth.login".into(),
        target: Some(email.to_owned()),
        outcome,
    }
}

/// Redeems an invitation: registers the account's keys and opens a session.
#[utoipa::path(post, path = "/api/auth/join", tag = "auth",
    request_body = JoinRequest,
    responses(
        (status = 201, description = "account created, session opened", body = SessionResponse),
        (status = 400, description = "malformed field, wrong key length, or derivation parameters below the floor (`weak_kdf`)", body = ErrorBody),
        (status = 403, description = "wrong, used or expired invitation code (`invalid_invitation`)", body = ErrorBody),
        (status = 409, description = "an account with this email exists", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn join(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiJson(request): ApiJson<JoinRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    let email = Email::parse(&request.email)?;
    let salt = base64_exact::<16>("salt", &request.salt)?;
    check_kdf(&request.kdf)?;
    let auth_key = base64_exact::<32>("auth_key", &request.auth_key)?;
    let age_recipient = age_recipient(&request.public_keys.age_recipient)?;
    let signing_key = signing_key(&request.public_keys.signing_key)?;
    let wrapped_keys = base64_bytes("wrapped_keys", &request.wrapped_keys, MAX_WRAPPED_KEYS)?;
    if wrapped_keys.is_empty() {
        return Err(ApiError::invalid("wrapped_keys is empty"));
    }
    let event = |outcome| AuditEvent {
        at: now(),
        actor: None,
        actor_email: Some(email.to_string()),
        org_id: None,
        from: from.clone(),
        action: "auth.join".into(),
        target: Some(email.to_string()),
        outcome,
    };
    let Some(code) = normalize_code(&request.code) else {
        state.audit.record(event(Outcome::Denied)).await;
        return Err(invalid_invitation());
    };
    let new_account = NewAccount {
        email: email.to_string(),
        kdf_salt: salt.to_vec(),
        kdf_m_kib: request.kdf.m_kib,
        kdf_t: request.kdf.t,
        kdf_p: request.kdf.p,
        auth_hash: sha256(&auth_key),
        age_recipient,
        signing_key,
        wrapped_keys,
    };
    let account = match state
        .store
        .redeem_invitation(&sha256(code.as_bytes()), &new_account, now())
        .await
    {
        Ok(account) => account,
        Err(StoreError::NotFound) => {
            state.audit.record(event(Outcome::Denied)).await;
            return Err(invalid_invitation());
        }
        Err(StoreError::Conflict(_)) => {
            state.audit.record(event(Outcome::Failed)).await;
            return Err(ApiError::conflict(
                "an account with this email exists; log in instead",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let joined = AuditEvent {
        actor: Some(account.id),
        org_id: Some(account.org.id),
        ..event(Outcome::Allowed)
    };
    state
        .audit
        .record_durable(joined)
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    crate::routes::keys::publish_account_key(&state, &account).await?;
    let response = open_session(&state, account).await?;
    Ok((StatusCode::CREATED, Json(response)))
}

/// Ends the caller's session.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "session ended"),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<StatusCode, ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    state
        .store
        .delete_session(&principal.token_hash)
        .await
        .or_else(|error| match error {
            StoreError::NotFound => Ok(()),
            error => Err(error),
        })?;
    state
        .audit
        .record(principal.event("auth.logout", None, Outcome::Allowed))
        .await;
    Ok(StatusCode::NO_CONTENT)
}

fn invalid_invitation() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "invalid_invitation",
        "invalid, used or expired invitation code for this email; ask your administrator for a new one",
    )
}

async fn open_session(state: &AppState, account: Account) -> Result<SessionResponse, ApiError> {
    let (token, token_hash) = new_session_token();
    let expires_at = now() + SESSION_SECS;
    state
        .store
        .create_session(&token_hash, account.id, expires_at)
        .await?;
    let mailboxes = state.store.account_mailboxes(account.id).await?;
    let wrapped_keys = base64_encode(&account.wrapped_keys);
    Ok(SessionResponse {
        token,
        expires_at: rfc3339(expires_at),
        account: account_info(&account, &mailboxes),
        wrapped_keys,
    })
}
