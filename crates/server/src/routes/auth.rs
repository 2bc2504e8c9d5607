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
use crate::{second_factor, throttle};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    ErrorBody, JoinRequest, KdfParams, LoginRequest, PasskeyChallenge, PasskeyLoginStart,
    PreloginRequest, PreloginResponse, SessionResponse,
};
use pli_store::{Account, AuditEvent, NewAccount, NewAlert, Outcome, StoreError};

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
        (status = 401, description = "invalid email, password or second factor (`invalid_credentials`), or a second factor is needed (`second_factor_needed`)", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
        (status = 429, description = "too many attempts (`too_many_attempts`), or logins to this email are locked after repeated failures (`login_locked`)", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let at = now();
    let account = first_factor(&state, &from, &request.email, &request.auth_key, at).await?;
    let totp = state
        .store
        .totp(account.id)
        .await?
        .filter(|totp| totp.confirmed);
    let has_passkey = crate::passkeys::has_passkey(&state, account.id).await?;
    if totp.is_some() || has_passkey {
        // Only said after the right password, so it reveals nothing to a guesser.
        let accepted = match (&request.passkey, request.totp.as_deref(), &totp) {
            (Some(assertion), _, _) => crate::passkeys::verify(&state, &account, assertion).await?,
            (None, Some(code), Some(totp)) => {
                second_factor_accepted(&state, &account, totp, code, &from, at).await?
            }
            _ => {
                // The password was right: the trail says so, and that the second factor was
                // asked for, so a stolen password shows even when the code stops it.
                state
                    .audit
                    .record(AuditEvent {
                        action: "auth.second_factor_needed".into(),
                        ..login_event(Some(&account), &account.email, from, Outcome::Allowed)
                    })
                    .await;
                return Err(second_factor_needed(totp.is_some(), has_passkey));
            }
        };
        if !accepted {
            // Told apart from a wrong password: the password was right.
            state
                .audit
                .record(AuditEvent {
                    action: "auth.second_factor".into(),
                    ..login_event(
                        Some(&account),
                        &account.email,
                        from.clone(),
                        Outcome::Denied,
                    )
                })
                .await;
            let email = account.email.clone();
            return Err(login_failed(&state, Some(&account), &email, from, at).await);
        }
    }
    state.store.clear_login_failures(&account.email).await?;
    let event = login_event(Some(&account), &account.email, from, Outcome::Allowed);
    let response = open_session(&state, account).await?;
    state.audit.record(event).await;
    Ok(Json(response))
}

/// The first factor again, for an account that logs in with a passkey: a challenge for
/// `navigator.credentials.get`, then `POST /api/auth/login` with its answer.
#[utoipa::path(post, path = "/api/auth/passkey", tag = "auth",
    request_body = PasskeyLoginStart,
    responses(
        (status = 200, description = "a challenge for the account's passkeys", body = PasskeyChallenge),
        (status = 400, description = "malformed email or key", body = ErrorBody),
        (status = 401, description = "invalid email or password (`invalid_credentials`)", body = ErrorBody),
        (status = 404, description = "right password, but the account has no passkey (`no_passkey`)", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
        (status = 429, description = "too many attempts (`too_many_attempts`), or logins to this email are locked (`login_locked`)", body = ErrorBody),
        (status = 503, description = "the server's address cannot name a relying party (`passkeys_unavailable`)", body = ErrorBody),
    ))]
pub async fn passkey_challenge(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiJson(request): ApiJson<PasskeyLoginStart>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let account = first_factor(&state, &from, &request.email, &request.auth_key, now()).await?;
    Ok(Json(crate::passkeys::challenge(&state, &account).await?))
}

/// Checks the email and the authentication key under the rate limits and locks, exactly
/// alike for unknown accounts; a failure is counted and answered after its delay.
async fn first_factor(
    state: &AppState,
    from: &str,
    email: &str,
    auth_key: &str,
    at: pli_store::Timestamp,
) -> Result<Account, ApiError> {
    let email = Email::parse(email)?;
    let auth_key = base64_exact::<32>("auth_key", auth_key)?;
    let account = match state.store.account_by_email(email.as_str()).await {
        Ok(account) => Some(account),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    // Limits and locks are keyed by the email as typed, so unknown emails meet them exactly
    // like known ones.
    if !state
        .guard
        .allow_login_everywhere(
            state.store.as_ref(),
            &state.server_key,
            from,
            email.as_str(),
            at,
        )
        .await?
    {
        let event = login_event(
            account.as_ref(),
            email.as_str(),
            from.to_owned(),
            Outcome::Denied,
        );
        state.audit.record(event).await;
        return Err(too_many_attempts());
    }
    if state
        .store
        .login_locked_until(email.as_str(), at)
        .await?
        .is_some()
    {
        let event = login_event(
            account.as_ref(),
            email.as_str(),
            from.to_owned(),
            Outcome::Denied,
        );
        state.audit.record(event).await;
        return Err(login_locked());
    }
    // Unknown accounts are checked against a hash nothing matches, so both failures take the
    // same path and give the same answer.
    let stored_hash = account
        .as_ref()
        .map_or([0xff; 32], |account| account.auth_hash);
    let matches = auth_key_matches(&auth_key, &stored_hash);
    match account {
        Some(account) if matches => Ok(account),
        account => {
            Err(login_failed(state, account.as_ref(), email.as_str(), from.to_owned(), at).await)
        }
    }
}

/// Checks a TOTP code (each time step accepted once) or consumes a recovery code, which also
/// raises an alert: the admins should know the authenticator was not at hand.
async fn second_factor_accepted(
    state: &AppState,
    account: &Account,
    totp: &pli_store::Totp,
    code: &str,
    from: &str,
    at: pli_store::Timestamp,
) -> Result<bool, ApiError> {
    if second_factor::looks_like_totp(code) {
        let Some(secret) = second_factor::open(&state.server_key, account.id, &totp.secret) else {
            return Err(ApiError::internal("a stored TOTP secret does not open"));
        };
        let Some(step) = second_factor::matching_step(&secret, code, at) else {
            return Ok(false);
        };
        return match state.store.use_totp_step(account.id, step).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(_) | StoreError::NotFound) => Ok(false),
            Err(error) => Err(error.into()),
        };
    }
    let Some(hash) = second_factor::recovery_hash(code) else {
        return Ok(false);
    };
    match state.store.use_recovery_code(account.id, &hash).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Ok(false),
        Err(error) => return Err(error.into()),
    }
    let left = state.store.recovery_codes_left(account.id).await?;
    state
        .audit
        .record(AuditEvent {
            action: "auth.recovery_code".into(),
            ..login_event(
                Some(account),
                &account.email,
                from.to_owned(),
                Outcome::Allowed,
            )
        })
        .await;
    let alert = NewAlert {
        at,
        org_id: account.org.id,
        account_id: Some(account.id),
        email: Some(account.email.clone()),
        kind: "totp.recovery_code_used".into(),
        details: format!("logged in from {from} with a recovery code; {left} left"),
    };
    state.store.add_alert(&alert).await?;
    state.audit.record(crate::audit::alert_event(&alert)).await;
    Ok(true)
}

/// Counts a failed login, locks the email at the limit (with an audit event, and an alert for
/// the account's organisation), and waits longer after each failure before answering.
async fn login_failed(
    state: &AppState,
    account: Option<&Account>,
    email: &str,
    from: String,
    at: pli_store::Timestamp,
) -> ApiError {
    let n_failures = match state
        .store
        .record_login_failure(email, at, at - throttle::FAILURE_WINDOW_SECS)
        .await
    {
        Ok(n_failures) => n_failures,
        Err(error) => return error.into(),
    };
    state
        .audit
        .record(login_event(account, email, from.clone(), Outcome::Denied))
        .await;
    if n_failures >= throttle::LOCK_AFTER {
        let until = at + throttle::LOCK_SECS;
        if let Err(error) = state.store.lock_login(email, until).await {
            return error.into();
        }
        state
            .audit
            .record(AuditEvent {
                action: "login.locked".into(),
                ..login_event(account, email, from.clone(), Outcome::Denied)
            })
            .await;
        if let Some(account) = account {
            let alert = NewAlert {
                at,
                org_id: account.org.id,
                account_id: Some(account.id),
                email: Some(account.email.clone()),
                kind: "login.locked".into(),
                details: format!(
                    "{n_failures} failed logins within {} minutes, the last from {from}; locked until {}",
                    throttle::FAILURE_WINDOW_SECS / 60,
                    rfc3339(until)
                ),
            };
            if let Err(error) = state.store.add_alert(&alert).await {
                return error.into();
            }
            state.audit.record(crate::audit::alert_event(&alert)).await;
        }
    }
    tokio::time::sleep(throttle::failure_delay(n_failures)).await;
    ApiError::invalid_credentials()
}

fn too_many_attempts() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        "too many attempts; wait a minute and try again",
    )
}

/// Says nothing of when the lock ends: two emails locked a second apart would answer apart.
fn login_locked() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "login_locked",
        "logins to this account are locked for a while after repeated failures; an administrator can lift the lock (`pli admin unblock`)",
    )
}

fn second_factor_needed(totp: bool, passkey: bool) -> ApiError {
    let message = match (totp, passkey) {
        (true, true) => {
            "this account has a second factor: give the code of your authenticator app (or a recovery code), or use one of its passkeys"
        }
        (false, true) => {
            "this account's second factor is a passkey: log in from the web app with it"
        }
        _ => {
            "this account has a second factor: give the code of your authenticator app (or a recovery code)"
        }
    };
    ApiError::new(StatusCode::UNAUTHORIZED, "second_factor_needed", message)
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
        (status = 429, description = "too many attempts from this address or for this email", body = ErrorBody),
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
    if !state
        .guard
        .allow_join_everywhere(
            state.store.as_ref(),
            &state.server_key,
            &from,
            email.as_str(),
            now(),
        )
        .await?
    {
        state.audit.record(event(Outcome::Denied)).await;
        return Err(too_many_attempts());
    }
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
    state.audit.record_durable(joined).await?;
    crate::routes::keys::publish_account_key(&state, &account).await?;
    crate::routes::keys::account_role_entry(&state, &account).await?;
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
