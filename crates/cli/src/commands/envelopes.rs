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
    let link = match &args.external {
        Some(email) => Some(ExternalSend::new(email, args.sms.as_deref())?),
        None => None,
    };
    let log = key_log(&session).await?;
    let dlp = super::policy::check_before_send(
        &session,
        &args.files,
        &args.subject,
        &args.to,
        link.is_some(),
        args.justification.as_deref(),
        &log,
    )
    .await;
    let dlp = match dlp {
        Ok(dlp) => dlp,
        Err(error) => {
            save_log_state(&session.profile, &log)?;
            return Err(error);
        }
    };
    let external: Vec<(String, age::x25519::Recipient)> = link
        .iter()
        .map(|link| (link.email.clone(), link.keys.recipient()))
        .collect();
    let outgoing = Outgoing {
        files: &args.files,
        to: &args.to,
        subject: &args.subject,
        dlp,
        external: &external,
    };
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
    let records = SentRecords::new(&super::profile_dir()?);
    if let Err(error) = records.record(&sent) {
        eprintln!("warning: could not keep the manifest hash to check receipts later: {error}");
    }
    print_line(&sent.id)?;
    if let Some(link) = link {
        let sender_key = keys.signing_key().verifying_key();
        let created = session
            .api
            .create_link(&sent.id, &link.request(&args, &sender_key))
            .await
            .map_err(|error| api_error(error, Some(&session.profile)))
            .with_context(|| {
                format!(
                    "envelope {} is stored, but its link could not be created; delete it with `pli delete {}` and send again",
                    sent.id, sent.id
                )
            })?;
        let receipt_key = link.keys.receipt_key().verifying_key().to_bytes();
        if let Err(error) = records.record_link(&created.id, &receipt_key) {
            eprintln!(
                "warning: could not keep the link's receipt key to check its receipt later: {error}"
            );
        }
        print_line(&format!("link: {}", clean(&created.url)))?;
        print_line(&format!("expires: {}", clean(&created.expires_at)))?;
        match &args.sms {
            Some(phone) => print_line(&format!("code: sent by SMS to {}", clean(phone)))?,
            None => print_line(&format!(
                "code: sent by a second mail to {}",
                clean(&link.email)
            ))?,
        }
    }
    Ok(())
}

/// The secrets of the external link of a send: drawn before sealing, since the envelope is
/// sealed to the key they derive.
struct ExternalSend {
    email: String,
    secrets: pli_client::external::LinkSecrets,
    keys: pli_client::external::ExternalKeys,
}

impl ExternalSend {
    fn new(email: &str, phone: Option<&str>) -> Result<ExternalSend> {
        let email = email.trim().to_lowercase();
        if !email.contains('@') || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            bail!("--external needs an email address, such as officier@police.example");
        }
        // Checked before anything is sent, as the server will check it.
        if let Some(phone) = phone {
            let digits: String = phone
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect();
            let digits = digits.strip_prefix('+').unwrap_or("");
            if !(8..=15).contains(&digits.len())
                || !digits.bytes().all(|byte| byte.is_ascii_digit())
                || digits.starts_with('0')
            {
                bail!(
                    "--sms needs an international phone number, such as +33612345678 (got {})",
                    clean(phone)
                );
            }
        }
        let secrets = pli_client::external::LinkSecrets::generate();
        let keys = secrets.keys().context("deriving the link's keys")?;
        Ok(ExternalSend {
            email,
            secrets,
            keys,
        })
    }

    fn request(
        &self,
        args: &SendArgs,
        sender_key: &ed25519_dalek::VerifyingKey,
    ) -> pli_proto::CreateLinkRequest {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        pli_proto::CreateLinkRequest {
            id: self.secrets.link_id_hex(),
            email: self.email.clone(),
            phone: args.sms.clone(),
            expires_in: args.expires,
            max_downloads: args.max_downloads,
            server_half: b64.encode(self.secrets.server_half.as_ref()),
            receipt_key: b64.encode(self.keys.receipt_key().verifying_key().as_bytes()),
            fragment: self.secrets.fragment(sender_key),
        }
    }
}

/// The audit log this profile trusts: its pinned key (pinned now if the profile predates
/// pinning) and the checkpoint it verified last.
pub(super) async fn key_log(session: &super::LoggedIn) -> Result<pli_client::KeyLog> {
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
pub(super) fn save_log_state(profile: &Profile, log: &pli_client::KeyLog) -> Result<()> {
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
    let mut links = Vec::with_capacity(items.len());
    for item in &items {
        let list = session
            .api
            .links(&item.id)
            .await
            .map_err(|error| api_error(error, Some(&session.profile)))
            .context("listing the external links")?;
        let sealed = records.manifest_hash(&item.id);
        let mut checked = Vec::with_capacity(list.items.len());
        for link in list.items {
            let mut link = check_link(&records, &item.id, sealed.as_ref(), link);
            logged_as_shown(&session.api, &log, &item.id, &mut link)
                .await
                .map_err(|error| match error {
                    pli_client::TransparencyError::Api(api) => {
                        api_error(api, Some(&session.profile))
                    }
                    other => anyhow::Error::new(other),
                })
                .context("checking the receipts")?;
            checked.push(link);
        }
        links.push(checked);
    }
    // After the links' receipts too: they may be what fetched the checkpoint.
    save_log_state(&session.profile, &log)?;
    if args.json {
        let array: Vec<_> = items
            .iter()
            .zip(&receipts)
            .zip(&links)
            .map(|((item, receipts), links)| {
                let mut value = summary_json(item);
                value["receipts"] = receipts.iter().map(receipt_json).collect();
                value["links"] = links.iter().map(link_json).collect();
                value
            })
            .collect();
        return print_line(&serde_json::to_string_pretty(&array)?);
    }
    show(&items, false, "the outbox is empty")?;
    for ((item, receipts), links) in items.iter().zip(&receipts).zip(&links) {
        for receipt in receipts {
            print_line(&format!(
                "{}  opened by {} at {}: {}",
                clean(&item.id),
                clean(&receipt.email),
                rfc3339(receipt.opened_at),
                receipt_status(&receipt.status)
            ))?;
        }
        for checked in links {
            let link = &checked.link;
            print_line(&format!(
                "{}  link to {}: {}, {}/{} downloads, expires {}",
                clean(&item.id),
                clean(&link.email),
                clean(&link.state),
                link.downloads,
                link.max_downloads,
                clean(&link.expires_at)
            ))?;
            for opening in &link.openings {
                print_line(&format!(
                    "{}  link to {} downloaded at {} from {}",
                    clean(&item.id),
                    clean(&link.email),
                    clean(&opening.at),
                    clean(&opening.address)
                ))?;
            }
            if let (Some(receipt), Some(status)) = (&link.receipt, &checked.receipt) {
                print_line(&format!(
                    "{}  opened by {} at {}: {}",
                    clean(&item.id),
                    clean(&link.email),
                    rfc3339(receipt.opened_at),
                    receipt_status(status)
                ))?;
            }
        }
    }
    Ok(())
}

/// A link of an envelope and what the check of its receipt found.
struct CheckedLink {
    link: pli_proto::LinkSummary,
    receipt: Option<ReceiptStatus>,
    /// The receipt key its receipt was checked with.
    key: Option<[u8; 32]>,
}

/// A link receipt that checks out must also be the audit log's entry, as an account's receipt
/// must (`pli_client::receipts::not_logged_as_shown`).
async fn logged_as_shown(
    api: &pli_client::api::Api,
    log: &pli_client::transparency::KeyLog,
    envelope_id: &str,
    checked: &mut CheckedLink,
) -> Result<(), pli_client::TransparencyError> {
    let (Some(receipt), Some(ReceiptStatus::Verified | ReceiptStatus::SignatureOnly)) =
        (&checked.link.receipt, &checked.receipt)
    else {
        return Ok(());
    };
    let Some(key) = checked.key else {
        return Ok(());
    };
    if let Some(reason) = pli_client::receipts::not_logged_as_shown(
        api,
        log,
        envelope_id,
        receipt,
        &checked.link.email,
        &key,
    )
    .await?
    {
        checked.receipt = Some(ReceiptStatus::Invalid(reason));
    }
    Ok(())
}

fn check_link(
    records: &SentRecords,
    envelope_id: &str,
    sealed: Option<&[u8; 32]>,
    link: pli_proto::LinkSummary,
) -> CheckedLink {
    let local = records.link_receipt_key(&link.id);
    let named = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&link.receipt_key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
    };
    let receipt = link.receipt.as_ref().map(|receipt| match (local, named) {
        (Some(local), Some(named)) if local != named => ReceiptStatus::Invalid(
            "the server names another receipt key than the one this machine derived".into(),
        ),
        (Some(key), _) => {
            pli_client::receipts::check_link_receipt(envelope_id, receipt, &key, true, sealed)
        }
        (None, Some(key)) => {
            pli_client::receipts::check_link_receipt(envelope_id, receipt, &key, false, sealed)
        }
        (None, None) => ReceiptStatus::Invalid("the link's receipt key is malformed".into()),
    });
    CheckedLink {
        key: local.or(named),
        link,
        receipt,
    }
}

fn link_json(checked: &CheckedLink) -> serde_json::Value {
    let link = &checked.link;
    let receipt = match (&link.receipt, &checked.receipt) {
        (Some(receipt), Some(status)) => {
            let (status, reason) = match status {
                ReceiptStatus::Verified => ("verified", None),
                ReceiptStatus::SignatureOnly => ("signature_only", None),
                ReceiptStatus::Invalid(reason) => ("invalid", Some(reason.as_str())),
            };
            serde_json::json!({
                "opened_at": rfc3339(receipt.opened_at),
                "log_index": receipt.log_index,
                "status": status,
                "reason": reason,
            })
        }
        _ => serde_json::Value::Null,
    };
    serde_json::json!({
        "id": link.id,
        "url": link.url,
        "email": link.email,
        "phone": link.phone,
        "state": link.state,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "max_downloads": link.max_downloads,
        "downloads": link.downloads,
        "code_failures": link.code_failures,
        "openings": link.openings.iter().map(|opening| serde_json::json!({
            "at": opening.at,
            "address": opening.address,
        })).collect::<Vec<_>>(),
        "receipt": receipt,
    })
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

    // The sender's proof of delivery; the files are in place whatever becomes of it. An
    // outside sender asked for nothing and has no account to receive one.
    let receipt = if received.manifest.outside.is_some() {
        Ok(false)
    } else {
        pli_client::receipts::sign(
            &session.api,
            keys,
            &id,
            &received.manifest_hash,
            pli_client::account::now_unix(),
        )
        .await
    };
    match receipt {
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
        let mut value = value;
        // Only for an outside sender, so every other envelope's output is what it always was.
        if let Some(outside) = &manifest.outside {
            value["sender_verified"] = serde_json::json!(false);
            value["outside"] = serde_json::json!({
                "request_id": outside.request_id,
                "name": outside.name,
                "requester": received.summary.sender,
            });
        }
        print_line(&serde_json::to_string_pretty(&value)?)?;
    } else {
        let subject = if manifest.subject.is_empty() {
            String::from("(no subject)")
        } else {
            clean(&manifest.subject)
        };
        match &manifest.outside {
            None => eprintln!(
                "from {} at {}: {}",
                clean(&manifest.sender.email),
                rfc3339(manifest.created_at),
                subject
            ),
            Some(outside) => {
                eprintln!(
                    "from {} (UNVERIFIED outside sender{}) at {}: {}",
                    clean(&manifest.sender.email),
                    outside
                        .name
                        .as_deref()
                        .map(|name| format!(", gave the name {}", clean(name)))
                        .unwrap_or_default(),
                    rfc3339(manifest.created_at),
                    subject
                );
                eprintln!(
                    "uploaded through request {} of {}: the files are intact since they were signed, but nobody checked who sent them",
                    clean(&outside.request_id),
                    clean(&received.summary.sender)
                );
            }
        }
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
    let mut value = serde_json::json!({
        "id": item.id,
        "sender": item.sender,
        "to": item.to,
        "size": item.size,
        "created_at": item.created_at,
    });
    // Only on outside uploads, so every other item keeps exactly the fields it always had.
    if let Some(outside) = &item.outside {
        value["outside"] = serde_json::json!({
            "request_id": outside.request_id,
            "email": outside.email,
            "verified": false,
        });
    }
    value
}

/// Who an envelope is from, as listed: an outside sender is named by the request's address
/// and marked, since nobody checked who uploaded it.
fn from_cell(item: &EnvelopeSummary) -> String {
    match &item.outside {
        Some(outside) => format!(
            "{} (outside, unverified; asked by {})",
            clean(&outside.email),
            clean(&item.sender)
        ),
        None => clean(&item.sender),
    }
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
                from_cell(item),
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
