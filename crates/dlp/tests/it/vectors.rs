//! Runs `tests/vectors/detectors.json`, the vectors a port of the detectors must pass too.

use pli_dlp::{Kind, scan_text};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/detectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn shared_vectors() {
    let vectors = vectors();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let text = case["text"].as_str().unwrap();
        let expected: Vec<(Kind, usize, usize)> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| {
                let kind = Kind::from_name(finding["kind"].as_str().unwrap()).unwrap();
                let start = finding["start"].as_u64().unwrap() as usize;
                let end = finding["end"].as_u64().unwrap() as usize;
                assert_eq!(
                    &text[start..end],
                    finding["match"].as_str().unwrap(),
                    "{name}: offsets and match disagree"
                );
                (kind, start, end)
            })
            .collect();
        let findings = scan_text(text);
        let found: Vec<(Kind, usize, usize)> = findings
            .iter()
            .map(|finding| (finding.kind, finding.start, finding.end))
            .collect();
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
            continue;
        }
        for (finding, wanted) in findings.iter().zip(case["expect"].as_array().unwrap()) {
            if let Some(excerpt) = wanted["excerpt"].as_str()
                && finding.excerpt(text) != excerpt
            {
                failures.push(format!(
                    "{name}: excerpt {:?}, expected {excerpt:?}",
                    finding.excerpt(text)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_has_a_positive_and_the_checksummed_ones_a_negative() {
    let vectors = vectors();
    let cases = vectors["cases"].as_array().unwrap();
    for kind in Kind::ALL {
        let positive = cases.iter().any(|case| {
            case["expect"]
                .as_array()
                .unwrap()
                .iter()
                .any(|finding| finding["kind"] == kind.as_str())
        });
        assert!(positive, "no vector finds {kind}");
    }
    for prefix in ["nir", "iban", "rib", "card", "siret", "finess", "rpps"] {
        let negative = cases.iter().any(|case| {
            case["name"].as_str().unwrap().starts_with(prefix)
                && case["expect"].as_array().unwrap().is_empty()
        });
        assert!(negative, "no look-alike vector for {prefix}");
    }
}

#[test]
fn excerpts_never_hold_the_value() {
    for case in vectors()["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        for finding in scan_text(text) {
            let matched = &text[finding.start..finding.end];
            let excerpt = finding.excerpt(text);
            assert_ne!(excerpt, matched, "{}", case["name"]);
            assert!(excerpt.contains('*'), "{}", case["name"]);
            assert!((0.0..=1.0).contains(&finding.confidence));
        }
    }
}
