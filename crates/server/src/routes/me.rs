//! `GET /api/me`.

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::state::AppState;
use crate::validate::{base64_encode, key_id};
use axum::Json;
use axum::extract::State;
use pli_proto::{AccountInfo, ErrorBody, PublicKeys};
use pli_store::{Account, Mailbox, Outcome};

/// The caller's account, role, mailboxes and public keys.
#[utoipa::path(get, path = "/api/me", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller's account", body = AccountInfo),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn me(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AccountInfo>, ApiError> {
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let mailboxes = state.store.account_mailboxes(principal.account.id).await?;
    state
        .audit
        .record(principal.event("account.me", None, Outcome::Allowed))
        .await;
    Ok(Json(account_info(&principal.account, &mailboxes)))
}

/// The wire form of an account.
pub(crate) fn account_info(account: &Account, mailboxes: &[Mailbox]) -> AccountInfo {
    AccountInfo {
        email: account.email.clone(),
        org: account.org.name.clone(),
        role: account.role,
        mailboxes: mailboxes
            .iter()
            .map(|mailbox| mailbox.name.clone())
            .collect(),
        public_keys: public_keys(account),
        key_id: key_id(&account.signing_key),
    }
}

pub(crate) fn public_keys(account: &Account) -> PublicKeys {
    PublicKeys {
        age_recipient: account.age_recipient.clone(),
        signing_key: base64_encode(&account.signing_key),
    }
}
