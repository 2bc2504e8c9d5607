//! Events, logs and vector files shared by the tests.

use std::path::PathBuf;

use pli_audit::{AuditEvent, AuditLog, LogKey, MemoryLog, Outcome, SigningKey};

pub const ORIGIN: &str = "pli.example.org/audit";

/// Reads a file of `tests/vectors`.
pub fn vector(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn key() -> LogKey {
    LogKey::new(ORIGIN, SigningKey::from_bytes(&[42; 32])).unwrap()
}

/// The `n`th event of a test log: distinct, with increasing times.
pub fn event(n: u64) -> AuditEvent {
    AuditEvent {
        time: 1_700_000_000 + 10 * n as i64,
        org: Some("0123456789abcdef0123456789abcdef".into()),
        actor: (!n.is_multiple_of(3)).then(|| format!("{:032x}", n % 5)),
        actor_email: Some(format!("user{}@example.org", n % 5)),
        address: format!("192.0.2.{}", n % 250),
        action: ["login", "envelope.download", "envelope.list", "key.publish"][n as usize % 4]
            .into(),
        target: n.is_multiple_of(2).then(|| format!("{n:032x}")),
        outcome: if n.is_multiple_of(7) {
            Outcome::Denied
        } else {
            Outcome::Allowed
        },
    }
}

/// A log appended in batches of these sizes, with its storage.
pub fn log_with_batches(batches: &[u64]) -> (AuditLog, MemoryLog) {
    let mut log = AuditLog::new(key());
    let mut store = MemoryLog::new();
    let mut n = 0;
    for &size in batches {
        let events: Vec<AuditEvent> = (n..n + size).map(event).collect();
        log.append(&mut store, &events).unwrap();
        n += size;
    }
    (log, store)
}

pub fn hex32(text: &str) -> pli_audit::Hash {
    pli_audit::Hash::from_hex(text).unwrap()
}
