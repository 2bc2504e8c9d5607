//! `/api/admin/*` security routes: alerts, lifting login locks, the organisation's
//! second-factor policy, and scoped, expiring grants on mailboxes.

use crate::auth::{Principal, now, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::admin::{end_access, managed_mailbox};
use crate::routes::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::validate::{Email, MailboxName};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    AlertInfo, AlertPage, ErrorBody, GrantInfo, GrantList, GrantRequest, GrantScope, OrgPolicy,
    UnblockRequest,
};
use pli_store::{Access, Account, Mailbox, NewAlert, Outcome, StoreError, Timestamp};
use serde::Deserialize;

/// Alerts per page.
const ALERT_PAGE: u32 = 500;
/// Longest accepted unblock reason.
const MAX_REASON: usize = 500;

/// Query of `GET /api/admin/alerts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// Only alerts with a larger sequence number (default 0: from the start).
    pub after: Option<i64>,
}

/// Security alerts of the admin's organisation (locked logins, recovery codes used...),
/// oldest first.
#[utoipa::path(get, path = "/api/admin/alerts", tag = "admin",
    security(("bearer" = [])),
    params(AlertQuery),
    responses(
        (status = 200, description = "alerts after `after`, oldest first", body = AlertPage),
        (status = 400, description = "bad query", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin", body = ErrorBody),
    ))]
pub async fn alerts(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> Result<Json<AlertPage>, ApiError> {
    let org = security_org(&state, &principal, "admin.alerts").await?;
    let alerts = state
        .store
        .alerts(org, query.after.unwrap_or(0), ALERT_PAGE)
        .await?;
    state
        .audit
        .record(principal.event("admin.alerts", None, Outcome::Allowed))
        .await;
    Ok(Json(AlertPage {
        items: alerts
            .into_iter()
            .map(|alert| AlertInfo {
                seq: alert.seq,
                at: rfc3339(alert.alert.at),
                email: alert.alert.email,
                kind: alert.alert.kind,
                details: alert.alert.details,
            })
            .collect(),
    }))
}

/// Lifts the login lock and the flow monitor's hold on downloads (a block or a pending
/// step-up) of an account of the admin's organisation, with a reason for the audit trail.
#[utoipa::path(post, path = "/api/admin/unblock", tag = "admin",
    security(("bearer" = [])),
    request_body = UnblockRequest,
    responses(
        (status = 204, description = "the account may log in and download again"),
        (status = 400, description = "bad email or empty reason", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin", body = ErrorBody),
        (status = 404, description = "no such account in your organisation, or it is neither locked nor blocked", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn unblock(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<UnblockRequest>,
) -> Result<StatusCode, ApiError> {
    let email = Email::parse(&request.email)?;
    let reason = request.reason.trim();
    if reason.is_empty() || reason.len() > MAX_REASON || reason.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "give a reason of 1 to {MAX_REASON} characters on one line"
        )));
    }
    let org = security_org(&state, &principal, "admin.unblock").await?;
    let not_locked = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no locked or blocked account with this email in your organisation",
        )
    };
    let account = own_account(&state, org, &email)
        .await?
        .ok_or_else(not_locked)?;
    let login_unlocked = match state.store.unlock_login(&account.email).await {
        Ok(()) => true,
        Err(StoreError::NotFound) => false,
        Err(error) => return Err(error.into()),
    };
    let downloads_unblocked = crate::monitor::lift(&state, account.id, account.org.id).await?;
    if !login_unlocked && !downloads_unblocked {
        return Err(not_locked());
    }
    let lifted = match (login_unlocked, downloads_unblocked) {
        (true, true) => "login and downloads",
        (true, false) => "login",
        _ => "downloads",
    };
    let target = Some(format!("{email} lifted: {lifted} reason: {reason}"));
    state
        .audit
        .record_durable(principal.event("login.unblock", target, Outcome::Allowed))
        .await?;
    let alert = NewAlert {
        at: now(),
        org_id: org,
        account_id: Some(account.id),
        email: Some(account.email.clone()),
        kind: if downloads_unblocked {
            "downloads.unblocked".into()
        } else {
            "login.unblocked".into()
        },
        details: format!(
            "{lifted} unblocked by {}: {reason}",
            principal.account.email
        ),
    };
    state.store.add_alert(&alert).await?;
    state.audit.record(crate::audit::alert_event(&alert)).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the admin's organisation's second-factor policy.
#[utoipa::path(put, path = "/api/admin/policy", tag = "admin",
    security(("bearer" = [])),
    request_body = OrgPolicy,
    responses(
        (status = 200, description = "the policy now", body = OrgPolicy),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn set_policy(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<OrgPolicy>,
) -> Result<Json<OrgPolicy>, ApiError> {
    let org = security_org(&state, &principal, "admin.policy").await?;
    state
        .store
        .set_org_requires_totp(org, request.require_totp)
        .await?;
    let target = Some(format!("require_totp={}", request.require_totp));
    state
        .audit
        .record_durable(principal.event("admin.policy", target, Outcome::Allowed))
        .await?;
    Ok(Json(request))
}

/// Grants an account read-only or send-only access to one mailbox of the admin's
/// organisation until a date. It replaces what the account had on that mailbox.
#[utoipa::path(post, path = "/api/admin/grants", tag = "admin",
    security(("bearer" = [])),
    request_body = GrantRequest,
    responses(
        (status = 201, description = "the grant", body = GrantInfo),
        (status = 400, description = "bad email, mailbox name or date, or a date in the past", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not manage it", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "no such account, or body of the wrong shape", body = ErrorBody),
    ))]
pub async fn grant(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<GrantRequest>,
) -> Result<(StatusCode, Json<GrantInfo>), ApiError> {
    let email = Email::parse(&request.email)?;
    let name = MailboxName::parse(&request.mailbox)?;
    let at = now();
    let until = parse_until(&request.until, at)?;
    let mailbox = managed_mailbox(&state, &principal, &name, "admin.grant").await?;
    // Subcontractors usually belong to another organisation: any account may be granted.
    let account = match state.store.account_by_email(email.as_str()).await {
        Ok(account) => account,
        Err(StoreError::NotFound) => return Err(unknown_account(&email)),
        Err(error) => return Err(error.into()),
    };
    let access = Access {
        read: request.scope == GrantScope::Read,
        send: request.scope == GrantScope::Send,
        granted: true,
        until: Some(until),
    };
    state
        .store
        .set_access(mailbox.id, account.id, &access, at)
        .await?;
    let scope = match request.scope {
        GrantScope::Read => "read",
        GrantScope::Send => "send",
    };
    let target = Some(format!("{name} {email} {scope} until {}", rfc3339(until)));
    state
        .audit
        .record_durable(principal.event("admin.grant", target, Outcome::Allowed))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(grant_info(&account.email, &mailbox, &access, at)),
    ))
}

/// Grants and time-limited memberships on the admin's organisation's mailboxes, expired ones
/// included until they are cleaned up.
#[utoipa::path(get, path = "/api/admin/grants", tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "grants, by email then mailbox", body = GrantList),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin", body = ErrorBody),
    ))]
pub async fn grants(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<GrantList>, ApiError> {
    let org = security_org(&state, &principal, "admin.grants").await?;
    let at = now();
    let entries = state.store.org_access(org).await?;
    state
        .audit
        .record(principal.event("admin.grants", None, Outcome::Allowed))
        .await;
    Ok(Json(GrantList {
        items: entries
            .iter()
            .map(|entry| grant_info(&entry.email, &entry.mailbox, &entry.access, at))
            .collect(),
    }))
}

/// Revokes an account's access to a mailbox (a grant or a membership), at once.
#[utoipa::path(delete, path = "/api/admin/grants/{name}/{email}", tag = "admin",
    security(("bearer" = [])),
    params(
        ("name" = String, Path, description = "mailbox name"),
        ("email" = String, Path, description = "the account's email"),
    ),
    responses(
        (status = 204, description = "revoked"),
        (status = 400, description = "bad mailbox name or email", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox or access, or you may not manage it", body = ErrorBody),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((name, email)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    end_access(
        &state,
        &principal,
        (&name, &email),
        "admin.revoke",
        "has no access to",
    )
    .await
}

/// An RFC 3339 end date, which must lie in the future.
pub(crate) fn parse_until(text: &str, at: Timestamp) -> Result<Timestamp, ApiError> {
    let until = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| ApiError::invalid("until must be an RFC 3339 date and time"))?
        .unix_timestamp();
    if until <= at {
        return Err(ApiError::invalid("until must lie in the future"));
    }
    Ok(until)
}

fn grant_info(email: &str, mailbox: &Mailbox, access: &Access, at: Timestamp) -> GrantInfo {
    GrantInfo {
        email: email.to_owned(),
        mailbox: mailbox.name.clone(),
        read: access.read,
        send: access.send,
        granted: access.granted,
        until: access.until.map(rfc3339),
        active: access.active_at(at),
    }
}

fn unknown_account(email: &Email) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_account",
        format!("no account {email}; invite it first"),
    )
}

/// The caller's organisation, if the caller may manage its security; else 403, audited.
pub(crate) async fn security_org(
    state: &AppState,
    principal: &Principal,
    audit_action: &str,
) -> Result<pli_store::Id, ApiError> {
    let org = &principal.account.org;
    if authorize(principal, Action::ManageSecurity, &Resource::Org(org)).is_err() {
        state
            .audit
            .record(principal.event(audit_action, None, Outcome::Denied))
            .await;
        return Err(ApiError::forbidden(
            "only an admin of the organisation may do this",
        ));
    }
    Ok(org.id)
}

/// An account of the organisation, or `None`.
async fn own_account(
    state: &AppState,
    org: pli_store::Id,
    email: &Email,
) -> Result<Option<Account>, ApiError> {
    match state.store.account_by_email(email.as_str()).await {
        Ok(account) if account.org.id == org => Ok(Some(account)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
