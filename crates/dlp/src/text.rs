//! Small text helpers shared by the detectors: word boundaries, separators inside numbers,
//! context words, dates.

/// An ASCII letter or digit: a byte that continues a word or a number.
pub fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The length of a separator allowed between two groups of a number at `at`: a space (or two,
/// as in a number retyped from a form's boxes), a dot, a dash, or the no-break spaces French
/// typography puts in numbers (U+00A0, U+202F, U+2009).
pub fn separator_len(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        // Spaces first: most separators are one, and the byte after it is a digit.
        Some(b' ') => 1 + usize::from(bytes.get(at + 1) == Some(&b' ')),
        Some(b'.' | b'-') => 1,
        Some(0xC2) if bytes.get(at + 1) == Some(&0xA0) => 2,
        Some(0xE2) if matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xAF | 0x89])) => 3,
        _ => 0,
    }
}

/// `byte` in each of eight bytes: the constants of the eight-bytes-at-a-time tests below.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// The high bit of each of eight bytes.
const HIGHS: u64 = splat(0x80);
/// The seven low bits of each of eight bytes.
const LOW_SEVEN: u64 = splat(0x7F);

/// Where the first ASCII digit at or after `from` is. Eight bytes at a time: the text is
/// mostly letters, and identifiers start with a digit.
pub fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = splat(0x01);
    const ZEROS: u64 = splat(b'0');
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Digits become bytes below 10; any byte below 10 sets its high bit in `below_ten`
        // (a byte has a digit iff the whole word test is non-zero).
        let shifted = u64::from_le_bytes(word) ^ ZEROS;
        let below_ten = shifted.wrapping_sub(10 * ONES) & !shifted & HIGHS;
        if below_ten != 0 {
            // The lowest byte flagged is the first digit: a borrow runs only upwards, from a
            // flagged byte.
            return Some(at + (below_ten.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|offset| at + offset)
}

/// A word of a text, as [`for_each_word`] reports it: a maximal run of letters, digits and
/// `_` (any script).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// The hash of its bytes, ASCII letters lower-cased.
    pub key: u32,
}

impl Word {
    /// Its bit in a [`FirstWords`] filter.
    pub fn bit(&self) -> usize {
        (self.key >> (32 - FILTER_BITS)) as usize
    }
}

/// A filter on the first word of a set of patterns, so that a dictionary is tried only where
/// a text's word could start one of its patterns, instead of at every byte. Words are maximal runs of letters, digits and `_` (any script); a word passes when
/// the hash of its bytes, ASCII letters lower-cased, has its bit set. Patterns are searched
/// ignoring ASCII case, so this never rejects a word that starts a match; a word passes
/// wrongly only when its hash collides with a pattern's, about once in 30 for 2,000 words.
pub struct FirstWords {
    bits: Vec<u64>,
}

/// 2^16 bits.
const FILTER_BITS: u32 = 16;

impl FirstWords {
    /// The filter of these patterns' first words.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> FirstWords {
        let mut filter = FirstWords {
            bits: vec![0; 1 << (FILTER_BITS - 6)],
        };
        for pattern in patterns {
            let (_, key) = first_word(pattern);
            let bit = Word {
                start: 0,
                end: 0,
                key,
            }
            .bit();
            if let Some(word) = filter.bits.get_mut(bit >> 6) {
                *word |= 1 << (bit & 63);
            }
        }
        filter
    }

    /// The filter that lets through what either lets through.
    pub fn union(&self, other: &FirstWords) -> FirstWords {
        FirstWords {
            bits: self
                .bits
                .iter()
                .zip(&other.bits)
                .map(|(a, b)| a | b)
                .collect(),
        }
    }

    /// Whether a word with this [`Word::bit`] may start a pattern.
    pub fn contains(&self, bit: usize) -> bool {
        self.bits
            .get(bit >> 6)
            .is_some_and(|word| word & (1 << (bit & 63)) != 0)
    }

    /// The words of `text` that pass the filter, in order.
    #[cfg(test)]
    pub fn candidates(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        for_each_word(text, 0, text.len(), |word| {
            if self.contains(word.bit()) {
                words.push(word);
            }
        });
        words
    }
}

/// The length in bytes of the first word of `pattern` (empty if it starts with another
/// character) and its [`Word::key`].
fn first_word(pattern: &str) -> (usize, u32) {
    let mut hash = WordHash::default();
    let mut length = 0;
    for c in pattern.chars() {
        if !(c.is_alphanumeric() || c == '_') {
            break;
        }
        let mut buffer = [0u8; 4];
        for byte in c.encode_utf8(&mut buffer).bytes() {
            hash.push(byte.to_ascii_lowercase());
        }
        length += c.len_utf8();
    }
    (length, hash.key())
}

/// A dictionary's patterns grouped by their first word, to find the one at a word of a text
/// with a hash look-up and a few comparisons instead of walking an automaton byte by byte.
///
/// [`Patterns::longest_at`] gives the answer of an anchored leftmost-longest Aho-Corasick
/// search of the same patterns ignoring ASCII case (the longest pattern the text starts with
/// there, the first given of equal ones), whenever that match is the word or goes past it.
/// A match ending inside the word is the only other kind; both callers reject it, as they
/// reject any match followed by a letter or digit, and this gives none there instead.
///
/// Why only the patterns of the word's group need comparing: a pattern that the text starts
/// with, and whose first word is not the text's word, has a first word that is a proper
/// prefix of the text's word (the two agree byte for byte, ASCII case aside, so a separator
/// in the pattern would end both words at the same place); such a pattern ends inside the
/// word, so it is shorter than any pattern of the word's group.
pub struct Patterns {
    /// Open addressing on the word's key: the key and one more than the group's index, 0 for
    /// an empty slot. At least twice as many slots as groups.
    slots: Vec<(u32, u32)>,
    groups: Vec<Group>,
    /// Each group's patterns, longest first, then in the order given; a pattern equal to an
    /// earlier one, ASCII case aside, is left out (it could never be found).
    entries: Vec<Entry>,
}

struct Group {
    /// The first word of its patterns, ASCII letters lower-cased.
    word: Folded,
    entries: std::ops::Range<usize>,
}

struct Entry {
    /// The pattern's index in the list given.
    pattern: usize,
    /// The pattern's bytes after its first word, ASCII letters lower-cased.
    rest: Folded,
}

/// Bytes with ASCII letters lower-cased, compared with a text's eight at a time: a text's
/// bytes are folded once, not both sides byte by byte.
struct Folded {
    /// The bytes, then zeros to a whole number of eight-byte pieces.
    padded: Box<[u8]>,
    len: usize,
}

impl Folded {
    fn new(bytes: &[u8]) -> Folded {
        let mut padded = bytes.to_ascii_lowercase();
        padded.resize(bytes.len().div_ceil(8) * 8, 0);
        Folded {
            padded: padded.into_boxed_slice(),
            len: bytes.len(),
        }
    }

    /// Whether `text` holds these bytes at `at`, ignoring ASCII case.
    fn is_at(&self, text: &[u8], at: usize) -> bool {
        if text.len().saturating_sub(at) < self.len {
            return false;
        }
        self.padded
            .chunks_exact(8)
            .enumerate()
            .all(|(index, piece)| {
                let offset = index * 8;
                let left = self.len - offset;
                let kept = if left >= 8 {
                    u64::MAX
                } else {
                    u64::MAX >> (64 - 8 * left)
                };
                let mut eight = [0u8; 8];
                eight.copy_from_slice(piece);
                (fold_ascii(load_eight(text, at + offset)) ^ u64::from_le_bytes(eight)) & kept == 0
            })
    }
}

/// The eight bytes of `bytes` at `at`, little-endian, zeros past its end.
fn load_eight(bytes: &[u8], at: usize) -> u64 {
    let mut eight = [0u8; 8];
    match bytes.get(at..at + 8) {
        Some(piece) => eight.copy_from_slice(piece),
        None => {
            let rest = bytes.get(at..).unwrap_or_default();
            eight[..rest.len()].copy_from_slice(rest);
        }
    }
    u64::from_le_bytes(eight)
}

/// The eight bytes with ASCII capitals lower-cased, other bytes as they are.
fn fold_ascii(bytes: u64) -> u64 {
    let low = bytes & LOW_SEVEN;
    // The high bit of each byte: its low seven bits are at least `A`, past `Z`; no carry
    // crosses a byte.
    let at_least_a = low + splat(0x80 - b'A');
    let past_z = low + splat(0x80 - b'Z' - 1);
    let capital = at_least_a & !past_z & !bytes & HIGHS;
    bytes | (capital >> 2)
}

impl Patterns {
    /// The table of these patterns; a pattern starting with a character outside words can
    /// never be found at a word, and is left out.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Patterns {
        // Each first word (lower-cased), its key, and its patterns' indexes and rests.
        type Members<'a> = Vec<(usize, &'a [u8])>;
        let mut by_word: Vec<(Vec<u8>, u32, Members<'a>)> = Vec::new();
        for (index, pattern) in patterns.into_iter().enumerate() {
            let (length, key) = first_word(pattern);
            if length == 0 {
                continue;
            }
            let word = pattern.as_bytes()[..length].to_ascii_lowercase();
            let rest = &pattern.as_bytes()[length..];
            match by_word.iter_mut().find(|(other, _, _)| *other == word) {
                Some((_, _, members)) => members.push((index, rest)),
                None => by_word.push((word, key, vec![(index, rest)])),
            }
        }
        let n_slots = (by_word.len() * 2).next_power_of_two().max(2);
        let mut table = Patterns {
            slots: vec![(0, 0); n_slots],
            groups: Vec::with_capacity(by_word.len()),
            entries: Vec::new(),
        };
        for (word, key, mut members) in by_word {
            members.sort_by(|(a_index, a), (b_index, b)| {
                b.len().cmp(&a.len()).then(a_index.cmp(b_index))
            });
            let first = table.entries.len();
            for (pattern, rest) in members {
                let shadowed = table.entries[first..]
                    .iter()
                    .any(|entry| entry.rest.len == rest.len() && entry.rest.is_at(rest, 0));
                if !shadowed {
                    table.entries.push(Entry {
                        pattern,
                        rest: Folded::new(rest),
                    });
                }
            }
            table.groups.push(Group {
                word: Folded::new(&word),
                entries: first..table.entries.len(),
            });
            let mut slot = table.slot_of(key);
            while table.slots[slot].1 != 0 {
                slot = (slot + 1) & (n_slots - 1);
            }
            table.slots[slot] = (key, table.groups.len() as u32);
        }
        table
    }

    /// The longest pattern `text` starts with at `word` (a word of `text`), as its index and
    /// the offset just past it; see [`Patterns`] for the matches ending inside the word.
    pub fn longest_at(&self, text: &str, word: Word) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let word_len = word.end.checked_sub(word.start)?;
        let mask = self.slots.len() - 1;
        let mut slot = self.slot_of(word.key);
        let group = loop {
            let (key, group) = *self.slots.get(slot)?;
            let group = self.groups.get((group as usize).checked_sub(1)?)?;
            if key == word.key && group.word.len == word_len && group.word.is_at(bytes, word.start)
            {
                break group;
            }
            slot = (slot + 1) & mask;
        };
        self.entries
            .get(group.entries.clone())?
            .iter()
            .find(|entry| entry.rest.is_at(bytes, word.end))
            .map(|entry| (entry.pattern, word.end + entry.rest.len))
    }

    fn slot_of(&self, key: u32) -> usize {
        // The key's high bits are its best mixed.
        (key.rotate_left(16) as usize) & (self.slots.len() - 1)
    }
}

/// For each byte: an ASCII letter, digit or `_` lower-cased, 0 for other ASCII bytes, and
/// [`NON_ASCII`] for the bytes of other characters. One load per byte tells a word's bytes
/// from the others and gives what its hash takes.
static WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let value = byte as u8;
        table[byte] = if value >= 0x80 {
            NON_ASCII
        } else if value.is_ascii_alphanumeric() || value == b'_' {
            value.to_ascii_lowercase()
        } else {
            0
        };
        byte += 1;
    }
    table
};
const NON_ASCII: u8 = 0xFF;

/// Calls `on_word` with each [`Word`] of `text` that starts in `from..to`, in order, `from`
/// being where the previous range's words ended (0 at first); returns where the next range's
/// words start. A word that starts before `to` is read whole. One pass feeds the filters of
/// every dictionary.
pub fn for_each_word(text: &str, from: usize, to: usize, mut on_word: impl FnMut(Word)) -> usize {
    let bytes = text.as_bytes();
    // Words are read whole; only their first bytes need to lie before `to`.
    let starts = bytes.get(..to).unwrap_or(bytes);
    let mut at = from;
    while let Some(&byte) = starts.get(at) {
        // Skip to the next word.
        match WORD_BYTES[usize::from(byte)] {
            0 => {
                at += 1;
                continue;
            }
            NON_ASCII => {
                let (alphanumeric, length) = char_at(text, at);
                if !alphanumeric {
                    at += length;
                    continue;
                }
            }
            _ => {}
        }
        let start = at;
        let mut hash = WordHash::default();
        loop {
            let folded = bytes
                .get(at)
                .map_or(0, |&byte| WORD_BYTES[usize::from(byte)]);
            // One test per byte for the usual ASCII letter or digit: 0 and NON_ASCII are the
            // two values below 1 or above NON_ASCII - 2.
            if folded.wrapping_sub(1) >= NON_ASCII - 1 {
                if folded == 0 {
                    break;
                }
                let (alphanumeric, length) = char_at(text, at);
                if !alphanumeric {
                    break;
                }
                // Bytes of non-ASCII characters have no case to fold.
                for &byte in bytes.get(at..at + length).unwrap_or_default() {
                    hash.push(byte);
                }
                at += length;
                continue;
            }
            hash.push(folded);
            at += 1;
        }
        on_word(Word {
            start,
            end: at,
            key: hash.key(),
        });
    }
    at
}

/// Whether the character starting at `at` (a lead byte of a non-ASCII character) is
/// alphanumeric, and its length in bytes. French letters are answered without a table.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    match text.as_bytes().get(at..) {
        // U+0080-U+00BF: controls, the no-break space, punctuation and symbols, but for
        // ª ² ³ µ ¹ º ¼ ½ ¾.
        Some([0xC2, second, ..]) => (
            matches!(
                second,
                0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC..=0xBE
            ),
            2,
        ),
        // U+00C0-U+017F: letters, but for × and ÷.
        Some([0xC3, second, ..]) => (!matches!(second, 0x97 | 0xB7), 2),
        Some([0xC4 | 0xC5, _, ..]) => (true, 2),
        // U+2000-U+203F: spaces, dashes, quotes and other punctuation.
        Some([0xE2, 0x80, _, ..]) => (false, 3),
        // U+20A0-U+20BF: currency signs, € among them.
        Some([0xE2, 0x82, 0xA0..=0xBF, ..]) => (false, 3),
        _ => match text.get(at..).and_then(|tail| tail.chars().next()) {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            None => (false, 1),
        },
    }
}

/// A hash of the bytes of a word, ASCII letters lower-cased: a rotation and an exclusive or
/// per byte (one cycle each, where a multiplication would take three), mixed once at the end.
#[derive(Default)]
struct WordHash(u32);

impl WordHash {
    /// Adds a byte, already lower-cased if it is an ASCII letter.
    fn push(&mut self, byte: u8) {
        self.0 = self.0.rotate_left(5) ^ u32::from(byte);
    }

    /// Mixed once: [`Word::bit`] takes its high bits.
    fn key(&self) -> u32 {
        self.0.wrapping_mul(0x9E37_79B1)
    }
}

/// Whether the character at `at` is a letter or digit (any script).
pub fn alphanumeric_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(&byte) if byte < 0x80 => WORD_BYTES[usize::from(byte)] != 0,
        Some(_) => char_at(text, at).0,
    }
}

/// Whether one of `keywords` (lowercase ASCII, at most 32) appears in the `window` bytes
/// before `at`, ignoring ASCII case. Used to tell apart identifiers of the same shape (a
/// FINESS and a SIREN are both 9 digits with a Luhn key) and to raise confidence.
pub fn context_before(bytes: &[u8], at: usize, window: usize, keywords: &[&str]) -> bool {
    labels_before(bytes, at, window, keywords) != 0
}

/// Which of `keywords` (lowercase ASCII, at most 32) appear in the `window` bytes before `at`,
/// ignoring ASCII case: bit i set for the i-th. [`context_before`] for several sets of labels
/// at once, the window read once.
pub fn labels_before(bytes: &[u8], at: usize, window: usize, keywords: &[&str]) -> u32 {
    let start = at.saturating_sub(window);
    let Some(slice) = bytes.get(start..at) else {
        return 0;
    };
    let mut found = 0u32;
    // Eight bytes at a time, case folded: the bytes that start a keyword are found without a
    // branch per byte (a SIREN's window holds a few), and only there are keywords compared.
    let mut offset = 0;
    while offset < slice.len() {
        // Zeros past the window, which start no keyword.
        let eight = fold_ascii(load_eight(slice, offset));
        let mut starts = 0u64;
        for keyword in keywords {
            if let Some(&first) = keyword.as_bytes().first() {
                starts |= equal_bytes(eight, first);
            }
        }
        while starts != 0 {
            let index = offset + (starts.trailing_zeros() / 8) as usize;
            starts &= starts - 1;
            let Some(lower) = slice.get(index).map(u8::to_ascii_lowercase) else {
                break;
            };
            // Only the keywords starting with this byte are compared further.
            for (bit, keyword) in keywords.iter().enumerate().take(32) {
                if let Some((&first, rest)) = keyword.as_bytes().split_first()
                    && first == lower
                    && slice
                        .get(index + 1..index + 1 + rest.len())
                        .is_some_and(|candidate| candidate.eq_ignore_ascii_case(rest))
                {
                    found |= 1 << bit;
                }
            }
        }
        offset += 8;
    }
    found
}

/// The high bit of each byte of `eight` equal to `byte`, exactly (no borrow crosses a byte).
fn equal_bytes(eight: u64, byte: u8) -> u64 {
    let difference = eight ^ splat(byte);
    // A byte's high bit ends set iff it differs: in its low seven bits, or in the high one.
    !(((difference & LOW_SEVEN) + LOW_SEVEN) | difference) & HIGHS
}

/// Parses a date starting exactly at `at` and returns the byte offset just past it.
/// Accepted: `12/03/1985`, `12-03-85`, `12.03.1985`, `1985-03-12`, `12 mars 1985`,
/// `1er mars 1985`, `12 déc. 1985`. Day, month and year are range-checked.
pub fn parse_date(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (first, after_first) = digits(bytes, at, 1, 4)?;
    // ISO: 1985-03-12
    if after_first - at == 4 {
        let year = first;
        let after_dash = expect(bytes, after_first, b"-")?;
        let (month, after_month) = digits(bytes, after_dash, 2, 2)?;
        let after_dash = expect(bytes, after_month, b"-")?;
        let (day, end) = digits(bytes, after_dash, 2, 2)?;
        return (valid_year(year, 4) && valid_day_month(day, month) && !continues(bytes, end))
            .then_some(end);
    }
    if after_first - at > 2 {
        return None;
    }
    let day = first;
    // Numeric: 12/03/1985, 12-03-85, 12.03.1985 (the same separator twice).
    if let Some(&separator) = bytes.get(after_first)
        && matches!(separator, b'/' | b'-' | b'.')
    {
        let (month, after_month) = digits(bytes, after_first + 1, 1, 2)?;
        if bytes.get(after_month) != Some(&separator) {
            return None;
        }
        let (year, end) = digits(bytes, after_month + 1, 2, 4)?;
        let year_len = end - after_month - 1;
        return (year_len != 3
            && valid_year(year, year_len)
            && valid_day_month(day, month)
            && !continues(bytes, end))
        .then_some(end);
    }
    // Written month: 12 mars 1985, 1er mars 1985.
    let mut position = after_first;
    if day == 1 && bytes.get(position..position + 2) == Some(b"er") {
        position += 2;
    }
    position = skip_spaces(bytes, position, 1)?;
    let (month, after_month) = month_name(text, position)?;
    let position = skip_spaces(bytes, after_month, 1)?;
    let (year, end) = digits(bytes, position, 4, 4)?;
    (valid_year(year, 4) && valid_day_month(day, month) && !continues(bytes, end)).then_some(end)
}

/// Reads between `min` and `max` ASCII digits at `at`; fails if more digits follow.
fn digits(bytes: &[u8], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut end = at;
    while let Some(byte) = bytes.get(end).filter(|byte| byte.is_ascii_digit()) {
        if end - at == max {
            return None;
        }
        value = value * 10 + u32::from(byte - b'0');
        end += 1;
    }
    (end - at >= min).then_some((value, end))
}

fn expect(bytes: &[u8], at: usize, literal: &[u8]) -> Option<usize> {
    bytes
        .get(at..at + literal.len())
        .filter(|slice| *slice == literal)
        .map(|_| at + literal.len())
}

/// Skips spaces (ASCII or no-break), requiring at least `min` of them.
fn skip_spaces(bytes: &[u8], mut at: usize, min: usize) -> Option<usize> {
    let start = at;
    loop {
        let length = match bytes.get(at..) {
            Some([b' ', ..]) => 1,
            Some([0xC2, 0xA0, ..]) => 2,
            Some([0xE2, 0x80, 0xAF, ..]) => 3,
            _ => break,
        };
        at += length;
    }
    (at - start >= min).then_some(at)
}

/// A French month name (full or abbreviated, with or without accents, any case) at `at`.
fn month_name(text: &str, at: usize) -> Option<(u32, usize)> {
    const MONTHS: [(&str, u32); 26] = [
        ("janvier", 1),
        ("janv.", 1),
        ("février", 2),
        ("fevrier", 2),
        ("févr.", 2),
        ("fevr.", 2),
        ("mars", 3),
        ("avril", 4),
        ("avr.", 4),
        ("mai", 5),
        ("juin", 6),
        ("juillet", 7),
        ("juil.", 7),
        ("août", 8),
        ("aout", 8),
        ("septembre", 9),
        ("sept.", 9),
        ("octobre", 10),
        ("oct.", 10),
        ("novembre", 11),
        ("nov.", 11),
        ("décembre", 12),
        ("decembre", 12),
        ("déc.", 12),
        ("dec.", 12),
        ("janv", 1),
    ];
    let tail = text.get(at..)?;
    let word_len = tail
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '.'))
        .map_or(tail.len(), |(index, _)| index);
    let word = tail.get(..word_len)?.to_lowercase();
    MONTHS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, month)| (*month, at + word_len))
}

fn valid_year(year: u32, length: usize) -> bool {
    length == 2 || (1900..=2100).contains(&year)
}

fn valid_day_month(day: u32, month: u32) -> bool {
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A date followed by more digits or letters is part of something else.
fn continues(bytes: &[u8], end: usize) -> bool {
    bytes.get(end).is_some_and(|byte| is_word_byte(*byte))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Checks [`Patterns::longest_at`] against the anchored leftmost-longest automaton it
    /// replaces, at every word of texts made of `patterns` and of the labelled corpus.
    pub fn check_against_automaton(patterns: &[String]) {
        use aho_corasick::{AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns)
            .unwrap();
        let table = Patterns::new(patterns.iter().map(String::as_str));
        let mut texts: Vec<String> = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let next = &patterns[(index * 7 + 3) % patterns.len()];
            let upper = pattern.to_ascii_uppercase();
            let cut = pattern.char_indices().nth(pattern.chars().count() / 2);
            let half = &pattern[..cut.map_or(0, |(at, _)| at)];
            for text in [
                pattern.clone(),
                format!("({pattern}), {upper}s {pattern}2 {pattern}_ {pattern}é"),
                format!("{pattern} {next} l’{pattern} d'{next}"),
                format!("{half} {half}x {pattern}{next} {pattern}’{next}"),
                format!("{pattern} de type 25, {pattern} du {next}"),
            ] {
                texts.push(text);
            }
        }
        let corpus = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/documents.jsonl"
        ))
        .unwrap();
        for line in corpus.lines() {
            let document: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(document["text"].as_str().unwrap().to_owned());
        }
        let mut n_found = 0;
        for text in &texts {
            for_each_word(text, 0, text.len(), |word| {
                let input = Input::new(text)
                    .span(word.start..text.len())
                    .anchored(Anchored::Yes);
                let expected = automaton
                    .find(input)
                    .map(|found| (found.pattern().as_usize(), found.end()));
                let got = table.longest_at(text, word);
                match expected {
                    // A match ending inside the word may be left out: callers reject it.
                    Some((_, end)) if alphanumeric_at(text, end) => {
                        assert!(got.is_none() || got == expected, "{text:?} at {word:?}")
                    }
                    _ => assert_eq!(got, expected, "{text:?} at {word:?}"),
                }
                n_found += usize::from(got.is_some());
            });
        }
        assert!(n_found >= patterns.len(), "{n_found} matches");
    }

    #[test]
    fn dates() {
        let check = |text: &str, expected: Option<&str>| {
            let end = parse_date(text, 0);
            assert_eq!(end.map(|end| &text[..end]), expected, "{text}");
        };
        check("12/03/1985 à Lyon", Some("12/03/1985"));
        check("1/3/85", Some("1/3/85"));
        check("12.03.1985", Some("12.03.1985"));
        check("1985-03-12", Some("1985-03-12"));
        check("12 mars 1985", Some("12 mars 1985"));
        check("1er Août 1985.", Some("1er Août 1985"));
        check("3 déc. 2001", Some("3 déc. 2001"));
        check("31/02/1985", None);
        check("12/13/1985", None);
        check("12/03-1985", None);
        check("12/03/1985123", None);
        check("12 brumaire 1985", None);
        check("12/03/185", None);
    }

    #[test]
    fn digits_are_found_in_any_position_of_a_chunk() {
        for position in 0..40 {
            for digit in b'0'..=b'9' {
                let mut text = vec![b'a'; 40];
                // Bytes on either side of the digits' range never count.
                text[position / 2] = b'/';
                text[(position + 7) % 40] = b':';
                text[position] = digit;
                assert_eq!(find_digit(&text, 0), Some(position));
                assert_eq!(find_digit(&text, position + 1), None);
            }
        }
        assert_eq!(find_digit("é9".as_bytes(), 0), Some(2));
        assert_eq!(find_digit("éé:/9é8".as_bytes(), 0), Some(6));
        assert_eq!(
            find_digit("\u{7f}\u{80}\u{ff}é\u{2019}01".as_bytes(), 0),
            Some(10)
        );
        assert_eq!(find_digit(b"", 0), None);
        assert_eq!(find_digit(b"12", 5), None);
    }

    #[test]
    fn folded_bytes_are_found_ignoring_ascii_case_only() {
        for byte in 0..=255u8 {
            for place in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[place] = byte;
                let expected = bytes.map(|byte| byte.to_ascii_lowercase());
                assert_eq!(
                    fold_ascii(u64::from_le_bytes(bytes)),
                    u64::from_le_bytes(expected),
                    "{byte} at {place}"
                );
            }
        }
        let text = "x DIABÈTE de Type 2";
        for (pattern, at, expected) in [
            ("diabÈte", 2, true),
            ("diabète", 2, false),
            ("DIABÈTE DE TYPE 2", 2, true),
            ("diabÈte de type 2 ", 2, false),
            ("type 2", 14, true),
            ("type 3", 14, false),
            ("2", 19, true),
            ("2 ", 19, false),
            ("", 20, true),
            ("x", 0, true),
        ] {
            assert_eq!(
                Folded::new(pattern.as_bytes()).is_at(text.as_bytes(), at),
                expected,
                "{pattern:?} at {at}"
            );
        }
    }

    #[test]
    fn words_and_their_filter() {
        let text = "l’hôpital «DIABÈTE»×2 x86_64 Œdème";
        let mut words = Vec::new();
        for_each_word(text, 0, text.len(), |word| words.push(word.start));
        let starts: Vec<usize> = ["l’", "hôpital", "DIABÈTE", "2", "x86_64", "Œdème"]
            .iter()
            .map(|word| text.find(word).unwrap())
            .collect();
        assert_eq!(words, starts);
        // A pattern's first word passes in any ASCII case, and other words mostly do not.
        let filter = FirstWords::new(["diabète de type 2", "DIABÈTE", "hôpital"]);
        let candidates: Vec<usize> = filter
            .candidates(text)
            .iter()
            .map(|word| word.start)
            .collect();
        assert_eq!(candidates, [starts[1], starts[2]]);
        assert_eq!(filter.candidates("Hôpital HÔPITAL")[0].start, 0);
        assert_eq!(filter.candidates("Hôpital HÔPITAL").len(), 1);
    }

    #[test]
    fn characters_are_classified_as_the_standard_library_does() {
        for c in ('\u{80}'..='\u{3000}').chain(['€', '✓', '中', '𝔸', '\u{1F600}']) {
            let text = format!("{c}a");
            let expected = c.is_alphanumeric() || c == '_';
            assert_eq!(char_at(&text, 0), (expected, c.len_utf8()), "{c:?}");
            assert_eq!(alphanumeric_at(&text, 0), expected, "{c:?}");
        }
        for byte in 0..0x80u8 {
            let text = String::from(char::from(byte));
            let expected = byte.is_ascii_alphanumeric() || byte == b'_';
            assert_eq!(alphanumeric_at(&text, 0), expected, "{byte}");
        }
        assert!(!alphanumeric_at("é", 1));
        assert!(!alphanumeric_at("a", 1));
    }

    #[test]
    fn context_ignores_case() {
        let text = b"N\xc2\xb0 FINESS : 123";
        assert!(context_before(text, text.len() - 3, 16, &["finess"]));
        assert!(!context_before(text, text.len() - 3, 16, &["siret"]));
        assert!(!context_before(text, 2, 64, &["finess"]));
        assert_eq!(
            labels_before(text, text.len() - 3, 16, &["siret", "finess", "n"]),
            0b110
        );
        assert_eq!(labels_before(text, 2, 64, &["finess"]), 0);
        // Keywords at every place of the eight-byte pieces, cut by the window's edges.
        let text = b"xx SIREN siret..Rcs entreprise: 1";
        let keywords = ["siren", "siret", "rcs", "entreprise", "x", "s"];
        for at in 0..=text.len() {
            for window in 0..=at {
                let slice = &text[at - window..at];
                let expected = keywords
                    .iter()
                    .enumerate()
                    .fold(0, |found, (bit, keyword)| {
                        let present = slice
                            .windows(keyword.len())
                            .any(|candidate| candidate.eq_ignore_ascii_case(keyword.as_bytes()));
                        found | u32::from(present) << bit
                    });
                assert_eq!(
                    labels_before(text, at, window, &keywords),
                    expected,
                    "{at} {window}"
                );
            }
        }
    }
}
