//! A witness of a server's audit log (`docs/AUDIT.md`, section 10): it keeps the last
//! checkpoint it saw, checks each new one against it (same log key, never smaller, same root at
//! the same size, and a consistency proof otherwise), and only then cosigns it, in the C2SP
//! `cosignature/v1` form dated by its clock, and hands the cosignature to the server. A server
//! that rewrote its history, or shows different histories to different people, cannot get its
//! new checkpoint cosigned by an honest witness.

use pli_audit::{CosignerKey, LogVerifier, SignedCheckpoint};
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

/// What one run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witnessed {
    /// Size of the checkpoint seen last time, if any.
    pub previous: Option<u64>,
    /// Size of the checkpoint cosigned now.
    pub size: u64,
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
                crate::transparency::check_extends(api, old, new)
                    .await?
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
    let cosigned = key
        .cosign(&fresh, time)
        .map_err(|error| TransparencyError::Log(format!("cosigning: {error}")))?;
    api.cosign_checkpoint(&key.verifier().to_string(), cosigned.as_str())
        .await?;
    state.log_key = Some(verifier.to_string());
    state.checkpoint = Some(note);
    Ok(Witnessed {
        previous,
        size: new.size(),
    })
}
