//! `pli mailbox sync`, and the key repairs other commands make on the way.
//!
//! A repair never blocks the command it rides along with: senders fall back to every member's
//! own key while a mailbox's key is not usable, so a failed repair is reported on stderr and
//! the command goes on.

use anyhow::{Context as _, Result};
use pli_client::mailbox::{self, MailboxError, MailboxSecrets, SyncReport};
use pli_client::{AccountKeys, Api};
use pli_proto::AccountInfo;

use super::{LoggedIn, api_error, logged_in, password, print_line};
use crate::args::MailboxSyncArgs;
use crate::format::clean;

/// `pli mailbox sync [NAME] [--json]`: repairs one mailbox (any the account is a member of, or
/// an admin of its organisation), or every mailbox the account belongs to.
pub async fn sync(args: MailboxSyncArgs) -> Result<()> {
    let session = logged_in(true).await?;
    let keys = session.keys()?;
    let names = match &args.name {
        Some(name) => vec![name.trim().to_lowercase()],
        None => me(&session).await?.mailboxes,
    };
    let mut results = Vec::with_capacity(names.len());
    for name in &names {
        let report = mailbox::sync(&session.api, &session.profile.email, keys, name)
            .await
            .map_err(|error| sync_error(error, &session))
            .with_context(|| format!("repairing the keys of mailbox {}", clean(name)))?;
        results.push((name.clone(), report));
    }
    if args.json {
        let array: Vec<_> = results
            .iter()
            .map(|(name, report)| {
                serde_json::json!({
                    "mailbox": name,
                    "rotated": report.rotated,
                    "copies": report.copies,
                })
            })
            .collect();
        print_line(&serde_json::to_string_pretty(&array)?)?;
    } else if results.is_empty() {
        eprintln!("this account belongs to no mailbox");
    } else {
        for (name, report) in &results {
            eprintln!("{}", describe(name, report));
        }
    }
    Ok(())
}

/// After an admin changed a mailbox's members through a server: repairs its keys if the
/// password is at hand, else says how to.
pub async fn repair_after_change(session: &LoggedIn, name: &str) {
    let keys = match password(&format!("Password for {}: ", session.profile.email)) {
        Ok(password) => pli_client::account::unlock(&session.profile, &password).await,
        Err(_) => {
            eprintln!(
                "note: the keys of mailbox {} were not repaired (no password at hand); run `pli mailbox sync {}`",
                clean(name),
                clean(name)
            );
            return;
        }
    };
    let keys = match keys {
        Ok(keys) => keys,
        Err(error) => {
            warn(name, &anyhow::Error::new(error));
            return;
        }
    };
    match mailbox::sync(&session.api, &session.profile.email, &keys, name).await {
        Ok(report) if report.is_noop() => {}
        Ok(report) => eprintln!("{}", describe(name, &report)),
        Err(error) => warn(name, &anyhow::Error::new(error)),
    }
}

/// Repairs the caller's own mailboxes that need it (before a send).
pub async fn repair_own(api: &Api, me: &AccountInfo, keys: &AccountKeys) {
    let names = match mailbox::needing_repair(api, me).await {
        Ok(names) => names,
        Err(error) => {
            eprintln!(
                "warning: cannot check the mailbox keys: {}",
                chain(&error.into())
            );
            return;
        }
    };
    for name in names {
        match mailbox::sync(api, &me.email, keys, &name).await {
            Ok(report) if report.is_noop() => {}
            Ok(report) => eprintln!("{}", describe(&name, &report)),
            Err(error) => warn(&name, &anyhow::Error::new(error)),
        }
    }
}

/// The generations of the caller's mailboxes it can unwrap, repairing on the way (before a get).
pub async fn open_own(api: &Api, me: &AccountInfo, keys: &AccountKeys) -> MailboxSecrets {
    let (secrets, reports) = mailbox::open_own(api, me, keys, true).await;
    for (name, report) in reports {
        match report {
            Ok(report) if report.is_noop() => {}
            Ok(report) => eprintln!("{}", describe(&name, &report)),
            Err(error) => warn(&name, &anyhow::Error::new(error)),
        }
    }
    secrets
}

/// Before an inbox listing: repairs the caller's mailboxes that need it when the password is in
/// `PLI_PASSWORD` (listing never asks for one), else says which need a repair.
pub async fn check_own(session: &LoggedIn) {
    let Ok(me) = session.api.me().await else {
        return;
    };
    let names = match mailbox::needing_repair(&session.api, &me).await {
        Ok(names) if !names.is_empty() => names,
        _ => return,
    };
    let keys = match super::password_from_env() {
        Some(password) => pli_client::account::unlock(&session.profile, &password)
            .await
            .ok(),
        None => None,
    };
    let Some(keys) = keys else {
        eprintln!(
            "note: the keys of mailbox {} need a repair: run `pli mailbox sync`",
            names
                .iter()
                .map(|name| clean(name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return;
    };
    for name in names {
        match mailbox::sync(&session.api, &me.email, &keys, &name).await {
            Ok(report) if report.is_noop() => {}
            Ok(report) => eprintln!("{}", describe(&name, &report)),
            Err(error) => warn(&name, &anyhow::Error::new(error)),
        }
    }
}

fn describe(name: &str, report: &SyncReport) -> String {
    let name = clean(name);
    match (report.rotated, report.copies) {
        (None, 0) => format!("mailbox {name}: its keys are in order"),
        (Some(generation), 0) => {
            format!("mailbox {name}: made key generation {generation} for every member")
        }
        (None, copies) => format!("mailbox {name}: gave {copies} copies of its keys to members"),
        (Some(generation), copies) => format!(
            "mailbox {name}: made key generation {generation} for every member and gave {copies} copies of older ones"
        ),
    }
}

fn warn(name: &str, error: &anyhow::Error) {
    eprintln!(
        "warning: the keys of mailbox {} were not repaired: {}",
        clean(name),
        chain(error)
    );
}

fn chain(error: &anyhow::Error) -> String {
    clean(&format!("{error:#}"))
}

fn sync_error(error: MailboxError, session: &LoggedIn) -> anyhow::Error {
    match error {
        MailboxError::Api(api) => api_error(api, Some(&session.profile)),
        other => anyhow::Error::new(other),
    }
}

async fn me(session: &LoggedIn) -> Result<AccountInfo> {
    session
        .api
        .me()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("fetching the account")
}
