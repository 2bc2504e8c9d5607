//! The Pli client: a typed HTTP client, the local profile, password derivation and key
//! wrapping, and the send and get flows that drive the envelope format. The `pli` command line
//! is thin glue over this crate.
//!
//! The password never leaves the machine: it is stretched with Argon2id and split into an
//! authentication key (sent) and a wrapping key (kept), under which the account's private keys
//! travel to and from the server.
//!
//! ```
//! use pli_client::keys::{self, AccountKeys};
//! use secrecy::{ExposeSecret, SecretString};
//!
//! # fn main() -> Result<(), keys::KeyError> {
//! let password = SecretString::from("correct horse battery staple".to_owned());
//! let salt = keys::random_salt();
//! let derived = keys::derive(&password, &salt, &keys::KDF_FLOOR)?;
//!
//! let account_keys = AccountKeys::generate();
//! let wrapped = derived.wrap(&account_keys, "alice@example.org")?;
//! // What the server stores and sends back; only the password opens it again.
//! let unwrapped = derived.unwrap(&wrapped, "alice@example.org")?;
//! assert_eq!(unwrapped.public_keys(), account_keys.public_keys());
//! assert!(unwrapped.age_secret().expose_secret().starts_with("AGE-SECRET-KEY-1"));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

pub mod account;
pub mod api;
pub mod external;
pub mod get;
pub mod keys;
pub mod mailbox;
pub mod policy;
pub mod profile;
pub mod progress;
pub mod receipts;
pub mod request;
pub mod send;
pub mod transparency;
pub mod witness;
mod writeback;

pub use account::AccountError;
pub use api::{Api, ApiError};
pub use get::GetError;
pub use keys::{AccountKeys, KeyError};
pub use mailbox::{MailboxError, MailboxSecrets};
pub use profile::{Profile, ProfileError};
pub use progress::{NoProgress, Progress};
pub use send::SendError;
pub use transparency::{KeyLog, TransparencyError};
