//! `pli 2fa enable|confirm|disable` and the admin's security commands: `pli admin grant`,
//! `revoke`, `alerts`, `unblock`, `canary`, `org require-2fa`.

use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{Context as _, Result, bail};
use pli_client::api::normalize_server_url;
use pli_proto::{GrantInfo, GrantRequest, GrantScope, OrgPolicy, UnblockRequest};
use secrecy::ExposeSecret as _;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{LoggedIn, api_error, logged_in, print_line, totp_code};
use crate::args::{
    AlertsArgs, CanaryArgs, CanaryCommand, GrantArgs, GrantCommand, RequireTwoFactorArgs,
    RevokeArgs, ServerJsonArgs, TwoFactorCommand, UnblockArgs,
};
use crate::format::clean;

pub async fn two_factor(command: TwoFactorCommand) -> Result<()> {
    match command {
        TwoFactorCommand::Enable => enable().await,
        TwoFactorCommand::Confirm(args) => {
            let session = logged_in(false).await?;
            let code = totp_code(args.code, &session.profile.email)?;
            confirm(&session, code.expose_secret()).await
        }
        TwoFactorCommand::Disable(args) => {
            let session = logged_in(false).await?;
            let code = totp_code(args.code, &session.profile.email)?;
            session
                .api
                .totp_disable(code.expose_secret().trim())
                .await
                .map_err(|error| api_error(error, Some(&session.profile)))
                .context("disabling the second factor")?;
            eprintln!("second factor disabled for {}", session.profile.email);
            Ok(())
        }
    }
}

async fn enable() -> Result<()> {
    let session = logged_in(false).await?;
    let enrolment = session
        .api
        .totp_begin()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("starting second-factor enrolment")?;
    print_line(&clean(&enrolment.uri))?;
    print_line(&clean(&enrolment.secret))?;
    eprintln!(
        "add the URI above (or the secret on its own) to an authenticator app; it is shown once"
    );
    let code = if std::io::stdin().is_terminal() {
        Some(
            totp_code(None, &session.profile.email)?
                .expose_secret()
                .to_owned(),
        )
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the first code")?;
        Some(line.trim().to_owned()).filter(|code| !code.is_empty())
    };
    match code {
        Some(code) => confirm(&session, &code).await,
        None => {
            eprintln!("then confirm with the app's current code: `pli 2fa confirm CODE`");
            Ok(())
        }
    }
}

async fn confirm(session: &LoggedIn, code: &str) -> Result<()> {
    let codes = session
        .api
        .totp_confirm(code.trim())
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("confirming the second factor")?;
    for code in &codes.codes {
        print_line(&clean(code))?;
    }
    eprintln!(
        "second factor enabled for {}; keep the {} recovery codes above somewhere safe: each works once, in place of a code",
        session.profile.email,
        codes.codes.len()
    );
    Ok(())
}

pub async fn grant(args: GrantArgs) -> Result<()> {
    if let Some(GrantCommand::List(list)) = args.command {
        return grant_list(list).await;
    }
    let (Some(email), Some(mailbox), Some(until)) = (args.email, args.mailbox, args.until) else {
        bail!("give EMAIL, --mailbox NAME, --read-only or --send-only, and --until DATE");
    };
    let until = parse_until(&until)?;
    let scope = if args.send_only {
        GrantScope::Send
    } else {
        GrantScope::Read
    };
    let session = admin_session(args.server.as_deref()).await?;
    let request = GrantRequest {
        email: email.trim().to_lowercase(),
        mailbox: mailbox.trim().to_lowercase(),
        scope,
        until,
    };
    let granted = session
        .api
        .grant(&request)
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("granting")?;
    eprintln!("granted {}", describe(&granted));
    // A reader needs copies of the mailbox's keys; a writer must lose any it held.
    super::mailbox::repair_after_change(&session, &request.mailbox).await;
    Ok(())
}

async fn grant_list(args: ServerJsonArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let list = session
        .api
        .grants()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("listing grants")?;
    if args.json {
        let items: Vec<serde_json::Value> = list
            .items
            .iter()
            .map(|grant| {
                serde_json::json!({
                    "email": grant.email,
                    "mailbox": grant.mailbox,
                    "read": grant.read,
                    "send": grant.send,
                    "granted": grant.granted,
                    "until": grant.until,
                    "active": grant.active,
                })
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&items)?);
    }
    if list.items.is_empty() {
        eprintln!("no grants or time-limited memberships");
    }
    for grant in &list.items {
        print_line(&describe(grant))?;
    }
    Ok(())
}

pub async fn revoke(args: RevokeArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let mailbox = args.mailbox.trim().to_lowercase();
    session
        .api
        .revoke(&mailbox, &args.email.trim().to_lowercase())
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("revoking")?;
    eprintln!(
        "revoked the access of {} to {}",
        clean(&args.email),
        clean(&mailbox)
    );
    super::mailbox::repair_after_change(&session, &mailbox).await;
    Ok(())
}

pub async fn alerts(args: AlertsArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let mut items = Vec::new();
    let mut after = 0;
    loop {
        let page = session
            .api
            .alerts(after)
            .await
            .map_err(|error| api_error(error, Some(&session.profile)))
            .context("listing alerts")?;
        let Some(last) = page.items.last() else {
            break;
        };
        after = last.seq;
        items.extend(page.items);
    }
    if args.json {
        let values: Vec<serde_json::Value> = items
            .iter()
            .map(|alert| {
                serde_json::json!({
                    "seq": alert.seq,
                    "at": alert.at,
                    "email": alert.email,
                    "kind": alert.kind,
                    "details": alert.details,
                })
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&values)?);
    }
    if items.is_empty() {
        eprintln!("no alerts");
    }
    for alert in &items {
        print_line(&format!(
            "{}  {}  {}  {}",
            clean(&alert.at),
            clean(&alert.kind),
            clean(alert.email.as_deref().unwrap_or("-")),
            clean(&alert.details)
        ))?;
    }
    Ok(())
}

pub async fn unblock(args: UnblockArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let request = UnblockRequest {
        email: args.email.trim().to_lowercase(),
        reason: args.reason.clone(),
    };
    session
        .api
        .unblock(&request)
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("unblocking")?;
    eprintln!("{} may log in and download again", clean(&request.email));
    Ok(())
}

pub async fn canary(args: CanaryArgs) -> Result<()> {
    if let Some(CanaryCommand::List(list)) = args.command {
        return canary_list(list).await;
    }
    let Some(mailbox) = args.mailbox else {
        bail!("give --mailbox NAME");
    };
    let session = admin_session(args.server.as_deref()).await?;
    let planted = session
        .api
        .plant_canary(&mailbox.trim().to_lowercase())
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("planting a canary")?;
    print_line(&planted.id)?;
    eprintln!(
        "canary {} planted in {}: whoever downloads it will have their downloads blocked",
        clean(&planted.id),
        clean(&planted.mailbox)
    );
    Ok(())
}

async fn canary_list(args: ServerJsonArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let list = session
        .api
        .canaries()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("listing canaries")?;
    if args.json {
        let items: Vec<serde_json::Value> = list
            .items
            .iter()
            .map(|canary| {
                serde_json::json!({
                    "id": canary.id,
                    "mailbox": canary.mailbox,
                    "planted_by": canary.planted_by,
                    "planted_at": canary.planted_at,
                })
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&items)?);
    }
    if list.items.is_empty() {
        eprintln!("no canaries");
    }
    for canary in &list.items {
        print_line(&format!(
            "{}  {}  planted by {} at {}",
            clean(&canary.id),
            clean(&canary.mailbox),
            clean(&canary.planted_by),
            clean(&canary.planted_at)
        ))?;
    }
    Ok(())
}

pub async fn require_two_factor(args: RequireTwoFactorArgs) -> Result<()> {
    let session = admin_session(args.server.as_deref()).await?;
    let policy = OrgPolicy {
        require_totp: !args.off,
    };
    session
        .api
        .set_policy(&policy)
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("setting the policy")?;
    if policy.require_totp {
        eprintln!(
            "every account of {} now needs a second factor; accounts without one can only enrol (`pli 2fa enable`)",
            session.profile.org
        );
    } else {
        eprintln!(
            "accounts of {} no longer need a second factor (admins and auditors still do)",
            session.profile.org
        );
    }
    Ok(())
}

/// `--until` as RFC 3339: a date `YYYY-MM-DD` means until the end of that day (UTC).
pub fn parse_until(text: &str) -> Result<String> {
    let text = text.trim();
    if let Ok(instant) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(instant.format(&Rfc3339)?);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, &format).with_context(|| {
        format!(
            "bad date {}: give YYYY-MM-DD or an RFC 3339 instant",
            clean(text)
        )
    })?;
    let end = date
        .next_day()
        .context("the date is out of range")?
        .midnight()
        .assume_utc();
    Ok(end.format(&Rfc3339)?)
}

fn describe(grant: &GrantInfo) -> String {
    let scope = match (grant.read, grant.send) {
        (true, true) => "member",
        (true, false) => "read-only",
        (false, true) => "send-only",
        (false, false) => "nothing",
    };
    let until = grant.until.as_deref().unwrap_or("no end");
    let state = if grant.active { "" } else { " (expired)" };
    format!(
        "{} {} {} until {}{}",
        clean(&grant.email),
        clean(&grant.mailbox),
        scope,
        clean(until),
        state
    )
}

/// The profile's session, checked to be on `server` when one is named.
async fn admin_session(server: Option<&str>) -> Result<LoggedIn> {
    let session = logged_in(false).await?;
    if let Some(server) = server {
        let wanted = normalize_server_url(server)?;
        let current = normalize_server_url(&session.profile.server)?;
        if wanted != current {
            bail!(
                "the profile is logged in to {}, not {}: run `pli login {} --email EMAIL` with an admin account",
                session.profile.server,
                clean(server),
                clean(server)
            );
        }
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_mean_the_end_of_the_day() {
        assert_eq!(parse_until("2026-12-31").unwrap(), "2027-01-01T00:00:00Z");
        assert_eq!(
            parse_until("2026-12-31T18:00:00+01:00").unwrap(),
            "2026-12-31T18:00:00+01:00"
        );
        assert!(parse_until("31/12/2026").is_err());
        assert!(parse_until("2026-02-30").is_err());
    }
}
