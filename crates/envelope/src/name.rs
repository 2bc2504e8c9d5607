//! File names that are safe to write on the recipient's disk, whatever its system.

use crate::EnvelopeError;
use crate::archive::{MANIFEST_NAME, SIGNATURE_NAME};

/// Longest file name, in UTF-8 bytes (the common file-system limit).
pub const MAX_NAME_BYTES: usize = 255;

/// Characters that Windows refuses in names, or gives a meaning (`:` opens an alternate data
/// stream); refused everywhere so that an envelope extracts the same on every system.
const RESERVED_CHARS: &[char] = &['/', '\\', '<', '>', ':', '"', '|', '?', '*'];

/// Device names Windows reserves, with or without an extension.
const RESERVED_STEMS: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Checks that `name` is a plain file name: non-empty, at most [`MAX_NAME_BYTES`] bytes, no
/// path separator or other character reserved on common systems, no control or bidirectional
/// formatting character, no leading or trailing space, no trailing dot (which also excludes
/// `.` and `..`), not a Windows device name, not one of the manifest's own entry names.
pub fn validate_file_name(name: &str) -> Result<(), EnvelopeError> {
    let invalid = || EnvelopeError::InvalidName(name.to_string());
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(invalid());
    }
    if name
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c) || RESERVED_CHARS.contains(&c))
    {
        return Err(invalid());
    }
    if name.starts_with(char::is_whitespace)
        || name.ends_with(char::is_whitespace)
        || name.ends_with('.')
    {
        return Err(invalid());
    }
    let lower = name.to_lowercase();
    let stem = lower.split('.').next().unwrap_or_default();
    if RESERVED_STEMS.contains(&stem.trim_end()) {
        return Err(invalid());
    }
    if lower == MANIFEST_NAME || lower == SIGNATURE_NAME {
        return Err(invalid());
    }
    Ok(())
}

/// Characters that change how a name displays without being visible (right-to-left overrides
/// make `invoice<U+202E>fdp.exe` display as `invoiceexe.pdf`).
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, valid: bool) {
        assert_eq!(validate_file_name(name).is_ok(), valid, "{name:?}");
    }

    #[test]
    fn accepts_ordinary_names() {
        check("report.pdf", true);
        check("Compte rendu 2024 (final).docx", true);
        check("évaluation médicale.odt", true);
        check(".hidden", true);
        check("a..b", true);
        check("archive.tar.gz", true);
        check("manifest.json", true);
        check(&"x".repeat(MAX_NAME_BYTES), true);
        check("confirmation.txt", true);
    }

    #[test]
    fn refuses_dangerous_names() {
        check("", false);
        check(".", false);
        check("..", false);
        check("../etc/passwd", false);
        check("/etc/passwd", false);
        check("dir/file", false);
        check("dir\\file", false);
        check("C:file", false);
        check("file.txt:stream", false);
        check("a\0b", false);
        check("line\nbreak", false);
        check("tab\there", false);
        check("del\u{7f}", false);
        check("c1\u{85}", false);
        check("invoice\u{202e}fdp.exe", false);
        check("zero\u{200b}width", false);
        check(" leading", false);
        check("trailing ", false);
        check("trailing.", false);
        check("CON", false);
        check("nul.txt", false);
        check("Lpt1.pdf", false);
        check("pli-manifest.json", false);
        check("PLI-MANIFEST.SIG", false);
        check(&"x".repeat(MAX_NAME_BYTES + 1), false);
        check(&"é".repeat(128), false);
    }
}
