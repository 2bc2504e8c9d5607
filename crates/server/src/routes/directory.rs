//! `GET /api/directory/{address}`: public keys of an account or of a mailbox's members, and a
//! mailbox's current key generation.
//!
//! Any authenticated account may look up any address on the server, since sending across
//! organisations needs it; the directory is the one place where existence is not secret.

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiPath;
use crate::routes::mailboxes::key_info;
use crate::routes::me::public_keys;
use crate::state::AppState;
use crate::validate::{Address, key_id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{AccountKey, AddressKind, CurrentMailboxKey, DirectoryEntry, ErrorBody};
use pli_store::{Account, Outcome, StoreError};

/// Public keys to encrypt to an address (an account's email or a mailbox name).
#[utoipa::path(get, path = "/api/directory/{address}", tag = "directory",
    security(("bearer" = [])),
    params(("address" = String, Path, description = "an account's email or a mailbox name")),
    responses(
        (status = 200, description = "the address's keys", body = DirectoryEntry),
        (status = 400, description = "not an email nor a mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such account or mailbox", body = ErrorBody),
    ))]
pub async fn lookup(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(address): ApiPath<String>,
) -> Result<Json<DirectoryEntry>, ApiError> {
    let address = Address::parse(&address)?;
    authorize(&principal, Action::LookupDirectory, &Resource::Server)
        .map_err(|_| unknown_address())?;
    let target = Some(address.as_str().to_owned());
    let entry = match &address {
        Address::Account(email) => match state.store.account_by_email(email.as_str()).await {
            Ok(account) => Some(DirectoryEntry {
                address: account.email.clone(),
                kind: AddressKind::Account,
                org: account.org.name.clone(),
                keys: vec![logged_key(&state, &account).await?],
                mailbox_key: None,
            }),
            Err(StoreError::NotFound) => None,
            Err(error) => return Err(error.into()),
        },
        Address::Mailbox(name) => match state.store.mailbox_by_name(name.as_str()).await {
            Ok(mailbox) => {
                let members = state.store.mailbox_members(mailbox.id).await?;
                let keys = state.store.mailbox_keys(mailbox.id).await?;
                let mailbox_key = match keys.current() {
                    Some(key) => Some(CurrentMailboxKey {
                        key: key_info(&mailbox, key),
                        usable: keys.usable(),
                        log_index: state
                            .store
                            .mailbox_key_log_index(mailbox.id, key.generation)
                            .await?,
                    }),
                    None => None,
                };
                let mut member_keys = Vec::with_capacity(members.len());
                for member in &members {
                    member_keys.push(logged_key(&state, member).await?);
                }
                Some(DirectoryEntry {
                    address: mailbox.name.clone(),
                    kind: AddressKind::Mailbox,
                    org: mailbox.org.name.clone(),
                    keys: member_keys,
                    mailbox_key,
                })
            }
            Err(StoreError::NotFound) => None,
            Err(error) => return Err(error.into()),
        },
    };
    let outcome = if entry.is_some() {
        Outcome::Allowed
    } else {
        Outcome::Failed
    };
    state
        .audit
        .record(principal.event("directory.lookup", target, outcome))
        .await;
    entry.map(Json).ok_or_else(unknown_address)
}

pub(crate) fn account_key(account: &Account) -> AccountKey {
    AccountKey {
        email: account.email.clone(),
        public_keys: public_keys(account),
        key_id: key_id(&account.signing_key),
        log_index: None,
    }
}

/// An account's keys with the index of the log entry publishing them, which senders check.
async fn logged_key(state: &AppState, account: &Account) -> Result<AccountKey, ApiError> {
    Ok(AccountKey {
        log_index: state.store.account_key_log_index(account.id).await?,
        ..account_key(account)
    })
}

fn unknown_address() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no account or mailbox has this address; check the spelling",
    )
}
