//! Data recognisable only by the words before it: a date of birth ("né le 12/03/1985"), an
//! identity card or passport number, an ADELI number. The words are looked up where the word
//! pass finds one that may start them; each is followed by a short look ahead for a value of
//! the right shape.

use std::sync::LazyLock;

use crate::health::fold_variants;
use crate::text::{
    FirstWords, Patterns, Word, alphanumeric_at, find_digit, is_word_byte, parse_date,
    separator_len,
};
use crate::{Candidate, Kind};

/// How far after its label a value is looked for.
const WINDOW: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    Birth,
    Cni,
    Passport,
    Adeli,
}

const KEYWORDS: &[(&str, Trigger)] = &[
    ("né", Trigger::Birth),
    ("née", Trigger::Birth),
    ("né(e)", Trigger::Birth),
    ("naissance", Trigger::Birth),
    ("ddn", Trigger::Birth),
    ("date of birth", Trigger::Birth),
    ("birth date", Trigger::Birth),
    ("born", Trigger::Birth),
    ("dob", Trigger::Birth),
    ("cni", Trigger::Cni),
    ("carte nationale d'identité", Trigger::Cni),
    ("carte nationale d’identité", Trigger::Cni),
    ("carte d'identité", Trigger::Cni),
    ("carte d’identité", Trigger::Cni),
    ("pièce d'identité", Trigger::Cni),
    ("pièce d’identité", Trigger::Cni),
    ("identity card", Trigger::Cni),
    ("passeport", Trigger::Passport),
    ("passport", Trigger::Passport),
    ("adeli", Trigger::Adeli),
];

struct Matcher {
    /// Only words that can start a label are looked up.
    first_words: FirstWords,
    table: Patterns,
    triggers: Vec<Trigger>,
}

static MATCHER: LazyLock<Option<Matcher>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut triggers = Vec::new();
    for (keyword, trigger) in KEYWORDS {
        for variant in fold_variants(keyword) {
            patterns.push(variant);
            triggers.push(*trigger);
        }
    }
    Some(Matcher {
        first_words: FirstWords::new(patterns.iter().map(String::as_str)),
        table: Patterns::new(patterns.iter().map(String::as_str)),
        triggers,
    })
});

/// The filter of the words that can start a label.
pub fn first_words() -> Option<&'static FirstWords> {
    MATCHER.as_ref().map(|matcher| &matcher.first_words)
}

/// Scans `text` for labels at `words`, those that [`first_words`] lets through, and for a
/// value after each.
#[cfg(test)]
pub fn scan(text: &str, words: &[Word], out: &mut Vec<Candidate>) {
    let mut labels = Labels::new(text);
    for &word in words {
        labels.at(word, out);
    }
}

/// The labels of a text and the values after them, looked up word after word as the word pass
/// finds them.
pub struct Labels<'a> {
    matcher: Option<&'static Matcher>,
    text: &'a str,
    /// Where the last label ended: words inside it are not looked up.
    resume: usize,
    digits: Digits<'a>,
}

impl<'a> Labels<'a> {
    /// Starts a scan of `text`.
    pub fn new(text: &'a str) -> Labels<'a> {
        Labels {
            matcher: MATCHER.as_ref(),
            text,
            resume: 0,
            digits: Digits::new(text.as_bytes()),
        }
    }

    /// Looks up the label at `word`, one that [`first_words`] lets through, and the value
    /// after it, appended to `out`; words come in text order. The value starts after the
    /// label, so no candidate found later starts before the next word.
    #[inline]
    pub fn at(&mut self, word: Word, out: &mut Vec<Candidate>) {
        let (Some(matcher), text) = (self.matcher, self.text) else {
            return;
        };
        if word.start < self.resume {
            return;
        }
        // The longest label there, which must end where a word does.
        let Some((pattern, end)) = matcher.table.longest_at(text, word) else {
            return;
        };
        if alphanumeric_at(text, end) {
            return;
        }
        let Some(trigger) = matcher.triggers.get(pattern) else {
            return;
        };
        self.resume = end;
        let digits = &mut self.digits;
        let candidate = match trigger {
            Trigger::Birth => birthdate_after(text, digits, end),
            Trigger::Cni => token_after(text, digits, end, |token| {
                cni_shape(token).map(|confidence| (Kind::Cni, confidence))
            }),
            Trigger::Passport => token_after(text, digits, end, |token| {
                passport_shape(token).then_some((Kind::Passport, 0.9))
            }),
            Trigger::Adeli => adeli_after(text, digits, end),
        };
        out.extend(candidate);
    }
}

/// The first digit of a range of the text, remembered for the next label: labels come in text
/// order, so however many crowd a text (`née née née ...`), the look-aheads read each byte
/// about once instead of a window's worth per label.
struct Digits<'a> {
    bytes: &'a [u8],
    /// The range searched last, and its first digit.
    from: usize,
    to: usize,
    first: Option<usize>,
}

impl<'a> Digits<'a> {
    fn new(bytes: &'a [u8]) -> Digits<'a> {
        Digits {
            bytes,
            from: 0,
            to: 0,
            first: None,
        }
    }

    /// Where the first ASCII digit in `from..to` is.
    fn first(&mut self, from: usize, to: usize) -> Option<usize> {
        let to = to.min(self.bytes.len());
        if (self.from..=self.to).contains(&from) {
            match self.first {
                // No digit from `from` to this one.
                Some(digit) if digit >= from => return (digit < to).then_some(digit),
                Some(_) => {}
                // None up to `self.to`: only what lies beyond is read.
                None => {
                    if to <= self.to {
                        return None;
                    }
                    let found = find_digit(self.bytes.get(..to)?, self.to);
                    self.to = to;
                    self.first = found;
                    return found;
                }
            }
        }
        let found = find_digit(self.bytes.get(..to)?, from);
        self.from = from;
        self.to = to;
        self.first = found;
        found
    }
}

/// Where the first number within [`WINDOW`] bytes after a label starts, unless it is the tail
/// of a longer word.
fn first_number_after(digits: &mut Digits, from: usize) -> Option<usize> {
    let start = digits.first(from, from + WINDOW)?;
    if start > 0 && is_word_byte(digits.bytes[start - 1]) {
        return None;
    }
    Some(start)
}

fn birthdate_after(text: &str, digits: &mut Digits, from: usize) -> Option<Candidate> {
    let start = first_number_after(digits, from)?;
    let end = parse_date(text, start)?;
    Candidate::new(Kind::Birthdate, start, end, 0.9)
}

/// The longest token [`token_after`] is asked to accept: an identity card number of 12.
const MAX_TOKEN: usize = 12;

/// The first ASCII word within the window after `from` that `shape` accepts. Every shape asked
/// for holds a digit: without one in the window (and the longest token past it), no word is
/// read.
fn token_after(
    text: &str,
    digits: &mut Digits,
    from: usize,
    shape: impl Fn(&[u8]) -> Option<(Kind, f32)>,
) -> Option<Candidate> {
    let bytes = text.as_bytes();
    let limit = (from + WINDOW).min(bytes.len());
    digits.first(from, limit + MAX_TOKEN)?;
    let mut at = from;
    while at < limit {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let end = at
            + bytes[at..]
                .iter()
                .take_while(|byte| is_word_byte(**byte))
                .count();
        if let Some((kind, confidence)) = shape(&bytes[at..end]) {
            return Candidate::new(kind, at, end, confidence);
        }
        at = end;
    }
    None
}

/// Identity card numbers: the 12 characters of cards issued before 2021 (year and month,
/// issuing office, order number), or the 9 letters and digits of the current card.
fn cni_shape(token: &[u8]) -> Option<f32> {
    let upper_alnum = |byte: &u8| byte.is_ascii_digit() || byte.is_ascii_uppercase();
    match token.len() {
        12 if token[..4].iter().all(u8::is_ascii_digit)
            && token[4..7].iter().all(upper_alnum)
            && token[7..].iter().all(u8::is_ascii_digit) =>
        {
            Some(0.85)
        }
        9 if token.iter().all(upper_alnum)
            && token.iter().any(u8::is_ascii_digit)
            && token.iter().any(u8::is_ascii_uppercase) =>
        {
            Some(0.8)
        }
        _ => None,
    }
}

/// Passport numbers: two digits, two letters, five digits.
fn passport_shape(token: &[u8]) -> bool {
    token.len() == 9
        && token[..2].iter().all(u8::is_ascii_digit)
        && token[2..4].iter().all(u8::is_ascii_uppercase)
        && token[4..].iter().all(u8::is_ascii_digit)
}

/// ADELI numbers: 9 digits (department, profession, order, key), compact or grouped.
/// No public check-digit rule is used, so the label is required.
fn adeli_after(text: &str, digits: &mut Digits, from: usize) -> Option<Candidate> {
    let bytes = text.as_bytes();
    let start = first_number_after(digits, from)?;
    let mut at = start;
    let mut n_digits = 0;
    loop {
        let end = at
            + bytes[at..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
        n_digits += end - at;
        if n_digits > 9 || bytes.get(end).is_some_and(|byte| is_word_byte(*byte)) {
            return None;
        }
        let separator = separator_len(bytes, end);
        if n_digits == 9 {
            let more = separator > 0 && bytes.get(end + separator).is_some_and(u8::is_ascii_digit);
            return if more {
                None
            } else {
                Candidate::new(Kind::Adeli, start, end, 0.85)
            };
        }
        if separator == 0 || !bytes.get(end + separator).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        at = end + separator;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        let words = first_words().unwrap().candidates(text);
        scan(text, &words, &mut out);
        out.iter()
            .map(|found| (found.kind, &text[found.start..found.end()]))
            .collect()
    }

    #[test]
    fn values_after_their_labels() {
        assert_eq!(
            spans("Mme X, née le 12/03/1985 à Lyon"),
            [(Kind::Birthdate, "12/03/1985")]
        );
        assert_eq!(
            spans("DATE DE NAISSANCE : 1er mars 1985"),
            [(Kind::Birthdate, "1er mars 1985")]
        );
        assert_eq!(spans("CNI n° 880692310285"), [(Kind::Cni, "880692310285")]);
        assert_eq!(
            spans("Carte nationale d’identité : X4RTBPFW4"),
            [(Kind::Cni, "X4RTBPFW4")]
        );
        assert_eq!(
            spans("passeport n° 15AB12345"),
            [(Kind::Passport, "15AB12345")]
        );
        assert_eq!(
            spans("n° ADELI 75 1 23456 7"),
            [(Kind::Adeli, "75 1 23456 7")]
        );
    }

    #[test]
    fn the_table_finds_what_an_automaton_finds() {
        let patterns: Vec<String> = KEYWORDS
            .iter()
            .flat_map(|(keyword, _)| fold_variants(keyword))
            .collect();
        crate::text::tests::check_against_automaton(&patterns);
    }

    #[test]
    fn labels_alone_are_not_enough() {
        assert!(spans("l'année 1985, donné le 12/03/1985").is_empty());
        assert!(spans("née à Lyon").is_empty());
        assert!(spans("CNI en cours de renouvellement").is_empty());
        assert!(spans("ADELI 1234567890").is_empty());
    }

    #[test]
    fn the_first_digit_is_remembered_correctly() {
        let text = b"ab1cd 23 efg hij 4 k";
        let mut digits = Digits::new(text);
        // Every range, in the orders labels ask for them and in others.
        for (from, to) in [
            (0, 5),
            (1, 8),
            (3, 20),
            (4, 6),
            (8, 30),
            (9, 12),
            (9, 17),
            (0, 2),
        ] {
            let expected = (from..to.min(text.len())).find(|at| text[*at].is_ascii_digit());
            assert_eq!(digits.first(from, to), expected, "{from}..{to}");
        }
        for from in 0..text.len() {
            for to in from..text.len() + 3 {
                let expected = (from..to.min(text.len())).find(|at| text[*at].is_ascii_digit());
                assert_eq!(digits.first(from, to), expected, "{from}..{to}");
            }
        }
    }

    #[test]
    fn crowded_labels_each_find_their_value() {
        let text = "née née CNI passeport née le 12/03/1985 CNI 880692310285 adeli 75 1 23456 7";
        assert_eq!(
            spans(text),
            [
                // Each "née" finds the date; the passport label finds no passport number.
                (Kind::Birthdate, "12/03/1985"),
                (Kind::Birthdate, "12/03/1985"),
                (Kind::Cni, "880692310285"),
                (Kind::Birthdate, "12/03/1985"),
                (Kind::Cni, "880692310285"),
                (Kind::Adeli, "75 1 23456 7"),
            ]
        );
    }
}
