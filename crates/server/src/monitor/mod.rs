//! The flow monitor: every download and inbox listing passes through it after authorization.
//!
//! It keeps, per account and per organisation, sliding windows of envelopes downloaded, bytes,
//! distinct senders and mailboxes reached, and listing depth; compares them with limits raised
//! by what the account itself usually does (its [`Baseline`]: decaying peaks, usual hours,
//! known addresses), made stricter by conditions that a thief shows and a colleague rarely
//! does (a new address, an unusual hour, a wide reach, deep listing); and escalates in order:
//! an alert to the organisation's admins, then a new second-factor code before any further
//! download (403 `second_factor_again`), then a block of the account's downloads (403
//! `downloads_blocked`) that only an admin lifts. A canary envelope blocks at once.
//!
//! Several servers on one database count together: each appends what it let through, and
//! the holds it made, lifted or answered, to the store's journal ([`JournalEntry`]), and
//! replays the other servers' entries into its own windows ([`sync`], every
//! [`SYNC_EVERY`]). A server that starts replays the last day of the journal, so a restart
//! forgets nothing either. An account spreading its downloads over servers is therefore
//! counted whole, at most one sync late.
//!
//! The decisions are pure computation in [`rules`] (tested with a simulated clock, see
//! [`simulate`]); this module does the I/O around them: loading and saving baselines and holds,
//! audit events and alerts. Every decision that is news is an audit event naming the rule and
//! the numbers it was made on (counts only, never content).

pub mod baseline;
pub mod rules;
pub mod simulate;

pub use baseline::Baseline;
pub use rules::{Activity, Decision, Level, Limits, Monitor, Observation, Rule};

use crate::auth::{Principal, now};
use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use pli_store::{
    Addressee, DownloadHold, Envelope, HoldKind, Id, JournalEntry, JournalKind, NewAlert, Outcome,
    StoreError, Timestamp,
};
use std::sync::Mutex;
use std::time::Duration;

/// How often a server writes its journal entries and replays the others'.
pub const SYNC_EVERY: Duration = Duration::from_millis(250);
/// How long journal entries are kept: the longest window (a day), and an hour more.
pub const JOURNAL_KEPT_SECS: i64 = 25 * 3600;
/// Journal entries read per query when replaying.
const JOURNAL_PAGE: u32 = 1000;

/// The monitor shared by the handlers.
#[derive(Debug)]
pub struct FlowMonitor {
    monitor: Mutex<Monitor>,
    canaries_loaded: tokio::sync::OnceCell<()>,
    /// This server process, in the journal.
    instance: Id,
    /// Entries not yet in the store's journal.
    pending: Mutex<Vec<JournalEntry>>,
    /// The last journal position replayed; one sync at a time.
    cursor: tokio::sync::Mutex<i64>,
}

impl Default for FlowMonitor {
    fn default() -> FlowMonitor {
        FlowMonitor::new(Limits::default())
    }
}

impl FlowMonitor {
    pub fn new(limits: Limits) -> FlowMonitor {
        FlowMonitor {
            monitor: Mutex::new(Monitor::new(limits)),
            canaries_loaded: tokio::sync::OnceCell::new(),
            instance: Id::random(),
            pending: Mutex::new(Vec::with_capacity(64)),
            cursor: tokio::sync::Mutex::new(0),
        }
    }

    /// Queues a journal entry of this server for the next [`sync`].
    fn journal(
        &self,
        at: Timestamp,
        account: Id,
        org: Id,
        address: u64,
        kind: JournalKind,
        details: (u64, Option<Id>, Option<Id>),
    ) {
        let (bytes, sender_id, mailbox_id) = details;
        let entry = JournalEntry {
            instance: self.instance,
            at,
            account_id: account,
            org_id: org,
            address,
            kind,
            bytes,
            sender_id,
            mailbox_id,
        };
        match self.pending.lock() {
            Ok(mut pending) => pending.push(entry),
            Err(poisoned) => poisoned.into_inner().push(entry),
        }
    }

    fn take_pending(&self) -> Vec<JournalEntry> {
        let mut pending = match self.pending.lock() {
            Ok(pending) => pending,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::take(&mut *pending)
    }

    /// Puts entries that could not be written back in front of the queue.
    fn restore_pending(&self, mut entries: Vec<JournalEntry>) {
        let mut pending = match self.pending.lock() {
            Ok(pending) => pending,
            Err(poisoned) => poisoned.into_inner(),
        };
        entries.append(&mut pending);
        *pending = entries;
    }

    /// The part of a download check done on every download: one lock, no I/O, no allocation
    /// once the account, sender and mailbox are known. The account's baseline and hold must
    /// have been loaded (else it starts from nothing). The account is asked for a step-up as
    /// if it had a second factor; the caller checks that when a step-up is news.
    pub fn decide_download(
        &self,
        account: Id,
        org: Id,
        from: &str,
        envelope: &Envelope,
        reachable: &[Id],
        at: Timestamp,
    ) -> Decision {
        let mailbox = envelope
            .to
            .iter()
            .find_map(|(addressee, _)| match addressee {
                Addressee::Mailbox(id) if reachable.contains(id) => Some(*id),
                _ => None,
            });
        let address = rules::address_hash(from);
        self.with(|monitor| {
            let observation = Observation {
                at,
                account,
                org,
                address,
                has_second_factor: true,
                activity: Activity::Download {
                    bytes: envelope.size,
                    sender: envelope.sender.id,
                    mailbox,
                    canary: monitor.is_canary(envelope.id),
                },
            };
            let decision = monitor.observe(&observation);
            if decision.allowed() {
                self.journal(
                    at,
                    account,
                    org,
                    address,
                    JournalKind::Download,
                    (envelope.size, Some(envelope.sender.id), mailbox),
                );
            }
            decision
        })
    }

    /// Runs `f` on the monitor's state under its lock.
    pub fn with<T>(&self, f: impl FnOnce(&mut Monitor) -> T) -> T {
        // A panic while holding the lock cannot leave the counts inconsistent in a way that
        // matters more than refusing every download would: keep going with them.
        let mut monitor = match self.monitor.lock() {
            Ok(monitor) => monitor,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut monitor)
    }
}

/// Checks a download the caller is allowed by [`authorize`](crate::authz::authorize) to make.
/// `Err` is the 403 to answer: a step-up or a block.
pub async fn check_download(
    state: &AppState,
    principal: &Principal,
    envelope: &Envelope,
) -> Result<(), ApiError> {
    load(state, principal).await?;
    let at = now();
    let mut decision = state.monitor.decide_download(
        principal.account.id,
        principal.account.org.id,
        &principal.from,
        envelope,
        &principal.mailbox_ids,
        at,
    );
    if decision.new
        && decision.level == Level::StepUp
        && !has_second_factor(state, principal).await?
    {
        // Nobody can answer a step-up without a second factor: the next level holds.
        decision = state
            .monitor
            .with(|monitor| monitor.block(principal.account.id, at, decision));
    }
    if decision.new {
        record(state, principal, &decision, Some(envelope.id), at).await?;
    }
    if let Some(numbers) = decision.org_alert {
        let details = rules::describe(Rule::OrgBurst, Level::Alerted, &numbers);
        state
            .audit
            .record(principal.event("monitor.org_alert", Some(details.clone()), Outcome::Allowed))
            .await;
        let alert = NewAlert {
            at,
            org_id: principal.account.org.id,
            account_id: None,
            email: None,
            kind: "monitor.org_alert".into(),
            details,
        };
        state.store.add_alert(&alert).await?;
        state.audit.record(crate::audit::alert_event(&alert)).await;
        mail_admins(state, alert);
    }
    match decision.level {
        Level::Normal | Level::Alerted => Ok(()),
        Level::StepUp => Err(second_factor_again()),
        Level::Blocked => Err(downloads_blocked()),
    }
}

/// Counts a listing of the caller's inbox (or of one of its mailboxes). Listings are never
/// refused; deep listing alerts, and makes the download limits stricter.
pub async fn note_listing(
    state: &AppState,
    principal: &Principal,
    mailbox: Option<Id>,
) -> Result<(), ApiError> {
    load(state, principal).await?;
    let at = now();
    let observation = Observation {
        at,
        account: principal.account.id,
        org: principal.account.org.id,
        address: rules::address_hash(&principal.from),
        has_second_factor: true,
        activity: Activity::Listing { mailbox },
    };
    let decision = state.monitor.with(|monitor| monitor.observe(&observation));
    state.monitor.journal(
        at,
        observation.account,
        observation.org,
        observation.address,
        JournalKind::Listing,
        (0, None, mailbox),
    );
    if decision.new {
        record(state, principal, &decision, None, at).await?;
    }
    Ok(())
}

/// The caller gave its second factor again: lifts a pending step-up. Returns whether one was
/// pending.
pub async fn stepped_up(state: &AppState, principal: &Principal) -> Result<bool, ApiError> {
    load(state, principal).await?;
    let lifted = match state
        .store
        .lift_download_hold(principal.account.id, HoldKind::StepUp)
        .await
    {
        Ok(()) => true,
        Err(StoreError::NotFound) => false,
        Err(error) => return Err(error.into()),
    };
    let at = now();
    state
        .monitor
        .with(|monitor| monitor.stepped_up(principal.account.id, at));
    state.monitor.journal(
        at,
        principal.account.id,
        principal.account.org.id,
        0,
        JournalKind::SteppedUp,
        (0, None, None),
    );
    Ok(lifted)
}

/// An admin lifts a block (or a pending step-up) of `account` (of organisation `org`). Returns
/// whether there was one.
pub async fn lift(state: &AppState, account: Id, org: Id) -> Result<bool, ApiError> {
    let lifted = match state
        .store
        .lift_download_hold(account, HoldKind::Blocked)
        .await
    {
        Ok(()) => true,
        Err(StoreError::NotFound) => false,
        Err(error) => return Err(error.into()),
    };
    let at = now();
    state.monitor.with(|monitor| monitor.lift(account, at));
    state
        .monitor
        .journal(at, account, org, 0, JournalKind::Lift, (0, None, None));
    Ok(lifted)
}

/// Adds a planted canary to the ones downloads are checked against.
pub async fn add_canary(state: &AppState, envelope: Id) -> Result<(), ApiError> {
    load_canaries(state).await?;
    state.monitor.with(|monitor| monitor.add_canary(envelope));
    Ok(())
}

/// Saves the baselines that changed. Runs every minute and at shutdown.
pub async fn save_baselines(state: &AppState) -> Result<usize, StoreError> {
    let dirty = state.monitor.with(Monitor::take_dirty);
    let encoded: Vec<(Id, Vec<u8>)> = dirty
        .iter()
        .map(|(id, baseline)| (*id, baseline.encode()))
        .collect();
    state.store.save_monitor_baselines(&encoded, now()).await?;
    Ok(encoded.len())
}

/// Writes this server's pending journal entries and replays the other servers' new ones.
/// Returns how many entries of other servers were replayed. Entries that could not be written
/// are kept for the next call.
pub async fn sync(state: &AppState) -> Result<usize, StoreError> {
    let monitor = &state.monitor;
    let pending = monitor.take_pending();
    if !pending.is_empty()
        && let Err(error) = state.store.append_monitor_journal(&pending).await
    {
        monitor.restore_pending(pending);
        return Err(error);
    }
    let mut cursor = monitor.cursor.lock().await;
    let mut replayed = 0;
    loop {
        let page = state.store.monitor_journal(*cursor, JOURNAL_PAGE).await?;
        let full = page.len() == JOURNAL_PAGE as usize;
        monitor.with(|flows| {
            for (seq, entry) in &page {
                *cursor = *seq;
                if entry.instance != monitor.instance {
                    flows.replay(entry);
                    replayed += 1;
                }
            }
        });
        if !full {
            return Ok(replayed);
        }
    }
}

/// Deletes journal entries too old to count in any window.
pub async fn prune_journal(state: &AppState) -> Result<u64, StoreError> {
    state
        .store
        .prune_monitor_journal(now() - JOURNAL_KEPT_SECS)
        .await
}

/// Loads, the first time the account (and its organisation) is seen, its baseline and hold,
/// and once the canaries.
async fn load(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    load_canaries(state).await?;
    let account = principal.account.id;
    let org = principal.account.org.id;
    if !state.monitor.with(|monitor| monitor.knows_account(account)) {
        let baseline = load_baseline(state, account).await?;
        let hold = state
            .store
            .download_hold(account)
            .await?
            .map(|hold| match hold.kind {
                HoldKind::StepUp => Level::StepUp,
                HoldKind::Blocked => Level::Blocked,
            });
        state
            .monitor
            .with(|monitor| monitor.load_account(account, baseline, hold));
    }
    if !state.monitor.with(|monitor| monitor.knows_org(org)) {
        let baseline = load_baseline(state, org).await?;
        state
            .monitor
            .with(|monitor| monitor.load_org(org, baseline));
    }
    Ok(())
}

async fn load_baseline(state: &AppState, subject: Id) -> Result<Baseline, ApiError> {
    let Some(bytes) = state.store.monitor_baseline(subject).await? else {
        return Ok(Baseline::default());
    };
    Ok(Baseline::decode(&bytes).unwrap_or_else(|_| {
        // Learning starts over: the floors still hold, so nothing is let through unchecked.
        tracing::warn!(%subject, "unreadable monitor baseline, starting over");
        Baseline::default()
    }))
}

async fn load_canaries(state: &AppState) -> Result<(), ApiError> {
    state
        .monitor
        .canaries_loaded
        .get_or_try_init(|| async {
            let canaries = state.store.canaries(None).await?;
            state.monitor.with(|monitor| {
                for canary in &canaries {
                    monitor.add_canary(canary.envelope_id);
                }
            });
            Ok::<(), StoreError>(())
        })
        .await?;
    Ok(())
}

async fn has_second_factor(state: &AppState, principal: &Principal) -> Result<bool, ApiError> {
    Ok(state
        .store
        .totp(principal.account.id)
        .await?
        .is_some_and(|totp| totp.confirmed))
}

/// The audit event, the hold and the alert of a decision that is news.
async fn record(
    state: &AppState,
    principal: &Principal,
    decision: &Decision,
    envelope: Option<Id>,
    at: Timestamp,
) -> Result<(), ApiError> {
    let mut details = decision.describe();
    if let Some(envelope) = envelope {
        details.push_str(" envelope=");
        details.push_str(&envelope.to_string());
    }
    let (action, outcome, kind) = match (decision.rule, decision.level) {
        (Rule::Canary, _) => ("monitor.canary", Outcome::Denied, "canary.download"),
        (_, Level::Blocked) => ("monitor.block", Outcome::Denied, "monitor.block"),
        (_, Level::StepUp) => ("monitor.step_up", Outcome::Denied, "monitor.step_up"),
        _ => ("monitor.alert", Outcome::Allowed, "monitor.alert"),
    };
    let hold = match decision.level {
        Level::StepUp => Some(HoldKind::StepUp),
        Level::Blocked => Some(HoldKind::Blocked),
        Level::Normal | Level::Alerted => None,
    };
    if let Some(kind) = hold {
        state.monitor.journal(
            at,
            principal.account.id,
            principal.account.org.id,
            rules::address_hash(&principal.from),
            JournalKind::Hold(kind),
            (0, None, None),
        );
        state
            .store
            .set_download_hold(&DownloadHold {
                account_id: principal.account.id,
                kind,
                at,
                rule: decision.rule.as_str().to_owned(),
                details: details.clone(),
            })
            .await?;
    }
    let event = principal.event(action, Some(details.clone()), outcome);
    if hold.is_some() {
        state.audit.record_durable(event).await?;
    } else {
        state.audit.record(event).await;
    }
    let alert = NewAlert {
        at,
        org_id: principal.account.org.id,
        account_id: Some(principal.account.id),
        email: Some(principal.account.email.clone()),
        kind: kind.into(),
        details,
    };
    state.store.add_alert(&alert).await?;
    state.audit.record(crate::audit::alert_event(&alert)).await;
    mail_admins(state, alert);
    Ok(())
}

/// Mails an alert to the organisation's admins through the notifier, in the background: a
/// slow or failing mail server never delays or fails the request. Without a notifier the
/// alert is in `pli admin alerts` only.
fn mail_admins(state: &AppState, alert: NewAlert) {
    let Some(notifier) = state.notifier.clone() else {
        return;
    };
    let store = state.store.clone();
    tokio::spawn(async move {
        let admins = match store.org_admin_emails(alert.org_id).await {
            Ok(admins) => admins,
            Err(error) => {
                tracing::error!(%error, kind = %alert.kind, "finding the admins to mail an alert failed");
                return;
            }
        };
        let account = alert
            .email
            .as_deref()
            .unwrap_or("(l'organisation / the organisation)");
        for admin in admins {
            let mail = crate::notify::Mail {
                to: admin,
                subject: format!("Pli : alerte de sécurité {} / security alert", alert.kind),
                body: format!(
                    "Alerte de sécurité du moniteur de flux de Pli.\n\n\
                     Type : {kind}\n\
                     Compte : {account}\n\
                     Date : {at}\n\
                     Détails : {details}\n\n\
                     `pli admin alerts` liste les alertes ; `pli admin unblock EMAIL --reason TEXTE` \
                     lève un blocage.\n\n\
                     ---\n\
                     Security alert of Pli's flow monitor: {kind}, account {account}, at {at}: \
                     {details}\n",
                    kind = alert.kind,
                    at = crate::auth::rfc3339(alert.at),
                    details = alert.details,
                ),
            };
            if let Err(error) = notifier.mail(&mail).await {
                tracing::error!(%error, kind = %alert.kind, "mailing an alert failed");
            }
        }
    });
}

fn second_factor_again() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "second_factor_again",
        "unusual download activity: give your second-factor code again before downloading more",
    )
}

fn downloads_blocked() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "downloads_blocked",
        "downloads of this account are blocked after unusual activity; an admin of your \
         organisation can lift the block with `pli admin unblock EMAIL --reason TEXT`",
    )
}
