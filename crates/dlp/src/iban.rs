//! IBANs: a country code and two check digits, then the BBAN, compact or in groups of four.
//! Found by the number scanner (a word starting with two capitals and two digits); the
//! country's registered length decides where it ends, and mod 97 whether it is one.

use crate::text::{is_word_byte, separator_len};
use crate::{Candidate, Kind, checksum};

/// The IBAN starting at `start` (its country code), if there is a valid one.
pub fn at(bytes: &[u8], start: usize) -> Option<Candidate> {
    let country = bytes.get(start..start + 2)?;
    let length = checksum::iban_length(country)?;
    let mut compact = Vec::with_capacity(length);
    let mut at = start;
    while compact.len() < length {
        let separator = separator_len(bytes, at);
        // Separators between groups: one space (or no-break space), not a dot or a dash.
        if separator > 0 && bytes[at] != b'.' && bytes[at] != b'-' && !compact.is_empty() {
            at += separator;
        }
        let byte = *bytes.get(at).filter(|byte| byte.is_ascii_alphanumeric())?;
        compact.push(byte.to_ascii_uppercase());
        at += 1;
    }
    let ends_cleanly = !bytes.get(at).is_some_and(|byte| is_word_byte(*byte));
    (ends_cleanly && checksum::iban(&compact)).then_some(Candidate {
        kind: Kind::Iban,
        start,
        end: at,
        confidence: 0.99,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        crate::numbers::scan(text, &mut out);
        out.iter()
            .filter(|found| found.kind == Kind::Iban)
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
        assert!(spans("XFR1420041010050500013M02606").is_empty());
        assert!(spans("FR14-2004-1010-0505-0001-3M02-606").is_empty());
    }
}
