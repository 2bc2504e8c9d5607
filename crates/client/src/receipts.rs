//! Signed receipts (`docs/AUDIT.md`, section 8): a recipient signs that it opened the exact
//! envelope; the sender checks each receipt with the recipient's logged key and against the
//! manifest it sealed, which it keeps on its own machine (the server could lie about it).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, VerifyingKey};
use pli_proto::{AddressKind, ReceiptInfo, ReceiptRequest, receipt_signed_bytes};

use crate::api::{Api, ApiError, sanitize};
use crate::keys::AccountKeys;
use crate::send::Sent;
use crate::transparency::{KeyLog, TransparencyError};

/// Why a receipt could not be handed in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Not 32 hex digits.
    #[error("{0} is not an envelope id")]
    InvalidId(String),
    /// The server refused or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Signs and hands in the receipt for envelope `id`, opened at `opened_at` (Unix seconds).
/// `Ok(false)` when this account had already signed one for it.
pub async fn sign(
    api: &Api,
    keys: &AccountKeys,
    id: &str,
    manifest_hash: &[u8; 32],
    opened_at: i64,
) -> Result<bool, ReceiptError> {
    let envelope_id = envelope_id(id).ok_or_else(|| ReceiptError::InvalidId(sanitize(id)))?;
    let signature = keys.signing_key().sign(&receipt_signed_bytes(
        &envelope_id,
        manifest_hash,
        opened_at,
    ));
    let request = ReceiptRequest {
        manifest_hash: URL_SAFE_NO_PAD.encode(manifest_hash),
        opened_at,
        signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
    };
    match api.sign_receipt(id, &request).await {
        Ok(_) => Ok(true),
        Err(error) if error.status() == Some(409) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// The 16 bytes of an envelope id (32 hex digits), as receipts sign them.
fn envelope_id(id: &str) -> Option<[u8; 16]> {
    hex::decode(id).ok().and_then(|bytes| bytes.try_into().ok())
}

/// What the sender can tell of one receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptStatus {
    /// Signed by the recipient's logged key, over the manifest this machine sealed.
    Verified,
    /// Signed by the recipient's logged key; this machine kept no record of the manifest it
    /// sealed (sent from elsewhere), so which document it binds is not checked.
    SignatureOnly,
    /// Not a valid receipt, and why.
    Invalid(String),
}

/// A receipt and what its check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedReceipt {
    /// The recipient that signed.
    pub email: String,
    /// When it says it opened the envelope (Unix seconds, signed).
    pub opened_at: i64,
    /// Its audit log entry.
    pub log_index: u64,
    pub status: ReceiptStatus,
}

/// Fetches the receipts of envelope `id` and checks each one: the signer's key must be proven
/// by the log this profile trusts, the signature must verify, and the manifest hash must be
/// `sealed` when known.
pub async fn check(
    api: &Api,
    log: &KeyLog,
    id: &str,
    sealed: Option<&[u8; 32]>,
) -> Result<Vec<CheckedReceipt>, TransparencyError> {
    let envelope_id = envelope_id(id);
    let list = api.receipts(id).await?;
    let mut checked = Vec::with_capacity(list.items.len());
    for receipt in &list.items {
        let status = match envelope_id {
            Some(envelope_id) => status(api, log, id, &envelope_id, sealed, receipt).await?,
            None => ReceiptStatus::Invalid("the envelope id is malformed".into()),
        };
        checked.push(CheckedReceipt {
            email: receipt.email.clone(),
            opened_at: receipt.opened_at,
            log_index: receipt.log_index,
            status,
        });
    }
    Ok(checked)
}

async fn status(
    api: &Api,
    log: &KeyLog,
    id: &str,
    envelope_id: &[u8; 16],
    sealed: Option<&[u8; 32]>,
    receipt: &ReceiptInfo,
) -> Result<ReceiptStatus, TransparencyError> {
    let invalid = |reason: &str| Ok(ReceiptStatus::Invalid(reason.to_owned()));
    let entry = match api.directory(&receipt.email).await {
        Ok(entry) => entry,
        Err(error) if error.is_not_found() => return invalid("the signer is not in the directory"),
        Err(error) => return Err(error.into()),
    };
    let key = match (entry.kind, entry.keys.as_slice()) {
        (AddressKind::Account, [key]) if key.email.eq_ignore_ascii_case(&receipt.email) => key,
        _ => return invalid("the directory gives no single account key for the signer"),
    };
    match log.check_account(api, &receipt.email, key).await {
        Ok(()) => {}
        Err(TransparencyError::Unproven { reason, .. }) => {
            return Ok(ReceiptStatus::Invalid(format!(
                "the signer's key is not proven by the audit log ({reason})"
            )));
        }
        Err(error) => return Err(error),
    }
    let Some(verifying_key) = URL_SAFE_NO_PAD
        .decode(&key.public_keys.signing_key)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
    else {
        return invalid("the signer's key is malformed");
    };
    let Some(manifest_hash) = URL_SAFE_NO_PAD
        .decode(&receipt.manifest_hash)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
    else {
        return invalid("its manifest hash is malformed");
    };
    let Some(signature) = URL_SAFE_NO_PAD
        .decode(&receipt.signature)
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
    else {
        return invalid("its signature is malformed");
    };
    let message = receipt_signed_bytes(envelope_id, &manifest_hash, receipt.opened_at);
    if verifying_key
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .is_err()
    {
        return invalid("its signature does not verify with the signer's key");
    }
    if let Some(reason) = not_logged_as_shown(
        api,
        log,
        id,
        receipt,
        &receipt.email,
        &verifying_key.to_bytes(),
    )
    .await?
    {
        return Ok(ReceiptStatus::Invalid(reason));
    }
    Ok(match sealed {
        Some(sealed) if *sealed == manifest_hash => ReceiptStatus::Verified,
        Some(_) => ReceiptStatus::Invalid("it signs another document than the one sent".into()),
        None => ReceiptStatus::SignatureOnly,
    })
}

/// Why `receipt` (of envelope `id`, signed by `signer` with `signing_key`) is not the audit
/// log's entry at its index, proven in the checkpoint `log` trusts; `None` when it is. A server
/// then cannot show a receipt it did not log, nor log another than the one it shows.
pub async fn not_logged_as_shown(
    api: &Api,
    log: &KeyLog,
    id: &str,
    receipt: &ReceiptInfo,
    signer: &str,
    signing_key: &[u8; 32],
) -> Result<Option<String>, TransparencyError> {
    let logged = match log.check_receipt(api, id, receipt.log_index, signer).await {
        Ok(logged) => logged,
        Err(TransparencyError::Unproven { reason, .. }) => {
            return Ok(Some(format!(
                "it is not proven by the audit log ({reason})"
            )));
        }
        Err(error) => return Err(error),
    };
    let decoded = |text: &str| URL_SAFE_NO_PAD.decode(text).ok();
    let same = envelope_id(id).is_some_and(|envelope| logged.envelope_id == envelope)
        && decoded(&receipt.manifest_hash).is_some_and(|hash| logged.manifest_hash[..] == hash[..])
        && logged.opened_at == receipt.opened_at
        && logged.recipient.eq_ignore_ascii_case(signer)
        && logged.signing_key == *signing_key
        && decoded(&receipt.signature)
            .is_some_and(|signature| logged.signature[..] == signature[..]);
    Ok((!same).then(|| "the audit log's entry for it differs from the receipt shown".to_owned()))
}

/// What the sender's machine keeps of each envelope it sent: the hash of the manifest it
/// sealed, one small file per envelope, to check receipts against.
#[derive(Clone, Debug)]
pub struct SentRecords {
    dir: PathBuf,
}

impl SentRecords {
    /// Records under `profile_dir/sent`.
    pub fn new(profile_dir: &Path) -> SentRecords {
        SentRecords {
            dir: profile_dir.join("sent"),
        }
    }

    /// Keeps the manifest hash of `sent`.
    pub fn record(&self, sent: &Sent) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        std::fs::write(
            self.dir.join(&sent.id),
            format!("{}\n", hex::encode(sent.manifest_hash)),
        )
    }

    /// The manifest hash kept for envelope `id`, if this machine sent it and the record is
    /// intact.
    pub fn manifest_hash(&self, id: &str) -> Option<[u8; 32]> {
        if !crate::get::is_envelope_id(id) {
            return None;
        }
        let text = std::fs::read_to_string(self.dir.join(id)).ok()?;
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
    }
}

impl SentRecords {
    /// Keeps the receipt key of an external link this machine created (public: the receipt
    /// must verify with the key derived here, not one the server names).
    pub fn record_link(&self, link_id: &str, receipt_key: &[u8; 32]) -> std::io::Result<()> {
        if !crate::get::is_envelope_id(link_id) {
            return Err(std::io::Error::other("not a link id"));
        }
        let dir = self.dir.join("links");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(link_id), format!("{}\n", hex::encode(receipt_key)))
    }

    /// The receipt key kept for link `link_id`, if this machine created it.
    pub fn link_receipt_key(&self, link_id: &str) -> Option<[u8; 32]> {
        if !crate::get::is_envelope_id(link_id) {
            return None;
        }
        let text = std::fs::read_to_string(self.dir.join("links").join(link_id)).ok()?;
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
    }
}

/// Checks the receipt of an external link: signed by the link's receipt key (the one this
/// machine derived, when it kept it, else the one the server names) over envelope `id` and
/// the manifest this machine sealed.
pub fn check_link_receipt(
    id: &str,
    receipt: &ReceiptInfo,
    receipt_key: &[u8; 32],
    key_is_local: bool,
    sealed: Option<&[u8; 32]>,
) -> ReceiptStatus {
    let invalid = |reason: &str| ReceiptStatus::Invalid(reason.to_owned());
    let Some(envelope_id) = envelope_id(id) else {
        return invalid("the envelope id is malformed");
    };
    let Ok(verifying_key) = VerifyingKey::from_bytes(receipt_key) else {
        return invalid("the link's receipt key is malformed");
    };
    let Some(manifest_hash) = URL_SAFE_NO_PAD
        .decode(&receipt.manifest_hash)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
    else {
        return invalid("its manifest hash is malformed");
    };
    let Some(signature) = URL_SAFE_NO_PAD
        .decode(&receipt.signature)
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
    else {
        return invalid("its signature is malformed");
    };
    let message = receipt_signed_bytes(&envelope_id, &manifest_hash, receipt.opened_at);
    if verifying_key
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .is_err()
    {
        return invalid("its signature does not verify with the link's receipt key");
    }
    match sealed {
        Some(sealed) if *sealed == manifest_hash && key_is_local => ReceiptStatus::Verified,
        Some(sealed) if *sealed != manifest_hash => {
            invalid("it signs another document than the one sent")
        }
        _ => ReceiptStatus::SignatureOnly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_the_hash_and_refuse_what_is_not_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let records = SentRecords::new(dir.path());
        let sent = Sent {
            id: "0123456789abcdef0123456789abcdef".into(),
            manifest_hash: [7; 32],
        };
        assert_eq!(records.manifest_hash(&sent.id), None);
        records.record(&sent).unwrap();
        assert_eq!(records.manifest_hash(&sent.id), Some([7; 32]));
        assert_eq!(records.manifest_hash("../sent/x"), None);
        std::fs::write(dir.path().join("sent").join(&sent.id), "not hex").unwrap();
        assert_eq!(records.manifest_hash(&sent.id), None);
    }
}
