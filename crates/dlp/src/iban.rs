//! IBANs: a country code and two check digits, then the BBAN, compact or in groups of four.
//! Found by the number scanner (a word starting with two capitals and two digits); the
//! country's registered length decides where it ends, and mod 97 whether it is one.

use crate::text::{is_word_byte, separator_len};
use crate::{Candidate, Kind, checksum};

/// What starts at a country code followed by two digits.
pub enum Shape {
    /// A valid IBAN.
    Valid(Candidate),
    /// Shaped like an IBAN of that country (its length, grouped like one) with wrong check
    /// digits: a mistyped IBAN, whose digits must not be read as another identifier (its
    /// groups of four can pass for a card number). Holds where it ends.
    LookAlike(usize),
}

/// The IBAN, or look-alike, starting at `start` (its country code).
pub fn at(bytes: &[u8], start: usize) -> Option<Shape> {
    // Typed in lower case too ("fr76 3000 ..."): the country is read upper-cased.
    let country = bytes.get(start..start + 2)?;
    let length = checksum::iban_length(&[
        country[0].to_ascii_uppercase(),
        country[1].to_ascii_uppercase(),
    ])?;
    // The longest IBAN has 34 characters.
    let mut compact = [0u8; 34];
    let mut n_chars = 0;
    let mut at = start;
    while n_chars < length {
        let separator = separator_len(bytes, at);
        // Separators between groups: spaces, no-break spaces or dashes, not a dot (an IBAN
        // ending a sentence must not swallow the next word).
        if separator > 0 && bytes[at] != b'.' && n_chars > 0 {
            at += separator;
        }
        let byte = *bytes.get(at).filter(|byte| byte.is_ascii_alphanumeric())?;
        *compact.get_mut(n_chars)? = byte.to_ascii_uppercase();
        n_chars += 1;
        at += 1;
    }
    if bytes.get(at).is_some_and(|byte| is_word_byte(*byte)) {
        return None;
    }
    Some(if checksum::iban(&compact[..n_chars]) {
        Shape::Valid(Candidate::new(Kind::Iban, start, at, 0.99)?)
    } else {
        Shape::LookAlike(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        crate::numbers::scan(text, &mut crate::numbers::Run::default(), &mut out);
        out.iter()
            .filter(|found| found.kind == Kind::Iban)
            .map(|found| &text[found.start..found.end()])
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
        // Dashes between groups, and an IBAN typed in lower case.
        assert_eq!(
            spans("IBAN FR14-2004-1010-0505-0001-3M02-606."),
            ["FR14-2004-1010-0505-0001-3M02-606"]
        );
        assert_eq!(
            spans("iban : fr14 2004 1010 0505 0001 3m02 606"),
            ["fr14 2004 1010 0505 0001 3m02 606"]
        );
        assert_eq!(spans("de89370400440532013000"), ["de89370400440532013000"]);
        assert!(spans("fr14 2004 1010 0505 0001 3m02 607").is_empty());
        // A dot ends it: the sentence goes on after it.
        assert!(spans("FR14.2004.1010.0505.0001.3M02.606").is_empty());
    }

    #[test]
    fn a_mistyped_iban_is_nothing_else_either() {
        // Its first groups, 3000 4992 6229 4075, pass for a Diners Club card number.
        let text = "l'IBAN FR76 3000 4992 6229 4075 5993 737 est invalide";
        assert!(crate::scan_text(text).is_empty());
        assert!(crate::checksum::card(b"3000499262294075"));
    }
}
