//! Appends per second in batches of 1, 64 and 1024 events (encode, hash, sign one checkpoint per
//! batch, write to memory), proof generation and verification at 1,000,000 leaves, and a full
//! replay of 1,000,000 entries by the verifier.
//!
//! `cargo bench -p pli-audit --bench append_prove` (`PLI_BENCH_LEAVES` to change the tree size).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use pli_audit::{
    AuditEvent, AuditLog, LogKey, MemoryHashes, MemoryLog, Outcome, SigningKey, consistency_proof,
    inclusion_proof, leaf_hash, tree_root, verify_consistency, verify_inclusion, verify_log,
};

fn event(n: u64) -> AuditEvent {
    AuditEvent {
        time: 1_700_000_000 + n as i64,
        org: Some("0123456789abcdef0123456789abcdef".into()),
        actor: Some(format!("{:032x}", n % 1000)),
        actor_email: Some(format!("user{}@example.org", n % 1000)),
        address: "192.0.2.17".into(),
        action: "envelope.download".into(),
        target: Some(format!("{n:032x}")),
        outcome: Outcome::Allowed,
    }
}

fn key() -> LogKey {
    LogKey::new("pli.example.org/audit", SigningKey::from_bytes(&[42; 32])).unwrap()
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

fn main() {
    let leaves: u64 = std::env::var("PLI_BENCH_LEAVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);

    println!("appends (encode, hash, sign a checkpoint per batch, write to memory):");
    for (batch, total) in [(1u64, 20_000u64), (64, 256_000), (1024, 1_024_000)] {
        let mut log = AuditLog::new(key());
        let mut store = MemoryLog::new();
        let batches: Vec<Vec<AuditEvent>> = (0..total / batch)
            .map(|b| (b * batch..(b + 1) * batch).map(event).collect())
            .collect();
        let start = Instant::now();
        for events in &batches {
            log.append(&mut store, events).unwrap();
        }
        let elapsed = start.elapsed();
        println!(
            "  batches of {batch:>4}: {:>9.0} events/s ({total} events, {} checkpoints, {:.2?})",
            per_second(total, elapsed),
            store.checkpoints().len(),
            elapsed
        );
    }

    println!("proofs at {leaves} leaves (in memory):");
    let start = Instant::now();
    let mut tree = MemoryHashes::new();
    for i in 0..leaves {
        tree.push_leaf(&i.to_be_bytes()).unwrap();
    }
    println!("  building the tree: {:.2?}", start.elapsed());
    let root = tree_root(leaves, &tree).unwrap();
    let probes = 100_000u64;
    let step = leaves / probes + 1;
    let indexes: Vec<u64> = (0..probes).map(|i| (i * step * 7919) % leaves).collect();

    let start = Instant::now();
    let proofs: Vec<_> = indexes
        .iter()
        .map(|&index| inclusion_proof(leaves, index, &tree).unwrap())
        .collect();
    let elapsed = start.elapsed();
    println!(
        "  inclusion proof generation: {:.2} µs each ({} hashes)",
        elapsed.as_secs_f64() * 1e6 / probes as f64,
        proofs[1].len()
    );
    let start = Instant::now();
    for (index, proof) in indexes.iter().zip(&proofs) {
        let leaf = leaf_hash(&index.to_be_bytes());
        verify_inclusion(&leaf, *index, leaves, &root, proof).unwrap();
    }
    println!(
        "  inclusion proof verification: {:.2} µs each",
        start.elapsed().as_secs_f64() * 1e6 / probes as f64
    );
    let old_size = leaves * 2 / 3 + 1;
    let old_root = tree_root(old_size, &tree).unwrap();
    let runs = 10_000u32;
    let start = Instant::now();
    for _ in 0..runs {
        black_box(consistency_proof(black_box(old_size), leaves, &tree).unwrap());
    }
    println!(
        "  consistency proof generation: {:.2} µs each",
        start.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
    );
    let proof = consistency_proof(old_size, leaves, &tree).unwrap();
    let start = Instant::now();
    for _ in 0..runs {
        verify_consistency(old_size, &old_root, leaves, &root, black_box(&proof)).unwrap();
    }
    println!(
        "  consistency proof verification: {:.2} µs each",
        start.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
    );
    drop(tree);

    println!("full replay of {leaves} entries by the verifier:");
    let mut log = AuditLog::new(key());
    let mut store = MemoryLog::new();
    let mut n = 0;
    while n < leaves {
        let batch = 1024.min(leaves - n);
        let events: Vec<AuditEvent> = (n..n + batch).map(event).collect();
        log.append(&mut store, &events).unwrap();
        n += batch;
    }
    let start = Instant::now();
    let verified = verify_log(store.checkpoints(), store.entries()).unwrap();
    let elapsed = start.elapsed();
    println!(
        "  {:.2?} ({:.0} entries/s, {} checkpoints checked)",
        elapsed,
        per_second(verified.size, elapsed),
        verified.checkpoints
    );
}
