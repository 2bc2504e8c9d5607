//! The flow monitor's decisions, as pure computation: no clock (every observation carries its
//! time), no store, no lock. [`Monitor::observe`] costs a few hundred nanoseconds and allocates
//! only when an account, sender or mailbox is first seen.

use pli_store::{HoldKind, Id, JournalEntry, JournalKind, Timestamp};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::baseline::Baseline;

/// Seconds of the short window.
pub const BURST_SECS: i64 = 600;
/// Seconds of the long window.
pub const HOUR_SECS: i64 = 3_600;
/// Seconds of the daily window (sliding, by hour).
pub const DAY_SECS: i64 = 86_400;
/// How long an address first seen counts as new, once the account has a history.
pub const NEW_ADDRESS_SECS: i64 = 86_400;
/// How long a confirmed step-up spares the account a second one.
pub const STEP_UP_GRACE_SECS: i64 = 3_600;

/// Thresholds of the rules. Limits are "at most this many per window" before the rule fires;
/// an account's learned peaks raise them, never lower them.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Downloads in 10 minutes that a new account may reach without an alert.
    pub burst_floor: f64,
    /// Downloads in an hour.
    pub hour_floor: f64,
    /// Downloads in 24 hours.
    pub day_floor: f64,
    /// Listing calls (inbox pages) in 10 minutes.
    pub listing_floor: f64,
    /// Distinct mailboxes reached in an hour before the reach counts as wide.
    pub mailboxes_floor: f64,
    /// Distinct senders downloaded from in an hour before the reach counts as wide.
    pub senders_floor: f64,
    /// Downloads of a whole organisation in 10 minutes.
    pub org_burst_floor: f64,
    /// A learned peak times this is the limit.
    pub peak_factor: f64,
    /// However much is learned, no limit exceeds its floor times this.
    pub max_learned: f64,
    /// Each condition (new address, unusual hour, wide reach, deep listing) divides the
    /// download limits by this; together by at most [`Limits::max_penalty`].
    pub penalty: f64,
    pub max_penalty: f64,
    /// Ratio of count to limit at which the account must give its second factor again, and
    /// at which its downloads are blocked (an alert comes at 1).
    pub step_up_ratio: f64,
    pub block_ratio: f64,
    /// Days of history before the hour profile and address history are trusted.
    pub learning_days: u32,
}

impl Limits {
    /// The limit of a window: its floor, raised by the account's learned peak up to a ceiling.
    pub fn learned(&self, floor: f64, peak: f64) -> f64 {
        floor.max((self.peak_factor * peak).min(floor * self.max_learned))
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            burst_floor: 20.0,
            hour_floor: 60.0,
            day_floor: 250.0,
            listing_floor: 40.0,
            mailboxes_floor: 3.0,
            senders_floor: 30.0,
            org_burst_floor: 300.0,
            peak_factor: 1.5,
            max_learned: 5.0,
            penalty: 1.5,
            max_penalty: 4.0,
            step_up_ratio: 1.5,
            block_ratio: 2.0,
            learning_days: 5,
        }
    }
}

/// What an account did.
#[derive(Clone, Copy, Debug)]
pub enum Activity {
    /// Downloaded an envelope's ciphertext.
    Download {
        bytes: u64,
        sender: Id,
        /// The mailbox through which the account reached it, if not addressed directly.
        mailbox: Option<Id>,
        /// The envelope is a canary: nobody's work touches it.
        canary: bool,
    },
    /// Listed a page of its inbox (or of one mailbox).
    Listing { mailbox: Option<Id> },
}

/// One request, as the monitor sees it.
#[derive(Clone, Copy, Debug)]
pub struct Observation {
    pub at: Timestamp,
    pub account: Id,
    pub org: Id,
    /// A stable hash of the client address ([`address_hash`]).
    pub address: u64,
    /// The account has a confirmed second factor, so a step-up can be answered.
    pub has_second_factor: bool,
    pub activity: Activity,
}

/// How far an account's episode has escalated; also what is held against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Normal,
    Alerted,
    StepUp,
    Blocked,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Normal => "allow",
            Level::Alerted => "alert",
            Level::StepUp => "step_up",
            Level::Blocked => "block",
        }
    }
}

/// The rule behind a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Downloads in 10 minutes.
    Burst,
    /// Downloads in an hour.
    Hour,
    /// Downloads in 24 hours.
    Day,
    /// Inbox pages in 10 minutes.
    Listing,
    /// Downloads of the whole organisation in 10 minutes.
    OrgBurst,
    /// A canary envelope was downloaded.
    Canary,
    /// A step-up or block already holds.
    Held,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Burst => "downloads_10m",
            Rule::Hour => "downloads_1h",
            Rule::Day => "downloads_24h",
            Rule::Listing => "listing_depth_10m",
            Rule::OrgBurst => "org_downloads_10m",
            Rule::Canary => "canary",
            Rule::Held => "held",
        }
    }
}

/// The numbers a decision was made on: counts only, never content.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Numbers {
    /// The count the rule compared and its limit (after penalties).
    pub count: u32,
    pub limit: f64,
    pub downloads_10m: u32,
    pub downloads_1h: u32,
    pub downloads_24h: u32,
    pub bytes_1h: u64,
    pub senders_1h: u32,
    pub mailboxes_1h: u32,
    pub listings_10m: u32,
    pub new_address: bool,
    pub off_hours: bool,
    pub penalty: f64,
}

/// The monitor's answer about one observation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// `Normal` lets it through silently; `Alerted` lets it through and alerts the admins;
    /// `StepUp` and `Blocked` refuse it.
    pub level: Level,
    pub rule: Rule,
    pub numbers: Numbers,
    /// This decision is news (an escalation, or an organisation alert): record and alert it.
    /// Refusals under a hold that is already known are not news.
    pub new: bool,
    /// The organisation's own window crossed its limit on this observation.
    pub org_alert: Option<Numbers>,
}

impl Decision {
    /// Whether the request goes ahead.
    pub fn allowed(&self) -> bool {
        self.level <= Level::Alerted
    }

    /// `rule=... action=... downloads_10m=... ...`: what the audit event and alert say.
    pub fn describe(&self) -> String {
        describe(self.rule, self.level, &self.numbers)
    }
}

/// The text of an audit target or alert about `numbers`.
pub fn describe(rule: Rule, level: Level, numbers: &Numbers) -> String {
    let mut text = String::with_capacity(200);
    let _ = write!(
        text,
        "rule={} action={} count={} limit={:.1} downloads_10m={} downloads_1h={} downloads_24h={} \
         bytes_1h={} senders_1h={} mailboxes_1h={} listings_10m={} new_address={} off_hours={} \
         penalty={:.2}",
        rule.as_str(),
        level.as_str(),
        numbers.count,
        numbers.limit,
        numbers.downloads_10m,
        numbers.downloads_1h,
        numbers.downloads_24h,
        numbers.bytes_1h,
        numbers.senders_1h,
        numbers.mailboxes_1h,
        numbers.listings_10m,
        numbers.new_address,
        numbers.off_hours,
        numbers.penalty,
    );
    text
}

/// A stable 64-bit hash of a client address (the first 8 bytes of its SHA-256), so baselines
/// keep no address in the clear and survive compiler upgrades.
pub fn address_hash(address: &str) -> u64 {
    let digest = crate::auth::sha256(address.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

/// Per-minute counts over the last hour, in a ring: no allocation after creation.
#[derive(Clone, Debug)]
pub(crate) struct Window {
    minutes: [Bucket; 60],
    hours: [HourBucket; 24],
}

#[derive(Clone, Copy, Debug, Default)]
struct Bucket {
    minute: i64,
    downloads: u32,
    listings: u32,
    bytes: u64,
}

#[derive(Clone, Copy, Debug, Default)]
struct HourBucket {
    hour: i64,
    downloads: u32,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub downloads_10m: u32,
    pub downloads_1h: u32,
    pub downloads_24h: u32,
    pub bytes_1h: u64,
    pub listings_10m: u32,
}

impl Window {
    pub(crate) fn new() -> Window {
        Window {
            minutes: [Bucket {
                minute: i64::MIN,
                ..Bucket::default()
            }; 60],
            hours: [HourBucket {
                hour: i64::MIN,
                downloads: 0,
            }; 24],
        }
    }

    pub(crate) fn add(&mut self, at: Timestamp, downloads: u32, listings: u32, bytes: u64) {
        // A count replayed from another server may be older than a slot's occupant: it then
        // belongs to a window that has passed, and must not wipe the newer counts.
        let minute = at.div_euclid(60);
        let bucket = &mut self.minutes[minute.rem_euclid(60) as usize];
        if bucket.minute < minute {
            *bucket = Bucket {
                minute,
                ..Bucket::default()
            };
        }
        if bucket.minute == minute {
            bucket.downloads = bucket.downloads.saturating_add(downloads);
            bucket.listings = bucket.listings.saturating_add(listings);
            bucket.bytes = bucket.bytes.saturating_add(bytes);
        }
        let hour = at.div_euclid(3600);
        let slot = &mut self.hours[hour.rem_euclid(24) as usize];
        if slot.hour < hour {
            *slot = HourBucket { hour, downloads: 0 };
        }
        if slot.hour == hour {
            slot.downloads = slot.downloads.saturating_add(downloads);
        }
    }

    pub(crate) fn counts(&self, at: Timestamp) -> Counts {
        let minute = at.div_euclid(60);
        let hour = at.div_euclid(3600);
        let mut counts = Counts::default();
        for bucket in &self.minutes {
            let age = minute.saturating_sub(bucket.minute);
            if (0..60).contains(&age) {
                counts.downloads_1h += bucket.downloads;
                counts.bytes_1h = counts.bytes_1h.saturating_add(bucket.bytes);
                if age < 10 {
                    counts.downloads_10m += bucket.downloads;
                    counts.listings_10m += bucket.listings;
                }
            }
        }
        for slot in &self.hours {
            if (0..24).contains(&hour.saturating_sub(slot.hour)) {
                counts.downloads_24h += slot.downloads;
            }
        }
        counts
    }
}

/// Distinct ids seen within the last hour.
#[derive(Clone, Debug, Default)]
struct Distinct {
    seen: HashMap<Id, Timestamp>,
    pruned_at: Timestamp,
}

impl Distinct {
    fn count_with(&mut self, id: Id, at: Timestamp) -> u32 {
        if at - self.pruned_at >= 60 {
            self.seen.retain(|_, last| at - *last < HOUR_SECS);
            self.pruned_at = at;
        }
        let known = self.seen.contains_key(&id);
        self.seen.len() as u32 + u32::from(!known)
    }

    fn insert(&mut self, id: Id, at: Timestamp) {
        self.seen.insert(id, at);
    }
}

/// Everything the monitor holds about one account.
#[derive(Clone, Debug)]
pub(crate) struct AccountFlow {
    pub(crate) baseline: Baseline,
    window: Window,
    senders: Distinct,
    mailboxes: Distinct,
    /// The escalation of the current episode, and when it last rose.
    level: Level,
    level_at: Timestamp,
    /// What refuses this account's downloads until an admin or a second factor lifts it.
    pub(crate) hold: Option<Level>,
    stepped_up_at: Option<Timestamp>,
    /// The baseline changed since it was last saved.
    pub(crate) dirty: bool,
    /// The persisted baseline and hold are installed; `false` while only other servers' counts
    /// (replayed from the journal) are known.
    loaded: bool,
}

impl AccountFlow {
    pub(crate) fn new(baseline: Baseline, hold: Option<Level>) -> AccountFlow {
        AccountFlow {
            baseline,
            window: Window::new(),
            senders: Distinct::default(),
            mailboxes: Distinct::default(),
            level: hold.unwrap_or(Level::Normal),
            level_at: 0,
            hold,
            stepped_up_at: None,
            dirty: false,
            loaded: true,
        }
    }

    /// An account known so far only from other servers' journal entries.
    fn replayed() -> AccountFlow {
        AccountFlow {
            loaded: false,
            ..AccountFlow::new(Baseline::default(), None)
        }
    }
}

/// An organisation's own window and peak.
#[derive(Clone, Debug)]
pub(crate) struct OrgFlow {
    pub(crate) baseline: Baseline,
    window: Window,
    alerted_at: Option<Timestamp>,
    pub(crate) dirty: bool,
    /// As [`AccountFlow`]'s.
    loaded: bool,
}

impl OrgFlow {
    fn new(baseline: Baseline, loaded: bool) -> OrgFlow {
        OrgFlow {
            baseline,
            window: Window::new(),
            alerted_at: None,
            dirty: false,
            loaded,
        }
    }
}

/// The flow monitor's state over every account and organisation it has seen.
#[derive(Debug, Default)]
pub struct Monitor {
    limits: Limits,
    pub(crate) accounts: HashMap<Id, AccountFlow>,
    pub(crate) orgs: HashMap<Id, OrgFlow>,
    pub(crate) canaries: HashSet<Id>,
}

impl Monitor {
    pub fn new(limits: Limits) -> Monitor {
        Monitor {
            limits,
            ..Monitor::default()
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether the account's baseline and hold are loaded (else the caller loads them first
    /// with [`Monitor::load_account`]; an account never loaded starts from nothing).
    pub fn knows_account(&self, account: Id) -> bool {
        self.accounts.get(&account).is_some_and(|flow| flow.loaded)
    }

    pub fn knows_org(&self, org: Id) -> bool {
        self.orgs.get(&org).is_some_and(|flow| flow.loaded)
    }

    /// Installs an account's persisted baseline and hold, keeping the counts already replayed
    /// from other servers.
    pub fn load_account(&mut self, account: Id, baseline: Baseline, hold: Option<Level>) {
        let flow = self
            .accounts
            .entry(account)
            .or_insert_with(|| AccountFlow::new(baseline.clone(), hold));
        if !flow.loaded {
            flow.baseline = baseline;
            flow.hold = hold;
            flow.level = hold.unwrap_or(Level::Normal);
            flow.loaded = true;
        }
    }

    /// Installs an organisation's persisted baseline, keeping the counts already replayed.
    pub fn load_org(&mut self, org: Id, baseline: Baseline) {
        let flow = self
            .orgs
            .entry(org)
            .or_insert_with(|| OrgFlow::new(baseline.clone(), true));
        if !flow.loaded {
            flow.baseline = baseline;
            flow.loaded = true;
        }
    }

    /// Counts what another server let through (a download or a listing it decided on), or
    /// applies a hold, lift or step-up it made: nothing is decided here, the other server
    /// did. Baselines are left to the server that served the request.
    pub fn replay(&mut self, entry: &JournalEntry) {
        let at = entry.at;
        let flow = self
            .accounts
            .entry(entry.account_id)
            .or_insert_with(AccountFlow::replayed);
        match entry.kind {
            JournalKind::Download => {
                flow.window.add(at, 1, 0, entry.bytes);
                if let Some(sender) = entry.sender_id {
                    flow.senders.insert(sender, at);
                }
                if let Some(mailbox) = entry.mailbox_id {
                    flow.mailboxes.insert(mailbox, at);
                }
                let org = self
                    .orgs
                    .entry(entry.org_id)
                    .or_insert_with(|| OrgFlow::new(Baseline::default(), false));
                org.window.add(at, 1, 0, 0);
            }
            JournalKind::Listing => {
                flow.window.add(at, 0, 1, 0);
                if let Some(mailbox) = entry.mailbox_id {
                    flow.mailboxes.insert(mailbox, at);
                }
            }
            JournalKind::Hold(kind) => {
                let level = match kind {
                    HoldKind::StepUp => Level::StepUp,
                    HoldKind::Blocked => Level::Blocked,
                };
                // A step-up never replaces a block (as in the store).
                if flow.hold.is_none_or(|held| held < level) {
                    flow.hold = Some(level);
                }
                if flow.level < level {
                    flow.level = level;
                    flow.level_at = at;
                }
            }
            JournalKind::Lift => self.lift(entry.account_id, at),
            JournalKind::SteppedUp => {
                self.stepped_up(entry.account_id, at);
            }
        }
    }

    /// The hold on an account's downloads, if any.
    pub fn hold(&self, account: Id) -> Option<Level> {
        self.accounts.get(&account).and_then(|flow| flow.hold)
    }

    /// Lifts a block or a pending step-up (an admin's unblock); the episode starts over.
    pub fn lift(&mut self, account: Id, at: Timestamp) {
        if let Some(flow) = self.accounts.get_mut(&account) {
            flow.hold = None;
            flow.level = Level::Normal;
            flow.level_at = at;
            flow.window = Window::new();
            flow.senders = Distinct::default();
            flow.mailboxes = Distinct::default();
        }
    }

    /// The account gave its second factor again: a pending step-up ends, and none is asked
    /// for an hour (a block still comes at the block ratio).
    pub fn stepped_up(&mut self, account: Id, at: Timestamp) -> bool {
        let Some(flow) = self.accounts.get_mut(&account) else {
            return false;
        };
        flow.stepped_up_at = Some(at);
        if flow.hold == Some(Level::StepUp) {
            flow.hold = None;
            // Once the grace ends, heavy use asks for the second factor again.
            flow.level = Level::Alerted;
            flow.level_at = at;
            return true;
        }
        false
    }

    /// Turns a step-up that nobody can answer (the account has no second factor) into a block.
    pub fn block(&mut self, account: Id, at: Timestamp, decision: Decision) -> Decision {
        if let Some(flow) = self.accounts.get_mut(&account) {
            flow.baseline.taint(at);
            flow.dirty = true;
            flow.hold = Some(Level::Blocked);
            flow.level = Level::Blocked;
            flow.level_at = at;
        }
        Decision {
            level: Level::Blocked,
            new: true,
            ..decision
        }
    }

    pub fn add_canary(&mut self, envelope: Id) {
        self.canaries.insert(envelope);
    }

    pub fn is_canary(&self, envelope: Id) -> bool {
        self.canaries.contains(&envelope)
    }

    /// Baselines changed since the last call, to be saved.
    pub fn take_dirty(&mut self) -> Vec<(Id, Baseline)> {
        let mut dirty = Vec::new();
        for (id, flow) in &mut self.accounts {
            if flow.dirty {
                flow.dirty = false;
                dirty.push((*id, flow.baseline.clone()));
            }
        }
        for (id, flow) in &mut self.orgs {
            if flow.dirty {
                flow.dirty = false;
                dirty.push((*id, flow.baseline.clone()));
            }
        }
        dirty
    }

    /// Decides about one request and, when it goes ahead, counts it.
    pub fn observe(&mut self, observation: &Observation) -> Decision {
        let limits = self.limits.clone();
        let at = observation.at;
        let flow = self
            .accounts
            .entry(observation.account)
            .or_insert_with(|| AccountFlow::new(Baseline::default(), None));
        flow.loaded = true;
        flow.baseline.roll(at, &limits);
        let counts = flow.window.counts(at);
        let known_address = flow.baseline.address_known(observation.address, at);
        let new_address = !known_address && flow.baseline.has_history(&limits);
        let off_hours = flow.baseline.off_hours(at, &limits);
        let mut numbers = Numbers {
            downloads_10m: counts.downloads_10m,
            downloads_1h: counts.downloads_1h,
            downloads_24h: counts.downloads_24h,
            bytes_1h: counts.bytes_1h,
            senders_1h: flow.senders.seen.len() as u32,
            mailboxes_1h: flow.mailboxes.seen.len() as u32,
            listings_10m: counts.listings_10m,
            new_address,
            off_hours,
            penalty: 1.0,
            ..Numbers::default()
        };
        let decision = match observation.activity {
            Activity::Listing { mailbox } => {
                numbers.listings_10m += 1;
                if let Some(mailbox) = mailbox {
                    numbers.mailboxes_1h = flow.mailboxes.count_with(mailbox, at);
                }
                let limit = limits.learned(limits.listing_floor, flow.baseline.peak.listings_10m);
                numbers.count = numbers.listings_10m;
                numbers.limit = limit;
                flow.window.add(at, 0, 1, 0);
                if let Some(mailbox) = mailbox {
                    flow.mailboxes.insert(mailbox, at);
                }
                flow.baseline
                    .note(at, Some(observation.address), &numbers, false);
                flow.dirty = true;
                // Listing shows routing metadata only: it alerts, it never refuses.
                let wanted = if f64::from(numbers.listings_10m) > limit {
                    Level::Alerted
                } else {
                    Level::Normal
                };
                escalate(flow, wanted, Rule::Listing, numbers, at, false)
            }
            Activity::Download {
                bytes,
                sender,
                mailbox,
                canary,
            } => {
                if let Some(hold) = flow.hold {
                    return Decision {
                        level: hold,
                        rule: Rule::Held,
                        numbers,
                        new: false,
                        org_alert: None,
                    };
                }
                numbers.downloads_10m += 1;
                numbers.downloads_1h += 1;
                numbers.downloads_24h += 1;
                numbers.bytes_1h = numbers.bytes_1h.saturating_add(bytes);
                numbers.senders_1h = flow.senders.count_with(sender, at);
                if let Some(mailbox) = mailbox {
                    numbers.mailboxes_1h = flow.mailboxes.count_with(mailbox, at);
                }
                if canary {
                    numbers.count = 1;
                    numbers.limit = 0.0;
                    flow.baseline.taint(at);
                    flow.dirty = true;
                    flow.hold = Some(Level::Blocked);
                    flow.level = Level::Blocked;
                    flow.level_at = at;
                    return Decision {
                        level: Level::Blocked,
                        rule: Rule::Canary,
                        numbers,
                        new: true,
                        org_alert: None,
                    };
                }
                let peak = &flow.baseline.peak;
                let mut penalty = 1.0;
                let conditions = [
                    new_address,
                    off_hours,
                    f64::from(numbers.mailboxes_1h)
                        > limits.learned(
                            limits.mailboxes_floor,
                            peak.mailboxes_1h.ceil() / limits.peak_factor,
                        ),
                    f64::from(numbers.senders_1h)
                        > limits.learned(limits.senders_floor, peak.senders_1h),
                    f64::from(numbers.listings_10m)
                        > limits.learned(limits.listing_floor, peak.listings_10m),
                ];
                for condition in conditions {
                    if condition {
                        penalty *= limits.penalty;
                    }
                }
                penalty = penalty.min(limits.max_penalty);
                numbers.penalty = penalty;
                let windows = [
                    (
                        Rule::Burst,
                        numbers.downloads_10m,
                        limits.learned(limits.burst_floor, peak.downloads_10m) / penalty,
                    ),
                    (
                        Rule::Hour,
                        numbers.downloads_1h,
                        limits.learned(limits.hour_floor, peak.downloads_1h) / penalty,
                    ),
                    (
                        Rule::Day,
                        numbers.downloads_24h,
                        limits.learned(limits.day_floor, peak.downloads_24h),
                    ),
                ];
                let mut rule = Rule::Burst;
                let mut ratio = f64::MIN;
                for (window_rule, count, limit) in windows {
                    let window_ratio = f64::from(count) / limit;
                    if window_ratio > ratio {
                        ratio = window_ratio;
                        rule = window_rule;
                        numbers.count = count;
                        numbers.limit = limit;
                    }
                }
                let mut wanted = if ratio >= limits.block_ratio {
                    Level::Blocked
                } else if ratio >= limits.step_up_ratio {
                    Level::StepUp
                } else if ratio > 1.0 {
                    Level::Alerted
                } else {
                    Level::Normal
                };
                if wanted == Level::StepUp {
                    let confirmed = flow
                        .stepped_up_at
                        .is_some_and(|then| at - then < STEP_UP_GRACE_SECS);
                    if confirmed {
                        wanted = Level::Alerted;
                    } else if !observation.has_second_factor {
                        // Nobody can answer a step-up without a second factor: the next
                        // level holds instead.
                        wanted = Level::Blocked;
                    }
                }
                let decision = escalate(flow, wanted, rule, numbers, at, true);
                if decision.allowed() {
                    flow.window.add(at, 1, 0, bytes);
                    flow.senders.insert(sender, at);
                    if let Some(mailbox) = mailbox {
                        flow.mailboxes.insert(mailbox, at);
                    }
                    // A day with an episode that reached a step-up teaches nothing (see
                    // `Baseline::taint`).
                    flow.baseline
                        .note(at, Some(observation.address), &numbers, true);
                    flow.dirty = true;
                }
                decision
            }
        };
        if !decision.allowed() || !matches!(observation.activity, Activity::Download { .. }) {
            return decision;
        }
        let org_alert = self.observe_org(observation, &limits);
        Decision {
            org_alert,
            ..decision
        }
    }

    fn observe_org(&mut self, observation: &Observation, limits: &Limits) -> Option<Numbers> {
        let at = observation.at;
        let org = self
            .orgs
            .entry(observation.org)
            .or_insert_with(|| OrgFlow::new(Baseline::default(), true));
        org.baseline.roll(at, limits);
        org.window.add(at, 1, 0, 0);
        let counts = org.window.counts(at);
        let numbers = Numbers {
            count: counts.downloads_10m,
            limit: limits.learned(limits.org_burst_floor, org.baseline.peak.downloads_10m),
            downloads_10m: counts.downloads_10m,
            downloads_1h: counts.downloads_1h,
            downloads_24h: counts.downloads_24h,
            penalty: 1.0,
            ..Numbers::default()
        };
        org.baseline.note(at, None, &numbers, true);
        org.dirty = true;
        let quiet = org.alerted_at.is_none_or(|then| at - then >= HOUR_SECS);
        if f64::from(numbers.count) > numbers.limit && quiet {
            org.alerted_at = Some(at);
            return Some(numbers);
        }
        None
    }
}

/// Raises the episode's level to `wanted` if higher: that is news. A quiet account falls back
/// to normal an hour after its last escalation (holds stay until lifted).
fn escalate(
    flow: &mut AccountFlow,
    wanted: Level,
    rule: Rule,
    numbers: Numbers,
    at: Timestamp,
    holds: bool,
) -> Decision {
    if wanted == Level::Normal
        && flow.hold.is_none()
        && flow.level != Level::Normal
        && at - flow.level_at >= HOUR_SECS
    {
        flow.level = Level::Normal;
    }
    if wanted > flow.level {
        flow.level = wanted;
        flow.level_at = at;
        if holds && wanted >= Level::StepUp {
            flow.hold = Some(wanted);
            flow.baseline.taint(at);
            flow.dirty = true;
        }
        return Decision {
            level: wanted,
            rule,
            numbers,
            new: true,
            org_alert: None,
        };
    }
    Decision {
        level: wanted.min(Level::Alerted),
        rule,
        numbers,
        new: false,
        org_alert: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::simulate::{self, MONTH_START};
    use super::*;

    struct Clock {
        monitor: Monitor,
        account: Id,
        org: Id,
        at: Timestamp,
        address: u64,
        second_factor: bool,
    }

    impl Clock {
        fn new() -> Clock {
            Clock {
                monitor: Monitor::default(),
                account: Id::random(),
                org: Id::random(),
                // A Tuesday, 10:00 UTC.
                at: MONTH_START + 86_400 + 10 * 3_600,
                address: 1,
                second_factor: true,
            }
        }

        fn download(&mut self, sender: Id, mailbox: Option<Id>, canary: bool) -> Decision {
            self.monitor.observe(&Observation {
                at: self.at,
                account: self.account,
                org: self.org,
                address: self.address,
                has_second_factor: self.second_factor,
                activity: Activity::Download {
                    bytes: 1000,
                    sender,
                    mailbox,
                    canary,
                },
            })
        }

        fn list(&mut self) -> Decision {
            self.monitor.observe(&Observation {
                at: self.at,
                account: self.account,
                org: self.org,
                address: self.address,
                has_second_factor: self.second_factor,
                activity: Activity::Listing { mailbox: None },
            })
        }

        /// Downloads every `gap` seconds until refused; returns how many went through and the
        /// news on the way.
        fn sweep(&mut self, gap: i64) -> (u32, Vec<(Rule, Level)>) {
            let sender = Id::random();
            let mut news = Vec::new();
            for done in 0..10_000 {
                self.at += gap;
                let decision = self.download(sender, None, false);
                if decision.new {
                    news.push((decision.rule, decision.level));
                }
                if !decision.allowed() {
                    return (done, news);
                }
            }
            (10_000, news)
        }
    }

    #[test]
    fn a_fast_sweep_alerts_then_asks_the_second_factor_then_blocks() {
        let mut clock = Clock::new();
        let (done, news) = clock.sweep(2);
        assert_eq!(
            news,
            vec![(Rule::Burst, Level::Alerted), (Rule::Burst, Level::StepUp)]
        );
        assert_eq!(
            done, 29,
            "the step-up comes at 1.5 times the 20-download floor"
        );
        assert_eq!(clock.monitor.hold(clock.account), Some(Level::StepUp));
        // Held: refused without news, and not counted.
        clock.at += 2;
        let held = clock.download(Id::random(), None, false);
        assert_eq!(
            (held.level, held.rule, held.new),
            (Level::StepUp, Rule::Held, false)
        );

        assert!(clock.monitor.stepped_up(clock.account, clock.at));
        let (more, news) = clock.sweep(2);
        assert_eq!(news, vec![(Rule::Burst, Level::Blocked)]);
        assert_eq!(done + more, 39, "blocked at twice the floor");
        assert_eq!(clock.monitor.hold(clock.account), Some(Level::Blocked));
        assert!(
            !clock.monitor.stepped_up(clock.account, clock.at),
            "a code lifts no block"
        );
        assert_eq!(clock.monitor.hold(clock.account), Some(Level::Blocked));

        clock.monitor.lift(clock.account, clock.at);
        assert_eq!(clock.monitor.hold(clock.account), None);
        clock.at += 1;
        assert!(clock.download(Id::random(), None, false).allowed());
    }

    #[test]
    fn without_a_second_factor_the_step_up_is_a_block() {
        let mut clock = Clock::new();
        clock.second_factor = false;
        let (done, news) = clock.sweep(2);
        assert_eq!(
            news,
            vec![(Rule::Burst, Level::Alerted), (Rule::Burst, Level::Blocked)]
        );
        assert_eq!(done, 29);
    }

    #[test]
    fn a_canary_blocks_at_once() {
        let mut clock = Clock::new();
        assert!(clock.download(Id::random(), None, false).allowed());
        let decision = clock.download(Id::random(), None, true);
        assert_eq!(
            (decision.level, decision.rule, decision.new),
            (Level::Blocked, Rule::Canary, true)
        );
        assert_eq!(clock.monitor.hold(clock.account), Some(Level::Blocked));
        assert!(!clock.download(Id::random(), None, false).allowed());
    }

    #[test]
    fn an_hourly_pace_under_the_burst_limit_is_caught_by_the_hour_window() {
        let mut clock = Clock::new();
        // 15 every 10 minutes stays under the burst floor of 20.
        let (done, news) = clock.sweep(40);
        assert_eq!(news.first(), Some(&(Rule::Hour, Level::Alerted)));
        assert_eq!(news.last(), Some(&(Rule::Hour, Level::StepUp)));
        // The first download leaves the hour as the 91st comes.
        assert_eq!(done, 90);
    }

    #[test]
    fn a_slow_day_long_sweep_is_caught_by_the_day_window() {
        let mut clock = Clock::new();
        // 30 an hour stays under both the burst and the hour floors.
        let (done, news) = clock.sweep(120);
        assert_eq!(news.last(), Some(&(Rule::Day, Level::StepUp)));
        assert_eq!(done, 374);
    }

    #[test]
    fn quiet_work_is_never_news_and_windows_slide() {
        let mut clock = Clock::new();
        for _ in 0..200 {
            clock.at += 180;
            let decision = clock.download(Id::random(), None, false);
            assert!(decision.allowed() && !decision.new);
        }
        let counts = clock.monitor.accounts[&clock.account]
            .window
            .counts(clock.at);
        assert_eq!(counts.downloads_10m, 4);
        assert_eq!(counts.downloads_1h, 20);
        assert_eq!(counts.downloads_24h, 200);
    }

    #[test]
    fn deep_listing_alerts_and_tightens_the_download_limits() {
        let mut clock = Clock::new();
        let mut news = Vec::new();
        for _ in 0..45 {
            clock.at += 1;
            let decision = clock.list();
            assert!(decision.allowed(), "listings are never refused");
            if decision.new {
                news.push((decision.rule, decision.level));
            }
        }
        assert_eq!(news, vec![(Rule::Listing, Level::Alerted)]);
        let (done, _) = clock.sweep(2);
        assert_eq!(done, 19, "the limits are divided by 1.5");
    }

    #[test]
    fn a_learned_baseline_raises_the_limits_and_a_new_address_lowers_them() {
        let history = |clock: &mut Clock| {
            // Two weeks of heavy but regular work: 25 documents in 10 minutes every morning.
            let start = clock.at;
            for day in 0..14 {
                clock.at = start + day * 86_400;
                for _ in 0..25 {
                    clock.at += 20;
                    assert!(clock.download(Id::random(), None, false).allowed());
                }
            }
            clock.at = start + 15 * 86_400;
        };
        let mut office = Clock::new();
        history(&mut office);
        let learned = office.monitor.accounts[&office.account]
            .baseline
            .peak
            .downloads_10m;
        assert!(learned > 20.0, "the peak is learned: {learned}");
        let (from_office, _) = office.sweep(2);
        let mut elsewhere = Clock::new();
        history(&mut elsewhere);
        elsewhere.address = 99;
        let (from_elsewhere, _) = elsewhere.sweep(2);
        assert!(from_office > 29, "{from_office}");
        assert!(
            from_elsewhere < from_office,
            "{from_elsewhere} from a new address, {from_office} from the office"
        );
    }

    #[test]
    fn a_blocked_day_teaches_nothing_and_learning_has_a_ceiling() {
        let mut clock = Clock::new();
        let (done, _) = clock.sweep(2);
        assert_eq!(done, 29);
        let baseline = &clock.monitor.accounts[&clock.account].baseline;
        assert!(baseline.today.tainted);
        assert_eq!(baseline.today.peaks.downloads_10m, 0.0);
        clock.monitor.lift(clock.account, clock.at);
        clock.at += 86_400;
        let (again, _) = clock.sweep(2);
        assert_eq!(again, 29, "the next day's limits are the floors again");

        let limits = Limits::default();
        assert_eq!(limits.learned(20.0, 10.0), 20.0);
        assert_eq!(limits.learned(20.0, 40.0), 60.0);
        assert_eq!(limits.learned(20.0, 1_000.0), 100.0);
    }

    #[test]
    fn the_organisation_window_alerts_once_an_hour() {
        let mut monitor = Monitor::default();
        let org = Id::random();
        let mut at = MONTH_START + 10 * 3_600;
        let mut org_alerts = 0;
        // 40 accounts at 10 downloads each within 10 minutes: 400 for the organisation.
        for _ in 0..10 {
            for account in 0..40 {
                at += 1;
                let decision = monitor.observe(&Observation {
                    at,
                    account: Id::from_bytes([account as u8 + 1; 16]),
                    org,
                    address: 1,
                    has_second_factor: true,
                    activity: Activity::Download {
                        bytes: 10,
                        sender: Id::random(),
                        mailbox: None,
                        canary: false,
                    },
                });
                assert!(decision.allowed());
                org_alerts += usize::from(decision.org_alert.is_some());
            }
        }
        assert_eq!(org_alerts, 1);
    }

    #[test]
    fn decisions_describe_their_rule_and_numbers() {
        let mut clock = Clock::new();
        let (_, _) = clock.sweep(2);
        clock.monitor.lift(clock.account, clock.at);
        clock.at += 1;
        let decision = clock.download(Id::random(), None, true);
        let text = decision.describe();
        assert!(
            text.starts_with("rule=canary action=block count=1 "),
            "{text}"
        );
        assert!(text.contains("downloads_10m="), "{text}");
    }

    #[test]
    fn a_month_of_ordinary_work_is_never_blocked() {
        let month = simulate::normal_month(7, 200);
        let mut monitor = Monitor::default();
        let replay = simulate::replay(&mut monitor, &month.observations, Some(month.secretary));
        assert_eq!(replay.blocks, 0, "{replay:?}");
        assert_eq!(replay.step_ups, 0, "{replay:?}");
        assert_eq!(replay.refused, 0, "{replay:?}");
        assert_eq!(replay.secretary_max_day, 300, "{replay:?}");
        assert!(replay.downloads > 50_000, "{replay:?}");
    }

    #[test]
    fn a_stolen_account_is_stopped_within_fifty_documents() {
        for history_days in [0, 21] {
            for (second_factor, phished) in [(false, false), (true, false), (true, true)] {
                let theft = simulate::stolen_account(11, history_days, second_factor, phished);
                assert!(
                    theft.downloaded <= 50,
                    "{history_days} days of history, second factor {second_factor}: {theft:?}"
                );
                let expected = if second_factor && !phished {
                    Level::StepUp
                } else {
                    Level::Blocked
                };
                assert_eq!(
                    theft.refused_by.map(|(_, level)| level),
                    Some(expected),
                    "{theft:?}"
                );
            }
        }
    }
}
