//! The detectors on arbitrary text: no panic, and findings that are spans of the text, in
//! order, without overlaps, whose excerpts never give the whole value; a kept `Scanner` finds
//! what `scan_text` finds, scan after scan.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use pli_dlp::{Scanner, scan_text};

thread_local! {
    // Kept across inputs, as a client scanning many files keeps it.
    static SCANNER: RefCell<Scanner> = RefCell::new(Scanner::new());
}

fuzz_target!(|data: &[u8]| {
    // Extracted text is UTF-8: invalid bytes become U+FFFD, as extraction makes them.
    let text = String::from_utf8_lossy(data);
    let findings = scan_text(&text);
    let mut previous_end = 0;
    for finding in &findings {
        assert!(finding.start < finding.end && finding.end <= text.len(), "{finding:?}");
        assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
        assert!(finding.start >= previous_end, "overlap or out of order: {findings:?}");
        assert!((0.0..=1.0).contains(&finding.confidence), "{finding:?}");
        previous_end = finding.end;
        let matched = &text[finding.start..finding.end];
        let excerpt = finding.excerpt(&text);
        assert_eq!(excerpt.chars().count(), matched.chars().count(), "{finding:?}");
        if matched.chars().filter(char::is_ascii_alphanumeric).count() > 4 {
            assert_ne!(excerpt, matched, "an excerpt gave the whole value: {finding:?}");
        }
    }
    SCANNER.with(|scanner| {
        let mut scanner = scanner.borrow_mut();
        assert_eq!(scanner.scan(&text), findings.as_slice());
    });
});
