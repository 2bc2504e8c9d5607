//! Audit log throughput: events appended through the server's audit writer (group commit,
//! Merkle log, one signed checkpoint per batch) beside the same rows written with a plain
//! batched INSERT, and the time to make and check an inclusion proof.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use pli_audit::{Hash, SignedCheckpoint, inclusion_proof, inclusion_proof_indexes, leaf_hash};
use pli_store::{AuditEvent, Id, Outcome, Store};
use pli_store_sqlite::SqliteStore;
use rand::Rng;

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

pub async fn run(data: &Path, events: u64, proofs: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(data).context("creating the data directory")?;
    let actors = actors();
    let org = Id::random();

    // The same rows, plain: one INSERT per row, 1,024 rows per transaction, same schema and
    // settings (a fresh database opened by the same store).
    let raw_dir = data.join("raw-insert");
    std::fs::create_dir_all(&raw_dir).context("creating the baseline's directory")?;
    let raw = SqliteStore::open(&raw_dir.join("pli.db"))
        .await
        .context("opening the baseline database")?;
    let started = Instant::now();
    let mut batch = Vec::with_capacity(RAW_BATCH);
    for index in 0..events {
        batch.push(event(index, &actors, org));
        if batch.len() == RAW_BATCH {
            raw.append_audit(&batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        raw.append_audit(&batch).await?;
    }
    let raw_time = started.elapsed();
    drop(raw);

    // Through the audit writer, as handlers record them.
    let config = pli_server::config::Config::with_defaults(
        data.to_path_buf(),
        "127.0.0.1:0".parse().context("listen address")?,
    );
    let state = pli_server::state::open_state(&config)
        .await
        .context("opening the data directory")?;
    let before = state
        .store()
        .audit_log_latest()
        .await?
        .map_or(0, |checkpoint| checkpoint.size);
    let started = Instant::now();
    for index in 0..events {
        state.record_audit(event(index, &actors, org)).await;
    }
    state.flush_audit().await;
    let log_time = started.elapsed();

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

    let rate = |time: Duration| events as f64 / time.as_secs_f64();
    println!("| what | events | time | events/s |");
    println!("|---|---|---|---|");
    println!(
        "| plain batched INSERT ({RAW_BATCH} rows per transaction) | {events} | {:.2} s | {:.0} |",
        raw_time.as_secs_f64(),
        rate(raw_time)
    );
    println!(
        "| audit writer (rows + Merkle log + signed checkpoint per batch) | {events} | {:.2} s | {:.0} |",
        log_time.as_secs_f64(),
        rate(log_time)
    );
    println!();
    println!(
        "audit writer / plain INSERT: {:.2}x",
        raw_time.as_secs_f64() / log_time.as_secs_f64()
    );
    println!();
    println!("| inclusion proofs in a tree of {size} entries ({proofs} random indexes) | mean |");
    println!("|---|---|");
    println!(
        "| make (hash indexes, read from SQLite, assemble) | {:.1} µs |",
        make.as_secs_f64() * 1e6 / f64::from(proofs.max(1))
    );
    println!(
        "| check (leaf hash and audit path to the root) | {:.1} µs |",
        check.as_secs_f64() * 1e6 / f64::from(proofs.max(1))
    );
    Ok(())
}
