//! `pli audit witness`: checks and cosigns a server's audit log checkpoints; `pli audit
//! witnesses`: which witnesses this profile trusts, and how many must have cosigned a
//! checkpoint before `pli send` proves keys against it (`docs/AUDIT.md`, section 10).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use pli_audit::{CosignerKey, CosignerVerifier, SigningKey};
use pli_client::Profile;
use pli_client::witness::{WitnessState, witness};

use super::{api_error, print_line, profile_dir};
use crate::format::clean;

/// `pli audit witness`.
#[derive(Debug, Args)]
pub struct WitnessArgs {
    /// The server whose log to witness (the profile's session on it is used).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The witness's secret key (32 bytes, made on first use, mode 0600).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The witness's name in signature lines (default: `witness/<your email>`).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Where the last checkpoint seen is kept (default: next to the key, per server).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Keep witnessing, every SECONDS, instead of once.
    #[arg(long, value_name = "SECONDS")]
    pub every: Option<u64>,
}

/// `pli audit witnesses`.
#[derive(Debug, Args)]
pub struct WitnessesArgs {
    #[command(subcommand)]
    pub action: Option<WitnessesAction>,
    /// Print JSON (stable, documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum WitnessesAction {
    /// Trust a witness's key (`NAME+ID+KEY`, as `pli audit witness` prints it: a C2SP
    /// `cosignature/v1` verifier key).
    Trust { key: String },
    /// Stop trusting a witness (by key or name).
    Forget { key: String },
    /// Prove recipients' keys only against checkpoints cosigned by at least N trusted
    /// witnesses (0: no witness needed).
    Require { n: u32 },
}

pub async fn witness_command(args: WitnessArgs) -> Result<()> {
    let session = super::logged_in(false).await?;
    if let Some(server) = &args.server
        && server.trim_end_matches('/') != session.profile.server
    {
        bail!(
            "the profile is logged in to {}, not {}: log in to {} first (pli login --server {} EMAIL)",
            clean(&session.profile.server),
            clean(server),
            clean(server),
            clean(server)
        );
    }
    let dir = profile_dir()?.join("witness");
    let key_path = args.key.unwrap_or_else(|| dir.join("witness.key"));
    if let Some(parent) = key_path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let seed = pli_server::state::load_or_create_secret(&key_path)
        .with_context(|| format!("reading the witness key {}", key_path.display()))?;
    let name = args
        .name
        .unwrap_or_else(|| format!("witness/{}", session.profile.email));
    let key = CosignerKey::new(&name, SigningKey::from_bytes(&seed))
        .with_context(|| format!("the witness name {:?}", clean(&name)))?;
    let state_path = args.state.unwrap_or_else(|| {
        let host: String = session
            .profile
            .server
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        dir.join(format!("{host}.json"))
    });
    let mut announced = false;
    loop {
        let mut state: WitnessState = match std::fs::read(&state_path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("reading {}", state_path.display()))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => WitnessState::default(),
            Err(error) => return Err(error).context(format!("reading {}", state_path.display())),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_secs();
        let witnessed = witness(&session.api, &key, now, &mut state)
            .await
            .map_err(|error| match error {
                pli_client::TransparencyError::Api(api) => api_error(api, Some(&session.profile)),
                other => anyhow::Error::new(other),
            })
            .context("NOT cosigned: the server's audit log failed the witness's checks")?;
        write_state(&state_path, &state)?;
        if !announced {
            eprintln!(
                "witness key: {} (give it to those who should trust this witness: pli audit witnesses trust KEY)",
                key.verifier()
            );
            announced = true;
        }
        match witnessed.previous {
            Some(previous) => print_line(&format!(
                "cosigned the checkpoint of {} entries (consistent with the one of {previous} seen before)",
                witnessed.size
            ))?,
            None => print_line(&format!(
                "cosigned the checkpoint of {} entries (first seen)",
                witnessed.size
            ))?,
        }
        match args.every {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds.max(1))).await,
            None => return Ok(()),
        }
    }
}

fn write_state(path: &std::path::Path, state: &WitnessState) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, serde_json::to_vec_pretty(state)?)
        .with_context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("writing {}", path.display()))
}

pub fn witnesses_command(args: WitnessesArgs) -> Result<()> {
    let dir = profile_dir()?;
    let mut profile = super::load_profile(&dir)?;
    match args.action {
        None => {}
        Some(WitnessesAction::Trust { key }) => {
            let verifier = CosignerVerifier::parse(key.trim())
                .context("not a witness key: give NAME+ID+KEY as pli audit witness prints it")?;
            if !verifier.is_listable() {
                anyhow::bail!(
                    "this witness key is over {} characters or has a comma in its name: servers cannot be asked for it",
                    pli_audit::MAX_WITNESS_KEY_CHARS
                );
            }
            // A cosignature/v1 line does not cover the witness's name: one key under two names
            // would let one witness count twice.
            if let Some(same_key) = profile.witnesses.iter().find(|trusted| {
                CosignerVerifier::parse(trusted).is_ok_and(|trusted| {
                    trusted.verifying_key() == verifier.verifying_key()
                        && trusted.name() != verifier.name()
                })
            }) {
                bail!(
                    "this key is already trusted under another name: {}",
                    clean(same_key)
                );
            }
            let already = profile
                .witnesses
                .iter()
                .any(|trusted| CosignerVerifier::parse(trusted).is_ok_and(|t| t == verifier));
            if !already {
                profile.witnesses.push(verifier.to_string());
            }
            profile.save(&dir).context("saving the profile")?;
        }
        Some(WitnessesAction::Forget { key }) => {
            let before = profile.witnesses.len();
            // By name, or by key in either form `trust` accepts.
            let given = CosignerVerifier::parse(key.trim()).ok();
            profile.witnesses.retain(|trusted| {
                trusted != key.trim()
                    && CosignerVerifier::parse(trusted).map_or(true, |v| {
                        v.name() != key.trim() && Some(&v) != given.as_ref()
                    })
            });
            if profile.witnesses.len() == before {
                bail!("no trusted witness is {:?}", clean(&key));
            }
            let trusted = u32::try_from(profile.witnesses.len()).unwrap_or(u32::MAX);
            profile.witnesses_required = profile.witnesses_required.min(trusted);
            profile.save(&dir).context("saving the profile")?;
        }
        Some(WitnessesAction::Require { n }) => {
            if usize::try_from(n).unwrap_or(usize::MAX) > profile.witnesses.len() {
                bail!(
                    "only {} witnesses are trusted: trust more first (pli audit witnesses trust KEY)",
                    profile.witnesses.len()
                );
            }
            profile.witnesses_required = n;
            profile.save(&dir).context("saving the profile")?;
        }
    }
    show(&profile, args.json)
}

fn show(profile: &Profile, json: bool) -> Result<()> {
    if json {
        let value = serde_json::json!({
            "witnesses": profile.witnesses,
            "required": profile.witnesses_required,
        });
        return print_line(&serde_json::to_string_pretty(&value)?);
    }
    for witness in &profile.witnesses {
        print_line(&clean(witness))?;
    }
    eprintln!(
        "{} of {} trusted witnesses must cosign a checkpoint before keys are proven against it",
        profile.witnesses_required,
        profile.witnesses.len()
    );
    Ok(())
}
