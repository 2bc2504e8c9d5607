//! `pli admin invite` and `pli admin mailbox create|add|remove`, offline on a data directory
//! (`--data`, for the first admin) or through a server with the profile's admin session.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use pli_client::api::normalize_server_url;
use pli_proto::{CreateMailboxRequest, InviteRequest, Role};

use super::{LoggedIn, api_error, logged_in, mailbox, print_line};
use crate::args::{
    AddMemberArgs, AdminCommand, AdminTarget, InviteArgs, MailboxCommand, MailboxCreateArgs,
    MemberArgs, OrgCommand,
};
use crate::format::clean;

pub async fn run(command: AdminCommand) -> Result<()> {
    match command {
        AdminCommand::Invite(args) => invite(args).await,
        AdminCommand::Mailbox(MailboxCommand::Create(args)) => create_mailbox(args).await,
        AdminCommand::Mailbox(MailboxCommand::Add(args)) => add_member(args).await,
        AdminCommand::Grant(args) => super::security::grant(args).await,
        AdminCommand::Revoke(args) => super::security::revoke(args).await,
        AdminCommand::Alerts(args) => super::security::alerts(args).await,
        AdminCommand::Unblock(args) => super::security::unblock(args).await,
        AdminCommand::Canary(args) => super::security::canary(args).await,
        AdminCommand::Org(OrgCommand::RequireTwoFactor(args)) => {
            super::security::require_two_factor(args).await
        }
        AdminCommand::Mailbox(MailboxCommand::Remove(args)) => remove_member(args).await,
        AdminCommand::Policy(command) => super::policy::run(command).await,
    }
}

/// Where an admin command runs, once `--data` or `--server` is resolved.
enum Target<'a> {
    Offline(&'a Path),
    Online(Box<LoggedIn>),
}

async fn target(args: &AdminTarget) -> Result<Target<'_>> {
    if let Some(dir) = &args.data {
        if !dir.is_dir() {
            bail!(
                "no data directory at {}: start `pli serve --data {}` once, or check the path",
                dir.display(),
                dir.display()
            );
        }
        return Ok(Target::Offline(dir));
    }
    let server = args
        .server
        .as_deref()
        .ok_or_else(|| anyhow!("give --data DIR or --server URL"))?;
    let wanted = normalize_server_url(server)?;
    let session = logged_in(false).await?;
    let current = normalize_server_url(&session.profile.server)?;
    if wanted != current {
        bail!(
            "the profile is logged in to {}, not {}: run `pli login {} --email EMAIL` with an admin account",
            session.profile.server,
            clean(server),
            clean(server)
        );
    }
    Ok(Target::Online(Box::new(session)))
}

async fn invite(args: InviteArgs) -> Result<()> {
    let role = Role::from(args.role);
    let code = match target(&args.target).await? {
        Target::Offline(dir) => {
            pli_server::offline::invite(dir, &args.email, &args.org, role, &args.mailboxes)
                .await
                .context("inviting")?
        }
        Target::Online(session) => {
            let request = InviteRequest {
                email: args.email.trim().to_lowercase(),
                org: args.org.clone(),
                role,
                mailboxes: args.mailboxes.clone(),
            };
            let answer = session
                .api
                .invite(&request)
                .await
                .map_err(|error| api_error(error, Some(&session.profile)))
                .context("inviting")?;
            answer.code
        }
    };
    print_line(&code)?;
    eprintln!(
        "invited {} ({} in {}): give them the code above and `pli join SERVER_URL --email {} --code CODE`",
        clean(&args.email),
        role.as_str(),
        clean(&args.org),
        clean(&args.email)
    );
    Ok(())
}

async fn create_mailbox(args: MailboxCreateArgs) -> Result<()> {
    match target(&args.target).await? {
        Target::Offline(dir) => pli_server::offline::create_mailbox(dir, &args.name, &args.org)
            .await
            .context("creating the mailbox")?,
        Target::Online(session) => {
            let request = CreateMailboxRequest {
                name: args.name.trim().to_lowercase(),
                org: args.org.clone(),
            };
            session
                .api
                .create_mailbox(&request)
                .await
                .map_err(|error| api_error(error, Some(&session.profile)))
                .context("creating the mailbox")?;
        }
    }
    eprintln!(
        "created mailbox {} in {}",
        clean(&args.name),
        clean(&args.org)
    );
    Ok(())
}

async fn add_member(args: AddMemberArgs) -> Result<()> {
    let until = args
        .until
        .as_deref()
        .map(super::security::parse_until)
        .transpose()?;
    let args = args.member;
    let name = args.name.trim().to_lowercase();
    let online = match target(&args.target).await? {
        Target::Offline(_) if until.is_some() => {
            bail!("--until works through a server only: use --server URL");
        }
        Target::Offline(dir) => {
            pli_server::offline::add_member(dir, &args.name, &args.email)
                .await
                .context("adding the member")?;
            None
        }
        Target::Online(session) => {
            let email = args.email.trim().to_lowercase();
            let added = match &until {
                Some(until) => session.api.add_member_until(&name, &email, until).await,
                None => session.api.add_member(&name, &email).await,
            };
            added
                .map_err(|error| api_error(error, Some(&session.profile)))
                .context("adding the member")?;
            Some(session)
        }
    };
    eprintln!(
        "added {} to mailbox {}",
        clean(&args.email),
        clean(&args.name)
    );
    // The newcomer needs copies of the mailbox's keys (or a new generation) to read it.
    if let Some(session) = online {
        mailbox::repair_after_change(&session, &name).await;
    }
    Ok(())
}

async fn remove_member(args: MemberArgs) -> Result<()> {
    let name = args.name.trim().to_lowercase();
    let online = match target(&args.target).await? {
        Target::Offline(dir) => {
            pli_server::offline::remove_member(dir, &args.name, &args.email)
                .await
                .context("removing the member")?;
            None
        }
        Target::Online(session) => {
            session
                .api
                .remove_member(&name, &args.email.trim().to_lowercase())
                .await
                .map_err(|error| api_error(error, Some(&session.profile)))
                .context("removing the member")?;
            Some(session)
        }
    };
    eprintln!(
        "removed {} from mailbox {}",
        clean(&args.email),
        clean(&args.name)
    );
    match online {
        // Whoever left may keep copies of the current key: a new generation shuts them out.
        Some(session) => mailbox::repair_after_change(&session, &name).await,
        None => eprintln!(
            "note: senders encrypt to each remaining member until a member runs `pli mailbox sync {}`",
            clean(&args.name)
        ),
    }
    Ok(())
}
