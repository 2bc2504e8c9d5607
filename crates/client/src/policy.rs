//! The organisation's sending policy on the client: signing a new version (admins), fetching
//! and checking the current one before a send, and applying it to what the scan found.
//!
//! The server stores the policy but cannot forge it: the client checks the signature of an
//! admin of its own organisation over [`policy_signed_bytes`], with the signer's key as the
//! audit log publishes it (key transparency), and refuses a version older than one it has
//! already seen, so a hostile server can neither weaken the rules, nor sign them with a key
//! of its own making, nor roll them back to an earlier version.
//!
//! Each version must also be in the audit log (an entry of its own: organisation, version, hash
//! of the text, signer, key and signature), proven against a checkpoint the client trusts, so
//! that every version any client follows is where the organisation's auditors and the log's
//! witnesses see it.
//!
//! The signer must be an admin twice over: in the server's answer (its role now, which retires
//! a policy whose signer is no longer an admin) and in the audit log, whose entry for the
//! signer's role the client proves too. A server that lies about roles must log the lie, an
//! account named as an admin, where the organisation's auditors see it.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use pli_dlp::{Action, Decision, Destination, Labels, Policy};
use pli_envelope::DlpLabel;
use pli_proto::{
    AccountKey, AddressKind, DirectoryEntry, DlpSummary, Role, SetPolicyRequest, SignedPolicy,
    policy_signed_bytes,
};

use crate::api::{Api, ApiError, sanitize};
use crate::keys::{AccountKeys, b64};
use crate::mailbox::decode_verifying_key;
use crate::transparency::{KeyLog, LoggedPolicy, TransparencyError};

/// Errors of fetching, checking or publishing a policy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is not a valid policy.
    #[error(transparent)]
    Invalid(#[from] pli_dlp::PolicyError),
    /// What the server gave does not verify: nothing is sent under it.
    #[error("the organisation's policy from the server cannot be trusted: {0}")]
    Untrusted(String),
    /// The server gave an older version than one seen before, or none after one was seen.
    #[error(
        "the server gave policy version {served}, older than version {seen} seen before: refusing to send under a rolled-back policy"
    )]
    RolledBack { served: u64, seen: u64 },
    /// The server gave no policy after one was seen.
    #[error(
        "the server gave no policy, though version {seen} was seen before: refusing to send without it"
    )]
    Withdrawn { seen: u64 },
    /// The audit log that proves the signer's key cannot be trusted or reached.
    #[error(transparent)]
    Transparency(#[from] TransparencyError),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// The request that publishes `text` as the policy of `org`, signed with the caller's key.
pub fn sign(org: &str, text: &str, keys: &AccountKeys) -> Result<SetPolicyRequest, PolicyError> {
    let policy = Policy::parse(text)?;
    let message = policy_signed_bytes(org, policy.version(), text);
    let signature = keys.signing_key().sign(&message);
    Ok(SetPolicyRequest {
        version: policy.version(),
        text: text.to_owned(),
        signature: b64(&signature.to_bytes()),
    })
}

/// A policy that verified: its rules and the signed form it came in.
#[derive(Clone, Debug)]
pub struct TrustedPolicy {
    pub policy: Policy,
    pub signed: SignedPolicy,
}

/// Fetches the caller's organisation's policy and checks it: signed by an admin of `own_org`
/// (key from the directory, proven by the audit log under `log`), over this organisation,
/// version and text; a valid policy whose version is the signed one; not older than `seen`,
/// the highest version this client saw.
pub async fn fetch(
    api: &Api,
    log: &KeyLog,
    own_org: &str,
    seen: Option<u64>,
) -> Result<Option<TrustedPolicy>, PolicyError> {
    let answer = api.sending_policy().await?;
    let Some(signed) = answer.policy else {
        return match seen {
            Some(seen) => Err(PolicyError::Withdrawn { seen }),
            None => Ok(None),
        };
    };
    if let Some(seen) = seen
        && signed.version < seen
    {
        return Err(PolicyError::RolledBack {
            served: signed.version,
            seen,
        });
    }
    if !signed.org.eq_ignore_ascii_case(own_org) {
        return Err(untrusted(format!(
            "it is the policy of {}, not of {}",
            sanitize(&signed.org),
            sanitize(own_org)
        )));
    }
    let signer = match api.directory(&signed.signer).await {
        Ok(entry) => entry,
        Err(error) if error.is_not_found() => {
            return Err(untrusted(format!(
                "its signer {} is not in the directory",
                sanitize(&signed.signer)
            )));
        }
        Err(error) => return Err(error.into()),
    };
    let checked = check_signature(&signed, own_org, &signer)?;
    match log.check_account(api, &signed.signer, checked.key).await {
        Ok(()) => {}
        Err(TransparencyError::Unproven { reason, .. }) => {
            return Err(untrusted(format!(
                "its signer's key is not proven by the server's audit log ({reason})"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    let logged = LoggedPolicy {
        org: own_org,
        version: signed.version,
        text: &signed.text,
        signer: &signed.signer,
        signing_key: &checked.signing_key,
        signature: &checked.signature,
        log_index: signed.log_index,
    };
    match log.check_policy(api, &logged).await {
        Ok(()) => {}
        Err(TransparencyError::Unproven { reason, .. }) => {
            return Err(untrusted(format!(
                "this version is not proven by the server's audit log ({reason}): an admin may sign it again with `pli admin policy set`"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    match log
        .check_admin(api, own_org, &signed.signer, signed.signer_role_log_index)
        .await
    {
        Ok(()) => {}
        Err(TransparencyError::Unproven { reason, .. }) => {
            return Err(untrusted(format!(
                "its signer's role is not proven by the server's audit log ({reason}): an admin must sign it again with `pli admin policy set`"
            )));
        }
        Err(error) => return Err(error.into()),
    }
    let policy = Policy::parse(&signed.text)
        .map_err(|error| untrusted(format!("its text is invalid ({error})")))?;
    if policy.version() != signed.version {
        return Err(untrusted(
            "the version it announces differs from the version in its text".into(),
        ));
    }
    Ok(Some(TrustedPolicy { policy, signed }))
}

/// A policy's signature, checked with the signer's key from the directory.
#[derive(Debug)]
struct CheckedSignature<'a> {
    /// The directory's key for the signer, for the audit log to prove.
    key: &'a AccountKey,
    signing_key: [u8; 32],
    signature: [u8; 64],
}

/// Checks the signature with the directory's key for the signer, an admin of `own_org`.
fn check_signature<'a>(
    signed: &SignedPolicy,
    own_org: &str,
    signer: &'a DirectoryEntry,
) -> Result<CheckedSignature<'a>, PolicyError> {
    let key = match (signer.kind, signer.keys.as_slice()) {
        (AddressKind::Account, [key])
            if key.email.eq_ignore_ascii_case(&signed.signer)
                && signer.org.eq_ignore_ascii_case(own_org) =>
        {
            key
        }
        _ => {
            return Err(untrusted(format!(
                "its signer {} is not an account of the organisation",
                sanitize(&signed.signer)
            )));
        }
    };
    let verifying_key = decode_verifying_key(&key.public_keys.signing_key)
        .ok_or_else(|| untrusted("its signer's key is malformed".into()))?;
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(&signed.signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| untrusted("its signature is malformed".into()))?;
    let message = policy_signed_bytes(own_org, signed.version, &signed.text);
    verifying_key
        .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| untrusted("its signature does not verify".into()))?;
    if signed.signer_role != Some(Role::Admin) {
        return Err(untrusted(format!(
            "its signer {} is not an admin of the organisation (any more): an admin must sign it again with `pli admin policy set`",
            sanitize(&signed.signer)
        )));
    }
    Ok(CheckedSignature {
        key,
        signing_key: verifying_key.to_bytes(),
        signature,
    })
}

fn untrusted(reason: String) -> PolicyError {
    PolicyError::Untrusted(reason)
}

/// Where each directory entry stands for a sender of `own_org`.
pub fn destinations(
    policy: &Policy,
    own_org: &str,
    entries: &[DirectoryEntry],
) -> BTreeSet<Destination> {
    entries
        .iter()
        .map(|entry| policy.destination(own_org, &entry.org))
        .collect()
}

/// The labels and decision as the signed manifest carries them; `None` when the decision
/// blocks (nothing is sealed) or a justification is required and missing.
pub fn manifest_label(
    version: u64,
    labels: &Labels,
    decision: &Decision,
    justification: Option<&str>,
) -> Option<DlpLabel> {
    let justification = justification
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
    match decision.action {
        Action::Block => return None,
        Action::Justify if justification.is_none() => return None,
        _ => {}
    }
    Some(DlpLabel {
        policy_version: version,
        decision: decision.action.as_str().to_owned(),
        kinds: kind_counts(labels),
        not_inspectable: labels.not_inspectable,
        justification,
    })
}

/// The labels' counts by kind name, as the manifest and the server's records carry them.
fn kind_counts(labels: &Labels) -> std::collections::BTreeMap<String, u64> {
    labels
        .kinds
        .iter()
        .map(|(kind, count)| (kind.as_str().to_owned(), *count))
        .collect()
}

/// What the server records of a send the policy stopped: the decision, kinds and counts.
pub fn refusal(version: u64, labels: &Labels, decision: &Decision) -> DlpSummary {
    DlpSummary {
        policy_version: version,
        decision: decision.action.as_str().to_owned(),
        kinds: kind_counts(labels),
        not_inspectable: labels.not_inspectable,
        justified: false,
    }
}

/// What the server records of a label: kinds and counts, whether it was justified.
pub fn summary(label: &DlpLabel) -> DlpSummary {
    DlpSummary {
        policy_version: label.policy_version,
        decision: label.decision.clone(),
        kinds: label.kinds.clone(),
        not_inspectable: label.not_inspectable,
        justified: label.justification.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pli_dlp::Kind;
    use pli_proto::AccountKey;

    const TEXT: &str = "version = 2\n[kinds.nir]\nexternal = \"justify\"\n";

    fn signed_by(keys: &AccountKeys, org: &str, text: &str) -> SignedPolicy {
        let request = sign(org, text, keys).unwrap();
        SignedPolicy {
            org: org.into(),
            version: request.version,
            text: request.text,
            signer: "admin@chu.fr".into(),
            signer_role: Some(Role::Admin),
            signature: request.signature,
            set_at: "2026-11-22T00:00:00Z".into(),
            log_index: None,
            signer_role_log_index: None,
        }
    }

    fn entry(keys: &AccountKeys, org: &str) -> DirectoryEntry {
        DirectoryEntry {
            address: "admin@chu.fr".into(),
            kind: AddressKind::Account,
            org: org.into(),
            keys: vec![AccountKey {
                email: "admin@chu.fr".into(),
                public_keys: keys.public_keys(),
                key_id: String::new(),
                log_index: None,
            }],
            mailbox_key: None,
        }
    }

    #[test]
    fn a_signed_policy_verifies_and_any_change_is_caught() {
        let admin = AccountKeys::generate();
        let signed = signed_by(&admin, "chu", TEXT);
        let entry_of_admin = entry(&admin, "chu");
        let checked = check_signature(&signed, "chu", &entry_of_admin).unwrap();
        assert_eq!(checked.key.public_keys, admin.public_keys());
        assert_eq!(
            b64(&checked.signing_key),
            admin.public_keys().signing_key,
            "the key the log must show with this version"
        );

        let mut altered = signed.clone();
        altered.text = TEXT.replace("justify", "allow");
        assert!(check_signature(&altered, "chu", &entry(&admin, "chu")).is_err());
        let mut newer = signed.clone();
        newer.version = 3;
        assert!(check_signature(&newer, "chu", &entry(&admin, "chu")).is_err());
        // Replayed to another organisation.
        assert!(check_signature(&signed, "police", &entry(&admin, "police")).is_err());
        // Signed by someone else's key, or by an account of another organisation.
        let stranger = AccountKeys::generate();
        assert!(check_signature(&signed, "chu", &entry(&stranger, "chu")).is_err());
        assert!(check_signature(&signed, "chu", &entry(&admin, "police")).is_err());
        let mut garbled = signed.clone();
        garbled.signature = "AAAA".into();
        assert!(check_signature(&garbled, "chu", &entry(&admin, "chu")).is_err());
        // Signed by an account that is not (or no longer) an admin, or no longer in it.
        for role in [Some(Role::Agent), Some(Role::Auditor), None] {
            let mut demoted = signed.clone();
            demoted.signer_role = role;
            let error = check_signature(&demoted, "chu", &entry(&admin, "chu")).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("is not an admin of the organisation"),
                "{error}"
            );
        }
    }

    #[test]
    fn labels_carry_kinds_and_counts_and_need_a_justification_when_asked() {
        let policy = Policy::parse(TEXT).unwrap();
        let labels = Labels {
            kinds: [(Kind::Nir, 2), (Kind::Health, 1)].into_iter().collect(),
            not_inspectable: 0,
        };
        let to_police = [Destination::External].into_iter().collect();
        let decision = policy.decide(&labels, &to_police);
        assert_eq!(decision.action, Action::Justify);
        assert_eq!(manifest_label(2, &labels, &decision, None), None);
        assert_eq!(manifest_label(2, &labels, &decision, Some("  ")), None);
        let label = manifest_label(2, &labels, &decision, Some(" Réquisition ")).unwrap();
        assert_eq!(label.decision, "justify");
        assert_eq!(label.justification.as_deref(), Some("Réquisition"));
        assert_eq!(
            label.kinds.iter().collect::<Vec<_>>(),
            [(&"health".to_string(), &1), (&"nir".to_string(), &2)]
        );
        let summary = summary(&label);
        assert!(summary.justified);
        assert_eq!(summary.kinds, label.kinds);

        let blocking = Policy::parse("version = 1\n[default]\nexternal = \"block\"\n").unwrap();
        let decision = blocking.decide(&labels, &to_police);
        assert_eq!(manifest_label(1, &labels, &decision, Some("urgent")), None);
    }
}
