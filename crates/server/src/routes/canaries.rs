//! `/api/admin/canaries`: decoy envelopes planted by admins. Nobody's work touches them, so a
//! download of one means the account is being used to sweep mailboxes: the flow monitor blocks
//! its downloads at once and alerts the admins.
//!
//! A canary is a real envelope: an age file encrypted to the mailbox's current key (or to
//! every reader's own key when the mailbox has no usable key), of a plausible size, from the
//! admin who planted it, dated within the last day. Only the server knows it is a
//! canary; the listing API shows it like any other envelope.

use crate::auth::{Principal, now, rfc3339};
use crate::error::ApiError;
use crate::routes::admin::managed_mailbox;
use crate::routes::{ApiJson, security};
use crate::state::{AppState, blob_key};
use crate::validate::MailboxName;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use bytes::Bytes;
use pli_proto::{CanaryInfo, CanaryList, CanaryRequest, ErrorBody};
use pli_store::{Addressee, Id, Mailbox, NewCanary, NewEnvelope, Outcome};
use rand::Rng as _;
use std::io::Write as _;
use std::str::FromStr as _;

/// Plaintext sizes of a decoy, in bytes: a scanned letter to a short report.
const DECOY_SIZES: std::ops::Range<usize> = 30_000..600_000;
/// How far back a decoy may be dated: less than a day, since pending envelopes older than
/// that are cleaned up and a canary is pending for a moment.
const BACKDATE_SECS: i64 = 20 * 3_600;

/// Plants a canary envelope in a mailbox of the admin's organisation.
#[utoipa::path(post, path = "/api/admin/canaries", tag = "admin",
    security(("bearer" = [])),
    request_body = CanaryRequest,
    responses(
        (status = 201, description = "planted", body = CanaryInfo),
        (status = 400, description = "bad mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you may not manage it", body = ErrorBody),
        (status = 409, description = "the mailbox has no key and no reader to encrypt to", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "body of the wrong shape", body = ErrorBody),
    ))]
pub async fn plant(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CanaryRequest>,
) -> Result<(StatusCode, Json<CanaryInfo>), ApiError> {
    let name = MailboxName::parse(&request.mailbox)?;
    let mailbox = managed_mailbox(&state, &principal, &name, "admin.canary").await?;
    let recipients = recipients(&state, &mailbox).await?;
    let (ciphertext, created_at) = decoy(&recipients, now())?;
    let id = Id::random();
    let size = ciphertext.len() as u64;
    state
        .store
        .create_envelope(&NewEnvelope {
            id,
            sender_id: principal.account.id,
            to: vec![Addressee::Mailbox(mailbox.id)],
            size,
            created_at,
        })
        .await?;
    // Flagged while still pending, so no one can download it before it is a canary.
    let planted_at = now();
    state
        .store
        .add_canary(&NewCanary {
            envelope_id: id,
            mailbox_id: mailbox.id,
            planted_by: principal.account.id,
            planted_at,
        })
        .await?;
    crate::monitor::add_canary(&state, id).await?;
    let chunk: Result<Bytes, std::io::Error> = Ok(Bytes::from(ciphertext));
    let stored = state
        .blobs
        .put(&blob_key(id), Box::pin(futures_util::stream::iter([chunk])))
        .await;
    if let Err(error) = stored {
        let _ = state.store.delete_envelope(id).await;
        return Err(error.into());
    }
    state.store.mark_stored(id, size).await?;
    state
        .audit
        .record_durable(principal.event(
            "admin.canary",
            Some(format!("{name} envelope={id}")),
            Outcome::Allowed,
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CanaryInfo {
            id: id.to_string(),
            mailbox: mailbox.name,
            planted_by: principal.account.email.clone(),
            planted_at: rfc3339(planted_at),
        }),
    ))
}

/// The canaries of the admin's organisation, oldest first.
#[utoipa::path(get, path = "/api/admin/canaries", tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "canaries, oldest first", body = CanaryList),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "not an admin", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<CanaryList>, ApiError> {
    let org = security::security_org(&state, &principal, "admin.canaries").await?;
    let canaries = state.store.canaries(Some(org)).await?;
    state
        .audit
        .record(principal.event("admin.canaries", None, Outcome::Allowed))
        .await;
    Ok(Json(CanaryList {
        items: canaries
            .into_iter()
            .map(|canary| CanaryInfo {
                id: canary.envelope_id.to_string(),
                mailbox: canary.mailbox.name,
                planted_by: canary.planted_by_email,
                planted_at: rfc3339(canary.planted_at),
            })
            .collect(),
    }))
}

/// The keys a sender's client would encrypt to: the mailbox's key when usable, else every
/// reader's own key.
async fn recipients(
    state: &AppState,
    mailbox: &Mailbox,
) -> Result<Vec<age::x25519::Recipient>, ApiError> {
    let keys = state.store.mailbox_keys(mailbox.id).await?;
    let texts: Vec<String> = match keys.current() {
        Some(current) if keys.usable() => vec![current.recipient.clone()],
        _ => state
            .store
            .mailbox_members(mailbox.id)
            .await?
            .into_iter()
            .map(|member| member.age_recipient)
            .collect(),
    };
    let recipients: Vec<age::x25519::Recipient> = texts
        .iter()
        .filter_map(|text| age::x25519::Recipient::from_str(text).ok())
        .collect();
    if recipients.is_empty() {
        return Err(ApiError::conflict(
            "the mailbox has no key and no reader to encrypt a canary to",
        ));
    }
    Ok(recipients)
}

/// An age file of random plaintext to `recipients`, and a creation time within the last days.
fn decoy(recipients: &[age::x25519::Recipient], at: i64) -> Result<(Vec<u8>, i64), ApiError> {
    let mut rng = rand::rngs::OsRng;
    let mut plaintext = vec![0u8; rng.gen_range(DECOY_SIZES)];
    rand::RngCore::fill_bytes(&mut rng, &mut plaintext);
    let created_at = at - rng.gen_range(0..BACKDATE_SECS);
    let failed = |_| ApiError::internal("encrypting a canary failed");
    let encryptor = age::Encryptor::with_recipients(
        recipients
            .iter()
            .map(|recipient| recipient as &dyn age::Recipient),
    )
    .map_err(|_| ApiError::internal("encrypting a canary failed"))?;
    let mut ciphertext = Vec::with_capacity(plaintext.len() + 1024);
    let mut writer = encryptor.wrap_output(&mut ciphertext).map_err(failed)?;
    writer.write_all(&plaintext).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok((ciphertext, created_at))
}
