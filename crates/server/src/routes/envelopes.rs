//! `/api/envelopes`, `/api/inbox`, `/api/outbox`: announcing, uploading, listing, reading,
//! downloading and deleting envelopes.
//!
//! An envelope the caller may not see answers exactly like one that does not exist (same
//! status, same body), so nobody learns that a document exists. One exception is accepted and
//! documented: announcing an envelope with an id that is taken answers 409, even when somebody
//! else owns it. The id is 128 random bits that the caller chose itself, so this only tells it
//! that it collided with an id it already knew.

use crate::auth::{Principal, now, rfc3339};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::counted_body::{CountedBody, Progress};
use crate::routes::{ApiJson, ApiPath, ApiQuery, resumable};
use crate::state::{AppState, blob_key};
use crate::validate::{Address, EnvelopeId, MailboxName, base64_bytes, base64_encode};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pli_proto::{CreateEnvelopeRequest, EnvelopePage, EnvelopeSummary, ErrorBody};
use pli_store::{Addressee, Cursor, Envelope, Id, InboxScope, NewEnvelope, Outcome, StoreError};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Most addressees of one envelope.
pub const MAX_RECIPIENTS: usize = 100;
/// Default and largest page of a listing.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// Announces an envelope. It stays invisible until its content is uploaded.
#[utoipa::path(post, path = "/api/envelopes", tag = "envelopes",
    security(("bearer" = [])),
    request_body = CreateEnvelopeRequest,
    responses(
        (status = 201, description = "announced, pending upload", body = EnvelopeSummary),
        (status = 400, description = "bad id, address or recipient list", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 409, description = "this id is taken; pick a new random id", body = ErrorBody),
        (status = 413, description = "declared size above the server's limit", body = ErrorBody),
        (status = 415, description = "not JSON", body = ErrorBody),
        (status = 422, description = "unknown addressee, or body of the wrong shape", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateEnvelopeRequest>,
) -> Result<(StatusCode, Json<EnvelopeSummary>), ApiError> {
    let id = EnvelopeId::parse(&request.id)?.id();
    let n_addressees = request.to.len() + request.external.len();
    if n_addressees == 0 || n_addressees > MAX_RECIPIENTS {
        return Err(ApiError::invalid(format!(
            "to and external must list 1 to {MAX_RECIPIENTS} addresses together"
        )));
    }
    for email in &request.external {
        crate::validate::Email::parse(email).map_err(|error| {
            ApiError::invalid(format!("bad external address {email:?}: {error}"))
        })?;
    }
    let mut addresses = Vec::with_capacity(request.to.len());
    let mut seen = HashSet::new();
    for text in &request.to {
        let address = Address::parse(text)
            .map_err(|error| ApiError::invalid(format!("bad address {text:?}: {error}")))?;
        if !seen.insert(address.clone()) {
            return Err(ApiError::invalid(format!(
                "address {} is listed twice",
                address.as_str()
            )));
        }
        addresses.push(address);
    }
    if request.size == 0 {
        return Err(ApiError::invalid("size must be at least 1 byte"));
    }
    if request.size > state.max_envelope_size {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "envelope of {} bytes is larger than this server accepts ({} bytes)",
                request.size, state.max_envelope_size
            ),
        ));
    }
    authorize(&principal, Action::CreateEnvelope, &Resource::Server)
        .map_err(|_| ApiError::envelope_not_found())?;
    let dlp_target = crate::routes::policy::check_announced(
        &state,
        &principal,
        &request.id,
        request.dlp.as_ref(),
    )
    .await?;
    let mut to = Vec::with_capacity(addresses.len());
    for address in &addresses {
        let resolved = match address {
            Address::Account(email) => state
                .store
                .account_by_email(email.as_str())
                .await
                .map(|account| Addressee::Account(account.id)),
            // A mailbox the caller may not write to is as unknown as a missing one.
            Address::Mailbox(name) => match state.store.mailbox_by_name(name.as_str()).await {
                Ok(mailbox)
                    if authorize(
                        &principal,
                        Action::SendToMailbox,
                        &Resource::Mailbox(&mailbox),
                    )
                    .is_err() =>
                {
                    Err(StoreError::NotFound)
                }
                found => found.map(|mailbox| Addressee::Mailbox(mailbox.id)),
            },
        };
        match resolved {
            Ok(addressee) => to.push(addressee),
            Err(StoreError::NotFound) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_recipient",
                    format!(
                        "unknown address: {}; check it in the directory",
                        address.as_str()
                    ),
                ));
            }
            Err(error) => return Err(error.into()),
        }
    }
    let new_envelope = NewEnvelope {
        id,
        sender_id: principal.account.id,
        to,
        size: request.size,
        created_at: now(),
    };
    match state.store.create_envelope(&new_envelope).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            state
                .audit
                .record(principal.event("envelope.create", Some(id.to_string()), Outcome::Failed))
                .await;
            return Err(ApiError::conflict(
                "an envelope with this id exists; pick a new random id",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(principal.event("envelope.create", Some(id.to_string()), Outcome::Allowed))
        .await;
    if let Some(target) = dlp_target {
        state
            .audit
            .record(principal.event("envelope.dlp", Some(target), Outcome::Allowed))
            .await;
    }
    let summary = EnvelopeSummary {
        id: id.to_string(),
        sender: principal.account.email.clone(),
        to: addresses.iter().map(|a| a.as_str().to_owned()).collect(),
        size: new_envelope.size,
        created_at: rfc3339(new_envelope.created_at),
        outside: None,
    };
    Ok((StatusCode::CREATED, Json(summary)))
}

/// Uploads the ciphertext of an announced envelope, streamed to the blob store. Answered only
/// once the content is durable, the envelope visible and the audit event committed.
///
/// With `Upload-Offset: N` the body is a piece starting at byte N of a resumable upload (see
/// `routes::resumable`): what arrives before a dropped connection is kept, and the client
/// continues from `GET /api/envelopes/{id}/content/offset`.
#[utoipa::path(put, path = "/api/envelopes/{id}/content", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits"),
        ("Upload-Offset" = Option<u64>, Header, description = "resumable upload: the body starts at this byte, which must be the acknowledged offset")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "exactly the announced number of ciphertext bytes (with `Upload-Offset`, the bytes from that offset to the end)"),
    responses(
        (status = 200, description = "stored and visible to its addressees", body = EnvelopeSummary),
        (status = 400, description = "bad id, or fewer bytes than announced (`size_mismatch`)", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such pending envelope of yours", body = ErrorBody),
        (status = 409, description = "content already uploaded, an upload is running, or `Upload-Offset` is not the acknowledged offset (given in `upload_offset` and the `Upload-Offset` header)", body = ErrorBody),
        (status = 413, description = "more bytes than announced", body = ErrorBody),
        (status = 415, description = "not application/octet-stream", body = ErrorBody),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EnvelopeSummary>, ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some("application/octet-stream") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected 'Content-Type: application/octet-stream'",
        ));
    }
    let start = resumable::requested_offset(&headers)?;
    let envelope = load(
        &state,
        &principal,
        id,
        Action::UploadContent,
        "envelope.upload",
    )
    .await;
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(not_found) => {
            // The sender re-uploading a stored envelope may learn it is stored: it can read it.
            if let Ok(envelope) = state.store.envelope(id).await
                && authorize(
                    &principal,
                    Action::ReadEnvelope,
                    &Resource::Envelope(&envelope),
                )
                .is_ok()
            {
                let conflict = ApiError::conflict("this envelope's content is already uploaded");
                return Err(match start {
                    Some(_) => conflict.with_upload_offset(envelope.size),
                    None => conflict,
                });
            }
            return Err(not_found);
        }
    };
    if let Some(start) = start {
        return resumable::upload_piece(state, principal, envelope, start, &headers, body).await;
    }
    if !state.store.upload_pieces(id).await?.is_empty() {
        return Err(ApiError::conflict(
            "a resumable upload of this envelope is under way: continue it with Upload-Offset",
        ));
    }
    let declared = envelope.size;
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        && let Err(error) = size_check(length, declared, false)
    {
        state
            .audit
            .record(principal.event("envelope.upload", Some(id.to_string()), Outcome::Failed))
            .await;
        return Err(error);
    }
    let Some(_guard) = UploadGuard::acquire(&state, id) else {
        return Err(ApiError::conflict(
            "an upload of this envelope is already running",
        ));
    };
    let progress = Arc::new(Progress::default());
    let stream = CountedBody::whole(body, declared, progress.clone());
    let key = blob_key(id);
    let failed = |principal: &Principal| {
        principal.event("envelope.upload", Some(id.to_string()), Outcome::Failed)
    };
    let size = match state.blobs.put(&key, Box::pin(stream)).await {
        Ok(size) => size,
        Err(pli_blob::BlobError::Aborted(_)) => {
            state.audit.record(failed(&principal)).await;
            let seen = progress.seen.load(Ordering::SeqCst);
            let ended = progress.ended.load(Ordering::SeqCst);
            size_check(seen, declared, !ended)?;
            return Err(ApiError::invalid("upload interrupted; send it again"));
        }
        Err(error) => {
            state.audit.record(failed(&principal)).await;
            return Err(error.into());
        }
    };
    if size != declared {
        // The stream checked the count, so only a faulty blob store gets here.
        let _ = state.blobs.delete(&key).await;
        return Err(ApiError::internal(format!(
            "blob store kept {size} bytes of {declared}"
        )));
    }
    match state.store.mark_stored(id, size).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            // Removed meanwhile (deleted or cleaned up): do not leave its blob behind.
            let _ = state.blobs.delete(&key).await;
            return Err(ApiError::envelope_not_found());
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event("envelope.upload", Some(id.to_string()), Outcome::Allowed))
        .await?;
    Ok(Json(summary(&envelope)))
}

/// The routing summary of one envelope.
#[utoipa::path(get, path = "/api/envelopes/{id}", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the envelope's summary", body = EnvelopeSummary),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope, or you may not access it", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EnvelopeSummary>, ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    let envelope = load(
        &state,
        &principal,
        id,
        Action::ReadEnvelope,
        "envelope.read",
    )
    .await?;
    state
        .audit
        .record(principal.event("envelope.read", Some(id.to_string()), Outcome::Allowed))
        .await;
    Ok(Json(summary(&envelope)))
}

/// Downloads an envelope's ciphertext, streamed from the blob store.
#[utoipa::path(get, path = "/api/envelopes/{id}/content", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the ciphertext (an age file)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 403, description = "the flow monitor holds the account's downloads: give the second factor again (`second_factor_again`, see `POST /api/me/step-up`) or wait for an admin (`downloads_blocked`)", body = ErrorBody),
        (status = 404, description = "no such envelope, or you may not access it", body = ErrorBody),
    ))]
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    let envelope = load(
        &state,
        &principal,
        id,
        Action::DownloadEnvelope,
        "envelope.download",
    )
    .await?;
    if let Err(refused) = crate::monitor::check_download(&state, &principal, &envelope).await {
        state
            .audit
            .record(principal.event("envelope.download", Some(id.to_string()), Outcome::Denied))
            .await;
        return Err(refused);
    }
    let (size, stream) = match state.blobs.get(&blob_key(id)).await {
        Ok(found) => found,
        Err(pli_blob::BlobError::NotFound) => {
            return Err(ApiError::internal(format!(
                "stored envelope {id} has no blob"
            )));
        }
        Err(error) => return Err(error.into()),
    };
    // Durable before the content goes out, as for a link's download: an access the trail
    // cannot hold is refused, not served unrecorded.
    state
        .audit
        .record_durable(principal.event(
            "envelope.download",
            Some(id.to_string()),
            Outcome::Allowed,
        ))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Deletes an envelope (its sender only).
#[utoipa::path(delete, path = "/api/envelopes/{id}", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope, or you may not delete it", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    load(
        &state,
        &principal,
        id,
        Action::DeleteEnvelope,
        "envelope.delete",
    )
    .await?;
    // The row goes first: once it is gone nobody can reach the blob.
    match state.store.delete_envelope(id).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(ApiError::envelope_not_found()),
        Err(error) => return Err(error.into()),
    }
    match state.blobs.delete(&blob_key(id)).await {
        Ok(()) | Err(pli_blob::BlobError::NotFound) => {}
        Err(error) => tracing::error!(%id, %error, "blob of a deleted envelope left behind"),
    }
    state
        .audit
        .record_durable(principal.event("envelope.delete", Some(id.to_string()), Outcome::Allowed))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of `GET /api/inbox`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only envelopes addressed to this mailbox (you must be a member).
    pub mailbox: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /api/outbox`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Envelopes addressed to the caller or to its mailboxes, newest first.
#[utoipa::path(get, path = "/api/inbox", tag = "envelopes",
    security(("bearer" = [])),
    params(InboxQuery),
    responses(
        (status = 200, description = "a page of envelopes", body = EnvelopePage),
        (status = 400, description = "bad limit, cursor or mailbox name", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you are not a member", body = ErrorBody),
    ))]
pub async fn inbox(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> Result<Json<EnvelopePage>, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let scope = match &query.mailbox {
        None => {
            authorize(&principal, Action::ActOnSelf, &Resource::Own)
                .map_err(|_| ApiError::unauthenticated())?;
            InboxScope::All
        }
        Some(name) => {
            let name = MailboxName::parse(name)?;
            let mailbox = match state.store.mailbox_by_name(name.as_str()).await {
                Ok(mailbox) => Some(mailbox),
                Err(StoreError::NotFound) => None,
                Err(error) => return Err(error.into()),
            };
            let allowed = mailbox.filter(|mailbox| {
                authorize(&principal, Action::ListMailbox, &Resource::Mailbox(mailbox)).is_ok()
            });
            let Some(mailbox) = allowed else {
                state
                    .audit
                    .record(principal.event("inbox.list", Some(name.to_string()), Outcome::Denied))
                    .await;
                return Err(ApiError::mailbox_not_found());
            };
            InboxScope::Mailbox(mailbox.id)
        }
    };
    let listed_mailbox = match &scope {
        InboxScope::Mailbox(id) => Some(*id),
        InboxScope::All => None,
    };
    crate::monitor::note_listing(&state, &principal, listed_mailbox).await?;
    let envelopes = state
        .store
        .inbox(principal.account.id, &scope, after, limit + 1)
        .await?;
    state
        .audit
        .record(principal.event("inbox.list", query.mailbox.clone(), Outcome::Allowed))
        .await;
    Ok(Json(page(envelopes, limit)))
}

/// Envelopes the caller sent, newest first.
#[utoipa::path(get, path = "/api/outbox", tag = "envelopes",
    security(("bearer" = [])),
    params(OutboxQuery),
    responses(
        (status = 200, description = "a page of envelopes", body = EnvelopePage),
        (status = 400, description = "bad limit or cursor", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn outbox(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> Result<Json<EnvelopePage>, ApiError> {
    let limit = page_limit(query.limit)?;
    let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
    authorize(&principal, Action::ActOnSelf, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let envelopes = state
        .store
        .outbox(principal.account.id, after, limit + 1)
        .await?;
    state
        .audit
        .record(principal.event("outbox.list", None, Outcome::Allowed))
        .await;
    Ok(Json(page(envelopes, limit)))
}

/// Loads an envelope and authorizes `action` on it. Missing and denied give the same error,
/// and a denial is audited.
pub(crate) async fn load(
    state: &AppState,
    principal: &Principal,
    id: Id,
    action: Action,
    audit_action: &str,
) -> Result<Envelope, ApiError> {
    let envelope = match state.store.envelope(id).await {
        Ok(envelope) => Some(envelope),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    let allowed = envelope
        .filter(|envelope| authorize(principal, action, &Resource::Envelope(envelope)).is_ok());
    match allowed {
        Some(envelope) => Ok(envelope),
        None => {
            state
                .audit
                .record(principal.event(audit_action, Some(id.to_string()), Outcome::Denied))
                .await;
            Err(ApiError::envelope_not_found())
        }
    }
}

pub(crate) fn summary(envelope: &Envelope) -> EnvelopeSummary {
    EnvelopeSummary {
        id: envelope.id.to_string(),
        sender: envelope.sender.email.clone(),
        to: envelope.to.iter().map(|(_, name)| name.clone()).collect(),
        size: envelope.size,
        created_at: rfc3339(envelope.created_at),
        outside: envelope
            .outside
            .as_ref()
            .map(|outside| pli_proto::OutsideUpload {
                request_id: outside.request_id.to_string(),
                email: outside.email.clone(),
            }),
    }
}

fn page(mut envelopes: Vec<Envelope>, limit: u32) -> EnvelopePage {
    let next_cursor = if envelopes.len() > limit as usize {
        envelopes.truncate(limit as usize);
        envelopes.last().map(|last| {
            encode_cursor(Cursor {
                created_at: last.created_at,
                id: last.id,
            })
        })
    } else {
        None
    };
    EnvelopePage {
        items: envelopes.iter().map(summary).collect(),
        next_cursor,
    }
}

pub(crate) fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(limit @ 1..=MAX_LIMIT) => Ok(limit),
        Some(_) => Err(ApiError::invalid(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        ))),
    }
}

/// A cursor is opaque to clients: creation time and id, in base64url.
fn encode_cursor(cursor: Cursor) -> String {
    let mut bytes = [0u8; 24];
    bytes[..8].copy_from_slice(&cursor.created_at.to_be_bytes());
    bytes[8..].copy_from_slice(cursor.id.as_bytes());
    base64_encode(&bytes)
}

fn decode_cursor(text: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::invalid("cursor is not one this server gave; start from the first page");
    let bytes = base64_bytes("cursor", text, 24).map_err(|_| bad())?;
    let (time, id) = bytes.split_at_checked(8).ok_or_else(bad)?;
    let created_at = i64::from_be_bytes(time.try_into().map_err(|_| bad())?);
    let id = Id::from_bytes(id.try_into().map_err(|_| bad())?);
    Ok(Cursor { created_at, id })
}

/// Compares a byte count with the announced size. `truncated` says the body ended early.
pub(crate) fn size_check(seen: u64, declared: u64, interrupted: bool) -> Result<(), ApiError> {
    if seen > declared {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("upload is larger than announced: expected {declared} bytes"),
        ));
    }
    if seen < declared && !interrupted {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "size_mismatch",
            format!("upload truncated: expected {declared} bytes, got {seen}"),
        ));
    }
    Ok(())
}

/// Marks an envelope as being uploaded for as long as it lives.
pub(crate) struct UploadGuard {
    state: AppState,
    id: Id,
}

impl UploadGuard {
    pub(crate) fn acquire(state: &AppState, id: Id) -> Option<UploadGuard> {
        let mut uploading = state.uploading.lock().ok()?;
        uploading.insert(id).then(|| UploadGuard {
            state: state.clone(),
            id,
        })
    }
}

impl Drop for UploadGuard {
    fn drop(&mut self) {
        if let Ok(mut uploading) = self.state.uploading.lock() {
            uploading.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let cursor = Cursor {
            created_at: 1_700_000_000,
            id: Id::random(),
        };
        assert_eq!(decode_cursor(&encode_cursor(cursor)).ok(), Some(cursor));
        assert!(decode_cursor("nope").is_err());
        assert!(decode_cursor("").is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(page_limit(None).ok(), Some(DEFAULT_LIMIT));
        assert_eq!(page_limit(Some(500)).ok(), Some(500));
        assert!(page_limit(Some(0)).is_err());
        assert!(page_limit(Some(501)).is_err());
    }
}
