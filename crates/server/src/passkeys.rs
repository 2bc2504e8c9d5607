//! Passkeys (WebAuthn) as a second factor: the relying party, and the ceremonies shared by
//! login, step-up and the passkey routes.
//!
//! A ceremony's state (its challenge) is kept in the store between the two requests, so that
//! any server of a deployment finishes what another began, and each is used at most once
//! within [`CEREMONY_SECS`].

use crate::auth::now;
use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use pli_proto::{PasskeyAssertion, PasskeyChallenge};
use pli_store::{Account, Ceremony, CeremonyKind, Id, StoreError, StoredPasskey};
use std::net::IpAddr;
use url::Url;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnBuilder,
};

/// How long a challenge may be answered.
pub const CEREMONY_SECS: i64 = 300;
/// Longest passkey name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The relying party: this server, as browsers name it.
pub struct RelyingParty {
    webauthn: Webauthn,
}

impl RelyingParty {
    /// The relying party of the people who open `public_url`. Browsers refuse an IP address
    /// as a relying party id, and treat `http://localhost` as secure: a loopback address
    /// becomes `localhost` with the same scheme and port. `None` for any other IP address or
    /// a URL without a host: passkeys then need `--public-url` with a domain name.
    pub fn for_url(public_url: &str) -> Option<RelyingParty> {
        let mut origin = Url::parse(public_url).ok()?;
        let host = origin.host_str()?.trim_matches(['[', ']']).to_owned();
        if let Ok(ip) = host.parse::<IpAddr>() {
            if !ip.is_loopback() {
                return None;
            }
            origin.set_host(Some("localhost")).ok()?;
        }
        origin.set_path("");
        let rp_id = origin.host_str()?.to_owned();
        let webauthn = WebauthnBuilder::new(&rp_id, &origin)
            .ok()?
            .rp_name("Pli")
            .build()
            .ok()?;
        Some(RelyingParty { webauthn })
    }
}

fn relying_party(state: &AppState) -> Result<&RelyingParty, ApiError> {
    state.relying_party.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "passkeys_unavailable",
            "passkeys need the server's address as people open it: start `pli serve` with --public-url https://NAME",
        )
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|error| ApiError::internal(error.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(text)
        .map_err(|_| ApiError::internal(format!("a stored {what} is corrupt")))
}

/// The account's passkeys with their relying-party credentials.
async fn credentials(
    state: &AppState,
    account_id: Id,
) -> Result<Vec<(StoredPasskey, Passkey)>, ApiError> {
    let stored = state.store.passkeys(account_id).await?;
    stored
        .into_iter()
        .map(|row| {
            let passkey = from_json::<Passkey>(&row.data, "passkey")?;
            Ok((row, passkey))
        })
        .collect()
}

/// Whether the account has a passkey.
pub async fn has_passkey(state: &AppState, account_id: Id) -> Result<bool, ApiError> {
    Ok(!state.store.passkeys(account_id).await?.is_empty())
}

async fn keep(
    state: &AppState,
    account_id: Id,
    kind: CeremonyKind,
    ceremony_state: String,
    options: serde_json::Value,
) -> Result<PasskeyChallenge, ApiError> {
    let at = now();
    let ceremony = Ceremony {
        id: Id::random(),
        account_id,
        kind,
        state: ceremony_state,
        expires_at: at + CEREMONY_SECS,
    };
    state.store.put_ceremony(&ceremony, at).await?;
    Ok(PasskeyChallenge {
        ceremony: ceremony.id.to_string(),
        options,
    })
}

/// A challenge any of the account's passkeys answers. 404 `no_passkey` if it has none.
pub async fn challenge(state: &AppState, account: &Account) -> Result<PasskeyChallenge, ApiError> {
    let party = relying_party(state)?;
    let passkeys: Vec<Passkey> = credentials(state, account.id)
        .await?
        .into_iter()
        .map(|(_, passkey)| passkey)
        .collect();
    if passkeys.is_empty() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_passkey",
            "this account has no passkey; give the code of your authenticator app instead",
        ));
    }
    let (options, ceremony_state) = party
        .webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(|error| ApiError::internal(error.to_string()))?;
    let options =
        serde_json::to_value(&options).map_err(|error| ApiError::internal(error.to_string()))?;
    keep(
        state,
        account.id,
        CeremonyKind::Authenticate,
        to_json::<PasskeyAuthentication>(&ceremony_state)?,
        options,
    )
    .await
}

fn ceremony_id(text: &str) -> Result<Id, ApiError> {
    Id::parse(text).ok_or_else(|| ApiError::invalid("passkey.ceremony is not a ceremony id"))
}

/// Whether `assertion` answers a live challenge of this account with one of its passkeys.
/// The challenge is used up either way; the passkey's counter is saved. A malformed
/// credential is a 400; a wrong, replayed or expired answer is `false`.
pub async fn verify(
    state: &AppState,
    account: &Account,
    assertion: &PasskeyAssertion,
) -> Result<bool, ApiError> {
    let party = relying_party(state)?;
    let id = ceremony_id(&assertion.ceremony)?;
    let credential: PublicKeyCredential = serde_json::from_value(assertion.credential.clone())
        .map_err(|error| {
            ApiError::invalid(format!(
                "passkey.credential is not a WebAuthn assertion: {error}"
            ))
        })?;
    let at = now();
    let ceremony = match state
        .store
        .take_ceremony(id, account.id, CeremonyKind::Authenticate, at)
        .await
    {
        Ok(ceremony) => ceremony,
        Err(StoreError::NotFound) => return Ok(false),
        Err(error) => return Err(error.into()),
    };
    let ceremony_state: PasskeyAuthentication = from_json(&ceremony.state, "ceremony")?;
    let Ok(result) = party
        .webauthn
        .finish_passkey_authentication(&credential, &ceremony_state)
    else {
        return Ok(false);
    };
    for (row, mut passkey) in credentials(state, account.id).await? {
        if passkey.cred_id() != result.cred_id() {
            continue;
        }
        passkey.update_credential(&result);
        state
            .store
            .passkey_used(row.id, &to_json(&passkey)?, at)
            .await?;
        return Ok(true);
    }
    // The passkey was removed between the challenge and the answer.
    Ok(false)
}

/// A challenge to register a new passkey for the account (its passkeys are excluded, so one
/// authenticator is not registered twice).
pub async fn registration(
    state: &AppState,
    account: &Account,
) -> Result<PasskeyChallenge, ApiError> {
    let party = relying_party(state)?;
    let existing = credentials(state, account.id)
        .await?
        .into_iter()
        .map(|(_, passkey)| passkey.cred_id().clone())
        .collect::<Vec<_>>();
    let (options, ceremony_state) = party
        .webauthn
        .start_passkey_registration(
            Uuid::from_bytes(*account.id.as_bytes()),
            &account.email,
            &account.email,
            (!existing.is_empty()).then_some(existing),
        )
        .map_err(|error| ApiError::internal(error.to_string()))?;
    let options =
        serde_json::to_value(&options).map_err(|error| ApiError::internal(error.to_string()))?;
    keep(
        state,
        account.id,
        CeremonyKind::Register,
        to_json::<PasskeyRegistration>(&ceremony_state)?,
        options,
    )
    .await
}

/// Checks the browser's answer to a registration challenge and stores the new passkey.
pub async fn register(
    state: &AppState,
    account: &Account,
    ceremony: &str,
    name: &str,
    credential: &serde_json::Value,
) -> Result<StoredPasskey, ApiError> {
    let party = relying_party(state)?;
    let id = ceremony_id(ceremony)?;
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(format!(
            "name must be 1 to {MAX_NAME_CHARS} printable characters"
        )));
    }
    let credential: RegisterPublicKeyCredential = serde_json::from_value(credential.clone())
        .map_err(|error| {
            ApiError::invalid(format!(
                "credential is not a WebAuthn registration: {error}"
            ))
        })?;
    let at = now();
    let ceremony = match state
        .store
        .take_ceremony(id, account.id, CeremonyKind::Register, at)
        .await
    {
        Ok(ceremony) => ceremony,
        Err(StoreError::NotFound) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no passkey registration in progress with this ceremony (used, expired or unknown); start again with POST /api/me/passkeys/options",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let ceremony_state: PasskeyRegistration = from_json(&ceremony.state, "ceremony")?;
    let passkey = party
        .webauthn
        .finish_passkey_registration(&credential, &ceremony_state)
        .map_err(|error| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_passkey",
                format!("the authenticator's answer does not check: {error}"),
            )
        })?;
    let stored = StoredPasskey {
        id: Id::random(),
        account_id: account.id,
        credential_id: passkey.cred_id().as_ref().to_vec(),
        name: name.to_owned(),
        data: to_json(&passkey)?,
        created_at: at,
        last_used_at: None,
    };
    match state.store.add_passkey(&stored).await {
        Ok(()) => Ok(stored),
        Err(StoreError::Conflict(_)) => Err(ApiError::conflict(
            "this authenticator is registered already",
        )),
        Err(error) => Err(error.into()),
    }
}
