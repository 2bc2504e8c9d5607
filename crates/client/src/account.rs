//! Joining, logging in and unlocking the account's keys.
//!
//! Every flow derives keys from the password on this machine; the server receives only the
//! authentication key, and its answers are checked against what this client knows (the keys it
//! generated, or the keys it just unwrapped), so a server cannot slip in other public keys.

use pli_proto::{AccountInfo, JoinRequest, LoginRequest, SessionResponse};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::api::{Api, ApiError, sanitize};
use crate::keys::{self, AccountKeys, DerivedKeys, KeyError};
use crate::profile::{Profile, Session};

/// Errors of joining, logging in or unlocking keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Deriving, wrapping or unwrapping keys failed (including a wrong password).
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The server refused the login: wrong password or second-factor code, or no such account.
    #[error("wrong email or password")]
    BadCredentials,
    /// The password is right and the account has a second factor: log in again with a code.
    #[error("this account has a second factor: a code from the authenticator app is needed")]
    SecondFactorNeeded,
    /// The server refused or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The server's answer contradicts what this client knows.
    #[error("the server's answer is inconsistent: {0}")]
    Inconsistent(String),
    /// A worker thread stopped unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
    /// The server's audit log key could not be fetched or read, to pin it.
    #[error(transparent)]
    Transparency(#[from] crate::transparency::TransparencyError),
}

/// Normalises an email the way every flow uses it (trimmed, lowercase), so that the wrapped
/// keys' binding to the address does not depend on how it was typed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Redeems invitation `code`: generates the account's keys, registers them (private keys only
/// wrapped), and returns the profile to save.
pub async fn join(
    server: &str,
    email: &str,
    code: &SecretString,
    password: &SecretString,
) -> Result<Profile, AccountError> {
    let api = Api::new(server)?;
    let email = normalize_email(email);
    let keys = AccountKeys::generate();
    let salt = keys::random_salt();
    let kdf = keys::KDF_FLOOR;
    let derived = derive_blocking(password, salt, kdf).await?;
    let wrapped_keys = derived.wrap(&keys, &email)?;
    let public_keys = keys.public_keys();
    let request = JoinRequest {
        email: email.clone(),
        code: code.expose_secret().trim().to_owned(),
        salt: keys::b64(&salt),
        kdf,
        auth_key: derived.auth_key_b64().expose_secret().to_owned(),
        public_keys: public_keys.clone(),
        wrapped_keys,
    };
    let session = api.join(&request).await?;
    check_account(&session.account, &email, &keys)?;
    let mut profile = profile_from(&api, session, salt, kdf)?;
    profile.log_key = Some(crate::transparency::fetch_log_key(&api).await?.to_string());
    Ok(profile)
}

/// Logs in: fetches the account's derivation parameters (refusing weak ones), derives, logs in,
/// and unwraps the keys to check they are the ones the server publishes.
pub async fn login(
    server: &str,
    email: &str,
    password: &SecretString,
) -> Result<(Profile, AccountKeys), AccountError> {
    login_with(server, email, password, None).await
}

/// Like [`login`], with the second factor of an account that has one: a TOTP code or a
/// recovery code.
pub async fn login_with(
    server: &str,
    email: &str,
    password: &SecretString,
    second_factor: Option<&SecretString>,
) -> Result<(Profile, AccountKeys), AccountError> {
    let api = Api::new(server)?;
    let email = normalize_email(email);
    let prelogin = api.prelogin(&email).await?;
    keys::check_params(&prelogin.kdf)?;
    let salt = keys::decode_salt(&prelogin.salt)?;
    let derived = derive_blocking(password, salt, prelogin.kdf).await?;
    let session = api
        .login(&LoginRequest {
            email: email.clone(),
            auth_key: derived.auth_key_b64().expose_secret().to_owned(),
            totp: second_factor.map(|code| code.expose_secret().trim().to_owned()),
            passkey: None,
        })
        .await
        .map_err(|error| match &error {
            ApiError::Refused { code, .. } if code == "second_factor_needed" => {
                AccountError::SecondFactorNeeded
            }
            _ if error.status() == Some(401) => AccountError::BadCredentials,
            _ => error.into(),
        })?;
    let keys = derived.unwrap(&session.wrapped_keys, &email)?;
    check_account(&session.account, &email, &keys)?;
    let mut profile = profile_from(&api, session, salt, prelogin.kdf)?;
    profile.log_key = Some(crate::transparency::fetch_log_key(&api).await?.to_string());
    Ok((profile, keys))
}

/// Logs in again with the profile's server and email, after its session expired.
pub async fn relogin(
    profile: &Profile,
    password: &SecretString,
) -> Result<(Profile, AccountKeys), AccountError> {
    let (mut fresh, keys) = login(&profile.server, &profile.email, password).await?;
    keep_pins(&mut fresh, profile)?;
    Ok((fresh, keys))
}

/// Carries the audit log key pinned by `previous` (and the checkpoint it verified) over to a
/// fresh profile of the same server; refuses a server now signing with another key.
pub fn keep_pins(fresh: &mut Profile, previous: &Profile) -> Result<(), AccountError> {
    if fresh.server != previous.server {
        return Ok(());
    }
    if let Some(pinned) = &previous.log_key {
        if fresh.log_key.as_deref() != Some(pinned.as_str()) {
            return Err(AccountError::Inconsistent(format!(
                "its audit log key is no longer the one this profile pinned ({}); if the server's log key was legitimately replaced, remove the profile and log in again",
                sanitize(pinned)
            )));
        }
        fresh.log_checkpoint = previous.log_checkpoint.clone();
    }
    fresh.witnesses = previous.witnesses.clone();
    fresh.witnesses_required = previous.witnesses_required;
    Ok(())
}

/// Like [`relogin`], with a second factor.
pub async fn relogin_with(
    profile: &Profile,
    password: &SecretString,
    second_factor: Option<&SecretString>,
) -> Result<(Profile, AccountKeys), AccountError> {
    let (mut fresh, keys) =
        login_with(&profile.server, &profile.email, password, second_factor).await?;
    keep_pins(&mut fresh, profile)?;
    Ok((fresh, keys))
}

/// Unwraps the profile's keys with `password`, locally, and checks them against the profile's
/// public keys.
pub async fn unlock(
    profile: &Profile,
    password: &SecretString,
) -> Result<AccountKeys, AccountError> {
    keys::check_params(&profile.kdf)?;
    let derived = derive_blocking(password, profile.salt, profile.kdf).await?;
    let keys = derived.unwrap(&profile.wrapped_keys, &normalize_email(&profile.email))?;
    keys.check_matches(&profile.public_keys)?;
    Ok(keys)
}

/// An API client for the profile's server and session.
pub fn api_for(profile: &Profile) -> Result<Api, ApiError> {
    let api = Api::new(&profile.server)?;
    Ok(match &profile.session {
        Some(session) => api.with_token(session.token.clone()),
        None => api,
    })
}

/// The current Unix time in seconds.
pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

async fn derive_blocking(
    password: &SecretString,
    salt: [u8; keys::SALT_LEN],
    kdf: pli_proto::KdfParams,
) -> Result<DerivedKeys, AccountError> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || keys::derive(&password, &salt, &kdf))
        .await
        .map_err(|error| AccountError::Internal(error.to_string()))?
        .map_err(AccountError::from)
}

fn check_account(
    account: &AccountInfo,
    email: &str,
    keys: &AccountKeys,
) -> Result<(), AccountError> {
    if normalize_email(&account.email) != email {
        return Err(AccountError::Inconsistent(format!(
            "it answered for account {}",
            sanitize(&account.email)
        )));
    }
    if keys.public_keys() != account.public_keys {
        return Err(AccountError::Inconsistent(
            "it publishes other public keys than this account's".into(),
        ));
    }
    let key_id = pli_envelope::key_id(&keys.signing_key().verifying_key());
    if account.key_id != key_id {
        return Err(AccountError::Inconsistent(
            "it gives the wrong key id for this account's signing key".into(),
        ));
    }
    Ok(())
}

fn profile_from(
    api: &Api,
    session: SessionResponse,
    salt: [u8; keys::SALT_LEN],
    kdf: pli_proto::KdfParams,
) -> Result<Profile, AccountError> {
    let expires_at = OffsetDateTime::parse(&session.expires_at, &Rfc3339)
        .map_err(|_| AccountError::Inconsistent("the session expiry is not RFC 3339".into()))?
        .unix_timestamp();
    Ok(Profile {
        server: api.server().to_owned(),
        email: normalize_email(&session.account.email),
        org: session.account.org,
        role: session.account.role,
        session: Some(Session {
            token: SecretString::from(session.token),
            expires_at,
        }),
        salt,
        kdf,
        public_keys: session.account.public_keys,
        key_id: session.account.key_id,
        wrapped_keys: session.wrapped_keys,
        log_key: None,
        log_checkpoint: None,
        witnesses: Vec::new(),
        witnesses_required: 0,
    })
}
