//! IBANs: a country code and two check digits, then the BBAN, compact or in groups of four.
//! The regular expression only finds candidates (it may run past the end of the IBAN into the
//! next word); the country's registered length decides where it ends, and mod 97 whether it
//! is one.

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::text::{is_word_byte, separator_len};
use crate::{Candidate, Kind, checksum};

static CANDIDATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // ASCII mode: linear time and no Unicode tables; the separators are a space or a
    // no-break space.
    Regex::new(r"(?-u)\b[A-Z]{2}[0-9]{2}(?:(?: |\xC2\xA0|\xE2\x80\xAF)?[0-9A-Za-z]){11,32}").ok()
});

pub fn scan(text: &str, out: &mut Vec<Candidate>) {
    let Some(regex) = CANDIDATE.as_ref() else {
        return;
    };
    let bytes = text.as_bytes();
    for found in regex.find_iter(bytes) {
        let start = found.start();
        let Some(length) = checksum::iban_length(&bytes[start..start + 2]) else {
            continue;
        };
        let mut compact = Vec::with_capacity(length);
        let mut at = start;
        while compact.len() < length && at < found.end() {
            let separator = separator_len(bytes, at);
            if separator > 0 {
                at += separator;
                continue;
            }
            compact.push(bytes[at].to_ascii_uppercase());
            at += 1;
        }
        let ends_cleanly = !bytes.get(at).is_some_and(|byte| is_word_byte(*byte));
        if compact.len() == length && ends_cleanly && checksum::iban(&compact) {
            out.push(Candidate {
                kind: Kind::Iban,
                start,
                end: at,
                confidence: 0.99,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter()
            .map(|found| &text[found.start..found.end])
            .collect()
    }

    #[test]
    fn ibans_end_at_their_country_length() {
        assert_eq!(
            spans("IBAN : FR14 2004 1010 0505 0001 3M02 606 EUR"),
            ["FR14 2004 1010 0505 0001 3M02 606"]
        );
        assert_eq!(spans("DE89370400440532013000."), ["DE89370400440532013000"]);
        assert!(spans("FR14 2004 1010 0505 0001 3M02 607").is_empty());
        assert!(spans("FR14 2004 1010 0505 0001 3M02 6061").is_empty());
    }
}
