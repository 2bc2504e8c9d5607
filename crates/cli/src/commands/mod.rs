//! One module per group of commands; this one holds what they share: the profile directory,
//! the password, and getting a usable session.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use pli_client::account::{self, AccountError};
use pli_client::{AccountKeys, Api, Profile, ProfileError};
use secrecy::SecretString;

use crate::args::{Cli, Command, UserMailboxCommand as MailboxCommand};

mod admin;
pub mod audit;
mod auth;
mod envelopes;
mod key;
mod mailbox;
pub mod ops;
mod policy;
mod request;
pub mod scan;
mod security;
mod serve;
pub mod witness;

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Admin(command) => admin::run(command).await,
        Command::Join(args) => auth::join(args).await,
        Command::Login(args) => auth::login(args).await,
        Command::Logout => auth::logout().await,
        Command::Whoami(args) => auth::whoami(args).await,
        Command::Send(args) => envelopes::send(args).await,
        Command::Inbox(args) => envelopes::inbox(args).await,
        Command::Outbox(args) => envelopes::outbox(args).await,
        Command::Get(args) => envelopes::get(args).await,
        Command::Delete(args) => envelopes::delete(args).await,
        Command::Request(args) => request::run(args).await,
        Command::Key(command) => key::run(command).await,
        Command::Scan(args) => scan::run(&args),
        Command::Extract(_) => anyhow::bail!("internal error: `__extract` runs before the runtime"),
        Command::Mailbox(MailboxCommand::Sync(args)) => mailbox::sync(args).await,
        Command::Audit(command) => audit::run(command).await,
        Command::TwoFactor(command) => security::two_factor(command).await,
        Command::Backup(args) => ops::backup(args).await,
        Command::Restore(args) => ops::restore(args).await,
        Command::Migrate(args) => ops::migrate(args).await,
    }
}

/// The profile directory: `$PLI_HOME`, else `~/.config/pli`.
pub fn profile_dir() -> Result<PathBuf> {
    pli_client::profile::default_dir()
        .ok_or_else(|| anyhow!("cannot find the profile directory: set PLI_HOME or HOME"))
}

/// Stdout was closed by its reader (`pli inbox | head`); `main` exits quietly on it.
#[derive(Debug, thiserror::Error)]
#[error("stdout is closed")]
pub struct StdoutClosed;

/// Writes one line on stdout.
pub fn print_line(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(error) => Err(anyhow::Error::new(error).context("writing to stdout")),
    }
}

/// The password from `$PLI_PASSWORD`, if set.
pub fn password_from_env() -> Option<SecretString> {
    std::env::var("PLI_PASSWORD").ok().map(SecretString::from)
}

/// The password from `$PLI_PASSWORD`, else asked on the terminal.
pub fn password(prompt: &str) -> Result<SecretString> {
    if let Some(password) = password_from_env() {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        bail!("a password is needed: set PLI_PASSWORD, or run the command in a terminal");
    }
    let text = rpassword::prompt_password(prompt).context("reading the password")?;
    Ok(SecretString::from(text))
}

/// The hint shown when a command needs a session and there is none.
pub fn login_hint(profile: Option<&Profile>) -> String {
    match profile {
        Some(profile) => format!(
            "run `pli login {} --email {}`",
            profile.server, profile.email
        ),
        None => {
            "run `pli login SERVER_URL --email EMAIL` (or `pli join` with an invitation)".to_owned()
        }
    }
}

/// Loads the profile, saying how to create one if there is none.
pub fn load_profile(dir: &Path) -> Result<Profile> {
    match Profile::load(dir) {
        Ok(profile) => Ok(profile),
        Err(ProfileError::Missing(_)) => Err(anyhow!("not logged in: {}", login_hint(None))),
        Err(error) => Err(error).context("reading the profile"),
    }
}

/// A profile with a live session, and the account's keys when the command needs them.
pub struct LoggedIn {
    pub profile: Profile,
    pub api: Api,
    pub keys: Option<AccountKeys>,
}

impl LoggedIn {
    /// The unlocked keys; present whenever the session was opened with `needs_keys`.
    pub fn keys(&self) -> Result<&AccountKeys> {
        self.keys
            .as_ref()
            .ok_or_else(|| anyhow!("internal error: the keys were not unlocked"))
    }
}

/// Opens the profile's session. If it expired, logs in again when the password is at hand
/// (`$PLI_PASSWORD`, or the command needs the keys and asks it anyway); otherwise says to log in.
pub async fn logged_in(needs_keys: bool) -> Result<LoggedIn> {
    let dir = profile_dir()?;
    let profile = load_profile(&dir)?;
    let live = profile
        .session
        .as_ref()
        .is_some_and(|session| !session.is_expired(account::now_unix()));
    if !live {
        let password = if needs_keys {
            Some(password(&prompt_for(&profile))?)
        } else {
            password_from_env()
        };
        let Some(password) = password else {
            let state = if profile.session.is_some() {
                "the session expired"
            } else {
                "not logged in"
            };
            bail!("{state}: {}", login_hint(Some(&profile)));
        };
        let (mut fresh, keys) =
            login_with_second_factor(&profile.server, &profile.email, &password, None)
                .await
                .context("logging in again, the session having expired")?;
        account::keep_pins(&mut fresh, &profile)
            .map_err(account_error)
            .context("logging in again, the session having expired")?;
        let profile = fresh;
        profile.save(&dir).context("saving the profile")?;
        let api = account::api_for(&profile)?;
        return Ok(LoggedIn {
            profile,
            api,
            keys: needs_keys.then_some(keys),
        });
    }
    let keys = if needs_keys {
        let password = password(&prompt_for(&profile))?;
        Some(
            account::unlock(&profile, &password)
                .await
                .map_err(account_error)
                .context("unlocking the account's keys")?,
        )
    } else {
        None
    };
    let api = account::api_for(&profile)?;
    Ok(LoggedIn { profile, api, keys })
}

/// The second-factor code from `$PLI_TOTP`, if set.
pub fn totp_from_env() -> Option<SecretString> {
    std::env::var("PLI_TOTP")
        .ok()
        .filter(|code| !code.trim().is_empty())
        .map(SecretString::from)
}

/// A second-factor code: `given`, else `$PLI_TOTP`, else asked on the terminal.
pub fn totp_code(given: Option<String>, email: &str) -> Result<SecretString> {
    if let Some(code) = given {
        return Ok(SecretString::from(code));
    }
    if let Some(code) = totp_from_env() {
        return Ok(code);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "a second-factor code is needed for {email}: pass it with --totp CODE or PLI_TOTP, or run the command in a terminal"
        );
    }
    let mut stderr = std::io::stderr();
    write!(
        stderr,
        "Authenticator code (or recovery code) for {email}: "
    )
    .and_then(|()| stderr.flush())
    .context("writing the prompt")?;
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the code")?;
    Ok(SecretString::from(line.trim().to_owned()))
}

/// Logs in, with `second_factor` if given (or `$PLI_TOTP`); when the account turns out to
/// have a second factor and none was given, asks for it and logs in again.
pub async fn login_with_second_factor(
    server: &str,
    email: &str,
    password: &SecretString,
    second_factor: Option<String>,
) -> Result<(Profile, AccountKeys)> {
    let given = second_factor.map(SecretString::from).or_else(totp_from_env);
    match account::login_with(server, email, password, given.as_ref()).await {
        Ok(logged_in) => Ok(logged_in),
        Err(AccountError::SecondFactorNeeded) if given.is_none() => {
            let code = totp_code(None, email)?;
            account::login_with(server, email, password, Some(&code))
                .await
                .map_err(account_error)
        }
        Err(error) => Err(account_error(error)),
    }
}

/// Adds the next step to errors a person can act on.
pub fn account_error(error: AccountError) -> anyhow::Error {
    match error {
        AccountError::Api(api) => api_error(api, None),
        other => anyhow::Error::new(other),
    }
}

/// Turns an API error into one saying what to do when the session is the problem.
pub fn api_error(error: pli_client::ApiError, profile: Option<&Profile>) -> anyhow::Error {
    if error.is_unauthorized() {
        let hint = login_hint(profile);
        anyhow::Error::new(error).context(format!("the session is not valid: {hint}"))
    } else {
        anyhow::Error::new(error)
    }
}

fn prompt_for(profile: &Profile) -> String {
    format!("Password for {}: ", profile.email)
}
