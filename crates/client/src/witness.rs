//! A witness of a server's audit log (`docs/AUDIT.md`, section 10): it keeps the last
//! checkpoint it saw, checks each new one against it (same log key, never smaller, same root at
//! the same size, and a consistency proof otherwise), and only then cosigns it, in the C2SP
//! `cosignature/v1` form dated by its clock, and hands the cosignature to the server. A server
//! that rewrote its history, or shows different histories to different people, cannot get its
//! new checkpoint cosigned by an honest witness.

use pli_audit::{CosignerKey, LogVerifier, SignedCheckpoint, verify_consistency};
use serde::{Deserialize, Serialize};

use crate::api::Api;
use crate::transparency::TransparencyError;

/// What a witness remembers of one log, between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessState {
    /// The log's verifier key, pinned at the first run.
    pub log_key: Option<String>,
    /// The last checkpoint cosigned (the server's signed note).
    pub checkpoint: Option<String>,
}

/// Most checkpoints other witnesses cosigned that one run cosigns too, newest first.
pub const MAX_OTHERS_COSIGNED: usize = 16;

/// What one run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnessed {
    /// Size of the checkpoint seen last time, if any.
    pub previous: Option<u64>,
    /// Size of the checkpoint cosigned now.
    pub size: u64,
    /// Sizes of the older checkpoints, cosigned by other witnesses since the last run, that
    /// this run checked and cosigned too, newest first.
    pub others: Vec<u64>,
}

/// Checks the server's latest checkpoint against `state`, cosigns it with `key` at `time`
/// (seconds since the Epoch), hands the cosignature in, and advances `state`. On any error
/// nothing is cosigned and `state` is unchanged.
pub async fn witness(
    api: &Api,
    key: &CosignerKey,
    time: u64,
    state: &mut WitnessState,
) -> Result<Witnessed, TransparencyError> {
    let served = crate::transparency::fetch_log_key(api).await?;
    let verifier = match &state.log_key {
        Some(pinned) => {
            let pinned = LogVerifier::parse(pinned.trim())
                .map_err(|error| TransparencyError::Log(format!("the pinned log key: {error}")))?;
            if pinned != served {
                return Err(TransparencyError::Log(format!(
                    "its log key is now {served}, not {pinned} as first seen; a log's key never changes"
                )));
            }
            pinned
        }
        None => served,
    };
    let note = api.audit_log_checkpoint().await?;
    let fresh = SignedCheckpoint::open(note.as_bytes(), &verifier).map_err(|error| {
        TransparencyError::Log(format!("its checkpoint does not open: {error}"))
    })?;
    let new = fresh.checkpoint();
    let previous = match &state.checkpoint {
        None => None,
        Some(kept) => {
            let kept = SignedCheckpoint::open(kept.as_bytes(), &verifier).map_err(|error| {
                TransparencyError::Log(format!("the kept checkpoint does not open: {error}"))
            })?;
            let old = kept.checkpoint();
            if new.size() < old.size() {
                return Err(TransparencyError::Log(format!(
                    "it shrank from {} to {} entries",
                    old.size(),
                    new.size()
                )));
            }
            if new.size() == old.size() {
                if new.root() != old.root() {
                    return Err(TransparencyError::Log(format!(
                        "it shows two different trees of {} entries",
                        new.size()
                    )));
                }
            } else {
                let proof = api.key_consistency(old.size(), new.size()).await?;
                let hashes = crate::transparency::decode_hashes(&proof.hashes)
                    .map_err(TransparencyError::Log)?;
                verify_consistency(old.size(), old.root(), new.size(), new.root(), &hashes)
                    .map_err(|error| {
                        TransparencyError::Log(format!(
                            "its checkpoint of {} entries is not an extension of the one of {} cosigned before: {error}",
                            new.size(),
                            old.size()
                        ))
                    })?;
            }
            Some(old.size())
        }
    };
    // Checked before anything is cosigned: a history shown to other witnesses that differs
    // from this one is a reason to cosign nothing.
    let others = others_to_cosign(api, &verifier, previous, &fresh).await?;
    let cosigned = key
        .cosign(&fresh, time)
        .map_err(|error| TransparencyError::Log(format!("cosigning: {error}")))?;
    api.cosign_checkpoint(&key.verifier().to_string(), cosigned.as_str())
        .await?;
    state.log_key = Some(verifier.to_string());
    state.checkpoint = Some(note);
    let mut cosigned_others = Vec::with_capacity(others.len());
    for other in &others {
        let cosigned = key
            .cosign(other, time)
            .map_err(|error| TransparencyError::Log(format!("cosigning: {error}")))?;
        match api
            .cosign_checkpoint(&key.verifier().to_string(), cosigned.as_str())
            .await
        {
            Ok(()) => cosigned_others.push(other.checkpoint().size()),
            // As many witnesses as it may keep: this one adds nothing there.
            Err(error) if error.status() == Some(409) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Witnessed {
        previous,
        size: new.size(),
        others: cosigned_others,
    })
}

/// The checkpoints other witnesses cosigned since the last run (more than `previous` entries,
/// fewer than `latest`'s), newest first, at most [`MAX_OTHERS_COSIGNED`], each proven a prefix
/// of `latest`, which this run checked: this witness cosigns them too. With a checkpoint per
/// batch, witnesses that run at different moments would otherwise rarely cosign the same one,
/// and a client requiring two of them would find none. Cosigning a prefix of a checkpoint
/// already checked says nothing this witness has not checked. A checkpoint that is not such a
/// prefix is proof that the server shows other witnesses another history: an error.
async fn others_to_cosign(
    api: &Api,
    verifier: &LogVerifier,
    previous: Option<u64>,
    latest: &SignedCheckpoint,
) -> Result<Vec<SignedCheckpoint>, TransparencyError> {
    let latest = latest.checkpoint();
    let mut below = latest.size();
    let mut others = Vec::new();
    while others.len() < MAX_OTHERS_COSIGNED {
        let Some(note) = api.audit_log_cosigned_between(previous, below).await? else {
            break;
        };
        let other = SignedCheckpoint::open(note.as_bytes(), verifier).map_err(|error| {
            TransparencyError::Log(format!(
                "a checkpoint other witnesses cosigned does not open: {error}"
            ))
        })?;
        let size = other.checkpoint().size();
        if previous.is_some_and(|previous| size <= previous) || size >= below {
            return Err(TransparencyError::Log(format!(
                "asked for a cosigned checkpoint of fewer than {below} entries, it served one of {size}"
            )));
        }
        let proof = api.key_consistency(size, latest.size()).await?;
        let hashes =
            crate::transparency::decode_hashes(&proof.hashes).map_err(TransparencyError::Log)?;
        verify_consistency(
            size,
            other.checkpoint().root(),
            latest.size(),
            latest.root(),
            &hashes,
        )
        .map_err(|error| {
            TransparencyError::Log(format!(
                "other witnesses cosigned a checkpoint of {size} entries that is not a prefix of the one of {} checked now: the server shows them another history ({error})",
                latest.size()
            ))
        })?;
        below = size;
        others.push(other);
    }
    Ok(others)
}
