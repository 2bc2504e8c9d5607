//! Key transparency on the sender's side: before encrypting to a key the directory gave, check
//! that the server's audit log holds an entry publishing exactly that key for that address, in
//! a tree whose checkpoint is signed by the log key this profile pinned and is consistent with
//! the last checkpoint this profile verified (`docs/AUDIT.md`, section 7).
//!
//! A server that hands one sender a substituted key must either log it (where the account's
//! owner and auditors can see it) or fail these checks.

use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use pli_audit::{
    AccountRole, CosignerVerifier, Hash, KeyOwner, LogVerifier, Record, SignedCheckpoint,
    leaf_hash, verify_consistency, verify_inclusion,
};
use pli_proto::{AccountKey, CurrentMailboxKey};
use sha2::{Digest, Sha256};

use crate::api::{Api, ApiError, sanitize};

/// Why a key could not be proven, or the log not be trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransparencyError {
    /// The key of `address` is not proven by the log.
    #[error(
        "refusing to encrypt to {address}: the key the server gave is not proven by its audit log ({reason})"
    )]
    Unproven {
        /// The recipient.
        address: String,
        /// What failed.
        reason: String,
    },
    /// The server's log is not the one this profile trusts, or it rewrote its history.
    #[error("the server's audit log cannot be trusted: {0}")]
    Log(String),
    /// The server could not be reached or refused.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Fetches and parses the server's audit log verifier key.
pub async fn fetch_log_key(api: &Api) -> Result<LogVerifier, TransparencyError> {
    let text = api.audit_log_key().await?;
    LogVerifier::parse(text.trim())
        .map_err(|error| TransparencyError::Log(format!("the server's log key: {error}")))
}

/// A short fingerprint of a verifier key, for people to compare: its name and key id.
pub fn fingerprint(verifier: &LogVerifier) -> String {
    let text = verifier.to_string();
    let mut parts = text.splitn(3, '+');
    match (parts.next(), parts.next()) {
        (Some(name), Some(id)) => format!("{name}+{id}"),
        _ => text,
    }
}

/// How many distinct keys among `witnesses` made a valid `cosignature/v1` line in `note`, not
/// dated beyond the allowed clock skew after `now`. A key counts once whatever names it is
/// trusted under: a `cosignature/v1` signature does not cover the witness's name, so anyone
/// could copy a line under another name of the same key.
pub fn count_cosignatures(witnesses: &[CosignerVerifier], note: &[u8], now: u64) -> usize {
    let mut counted: Vec<&pli_audit::VerifyingKey> = Vec::new();
    for witness in witnesses {
        let valid = witness
            .verify(note)
            .is_ok_and(|cosignature| !cosignature.is_from_the_future(now));
        if valid && !counted.contains(&witness.verifying_key()) {
            counted.push(witness.verifying_key());
        }
    }
    counted.len()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The log this profile trusts: its pinned key, and the latest checkpoint it verified.
#[derive(Debug)]
pub struct KeyLog {
    verifier: LogVerifier,
    /// Witnesses trusted, and how many of them must have cosigned a checkpoint.
    witnesses: Vec<CosignerVerifier>,
    witnesses_required: usize,
    kept: Mutex<Option<SignedCheckpoint>>,
    /// The checkpoint this command verified, once fetched.
    current: Mutex<Option<SignedCheckpoint>>,
}

impl KeyLog {
    /// A log trusted under `verifier`, with the checkpoint kept earlier, if any (opened with
    /// the key: a kept checkpoint that does not open is an error, not forgotten).
    pub fn new(verifier: LogVerifier, kept: Option<&str>) -> Result<KeyLog, TransparencyError> {
        let kept = kept
            .map(|note| SignedCheckpoint::open(note.as_bytes(), &verifier))
            .transpose()
            .map_err(|error| {
                TransparencyError::Log(format!("the kept checkpoint does not open: {error}"))
            })?;
        Ok(KeyLog {
            verifier,
            witnesses: Vec::new(),
            witnesses_required: 0,
            kept: Mutex::new(kept),
            current: Mutex::new(None),
        })
    }

    /// Proves keys only against checkpoints cosigned (`cosignature/v1`) by at least `required`
    /// of `witnesses` (verifier keys); fails on a key that does not parse, or `required` above
    /// their number.
    pub fn require_witnesses(
        mut self,
        witnesses: &[String],
        required: u32,
    ) -> Result<KeyLog, TransparencyError> {
        let witnesses = witnesses
            .iter()
            .map(|text| {
                let witness = CosignerVerifier::parse(text.trim()).map_err(|error| {
                    TransparencyError::Log(format!("a trusted witness key: {error}"))
                })?;
                if !witness.is_listable() {
                    return Err(TransparencyError::Log(
                        "a trusted witness key is too long or has a comma in its name: no server can be asked for it"
                            .into(),
                    ));
                }
                Ok(witness)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let required = usize::try_from(required).unwrap_or(usize::MAX);
        if required > witnesses.len() {
            return Err(TransparencyError::Log(format!(
                "{required} witnesses required but only {} trusted; trust more with pli audit witnesses trust",
                witnesses.len()
            )));
        }
        self.witnesses = witnesses;
        self.witnesses_required = required;
        Ok(self)
    }

    /// Parses a pinned verifier key.
    pub fn parse_key(text: &str) -> Result<LogVerifier, TransparencyError> {
        LogVerifier::parse(text.trim())
            .map_err(|error| TransparencyError::Log(format!("the pinned log key: {error}")))
    }

    /// The pinned key.
    pub fn verifier(&self) -> &LogVerifier {
        &self.verifier
    }

    /// The latest checkpoint verified (to keep in the profile).
    pub fn latest(&self) -> Option<String> {
        let current = self.current.lock().ok().and_then(|c| c.clone());
        let kept = self.kept.lock().ok().and_then(|k| k.clone());
        let size = |checkpoint: &SignedCheckpoint| checkpoint.checkpoint().size();
        match (current, kept) {
            (Some(current), Some(kept)) if size(&kept) > size(&current) => Some(kept),
            (current, kept) => current.or(kept),
        }
        .map(|checkpoint| checkpoint.as_str().to_owned())
    }

    /// The checkpoint to prove keys against: fetched once per command, opened with the pinned
    /// key, and proven consistent with the one kept earlier.
    async fn checkpoint(&self, api: &Api) -> Result<SignedCheckpoint, TransparencyError> {
        if let Some(current) = self.current.lock().ok().and_then(|c| c.clone()) {
            return Ok(current);
        }
        let fresh = if self.witnesses_required > 0 {
            self.witnessed_checkpoint(api).await?
        } else {
            let note = api.audit_log_checkpoint().await?;
            SignedCheckpoint::open(note.as_bytes(), &self.verifier).map_err(|error| {
                TransparencyError::Log(format!(
                    "its checkpoint is not signed by the pinned key {}: {error}",
                    fingerprint(&self.verifier)
                ))
            })?
        };
        let kept = self.kept.lock().ok().and_then(|k| k.clone());
        if let Some(kept) = kept {
            let (old, new) = (kept.checkpoint(), fresh.checkpoint());
            // The latest witnessed checkpoint may be older than one verified without witnesses:
            // then the kept one must extend it.
            let (smaller, larger) = if new.size() < old.size() {
                if self.witnesses_required == 0 {
                    return Err(TransparencyError::Log(format!(
                        "it shrank from {} to {} entries",
                        old.size(),
                        new.size()
                    )));
                }
                (new, old)
            } else {
                (old, new)
            };
            check_extends(api, smaller, larger).await?.map_err(|error| {
                TransparencyError::Log(format!(
                    "its checkpoint of {} entries is not an extension of the one of {} this profile verified: {error}",
                    larger.size(),
                    smaller.size()
                ))
            })?;
        }
        if let Ok(mut current) = self.current.lock() {
            *current = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// The checkpoint keys are proven against when witnesses are required: each trusted
    /// witness's latest cosigned checkpoint is fetched (its line checked here), and the one at
    /// which enough of them vouch is used, the `required`-th largest, once proven a prefix of
    /// each larger one. A `cosignature/v1` line says a checkpoint was the largest its witness
    /// had seen, and that witness checked it extends everything it saw before; so each of them
    /// vouches for a history holding the checkpoint used, as if all had cosigned it. Witnesses
    /// that run at different moments thus need not meet on the same checkpoint. Checkpoints
    /// that are not prefixes of one another are proof of a split view: an error.
    async fn witnessed_checkpoint(&self, api: &Api) -> Result<SignedCheckpoint, TransparencyError> {
        let now = unix_now();
        let mut vouched: Vec<SignedCheckpoint> = Vec::new();
        let mut counted: Vec<&pli_audit::VerifyingKey> = Vec::new();
        for witness in &self.witnesses {
            // One key under two names is one witness.
            if counted.contains(&witness.verifying_key()) {
                continue;
            }
            // Asked for this witness alone: others' cosignatures must not hide its latest.
            let note = match api
                .audit_log_cosigned_checkpoint(&[witness.to_string()], 1)
                .await
            {
                Ok(note) => note,
                Err(error) if error.is_not_found() => continue,
                Err(error) => return Err(error.into()),
            };
            let opened =
                SignedCheckpoint::open(note.as_bytes(), &self.verifier).map_err(|error| {
                    TransparencyError::Log(format!(
                        "a witnessed checkpoint is not signed by the pinned key {}: {error}",
                        fingerprint(&self.verifier)
                    ))
                })?;
            if count_cosignatures(std::slice::from_ref(witness), note.as_bytes(), now) == 1 {
                counted.push(witness.verifying_key());
                vouched.push(opened);
            }
        }
        if vouched.len() < self.witnesses_required {
            return Err(TransparencyError::Log(format!(
                "its latest witnessed checkpoint is cosigned by {} of the witnesses this profile trusts, {} required",
                vouched.len(),
                self.witnesses_required
            )));
        }
        vouched.sort_by_key(|signed| std::cmp::Reverse(signed.checkpoint().size()));
        let chosen = vouched[self.witnesses_required - 1].clone();
        for larger in &vouched[..self.witnesses_required - 1] {
            let (small, large) = (chosen.checkpoint(), larger.checkpoint());
            if small.size() == large.size() {
                if small.root() != large.root() {
                    return Err(TransparencyError::Log(format!(
                        "its witnesses cosigned two different trees of {} entries",
                        small.size()
                    )));
                }
                continue;
            }
            check_extends(api, small, large).await?.map_err(|error| {
                    TransparencyError::Log(format!(
                        "its witnesses cosigned checkpoints of {} and {} entries that are not one history: {error}",
                        small.size(),
                        large.size()
                    ))
                })?;
        }
        Ok(chosen)
    }

    /// Checks that the log publishes exactly `key` for account `address`.
    pub async fn check_account(
        &self,
        api: &Api,
        address: &str,
        key: &AccountKey,
    ) -> Result<(), TransparencyError> {
        let unproven = |reason: &str| TransparencyError::Unproven {
            address: sanitize(address),
            reason: reason.to_owned(),
        };
        let index = key
            .log_index
            .ok_or_else(|| unproven("the directory names no log entry for it"))?;
        let record = self.prove(api, index, Proven::Key, &unproven).await?;
        let Record::Key(published) = record else {
            return Err(unproven("the entry is not a published key"));
        };
        let signing_key: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&key.public_keys.signing_key)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| unproven("the directory's signing key is malformed"))?;
        let matches = published.owner
            == KeyOwner::Account {
                email: key.email.to_lowercase(),
            }
            && published.age_recipient == key.public_keys.age_recipient
            && published.signing_key == Some(signing_key);
        if !matches {
            return Err(unproven(
                "the logged key differs from the one the directory gave",
            ));
        }
        Ok(())
    }

    /// Checks that the log publishes exactly `key` as generation `key.key.generation` of
    /// mailbox `address`.
    pub async fn check_mailbox(
        &self,
        api: &Api,
        address: &str,
        key: &CurrentMailboxKey,
    ) -> Result<(), TransparencyError> {
        let unproven = |reason: &str| TransparencyError::Unproven {
            address: sanitize(address),
            reason: reason.to_owned(),
        };
        let index = key
            .log_index
            .ok_or_else(|| unproven("the directory names no log entry for its key"))?;
        let record = self.prove(api, index, Proven::Key, &unproven).await?;
        let Record::Key(published) = record else {
            return Err(unproven("the entry is not a published key"));
        };
        let matches = published.owner
            == KeyOwner::Mailbox {
                name: address.to_lowercase(),
                generation: key.key.generation,
            }
            && published.age_recipient == key.key.recipient
            && published.signing_key.is_none();
        if !matches {
            return Err(unproven(
                "the logged key differs from the one the directory gave",
            ));
        }
        Ok(())
    }

    /// Fetches entry `index` with its inclusion proof against the verified checkpoint, checks
    /// the proof, and decodes the entry.
    /// The receipt logged at `index` for envelope `envelope_id`, proven included in the
    /// checkpoint keys are proven against. `Unproven` (naming `signer`) when it is not.
    pub async fn check_receipt(
        &self,
        api: &Api,
        envelope_id: &str,
        index: u64,
        signer: &str,
    ) -> Result<pli_audit::Receipt, TransparencyError> {
        let unproven = |reason: &str| TransparencyError::Unproven {
            address: sanitize(signer),
            reason: reason.to_owned(),
        };
        match self
            .prove(api, index, Proven::Receipt(envelope_id), &unproven)
            .await?
        {
            Record::Receipt(receipt) => Ok(receipt),
            _ => Err(unproven("the entry is not a receipt")),
        }
    }

    /// Checks that the log publishes exactly this version of the organisation's policy: its
    /// organisation, version, text, signer, the signer's key and signature. `Unproven` (naming
    /// the signer) when it does not, or when the server names no entry.
    pub async fn check_policy(
        &self,
        api: &Api,
        policy: &LoggedPolicy<'_>,
    ) -> Result<(), TransparencyError> {
        let unproven = |reason: &str| TransparencyError::Unproven {
            address: sanitize(policy.signer),
            reason: reason.to_owned(),
        };
        let index = policy
            .log_index
            .ok_or_else(|| unproven("the server names no log entry for this version"))?;
        let Record::Policy(published) = self.prove(api, index, Proven::Policy, &unproven).await?
        else {
            return Err(unproven("the entry is not a published policy"));
        };
        let text_hash: [u8; 32] = Sha256::digest(policy.text.as_bytes()).into();
        let matches = published.org.eq_ignore_ascii_case(policy.org)
            && published.version == policy.version
            && published.text_hash == text_hash
            && published.signer.eq_ignore_ascii_case(policy.signer)
            && published.signing_key == *policy.signing_key
            && published.signature == *policy.signature;
        if !matches {
            return Err(unproven(
                "the logged version differs from the one the server gave",
            ));
        }
        Ok(())
    }

    /// Checks that the log states `signer` is an admin of `org`, at `log_index` (the entry the
    /// server names for the signer's role). `Unproven` (naming the signer) when it does not,
    /// or when the server names no entry.
    pub async fn check_admin(
        &self,
        api: &Api,
        org: &str,
        signer: &str,
        log_index: Option<u64>,
    ) -> Result<(), TransparencyError> {
        let unproven = |reason: &str| TransparencyError::Unproven {
            address: sanitize(signer),
            reason: reason.to_owned(),
        };
        let index =
            log_index.ok_or_else(|| unproven("the server names no log entry for its role"))?;
        let Record::Role(logged) = self.prove(api, index, Proven::Role, &unproven).await? else {
            return Err(unproven("the entry is not an account's role"));
        };
        if !(logged.org.eq_ignore_ascii_case(org) && logged.email.eq_ignore_ascii_case(signer)) {
            return Err(unproven("the logged role is another account's"));
        }
        if logged.role != AccountRole::Admin {
            return Err(unproven(&format!(
                "the log states it is {}, not an admin",
                logged.role.as_str()
            )));
        }
        Ok(())
    }

    /// Entry `index` proven included in the checkpoint, through the endpoint that serves its
    /// kind (a receipt only to those who may read the envelope's receipts, a policy only to
    /// its organisation).
    async fn prove(
        &self,
        api: &Api,
        index: u64,
        kind: Proven<'_>,
        unproven: &dyn Fn(&str) -> TransparencyError,
    ) -> Result<Record, TransparencyError> {
        let checkpoint = self.checkpoint(api).await?;
        let size = checkpoint.checkpoint().size();
        if index >= size {
            return Err(unproven("its log entry is beyond the signed checkpoint"));
        }
        let served = match kind {
            Proven::Key => api.key_proof(index, size).await,
            Proven::Receipt(envelope_id) => api.receipt_proof(envelope_id, index, size).await,
            Proven::Policy | Proven::Role => api.policy_proof(index, size).await,
        };
        let proof = match served {
            Ok(proof) => proof,
            Err(error) if error.is_not_found() => {
                return Err(unproven(match kind {
                    Proven::Key => "the log holds no published key at its index",
                    Proven::Receipt(_) => "the log holds no receipt of this envelope at its index",
                    Proven::Policy => "the log holds no policy of the organisation at its index",
                    Proven::Role => {
                        "the log holds no role of the organisation's accounts at its index"
                    }
                }));
            }
            Err(error) => return Err(error.into()),
        };
        if proof.index != index || proof.size != size {
            return Err(unproven("the server proved another entry"));
        }
        let entry = STANDARD
            .decode(&proof.entry)
            .map_err(|_| unproven("the entry is not base64"))?;
        let hashes = decode_hashes(&proof.hashes).map_err(|reason| unproven(&reason))?;
        verify_inclusion(
            &leaf_hash(&entry),
            index,
            size,
            checkpoint.checkpoint().root(),
            &hashes,
        )
        .map_err(|_| {
            unproven("its inclusion proof does not verify against the signed checkpoint")
        })?;
        let (header, record) =
            Record::decode(&entry).map_err(|_| unproven("its log entry does not parse"))?;
        if header.index != index {
            return Err(unproven("its log entry names another index"));
        }
        Ok(record)
    }
}

/// Which kind of entry a proof is asked for.
#[derive(Clone, Copy)]
enum Proven<'a> {
    Key,
    Receipt(&'a str),
    Policy,
    /// An account's role, served by the policy endpoint to its organisation.
    Role,
}

/// A version of a sending policy as the server gave it, for [`KeyLog::check_policy`].
pub struct LoggedPolicy<'a> {
    pub org: &'a str,
    pub version: u64,
    pub text: &'a str,
    pub signer: &'a str,
    pub signing_key: &'a [u8; 32],
    pub signature: &'a [u8; 64],
    pub log_index: Option<u64>,
}

/// Proof hashes as served (base64), decoded.
/// Fetches the proof that checkpoint `larger` extends `smaller` and checks it. The outer error
/// is the request's, or a malformed proof's; the inner one says the two are not one history,
/// for the caller to word.
pub(crate) async fn check_extends(
    api: &Api,
    smaller: &pli_audit::Checkpoint,
    larger: &pli_audit::Checkpoint,
) -> Result<Result<(), pli_audit::MerkleError>, TransparencyError> {
    let proof = api.key_consistency(smaller.size(), larger.size()).await?;
    let hashes = decode_hashes(&proof.hashes).map_err(TransparencyError::Log)?;
    Ok(verify_consistency(
        smaller.size(),
        smaller.root(),
        larger.size(),
        larger.root(),
        &hashes,
    ))
}

pub(crate) fn decode_hashes(hashes: &[String]) -> Result<Vec<Hash>, String> {
    hashes
        .iter()
        .map(|text| Hash::from_base64(text).ok_or_else(|| "a proof hash is malformed".to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use pli_audit::{Checkpoint, CosignerKey, CosignerVerifier, LogKey, SigningKey, leaf_hash};

    use super::count_cosignatures;

    const NOW: u64 = 1_800_000_000;

    fn checkpoint() -> pli_audit::SignedCheckpoint {
        let key = LogKey::new("pli.example.org/audit", SigningKey::from_bytes(&[1; 32])).unwrap();
        key.sign(&Checkpoint::new("pli.example.org/audit", 5, leaf_hash(b"5")).unwrap())
            .unwrap()
    }

    fn cosigner(name: &str, seed: u8) -> CosignerKey {
        CosignerKey::new(name, SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    #[test]
    fn only_valid_present_cosignatures_of_distinct_trusted_keys_count() {
        let (a, b, untrusted) = (cosigner("a", 2), cosigner("b", 3), cosigner("c", 4));
        let note = a.cosign(&checkpoint(), NOW).unwrap();
        let note = b.cosign(&note, NOW - 3600).unwrap();
        let note = untrusted.cosign(&note, NOW).unwrap();
        let bytes = note.as_str().as_bytes();
        let trusted = [a.verifier(), b.verifier()];
        assert_eq!(count_cosignatures(&trusted, bytes, NOW), 2);
        assert_eq!(count_cosignatures(&trusted[..1], bytes, NOW), 1);
        assert_eq!(count_cosignatures(&[untrusted.verifier()], bytes, NOW), 1);
        assert_eq!(count_cosignatures(&[], bytes, NOW), 0);

        // One key trusted under two names counts once, even with a line under each name.
        let alias = cosigner("a-again", 2);
        let aliased = alias.cosign(&note, NOW).unwrap();
        let both = [a.verifier(), alias.verifier()];
        assert_eq!(
            count_cosignatures(&both, aliased.as_str().as_bytes(), NOW),
            1
        );

        // Dated beyond the clock skew: not counted.
        let future = a
            .cosign(
                &checkpoint(),
                NOW + pli_audit::MAX_COSIGNATURE_CLOCK_SKEW + 1,
            )
            .unwrap();
        assert_eq!(
            count_cosignatures(&trusted, future.as_str().as_bytes(), NOW),
            0
        );

        // A plain note signature by a trusted key (the form before cosignature/v1): not counted.
        let plain_key = LogKey::new("a", SigningKey::from_bytes(&[2; 32])).unwrap();
        let plain = checkpoint().cosign(&plain_key).unwrap();
        let as_trusted = CosignerVerifier::parse(&plain_key.verifier().to_string()).unwrap();
        assert_eq!(as_trusted, a.verifier());
        assert_eq!(
            count_cosignatures(&[as_trusted], plain.as_str().as_bytes(), NOW),
            0
        );
    }
}
