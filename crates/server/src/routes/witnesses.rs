//! Witnesses (`docs/AUDIT.md`, section 10): anyone holding an account (a DPO, a partner
//! organisation, a regulator) may run `pli audit witness`, which checks each new checkpoint
//! against the last one it saw and hands in its cosignature; clients may require checkpoints
//! cosigned by witnesses they trust.
//!
//! Cosignatures are C2SP `cosignature/v1` lines (`docs/AUDIT.md`, section 10), the form
//! off-the-shelf witnesses make. The server keeps one only if it verifies, with the witness key
//! given, over a checkpoint it signed itself, and is not dated more than
//! [`MAX_COSIGNATURE_CLOCK_SKEW`] seconds ahead of the server's clock (such a line could pass
//! for fresh later); which witnesses count is each client's choice, so a junk witness costs at
//! most one line among [`MAX_WITNESSES`], and one account may hand in lines of at most
//! [`MAX_WITNESSES_PER_ACCOUNT`] witness keys per checkpoint, so that no single account can take
//! all the slots and keep honest witnesses from cosigning. Plain Ed25519 note signatures, which Pli's witnesses
//! made before, are refused: they do not say when the witness saw the checkpoint.

use crate::auth::Principal;
use crate::authz::{Action, Resource, authorize};
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use pli_audit::{
    Cosignature, CosignerVerifier, MAX_COSIGNATURE_CLOCK_SKEW, MAX_WITNESS_KEY_CHARS,
    SignedCheckpoint,
};
use pli_proto::ErrorBody;
use pli_store::{
    ACCOUNT_WITNESS_SLOTS_TAKEN, MAX_WITNESSES, MAX_WITNESSES_PER_ACCOUNT, Outcome, StoreError,
};
use serde::Deserialize;

/// `POST /api/audit/log/cosignature`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CosignatureRequest {
    /// The witness's verifier key, `<name>+<key id>+<base64(0x04 || Ed25519 key)>` (C2SP
    /// `cosignature/v1`; the same key in the plain `0x01` form is read as that).
    pub witness_key: String,
    /// The checkpoint's signed note as the server served it, with the witness's
    /// `cosignature/v1` line added.
    pub note: String,
}

/// Hands in a witness's cosignature of a checkpoint.
#[utoipa::path(post, path = "/api/audit/log/cosignature", tag = "audit",
    security(("bearer" = [])),
    request_body = CosignatureRequest,
    responses(
        (status = 204, description = "kept; served with the checkpoint"),
        (status = 400, description = "malformed key or note, a checkpoint this log did not sign, no valid cosignature/v1 line by that key, or one dated in the future", body = ErrorBody),
        (status = 401, description = "no valid session", body = ErrorBody),
        (status = 409, description = "the checkpoint has as many witnesses as it may, or this account handed in lines of as many witness keys for it as it may", body = ErrorBody),
    ))]
pub async fn cosign(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CosignatureRequest>,
) -> Result<StatusCode, ApiError> {
    authorize(&principal, Action::CosignLog, &Resource::Server)
        .map_err(|_| ApiError::forbidden("you may not cosign this log"))?;
    let witness = CosignerVerifier::parse(request.witness_key.trim())
        .map_err(|error| ApiError::invalid(format!("witness_key: {error}")))?;
    if !witness.is_listable() {
        return Err(ApiError::invalid(format!(
            "witness_key: at most {MAX_WITNESS_KEY_CHARS} characters, and no comma in its name, so that clients can name it"
        )));
    }
    let log = state.audit_verifier().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the audit log is not open",
        )
    })?;
    if witness.name() == log.name() {
        return Err(ApiError::invalid(
            "a witness key must not bear the log's own name",
        ));
    }
    let signed = SignedCheckpoint::open(request.note.as_bytes(), &log).map_err(|error| {
        ApiError::invalid(format!("note: not a checkpoint of this log: {error}"))
    })?;
    let size = signed.checkpoint().size();
    let stored = match state.store.audit_log_checkpoint(size).await {
        Ok(stored) => stored,
        Err(StoreError::NotFound) => {
            return Err(ApiError::invalid(format!(
                "note: this log signed no checkpoint of {size} entries"
            )));
        }
        Err(error) => return Err(error.into()),
    };
    let cosignature = witness_line(&stored.note, &request.note, &witness).ok_or_else(|| {
        ApiError::invalid(format!(
            "note: no valid cosignature/v1 line by {} over this log's checkpoint of {size} entries",
            witness.name()
        ))
    })?;
    // Before 1970 every time is in the future: refused, never wrapped around.
    let now = u64::try_from(crate::auth::now()).unwrap_or(0);
    if cosignature.is_from_the_future(now) {
        return Err(ApiError::invalid(format!(
            "note: the cosignature is dated {} seconds after the server's clock; at most {MAX_COSIGNATURE_CLOCK_SKEW} are allowed",
            cosignature.time().saturating_sub(now)
        )));
    }
    match state
        .store
        .add_cosignature(
            size,
            &witness.to_string(),
            cosignature.line(),
            principal.account.id,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(ACCOUNT_WITNESS_SLOTS_TAKEN)) => {
            return Err(ApiError::conflict(format!(
                "this account already handed in cosignatures of {MAX_WITNESSES_PER_ACCOUNT} other witness keys for this checkpoint; one witness is one key"
            )));
        }
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::conflict(format!(
                "this checkpoint already has {MAX_WITNESSES} witnesses"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    state
        .audit
        .record(principal.event(
            "audit.log.cosign",
            Some(witness.name().to_owned()),
            Outcome::Allowed,
        ))
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// The `cosignature/v1` line of `witness` in `note` that verifies over the checkpoint the
/// server stored (`stored`, the server's own note), if any.
fn witness_line(stored: &str, note: &str, witness: &CosignerVerifier) -> Option<Cosignature> {
    let prefix = format!("\u{2014} {} ", witness.name());
    let (_, signatures) = note.split_once("\n\n")?;
    signatures
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .find_map(|line| witness.verify(format!("{stored}{line}\n").as_bytes()).ok())
}
