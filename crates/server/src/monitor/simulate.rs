//! Generated activity to check the rules against: a month of ordinary work in a hospital
//! (office hours, nurses' shift changes, a secretary's Monday backlog), and a stolen account
//! that downloads everything it can reach. Deterministic for a given seed; used by the tests
//! and by the monitor benchmark.

use pli_store::{Id, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::rules::{Activity, Level, Monitor, Observation, Rule};

/// Monday 2026-11-02 00:00 UTC: the month starts on a Monday.
pub const MONTH_START: Timestamp = 1_793_577_600;
const DAY: Timestamp = 86_400;
const HOUR: Timestamp = 3_600;

/// What replaying a stream of observations gave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Replay {
    pub observations: u64,
    pub downloads: u64,
    pub listings: u64,
    /// Escalations, by level.
    pub alerts: u32,
    pub step_ups: u32,
    pub blocks: u32,
    pub org_alerts: u32,
    /// Downloads refused (under a step-up or a block).
    pub refused: u64,
    /// The most downloads the Monday secretary made in one day.
    pub secretary_max_day: u32,
}

/// A generated month of ordinary activity.
pub struct Month {
    pub observations: Vec<Observation>,
    /// The account of the secretary who downloads 300 documents on Mondays.
    pub secretary: Id,
}

/// A month (30 days from [`MONTH_START`]) of `n_accounts` accounts of one organisation:
/// 70 % office staff (weekdays, 8:00 to 18:00, sessions of a few documents, sometimes from
/// home), 25 % nurses (every day, three rotating shifts, a burst of handover documents at each
/// shift change), secretaries (30 to 60 documents a day), and one secretary who downloads
/// 300 documents every Monday. Sorted by time.
pub fn normal_month(seed: u64, n_accounts: usize) -> Month {
    let mut rng = StdRng::seed_from_u64(seed);
    let org = random_id(&mut rng);
    let mailboxes: Vec<Id> = (0..12).map(|_| random_id(&mut rng)).collect();
    let senders: Vec<Id> = (0..400).map(|_| random_id(&mut rng)).collect();
    let mut observations = Vec::new();
    let mut secretary = random_id(&mut rng);
    for index in 0..n_accounts {
        let person = Person {
            account: random_id(&mut rng),
            org,
            office: rng.r#gen(),
            home: rng.r#gen(),
            mailboxes: [
                mailboxes[rng.gen_range(0..mailboxes.len())],
                mailboxes[rng.gen_range(0..mailboxes.len())],
            ],
            has_second_factor: rng.gen_bool(0.5),
        };
        let kind = if index == 0 {
            secretary = person.account;
            Kind::MondaySecretary
        } else if index % 20 == 1 {
            Kind::Secretary
        } else if index % 4 == 2 {
            Kind::Nurse
        } else {
            Kind::Office
        };
        for day in 0..30 {
            let start = MONTH_START + day * DAY;
            let weekday = day % 7;
            person.day(
                &mut rng,
                kind,
                index,
                day,
                weekday,
                start,
                &senders,
                &mut observations,
            );
        }
    }
    observations.sort_by_key(|observation| observation.at);
    Month {
        observations,
        secretary,
    }
}

/// Replays `observations` through `monitor`, counting its decisions.
pub fn replay(
    monitor: &mut Monitor,
    observations: &[Observation],
    secretary: Option<Id>,
) -> Replay {
    let mut replay = Replay::default();
    let mut secretary_day = (0, 0u32);
    for observation in observations {
        replay.observations += 1;
        let decision = monitor.observe(observation);
        match observation.activity {
            Activity::Download { .. } => replay.downloads += 1,
            Activity::Listing { .. } => replay.listings += 1,
        }
        if !decision.allowed() {
            replay.refused += 1;
        }
        if decision.new {
            match decision.level {
                Level::Alerted => replay.alerts += 1,
                Level::StepUp => replay.step_ups += 1,
                Level::Blocked => replay.blocks += 1,
                Level::Normal => {}
            }
        }
        if decision.org_alert.is_some() {
            replay.org_alerts += 1;
        }
        if Some(observation.account) == secretary
            && matches!(observation.activity, Activity::Download { .. })
            && decision.allowed()
        {
            let day = observation.at.div_euclid(DAY);
            if secretary_day.0 != day {
                secretary_day = (day, 0);
            }
            secretary_day.1 += 1;
            replay.secretary_max_day = replay.secretary_max_day.max(secretary_day.1);
        }
    }
    replay
}

/// A stolen account at work: after `history_days` of ordinary office work (none if 0), the
/// thief lists every page of the inbox at night from an address the account never used, then
/// downloads one envelope a second from every mailbox and sender it can reach. With
/// `phished_code` the thief also holds a second-factor code and answers the step-up.
/// Returns how many downloads went through before the refusal that stopped it, the rule and
/// level of that refusal, and the decisions that were news on the way.
pub fn stolen_account(
    seed: u64,
    history_days: i64,
    has_second_factor: bool,
    phished_code: bool,
) -> Theft {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut monitor = Monitor::default();
    let org = random_id(&mut rng);
    let person = Person {
        account: random_id(&mut rng),
        org,
        office: rng.r#gen(),
        home: rng.r#gen(),
        mailboxes: [random_id(&mut rng), random_id(&mut rng)],
        has_second_factor,
    };
    let senders: Vec<Id> = (0..50).map(|_| random_id(&mut rng)).collect();
    let mut history = Vec::new();
    for day in 0..history_days {
        person.day(
            &mut rng,
            Kind::Office,
            3,
            day,
            day % 7,
            MONTH_START + day * DAY,
            &senders,
            &mut history,
        );
    }
    history.sort_by_key(|observation| observation.at);
    replay(&mut monitor, &history, None);
    let thief_address: u64 = rng.r#gen();
    let reachable: Vec<Id> = (0..6).map(|_| random_id(&mut rng)).collect();
    let mut at = MONTH_START + history_days * DAY + 2 * HOUR;
    let mut theft = Theft::default();
    for _ in 0..30 {
        at += 1;
        let decision = monitor.observe(&Observation {
            at,
            account: person.account,
            org,
            address: thief_address,
            has_second_factor,
            activity: Activity::Listing {
                mailbox: Some(reachable[rng.gen_range(0..reachable.len())]),
            },
        });
        if decision.new {
            theft.escalations.push((decision.rule, decision.level));
        }
    }
    for _ in 0..10_000 {
        at += 1;
        let decision = monitor.observe(&Observation {
            at,
            account: person.account,
            org,
            address: thief_address,
            has_second_factor,
            activity: Activity::Download {
                bytes: rng.gen_range(50_000..2_000_000),
                sender: random_id(&mut rng),
                mailbox: Some(reachable[rng.gen_range(0..reachable.len())]),
                canary: false,
            },
        });
        if decision.new {
            theft.escalations.push((decision.rule, decision.level));
        }
        if !decision.allowed() {
            if decision.level == Level::StepUp && phished_code {
                monitor.stepped_up(person.account, at);
                continue;
            }
            theft.refused_by = Some((decision.rule, decision.level));
            break;
        }
        theft.downloaded += 1;
    }
    theft
}

/// How a theft went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Theft {
    pub downloaded: u32,
    pub refused_by: Option<(Rule, Level)>,
    pub escalations: Vec<(Rule, Level)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Office,
    Nurse,
    Secretary,
    MondaySecretary,
}

struct Person {
    account: Id,
    org: Id,
    office: u64,
    home: u64,
    mailboxes: [Id; 2],
    has_second_factor: bool,
}

impl Person {
    #[allow(clippy::too_many_arguments)]
    fn day(
        &self,
        rng: &mut StdRng,
        kind: Kind,
        index: usize,
        day: i64,
        weekday: i64,
        start: Timestamp,
        senders: &[Id],
        out: &mut Vec<Observation>,
    ) {
        let weekend = weekday >= 5;
        match kind {
            Kind::Office => {
                if weekend {
                    return;
                }
                let address = if rng.gen_bool(0.1) {
                    self.home
                } else {
                    self.office
                };
                let begin = start + 8 * HOUR + rng.gen_range(-1800..3600);
                let end = start + 17 * HOUR + rng.gen_range(0..5400);
                let mut left = rng.gen_range(5..40);
                while left > 0 {
                    let size = rng.gen_range(1..=8).min(left);
                    let at = rng.gen_range(begin..end);
                    let _ = self.session(rng, at, size, address, senders, out);
                    left -= size;
                }
            }
            Kind::Nurse => {
                // Shifts rotate weekly: early, late, night.
                let shift = (index as i64 + day / 7) % 3;
                let shift_start = start + [6, 14, 22][shift as usize] * HOUR;
                let burst = rng.gen_range(6..=14);
                let _ = self.session(rng, shift_start - 600, burst, self.office, senders, out);
                let trickle = rng.gen_range(0..10);
                for _ in 0..trickle {
                    let at = shift_start + rng.gen_range(HOUR..7 * HOUR);
                    let _ = self.session(rng, at, 1, self.office, senders, out);
                }
            }
            Kind::Secretary => {
                if weekend {
                    return;
                }
                let total = rng.gen_range(30..60);
                self.spread(rng, start, total, senders, out);
            }
            Kind::MondaySecretary => {
                if weekend {
                    return;
                }
                let total = if weekday == 0 {
                    300
                } else {
                    rng.gen_range(30..60)
                };
                self.spread(rng, start, total, senders, out);
            }
        }
    }

    /// `total` downloads from 8:30 on, in sessions of 10 to 15 with a pause between.
    fn spread(
        &self,
        rng: &mut StdRng,
        start: Timestamp,
        total: u32,
        senders: &[Id],
        out: &mut Vec<Observation>,
    ) {
        let mut left = total;
        let mut at = start + 8 * HOUR + 1800;
        while left > 0 {
            let size = rng.gen_range(10..=15).min(left);
            at = self.session(rng, at, size, self.office, senders, out);
            left -= size;
            at += rng.gen_range(300..900);
        }
    }

    /// A listing or two, then `size` downloads 20 to 60 seconds apart. Returns when it ends.
    fn session(
        &self,
        rng: &mut StdRng,
        start: Timestamp,
        size: u32,
        address: u64,
        senders: &[Id],
        out: &mut Vec<Observation>,
    ) -> Timestamp {
        let mut at = start;
        for _ in 0..rng.gen_range(1..=2) {
            out.push(self.observation(
                at,
                address,
                Activity::Listing {
                    mailbox: Some(self.mailboxes[rng.gen_range(0..2)]),
                },
            ));
            at += rng.gen_range(2..10);
        }
        for _ in 0..size {
            let activity = Activity::Download {
                bytes: rng.gen_range(20_000..3_000_000),
                sender: senders[rng.gen_range(0..senders.len())],
                mailbox: rng
                    .gen_bool(0.7)
                    .then(|| self.mailboxes[rng.gen_range(0..2)]),
                canary: false,
            };
            out.push(self.observation(at, address, activity));
            at += rng.gen_range(20..60);
        }
        at
    }

    fn observation(&self, at: Timestamp, address: u64, activity: Activity) -> Observation {
        Observation {
            at,
            account: self.account,
            org: self.org,
            address,
            has_second_factor: self.has_second_factor,
            activity,
        }
    }
}

fn random_id(rng: &mut StdRng) -> Id {
    Id::from_bytes(rng.r#gen())
}
