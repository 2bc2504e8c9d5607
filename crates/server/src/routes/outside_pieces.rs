//! Resumable uploads through an upload request (docs/REQUESTS.md; pieces as in
//! docs/FORMAT.md section 7). The person without an account holds no session: what lets it
//! continue is the request's link and the envelope id its page drew, which nobody else knows
//! before the upload completes. The first piece (`Upload-Offset: 0`) announces the envelope with
//! its whole size as `Content-Length`, as a single upload does; later pieces continue that
//! pending envelope, and only one uploaded through this same request.

use crate::auth::now;
use crate::authz::{RequestAction, RequestRefusal, authorize_request};
use crate::error::ApiError;
use crate::routes::ApiPath;
use crate::routes::envelopes::UploadGuard;
use crate::routes::requests::{
    begin, load_request, outside_event, parse_request_id, refused, request_not_found,
};
use crate::routes::resumable::{acknowledged, receive_piece, remove_pieces};
use crate::state::{AppState, blob_key};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use pli_proto::{RequestUploaded, UploadOffset};
use pli_store::{Envelope, EnvelopeState, Id, Outcome, StoreError, UploadRequest};

/// How much of an upload through a request the server holds.
#[utoipa::path(get, path = "/api/requests/{id}/envelopes/{envelope_id}/offset", tag = "requests",
    params(
        ("id" = String, Path, description = "request id, 32 lowercase hex digits"),
        ("envelope_id" = String, Path, description = "envelope id the upload page drew"),
    ),
    responses(
        (status = 200, description = "the acknowledged offset (`complete` once the envelope is stored)", body = UploadOffset),
        (status = 400, description = "bad ids", body = pli_proto::ErrorBody),
        (status = 404, description = "no such request (`request_not_found`) or no such upload through it (`upload_not_found`)", body = pli_proto::ErrorBody),
    ))]
pub async fn offset(
    State(state): State<AppState>,
    ApiPath((id, envelope_id)): ApiPath<(String, String)>,
) -> Result<Json<UploadOffset>, ApiError> {
    let id = parse_request_id(&id)?;
    let envelope_id = parse_envelope_id(&envelope_id)?;
    let request = load_request(&state, id).await?;
    let envelope = uploaded_through(&state, &request, envelope_id)
        .await?
        .ok_or_else(upload_not_found)?;
    let complete = envelope.state == EnvelopeState::Stored;
    let offset = if complete {
        envelope.size
    } else {
        acknowledged(&state, envelope_id).await?
    };
    Ok(Json(UploadOffset {
        offset,
        size: envelope.size,
        complete,
    }))
}

/// One piece, starting at `start`, of envelope `envelope_id` through `request` (already
/// authorized for an upload); `length` is its `Content-Length`.
pub(crate) async fn upload_piece(
    state: AppState,
    from: String,
    request: UploadRequest,
    envelope_id: Id,
    start: u64,
    length: u64,
    body: Body,
) -> Result<(StatusCode, Json<RequestUploaded>), ApiError> {
    let envelope = match uploaded_through(&state, &request, envelope_id).await? {
        Some(envelope) => envelope,
        None if start == 0 => {
            begin(&state, request.id, envelope_id, length, now(), &from).await?;
            uploaded_through(&state, &request, envelope_id)
                .await?
                .ok_or_else(upload_not_found)?
        }
        None => return Err(upload_not_found()),
    };
    if envelope.state == EnvelopeState::Stored {
        return Err(ApiError::conflict("this envelope is already uploaded")
            .with_upload_offset(envelope.size));
    }
    let held = acknowledged(&state, envelope_id).await?;
    if start != held {
        return Err(ApiError::conflict(format!(
            "the server holds {held} bytes of this upload: continue from there"
        ))
        .with_upload_offset(held));
    }
    if start.saturating_add(length) > envelope.size {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "upload is larger than announced: expected {} bytes in all",
                envelope.size
            ),
        )
        .with_upload_offset(held));
    }
    let Some(guard) = UploadGuard::acquire(&state, envelope_id) else {
        return Err(
            ApiError::conflict("an upload of this envelope is already running")
                .with_upload_offset(held),
        );
    };
    // As for an account's upload: a client that goes away cannot cancel the piece's writing.
    let task = tokio::spawn(async move {
        let result = match receive_piece(&state, &envelope, start, body, guard).await {
            Ok(pieces) => complete(&state, &request, &envelope, &from, &pieces).await,
            Err(error) => Err(error),
        };
        if result.is_err() {
            let mut failed =
                outside_event(&state, &request, &from, "envelope.upload", Outcome::Failed).await;
            failed.target = Some(envelope_id.to_string());
            state.audit.record(failed).await;
        }
        result
    });
    match task.await {
        Ok(result) => result,
        Err(error) => Err(ApiError::internal(format!("upload task failed: {error}"))),
    }
}

/// Counts the upload and makes it visible (one store transaction), then removes the pieces;
/// a request that took its last upload meanwhile leaves nothing behind.
async fn complete(
    state: &AppState,
    request: &UploadRequest,
    envelope: &Envelope,
    from: &str,
    pieces: &[String],
) -> Result<(StatusCode, Json<RequestUploaded>), ApiError> {
    let envelope_id = envelope.id;
    let completed = state
        .store
        .complete_request_upload(request.id, envelope_id, envelope.size, now())
        .await;
    let request = match completed {
        Ok(request) => request,
        Err(error) => {
            let _ = state.blobs.delete(&blob_key(envelope_id)).await;
            remove_pieces(state, pieces).await;
            let _ = state.store.delete_envelope(envelope_id).await;
            return Err(match error {
                StoreError::Conflict(_) => {
                    let request = load_request(state, request.id).await?;
                    refused(
                        authorize_request(RequestAction::Upload, &request, now())
                            .err()
                            .unwrap_or(RequestRefusal::Exhausted),
                    )
                }
                StoreError::NotFound => request_not_found(),
                other => other.into(),
            });
        }
    };
    remove_pieces(state, pieces).await;
    let mut arrived =
        outside_event(state, &request, from, "envelope.upload", Outcome::Allowed).await;
    arrived.target = Some(envelope_id.to_string());
    state.audit.record(arrived).await;
    let uploaded = outside_event(state, &request, from, "request.uploaded", Outcome::Allowed).await;
    state.audit.record_durable(uploaded).await?;
    Ok((
        StatusCode::CREATED,
        Json(RequestUploaded {
            envelope_id: envelope_id.to_string(),
            size: envelope.size,
        }),
    ))
}

/// The envelope `envelope_id` if it was uploaded (or is being uploaded) through `request`.
async fn uploaded_through(
    state: &AppState,
    request: &UploadRequest,
    envelope_id: Id,
) -> Result<Option<Envelope>, ApiError> {
    match state.store.envelope(envelope_id).await {
        Ok(envelope)
            if envelope
                .outside
                .as_ref()
                .is_some_and(|outside| outside.request_id == request.id) =>
        {
            Ok(Some(envelope))
        }
        // Somebody else's envelope is as unknown here as a missing one.
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn parse_envelope_id(text: &str) -> Result<Id, ApiError> {
    Id::parse(text).ok_or_else(|| ApiError::invalid("envelope id must be 32 lowercase hex digits"))
}

fn upload_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "upload_not_found",
        "no such upload through this request; send the documents again",
    )
}
