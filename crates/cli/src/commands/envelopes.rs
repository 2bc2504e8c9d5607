//! `pli send`, `pli inbox`, `pli outbox`, `pli get`, `pli delete`.

use std::collections::HashSet;

use anyhow::{Context as _, Result, anyhow, bail};
use pli_client::Profile;
use pli_client::get::{GetError, Request};
use pli_client::receipts::{CheckedReceipt, ReceiptStatus, SentRecords};
use pli_client::send::{Outgoing, SendError, SenderIdentity};
use pli_proto::EnvelopeSummary;

use super::{api_error, logged_in, mailbox, print_line};
use crate::args::{DeleteArgs, GetArgs, InboxArgs, OutboxArgs, SendArgs};
use crate::format::{clean, rfc3339, size};
use crate::progress;

/// The largest page the server serves; fewer round trips when following every page.
const PAGE_SIZE: u32 = 500;

pub async fn send(args: SendArgs) -> Result<()> {
    let session = logged_in(true).await?;
    let keys = session.keys()?;
    if let Ok(me) = session.api.me().await {
        mailbox::repair_own(&session.api, &me, keys).await;
    }
    let key_id = pli_envelope::key_id(&keys.signing_key().verifying_key());
    let sender = SenderIdentity {
        email: &session.profile.email,
        key_id: &key_id,
    };
    let dlp = super::policy::check_before_send(
        &session,
        &args.files,
        &args.to,
        args.justification.as_deref(),
    )
    .await?;
    let outgoing = Outgoing {
        files: &args.files,
        to: &args.to,
        subject: &args.subject,
        dlp,
    };
    let log = key_log(&session).await?;
    let result = pli_client::send::send(
        &session.api,
        &sender,
        keys,
        &outgoing,
        &log,
        progress::transfer("sending"),
    )
    .await;
    // Whatever the outcome, a checkpoint that verified is kept: later ones must extend it.
    save_log_state(&session.profile, &log)?;
    let sent = result.map_err(|error| match error {
        SendError::Api(api) => api_error(api, Some(&session.profile)),
        other => anyhow::Error::new(other),
    })?;
    // Kept to check recipients' receipts against; the envelope is delivered either way.
    if let Err(error) = SentRecords::new(&super::profile_dir()?).record(&sent) {
        eprintln!("warning: could not keep the manifest hash to check receipts later: {error}");
    }
    print_line(&sent.id)?;
    Ok(())
}

/// The audit log this profile trusts: its pinned key (pinned now if the profile predates
/// pinning) and the checkpoint it verified last.
async fn key_log(session: &super::LoggedIn) -> Result<pli_client::KeyLog> {
    let verifier = match &session.profile.log_key {
        Some(text) => pli_client::KeyLog::parse_key(text)?,
        None => pli_client::transparency::fetch_log_key(&session.api)
            .await
            .context("fetching the server's audit log key")?,
    };
    Ok(
        pli_client::KeyLog::new(verifier, session.profile.log_checkpoint.as_deref())?
            .require_witnesses(
                &session.profile.witnesses,
                session.profile.witnesses_required,
            )?,
    )
}

/// Saves the pinned key and latest verified checkpoint into the profile on disk.
fn save_log_state(profile: &Profile, log: &pli_client::KeyLog) -> Result<()> {
    let dir = super::profile_dir()?;
    let mut saved = Profile::load(&dir).context("reading the profile")?;
    if saved.server != profile.server {
        return Ok(());
    }
    saved.log_key = Some(log.verifier().to_string());
    if let Some(latest) = log.latest() {
        saved.log_checkpoint = Some(latest);
    }
    saved.save(&dir).context("saving the profile")
}

pub async fn inbox(args: InboxArgs) -> Result<()> {
    let session = logged_in(false).await?;
    mailbox::check_own(&session).await;
    let mailbox = args.mailbox.as_deref().map(str::to_lowercase);
    let items = list_all(&session.profile, args.limit, |limit, cursor| {
        let api = session.api.clone();
        let mailbox = mailbox.clone();
        async move {
            api.inbox(mailbox.as_deref(), Some(limit), cursor.as_deref())
                .await
        }
    })
    .await
    .map_err(|error| match &args.mailbox {
        Some(name)
            if error
                .downcast_ref::<pli_client::ApiError>()
                .is_some_and(pli_client::ApiError::is_not_found) =>
        {
            anyhow!("no mailbox {} of which you are a member", clean(name))
        }
        _ => error,
    })
    .context("listing the inbox")?;
    show(&items, args.json, "the inbox is empty")
}

pub async fn outbox(args: OutboxArgs) -> Result<()> {
    let session = logged_in(false).await?;
    let items = list_all(&session.profile, args.limit, |limit, cursor| {
        let api = session.api.clone();
        async move { api.outbox(Some(limit), cursor.as_deref()).await }
    })
    .await
    .context("listing the outbox")?;
    let records = SentRecords::new(&super::profile_dir()?);
    let log = key_log(&session).await?;
    let mut receipts = Vec::with_capacity(items.len());
    for item in &items {
        let sealed = records.manifest_hash(&item.id);
        let checked = pli_client::receipts::check(&session.api, &log, &item.id, sealed.as_ref())
            .await
            .map_err(|error| match error {
                pli_client::TransparencyError::Api(api) => api_error(api, Some(&session.profile)),
                other => anyhow::Error::new(other),
            })
            .context("checking the receipts")?;
        receipts.push(checked);
    }
    save_log_state(&session.profile, &log)?;
    if args.json {
        let array: Vec<_> = items
            .iter()
            .zip(&receipts)
            .map(|(item, receipts)| {
                let mut value = summary_json(item);
                value["receipts"] = receipts.iter().map(receipt_json).collect();
                value
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&array)?);
    }
    show(&items, false, "the outbox is empty")?;
    for (item, receipts) in items.iter().zip(&receipts) {
        for receipt in receipts {
            print_line(&format!(
                "{}  opened by {} at {}: {}",
                clean(&item.id),
                clean(&receipt.email),
                rfc3339(receipt.opened_at),
                receipt_status(&receipt.status)
            ))?;
        }
    }
    Ok(())
}

fn receipt_status(status: &ReceiptStatus) -> String {
    match status {
        ReceiptStatus::Verified => "receipt verified".to_owned(),
        ReceiptStatus::SignatureOnly => {
            "receipt signed by the recipient; document not checked (sent from another machine)"
                .to_owned()
        }
        ReceiptStatus::Invalid(reason) => format!("receipt NOT verified: {}", clean(reason)),
    }
}

fn receipt_json(receipt: &CheckedReceipt) -> serde_json::Value {
    let (status, reason) = match &receipt.status {
        ReceiptStatus::Verified => ("verified", None),
        ReceiptStatus::SignatureOnly => ("signature_only", None),
        ReceiptStatus::Invalid(reason) => ("invalid", Some(reason.as_str())),
    };
    serde_json::json!({
        "email": receipt.email,
        "opened_at": rfc3339(receipt.opened_at),
        "log_index": receipt.log_index,
        "status": status,
        "reason": reason,
    })
}

pub async fn get(args: GetArgs) -> Result<()> {
    let id = args.id.trim().to_lowercase();
    if !pli_client::get::is_envelope_id(&id) {
        bail!(GetError::InvalidId(clean(&args.id)));
    }
    let session = logged_in(true).await?;
    let keys = session.keys()?;
    let me = session
        .api
        .me()
        .await
        .map_err(|error| api_error(error, Some(&session.profile)))
        .context("fetching the account")?;
    let mailbox_secrets = mailbox::open_own(&session.api, &me, keys).await;
    let request = Request {
        id: &id,
        out_dir: &args.output,
        force: args.force,
        mailbox_secrets: &mailbox_secrets,
    };
    let mut stepped_up = false;
    let received = loop {
        let received = pli_client::get::get(
            &session.api,
            &me,
            keys,
            &request,
            progress::transfer("receiving"),
        )
        .await;
        match received {
            Ok(received) => break received,
            // The server saw unusual download activity: it wants the second factor again
            // before this session downloads more.
            Err(GetError::Api(api)) if api.is_second_factor_again() && !stepped_up => {
                const WHY: &str =
                    "the server asks for the second factor again after unusual download activity";
                if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    eprintln!("{WHY}");
                }
                let code = super::totp_code(None, &session.profile.email).context(WHY)?;
                session
                    .api
                    .step_up(secrecy::ExposeSecret::expose_secret(&code).trim())
                    .await
                    .map_err(|error| api_error(error, Some(&session.profile)))
                    .context("giving the second factor again")?;
                eprintln!("second factor given again; downloading");
                stepped_up = true;
            }
            Err(GetError::Api(api)) => return Err(api_error(api, Some(&session.profile))),
            Err(other) => return Err(anyhow::Error::new(other)),
        }
    };

    // The sender's proof of delivery; the files are in place whatever becomes of it.
    match pli_client::receipts::sign(
        &session.api,
        keys,
        &id,
        &received.manifest_hash,
        pli_client::account::now_unix(),
    )
    .await
    {
        Ok(true) => eprintln!("signed a receipt for the sender"),
        Ok(false) => {}
        Err(error) => eprintln!("warning: could not sign a receipt for the sender: {error}"),
    }
    let manifest = &received.manifest;
    if args.json {
        let files: Vec<_> = received
            .files
            .iter()
            .map(|file| {
                serde_json::json!({
                    "name": file.entry.name,
                    "path": file.path.display().to_string(),
                    "size": file.entry.size,
                    "media_type": file.entry.media_type,
                    "sha256": hex::encode(file.entry.sha256),
                })
            })
            .collect();
        let value = serde_json::json!({
            "id": manifest.envelope_id,
            "sender": manifest.sender.email,
            "to": manifest.recipients,
            "subject": manifest.subject,
            "created_at": rfc3339(manifest.created_at),
            "files": files,
            "dlp": manifest.dlp.as_ref().map(|dlp| serde_json::json!({
                "policy_version": dlp.policy_version,
                "decision": dlp.decision,
                "kinds": dlp.kinds,
                "not_inspectable": dlp.not_inspectable,
                "justification": dlp.justification,
            })),
        });
        print_line(&serde_json::to_string_pretty(&value)?)?;
    } else {
        let subject = if manifest.subject.is_empty() {
            String::from("(no subject)")
        } else {
            clean(&manifest.subject)
        };
        eprintln!(
            "from {} at {}: {}",
            clean(&manifest.sender.email),
            rfc3339(manifest.created_at),
            subject
        );
        if let Some(dlp) = &manifest.dlp {
            eprintln!("{}", dlp_line(dlp));
        }
        for file in &received.files {
            eprintln!(
                "wrote {} ({})",
                clean(&file.path.display().to_string()),
                size(file.entry.size)
            );
        }
    }
    Ok(())
}

/// What the sender's policy check found, as signed in the manifest: kinds and counts only.
fn dlp_line(dlp: &pli_envelope::DlpLabel) -> String {
    let mut found: Vec<String> = dlp
        .kinds
        .iter()
        .map(|(kind, count)| format!("{} {count}", clean(kind)))
        .collect();
    if dlp.not_inspectable > 0 {
        found.push(format!("not inspectable {}", dlp.not_inspectable));
    }
    let found = if found.is_empty() {
        "nothing found".to_owned()
    } else {
        found.join(", ")
    };
    let mut line = format!(
        "labels (policy version {}, {}): {found}",
        dlp.policy_version,
        clean(&dlp.decision)
    );
    if let Some(justification) = &dlp.justification {
        line.push_str(&format!("; justification: {}", clean(justification)));
    }
    line
}

pub async fn delete(args: DeleteArgs) -> Result<()> {
    let id = args.id.trim().to_lowercase();
    if !pli_client::get::is_envelope_id(&id) {
        bail!(GetError::InvalidId(clean(&args.id)));
    }
    let session = logged_in(false).await?;
    match session.api.delete_envelope(&id).await {
        Ok(()) => {
            eprintln!("deleted {id}");
            Ok(())
        }
        Err(error) if error.is_not_found() => Err(anyhow!(
            "no envelope {id} that you sent: only its sender can delete an envelope; check the id with `pli outbox`"
        )),
        Err(error) => {
            Err(api_error(error, Some(&session.profile))).context("deleting the envelope")
        }
    }
}

/// Follows every page (or stops at `limit` envelopes), guarding against a server that would
/// hand out the same cursor forever.
async fn list_all<F, Fut>(
    profile: &Profile,
    limit: Option<u32>,
    mut fetch: F,
) -> Result<Vec<EnvelopeSummary>>
where
    F: FnMut(u32, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<pli_proto::EnvelopePage, pli_client::ApiError>>,
{
    let mut items: Vec<EnvelopeSummary> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        let wanted = match limit {
            Some(limit) => limit.saturating_sub(items.len() as u32).min(PAGE_SIZE),
            None => PAGE_SIZE,
        };
        if wanted == 0 {
            break;
        }
        let page = fetch(wanted, cursor.clone())
            .await
            .map_err(|error| api_error(error, Some(profile)))?;
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => {
                if !seen.insert(next.clone()) {
                    bail!(
                        "the server's listing does not advance (the same page cursor came twice)"
                    );
                }
                cursor = Some(next);
            }
            None => break,
        }
    }
    if let Some(limit) = limit {
        items.truncate(limit as usize);
    }
    Ok(items)
}

fn summary_json(item: &EnvelopeSummary) -> serde_json::Value {
    serde_json::json!({
        "id": item.id,
        "sender": item.sender,
        "to": item.to,
        "size": item.size,
        "created_at": item.created_at,
    })
}

fn show(items: &[EnvelopeSummary], json: bool, empty: &str) -> Result<()> {
    if json {
        let array: Vec<_> = items.iter().map(summary_json).collect();
        return print_line(&serde_json::to_string_pretty(&array)?);
    }
    if items.is_empty() {
        eprintln!("{empty}");
        return Ok(());
    }
    let rows: Vec<[String; 5]> = items
        .iter()
        .map(|item| {
            [
                clean(&item.id),
                clean(&item.sender),
                clean(&item.to.join(",")),
                size(item.size),
                clean(&item.created_at),
            ]
        })
        .collect();
    let header = ["ID", "FROM", "TO", "SIZE", "DATE"].map(String::from);
    let mut widths = header.clone().map(|cell| cell.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        print_line(line.join("  ").trim_end())?;
    }
    Ok(())
}
