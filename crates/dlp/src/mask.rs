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
    let total = matched.chars().filter(|c| c.is_alphanumeric()).count();
    // At least half of the characters stay hidden, however short the match.
    let (mut prefix, mut suffix) = (prefix, suffix);
    while prefix + suffix > 0 && 2 * (prefix + suffix) > total {
        if suffix >= prefix {
            suffix -= 1;
        } else {
            prefix -= 1;
        }
    }
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
