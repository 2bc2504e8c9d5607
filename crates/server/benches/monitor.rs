//! The flow monitor's figures: a generated month of ordinary work of 200 accounts (blocks,
//! step-ups and alerts it caused), stolen accounts sweeping what they reach (documents before
//! the first refusal), and the latency the monitor adds to a download.
//!
//! `cargo bench -p pli-server --bench monitor` (`scripts/bench-monitor` adds the machine).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use pli_server::monitor::simulate::{self, MONTH_START};
use pli_server::monitor::{Activity, FlowMonitor, Limits, Monitor};
use pli_store::{Account, Addressee, Envelope, EnvelopeState, Id, Org, Role};

const SEED: u64 = 7;
const ACCOUNTS: usize = 200;

fn main() {
    month();
    thefts();
    latency();
}

fn month() {
    let month = simulate::normal_month(SEED, ACCOUNTS);
    let mut monitor = Monitor::default();
    let started = Instant::now();
    let replay = simulate::replay(&mut monitor, &month.observations, Some(month.secretary));
    let elapsed = started.elapsed();
    println!("## A month of ordinary work ({ACCOUNTS} accounts, seed {SEED})");
    println!(
        "observations {} (downloads {}, listings {}), replayed in {:.2} s",
        replay.observations,
        replay.downloads,
        replay.listings,
        elapsed.as_secs_f64()
    );
    println!(
        "blocks {}, step-ups {}, alerts {}, organisation alerts {}, refused downloads {}, secretary's busiest day {} downloads",
        replay.blocks,
        replay.step_ups,
        replay.alerts,
        replay.org_alerts,
        replay.refused,
        replay.secretary_max_day
    );
}

fn thefts() {
    println!("## Stolen accounts sweeping everything they reach");
    for history_days in [0, 7, 21] {
        for (second_factor, phished) in [(false, false), (true, false), (true, true)] {
            let theft = simulate::stolen_account(SEED, history_days, second_factor, phished);
            println!(
                "history {history_days:>2} days, second factor {second_factor:>5}, code phished {phished:>5}: {} documents, then {:?}",
                theft.downloaded, theft.refused_by
            );
        }
    }
}

fn account(id: Id, org: &Org) -> Account {
    Account {
        id,
        email: format!("{id}@chu.fr"),
        org: org.clone(),
        role: Role::Agent,
        kdf_salt: vec![0; 16],
        kdf_m_kib: 19456,
        kdf_t: 2,
        kdf_p: 1,
        auth_hash: [0; 32],
        age_recipient: String::new(),
        signing_key: [0; 32],
        wrapped_keys: Vec::new(),
        created_at: 0,
    }
}

/// Per download: the in-memory decision the download route makes on every download (hash of
/// the address, one lock, the windows and rules), on a monitor that learned the month.
fn latency() {
    let month = simulate::normal_month(SEED, ACCOUNTS);
    let flow = FlowMonitor::new(Limits::default());
    flow.with(|monitor| {
        simulate::replay(monitor, &month.observations, None);
    });
    let org = Org {
        id: month.observations[0].org,
        name: "CHU".into(),
    };
    let mut accounts: Vec<Id> = month
        .observations
        .iter()
        .map(|observation| observation.account)
        .collect();
    accounts.sort();
    accounts.dedup();
    let mailboxes: Vec<Id> = month
        .observations
        .iter()
        .filter_map(|observation| match observation.activity {
            Activity::Listing { mailbox } => mailbox,
            Activity::Download { .. } => None,
        })
        .take(64)
        .collect();
    let senders: Vec<Account> = (0..50).map(|_| account(Id::random(), &org)).collect();
    let envelopes: Vec<Envelope> = (0..1000)
        .map(|index| Envelope {
            id: Id::random(),
            sender: senders[index % senders.len()].clone(),
            to: vec![(
                Addressee::Mailbox(mailboxes[index % mailboxes.len()]),
                "records".into(),
            )],
            size: 200_000,
            created_at: 0,
            state: EnvelopeState::Stored,
            outside: None,
        })
        .collect();
    let reachable = &mailboxes[..4];
    let n = 200_000usize;
    let mut samples = Vec::with_capacity(n);
    // One download somewhere every 2 seconds, in working hours after the month: each account
    // downloads every 400 seconds, as in a busy hospital, so the rules run but never hold.
    let mut at = MONTH_START + 31 * 86_400 + 8 * 3_600;
    let mut refused = 0;
    for index in 0..n {
        at += 2;
        let envelope = &envelopes[index % envelopes.len()];
        let account = accounts[index % accounts.len()];
        let started = Instant::now();
        let decision = flow.decide_download(
            account,
            org.id,
            "10.1.2.3",
            black_box(envelope),
            reachable,
            at,
        );
        samples.push(started.elapsed());
        refused += usize::from(!decision.allowed());
    }
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / n as u32;
    let quantile = |q: f64| samples[((n as f64 * q) as usize).min(n - 1)];
    println!(
        "## Latency added per download ({n} downloads over {} accounts)",
        accounts.len()
    );
    println!(
        "mean {:.2} µs, p50 {:.2} µs, p99 {:.2} µs, p99.9 {:.2} µs, max {:.2} µs; refused {refused}",
        micros(mean),
        micros(quantile(0.5)),
        micros(quantile(0.99)),
        micros(quantile(0.999)),
        micros(samples[n - 1]),
    );
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}
