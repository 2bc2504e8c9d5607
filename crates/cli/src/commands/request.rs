//! `pli request`: ask a person without an account for documents (`docs/REQUESTS.md`).

use anyhow::{Context as _, Result, anyhow, bail};
use pli_client::request::{Asking, RequestError};
use pli_client::send::SendError;

use super::envelopes::{key_log, save_log_state};
use super::{api_error, logged_in, mailbox, print_line};
use crate::args::{RequestArgs, RequestCommand};
use crate::format::{clean, size};

/// A request lasts 7 days unless `--expires` says otherwise.
const DEFAULT_EXPIRES: i64 = 7 * 86_400;

pub async fn run(args: RequestArgs) -> Result<()> {
    match args.command {
        Some(RequestCommand::List(json)) => list(json.json).await,
        Some(RequestCommand::Withdraw(target)) => withdraw(&target.id).await,
        None => ask(args).await,
    }
}

async fn ask(args: RequestArgs) -> Result<()> {
    let Some(email) = args.external.as_deref() else {
        bail!("pli request needs --external EMAIL, the address of the person asked");
    };
    let session = logged_in(true).await?;
    let keys = session.keys()?;
    if args.mailbox.is_some()
        && let Ok(me) = session.api.me().await
    {
        mailbox::repair_own(&session.api, &me, keys).await;
    }
    let log = key_log(&session).await?;
    let asking = Asking {
        email,
        mailbox: args.mailbox.as_deref(),
        expires_in: args.expires.unwrap_or(DEFAULT_EXPIRES),
        max_uploads: args.max_uploads.unwrap_or(1),
    };
    let result =
        pli_client::request::ask(&session.api, &session.profile.email, keys, &asking, &log).await;
    save_log_state(&session.profile, &log)?;
    let asked = result.map_err(|error| match error {
        RequestError::Api(api) if api.is_not_found() && args.mailbox.is_some() => anyhow!(
            "no mailbox {} that you read: documents can be asked only for your own inbox or a mailbox you read",
            clean(args.mailbox.as_deref().unwrap_or_default())
        ),
        RequestError::Api(api) | RequestError::Resolve(SendError::Api(api)) => {
            api_error(api, Some(&session.profile))
        }
        other => anyhow::Error::new(other),
    })?;
    print_line(&asked.created.id)?;
    print_line(&format!("link: {}", clean(&asked.link)))?;
    print_line(&format!("expires: {}", clean(&asked.created.expires_at)))?;
    print_line(&format!(
        "mailed to {}; {} upload(s) allowed",
        clean(&email.trim().to_lowercase()),
        asked.created.max_uploads
    ))?;
    Ok(())
}

async fn list(json: bool) -> Result<()> {
    let session = logged_in(false).await?;
    let list = session
        .api
        .requests()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("listing the requests")?;
    if json {
        let array: Vec<_> = list
            .items
            .iter()
            .map(|request| {
                serde_json::json!({
                    "id": request.id,
                    "url": request.url,
                    "email": request.email,
                    "to": request.addressee,
                    "state": request.state,
                    "created_at": request.created_at,
                    "expires_at": request.expires_at,
                    "max_uploads": request.max_uploads,
                    "uploads": request.uploads,
                    "envelopes": request.envelopes.iter().map(|envelope| serde_json::json!({
                        "id": envelope.id,
                        "size": envelope.size,
                        "at": envelope.at,
                        "address": envelope.address,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&array)?);
    }
    if list.items.is_empty() {
        eprintln!("no requests");
        return Ok(());
    }
    for request in &list.items {
        print_line(&format!(
            "{}  {} -> {}: {}, {}/{} uploads, expires {}",
            clean(&request.id),
            clean(&request.email),
            clean(&request.addressee),
            clean(&request.state),
            request.uploads,
            request.max_uploads,
            clean(&request.expires_at)
        ))?;
        for envelope in &request.envelopes {
            print_line(&format!(
                "{}  envelope {} ({}) uploaded at {} from {}",
                clean(&request.id),
                clean(&envelope.id),
                size(envelope.size),
                clean(&envelope.at),
                clean(&envelope.address)
            ))?;
        }
    }
    Ok(())
}

async fn withdraw(id: &str) -> Result<()> {
    let id = id.trim().to_lowercase();
    if !pli_client::get::is_envelope_id(&id) {
        bail!(
            "invalid request id {:?}: expected 32 lowercase hexadecimal digits",
            clean(&id)
        );
    }
    let session = logged_in(false).await?;
    match session.api.withdraw_request(&id).await {
        Ok(()) => {
            eprintln!("withdrew {id}");
            Ok(())
        }
        Err(error) if error.is_not_found() => Err(anyhow!(
            "no request {id} of yours; check the id with `pli request list`"
        )),
        Err(error) => {
            Err(api_error(error, Some(&session.profile))).context("withdrawing the request")
        }
    }
}
