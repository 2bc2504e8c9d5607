//! `pli admin policy set|show` and the check `pli send` runs before encrypting: scan the files,
//! apply the organisation's signed policy, and put the labels and decision in the manifest.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use pli_client::KeyLog;
use pli_client::policy::{self, PolicyError, TrustedPolicy};
use pli_dlp::{Action, Labels};
use pli_envelope::DlpLabel;
use serde_json::json;

use super::envelopes::{key_log, save_log_state};
use super::{LoggedIn, api_error, logged_in, print_line, profile_dir, scan};
use crate::args::{PolicyCommand, PolicySetArgs};
use crate::format::clean;

/// The highest policy version this profile has seen, so a server cannot roll it back.
const SEEN_FILE: &str = "policy-version";

pub async fn run(command: PolicyCommand) -> Result<()> {
    match command {
        PolicyCommand::Set(args) => set(args).await,
        PolicyCommand::Show(args) => show(args.json).await,
    }
}

async fn set(args: PolicySetArgs) -> Result<()> {
    let text = read_policy(&args.file)?;
    let session = logged_in(true).await?;
    let request = policy::sign(&session.profile.org, &text, session.keys()?)
        .with_context(|| format!("checking {}", clean(&args.file.display().to_string())))?;
    let signed = session
        .api
        .set_sending_policy(&request)
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("publishing the policy")?;
    remember(&session.profile.org, signed.version)?;
    print_line(&format!(
        "policy version {} of {} is in force, signed by {}",
        signed.version,
        clean(&signed.org),
        clean(&signed.signer)
    ))
}

fn read_policy(path: &Path) -> Result<String> {
    let shown = clean(&path.display().to_string());
    let file = std::fs::File::open(path).with_context(|| format!("opening {shown}"))?;
    let mut text = String::new();
    use std::io::Read as _;
    file.take(pli_dlp::MAX_POLICY_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("reading {shown} (a policy is UTF-8 TOML)"))?;
    if text.len() > pli_dlp::MAX_POLICY_BYTES {
        bail!("{shown} is larger than {} bytes", pli_dlp::MAX_POLICY_BYTES);
    }
    Ok(text)
}

async fn show(as_json: bool) -> Result<()> {
    let session = logged_in(false).await?;
    let log = key_log(&session).await?;
    let trusted = fetch(&session, &log).await;
    // A checkpoint that verified is kept whatever the outcome: later ones must extend it.
    save_log_state(&session.profile, &log)?;
    let trusted = trusted?;
    match (trusted, as_json) {
        (None, false) => print_line("no sending policy: files are sent without a check"),
        (None, true) => print_line(&json!({ "policy": null }).to_string()),
        (Some(trusted), false) => {
            let signed = &trusted.signed;
            print_line(&format!(
                "policy version {} of {}, signed by {} on {} (signature verified)",
                signed.version,
                clean(&signed.org),
                clean(&signed.signer),
                clean(&signed.set_at)
            ))?;
            for line in signed.text.lines() {
                print_line(&format!("  {}", clean(line)))?;
            }
            Ok(())
        }
        (Some(trusted), true) => {
            let signed = &trusted.signed;
            print_line(
                &json!({ "policy": {
                    "org": signed.org,
                    "version": signed.version,
                    "signer": signed.signer,
                    "set_at": signed.set_at,
                    "verified": true,
                    "text": signed.text,
                }})
                .to_string(),
            )
        }
    }
}

/// The organisation's policy, verified (its signer's key proven under `log`), not older than
/// what this profile saw.
async fn fetch(session: &LoggedIn, log: &KeyLog) -> Result<Option<TrustedPolicy>> {
    let seen = seen(&session.profile.org)?;
    let trusted = policy::fetch(&session.api, log, &session.profile.org, seen)
        .await
        .map_err(|error| match error {
            PolicyError::Api(api) => api_error(api, Some(&session.profile)),
            other => anyhow::Error::new(other),
        })
        .context("fetching the organisation's sending policy")?;
    if let Some(trusted) = &trusted {
        remember(&session.profile.org, trusted.signed.version)?;
    }
    Ok(trusted)
}

/// Before `pli send` encrypts: scans the files and applies the policy to the recipients.
/// Returns the label for the manifest (`None` without a policy); refuses with the reasons when
/// the policy blocks, or asks for a justification when it requires one.
pub async fn check_before_send(
    session: &LoggedIn,
    files: &[PathBuf],
    subject: &str,
    to: &[String],
    external: bool,
    justification: Option<&str>,
    log: &KeyLog,
) -> Result<Option<DlpLabel>> {
    let Some(trusted) = fetch(session, log).await? else {
        return Ok(None);
    };
    let own_org = &session.profile.org;
    let mut entries = Vec::new();
    for address in pli_client::send::normalize_addresses(to) {
        match session.api.directory(&address).await {
            Ok(entry) => entries.push(entry),
            // The send reports unknown addresses itself, with its own message.
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(api_error(error, Some(&session.profile))),
        }
    }
    let mut destinations = policy::destinations(&trusted.policy, own_org, &entries);
    if external {
        // A person without an account is outside every organisation and trust zone.
        destinations.insert(pli_dlp::Destination::External);
    }
    let owned = files.to_vec();
    let mut labels: Labels = tokio::task::spawn_blocking(move || scan::labels_of(&owned))
        .await
        .map_err(|error| anyhow!("internal error: {error}"))??;
    // What the recipients see besides the contents: the subject and the files' names (a
    // social-security number in a subject line or a name is as much a leak as in a file).
    labels.add_findings(&pli_dlp::scan_text(&outside_text(files, subject)));
    let decision = trusted.policy.decide(&labels, &destinations);
    let version = trusted.signed.version;
    let reasons: Vec<String> = decision.reasons.iter().map(ToString::to_string).collect();
    let refuse_without_justification = decision.action == Action::Justify
        && justification.is_none()
        && !std::io::stdin().is_terminal();
    if decision.action == Action::Block || refuse_without_justification {
        // The organisation's auditors see the sends its policy stopped, as those it let go.
        // Recorded or not, the send stays refused.
        let refusal = policy::refusal(version, &labels, &decision);
        if let Err(error) = session.api.policy_refused(&refusal).await {
            eprintln!("warning: the refusal could not be recorded in the audit trail: {error}");
        }
    }
    match decision.action {
        Action::Allow => {}
        Action::Warn => eprintln!(
            "warning: the organisation's policy (version {version}) flags these files: {} (`pli scan FILE` shows where)",
            reasons.join("; ")
        ),
        Action::Justify if justification.is_none() && !std::io::stdin().is_terminal() => bail!(
            "a justification is required by the organisation's policy (version {version}: {}): pass --justification TEXT (it travels encrypted with the files)",
            reasons.join("; ")
        ),
        Action::Justify => eprintln!(
            "the organisation's policy (version {version}) requires a justification: {}",
            reasons.join("; ")
        ),
        Action::Block => bail!(
            "blocked by the organisation's policy (version {version}): {}; nothing was sent (`pli scan FILE` shows where)",
            reasons.join("; ")
        ),
    }
    let justification = match (decision.action, justification) {
        (Action::Justify, None) => Some(ask_justification()?),
        (_, given) => given.map(str::to_owned),
    };
    policy::manifest_label(version, &labels, &decision, justification.as_deref())
        .map(Some)
        .ok_or_else(|| {
            anyhow!("a justification is required: pass --justification TEXT (it travels encrypted with the files)")
        })
}

/// The subject and the files' names, one per line, as one text to scan. In names, `_` is read
/// as the separator it usually is (`Dupont_255081416802538.pdf`): as a word character it would
/// hide the number from the detectors.
fn outside_text(files: &[PathBuf], subject: &str) -> String {
    let mut text = String::from(subject);
    for file in files {
        if let Some(name) = file.file_name() {
            text.push('\n');
            text.push_str(&name.to_string_lossy().replace('_', " "));
        }
    }
    text
}

fn ask_justification() -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "a justification is required: pass --justification TEXT (it travels encrypted with the files)"
        );
    }
    eprint!("Justification: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the justification")?;
    Ok(line.trim().to_owned())
}

/// The highest version seen for `org` (the file names its organisation: a profile directory
/// may later hold an account of another one).
fn seen(org: &str) -> Result<Option<u64>> {
    let path = profile_dir()?.join(SEEN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    };
    let damaged = || anyhow!("{} is damaged: delete it", path.display());
    let (seen_org, version) = text.trim_end().split_once(' ').ok_or_else(damaged)?;
    if !seen_org.eq_ignore_ascii_case(&org.replace(' ', "_")) {
        return Ok(None);
    }
    version.parse().map(Some).map_err(|_| damaged())
}

fn remember(org: &str, version: u64) -> Result<()> {
    if seen(org)?.is_some_and(|seen| seen >= version) {
        return Ok(());
    }
    let dir = profile_dir()?;
    let path = dir.join(SEEN_FILE);
    let temp = dir.join(format!("{SEEN_FILE}.tmp"));
    std::fs::write(&temp, format!("{} {version}\n", org.replace(' ', "_")))
        .and_then(|()| std::fs::rename(&temp, &path))
        .with_context(|| format!("writing {}", path.display()))
}
