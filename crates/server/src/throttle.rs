//! Brute-force limits on the unauthenticated paths (login, invitation codes): rate limits per
//! client address and per email (`governor`, in memory), and, in the store, a count of failed
//! logins per email that locks the email after [`LOCK_AFTER`] failures within
//! [`FAILURE_WINDOW_SECS`].
//!
//! Everything is keyed by the email as typed, whether or not an account has it: an unknown
//! email is slowed, counted and locked exactly like a known one, so no answer tells them apart.
//!
//! Servers sharing one database share the rates too: an attempt that the in-memory limiter
//! lets through is also counted in the store's per-minute window ([`Guard::allow_login_everywhere`]),
//! so spreading attempts over several servers gains nothing. The in-memory limiter stays first,
//! so a flood is refused without touching the database.

use crate::state::ServerKey;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use pli_store::{Store, StoreError, Timestamp};
use sha2::Sha256;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Failed logins within [`FAILURE_WINDOW_SECS`] that lock the email.
pub const LOCK_AFTER: u32 = 10;
/// Window in which failures are counted: 15 minutes.
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
/// How long a lock lasts, unless an admin lifts it first: 15 minutes.
pub const LOCK_SECS: i64 = 15 * 60;
/// Extra delay per earlier failure before a failed login is answered.
const DELAY_STEP: Duration = Duration::from_millis(100);
/// Ceiling of that delay.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Login attempts per address and minute. Generous: a hospital's staff may share one address.
const LOGINS_PER_ADDRESS: u32 = 60;
/// Login attempts per email and minute.
const LOGINS_PER_EMAIL: u32 = 12;
/// Invitation redemptions per address and minute: a whole ward may join at once from behind
/// one address, and the 100-bit codes are out of reach of guessing anyway.
const JOINS_PER_ADDRESS: u32 = 60;
/// Invitation redemptions per email and minute.
const JOINS_PER_EMAIL: u32 = 5;

/// Codes of external links tried per address and minute.
const CODES_PER_ADDRESS: u32 = 20;
/// Codes tried per link and minute (the link locks after 5 wrong ones anyway).
const CODES_PER_LINK: u32 = 10;

/// Uploads through upload requests per address and minute.
const UPLOADS_PER_ADDRESS: u32 = 10;
/// Uploads per request and minute (a request takes at most 20 anyway).
const UPLOADS_PER_REQUEST: u32 = 10;

/// The in-memory rate limiters and where client addresses come from.
pub struct Guard {
    codes_by_address: DefaultKeyedRateLimiter<String>,
    codes_by_link: DefaultKeyedRateLimiter<String>,
    uploads_by_address: DefaultKeyedRateLimiter<String>,
    uploads_by_request: DefaultKeyedRateLimiter<String>,
    logins_by_address: DefaultKeyedRateLimiter<String>,
    logins_by_email: DefaultKeyedRateLimiter<String>,
    joins_by_address: DefaultKeyedRateLimiter<String>,
    joins_by_email: DefaultKeyedRateLimiter<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed; nobody else's is.
    pub(crate) trusted_proxies: Vec<IpAddr>,
}

impl Guard {
    /// Limiters with the default quotas, trusting `X-Forwarded-For` only from `trusted_proxies`.
    pub fn new(trusted_proxies: Vec<IpAddr>) -> Guard {
        Guard {
            logins_by_address: per_minute(LOGINS_PER_ADDRESS),
            logins_by_email: per_minute(LOGINS_PER_EMAIL),
            joins_by_address: per_minute(JOINS_PER_ADDRESS),
            joins_by_email: per_minute(JOINS_PER_EMAIL),
            codes_by_address: per_minute(CODES_PER_ADDRESS),
            codes_by_link: per_minute(CODES_PER_LINK),
            uploads_by_address: per_minute(UPLOADS_PER_ADDRESS),
            uploads_by_request: per_minute(UPLOADS_PER_REQUEST),
            trusted_proxies,
        }
    }

    /// Whether a login attempt from `address` for `email` is within the rates.
    pub fn allow_login(&self, address: &str, email: &str) -> bool {
        // Both are charged, so an attacker cycling emails still spends the address's quota.
        let by_address = self
            .logins_by_address
            .check_key(&address.to_owned())
            .is_ok();
        let by_email = self.logins_by_email.check_key(&email.to_owned()).is_ok();
        by_address && by_email
    }

    /// Whether an invitation redemption from `address` for `email` is within the rates.
    pub fn allow_join(&self, address: &str, email: &str) -> bool {
        let by_address = self.joins_by_address.check_key(&address.to_owned()).is_ok();
        let by_email = self.joins_by_email.check_key(&email.to_owned()).is_ok();
        by_address && by_email
    }

    /// [`Guard::allow_login`], then the same rates counted across every server of the
    /// database.
    pub async fn allow_login_everywhere(
        &self,
        store: &dyn Store,
        key: &ServerKey,
        address: &str,
        email: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        if !self.allow_login(address, email) {
            return Ok(false);
        }
        let by_address =
            shared_hit(store, key, "login-address", address, at).await? <= LOGINS_PER_ADDRESS;
        let by_email = shared_hit(store, key, "login-email", email, at).await? <= LOGINS_PER_EMAIL;
        Ok(by_address && by_email)
    }

    /// [`Guard::allow_join`], then the same rates counted across every server of the database.
    pub async fn allow_join_everywhere(
        &self,
        store: &dyn Store,
        key: &ServerKey,
        address: &str,
        email: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        if !self.allow_join(address, email) {
            return Ok(false);
        }
        let by_address =
            shared_hit(store, key, "join-address", address, at).await? <= JOINS_PER_ADDRESS;
        let by_email = shared_hit(store, key, "join-email", email, at).await? <= JOINS_PER_EMAIL;
        Ok(by_address && by_email)
    }

    /// Whether a link code attempt from `address` for link `link_id` is within the rates.
    pub fn allow_code(&self, address: &str, link_id: &str) -> bool {
        let by_address = self.codes_by_address.check_key(&address.to_owned()).is_ok();
        let by_link = self.codes_by_link.check_key(&link_id.to_owned()).is_ok();
        by_address && by_link
    }

    /// Whether an upload from `address` through request `request_id` is within the rates.
    pub fn allow_upload(&self, address: &str, request_id: &str) -> bool {
        let by_address = self
            .uploads_by_address
            .check_key(&address.to_owned())
            .is_ok();
        let by_request = self
            .uploads_by_request
            .check_key(&request_id.to_owned())
            .is_ok();
        by_address && by_request
    }

    /// Forgets keys whose quota is full again, so memory follows recent traffic only.
    pub fn forget_idle(&self) {
        for limiter in [
            &self.logins_by_address,
            &self.logins_by_email,
            &self.joins_by_address,
            &self.joins_by_email,
            &self.codes_by_address,
            &self.codes_by_link,
            &self.uploads_by_address,
            &self.uploads_by_request,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// How long the store keeps a rate window's count: the window itself, and a minute more for
/// clocks of servers that disagree a little.
pub const SHARED_WINDOW_KEPT_SECS: i64 = 2 * 60;

/// Counts one attempt in the current minute's shared window of (`what`, `value`) and returns
/// the window's count. The store sees only an HMAC of both under the server key, shared by
/// every server: no address or email, and nothing it could be guessed back from.
async fn shared_hit(
    store: &dyn Store,
    key: &ServerKey,
    what: &str,
    value: &str,
    at: Timestamp,
) -> Result<u32, StoreError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .map_err(|_| StoreError::Backend("rate key".into()))?;
    mac.update(b"pli-rate-v1\0");
    mac.update(what.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    let digest: [u8; 32] = mac.finalize().into_bytes().into();
    let hits = store.count_hit(&digest, at - at.rem_euclid(60)).await?;
    Ok(u32::try_from(hits).unwrap_or(u32::MAX))
}

/// The delay before answering a failed login that is the `n_failures`-th in the window:
/// nothing for the first, then growing by a step each time, up to a ceiling.
pub fn failure_delay(n_failures: u32) -> Duration {
    DELAY_STEP
        .saturating_mul(n_failures.saturating_sub(1))
        .min(MAX_DELAY)
}

fn per_minute(n: u32) -> DefaultKeyedRateLimiter<String> {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_growing() {
        assert_eq!(failure_delay(0), Duration::ZERO);
        assert_eq!(failure_delay(1), Duration::ZERO);
        assert!(failure_delay(3) > failure_delay(2));
        assert_eq!(failure_delay(1000), MAX_DELAY);
    }

    #[test]
    fn rates_are_per_key() {
        let guard = Guard::new(vec![]);
        for _ in 0..LOGINS_PER_EMAIL {
            assert!(guard.allow_login("10.0.0.1", "a@b.fr"));
        }
        assert!(!guard.allow_login("10.0.0.1", "a@b.fr"));
        assert!(guard.allow_login("10.0.0.1", "c@d.fr"), "another email");
        for _ in 0..JOINS_PER_EMAIL {
            assert!(guard.allow_join("10.0.0.2", "e@f.fr"));
        }
        assert!(!guard.allow_join("10.0.0.2", "e@f.fr"));
    }
}
