//! Precision, recall and speed of `scan_text` on the labelled corpus of `tests/corpus/`:
//! `cargo bench -p pli-dlp --bench accuracy` prints a table; with `-- --json`, one JSON
//! object (what `scripts/bench-dlp-presidio` reads).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/corpus/score.rs"]
mod score;

#[path = "support/cpu_clock.rs"]
mod cpu_clock;
use cpu_clock::best_cpu_seconds;

use std::hint::black_box;

use pli_dlp::{Kind, scan_text};

fn main() {
    let json = std::env::args().any(|arg| arg == "--json");
    let documents = score::load();
    let (tallies, errors) = score::score(&documents);
    if std::env::var_os("PLI_ACCURACY_ERRORS").is_some() {
        for line in &errors {
            eprintln!("{line}");
        }
    }
    let n_bytes: usize = documents.iter().map(|document| document.text.len()).sum();
    // Each document scanned on its own, as files are; best of several passes.
    let best = best_cpu_seconds(7, || {
        for document in &documents {
            black_box(scan_text(black_box(&document.text)));
        }
    });
    let megabytes_per_second = n_bytes as f64 / best / 1e6;
    if json {
        let kinds: serde_json::Map<String, serde_json::Value> = Kind::ALL
            .iter()
            .map(|kind| {
                let tally = tallies[kind];
                (
                    kind.as_str().to_owned(),
                    serde_json::json!({
                        "tp": tally.true_positives,
                        "fp": tally.false_positives,
                        "fn": tally.false_negatives,
                    }),
                )
            })
            .collect();
        let summary = serde_json::json!({
            "documents": documents.len(),
            "bytes": n_bytes,
            "seconds": best,
            "mb_per_s": megabytes_per_second,
            "kinds": kinds,
        });
        println!("{summary}");
        return;
    }
    // The documents one after another through one Scanner, as a client scanning many files can.
    let mut scanner = pli_dlp::Scanner::new();
    let best_reused = best_cpu_seconds(7, || {
        for document in &documents {
            black_box(scanner.scan(black_box(&document.text)));
        }
    });
    println!(
        "{} documents, {:.2} MB: {megabytes_per_second:.1} MB/s ({:.1} MB/s with one Scanner)",
        documents.len(),
        n_bytes as f64 / 1e6,
        n_bytes as f64 / best_reused / 1e6
    );
    println!(
        "{:10} {:>6} {:>5} {:>5} {:>9} {:>7}  target",
        "kind", "TP", "FP", "FN", "precision", "recall"
    );
    for kind in Kind::ALL {
        let tally = tallies[&kind];
        let target = if score::CHECKSUMMED.contains(&kind) {
            "P >= 0.98, R >= 0.99"
        } else {
            ""
        };
        println!(
            "{:10} {:>6} {:>5} {:>5} {:>9.4} {:>7.4}  {target}",
            kind.as_str(),
            tally.true_positives,
            tally.false_positives,
            tally.false_negatives,
            tally.precision(),
            tally.recall()
        );
    }
}
