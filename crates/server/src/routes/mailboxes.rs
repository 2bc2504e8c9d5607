//! `/api/mailboxes/{name}/keys`: key generations of functional mailboxes.
//!
//! Generations are made, signed and wrapped to each member on clients; the server only checks
//! who may publish, that a generation is exactly the next one, that every current member gets
//! exactly one copy of its secret, and that the creator's signature verifies. It never sees a
//! secret: copies are age files encrypted to each member's own key.

use std::collections::{BTreeMap, BTreeSet};

use crate::auth::{Principal, now, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::directory::account_key;
use crate::routes::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::validate::{Email, MailboxName, age_recipient, base64_bytes, base64_encode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{
    ErrorBody, HeldMailboxKey, MailboxKeyInfo, MailboxKeyWrap, MailboxKeyWrapsRequest,
    MailboxKeyring, NewMailboxKeyRequest, Role, mailbox_key_signed_bytes,
};
use pli_store::{Account, Mailbox, MailboxKey, NewMailboxKey, Outcome, StoreError};

/// Largest copy of a secret: an age file with one X25519 stanza holding a 74-byte secret is
/// about 270 bytes.
pub const MAX_WRAP_BYTES: usize = 2048;

/// The first line of every age file.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// The caller's view of a mailbox's keys: every generation, who holds each, and the caller's
/// own copies. Current members only.
#[utoipa::path(get, path = "/api/mailboxes/{name}/keys", tag = "mailboxes",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "mailbox name")),
    responses(
        (status = 200, description = "the mailbox's keyring", body = MailboxKeyring),
        (status = 400, description = "bad mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you are not a member", body = ErrorBody),
    ))]
pub async fn keyring(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<MailboxKeyring>, ApiError> {
    let name = MailboxName::parse(&name)?;
    let mailbox = allowed_mailbox(
        &state,
        &principal,
        &name,
        Action::ReadMailboxKeys,
        "mailbox.key.read",
    )
    .await?;
    let keys = state.store.mailbox_keys(mailbox.id).await?;
    let members = state.store.mailbox_members(mailbox.id).await?;
    let own = state
        .store
        .mailbox_key_wraps(mailbox.id, principal.account.id)
        .await?;
    let email_of: BTreeMap<_, _> = members
        .iter()
        .map(|member| (member.id, member.email.clone()))
        .collect();
    let generations = keys
        .generations
        .iter()
        .map(|key| HeldMailboxKey {
            key: key_info(&mailbox, key),
            holders: {
                let mut holders: Vec<String> = key
                    .holders
                    .iter()
                    .filter_map(|id| email_of.get(id).cloned())
                    .collect();
                holders.sort();
                holders
            },
            wrapped: own
                .iter()
                .find(|wrap| wrap.generation == key.generation)
                .map(|wrap| base64_encode(&wrap.wrapped)),
        })
        .collect();
    state
        .audit
        .record(principal.event("mailbox.key.read", Some(name.to_string()), Outcome::Allowed))
        .await;
    Ok(Json(MailboxKeyring {
        mailbox: mailbox.name.clone(),
        org: mailbox.org.name.clone(),
        members: members.iter().map(account_key).collect(),
        generations,
        stale: keys.stale,
        usable: keys.usable(),
    }))
}

/// Publishes the mailbox's next key generation, with one copy of its secret per current
/// member. Current members and admins of the mailbox's organisation only.
#[utoipa::path(post, path = "/api/mailboxes/{name}/keys", tag = "mailboxes",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "mailbox name")),
    request_body = NewMailboxKeyRequest,
    responses(
        (status = 201, description = "the generation is the mailbox's latest", body = MailboxKeyInfo),
        (status = 400, description = "bad name, recipient, signature or copy", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not publish its keys", body = ErrorBody),
        (status = 409, description = "not the next generation, or the members changed meanwhile: fetch them again", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "a current member has no copy, or a copy is for someone who is no member", body = ErrorBody),
    ))]
pub async fn rotate(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(name): ApiPath<String>,
    ApiJson(request): ApiJson<NewMailboxKeyRequest>,
) -> Result<(StatusCode, Json<MailboxKeyInfo>), ApiError> {
    let name = MailboxName::parse(&name)?;
    let mailbox = allowed_mailbox(
        &state,
        &principal,
        &name,
        Action::RotateMailboxKey,
        "mailbox.key.rotate",
    )
    .await?;
    let target = Some(format!("{name} generation {}", request.generation));
    match publish(&state, &principal, &mailbox, &name, &request).await {
        Ok(info) => {
            state
                .audit
                .record_durable(principal.event("mailbox.key.rotate", target, Outcome::Allowed))
                .await?;
            crate::routes::keys::publish_mailbox_key(
                &state,
                &mailbox,
                info.generation,
                &info.recipient,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(info)))
        }
        Err(error) => {
            state
                .audit
                .record(principal.event("mailbox.key.rotate", target, Outcome::Failed))
                .await;
            Err(error)
        }
    }
}

/// Adds copies of existing generations for current members who lack them (a newcomer gets
/// every generation, so it can read the mailbox's history). A copy a member already holds is
/// kept. Current members and admins of the mailbox's organisation only.
#[utoipa::path(post, path = "/api/mailboxes/{name}/keys/wraps", tag = "mailboxes",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "mailbox name")),
    request_body = MailboxKeyWrapsRequest,
    responses(
        (status = 204, description = "the members hold the copies"),
        (status = 400, description = "bad name or copy", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not give out its keys", body = ErrorBody),
        (status = 409, description = "the members changed meanwhile: fetch them again", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "a copy is for someone who is no member, or of a generation that does not exist", body = ErrorBody),
    ))]
pub async fn wrap(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(name): ApiPath<String>,
    ApiJson(request): ApiJson<MailboxKeyWrapsRequest>,
) -> Result<StatusCode, ApiError> {
    let name = MailboxName::parse(&name)?;
    let mailbox = allowed_mailbox(
        &state,
        &principal,
        &name,
        Action::WrapMailboxKey,
        "mailbox.key.wrap",
    )
    .await?;
    let generations: BTreeSet<u32> = request.wraps.iter().map(|w| w.generation).collect();
    let target = Some(format!(
        "{name} generations {}",
        generations
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ));
    match add_wraps(&state, &mailbox, &name, &request).await {
        Ok(()) => {
            state
                .audit
                .record_durable(principal.event("mailbox.key.wrap", target, Outcome::Allowed))
                .await?;
            Ok(StatusCode::NO_CONTENT)
        }
        Err(error) => {
            state
                .audit
                .record(principal.event("mailbox.key.wrap", target, Outcome::Failed))
                .await;
            Err(error)
        }
    }
}

/// The wire form of a generation. `creator_admin` tells senders whether a creator who is no
/// member may have made it.
pub(crate) fn key_info(mailbox: &Mailbox, key: &MailboxKey) -> MailboxKeyInfo {
    MailboxKeyInfo {
        generation: key.generation,
        recipient: key.recipient.clone(),
        creator: key.creator.email.clone(),
        creator_admin: key.creator.role == Role::Admin && key.creator.org.id == mailbox.org.id,
        signature: base64_encode(&key.signature),
        created_at: rfc3339(key.created_at),
    }
}

/// The mailbox, if `action` on it is allowed; missing and denied give the same 404, and
/// denials are audited.
async fn allowed_mailbox(
    state: &AppState,
    principal: &Principal,
    name: &MailboxName,
    action: Action,
    audit_action: &str,
) -> Result<Mailbox, ApiError> {
    let mailbox = match state.store.mailbox_by_name(name.as_str()).await {
        Ok(mailbox) => Some(mailbox),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    match mailbox
        .filter(|mailbox| authorize(principal, action, &Resource::Mailbox(mailbox)).is_ok())
    {
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

/// The 64-byte signature, verified with the caller's own signing key: only the caller can have
/// made it, and it binds this mailbox, generation and recipient.
fn check_signature(
    creator: &Account,
    name: &MailboxName,
    request: &NewMailboxKeyRequest,
) -> Result<[u8; 64], ApiError> {
    let bytes = base64_bytes("signature", &request.signature, 64)?;
    let signature: [u8; 64] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("signature must be 64 bytes"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&creator.signing_key)
        .map_err(|_| ApiError::internal("a stored signing key is not a curve point"))?;
    let message = mailbox_key_signed_bytes(name.as_str(), request.generation, &request.recipient);
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| {
            ApiError::invalid(
                "signature does not verify with your signing key over this mailbox, generation and recipient",
            )
        })?;
    Ok(signature)
}

/// Turns copies addressed by email into store rows: every copy must be for a current member,
/// at most one per member and generation, of `generation` when given, and look like an age file.
fn resolve_wraps(
    members: &[Account],
    wraps: &[MailboxKeyWrap],
    generation: Option<u32>,
) -> Result<Vec<pli_store::MailboxKeyWrap>, ApiError> {
    let mut seen = BTreeSet::new();
    let mut not_members = BTreeSet::new();
    let mut rows = Vec::with_capacity(wraps.len());
    for wrap in wraps {
        let email = Email::parse(&wrap.email)?;
        if let Some(generation) = generation
            && wrap.generation != generation
        {
            return Err(ApiError::invalid(format!(
                "every copy must be of generation {generation}"
            )));
        }
        if wrap.generation == 0 {
            return Err(ApiError::invalid("generation must be at least 1"));
        }
        if !seen.insert((wrap.generation, email.clone())) {
            return Err(ApiError::invalid(format!(
                "two copies of generation {} for {email}",
                wrap.generation
            )));
        }
        let wrapped = base64_bytes("wrapped", &wrap.wrapped, MAX_WRAP_BYTES)?;
        if !wrapped.starts_with(AGE_MAGIC) {
            return Err(ApiError::invalid(format!(
                "the copy for {email} is not an age file"
            )));
        }
        match members.iter().find(|member| member.email == email.as_str()) {
            Some(member) => rows.push(pli_store::MailboxKeyWrap {
                generation: wrap.generation,
                account_id: member.id,
                wrapped,
            }),
            None => {
                not_members.insert(email.to_string());
            }
        }
    }
    if !not_members.is_empty() {
        return Err(unprocessable(
            "not_members",
            format!(
                "copies are only for current members; not members: {}",
                not_members.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(rows)
}

/// Checks and stores a new generation; answers its wire form.
async fn publish(
    state: &AppState,
    principal: &Principal,
    mailbox: &Mailbox,
    name: &MailboxName,
    request: &NewMailboxKeyRequest,
) -> Result<MailboxKeyInfo, ApiError> {
    if request.generation == 0 {
        return Err(ApiError::invalid("generation must be at least 1"));
    }
    let recipient = age_recipient(&request.recipient)
        .map_err(|_| ApiError::invalid("recipient is not an age X25519 recipient (age1...)"))?;
    let signature = check_signature(&principal.account, name, request)?;
    let members = state.store.mailbox_members(mailbox.id).await?;
    if members.is_empty() {
        return Err(unprocessable(
            "no_members",
            format!("{name} has no members: nobody could hold the key"),
        ));
    }
    let wraps = resolve_wraps(&members, &request.wraps, Some(request.generation))?;
    let covered: BTreeSet<&str> = request.wraps.iter().map(|w| w.email.as_str()).collect();
    let missing: Vec<&str> = members
        .iter()
        .map(|member| member.email.as_str())
        .filter(|email| !covered.contains(email))
        .collect();
    if !missing.is_empty() {
        return Err(unprocessable(
            "missing_wraps",
            format!(
                "every current member needs a copy of the new key; missing: {}",
                missing.join(", ")
            ),
        ));
    }
    let created_at = now();
    let new_key = NewMailboxKey {
        mailbox_id: mailbox.id,
        generation: request.generation,
        recipient: recipient.clone(),
        creator_id: principal.account.id,
        created_at,
        signature: signature.to_vec(),
        wraps,
    };
    match state.store.create_mailbox_key(&new_key).await {
        Ok(()) => {}
        Err(StoreError::Conflict("mailbox key generation")) => {
            return Err(ApiError::conflict(format!(
                "generation {} is not the next one of {name}: another member published first; fetch the keys again",
                request.generation
            )));
        }
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(format!(
                "the members of {name} changed meanwhile; fetch them again"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    let key = MailboxKey {
        generation: request.generation,
        recipient,
        creator: principal.account.clone(),
        created_at,
        signature: signature.to_vec(),
        holders: vec![],
    };
    Ok(key_info(mailbox, &key))
}

/// Checks and stores copies of existing generations.
async fn add_wraps(
    state: &AppState,
    mailbox: &Mailbox,
    name: &MailboxName,
    request: &MailboxKeyWrapsRequest,
) -> Result<(), ApiError> {
    if request.wraps.is_empty() {
        return Err(ApiError::invalid("wraps is empty"));
    }
    let members = state.store.mailbox_members(mailbox.id).await?;
    let wraps = resolve_wraps(&members, &request.wraps, None)?;
    match state.store.add_mailbox_key_wraps(mailbox.id, &wraps).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(unprocessable(
            "unknown_generation",
            format!("{name} has no such key generation; fetch the keys again"),
        )),
        Err(StoreError::Conflict(_)) => Err(ApiError::conflict(format!(
            "the members of {name} changed meanwhile; fetch them again"
        ))),
        Err(error) => Err(error.into()),
    }
}

fn unprocessable(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}
