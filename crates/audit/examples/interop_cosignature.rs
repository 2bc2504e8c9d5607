//! Pli's side of `scripts/interop-cosignature`, which runs it against an independent
//! implementation of C2SP `cosignature/v1` (aics-tlog):
//!
//! - `make`: prints, one per line, a fresh log verifier key, a fresh witness verifier key and
//!   a checkpoint signed by the log and cosigned by the witness now (the note, base64);
//! - `check NOTE_FILE LOG_KEY WITNESS_KEY`: opens the note with the log key and checks the
//!   witness's `cosignature/v1` line, printing its time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::prelude::{BASE64_STANDARD, Engine as _};
use pli_audit::{
    Checkpoint, CosignerKey, CosignerVerifier, LogKey, LogVerifier, SignedCheckpoint, leaf_hash,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["make"] => {
            let log = LogKey::generate("pli.example.org/audit").unwrap();
            let witness = CosignerKey::generate("witness.example.org/pli").unwrap();
            let size = u64::from(rand::random::<u16>());
            let root = leaf_hash(&rand::random::<[u8; 32]>());
            let signed = log
                .sign(&Checkpoint::new(log.name(), size, root).unwrap())
                .unwrap();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let cosigned = witness.cosign(&signed, now).unwrap();
            println!("{}", log.verifier());
            println!("{}", witness.verifier());
            println!("{}", BASE64_STANDARD.encode(cosigned.as_str()));
        }
        ["check", note, log, witness] => {
            let note = std::fs::read(note).unwrap();
            let log = LogVerifier::parse(log).unwrap();
            let witness = CosignerVerifier::parse(witness).unwrap();
            let opened = SignedCheckpoint::open(&note, &log).unwrap();
            let cosignature = witness.verify(&note).unwrap();
            println!(
                "pli-audit: log signature and cosignature/v1 line verify (checkpoint of {} entries, time {})",
                opened.checkpoint().size(),
                cosignature.time()
            );
        }
        _ => panic!("usage: interop_cosignature make | check NOTE_FILE LOG_KEY WITNESS_KEY"),
    }
}
