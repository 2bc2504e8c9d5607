//! Loads the labelled corpus (`documents.jsonl`, `labels.jsonl`, written by `generate.py`)
//! and scores the detectors against it. Shared by the accuracy test and the accuracy bench.

use std::collections::{BTreeMap, HashMap};

use pli_dlp::{Kind, scan_text};
use serde_json::Value;

/// One generated document and its true findings.
pub struct Document {
    pub id: String,
    pub text: String,
    /// Kind and byte span of each true finding, in text order.
    pub labels: Vec<(Kind, usize, usize)>,
}

/// Counts of one kind: a finding is a true positive when a label has the same kind and the
/// same byte span; anything else found is a false positive, anything else labelled a false
/// negative.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        let found = self.true_positives + self.false_positives;
        if found == 0 {
            1.0
        } else {
            self.true_positives as f64 / found as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let labelled = self.true_positives + self.false_negatives;
        if labelled == 0 {
            1.0
        } else {
            self.true_positives as f64 / labelled as f64
        }
    }
}

/// The kinds whose check digit the detectors verify, held to the strictest targets.
pub const CHECKSUMMED: [Kind; 8] = [
    Kind::Nir,
    Kind::Iban,
    Kind::Rib,
    Kind::Card,
    Kind::Finess,
    Kind::Rpps,
    Kind::Siren,
    Kind::Siret,
];

fn read(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let content = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    content
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{path}: {error}")))
        .collect()
}

pub fn load() -> Vec<Document> {
    let mut labels: HashMap<String, Vec<(Kind, usize, usize)>> = read("labels.jsonl")
        .into_iter()
        .map(|entry| {
            let id = entry["id"].as_str().unwrap().to_owned();
            let spans = entry["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|label| {
                    let kind = Kind::from_name(label["kind"].as_str().unwrap()).unwrap();
                    let start = label["start"].as_u64().unwrap() as usize;
                    let end = label["end"].as_u64().unwrap() as usize;
                    (kind, start, end)
                })
                .collect();
            (id, spans)
        })
        .collect();
    read("documents.jsonl")
        .into_iter()
        .map(|entry| {
            let id = entry["id"].as_str().unwrap().to_owned();
            let text = entry["text"].as_str().unwrap().to_owned();
            let labels = labels
                .remove(&id)
                .unwrap_or_else(|| panic!("{id}: no labels"));
            Document { id, text, labels }
        })
        .collect()
}

/// The tally of every kind, and one line per error (`id kind start..end "matched" FP|FN`).
pub fn score(documents: &[Document]) -> (BTreeMap<Kind, Tally>, Vec<String>) {
    let mut tallies: BTreeMap<Kind, Tally> = Kind::ALL
        .iter()
        .map(|kind| (*kind, Tally::default()))
        .collect();
    let mut errors = Vec::new();
    for document in documents {
        let found: Vec<(Kind, usize, usize)> = scan_text(&document.text)
            .iter()
            .map(|finding| (finding.kind, finding.start, finding.end))
            .collect();
        let mut error = |span: &(Kind, usize, usize), what: &str| {
            let (kind, start, end) = *span;
            errors.push(format!(
                "{} {kind} {start}..{end} {:?} {what}",
                document.id,
                document.text.get(start..end).unwrap_or("?")
            ));
        };
        for span in &found {
            let tally = tallies.entry(span.0).or_default();
            if document.labels.contains(span) {
                tally.true_positives += 1;
            } else {
                tally.false_positives += 1;
                error(span, "FP");
            }
        }
        for span in &document.labels {
            if !found.contains(span) {
                tallies.entry(span.0).or_default().false_negatives += 1;
                error(span, "FN");
            }
        }
    }
    (tallies, errors)
}
