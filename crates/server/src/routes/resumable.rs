//! Resumable uploads of an envelope's content (docs/FORMAT.md, "Uploading"): the ciphertext
//! may arrive in several pieces, each starting exactly where the server's acknowledged bytes
//! end.
//!
//! A piece is a `PUT /api/envelopes/{id}/content` carrying `Upload-Offset: N`. Its body runs
//! from byte N towards the end of the ciphertext. Every byte that arrived before the
//! connection dropped is kept: it is written to its own blob (`uploads/<id>/<N>-<random>`),
//! made durable, then recorded in the store as a compare-and-set on the offset, so of two
//! racing pieces one wins, on one server or several. The client asks
//! `GET /api/envelopes/{id}/content/offset` and continues from there. When the last byte is
//! recorded the pieces are joined into the envelope's blob, the envelope is marked stored (it
//! becomes visible exactly as after a single upload) and the pieces are removed. A pending
//! envelope, pieces included, is removed after `STALE_PENDING_SECS`.

use crate::auth::{Principal, now};
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiPath;
use crate::routes::counted_body::{CountedBody, Progress};
use crate::routes::envelopes::{UploadGuard, load, summary};
use crate::state::{AppState, blob_key};
use crate::validate::EnvelopeId;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use pli_proto::{EnvelopeSummary, UploadOffset};
use pli_store::{Envelope, EnvelopeState, Id, Outcome, StoreError, UploadPiece};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// How much of a resumable upload the server holds.
#[utoipa::path(get, path = "/api/envelopes/{id}/content/offset", tag = "envelopes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the acknowledged offset (`complete` once the envelope is stored)", body = UploadOffset),
        (status = 400, description = "bad id", body = pli_proto::ErrorBody),
        (status = 401, description = "no valid session", body = pli_proto::ErrorBody),
        (status = 404, description = "no such envelope of yours", body = pli_proto::ErrorBody),
    ))]
pub async fn offset(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UploadOffset>, ApiError> {
    let id = EnvelopeId::parse(&id)?.id();
    match load(
        &state,
        &principal,
        id,
        Action::UploadContent,
        "envelope.upload",
    )
    .await
    {
        Ok(envelope) => Ok(Json(UploadOffset {
            offset: acknowledged(&state, id).await?,
            size: envelope.size,
            complete: false,
        })),
        // The sender whose last answer was lost learns that the upload completed.
        Err(not_found) => match stored_by_caller(&state, &principal, id).await {
            Some(envelope) => Ok(Json(UploadOffset {
                offset: envelope.size,
                size: envelope.size,
                complete: true,
            })),
            None => Err(not_found),
        },
    }
}

/// The envelope if it is stored and the caller sent it (so it may read it anyway).
pub(crate) async fn stored_by_caller(
    state: &AppState,
    principal: &Principal,
    id: Id,
) -> Option<Envelope> {
    let envelope = state.store.envelope(id).await.ok()?;
    let mine =
        envelope.state == EnvelopeState::Stored && envelope.sender.id == principal.account.id;
    (mine
        && authorize(
            principal,
            Action::ReadEnvelope,
            &Resource::Envelope(&envelope),
        )
        .is_ok())
    .then_some(envelope)
}

/// The `Upload-Offset` of a request: `None` without the header (a single-piece upload of an
/// older client), an error when it is not a decimal byte count.
pub(crate) fn requested_offset(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(crate::error::UPLOAD_OFFSET) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .filter(|text| {
            !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|text| text.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| ApiError::invalid("Upload-Offset must be a byte count (decimal digits)"))
}

/// One piece of a resumable upload of `envelope` (already authorized for `UploadContent`),
/// starting at `start`.
pub(crate) async fn upload_piece(
    state: AppState,
    principal: Principal,
    envelope: Envelope,
    start: u64,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<EnvelopeSummary>, ApiError> {
    let id = envelope.id;
    let declared = envelope.size;
    let held = acknowledged(&state, id).await?;
    if start != held {
        return Err(ApiError::conflict(format!(
            "the server holds {held} bytes of this upload: continue from there"
        ))
        .with_upload_offset(held));
    }
    let remaining = declared - start.min(declared);
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        && length > remaining
    {
        audit_failed(&state, &principal, id).await;
        return Err(too_large(declared, start));
    }
    let Some(guard) = UploadGuard::acquire(&state, id) else {
        return Err(
            ApiError::conflict("an upload of this envelope is already running")
                .with_upload_offset(held),
        );
    };
    // The piece is written, recorded and audited in its own task: a client that goes away
    // drops the request's future, and what it sent must still become durable and acknowledged.
    let task = tokio::spawn(async move {
        let finished = match receive_piece(&state, &envelope, start, body, guard).await {
            Ok(pieces) => store_joined(&state, &envelope, &pieces).await,
            Err(error) => Err(error),
        };
        match finished {
            Ok(()) => {
                state
                    .audit
                    .record_durable(principal.event(
                        "envelope.upload",
                        Some(id.to_string()),
                        Outcome::Allowed,
                    ))
                    .await?;
                Ok(Json(summary(&envelope)))
            }
            Err(error) => {
                audit_failed(&state, &principal, id).await;
                Err(error)
            }
        }
    });
    match task.await {
        Ok(result) => result,
        Err(error) => Err(ApiError::internal(format!("upload task failed: {error}"))),
    }
}

/// Marks an account's envelope stored once its pieces are joined, and removes the pieces.
async fn store_joined(
    state: &AppState,
    envelope: &Envelope,
    pieces: &[String],
) -> Result<(), ApiError> {
    match state.store.mark_stored(envelope.id, envelope.size).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            let _ = state.blobs.delete(&blob_key(envelope.id)).await;
            return Err(ApiError::envelope_not_found());
        }
        Err(error) => return Err(error.into()),
    }
    remove_pieces(state, pieces).await;
    Ok(())
}

/// Bytes of the envelope's upload the server holds: the end of its last piece.
pub(crate) async fn acknowledged(state: &AppState, id: Id) -> Result<u64, ApiError> {
    let pieces = state.store.upload_pieces(id).await?;
    Ok(pieces.last().map_or(0, |piece| piece.start + piece.size))
}

async fn audit_failed(state: &AppState, principal: &Principal, id: Id) {
    state
        .audit
        .record(principal.event("envelope.upload", Some(id.to_string()), Outcome::Failed))
        .await;
}

fn too_large(declared: u64, start: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("upload is larger than announced: expected {declared} bytes in all"),
    )
    .with_upload_offset(start)
}

/// Writes the piece and records it. After the last one, joins the pieces into the envelope's
/// blob and returns their keys: the caller marks the envelope stored (the one step that makes
/// it visible), then removes them. Any other outcome is an error carrying the offset.
pub(crate) async fn receive_piece(
    state: &AppState,
    envelope: &Envelope,
    start: u64,
    body: Body,
    _guard: UploadGuard,
) -> Result<Vec<String>, ApiError> {
    let id = envelope.id;
    let declared = envelope.size;
    let progress = Arc::new(Progress::default());
    let stream = CountedBody::piece(body, declared - start.min(declared), progress.clone());
    let suffix: u64 = rand::random();
    let key = format!("uploads/{id}/{start}-{suffix:016x}");
    let size = match state.blobs.put(&key, Box::pin(stream)).await {
        Ok(size) => size,
        Err(pli_blob::BlobError::Aborted(_)) => return Err(too_large(declared, start)),
        Err(error) => return Err(error.into()),
    };
    let cut = progress.cut.load(Ordering::SeqCst);
    let end = start + size;
    if size == 0 {
        let _ = state.blobs.delete(&key).await;
        if cut || end < declared {
            let error = if cut {
                ApiError::invalid("upload interrupted before any byte arrived")
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "size_mismatch",
                    format!("empty piece: expected the bytes from {start} to {declared}"),
                )
            };
            return Err(error.with_upload_offset(start));
        }
        // An empty piece at the end completes an upload whose last answer was lost.
        return join_pieces(state, envelope).await;
    }
    if !cut && end < declared {
        // A body that ends cleanly must end with the envelope: a short one is refused whole.
        let _ = state.blobs.delete(&key).await;
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "size_mismatch",
            format!("upload truncated: expected {declared} bytes, got {end}"),
        )
        .with_upload_offset(start));
    }
    let piece = UploadPiece {
        envelope_id: id,
        start,
        size,
        blob_key: key.clone(),
        created_at: now(),
    };
    if let Err(error) = state.store.add_upload_piece(&piece).await {
        let _ = state.blobs.delete(&key).await;
        return Err(match error {
            StoreError::NotFound => ApiError::envelope_not_found(),
            StoreError::Conflict(_) => {
                let held = acknowledged(state, id).await.unwrap_or(start);
                ApiError::conflict(format!(
                    "another piece was recorded first; the server holds {held} bytes"
                ))
                .with_upload_offset(held)
            }
            error => error.into(),
        });
    }
    if cut {
        return Err(ApiError::invalid(format!(
            "upload interrupted; the server holds {end} bytes: continue from there"
        ))
        .with_upload_offset(end));
    }
    join_pieces(state, envelope).await
}

/// Joins the pieces into the envelope's blob; returns their keys.
async fn join_pieces(state: &AppState, envelope: &Envelope) -> Result<Vec<String>, ApiError> {
    let id = envelope.id;
    let pieces = state.store.upload_pieces(id).await?;
    let held = pieces.last().map_or(0, |piece| piece.start + piece.size);
    if held != envelope.size {
        return Err(ApiError::conflict(format!(
            "the server holds {held} bytes of this upload: continue from there"
        ))
        .with_upload_offset(held));
    }
    let keys: Vec<String> = pieces.iter().map(|piece| piece.blob_key.clone()).collect();
    let final_key = blob_key(id);
    match state.blobs.concat(&keys, &final_key).await {
        Ok(size) if size == envelope.size => {}
        Ok(size) => {
            let _ = state.blobs.delete(&final_key).await;
            return Err(ApiError::internal(format!(
                "joined pieces hold {size} bytes of {}",
                envelope.size
            )));
        }
        // A completion interrupted after the join (a crash before the store was told): the
        // blob is there; it is accepted only whole.
        Err(pli_blob::BlobError::AlreadyExists) => {
            let (size, _) = state.blobs.get(&final_key).await?;
            if size != envelope.size {
                return Err(ApiError::internal(format!(
                    "envelope blob holds {size} bytes of {}",
                    envelope.size
                )));
            }
        }
        Err(error) => return Err(error.into()),
    }
    Ok(keys)
}

/// Removes piece blobs no row refers to any more; a failure leaves them for the operator.
pub(crate) async fn remove_pieces(state: &AppState, keys: &[String]) {
    for key in keys {
        match state.blobs.delete(key).await {
            Ok(()) | Err(pli_blob::BlobError::NotFound) => {}
            Err(error) => tracing::error!(%key, %error, "upload piece left behind"),
        }
    }
}
