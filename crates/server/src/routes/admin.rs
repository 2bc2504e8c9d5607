//! `/api/admin/*`: invitations and functional mailboxes, for admins of their own organisation.

use crate::auth::{INVITATION_SECS, Principal, new_invitation_code, now, rfc3339, sha256};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::validate::{Email, MailboxName, OrgName};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    CreateMailboxRequest, ErrorBody, InviteRequest, InviteResponse, MailboxInfo, MemberRequest,
};
use pli_store::{Mailbox, NewInvitation, Outcome, StoreError};

/// Invites a person into the admin's organisation; answers the one-time code, shown once.
#[utoipa::path(post, path = "/api/admin/invitations", tag = "admin",
    security(("bearer" = [])),
    request_body = InviteRequest,
    responses(
        (status = 201, description = "the one-time invitation code", body = InviteResponse),
        (status = 400, description = "bad email, organisation or mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin of this organisation", body = ErrorBody),
        (status = 409, description = "an account with this email exists", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "unknown mailbox, or body of the wrong shape", body = ErrorBody),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<InviteResponse>), ApiError> {
    let email = Email::parse(&request.email)?;
    let org_name = OrgName::parse(&request.org)?;
    let mailbox_names = request
        .mailboxes
        .iter()
        .map(|name| MailboxName::parse(name))
        .collect::<Result<Vec<_>, _>>()?;
    let target = Some(email.to_string());
    let org = &principal.account.org;
    if org.name != org_name.as_str()
        || authorize(&principal, Action::Invite, &Resource::Org(org)).is_err()
    {
        state
            .audit
            .record(principal.event("admin.invite", target, Outcome::Denied))
            .await;
        return Err(not_admin());
    }
    let mut mailbox_ids = Vec::with_capacity(mailbox_names.len());
    for name in &mailbox_names {
        let mailbox = own_mailbox(&state, &principal, name)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_mailbox",
                    format!("no mailbox {name} in your organisation; create it first"),
                )
            })?;
        mailbox_ids.push(mailbox.id);
    }
    let code = new_invitation_code();
    let expires_at = now() + INVITATION_SECS;
    let invitation = NewInvitation {
        email: email.to_string(),
        org_id: org.id,
        role: request.role,
        mailbox_ids,
        code_hash: sha256(code.as_bytes()),
        expires_at,
    };
    match state.store.create_invitation(&invitation).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            state
                .audit
                .record(principal.event("admin.invite", target, Outcome::Failed))
                .await;
            return Err(ApiError::conflict(format!(
                "an account with the email {email} exists"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event("admin.invite", target, Outcome::Allowed))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InviteResponse {
            code,
            expires_at: rfc3339(expires_at),
        }),
    ))
}

/// Creates a functional mailbox in the admin's organisation.
#[utoipa::path(post, path = "/api/admin/mailboxes", tag = "admin",
    security(("bearer" = [])),
    request_body = CreateMailboxRequest,
    responses(
        (status = 201, description = "the new, empty mailbox", body = MailboxInfo),
        (status = 400, description = "bad mailbox or organisation name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin of this organisation", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn create_mailbox(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateMailboxRequest>,
) -> Result<(StatusCode, Json<MailboxInfo>), ApiError> {
    let name = MailboxName::parse(&request.name)?;
    let org_name = OrgName::parse(&request.org)?;
    let target = Some(name.to_string());
    let org = &principal.account.org;
    if org.name != org_name.as_str()
        || authorize(&principal, Action::CreateMailbox, &Resource::Org(org)).is_err()
    {
        state
            .audit
            .record(principal.event("admin.mailbox.create", target, Outcome::Denied))
            .await;
        return Err(not_admin());
    }
    let mailbox = match state.store.create_mailbox(org.id, name.as_str()).await {
        Ok(mailbox) => mailbox,
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(format!(
                "the mailbox name {name} is taken on this server; pick another"
            )));
        }
        Err(error) => return Err(error.into()),
    };
    state
        .audit
        .record_durable(principal.event("admin.mailbox.create", target, Outcome::Allowed))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MailboxInfo {
            name: mailbox.name,
            org: mailbox.org.name,
            members: vec![],
        }),
    ))
}

/// A mailbox of the admin's organisation and its current members.
#[utoipa::path(get, path = "/api/admin/mailboxes/{name}", tag = "admin",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "mailbox name")),
    responses(
        (status = 200, description = "the mailbox", body = MailboxInfo),
        (status = 400, description = "bad mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not manage it", body = ErrorBody),
    ))]
pub async fn get_mailbox(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<MailboxInfo>, ApiError> {
    let name = MailboxName::parse(&name)?;
    let mailbox = managed_mailbox(&state, &principal, &name, "admin.mailbox.read").await?;
    let members = state.store.mailbox_members(mailbox.id).await?;
    state
        .audit
        .record(principal.event(
            "admin.mailbox.read",
            Some(name.to_string()),
            Outcome::Allowed,
        ))
        .await;
    Ok(Json(MailboxInfo {
        name: mailbox.name,
        org: mailbox.org.name,
        members: members.into_iter().map(|account| account.email).collect(),
    }))
}

/// Adds an account of the same organisation to a mailbox.
#[utoipa::path(post, path = "/api/admin/mailboxes/{name}/members", tag = "admin",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "mailbox name")),
    request_body = MemberRequest,
    responses(
        (status = 204, description = "the account is a member"),
        (status = 400, description = "bad mailbox name, email or end date", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not manage it", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "no such account in your organisation, or body of the wrong shape", body = ErrorBody),
    ))]
pub async fn add_member(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(name): ApiPath<String>,
    ApiJson(request): ApiJson<MemberRequest>,
) -> Result<StatusCode, ApiError> {
    let name = MailboxName::parse(&name)?;
    let email = Email::parse(&request.email)?;
    let mailbox = managed_mailbox(&state, &principal, &name, "admin.member.add").await?;
    let account = match state.store.account_by_email(email.as_str()).await {
        Ok(account) if account.org.id == mailbox.org.id => account,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_account",
                format!("no account {email} in your organisation; invite it first"),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let until = match request.until.as_deref() {
        Some(text) => Some(crate::routes::security::parse_until(text, now())?),
        None => None,
    };
    match until {
        None => state.store.add_member(mailbox.id, account.id).await?,
        Some(until) => {
            let access = pli_store::Access {
                until: Some(until),
                ..pli_store::Access::MEMBER
            };
            state
                .store
                .set_access(mailbox.id, account.id, &access, now())
                .await?;
        }
    }
    let target = Some(match until {
        None => format!("{name} {email}"),
        Some(until) => format!("{name} {email} until {}", rfc3339(until)),
    });
    state
        .audit
        .record_durable(principal.event("admin.member.add", target, Outcome::Allowed))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member from a mailbox: it stops seeing the mailbox's envelopes at once, and the
/// mailbox's key generation becomes stale until a member's client makes a new one.
#[utoipa::path(delete, path = "/api/admin/mailboxes/{name}/members/{email}", tag = "admin",
    security(("bearer" = [])),
    params(
        ("name" = String, Path, description = "mailbox name"),
        ("email" = String, Path, description = "member's email"),
    ),
    responses(
        (status = 204, description = "no longer a member"),
        (status = 400, description = "bad mailbox name or email", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox or member, or you may not manage it", body = ErrorBody),
    ))]
pub async fn remove_member(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((name, email)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    end_access(
        &state,
        &principal,
        (&name, &email),
        "admin.member.remove",
        "is not a member of",
    )
    .await
}

fn not_admin() -> ApiError {
    ApiError::forbidden(
        "only an admin of the organisation may do this, and only in their own organisation",
    )
}

/// A mailbox of the caller's organisation, or `None`.
async fn own_mailbox(
    state: &AppState,
    principal: &Principal,
    name: &MailboxName,
) -> Result<Option<Mailbox>, ApiError> {
    match state.store.mailbox_by_name(name.as_str()).await {
        Ok(mailbox) if mailbox.org.id == principal.account.org.id => Ok(Some(mailbox)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Ends `email`'s access to mailbox `name` at once, membership or grant: removing a member and
/// revoking a grant differ only in their audit action and in how a missing access is worded.
pub(crate) async fn end_access(
    state: &AppState,
    principal: &Principal,
    (name, email): (&str, &str),
    audit_action: &str,
    missing: &str,
) -> Result<StatusCode, ApiError> {
    let name = MailboxName::parse(name)?;
    let email = Email::parse(email)?;
    let mailbox = managed_mailbox(state, principal, &name, audit_action).await?;
    let absent = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{email} {missing} {name}"),
        )
    };
    let account = match state.store.account_by_email(email.as_str()).await {
        Ok(account) => account,
        Err(StoreError::NotFound) => return Err(absent()),
        Err(error) => return Err(error.into()),
    };
    match state
        .store
        .remove_member(mailbox.id, account.id, now())
        .await
    {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(absent()),
        Err(error) => return Err(error.into()),
    }
    let target = Some(format!("{name} {email}"));
    state
        .audit
        .record_durable(principal.event(audit_action, target, Outcome::Allowed))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A mailbox the caller may manage; missing and denied give the same 404, and denials are
/// audited.
pub(crate) async fn managed_mailbox(
    state: &AppState,
    principal: &Principal,
    name: &MailboxName,
    audit_action: &str,
) -> Result<Mailbox, ApiError> {
    let mailbox = match state.store.mailbox_by_name(name.as_str()).await {
        Ok(mailbox) => Some(mailbox),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    let allowed = mailbox.filter(|mailbox| {
        authorize(
            principal,
            Action::ManageMailbox,
            &Resource::Mailbox(mailbox),
        )
        .is_ok()
    });
    match allowed {
        Some(mailbox) => Ok(mailbox),
        None => {
            state
                .audit
                .record(principal.event(audit_action, Some(name.to_string()), Outcome::Denied))
                .await;
            Err(ApiError::mailbox_not_found())
        }
    }
}
