//! Authentication: the [`Principal`] extractor, sessions, client-derived key checks, prelogin
//! salts and invitation codes.
//!
//! The server never receives a password. The client derives `auth_key` with Argon2id and HKDF;
//! the server stores only SHA-256 of it and compares in constant time.

use crate::error::ApiError;
use crate::state::AppState;
use crate::validate::base64_encode;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use pli_proto::KdfParams;
use pli_store::{Account, AuditEvent, Id, Outcome, Role, StoreError, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

/// Sessions last 12 hours.
pub const SESSION_SECS: i64 = 12 * 3600;
/// Invitations last 7 days.
pub const INVITATION_SECS: i64 = 7 * 24 * 3600;
/// Default and floor of the client-side Argon2id parameters.
pub const KDF_FLOOR: KdfParams = KdfParams {
    m_kib: 19456,
    t: 2,
    p: 1,
};
/// Ceiling of the parameters, so an account cannot be made that no client can log into.
pub const KDF_CEILING: KdfParams = KdfParams {
    m_kib: 4 << 20,
    t: 64,
    p: 64,
};
/// Crockford base32, without the letters mistaken for digits (I, L, O, U).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 20 characters of 5 bits: 100 bits.
pub const CODE_LEN: usize = 20;

/// Current Unix time in seconds.
pub fn now() -> Timestamp {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 text of a timestamp.
pub fn rfc3339(at: Timestamp) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

/// SHA-256 of a secret, as stored.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Whether `auth_key` matches the stored hash, in constant time.
pub fn auth_key_matches(auth_key: &[u8; 32], stored_hash: &[u8; 32]) -> bool {
    sha256(auth_key).ct_eq(stored_hash).into()
}

/// A new bearer token and the hash stored for it.
pub fn new_session_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64_encode(&bytes);
    let hash = sha256(token.as_bytes());
    (token, hash)
}

/// The stable fake salt answered for an email with no account:
/// `HMAC-SHA256(server.key, "prelogin\0" + email)[..16]`.
pub fn fake_salt(server_key: &[u8; 32], email: &str) -> [u8; 16] {
    let mut salt = [0u8; 16];
    if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(server_key) {
        mac.update(b"prelogin\0");
        mac.update(email.as_bytes());
        salt.copy_from_slice(&mac.finalize().into_bytes()[..16]);
    }
    salt
}

/// A new invitation code: 20 characters of Crockford base32 (100 random bits).
pub fn new_invitation_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[(rng.next_u32() % 32) as usize]))
        .collect()
}

/// Normalises a typed invitation code: case, dashes and spaces do not matter, and `O`, `I`, `L`
/// read as the digits they look like. `None` if it cannot be a code.
pub fn normalize_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// The client's address as seen on the TCP connection, or, when the connection comes from a
/// configured trusted proxy, the last address that proxy appended to `X-Forwarded-For`.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(client_addr(parts, state).await)
    }
}

async fn client_addr(parts: &mut Parts, state: &AppState) -> ClientAddr {
    // The extractor also honours `MockConnectInfo`, so in-process tests see an address.
    let Ok(ConnectInfo(addr)) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await
    else {
        return ClientAddr("unknown".to_owned());
    };
    let peer = addr.ip();
    if state.guard.trusted_proxies.contains(&peer) {
        // Only the proxy's own entry (the last) is trusted: the client writes the ones before.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<std::net::IpAddr>().ok())
            .next_back();
        if let Some(client) = forwarded {
            return ClientAddr(client.to_string());
        }
    }
    ClientAddr(peer.to_string())
}

/// An authenticated caller: its account, its current mailboxes, and where it connects from.
///
/// Extracting it checks the bearer session; a handler that takes a `Principal` cannot run for
/// an anonymous or expired caller.
#[derive(Clone)]
pub struct Principal {
    pub account: Account,
    /// Ids of the mailboxes whose envelopes the account may read now (members and read
    /// grants that have not expired).
    pub mailbox_ids: Vec<Id>,
    /// Ids of the mailboxes the account may not address envelopes to: those it holds a
    /// read-only grant on.
    pub send_denied: Vec<Id>,
    pub from: String,
    pub(crate) token_hash: [u8; 32],
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session hash stays out of logs.
        f.debug_struct("Principal")
            .field("account", &self.account)
            .field("mailbox_ids", &self.mailbox_ids)
            .field("send_denied", &self.send_denied)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Principal {
    /// An audit event of this caller.
    pub fn event(&self, action: &str, target: Option<String>, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            at: now(),
            actor: Some(self.account.id),
            actor_email: Some(self.account.email.clone()),
            org_id: Some(self.account.org.id),
            from: self.from.clone(),
            action: action.to_owned(),
            target,
            outcome,
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from = client_addr(parts, state).await.0;
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token.filter(|token| !token.is_empty() && token.len() <= 256) else {
            record_refusal(state, parts, from, false).await;
            return Err(ApiError::unauthenticated());
        };
        let token_hash = sha256(token.as_bytes());
        let account = match state.store.session_account(&token_hash, now()).await {
            Ok(account) => account,
            Err(StoreError::NotFound) => {
                record_refusal(state, parts, from, true).await;
                return Err(ApiError::unauthenticated());
            }
            Err(error) => return Err(error.into()),
        };
        let at = now();
        if must_enrol(state, &account).await? && !enrolment_route(parts) {
            return Err(enrol_first());
        }
        let access = state.store.account_access(account.id).await?;
        let (active, expired): (Vec<_>, Vec<_>) = access
            .into_iter()
            .partition(|entry| entry.access.active_at(at));
        if !expired.is_empty() {
            // Access ends at `until` whatever happens here (only `active` counts below); turning
            // the rows into removals also makes the mailbox keys stale for the other members.
            if let Err(error) = state.store.expire_access(at).await {
                tracing::error!(%error, "ending expired access failed");
            }
        }
        let mailbox_ids = active
            .iter()
            .filter(|entry| entry.access.read)
            .map(|entry| entry.mailbox.id)
            .collect();
        let send_denied = active
            .iter()
            .filter(|entry| !entry.access.send)
            .map(|entry| entry.mailbox.id)
            .collect();
        Ok(Principal {
            account,
            mailbox_ids,
            send_denied,
            from,
            token_hash,
        })
    }
}

/// Whether the account must have a second factor (admins, auditors, every account of an
/// organisation that demands it) and has none yet (a confirmed TOTP or a passkey).
pub async fn must_enrol(state: &AppState, account: &Account) -> Result<bool, ApiError> {
    let required = matches!(account.role, Role::Admin | Role::Auditor)
        || state.store.org_requires_totp(account.org.id).await?;
    if !required {
        return Ok(false);
    }
    let confirmed = crate::routes::second_factor::has_second_factor(state, account.id).await?;
    Ok(!confirmed)
}

/// Routes a session that must enrol may still use: enrolment itself, reading its own account,
/// ending the session.
fn enrolment_route(parts: &Parts) -> bool {
    let path = parts.uri.path();
    path == "/api/me/totp"
        || path == "/api/me/totp/confirm"
        || path == "/api/me/passkeys/options"
        || (path == "/api/me/passkeys" && parts.method == axum::http::Method::POST)
        || path == "/api/auth/logout"
        || (path == "/api/me" && parts.method == axum::http::Method::GET)
}

fn enrol_first() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "second_factor_required",
        "this account must have a second factor before anything else: run `pli 2fa enable`",
    )
}

/// Records a request refused for want of a valid session. The token is never recorded.
async fn record_refusal(state: &AppState, parts: &Parts, from: String, had_token: bool) {
    let action = if had_token {
        "session.invalid"
    } else {
        "session.missing"
    };
    state
        .audit
        .record(AuditEvent {
            at: now(),
            actor: None,
            actor_email: None,
            org_id: None,
            from,
            action: action.to_owned(),
            target: Some(format!("{} {}", parts.method, parts.uri.path())),
            outcome: Outcome::Denied,
        })
        .await;
}

/// Checks client-chosen Argon2id parameters against the floor and the ceiling.
pub fn check_kdf(kdf: &KdfParams) -> Result<(), ApiError> {
    if kdf.m_kib < KDF_FLOOR.m_kib || kdf.t < KDF_FLOOR.t || kdf.p < KDF_FLOOR.p {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "weak_kdf",
            format!(
                "password derivation parameters are below the floor (m_kib >= {}, t >= {}, p >= {})",
                KDF_FLOOR.m_kib, KDF_FLOOR.t, KDF_FLOOR.p
            ),
        ));
    }
    if kdf.m_kib > KDF_CEILING.m_kib || kdf.t > KDF_CEILING.t || kdf.p > KDF_CEILING.p {
        return Err(ApiError::invalid(format!(
            "password derivation parameters are above the ceiling (m_kib <= {}, t <= {}, p <= {})",
            KDF_CEILING.m_kib, KDF_CEILING.t, KDF_CEILING.p
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_normalisation() {
        for _ in 0..100 {
            let code = new_invitation_code();
            assert_eq!(code.len(), CODE_LEN);
            assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
            let typed = format!("{}-{}", &code[..10], &code[10..]).to_lowercase();
            assert_eq!(normalize_code(&typed).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn bad_codes_are_refused() {
        assert_eq!(normalize_code(""), None);
        assert_eq!(normalize_code("ABC"), None);
        assert_eq!(normalize_code("UUUUUUUUUUUUUUUUUUUU"), None);
        assert_eq!(normalize_code(&"0".repeat(21)), None);
        assert_eq!(
            normalize_code("oooooooooolllllllllli").map(|c| c.len()),
            None
        );
        assert_eq!(
            normalize_code("ooooooooooiiiiiiiiii").as_deref(),
            Some("00000000001111111111")
        );
    }

    #[test]
    fn fake_salts_are_stable_and_keyed() {
        let key = [7u8; 32];
        assert_eq!(fake_salt(&key, "a@b"), fake_salt(&key, "a@b"));
        assert_ne!(fake_salt(&key, "a@b"), fake_salt(&key, "c@d"));
        assert_ne!(fake_salt(&key, "a@b"), fake_salt(&[8u8; 32], "a@b"));
    }

    #[test]
    fn auth_keys_compare_by_hash() {
        let key = [3u8; 32];
        assert!(auth_key_matches(&key, &sha256(&key)));
        assert!(!auth_key_matches(&[4u8; 32], &sha256(&key)));
    }

    #[test]
    fn kdf_floor_is_enforced() {
        assert!(check_kdf(&KDF_FLOOR).is_ok());
        assert!(
            check_kdf(&KdfParams {
                m_kib: 1024,
                ..KDF_FLOOR
            })
            .is_err()
        );
        assert!(check_kdf(&KdfParams { t: 1, ..KDF_FLOOR }).is_err());
        assert!(check_kdf(&KdfParams { p: 0, ..KDF_FLOOR }).is_err());
    }
}
