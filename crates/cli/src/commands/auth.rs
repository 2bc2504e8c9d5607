//! `pli join`, `pli login`, `pli logout`, `pli whoami`.

use anyhow::{Context as _, Result, bail};
use pli_client::Profile;
use pli_client::account;
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

use super::{account_error, api_error, password, password_from_env, print_line, profile_dir};
use crate::args::{JoinArgs, JsonArgs, LoginArgs};

/// Fewer characters than this make the Argon2id cost the only defence; refused at join.
const MIN_PASSWORD_CHARS: usize = 10;

pub async fn join(args: JoinArgs) -> Result<()> {
    let dir = profile_dir()?;
    let email = account::normalize_email(&args.email);
    let password = new_password(&email)?;
    let code = SecretString::from(args.code);
    let profile = account::join(&args.server, &email, &code, &password)
        .await
        .map_err(account_error)
        .context("joining")?;
    profile.save(&dir).context("saving the profile")?;
    eprintln!(
        "joined {} as {} ({} in {}); profile saved in {}",
        profile.server,
        profile.email,
        profile.role.as_str(),
        profile.org,
        dir.display()
    );
    Ok(())
}

pub async fn login(args: LoginArgs) -> Result<()> {
    let dir = profile_dir()?;
    let email = account::normalize_email(&args.email);
    let password = password(&format!("Password for {email}: "))?;
    let (mut profile, _keys) =
        super::login_with_second_factor(&args.server, &email, &password, args.totp)
            .await
            .context("logging in")?;
    if let Ok(previous) = Profile::load(&dir) {
        account::keep_pins(&mut profile, &previous)
            .map_err(account_error)
            .context("logging in")?;
    }
    profile.save(&dir).context("saving the profile")?;
    eprintln!(
        "logged in to {} as {} ({} in {})",
        profile.server,
        profile.email,
        profile.role.as_str(),
        profile.org
    );
    Ok(())
}

pub async fn logout() -> Result<()> {
    let dir = profile_dir()?;
    let profile = match Profile::load(&dir) {
        Ok(profile) => profile,
        Err(pli_client::ProfileError::Missing(_)) => {
            eprintln!("not logged in");
            return Ok(());
        }
        Err(error) => return Err(error).context("reading the profile"),
    };
    if profile.session.is_some() {
        let api = account::api_for(&profile)?;
        match api.logout().await {
            // An expired or revoked session is as good as ended.
            Ok(()) => {}
            Err(error) if error.is_unauthorized() => {}
            Err(error) => {
                return Err(error)
                    .context("ending the session on the server (the profile is kept; try again)");
            }
        }
    }
    Profile::remove(&dir).context("deleting the profile")?;
    eprintln!("logged out of {} ({})", profile.server, profile.email);
    Ok(())
}

pub async fn whoami(args: JsonArgs) -> Result<()> {
    let logged_in = super::logged_in(false).await?;
    let me = logged_in
        .api
        .me()
        .await
        .map_err(|error| api_error(error, Some(&logged_in.profile)))
        .context("fetching the account")?;
    let expires_at = logged_in
        .profile
        .session
        .as_ref()
        .map(|session| session.expires_at);
    if args.json {
        let value = serde_json::json!({
            "server": logged_in.profile.server,
            "email": me.email,
            "org": me.org,
            "role": me.role.as_str(),
            "mailboxes": me.mailboxes,
            "key_id": me.key_id,
            "age_recipient": me.public_keys.age_recipient,
            "signing_key": me.public_keys.signing_key,
            "session_expires_at": expires_at.map(crate::format::rfc3339),
            "log_key": log_fingerprint(&logged_in.profile),
        });
        print_line(&serde_json::to_string_pretty(&value)?)?;
    } else {
        print_line(&format!(
            "{} ({} in {})",
            me.email,
            me.role.as_str(),
            me.org
        ))?;
        print_line(&format!("server:    {}", logged_in.profile.server))?;
        if !me.mailboxes.is_empty() {
            print_line(&format!("mailboxes: {}", me.mailboxes.join(", ")))?;
        }
        print_line(&format!("key id:    {}", me.key_id))?;
        print_line(&format!("age key:   {}", me.public_keys.age_recipient))?;
        print_line(&format!(
            "log key:   {}",
            log_fingerprint(&logged_in.profile).unwrap_or_else(|| "not pinned yet".into())
        ))?;
    }
    Ok(())
}

/// Name and key id of the audit log key the profile pinned.
fn log_fingerprint(profile: &Profile) -> Option<String> {
    let key = profile.log_key.as_deref()?;
    Some(match pli_client::KeyLog::parse_key(key) {
        Ok(verifier) => pli_client::transparency::fingerprint(&verifier),
        Err(_) => "unreadable".to_owned(),
    })
}

/// A new password: `$PLI_PASSWORD`, or asked twice on the terminal.
fn new_password(email: &str) -> Result<SecretString> {
    let password = match password_from_env() {
        Some(password) => password,
        None => {
            let first = super::password(&format!("New password for {email}: "))?;
            let second = super::password("Repeat the password: ")?;
            let same: bool = first
                .expose_secret()
                .as_bytes()
                .ct_eq(second.expose_secret().as_bytes())
                .into();
            if !same {
                bail!("the two passwords differ: run the command again");
            }
            first
        }
    };
    if password.expose_secret().chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(password)
}
