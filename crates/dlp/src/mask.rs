//! Masked excerpts: letters and digits replaced by `*` except a few at each end, separators
//! kept, so a person can locate the match without the excerpt ever holding the value.

use crate::Kind;

/// The masked form of `matched`, found as `kind`.
pub fn mask(kind: Kind, matched: &str) -> String {
    let (prefix, suffix) = match kind {
        // Sex and year, and the key: `2 55 ** ** *** *** 38`.
        Kind::Nir => (3, 2),
        // Country and check digits.
        Kind::Iban => (4, 2),
        Kind::Card => (0, 4),
        Kind::Rib | Kind::Cni | Kind::Passport | Kind::Birthdate => (0, 2),
        Kind::Email => (1, 2),
        Kind::Health => (1, 0),
        Kind::Finess | Kind::Rpps | Kind::Adeli | Kind::Siren | Kind::Siret | Kind::Phone => (2, 2),
    };
    if matched.is_ascii() {
        return mask_ascii(matched.as_bytes(), prefix, suffix);
    }
    let total = matched.chars().filter(|c| c.is_alphanumeric()).count();
    let (prefix, suffix) = shown(prefix, suffix, total);
    let mut index = 0;
    let mut excerpt = String::with_capacity(matched.len());
    for c in matched.chars() {
        if !c.is_alphanumeric() {
            excerpt.push(c);
            continue;
        }
        let keep = index < prefix || index >= total - suffix;
        index += 1;
        excerpt.push(if keep { c } else { '*' });
    }
    excerpt
}

/// How many characters stay visible at each end: at least half of them stay hidden, however
/// short the match.
fn shown(mut prefix: usize, mut suffix: usize, total: usize) -> (usize, usize) {
    while prefix + suffix > 0 && 2 * (prefix + suffix) > total {
        if suffix >= prefix {
            suffix -= 1;
        } else {
            prefix -= 1;
        }
    }
    (prefix, suffix)
}

/// [`mask`] of an ASCII match, byte by byte: most identifiers are.
fn mask_ascii(matched: &[u8], prefix: usize, suffix: usize) -> String {
    let total = matched
        .iter()
        .filter(|byte| byte.is_ascii_alphanumeric())
        .count();
    let (prefix, suffix) = shown(prefix, suffix, total);
    let mut index = 0;
    let mut excerpt = String::with_capacity(matched.len());
    for &byte in matched {
        if !byte.is_ascii_alphanumeric() {
            excerpt.push(char::from(byte));
            continue;
        }
        let keep = index < prefix || index >= total - suffix;
        index += 1;
        excerpt.push(if keep { char::from(byte) } else { '*' });
    }
    excerpt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(
            mask(Kind::Nir, "2 55 08 14 168 025 38"),
            "2 55 ** ** *** *** 38"
        );
        assert_eq!(
            mask(Kind::Card, "4111 1111 1111 1111"),
            "**** **** **** 1111"
        );
        assert_eq!(mask(Kind::Health, "diabète"), "d******");
        assert_eq!(mask(Kind::Health, "VIH"), "V**");
        assert_eq!(mask(Kind::Email, "a@b.fr"), "a@*.*r");
        assert_eq!(mask(Kind::Birthdate, "12/03/1985"), "**/**/**85");
    }
}
