//! Upload requests (`docs/REQUESTS.md`): asking a person without an account for documents.
//!
//! The requester's client decides what the outside person's browser encrypts to, exactly as
//! `pli send` would for the same address (key transparency included), and signs that in a
//! statement with the account's key. The link's fragment carries the account's verifying
//! key, so the page can check the statement with a key the server cannot swap.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use pli_proto::{CreateUploadRequest, UploadRequestCreated, request_signed_bytes};
use rand::RngCore as _;

use crate::api::{Api, sanitize};
use crate::keys::AccountKeys;
use crate::send::SendError;

/// What to ask for.
#[derive(Debug)]
pub struct Asking<'a> {
    /// The outside person's email.
    pub email: &'a str,
    /// The mailbox the documents go to (the requester must read it); `None`: one's own inbox.
    pub mailbox: Option<&'a str>,
    /// Seconds from now.
    pub expires_in: i64,
    pub max_uploads: u32,
}

/// A request the server stored and mailed.
#[derive(Debug)]
pub struct Asked {
    pub created: UploadRequestCreated,
    /// The whole link, with its fragment, as mailed.
    pub link: String,
    /// The age recipients the page will encrypt to.
    pub recipients: Vec<String>,
}

/// Errors of asking.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    #[error("invalid email {0:?}")]
    InvalidEmail(String),
    #[error("a field of the request is too long")]
    TooLong,
    #[error(transparent)]
    Resolve(#[from] SendError),
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
}

/// Resolves the recipients, signs the statement, and has the server store and mail the link.
pub async fn ask(
    api: &Api,
    me_email: &str,
    keys: &AccountKeys,
    asking: &Asking<'_>,
    log: &crate::transparency::KeyLog,
) -> Result<Asked, RequestError> {
    let email = asking.email.trim().to_lowercase();
    if email.is_empty() || !email.contains('@') || email.chars().any(char::is_whitespace) {
        return Err(RequestError::InvalidEmail(sanitize(asking.email)));
    }
    let (addressee, recipients): (String, Vec<String>) = match asking.mailbox {
        None => (
            me_email.to_lowercase(),
            vec![keys.identity().to_public().to_string()],
        ),
        Some(mailbox) => {
            let mailbox = mailbox.trim().to_lowercase();
            let resolved = crate::send::address_recipients(api, &mailbox, log).await?;
            (mailbox, resolved.into_iter().collect())
        }
    };
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let expires_at = now_unix() + asking.expires_in;
    let message = request_signed_bytes(
        &id,
        &addressee,
        &email,
        &recipients,
        expires_at,
        asking.max_uploads,
    )
    .ok_or(RequestError::TooLong)?;
    let signature = keys.signing_key().sign(&message).to_bytes();
    let fragment = URL_SAFE_NO_PAD.encode(keys.signing_key().verifying_key().as_bytes());
    let created = api
        .create_request(&CreateUploadRequest {
            id: hex::encode(id),
            email,
            mailbox: asking.mailbox.map(|_| addressee.clone()),
            recipients: recipients.clone(),
            expires_at,
            max_uploads: Some(asking.max_uploads),
            signature: URL_SAFE_NO_PAD.encode(signature),
            fragment: fragment.clone(),
        })
        .await?;
    let link = format!("{}#{fragment}", created.url);
    Ok(Asked {
        created,
        link,
        recipients,
    })
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
