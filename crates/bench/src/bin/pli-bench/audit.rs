//! Audit log throughput: events appended through the server's audit writer (group commit,
//! Merkle log, one signed checkpoint per batch) beside the same rows written with a plain
//! batched INSERT, alternating in rounds, and the time to make and check an inclusion proof.
//! Both sides in SQLite files (the default), or both in PostgreSQL databases of one server.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use pli_audit::{Hash, SignedCheckpoint, inclusion_proof, inclusion_proof_indexes, leaf_hash};
use pli_server::config::DatabaseUrl;
use pli_store::{AuditEvent, Id, Outcome, Store};
use pli_store_postgres::PostgresStore;
use pli_store_sqlite::SqliteStore;
use rand::Rng;
use std::sync::Arc;

/// Rows per plain INSERT transaction: the writer's largest batch.
const RAW_BATCH: usize = 1024;

fn event(index: u64, actors: &[(Id, String)], org: Id) -> AuditEvent {
    let (actor, email) = &actors[(index % actors.len() as u64) as usize];
    AuditEvent {
        at: 1_790_000_000 + (index / 100) as i64,
        actor: Some(*actor),
        actor_email: Some(email.clone()),
        org_id: Some(org),
        from: format!("10.0.{}.{}", (index / 250) % 250, index % 250),
        action: "envelope.download".to_owned(),
        target: Some(format!("{index:032x}")),
        outcome: Outcome::Allowed,
    }
}

fn actors() -> Vec<(Id, String)> {
    (0..200)
        .map(|n| (Id::random(), format!("agent{n}@bench.example")))
        .collect()
}

/// `databases`: the audit writer's and the plain INSERT's PostgreSQL databases; `None` for
/// SQLite files under `data`.
pub async fn run(
    data: &Path,
    databases: Option<(String, String)>,
    events: u64,
    proofs: u32,
    rounds: u32,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(data).context("creating the data directory")?;
    let actors = actors();
    let org = Id::random();
    let rounds = u64::from(rounds.max(1)).min(events.max(1));

    // The same rows, plain: the store's multi-row INSERT, 1,024 rows per transaction, same
    // schema and settings (a fresh database opened by the same store).
    let mut config = pli_server::config::Config::with_defaults(
        data.to_path_buf(),
        "127.0.0.1:0".parse().context("listen address")?,
    );
    let raw: Arc<dyn Store> = match databases {
        Some((database, baseline)) => {
            anyhow::ensure!(
                database != baseline,
                "--database and --baseline-database must be two databases"
            );
            config.database =
                Some(DatabaseUrl::parse(&database).context("--database is not a postgres:// URL")?);
            Arc::new(
                PostgresStore::connect(&baseline)
                    .await
                    .context("opening the baseline database")?,
            )
        }
        None => {
            let raw_dir = data.join("raw-insert");
            std::fs::create_dir_all(&raw_dir).context("creating the baseline's directory")?;
            Arc::new(
                SqliteStore::open(&raw_dir.join("pli.db"))
                    .await
                    .context("opening the baseline database")?,
            )
        }
    };

    // Through the audit writer, as handlers record them.
    let state = pli_server::state::open_state(&config)
        .await
        .context("opening the data directory")?;
    let before = state
        .store()
        .audit_log_latest()
        .await?
        .map_or(0, |checkpoint| checkpoint.size);

    // The events are split into rounds; each round appends its share on both sides, one after
    // the other, the side going first alternating, both databases growing round after round.
    let mut results: Vec<(u64, Duration, Duration)> = Vec::new();
    let (mut raw_time, mut log_time) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let first = events * round / rounds;
        let end = events * (round + 1) / rounds;
        let (mut plain, mut logged) = (Duration::ZERO, Duration::ZERO);
        for side in 0..2 {
            if (side + round) % 2 == 0 {
                let started = Instant::now();
                let mut batch = Vec::with_capacity(RAW_BATCH);
                for index in first..end {
                    batch.push(event(index, &actors, org));
                    if batch.len() == RAW_BATCH {
                        raw.append_audit(&batch).await?;
                        batch.clear();
                    }
                }
                if !batch.is_empty() {
                    raw.append_audit(&batch).await?;
                }
                plain = started.elapsed();
            } else {
                let started = Instant::now();
                for index in first..end {
                    state.record_audit(event(index, &actors, org)).await;
                }
                state.flush_audit().await;
                logged = started.elapsed();
            }
        }
        raw_time += plain;
        log_time += logged;
        results.push((end - first, plain, logged));
    }
    drop(raw);

    let store = state.store();
    let latest = store
        .audit_log_latest()
        .await?
        .context("no checkpoint after appending")?;
    anyhow::ensure!(
        latest.size >= before + events,
        "the log holds {} entries, expected at least {}",
        latest.size,
        before + events
    );
    let verifier = state
        .audit_verifier()
        .context("the log key is not loaded")?;
    let signed = SignedCheckpoint::open(latest.note.as_bytes(), &verifier)
        .map_err(|error| anyhow::anyhow!("the latest checkpoint does not open: {error}"))?;
    let size = signed.checkpoint().size();
    let root = *signed.checkpoint().root();

    let mut rng = rand::thread_rng();
    let (mut make, mut check) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..proofs {
        let index = rng.gen_range(0..size);
        let started = Instant::now();
        let indexes = inclusion_proof_indexes(size, index)?;
        let hashes: HashMap<u64, Hash> = indexes
            .iter()
            .copied()
            .zip(
                store
                    .audit_log_hashes(&indexes)
                    .await?
                    .into_iter()
                    .map(Hash::from_bytes),
            )
            .collect();
        let proof = inclusion_proof(size, index, &hashes)?;
        make += started.elapsed();
        let entry = store.audit_log_entries(index, 1).await?;
        let (_, bytes) = entry.first().context("an entry is missing")?;
        let started = Instant::now();
        pli_audit::verify_inclusion(&leaf_hash(bytes), index, size, &root, &proof)?;
        check += started.elapsed();
    }

    let rate = |n: u64, time: Duration| n as f64 / time.as_secs_f64();
    println!("| round | first | events | plain INSERT /s | audit writer /s | ratio |");
    println!("|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for (round, &(n, plain, logged)) in results.iter().enumerate() {
        let ratio = plain.as_secs_f64() / logged.as_secs_f64();
        ratios.push(ratio);
        let first = if round % 2 == 0 { "plain" } else { "writer" };
        println!(
            "| {} | {first} | {n} | {:.0} | {:.0} | {ratio:.2}x |",
            round + 1,
            rate(n, plain),
            rate(n, logged)
        );
    }
    println!(
        "| all | | {events} | {:.0} | {:.0} | {:.2}x |",
        rate(events, raw_time),
        rate(events, log_time),
        raw_time.as_secs_f64() / log_time.as_secs_f64()
    );
    println!();
    ratios.sort_by(f64::total_cmp);
    let middle = ratios.len() / 2;
    let median = if ratios.len().is_multiple_of(2) {
        (ratios[middle - 1] + ratios[middle]) / 2.0
    } else {
        ratios[middle]
    };
    println!("audit writer / plain INSERT, median of {rounds} rounds: {median:.2}x");
    println!();
    println!("| inclusion proofs in a tree of {size} entries ({proofs} random indexes) | mean |");
    println!("|---|---|");
    println!(
        "| make (hash indexes, read from the store, assemble) | {:.1} µs |",
        make.as_secs_f64() * 1e6 / f64::from(proofs.max(1))
    );
    println!(
        "| check (leaf hash and audit path to the root) | {:.1} µs |",
        check.as_secs_f64() * 1e6 / f64::from(proofs.max(1))
    );
    Ok(())
}
