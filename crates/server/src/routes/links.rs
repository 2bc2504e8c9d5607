//! External links (`docs/EXTERNAL.md`): an envelope offered to a person without an account,
//! through a link mailed to them and a one-time code sent by a second channel.
//!
//! The sender's routes are authenticated and authorized like every other
//! ([`Action::CreateLink`], [`Action::ReadLinks`], [`Action::WithdrawLink`]). The recipient's
//! are anonymous: the link's state decides ([`authorize_link`]), the code releases the
//! server's half `S` and a short-lived download token, and the token opens the content and the
//! receipt. Reading a link's summary changes nothing, so mail scanners that open links consume
//! neither a download nor a code attempt.
//!
//! `S` is destroyed (set to NULL in the store) when a link locks, expires, is exhausted or is
//! withdrawn; expiry is applied at the first touch after it and by the periodic sweep
//! ([`expire_links`]). The fragment `F` is written into the outgoing mail and nowhere else.

use crate::auth::{ClientAddr, Principal, now, rfc3339, sha256};
use crate::authz::{Action, LinkAction, LinkRefusal, Resource, authorize, authorize_link};
use crate::error::ApiError;
use crate::notify::{Mail, Sms};
use crate::routes::envelopes::load;
use crate::routes::{ApiJson, ApiPath};
use crate::state::{AppState, blob_key};
use crate::validate::{Email, EnvelopeId, base64_bytes, base64_encode};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use pli_audit::{Receipt, Record};
use pli_proto::{
    CreateLinkRequest, ErrorBody, LinkCodeAccepted, LinkCodeRefused, LinkCodeRequest, LinkCreated,
    LinkList, LinkOpeningInfo, LinkPublic, LinkReceiptRequest, LinkSender, LinkSummary,
    ReceiptInfo, receipt_signed_bytes,
};
use pli_store::{
    Account, AuditEvent, Id, Link, LinkReceipt, LinkState, NewLink, Outcome, StoreError, Timestamp,
};
use rand::Rng as _;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

/// Shortest and longest life of a link, and the default: 1 hour, 30 days, 72 hours.
pub const MIN_EXPIRES_IN: i64 = 3600;
pub const MAX_EXPIRES_IN: i64 = 30 * 86_400;
pub const DEFAULT_EXPIRES_IN: i64 = 72 * 3600;
/// Downloads allowed by default, and at most.
pub const DEFAULT_MAX_DOWNLOADS: u32 = 5;
pub const MAX_MAX_DOWNLOADS: u32 = 100;
/// Wrong codes that lock a link.
pub const LOCK_AFTER: u32 = 5;
/// How long a download token lasts: 15 minutes.
pub const TOKEN_SECS: i64 = 15 * 60;
/// How far a recipient's clock may be from the server's.
const MAX_CLOCK_SKEW: i64 = 300;

/// Offers a stored envelope to a person without an account: stores the link, mails it, and
/// sends the code by SMS or by a second mail.
#[utoipa::path(post, path = "/api/envelopes/{id}/links", tag = "links",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    request_body = CreateLinkRequest,
    responses(
        (status = 201, description = "the link, mailed; the code sent by the second channel", body = LinkCreated),
        (status = 400, description = "bad email, phone, expiry, download count, key half, receipt key or fragment", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such stored envelope of yours", body = ErrorBody),
        (status = 409, description = "this link id is taken; pick a new random id", body = ErrorBody),
        (status = 502, description = "the mail or SMS could not be sent (`notifier_failed`); the link was withdrawn", body = ErrorBody),
        (status = 503, description = "no notifier for mail, or for SMS when a phone is given (`notifier_missing`)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<CreateLinkRequest>,
) -> Result<(StatusCode, Json<LinkCreated>), ApiError> {
    let envelope_id = EnvelopeId::parse(&id)?.id();
    let checked = check_request(&request)?;
    load(
        &state,
        &principal,
        envelope_id,
        Action::CreateLink,
        "link.created",
    )
    .await?;
    if checked.sender_key != principal.account.signing_key {
        return Err(ApiError::invalid(
            "the fragment's sender key is not your signing key",
        ));
    }
    let Some(notifier) = state.notifier.clone() else {
        return Err(notifier_missing(
            "this server sends no mail: links cannot be created (the administrator sets --smtp or --mail-outbox)",
        ));
    };
    if checked.phone.is_some() && !notifier.sends_sms() {
        return Err(notifier_missing(
            "this server sends no SMS: leave out the phone and the code goes by a second mail",
        ));
    }
    let link_id = parse_link_id(&request.id)?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let created_at = now();
    let new_link = NewLink {
        id: link_id,
        envelope_id,
        creator_id: principal.account.id,
        email: checked.email.as_str().to_owned(),
        phone: checked.phone.clone(),
        created_at,
        expires_at: created_at + checked.expires_in,
        max_downloads: checked.max_downloads,
        code_hash: code_hash(&state, link_id, &code),
        server_half: checked.server_half,
        receipt_key: checked.receipt_key,
    };
    match state.store.create_link(&new_link).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(
                "a link with this id exists; pick a new random id",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let url = link_url(&state, new_link.id);
    let messages = Messages {
        sender: &principal.account,
        link: &new_link,
        url: &url,
    };
    let sent = async {
        notifier
            .mail(&messages.link_mail(&request.fragment))
            .await?;
        match &new_link.phone {
            Some(phone) => notifier.sms(&messages.code_sms(phone, &code)).await,
            None => notifier.mail(&messages.code_mail(&code)).await,
        }
    }
    .await;
    if let Err(error) = sent {
        // A link whose mail or code did not go is of no use to anyone: end it, with its `S`.
        let _ = state
            .store
            .end_link(new_link.id, LinkState::Withdrawn)
            .await;
        state
            .audit
            .record(principal.event(
                "link.created",
                Some(link_target(new_link.envelope_id, new_link.id)),
                Outcome::Failed,
            ))
            .await;
        tracing::error!(link = %new_link.id, %error, "sending a link failed");
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "notifier_failed",
            "the link or its code could not be sent; nothing was offered, try again later or ask the administrator",
        ));
    }
    state
        .audit
        .record_durable(principal.event(
            "link.created",
            Some(link_target(new_link.envelope_id, new_link.id)),
            Outcome::Allowed,
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(LinkCreated {
            id: new_link.id.to_string(),
            url,
            expires_at: rfc3339(new_link.expires_at),
            max_downloads: new_link.max_downloads,
        }),
    ))
}

/// The links of an envelope: state, downloads, code failures, every opening, the receipt.
#[utoipa::path(get, path = "/api/envelopes/{id}/links", tag = "links",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "envelope id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the envelope's links, oldest first", body = LinkList),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such envelope, or you may not read its links", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LinkList>, ApiError> {
    let envelope_id = EnvelopeId::parse(&id)?.id();
    load(
        &state,
        &principal,
        envelope_id,
        Action::ReadLinks,
        "envelope.links",
    )
    .await?;
    let mut items = Vec::new();
    for link in state.store.envelope_links(envelope_id).await? {
        let link = expire_on_touch(&state, link).await?;
        items.push(summary(&state, &link));
    }
    state
        .audit
        .record(principal.event(
            "envelope.links",
            Some(envelope_id.to_string()),
            Outcome::Allowed,
        ))
        .await;
    Ok(Json(LinkList { items }))
}

/// Withdraws a link: it refuses everything from now on, and `S` is destroyed.
#[utoipa::path(delete, path = "/api/links/{link_id}", tag = "links",
    security(("bearer" = [])),
    params(("link_id" = String, Path, description = "link id, 32 lowercase hex digits")),
    responses(
        (status = 204, description = "withdrawn"),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 404, description = "no such link of yours", body = ErrorBody),
        (status = 409, description = "the link has already ended (locked, expired, exhausted or withdrawn)", body = ErrorBody),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(link_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let link_id = parse_link_id(&link_id)?;
    let found = match state.store.link(link_id).await {
        Ok(link) => match state.store.envelope(link.envelope_id).await {
            Ok(envelope) => Some((link, envelope)),
            Err(StoreError::NotFound) => None,
            Err(error) => return Err(error.into()),
        },
        Err(StoreError::NotFound) => None,
        Err(error) => return Err(error.into()),
    };
    let allowed = found.filter(|(link, envelope)| {
        authorize(
            &principal,
            Action::WithdrawLink,
            &Resource::Link(link, envelope),
        )
        .is_ok()
    });
    let Some((link, _)) = allowed else {
        state
            .audit
            .record(principal.event("link.withdrawn", Some(link_id.to_string()), Outcome::Denied))
            .await;
        return Err(link_not_found());
    };
    let link = expire_on_touch(&state, link).await?;
    match state.store.end_link(link.id, LinkState::Withdrawn).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(format!(
                "this link has already ended ({})",
                link.state.as_str()
            )));
        }
        Err(StoreError::NotFound) => return Err(link_not_found()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record_durable(principal.event(
            "link.withdrawn",
            Some(link_target(link.envelope_id, link.id)),
            Outcome::Allowed,
        ))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the recipient's page shows before the code: sender, size, expiry, state. Changes
/// nothing (mail scanners open links).
#[utoipa::path(get, path = "/api/links/{link_id}", tag = "links",
    params(("link_id" = String, Path, description = "link id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the link's summary", body = LinkPublic),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 404, description = "no such link (`link_not_found`)", body = ErrorBody),
    ))]
pub async fn public(
    State(state): State<AppState>,
    ApiPath(link_id): ApiPath<String>,
) -> Result<Json<LinkPublic>, ApiError> {
    let link_id = parse_link_id(&link_id)?;
    let link = load_link(&state, link_id).await?;
    let envelope = state.store.envelope(link.envelope_id).await.map_err(gone)?;
    let at = now();
    Ok(Json(LinkPublic {
        sender: LinkSender {
            email: envelope.sender.email.clone(),
            name: envelope.sender.email.clone(),
            organisation: envelope.sender.org.name.clone(),
            signing_key: base64_encode(&envelope.sender.signing_key),
        },
        subject_hidden: true,
        size: envelope.size,
        expires_at: rfc3339(link.expires_at),
        state: shown_state(&link, at).to_owned(),
        attempts_left: attempts_left(&link, at),
    }))
}

/// Checks the one-time code. The right one releases `S` and a download token; a wrong one
/// counts, and the fifth locks the link, destroys `S` and tells the sender.
#[utoipa::path(post, path = "/api/links/{link_id}/code", tag = "links",
    params(("link_id" = String, Path, description = "link id, 32 lowercase hex digits")),
    request_body = LinkCodeRequest,
    responses(
        (status = 200, description = "the right code", body = LinkCodeAccepted),
        (status = 400, description = "bad id, or a code that is not 6 digits (not counted)", body = ErrorBody),
        (status = 403, description = "wrong code (`invalid_code`), with the attempts left", body = LinkCodeRefused),
        (status = 404, description = "no such link (`link_not_found`)", body = ErrorBody),
        (status = 410, description = "the link is locked, expired, exhausted or withdrawn (`link_locked`, `link_expired`, `link_exhausted`, `link_withdrawn`)", body = ErrorBody),
        (status = 423, description = "this wrong code locked the link (`link_locked`)", body = ErrorBody),
        (status = 429, description = "too many attempts from this address (`too_many_attempts`)", body = ErrorBody),
    ))]
pub async fn code(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiPath(link_id): ApiPath<String>,
    ApiJson(request): ApiJson<LinkCodeRequest>,
) -> Result<Response, ApiError> {
    let link_id = parse_link_id(&link_id)?;
    if !state.guard.allow_code(&from, &link_id.to_string()) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many code attempts from this address; wait a minute",
        ));
    }
    let code = request.code.trim();
    if code.len() != 6 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ApiError::invalid("the code is 6 digits"));
    }
    let link = load_link(&state, link_id).await?;
    let at = now();
    authorize_link(LinkAction::SubmitCode, &link, at).map_err(refused)?;
    let expected = code_hash(&state, link.id, code);
    if !bool::from(expected.ct_eq(&link.code_hash)) {
        return wrong_code(&state, &link, &from).await;
    }
    let Some(server_half) = link.server_half else {
        return Err(refused(LinkRefusal::Locked));
    };
    let mut token_bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut token_bytes);
    let token = base64_encode(&token_bytes);
    let token_expires_at = (at + TOKEN_SECS).min(link.expires_at);
    match state
        .store
        .add_link_token(link.id, &sha256(token.as_bytes()), token_expires_at, at)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            let link = load_link(&state, link_id).await?;
            return Err(refused(
                authorize_link(LinkAction::SubmitCode, &link, at)
                    .err()
                    .unwrap_or(LinkRefusal::Expired),
            ));
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(recipient_event(&state, &link, &from, "link.code_accepted", Outcome::Allowed).await)
        .await;
    Ok(Json(LinkCodeAccepted {
        server_half: base64_encode(&server_half),
        token,
        token_expires_at: rfc3339(token_expires_at),
    })
    .into_response())
}

/// The ciphertext, for the holder of a download token. Counts one download.
#[utoipa::path(get, path = "/api/links/{link_id}/content", tag = "links",
    security(("bearer" = [])),
    params(("link_id" = String, Path, description = "link id, 32 lowercase hex digits")),
    responses(
        (status = 200, description = "the ciphertext (an age file)", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "bad id", body = ErrorBody),
        (status = 401, description = "missing, wrong or expired token (`invalid_token`)", body = ErrorBody),
        (status = 404, description = "no such link (`link_not_found`)", body = ErrorBody),
        (status = 410, description = "the link is locked, expired, exhausted or withdrawn", body = ErrorBody),
    ))]
pub async fn content(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiPath(link_id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let link_id = parse_link_id(&link_id)?;
    let link = load_link(&state, link_id).await?;
    let at = now();
    check_token(&state, &link, &headers, at).await?;
    if let Err(refusal) = authorize_link(LinkAction::Download, &link, at) {
        state
            .audit
            .record(recipient_event(&state, &link, &from, "link.downloaded", Outcome::Denied).await)
            .await;
        return Err(refused(refusal));
    }
    let counted = match state.store.count_link_download(link.id, at, &from).await {
        Ok(counted) => counted,
        Err(StoreError::Conflict(_)) => {
            // Another download took the last one meanwhile, or the link ended.
            let link = load_link(&state, link_id).await?;
            return Err(refused(
                authorize_link(LinkAction::Download, &link, at)
                    .err()
                    .unwrap_or(LinkRefusal::Exhausted),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let (size, stream) = match state.blobs.get(&blob_key(counted.envelope_id)).await {
        Ok(found) => found,
        Err(pli_blob::BlobError::NotFound) => {
            return Err(ApiError::internal(format!(
                "envelope {} of link {} has no blob",
                counted.envelope_id, counted.id
            )));
        }
        Err(error) => return Err(error.into()),
    };
    state
        .audit
        .record_durable(
            recipient_event(&state, &counted, &from, "link.downloaded", Outcome::Allowed).await,
        )
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The recipient's receipt, signed with the key derived from the link; kept for the sender
/// and logged.
#[utoipa::path(post, path = "/api/links/{link_id}/receipt", tag = "links",
    security(("bearer" = [])),
    params(("link_id" = String, Path, description = "link id, 32 lowercase hex digits")),
    request_body = LinkReceiptRequest,
    responses(
        (status = 201, description = "the receipt, logged", body = ReceiptInfo),
        (status = 400, description = "malformed hash, time or signature, or a signature that does not verify with the link's receipt key", body = ErrorBody),
        (status = 401, description = "missing, wrong or expired token (`invalid_token`)", body = ErrorBody),
        (status = 404, description = "no such link (`link_not_found`)", body = ErrorBody),
        (status = 409, description = "a receipt was already given for this link", body = ErrorBody),
        (status = 410, description = "the link is locked, expired or withdrawn", body = ErrorBody),
    ))]
pub async fn receipt(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiPath(link_id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LinkReceiptRequest>,
) -> Result<(StatusCode, Json<ReceiptInfo>), ApiError> {
    let link_id = parse_link_id(&link_id)?;
    let link = load_link(&state, link_id).await?;
    let at = now();
    check_token(&state, &link, &headers, at).await?;
    authorize_link(LinkAction::SignReceipt, &link, at).map_err(refused)?;
    let manifest_hash = hex_hash(&request.manifest_sha256)?;
    if request.opened_at < link.created_at - MAX_CLOCK_SKEW
        || request.opened_at > at + MAX_CLOCK_SKEW
    {
        return Err(ApiError::invalid(
            "opened_at must lie between the link's creation and now (Unix seconds)",
        ));
    }
    let signature: [u8; 64] = base64_bytes("signature", &request.signature, 64)?
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("signature must be 64 bytes"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&link.receipt_key)
        .map_err(|_| ApiError::internal("a stored receipt key is not a curve point"))?;
    let message = receipt_signed_bytes(
        link.envelope_id.as_bytes(),
        &manifest_hash,
        request.opened_at,
    );
    key.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| {
            ApiError::invalid(
                "signature does not verify with the link's receipt key over this envelope, manifest hash and time",
            )
        })?;
    if link.receipt.is_some() {
        return Err(receipt_given());
    }
    let log_index = state
        .audit
        .log_durable(Record::Receipt(Receipt {
            time: at,
            envelope_id: *link.envelope_id.as_bytes(),
            manifest_hash,
            opened_at: request.opened_at,
            recipient: link.email.clone(),
            signing_key: link.receipt_key,
            signature,
        }))
        .await
        .map_err(|error| ApiError::internal(error.to_string()))?;
    let stored = LinkReceipt {
        manifest_hash,
        opened_at: request.opened_at,
        signature: signature.to_vec(),
        log_index,
    };
    match state.store.set_link_receipt(link.id, &stored).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(receipt_given()),
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(recipient_event(&state, &link, &from, "link.receipt", Outcome::Allowed).await)
        .await;
    Ok((
        StatusCode::CREATED,
        Json(receipt_info(&link.email, &stored)),
    ))
}

/// Ends every active link past its expiry, destroying `S`, and records `link.expired` for
/// each. Run periodically by the server; also done at the first touch of an expired link.
pub async fn expire_links(state: &AppState, at: Timestamp) -> Result<usize, ApiError> {
    let ids = state.store.expire_links(at).await?;
    for id in &ids {
        if let Ok(link) = state.store.link(*id).await {
            state
                .audit
                .record(system_event(state, &link, "link.expired").await)
                .await;
        }
    }
    Ok(ids.len())
}

/// What `create` checked in the request.
struct CheckedRequest {
    email: Email,
    phone: Option<String>,
    expires_in: i64,
    max_downloads: u32,
    server_half: [u8; 32],
    receipt_key: [u8; 32],
    sender_key: [u8; 32],
}

fn check_request(request: &CreateLinkRequest) -> Result<CheckedRequest, ApiError> {
    let email = Email::parse(&request.email)
        .map_err(|error| ApiError::invalid(format!("bad email: {error}")))?;
    // Lettre is stricter than our account emails: what it cannot write in a header is refused
    // here rather than after the link exists.
    if email.as_str().parse::<lettre::Address>().is_err() {
        return Err(ApiError::invalid(
            "bad email: not an address a mail can be sent to",
        ));
    }
    let phone = request.phone.as_deref().map(phone).transpose()?;
    let expires_in = request.expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
    if !(MIN_EXPIRES_IN..=MAX_EXPIRES_IN).contains(&expires_in) {
        return Err(ApiError::invalid(format!(
            "expires_in must be between {MIN_EXPIRES_IN} (1 hour) and {MAX_EXPIRES_IN} (30 days) seconds"
        )));
    }
    let max_downloads = request.max_downloads.unwrap_or(DEFAULT_MAX_DOWNLOADS);
    if !(1..=MAX_MAX_DOWNLOADS).contains(&max_downloads) {
        return Err(ApiError::invalid(format!(
            "max_downloads must be between 1 and {MAX_MAX_DOWNLOADS}"
        )));
    }
    let server_half = key32("server_half", &request.server_half)?;
    let receipt_key = key32("receipt_key", &request.receipt_key)?;
    if ed25519_dalek::VerifyingKey::from_bytes(&receipt_key).is_err() {
        return Err(ApiError::invalid(
            "receipt_key is not an Ed25519 public key",
        ));
    }
    let Some((fragment_half, sender_key)) = request.fragment.split_once('.') else {
        return Err(ApiError::invalid(
            "fragment must be F_B64.SENDER_KEY_B64 (two unpadded base64url values of 32 bytes)",
        ));
    };
    let fragment_half = key32("the fragment's first half", fragment_half)?;
    if bool::from(fragment_half.ct_eq(&server_half)) {
        return Err(ApiError::invalid(
            "the fragment's half and the server's half must be independent random values",
        ));
    }
    let sender_key = key32("the fragment's sender key", sender_key)?;
    Ok(CheckedRequest {
        sender_key,
        email,
        phone,
        expires_in,
        max_downloads,
        server_half,
        receipt_key,
    })
}

/// An E.164 phone number: `+`, then 8 to 15 digits (spaces, dots and dashes dropped).
fn phone(text: &str) -> Result<String, ApiError> {
    let number: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = number.strip_prefix('+').unwrap_or("");
    if !(8..=15).contains(&digits.len())
        || !digits.bytes().all(|byte| byte.is_ascii_digit())
        || digits.starts_with('0')
    {
        return Err(ApiError::invalid(
            "bad phone: an international number such as +33612345678",
        ));
    }
    Ok(number)
}

fn key32(field: &str, text: &str) -> Result<[u8; 32], ApiError> {
    let bytes = base64_bytes(field, text, 32)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        ApiError::invalid(format!(
            "{field} must be 32 bytes in unpadded base64url (43 characters)"
        ))
    })
}

fn hex_hash(text: &str) -> Result<[u8; 32], ApiError> {
    let bad = || ApiError::invalid("manifest_sha256 must be 64 lowercase hex digits");
    if text.len() != 64 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad());
    }
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash).map_err(|_| bad())?;
    Ok(hash)
}

/// The keyed hash of a link's code: a stolen database does not give the six digits away for
/// free (although it holds `S` for active links anyway).
fn code_hash(state: &AppState, link_id: Id, code: &str) -> [u8; 32] {
    let mut hash = [0u8; 32];
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(state.server_key.as_bytes()) {
        mac.update(b"pli-link-code\0");
        mac.update(link_id.as_bytes());
        mac.update(code.as_bytes());
        hash.copy_from_slice(&mac.finalize().into_bytes());
    }
    hash
}

fn parse_link_id(text: &str) -> Result<Id, ApiError> {
    Id::parse(text).ok_or_else(|| ApiError::invalid("link id must be 32 lowercase hex digits"))
}

fn link_url(state: &AppState, id: Id) -> String {
    format!("{}/x/{id}", state.public_url)
}

/// Loads a link for its anonymous holder, ending it first if it is past its expiry.
async fn load_link(state: &AppState, id: Id) -> Result<Link, ApiError> {
    let link = match state.store.link(id).await {
        Ok(link) => link,
        Err(StoreError::NotFound) => return Err(link_not_found()),
        Err(error) => return Err(error.into()),
    };
    expire_on_touch(state, link).await
}

/// Ends an active link past its expiry (destroying `S`) before anything else looks at it.
async fn expire_on_touch(state: &AppState, link: Link) -> Result<Link, ApiError> {
    if link.state != LinkState::Active || link.expires_at > now() {
        return Ok(link);
    }
    match state.store.end_link(link.id, LinkState::Expired).await {
        Ok(()) => {
            state
                .audit
                .record(system_event(state, &link, "link.expired").await)
                .await;
        }
        // Ended meanwhile by another request or the sweep.
        Err(StoreError::Conflict(_)) => {}
        Err(error) => return Err(error.into()),
    }
    match state.store.link(link.id).await {
        Ok(link) => Ok(link),
        Err(StoreError::NotFound) => Err(link_not_found()),
        Err(error) => Err(error.into()),
    }
}

async fn check_token(
    state: &AppState,
    link: &Link,
    headers: &HeaderMap,
    at: Timestamp,
) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty() && token.len() <= 256);
    let valid = match token {
        Some(token) => {
            state
                .store
                .link_token_valid(link.id, &sha256(token.as_bytes()), at)
                .await?
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "missing, wrong or expired download token; give the code again and send 'Authorization: Bearer TOKEN'",
        ))
    }
}

async fn wrong_code(state: &AppState, link: &Link, from: &str) -> Result<Response, ApiError> {
    let after = match state
        .store
        .record_link_code_failure(link.id, LOCK_AFTER)
        .await
    {
        Ok(after) => after,
        Err(StoreError::Conflict(_)) => {
            let link = load_link(state, link.id).await?;
            return Err(refused(
                authorize_link(LinkAction::SubmitCode, &link, now())
                    .err()
                    .unwrap_or(LinkRefusal::Locked),
            ));
        }
        Err(StoreError::NotFound) => return Err(link_not_found()),
        Err(error) => return Err(error.into()),
    };
    state
        .audit
        .record(recipient_event(state, &after, from, "link.code_failed", Outcome::Failed).await)
        .await;
    tokio::time::sleep(crate::throttle::failure_delay(after.code_failures)).await;
    if after.state == LinkState::Locked {
        state
            .audit
            .record_durable(
                recipient_event(state, &after, from, "link.locked", Outcome::Denied).await,
            )
            .await
            .map_err(|error| ApiError::internal(error.to_string()))?;
        notify_locked(state, &after, from).await;
        return Err(ApiError::new(
            StatusCode::LOCKED,
            "link_locked",
            "too many wrong codes: the link is locked for good; ask the sender to send the document again",
        ));
    }
    let attempts_left = LOCK_AFTER.saturating_sub(after.code_failures);
    Ok((
        StatusCode::FORBIDDEN,
        Json(LinkCodeRefused {
            error: "invalid_code".to_owned(),
            message: format!("wrong code; {attempts_left} attempt(s) left before the link locks"),
            attempts_left,
        }),
    )
        .into_response())
}

/// Tells the sender their link locked. A failure is logged, never shown to the caller.
async fn notify_locked(state: &AppState, link: &Link, from: &str) {
    let Some(notifier) = &state.notifier else {
        return;
    };
    let sender = match state.store.account_by_id(link.creator_id).await {
        Ok(account) => account,
        Err(error) => {
            tracing::error!(link = %link.id, %error, "no sender to tell of a locked link");
            return;
        }
    };
    let mail = Mail {
        to: sender.email.clone(),
        subject: "Pli : lien verrouillé après 5 codes erronés / link locked".to_owned(),
        body: format!(
            "Bonjour,\n\n\
             Le lien que vous avez envoyé à {email} a reçu {LOCK_AFTER} codes erronés ; il est \
             verrouillé et ne permet plus d'ouvrir le document (dernier essai depuis l'adresse \
             {from}, le {at}).\n\
             Si le destinataire attend toujours le document, envoyez-le à nouveau. Si personne \
             n'aurait dû essayer, prévenez votre responsable de la sécurité.\n\n\
             Lien : {id}\n\n\
             ---\n\
             The link you sent to {email} received {LOCK_AFTER} wrong codes; it is locked and \
             no longer opens the document (last attempt from {from} at {at}). Send the document \
             again if the recipient still needs it.\n",
            email = link.email,
            at = rfc3339(now()),
            id = link.id,
        ),
    };
    if let Err(error) = notifier.mail(&mail).await {
        tracing::error!(link = %link.id, %error, "telling the sender of a locked link failed");
    }
}

/// The texts of a new link's messages.
struct Messages<'a> {
    sender: &'a Account,
    link: &'a NewLink,
    url: &'a str,
}

impl Messages<'_> {
    fn link_mail(&self, fragment: &str) -> Mail {
        let sender = &self.sender.email;
        let org = &self.sender.org.name;
        let expires = rfc3339(self.link.expires_at);
        let n = self.link.max_downloads;
        let (code_fr, code_en) = match &self.link.phone {
            Some(phone) => (
                format!("par SMS au {}", masked_phone(phone)),
                format!("by SMS to {}", masked_phone(phone)),
            ),
            None => (
                "dans un second courriel".to_owned(),
                "in a second mail".to_owned(),
            ),
        };
        Mail {
            to: self.link.email.clone(),
            subject: format!("Document confidentiel de {sender} ({org})"),
            body: format!(
                "Bonjour,\n\n\
                 {sender} ({org}) vous envoie un document confidentiel par Pli.\n\n\
                 Ouvrez ce lien dans votre navigateur :\n\
                 {url}#{fragment}\n\n\
                 Un code à 6 chiffres vous est envoyé {code_fr}. Le lien expire le {expires} \
                 et permet {n} téléchargement(s). Ne transférez pas ce message.\n\n\
                 Si vous n'attendiez pas ce document, ignorez ce message.\n\n\
                 ---\n\
                 {sender} ({org}) sent you a confidential document through Pli. Open the link \
                 above in your browser; a 6-digit code is sent to you {code_en}. The link \
                 expires at {expires} and allows {n} download(s). Do not forward this message.\n",
                url = self.url,
            ),
        }
    }

    fn code_mail(&self, code: &str) -> Mail {
        let sender = &self.sender.email;
        Mail {
            to: self.link.email.clone(),
            subject: format!("Code d'accès au document de {sender} / access code"),
            body: format!(
                "Bonjour,\n\n\
                 Votre code pour ouvrir le document envoyé par {sender} : {code}\n\n\
                 Il est à saisir sur la page du lien reçu dans un autre courriel. Ne le \
                 communiquez à personne.\n\n\
                 ---\n\
                 Your code to open the document sent by {sender}: {code}\n\
                 Type it on the page of the link you received in another mail. Share it with \
                 nobody.\n"
            ),
        }
    }

    fn code_sms(&self, phone: &str, code: &str) -> Sms {
        Sms {
            to: phone.to_owned(),
            text: format!(
                "Pli : code {code} pour le document de {}. Ne le communiquez à personne.",
                self.sender.email
            ),
        }
    }
}

/// `+33612345678` → `+33••••••78`.
fn masked_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(index, c)| {
            if index < 3 || index + 2 >= chars.len() {
                *c
            } else {
                '•'
            }
        })
        .collect()
}

/// The state a holder is told: an active link past its expiry or out of downloads says so.
fn shown_state(link: &Link, at: Timestamp) -> &'static str {
    match authorize_link(LinkAction::SubmitCode, link, at) {
        Ok(()) => LinkState::Active.as_str(),
        Err(LinkRefusal::Locked) => LinkState::Locked.as_str(),
        Err(LinkRefusal::Expired) => LinkState::Expired.as_str(),
        Err(LinkRefusal::Exhausted) => LinkState::Exhausted.as_str(),
        Err(LinkRefusal::Withdrawn) => LinkState::Withdrawn.as_str(),
    }
}

fn attempts_left(link: &Link, at: Timestamp) -> u32 {
    match authorize_link(LinkAction::SubmitCode, link, at) {
        Ok(()) => LOCK_AFTER.saturating_sub(link.code_failures),
        Err(_) => 0,
    }
}

fn summary(state: &AppState, link: &Link) -> LinkSummary {
    LinkSummary {
        id: link.id.to_string(),
        url: link_url(state, link.id),
        email: link.email.clone(),
        phone: link.phone.clone(),
        state: shown_state(link, now()).to_owned(),
        created_at: rfc3339(link.created_at),
        expires_at: rfc3339(link.expires_at),
        max_downloads: link.max_downloads,
        downloads: link.downloads,
        code_failures: link.code_failures,
        openings: link
            .openings
            .iter()
            .map(|opening| LinkOpeningInfo {
                at: rfc3339(opening.at),
                address: opening.address.clone(),
            })
            .collect(),
        receipt_key: base64_encode(&link.receipt_key),
        receipt: link
            .receipt
            .as_ref()
            .map(|receipt| receipt_info(&link.email, receipt)),
    }
}

fn receipt_info(email: &str, receipt: &LinkReceipt) -> ReceiptInfo {
    ReceiptInfo {
        email: email.to_owned(),
        manifest_hash: base64_encode(&receipt.manifest_hash),
        opened_at: receipt.opened_at,
        signature: base64_encode(&receipt.signature),
        log_index: receipt.log_index,
    }
}

/// An event of the link's anonymous holder: no actor account; the address typed by the
/// sender stands as the claimed actor, and the sender's organisation's auditors see it.
async fn recipient_event(
    state: &AppState,
    link: &Link,
    from: &str,
    action: &str,
    outcome: Outcome,
) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        actor_email: Some(link.email.clone()),
        org_id: sender_org(state, link).await,
        from: from.to_owned(),
        action: action.to_owned(),
        target: Some(link_target(link.envelope_id, link.id)),
        outcome,
    }
}

/// The target of a link's audit events: its envelope first, as every event about an envelope
/// starts with the envelope's id, so that a report on the envelope finds what its external
/// recipients did, even once the link is gone.
fn link_target(envelope_id: Id, link_id: Id) -> String {
    format!("{envelope_id} link {link_id}")
}

/// An event of the server itself about a link (expiry), in the sender's organisation.
async fn system_event(state: &AppState, link: &Link, action: &str) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        actor_email: None,
        org_id: sender_org(state, link).await,
        from: "server".to_owned(),
        action: action.to_owned(),
        target: Some(link_target(link.envelope_id, link.id)),
        outcome: Outcome::Allowed,
    }
}

async fn sender_org(state: &AppState, link: &Link) -> Option<Id> {
    state
        .store
        .account_by_id(link.creator_id)
        .await
        .ok()
        .map(|account| account.org.id)
}

fn refused(refusal: LinkRefusal) -> ApiError {
    let (code, message) = match refusal {
        LinkRefusal::Locked => (
            "link_locked",
            "this link is locked after too many wrong codes; ask the sender to send the document again",
        ),
        LinkRefusal::Expired => (
            "link_expired",
            "this link has expired; ask the sender to send the document again",
        ),
        LinkRefusal::Exhausted => (
            "link_exhausted",
            "this link has been downloaded as many times as allowed; ask the sender for a new one",
        ),
        LinkRefusal::Withdrawn => ("link_withdrawn", "the sender withdrew this link"),
    };
    ApiError::new(StatusCode::GONE, code, message)
}

fn link_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "link_not_found",
        "no such link; check that the whole link was copied",
    )
}

/// An envelope gone from under its link (deleted by its sender) makes the link unknown.
fn gone(error: StoreError) -> ApiError {
    match error {
        StoreError::NotFound => link_not_found(),
        other => other.into(),
    }
}

fn notifier_missing(message: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "notifier_missing", message)
}

fn receipt_given() -> ApiError {
    ApiError::conflict("a receipt was already given for this link")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_international() {
        assert_eq!(
            phone("+33 6 12 34 56 78").ok().as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            phone("+1-202-555-0143").ok().as_deref(),
            Some("+12025550143")
        );
        for bad in [
            "0612345678",
            "+33",
            "+33abc45678",
            "+0612345678",
            "",
            "+1234567890123456",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(masked_phone("+33612345678"), "+33•••••••78");
    }

    #[test]
    fn manifest_hashes_are_lowercase_hex() {
        assert!(hex_hash(&"ab".repeat(32)).is_ok());
        assert!(hex_hash(&"AB".repeat(32)).is_err());
        assert!(hex_hash("abc").is_err());
        assert!(hex_hash(&"zz".repeat(32)).is_err());
    }
}
