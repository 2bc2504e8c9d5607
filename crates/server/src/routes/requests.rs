//! Upload requests (`docs/REQUESTS.md`): an account asks a person without an account for
//! documents, through a link mailed to them; their browser encrypts to the recipients the
//! requester signed and uploads one envelope, routed to the requester or its mailbox.
//!
//! The requester's routes are authenticated and authorized like every other
//! ([`Action::CreateRequest`], [`Action::ReadRequests`], [`Action::WithdrawRequest`]). The
//! outside person's are anonymous: the link id is the capability, the request's state decides
//! ([`authorize_request`]), and the store checks the state again in the transaction that
//! makes an upload visible. Reading a request's summary changes nothing, so mail scanners
//! that open links consume nothing.

use crate::auth::{ClientAddr, Principal, now, rfc3339};
use crate::authz::{Action, RequestAction, RequestRefusal, Resource, authorize, authorize_request};
use crate::error::ApiError;
use crate::notify::Mail;
use crate::routes::counted_body::{CountedBody, Progress};
use crate::routes::envelopes::size_check;
use crate::routes::{ApiJson, ApiPath};
use crate::state::{AppState, blob_key};
use crate::validate::{Email, MailboxName, age_recipient, base64_bytes, base64_encode};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use pli_proto::{
    CreateUploadRequest, ErrorBody, LinkSender, RequestStatement, RequestUploadInfo,
    RequestUploaded, UploadRequestCreated, UploadRequestList, UploadRequestPublic,
    UploadRequestSummary, request_signed_bytes,
};
use pli_store::{
    Account, AuditEvent, Id, NewUploadRequest, Outcome, RequestState, StoreError, Timestamp,
    UploadRequest,
};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Shortest and longest life of a request, and the default: 1 hour, 30 days, 7 days.
pub const MIN_EXPIRES_IN: i64 = 3600;
pub const MAX_EXPIRES_IN: i64 = 30 * 86_400;
pub const DEFAULT_EXPIRES_IN: i64 = 7 * 86_400;
/// Uploads allowed by default, and at most.
pub const DEFAULT_MAX_UPLOADS: u32 = 1;
pub const MAX_MAX_UPLOADS: u32 = 20;
/// Most recipients of one request (as the manifest's limit).
pub const MAX_RECIPIENTS: usize = 1024;
/// How far the requester's clock may be from the server's.
const MAX_CLOCK_SKEW: i64 = 300;

/// Asks a person without an account for documents: checks the signed statement, stores the
/// request and mails the link.
#[utoipa::path(post, path = "/api/requests", tag = "requests",
    security(("bearer" = [])),
    request_body = CreateUploadRequest,
    responses(
        (status = 201, description = "the request, its link mailed", body = UploadRequestCreated),
        (status = 400, description = "bad id, email, recipients, expiry, upload count, signature or fragment", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such mailbox, or you do not read it (`mailbox_not_found`)", body = ErrorBody),
        (status = 409, description = "this request id is taken; pick a new random id", body = ErrorBody),
        (status = 502, description = "the mail could not be sent (`notifier_failed`); the request was withdrawn", body = ErrorBody),
        (status = 503, description = "no notifier for mail (`notifier_missing`)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateUploadRequest>,
) -> Result<(StatusCode, Json<UploadRequestCreated>), ApiError> {
    let id = parse_request_id(&request.id)?;
    let email = Email::parse(&request.email)
        .map_err(|error| ApiError::invalid(format!("bad email: {error}")))?;
    if email.as_str().parse::<lettre::Address>().is_err() {
        return Err(ApiError::invalid(
            "bad email: not an address a mail can be sent to",
        ));
    }
    let (mailbox, addressee) = match &request.mailbox {
        None => {
            authorize(&principal, Action::CreateRequest, &Resource::Own)
                .map_err(|_| ApiError::unauthenticated())?;
            (None, principal.account.email.clone())
        }
        Some(name) => {
            let name = MailboxName::parse(name)?;
            let mailbox = match state.store.mailbox_by_name(name.as_str()).await {
                Ok(mailbox) => Some(mailbox),
                Err(StoreError::NotFound) => None,
                Err(error) => return Err(error.into()),
            };
            let allowed = mailbox.filter(|mailbox| {
                authorize(
                    &principal,
                    Action::CreateRequest,
                    &Resource::Mailbox(mailbox),
                )
                .is_ok()
            });
            let Some(mailbox) = allowed else {
                state
                    .audit
                    .record(principal.event(
                        "request.created",
                        Some(id.to_string()),
                        Outcome::Denied,
                    ))
                    .await;
                return Err(ApiError::mailbox_not_found());
            };
            let name = mailbox.name.clone();
            (Some(mailbox), name)
        }
    };
    if request.recipients.is_empty() || request.recipients.len() > MAX_RECIPIENTS {
        return Err(ApiError::invalid(format!(
            "recipients must list 1 to {MAX_RECIPIENTS} age recipients"
        )));
    }
    for recipient in &request.recipients {
        age_recipient(recipient)
            .map_err(|_| ApiError::invalid("recipients must be age X25519 recipients (age1...)"))?;
    }
    let created_at = now();
    if request.expires_at < created_at + MIN_EXPIRES_IN - MAX_CLOCK_SKEW
        || request.expires_at > created_at + MAX_EXPIRES_IN + MAX_CLOCK_SKEW
    {
        return Err(ApiError::invalid(
            "expires_at must be 1 hour to 30 days from now (Unix seconds)",
        ));
    }
    let max_uploads = request.max_uploads.unwrap_or(DEFAULT_MAX_UPLOADS);
    if !(1..=MAX_MAX_UPLOADS).contains(&max_uploads) {
        return Err(ApiError::invalid(format!(
            "max_uploads must be between 1 and {MAX_MAX_UPLOADS}"
        )));
    }
    let fragment_key = base64_bytes("fragment", &request.fragment, 32)?;
    if fragment_key.as_slice() != principal.account.signing_key.as_slice() {
        return Err(ApiError::invalid(
            "the fragment must be your signing key (unpadded base64url)",
        ));
    }
    let signature: [u8; 64] = base64_bytes("signature", &request.signature, 64)?
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("signature must be 64 bytes"))?;
    let message = request_signed_bytes(
        id.as_bytes(),
        &addressee,
        email.as_str(),
        &request.recipients,
        request.expires_at,
        max_uploads,
    )
    .ok_or_else(|| ApiError::invalid("a field of the statement is too long"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&principal.account.signing_key)
        .map_err(|_| ApiError::internal("a stored signing key is not a curve point"))?;
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| {
            ApiError::invalid(
                "signature does not verify with your signing key over this request's statement (docs/REQUESTS.md, section 2; the email in lowercase)",
            )
        })?;
    let Some(notifier) = state.notifier.clone() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "notifier_missing",
            "this server sends no mail: requests cannot be created (the administrator sets --smtp or --mail-outbox)",
        ));
    };
    let new_request = NewUploadRequest {
        id,
        creator_id: principal.account.id,
        mailbox_id: mailbox.as_ref().map(|mailbox| mailbox.id),
        email: email.as_str().to_owned(),
        recipients: request.recipients.clone(),
        signature: signature.to_vec(),
        created_at,
        expires_at: request.expires_at,
        max_uploads,
    };
    match state.store.create_upload_request(&new_request).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(
                "a request with this id exists; pick a new random id",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let url = request_url(&state, id);
    let mail = request_mail(
        &principal.account,
        &new_request,
        &addressee,
        &url,
        &request.fragment,
    );
    if let Err(error) = notifier.mail(&mail).await {
        // A request whose mail did not go is of no use to anyone: end it.
        let _ = state
            .store
            .end_upload_request(id, RequestState::Withdrawn)
            .await;
        state
            .audit
            .record(principal.event("request.created", Some(id.to_string()), Outcome::Failed))
            .await;
        tracing::error!(request = %id, %error, "sending a request's mail failed");
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "notifier_failed",
            "the request's mail could not be sent; nothing was asked, try again later or ask the administrator",
        ));
    }
    state
        .audit
        .record_durable(principal.event("request.created", Some(id.to_string()), Outcome::Allowed))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadRequestCreated {
            id: id.to_string(),
            url,
            expires_at: rfc3339(new_request.expires_at),
            max_uploads,
        }),
    ))
}

/// The caller's requests, newest first, with what was uploaded through each.
#[utoipa::path(get, path = "/api/requests", tag = "requests",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "your requests, newest first", body = UploadRequestList),
        (status = 401, description = "no valid session", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<UploadRequestList>, ApiError> {
    authorize(&principal, Action::ReadRequests, &Resource::Own)
        .map_err(|_| ApiError::unauthenticated())?;
    let mut items = Vec::new();
    for request in state
        .store
        .account_upload_requests(principal.account.id)
        .await?
    {
        let request = expire_on_touch(&state, request).await?;
        items.push(summary(&state, &request));
    }
    state
        .audit
        .record(principal.event("request.list", None, Outcome::Allowed))
        .await;
    Ok(Json(UploadRequestList { items }))
}

/// Withdraws a request: it takes no upload from now on.
#[utoipa::path(delete, path = "/api/requests/{id}", tag = "requests",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "request id, 32 lowercase hex digits")),
    responses(
        (status = 204, description = "withdrawn"),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such request of yours", body = ErrorBody),
        (status = 409, description = "the request has already ended (expired, exhausted or withdrawn)", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_request_id(&id)?;
    let found = match state.store.upload_request(id).await {
        Ok(request) => Some(request),
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    let allowed = found.filter(|request| {
        authorize(
            &principal,
            Action::WithdrawRequest,
            &Resource::Request(request),
        )
        .is_ok()
    });
    let Some(request) = allowed else {
        state
            .audit
            .record(principal.event("request.withdrawn", Some(id.to_string()), Outcome::Denied))
            .await;
        return Err(request_not_found());
    };
    let request = expire_on_touch(&state, request).await?;
    match state
        .store
        .end_upload_request(request.id, RequestState::Withdrawn)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(format!(
                "this request has already ended ({})",
                request.state.as_str()
            )));
        }
        Err(StoreError::NotFound) => return Err(request_not_found()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event(
            "request.withdrawn",
            Some(id.to_string()),
            Outcome::Allowed,
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the upload page shows and checks: the requester, the signed statement, the state.
/// Changes nothing (mail scanners open links).
#[utoipa::path(get, path = "/api/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "request id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the request's summary and signed statement", body = UploadRequestPublic),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 404, description = "no such request (`request_not_found`)", body = ErrorBody),
    ))]
pub async fn public(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<UploadRequestPublic>, ApiError> {
    let id = parse_request_id(&id)?;
    let request = load_request(&state, id).await?;
    let requester = state
        .store
        .account_by_id(request.creator_id)
        .await
        .map_err(|error| match error {
            StoreError::NotFound => request_not_found(),
            other => other.into(),
        })?;
    let at = now();
    Ok(Json(UploadRequestPublic {
        requester: LinkSender {
            email: requester.email.clone(),
            name: requester.email.clone(),
            organisation: requester.org.name.clone(),
            signing_key: base64_encode(&requester.signing_key),
        },
        statement: RequestStatement {
            id: request.id.to_string(),
            addressee: request.addressee.clone(),
            email: request.email.clone(),
            recipients: request.recipients.clone(),
            expires_at: request.expires_at,
            max_uploads: request.max_uploads,
        },
        signature: base64_encode(&request.signature),
        expires_at: rfc3339(request.expires_at),
        max_size: state.max_envelope_size,
        uploads: request.uploads,
        state: shown_state(&request, at).to_owned(),
    }))
}

/// One envelope from the outside person, streamed to the blob store; acknowledged once it
/// is durable, counted and visible to the request's addressee.
#[utoipa::path(put, path = "/api/requests/{id}/envelopes/{envelope_id}", tag = "requests",
    params(
        ("id" = String, Path, description = "request id, 32 lowercase hex digits"),
        ("envelope_id" = String, Path, description = "envelope id, 32 lowercase hex digits drawn by the page"),
        ("Upload-Offset" = Option<u64>, Header, description = "resumable upload (docs/FORMAT.md section 7): the body starts at this byte, which must be the acknowledged offset; at 0 Content-Length is the whole envelope"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "exactly Content-Length bytes of ciphertext"),
    responses(
        (status = 201, description = "stored, counted and in the addressee's inbox", body = RequestUploaded),
        (status = 400, description = "bad ids, an empty body, or fewer bytes than Content-Length (`size_mismatch`)", body = ErrorBody),
        (status = 404, description = "no such request (`request_not_found`)", body = ErrorBody),
        (status = 409, description = "this envelope id is taken, or `Upload-Offset` is not the acknowledged offset (given in `upload_offset`)", body = ErrorBody),
        (status = 410, description = "the request has expired, received its uploads or was withdrawn (`request_expired`, `request_exhausted`, `request_withdrawn`)", body = ErrorBody),
        (status = 411, description = "no Content-Length (`length_required`)", body = ErrorBody),
        (status = 413, description = "larger than this server accepts, or more bytes than Content-Length (`too_large`)", body = ErrorBody),
        (status = 415, description = "not application/octet-stream", body = ErrorBody),
        (status = 429, description = "too many uploads from this address (`too_many_attempts`)", body = ErrorBody),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiPath((id, envelope_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<RequestUploaded>), ApiError> {
    let id = parse_request_id(&id)?;
    let envelope_id = Id::parse(&envelope_id)
        .ok_or_else(|| ApiError::invalid("envelope id must be 32 lowercase hex digits"))?;
    let start = crate::routes::resumable::requested_offset(&headers)?;
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
    let Some(declared) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
    else {
        return Err(ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            "send the envelope with its Content-Length",
        ));
    };
    if declared == 0 {
        return Err(ApiError::invalid("the envelope is empty"));
    }
    if declared > state.max_envelope_size {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "envelope of {declared} bytes is larger than this server accepts ({} bytes)",
                state.max_envelope_size
            ),
        ));
    }
    if !state.guard.allow_upload(&from, &id.to_string()) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many uploads from this address; wait a minute",
        ));
    }
    let request = load_request(&state, id).await?;
    let at = now();
    if let Err(refusal) = authorize_request(RequestAction::Upload, &request, at) {
        state
            .audit
            .record(
                outside_event(&state, &request, &from, "request.refused", Outcome::Denied).await,
            )
            .await;
        return Err(refused(refusal));
    }
    if let Some(start) = start {
        return crate::routes::outside_pieces::upload_piece(
            state,
            from,
            request,
            envelope_id,
            start,
            declared,
            body,
        )
        .await;
    }
    begin(&state, id, envelope_id, declared, at, &from).await?;
    let progress = Arc::new(Progress::default());
    let stream = CountedBody::whole(body, declared, progress.clone());
    let key = blob_key(envelope_id);
    let failed = async |state: &AppState| {
        // Nothing half-written stays: the pending row goes (its blob was never made).
        let _ = state.store.delete_envelope(envelope_id).await;
        state
            .audit
            .record(outside_event(state, &request, &from, "request.refused", Outcome::Failed).await)
            .await;
    };
    let size = match state.blobs.put(&key, Box::pin(stream)).await {
        Ok(size) => size,
        Err(pli_blob::BlobError::Aborted(_)) => {
            failed(&state).await;
            let seen = progress.seen.load(Ordering::SeqCst);
            let ended = progress.ended.load(Ordering::SeqCst);
            size_check(seen, declared, !ended)?;
            return Err(ApiError::invalid("upload interrupted; send it again"));
        }
        Err(error) => {
            failed(&state).await;
            return Err(error.into());
        }
    };
    if size != declared {
        let _ = state.blobs.delete(&key).await;
        failed(&state).await;
        return Err(ApiError::internal(format!(
            "blob store kept {size} bytes of {declared}"
        )));
    }
    let completed = state
        .store
        .complete_request_upload(id, envelope_id, size, now())
        .await;
    let request = match completed {
        Ok(request) => request,
        Err(error) => {
            let _ = state.blobs.delete(&key).await;
            failed(&state).await;
            return Err(match error {
                StoreError::Conflict(_) => {
                    let request = load_request(&state, id).await?;
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
    // One event per side: the request's trail, and the envelope's own (so an audit report on
    // the envelope shows where it came from).
    let mut arrived =
        outside_event(&state, &request, &from, "envelope.upload", Outcome::Allowed).await;
    arrived.target = Some(envelope_id.to_string());
    state.audit.record(arrived).await;
    let uploaded = outside_event(
        &state,
        &request,
        &from,
        "request.uploaded",
        Outcome::Allowed,
    )
    .await;
    state.audit.record_durable(uploaded).await?;
    Ok((
        StatusCode::CREATED,
        Json(RequestUploaded {
            envelope_id: envelope_id.to_string(),
            size,
        }),
    ))
}

/// Ends every active request past its expiry and records `request.expired` for each. Run
/// periodically by the server; also done at the first touch of an expired request.
pub async fn expire_requests(state: &AppState, at: Timestamp) -> Result<usize, ApiError> {
    let ids = state.store.expire_upload_requests(at).await?;
    for id in &ids {
        if let Ok(request) = state.store.upload_request(*id).await {
            state
                .audit
                .record(system_event(state, &request, "request.expired").await)
                .await;
        }
    }
    Ok(ids.len())
}

/// Records the pending envelope of an upload through request `id`, refusing a request that
/// no longer takes one and an envelope id that is taken.
pub(crate) async fn begin(
    state: &AppState,
    id: Id,
    envelope_id: Id,
    declared: u64,
    at: Timestamp,
    from: &str,
) -> Result<(), ApiError> {
    match state
        .store
        .begin_request_upload(id, envelope_id, declared, at, from)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict("upload request")) => {
            let request = load_request(state, id).await?;
            Err(refused(
                authorize_request(RequestAction::Upload, &request, at)
                    .err()
                    .unwrap_or(RequestRefusal::Exhausted),
            ))
        }
        Err(StoreError::Conflict(_)) => Err(ApiError::conflict(
            "an envelope with this id exists; pick a new random id",
        )),
        Err(StoreError::NotFound) => Err(request_not_found()),
        Err(error) => Err(error.into()),
    }
}

pub(crate) fn parse_request_id(text: &str) -> Result<Id, ApiError> {
    Id::parse(text).ok_or_else(|| ApiError::invalid("request id must be 32 lowercase hex digits"))
}

fn request_url(state: &AppState, id: Id) -> String {
    format!("{}/r/{id}", state.public_url)
}

/// Loads a request for its anonymous holder, ending it first if it is past its expiry.
pub(crate) async fn load_request(state: &AppState, id: Id) -> Result<UploadRequest, ApiError> {
    let request = match state.store.upload_request(id).await {
        Ok(request) => request,
        Err(StoreError::NotFound) => return Err(request_not_found()),
        Err(error) => return Err(error.into()),
    };
    expire_on_touch(state, request).await
}

/// Ends an active request past its expiry before anything else looks at it.
async fn expire_on_touch(
    state: &AppState,
    request: UploadRequest,
) -> Result<UploadRequest, ApiError> {
    if request.state != RequestState::Active || request.expires_at > now() {
        return Ok(request);
    }
    match state
        .store
        .end_upload_request(request.id, RequestState::Expired)
        .await
    {
        Ok(()) => {
            state
                .audit
                .record(system_event(state, &request, "request.expired").await)
                .await;
        }
        // Ended meanwhile by another request or the sweep.
        Err(StoreError::Conflict(_)) => {}
        Err(error) => return Err(error.into()),
    }
    match state.store.upload_request(request.id).await {
        Ok(request) => Ok(request),
        Err(StoreError::NotFound) => Err(request_not_found()),
        Err(error) => Err(error.into()),
    }
}

/// The state a holder is told: an active request past its expiry or out of uploads says so.
fn shown_state(request: &UploadRequest, at: Timestamp) -> &'static str {
    match authorize_request(RequestAction::Upload, request, at) {
        Ok(()) => RequestState::Active.as_str(),
        Err(RequestRefusal::Expired) => RequestState::Expired.as_str(),
        Err(RequestRefusal::Exhausted) => RequestState::Exhausted.as_str(),
        Err(RequestRefusal::Withdrawn) => RequestState::Withdrawn.as_str(),
    }
}

fn summary(state: &AppState, request: &UploadRequest) -> UploadRequestSummary {
    UploadRequestSummary {
        id: request.id.to_string(),
        url: request_url(state, request.id),
        email: request.email.clone(),
        addressee: request.addressee.clone(),
        state: shown_state(request, now()).to_owned(),
        created_at: rfc3339(request.created_at),
        expires_at: rfc3339(request.expires_at),
        max_uploads: request.max_uploads,
        uploads: request.uploads,
        envelopes: request
            .envelopes
            .iter()
            .map(|upload| RequestUploadInfo {
                id: upload.envelope_id.to_string(),
                size: upload.size,
                at: rfc3339(upload.at),
                address: upload.address.clone(),
            })
            .collect(),
    }
}

/// The mail that carries the link, with its fragment (French first, then English).
fn request_mail(
    requester: &Account,
    request: &NewUploadRequest,
    addressee: &str,
    url: &str,
    fragment: &str,
) -> Mail {
    let who = &requester.email;
    let org = &requester.org.name;
    let expires = rfc3339(request.expires_at);
    let n = request.max_uploads;
    Mail {
        to: request.email.clone(),
        subject: format!("Demande de documents de {who} ({org})"),
        body: format!(
            "Bonjour,\n\n\
             {who} ({org}) vous demande de lui transmettre des documents par Pli, chiffrés \
             dans votre navigateur pour {addressee}.\n\n\
             Ouvrez ce lien dans votre navigateur :\n\
             {url}#{fragment}\n\n\
             Le lien expire le {expires} et permet {n} envoi(s). Ne transférez pas ce \
             message : qui a le lien peut déposer des documents.\n\n\
             Si vous n'attendiez pas cette demande, ignorez ce message.\n\n\
             ---\n\
             {who} ({org}) asks you for documents through Pli, encrypted in your browser for \
             {addressee}. Open the link above in your browser. It expires at {expires} and \
             allows {n} upload(s). Do not forward this message: whoever has the link may \
             upload.\n"
        ),
    }
}

/// An event of the request's anonymous holder: no actor account; the request's email stands
/// as the claimed actor, in the requester's organisation.
pub(crate) async fn outside_event(
    state: &AppState,
    request: &UploadRequest,
    from: &str,
    action: &str,
    outcome: Outcome,
) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        actor_email: Some(request.email.clone()),
        org_id: requester_org(state, request).await,
        from: from.to_owned(),
        action: action.to_owned(),
        target: Some(request.id.to_string()),
        outcome,
    }
}

/// An event of the server itself about a request (expiry), in the requester's organisation.
async fn system_event(state: &AppState, request: &UploadRequest, action: &str) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        actor_email: None,
        org_id: requester_org(state, request).await,
        from: "server".to_owned(),
        action: action.to_owned(),
        target: Some(request.id.to_string()),
        outcome: Outcome::Allowed,
    }
}

async fn requester_org(state: &AppState, request: &UploadRequest) -> Option<Id> {
    state
        .store
        .account_by_id(request.creator_id)
        .await
        .ok()
        .map(|account| account.org.id)
}

pub(crate) fn refused(refusal: RequestRefusal) -> ApiError {
    let (code, message) = match refusal {
        RequestRefusal::Expired => (
            "request_expired",
            "this request has expired; ask the person who sent it for a new one",
        ),
        RequestRefusal::Exhausted => (
            "request_exhausted",
            "this request has received all the uploads it allows; ask for a new one",
        ),
        RequestRefusal::Withdrawn => ("request_withdrawn", "the requester withdrew this request"),
    };
    ApiError::new(StatusCode::GONE, code, message)
}

pub(crate) fn request_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "request_not_found",
        "no such request; check that the whole link was copied",
    )
}
