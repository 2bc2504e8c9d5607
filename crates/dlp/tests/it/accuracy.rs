//! Precision and recall of the detectors on the labelled corpus of `tests/corpus/`.

#[path = "../corpus/score.rs"]
mod score;

use pli_dlp::Kind;
use score::{CHECKSUMMED, load, score};

#[test]
fn the_corpus_has_every_kind_and_look_alikes() {
    let documents = load();
    assert!(documents.len() >= 500, "{} documents", documents.len());
    for kind in Kind::ALL {
        let n_labels = documents
            .iter()
            .flat_map(|document| &document.labels)
            .filter(|label| label.0 == kind)
            .count();
        assert!(n_labels >= 50, "{kind}: {n_labels} labels");
    }
    let n_look_alikes = documents
        .iter()
        .filter(|document| document.text.contains("erron") || document.text.contains("invalide"))
        .count();
    assert!(
        n_look_alikes >= 200,
        "{n_look_alikes} documents with look-alikes"
    );
}

#[test]
fn checksummed_identifiers_meet_their_targets() {
    let (tallies, errors) = score(&load());
    let mut failures = Vec::new();
    for kind in CHECKSUMMED {
        let tally = tallies[&kind];
        if tally.recall() < 0.99 || tally.precision() < 0.98 {
            failures.push(format!(
                "{kind}: precision {:.4}, recall {:.4} ({tally:?})",
                tally.precision(),
                tally.recall()
            ));
        }
    }
    let relevant: Vec<&String> = errors
        .iter()
        .filter(|line| {
            CHECKSUMMED
                .iter()
                .any(|kind| line.contains(&format!(" {kind} ")))
        })
        .take(40)
        .collect();
    assert!(failures.is_empty(), "{failures:#?}\n{relevant:#?}");
}

#[test]
fn other_detectors_stay_accurate() {
    // Detectors without a check digit rest on formats and labels: their floor is lower,
    // and it guards against regressions rather than stating a target.
    let (tallies, errors) = score(&load());
    let mut failures = Vec::new();
    for kind in Kind::ALL {
        if CHECKSUMMED.contains(&kind) {
            continue;
        }
        let tally = tallies[&kind];
        if tally.recall() < 0.95 || tally.precision() < 0.95 {
            failures.push(format!(
                "{kind}: precision {:.4}, recall {:.4} ({tally:?})",
                tally.precision(),
                tally.recall()
            ));
        }
    }
    let sample: Vec<&String> = errors.iter().take(40).collect();
    assert!(failures.is_empty(), "{failures:#?}\n{sample:#?}");
}

#[test]
fn excerpts_on_the_corpus_never_hold_the_value() {
    for document in load() {
        for finding in pli_dlp::scan_text(&document.text) {
            let matched = &document.text[finding.start..finding.end];
            let hidden = finding
                .excerpt(&document.text)
                .chars()
                .filter(|c| *c == '*')
                .count();
            let shown = matched.chars().filter(|c| c.is_alphanumeric()).count() - hidden;
            assert!(
                hidden > 0 && hidden >= shown,
                "{} {}: {} of {} characters shown",
                document.id,
                finding.kind,
                shown,
                shown + hidden
            );
        }
    }
}

#[test]
fn a_scanner_reused_across_documents_finds_what_a_fresh_scan_finds() {
    let documents = load();
    let mut scanner = pli_dlp::Scanner::new();
    // Forwards then backwards: whatever the previous, larger or smaller, document left in its
    // working memory.
    for document in documents.iter().chain(documents.iter().rev()) {
        assert_eq!(
            scanner.scan(&document.text),
            pli_dlp::scan_text(&document.text),
            "{}",
            document.id
        );
    }
}
