//! Check-digit algorithms. Inputs are the compact characters of a candidate (separators
//! removed), ASCII only; anything else is simply invalid.

/// Luhn (ISO/IEC 7812-1) over ASCII digits, check digit last.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (index, byte) in digits.iter().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut value = u32::from(byte - b'0');
        if index % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum.is_multiple_of(10)
}

/// Remainder modulo 97 of a decimal number written in ASCII digits.
fn mod97_digits(digits: &[u8]) -> Option<u32> {
    let mut remainder = Mod97::default();
    for byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        remainder.push(u64::from(byte - b'0'), 10);
    }
    Some(remainder.value())
}

/// A remainder modulo 97 built digit after digit, reduced only when it could overflow: a
/// chain of one multiplication and addition per digit instead of a reduction each.
#[derive(Default)]
struct Mod97(u64);

impl Mod97 {
    /// Appends `value`, below `scale` (10 for a digit, 100 for a letter's 10-35).
    fn push(&mut self, value: u64, scale: u64) {
        // Below 10^16, times 100 plus 99: below 2^64.
        if self.0 >= 10_000_000_000_000_000 {
            self.0 %= 97;
        }
        self.0 = self.0 * scale + value;
    }

    fn value(&self) -> u32 {
        (self.0 % 97) as u32
    }
}

/// NIR: 13 characters (sex, year, month, department with 2A/2B for Corsica, commune, order)
/// and a 2-digit key equal to 97 minus the number modulo 97. For the key, Corsica's 2A
/// counts as 19 and 2B as 18.
pub fn nir(compact: &[u8]) -> bool {
    let [sex, y1, y2, m1, m2, d1, d2, rest @ ..] = compact else {
        return false;
    };
    if compact.len() != 15 || !matches!(sex, b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    if !(y1.is_ascii_digit() && y2.is_ascii_digit() && m1.is_ascii_digit() && m2.is_ascii_digit()) {
        return false;
    }
    // 01-12, and the conventional months of incomplete civil records: 20, 30-42, 50-99.
    let month = (m1 - b'0') * 10 + (m2 - b'0');
    if !matches!(month, 1..=12 | 20 | 30..=42 | 50..=99) {
        return false;
    }
    let department: [u8; 2] = match (d1, d2.to_ascii_uppercase()) {
        (b'2', b'A') => *b"19",
        (b'2', b'B') => *b"18",
        (d1, d2) if d1.is_ascii_digit() && d2.is_ascii_digit() && (*d1, d2) != (b'0', b'0') => {
            [*d1, d2]
        }
        _ => return false,
    };
    let (place_and_order, key) = rest.split_at(rest.len() - 2);
    if place_and_order[3..6] == *b"000" {
        return false;
    }
    let mut body = [0u8; 13];
    body[..5].copy_from_slice(&[*sex, *y1, *y2, *m1, *m2]);
    body[5..7].copy_from_slice(&department);
    let Some(place_and_order_to) = body.get_mut(7..7 + place_and_order.len()) else {
        return false;
    };
    place_and_order_to.copy_from_slice(place_and_order);
    let (Some(remainder), Some(key)) = (mod97_digits(&body), two_digits(key)) else {
        return false;
    };
    key == 97 - remainder
}

/// IBAN (ISO 13616): the registered length of its country, then the mod-97 check of
/// ISO 7064 over the BBAN followed by the country and check digits, letters as 10-35.
pub fn iban(compact: &[u8]) -> bool {
    let Some(country) = compact.get(..2) else {
        return false;
    };
    if iban_length(country) != Some(compact.len())
        || !compact[2..4].iter().all(u8::is_ascii_digit)
        || !compact[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut remainder = Mod97::default();
    for byte in compact[4..].iter().chain(&compact[..4]) {
        match byte {
            b'0'..=b'9' => remainder.push(u64::from(byte - b'0'), 10),
            b'A'..=b'Z' => remainder.push(u64::from(byte - b'A') + 10, 100),
            b'a'..=b'z' => remainder.push(u64::from(byte - b'a') + 10, 100),
            _ => return false,
        }
    }
    remainder.value() == 1
}

/// The length of an IBAN of this country (ISO 3166 alpha-2, upper case), per the SWIFT IBAN
/// registry; French overseas territories use FR.
pub fn iban_length(country: &[u8]) -> Option<usize> {
    let &[first, second] = country else {
        return None;
    };
    let (first, second) = (first.wrapping_sub(b'A'), second.wrapping_sub(b'A'));
    if first >= 26 || second >= 26 {
        return None;
    }
    // Looked up directly: every word of two capitals and a digit is asked (`FR14`, `NIR2`).
    match IBAN_LENGTH_BY_CODE.get(usize::from(first) * 26 + usize::from(second)) {
        Some(&length) if length > 0 => Some(usize::from(length)),
        _ => None,
    }
}

/// [`IBAN_LENGTHS`] indexed by country code, 0 for a code without IBAN.
static IBAN_LENGTH_BY_CODE: [u8; 26 * 26] = {
    let mut table = [0u8; 26 * 26];
    let mut index = 0;
    while index < IBAN_LENGTHS.len() {
        let (code, length) = IBAN_LENGTHS[index];
        let code = code.as_bytes();
        table[(code[0] - b'A') as usize * 26 + (code[1] - b'A') as usize] = length as u8;
        index += 1;
    }
    table
};

const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// French RIB: bank (5), branch (5), account (11, letters allowed) and a 2-digit key with
/// `97 - (89 × bank + 15 × branch + 3 × account) mod 97`, letters of the account
/// transposed to digits (A, J → 1; B, K, S → 2; ... I, R, Z → 9).
pub fn rib(compact: &[u8]) -> bool {
    if compact.len() != 23 {
        return false;
    }
    let (bank, rest) = compact.split_at(5);
    let (branch, rest) = rest.split_at(5);
    let (account, key) = rest.split_at(11);
    let account: Option<Vec<u8>> = account.iter().map(|byte| rib_digit(*byte)).collect();
    let (Some(bank), Some(branch), Some(account), Some(key)) = (
        mod97_digits(bank),
        mod97_digits(branch),
        account.as_deref().and_then(mod97_digits),
        two_digits(key),
    ) else {
        return false;
    };
    let remainder = (89 * bank + 15 * branch + 3 * account) % 97;
    key == 97 - remainder
}

fn rib_digit(byte: u8) -> Option<u8> {
    match byte.to_ascii_uppercase() {
        digit @ b'0'..=b'9' => Some(digit),
        letter @ b'A'..=b'I' => Some(b'1' + (letter - b'A')),
        letter @ b'J'..=b'R' => Some(b'1' + (letter - b'J')),
        letter @ b'S'..=b'Z' => Some(b'2' + (letter - b'S')),
        _ => None,
    }
}

/// SIRET: Luhn over 14 digits; La Poste's establishments (SIREN 356 000 000), too many for
/// Luhn's key, have digits adding up to a multiple of 5 instead (its head office is Luhn).
pub fn siret(digits: &[u8]) -> bool {
    if digits.len() != 14 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let la_poste = || {
        let sum: u32 = digits.iter().map(|byte| u32::from(byte - b'0')).sum();
        digits.starts_with(b"356000000") && sum.is_multiple_of(5)
    };
    luhn(digits) || la_poste()
}

/// Payment card: 12 to 19 digits, Luhn, and a length its issuer's range uses.
pub fn card(digits: &[u8]) -> bool {
    issuer_accepts(digits) && luhn(digits)
}

fn issuer_accepts(digits: &[u8]) -> bool {
    let length = digits.len();
    let prefix = |n: usize| -> u32 {
        digits.iter().take(n).fold(0, |value, byte| {
            value * 10 + u32::from(byte.wrapping_sub(b'0'))
        })
    };
    if !(12..=19).contains(&length) || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match digits[0] {
        // Visa
        b'4' => matches!(length, 13 | 16 | 19),
        // American Express
        b'3' if matches!(prefix(2), 34 | 37) => length == 15,
        // JCB
        b'3' if (3528..=3589).contains(&prefix(4)) => (16..=19).contains(&length),
        // Diners Club International
        b'3' if matches!(prefix(2), 36 | 38 | 39) || (300..=305).contains(&prefix(3)) => {
            (14..=19).contains(&length)
        }
        // Mastercard, including the 2-series
        b'5' if (51..=55).contains(&prefix(2)) => length == 16,
        b'2' if (2221..=2720).contains(&prefix(4)) => length == 16,
        // Maestro
        b'5' if matches!(prefix(2), 50 | 56..=58) => (12..=19).contains(&length),
        // Discover, UnionPay, Maestro and others of the 6 range
        b'6' => (12..=19).contains(&length),
        _ => false,
    }
}

fn two_digits(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_lengths_are_those_of_the_registry() {
        assert!(IBAN_LENGTHS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(iban_length(b"FR"), Some(27));
        assert_eq!(iban_length(b"AD"), Some(24));
        assert_eq!(iban_length(b"fr"), None);
        assert_eq!(iban_length(b"F"), None);
        assert_eq!(iban_length(b"FRA"), None);
        assert_eq!(iban_length(b"ZZ"), None);
        assert_eq!(iban_length(b"F@"), None);
        for (code, length) in IBAN_LENGTHS {
            assert_eq!(iban_length(code.as_bytes()), Some(*length), "{code}");
        }
    }

    #[test]
    fn remainders_modulo_97_of_long_numbers() {
        let digits = b"123456789012345678901234567890123456789";
        for length in 0..=digits.len() {
            let expected = digits[..length].iter().fold(0u32, |remainder, byte| {
                (remainder * 10 + u32::from(byte - b'0')) % 97
            });
            assert_eq!(mod97_digits(&digits[..length]), Some(expected));
        }
        assert_eq!(mod97_digits(b"12a"), None);
    }

    #[test]
    fn luhn_accepts_published_numbers() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"732829320"));
        assert!(luhn(b"73282932000074"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b""));
        assert!(!luhn(b"41x1"));
    }

    #[test]
    fn nir_key_and_structure() {
        assert!(nir(b"255081416802538"));
        assert!(!nir(b"255081416802539"));
        // Month 13 does not exist; 20 and 30-42 are conventional.
        assert!(!nir(b"255131416802538"));
        // Corsica: 2A counts as 19 for the key.
        let key = 97 - 2_690_519_004_123u64 % 97;
        let with_letters = format!("26905{}{}", "2A004123", format_args!("{key:02}"));
        assert!(nir(with_letters.as_bytes()), "{with_letters}");
        let wrong = format!("26905{}{}", "2B004123", format_args!("{key:02}"));
        assert!(!nir(wrong.as_bytes()));
    }

    #[test]
    fn iban_registry_examples() {
        for example in [
            "FR1420041010050500013M02606",
            "DE89370400440532013000",
            "GB29NWBK60161331926819",
            "BE68539007547034",
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "NO9386011117947",
            "MT84MALT011000012345MTLCAST001S",
        ] {
            assert!(iban(example.as_bytes()), "{example}");
        }
        assert!(!iban(b"FR1420041010050500013M02607"));
        assert!(!iban(b"FR142004101005050001M02606"));
        assert!(!iban(b"XX1420041010050500013M02606"));
    }

    #[test]
    fn rib_key() {
        // The bank details inside the registry's French IBAN example.
        assert!(rib(b"20041010050500013M02606"));
        assert!(!rib(b"20041010050500013M02607"));
    }

    #[test]
    fn siret_with_la_poste_exception() {
        assert!(siret(b"73282932000074"));
        assert!(!siret(b"73282932000075"));
        assert!(siret(b"35600000000048"));
        // Digits adding up to a multiple of 5, not Luhn.
        assert!(!luhn(b"35600000049837"));
        assert!(siret(b"35600000049837"));
        assert!(!siret(b"35600000049838"));
    }

    #[test]
    fn cards_need_an_issuer() {
        assert!(card(b"4111111111111111"));
        assert!(card(b"5555555555554444"));
        assert!(card(b"378282246310005"));
        assert!(card(b"2223003122003222"));
        assert!(!card(b"0000000000000000"));
        assert!(!card(b"4111111111111"));
    }
}
