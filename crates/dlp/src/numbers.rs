//! Identifiers written as digits: NIR, RIB, card, FINESS, RPPS, SIREN, SIRET, phone, and the
//! passport's shape. One hand-written pass: find each run of digit groups separated by single
//! separators (`1 84 12 76 451 089 46`, `732.829.320`), then try every group-aligned span of
//! it against the validators of its length. A span is accepted only when its separators fall
//! where that identifier's fields end (so `06 12 34 56 78` can be a phone number but not
//! a SIREN), which keeps look-alikes inside longer numbers out.

use crate::text::{context_before, find_digit, is_word_byte, labels_before, separator_len};
use crate::{Candidate, Kind, checksum, iban};

/// The longest identifier handled here: a RIB, 23 characters.
const MAX_LEN: usize = 23;
/// The shortest: a SIREN or FINESS, 9 digits.
const MIN_LEN: usize = 9;
/// How far before a number its label ("SIRET :", "n° FINESS") is looked for.
const CONTEXT_WINDOW: usize = 40;

/// Appends the candidates of `text` to `out`, in text order; `run` is working memory.
#[cfg(test)]
pub fn scan(text: &str, run: &mut Run, out: &mut Vec<Candidate>) {
    Numbers::default().scan_until(text, text.len(), run, out);
}

/// A scan of one text for numbers, read a range at a time.
#[derive(Default)]
pub struct Numbers {
    /// Where the search for the next number resumes.
    position: usize,
}

impl Numbers {
    /// No candidate found later starts before this: an IBAN starts two letters before its
    /// first digit, a `+33` phone number one byte before.
    pub fn horizon(&self) -> usize {
        self.position.saturating_sub(2)
    }

    /// Appends to `out` the candidates of the numbers that start before `to` and have not
    /// been read yet; `run` is working memory. A number that starts before `to` is read
    /// whole, wherever it ends: the candidates are those of one scan of the whole text.
    pub fn scan_until(&mut self, text: &str, to: usize, run: &mut Run, out: &mut Vec<Candidate>) {
        self.position = scan_range(text, self.position, to, run, out);
    }
}

/// Appends the candidates of the numbers starting in `from..to`, `from` being where a scan
/// of the whole text would look for the next number; returns where it would look next.
fn scan_range(
    text: &str,
    from: usize,
    to: usize,
    run: &mut Run,
    out: &mut Vec<Candidate>,
) -> usize {
    let bytes = text.as_bytes();
    let mut position = from;
    while let Some(start) = find_digit(bytes, position) {
        if start >= to {
            return start;
        }
        if start > 0 && is_word_byte(bytes[start - 1]) {
            // Digits inside a word ("A380", "x86_64") are not an identifier, except the
            // check digits of an IBAN after its country code (in either case).
            let word_start = start.wrapping_sub(2);
            if start >= 2
                && bytes[word_start].is_ascii_alphabetic()
                && bytes[word_start + 1].is_ascii_alphabetic()
                && (word_start == 0 || !is_word_byte(bytes[word_start - 1]))
                && let Some(shape) = iban::at(bytes, word_start)
            {
                position = match shape {
                    iban::Shape::Valid(candidate) => {
                        let end = candidate.end();
                        out.push(candidate);
                        end
                    }
                    iban::Shape::LookAlike(end) => end,
                };
                continue;
            }
            position = token_end(bytes, start);
            continue;
        }
        let digits_end = start
            + bytes[start..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
        if matches!(digits_end - start, 2 | 4)
            && let Some(candidate) = phone_with_trunk_zero(bytes, start)
        {
            position = candidate.end();
            out.push(candidate);
            continue;
        }
        // Most numbers are a lone group shorter than any identifier (a date's parts, an
        // amount): passed over without collecting them.
        if digits_end - start < MIN_LEN
            && !bytes
                .get(digits_end)
                .is_some_and(|&byte| is_word_byte(byte))
            && !continues_run(bytes, digits_end)
        {
            position = digits_end;
            continue;
        }
        let (end, truncated) = run.collect(bytes, start);
        if run.groups.is_empty() {
            let token = token_end(bytes, start);
            if is_passport_shape(&bytes[start..token]) {
                out.extend(Candidate::new(Kind::Passport, start, token, 0.5));
            }
            position = token;
            continue;
        }
        let after_plus = start > 0 && bytes[start - 1] == b'+';
        if !truncated {
            run.classify(bytes, after_plus, true, run.groups.len(), out);
            position = end.max(start + 1);
            continue;
        }
        // A run longer than any identifier (`1 2 3 4 ...` over megabytes) is classified a
        // window of groups at a time, so memory stays bounded: each window classifies the
        // spans starting in its first groups, whose longest span it holds whole.
        let mut run_start = true;
        let mut truncated = truncated;
        loop {
            let ready = if truncated {
                run.groups.len() - MAX_LEN
            } else {
                run.groups.len()
            };
            run.classify(bytes, after_plus && run_start, run_start, ready, out);
            if !truncated {
                break;
            }
            run_start = false;
            let resume = run.groups[ready].start;
            let (end, more) = run.collect(bytes, resume);
            position = end.max(resume + 1);
            truncated = more;
        }
    }
    bytes.len()
}

/// The most groups a run holds at once; more than [`MAX_LEN`], so that a window's first
/// groups start spans it holds whole. The last [`MAX_LEN`] are read again by the next window:
/// the larger the window, the less is read twice (8 KiB of groups).
const MAX_GROUPS: usize = 256;

/// One group of a run: its bytes in the text and its characters in `Run::compact`.
#[derive(Clone, Copy, Debug)]
struct Group {
    start: usize,
    end: usize,
    compact_start: usize,
    compact_end: usize,
    /// It holds a letter (a Corsican NIR's department, a RIB's account).
    has_letter: bool,
}

#[derive(Default)]
pub struct Run {
    groups: Vec<Group>,
    /// The run's characters without separators, letters upper-cased.
    compact: Vec<u8>,
}

impl Run {
    /// The larger of the run's two buffers, in items.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.groups.capacity().max(self.compact.capacity())
    }

    /// Gives back the memory of a run of more than `kept` groups or characters.
    pub fn release_excess(&mut self, kept: usize) {
        if self.groups.capacity() > kept {
            self.groups = Vec::new();
        }
        if self.compact.capacity() > kept {
            self.compact = Vec::new();
        }
    }

    /// Collects the groups of the run starting at `start`, at most [`MAX_GROUPS`]; returns
    /// where scanning resumes, and whether the run goes on past the groups collected.
    fn collect(&mut self, bytes: &[u8], start: usize) -> (usize, bool) {
        self.groups.clear();
        self.compact.clear();
        let mut at = start;
        loop {
            let (end, group) = group_at(bytes, at);
            let Some(has_letter) = group else {
                return (if self.groups.is_empty() { end } else { at }, false);
            };
            if self.groups.len() == MAX_GROUPS {
                return (at, true);
            }
            let compact_start = self.compact.len();
            let token = &bytes[at..end];
            if !has_letter {
                self.compact.extend_from_slice(token);
            } else {
                self.compact
                    .extend(token.iter().map(|byte| byte.to_ascii_uppercase()));
            }
            self.groups.push(Group {
                start: at,
                end,
                compact_start,
                compact_end: self.compact.len(),
                has_letter,
            });
            if !continues_run(bytes, end) {
                return (end, false);
            }
            at = end + separator_len(bytes, end);
        }
    }

    /// Classifies the spans starting in the first `ready` groups; `run_start` says whether the
    /// first group starts the run.
    fn classify(
        &self,
        bytes: &[u8],
        after_plus: bool,
        run_start: bool,
        ready: usize,
        out: &mut Vec<Candidate>,
    ) {
        for (first_index, first) in self.groups.iter().enumerate().take(ready) {
            // Bit i set: a separator after the i-th character of the span.
            let mut boundaries = 0u32;
            let mut has_letter = false;
            for (offset, last) in self.groups[first_index..].iter().enumerate() {
                has_letter |= last.has_letter;
                let length = last.compact_end - first.compact_start;
                // Identifiers have one-character groups only at their start (the NIR's sex,
                // the 6 of +33 6 12 34 56 78): longer spans through one cannot match.
                if length > MAX_LEN || (offset >= 2 && last.compact_end - last.compact_start == 1) {
                    break;
                }
                // Most spans (a date's parts, an amount) are shorter than any identifier.
                if length >= MIN_LEN {
                    let compact = &self.compact[first.compact_start..last.compact_end];
                    let span = Span {
                        start: first.start,
                        end: last.end,
                        boundaries,
                        at_run_start: run_start && first_index == 0,
                    };
                    if let Some(candidate) =
                        classify_span(bytes, compact, &span, has_letter, after_plus)
                    {
                        out.push(candidate);
                    }
                }
                boundaries |= 1 << length;
            }
        }
    }
}

struct Span {
    start: usize,
    end: usize,
    boundaries: u32,
    at_run_start: bool,
}

impl Span {
    /// The separators all fall at these positions (or there are none).
    fn grouped_as(&self, allowed: &[u32]) -> bool {
        let mask = allowed
            .iter()
            .fold(0u32, |mask, position| mask | 1 << position);
        self.boundaries & !mask == 0
    }

    /// The separators are exactly at these positions, or there are none.
    fn exactly(&self, allowed: &[u32]) -> bool {
        let mask = allowed
            .iter()
            .fold(0u32, |mask, position| mask | 1 << position);
        self.boundaries == 0 || self.boundaries == mask
    }

    fn candidate(&self, kind: Kind, confidence: f32) -> Option<Candidate> {
        Candidate::new(kind, self.start, self.end, confidence)
    }
}

/// `has_letter`: `compact` holds a letter.
fn classify_span(
    bytes: &[u8],
    compact: &[u8],
    span: &Span,
    has_letter: bool,
    after_plus: bool,
) -> Option<Candidate> {
    if has_letter {
        // Letters appear only in the NIR of someone born in Corsica (department 2A or 2B)
        // and in a RIB's account number.
        return match compact.len() {
            15 if span.grouped_as(&[1, 3, 5, 7, 10, 13]) && checksum::nir(compact) => {
                span.candidate(Kind::Nir, 0.95)
            }
            23 if span.grouped_as(&[5, 10, 21]) && checksum::rib(compact) => {
                span.candidate(Kind::Rib, 0.95)
            }
            _ => None,
        };
    }
    let context = |keywords: &[&str]| context_before(bytes, span.start, CONTEXT_WINDOW, keywords);
    match compact.len() {
        9 if span.grouped_as(&[2, 3, 6]) && checksum::luhn(compact) => {
            // The window before the number read once for the labels of all three.
            let labels = labels_before(
                bytes,
                span.start,
                CONTEXT_WINDOW,
                &[
                    "adeli",
                    "finess",
                    "siren",
                    "siret",
                    "rcs",
                    "entreprise",
                    "societe",
                ],
            );
            if labels & 1 != 0 {
                // Reported by the context detector, which knows ADELI's format.
                None
            } else if labels & 2 != 0 && span.grouped_as(&[2, 3, 6]) {
                span.candidate(Kind::Finess, 0.95)
            } else if span.grouped_as(&[3, 6]) {
                let labelled = labels & !3 != 0;
                span.candidate(Kind::Siren, if labelled { 0.95 } else { 0.7 })
            } else {
                None
            }
        }
        10 if compact[0] == b'0' && compact[1] != b'0' && span.exactly(&[2, 4, 6, 8]) => {
            span.candidate(Kind::Phone, if span.boundaries == 0 { 0.7 } else { 0.85 })
        }
        11 if after_plus
            && span.at_run_start
            && compact.starts_with(b"33")
            && compact[2] != b'0'
            && span.grouped_as(&[2, 3, 5, 7, 9]) =>
        {
            // The `+` belongs to the number.
            Candidate::new(Kind::Phone, span.start - 1, span.end, 0.9)
        }
        11 if span.boundaries == 0 && checksum::luhn(compact) => {
            if context(&["rpps"]) {
                span.candidate(Kind::Rpps, 0.95)
            } else if compact.starts_with(b"10") {
                span.candidate(Kind::Rpps, 0.7)
            } else {
                None
            }
        }
        13 if compact.starts_with(b"0033")
            && compact[4] != b'0'
            && span.grouped_as(&[4, 5, 7, 9, 11]) =>
        {
            span.candidate(Kind::Phone, 0.9)
        }
        14 if span.grouped_as(&[3, 6, 9]) && checksum::siret(compact) => {
            span.candidate(Kind::Siret, 0.95)
        }
        15 if span.grouped_as(&[1, 3, 5, 7, 10, 13]) && checksum::nir(compact) => {
            span.candidate(Kind::Nir, 0.95)
        }
        23 if span.grouped_as(&[5, 10, 21]) && checksum::rib(compact) => {
            span.candidate(Kind::Rib, 0.95)
        }
        12..=19 if card_grouping(compact.len(), span) && checksum::card(compact) => {
            span.candidate(Kind::Card, 0.9)
        }
        _ => None,
    }
}

/// A French number written with its country code and the trunk zero in brackets, as on
/// letterheads: `+33 (0)6 12 34 56 78`, `+33(0)612345678`, `0033 (0) 1 23 45 67 89`. `start`
/// is the first digit of the country code. Read apart from the runs of groups: the brackets
/// end a run, and the nine digits after them would otherwise be read alone (as a SIREN).
fn phone_with_trunk_zero(bytes: &[u8], start: usize) -> Option<Candidate> {
    let rest = &bytes[start..];
    let (phone_start, country_len) =
        if rest.starts_with(b"33") && start > 0 && bytes[start - 1] == b'+' {
            (start - 1, 2)
        } else if rest.starts_with(b"0033") {
            (start, 4)
        } else {
            return None;
        };
    let mut at = start + country_len;
    if bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    if !bytes[at..].starts_with(b"(0)") {
        return None;
    }
    at += 3;
    if bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    // The subscriber's nine digits, compact or as 6 12 34 56 78.
    let first = at;
    let mut lengths = [0usize; 5];
    let mut n_groups = 0;
    loop {
        let end = at
            + bytes[at..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
        *lengths.get_mut(n_groups)? = end - at;
        n_groups += 1;
        at = end;
        if n_groups == 5 || !continues_run(bytes, end) {
            break;
        }
        at = end + separator_len(bytes, end);
    }
    let grouped = matches!(&lengths[..n_groups], [9] | [1, 2, 2, 2, 2]);
    if !grouped
        || bytes[first] == b'0'
        || bytes.get(at).is_some_and(|&byte| is_word_byte(byte))
        || continues_run(bytes, at)
    {
        return None;
    }
    Candidate::new(Kind::Phone, phone_start, at, 0.9)
}

/// Cards are printed in groups of four, or 4-6-4 / 4-6-5 (Diners, American Express).
fn card_grouping(length: usize, span: &Span) -> bool {
    span.grouped_as(&[4, 8, 12, 16]) || (matches!(length, 14 | 15) && span.grouped_as(&[4, 10]))
}

/// The end of the token (ASCII letters, digits and `_`) at `at`, and, if it is a group of a
/// run, whether it holds a letter; read in one pass. A group is digits, the digits of a
/// Corsican NIR around `2A` / `2B`, or the 11 letters and digits of a RIB's account number.
fn group_at(bytes: &[u8], at: usize) -> (usize, Option<bool>) {
    // Most groups are digits alone: one test per byte until the first other byte.
    let mut end = at;
    while bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if !bytes.get(end).is_some_and(|&byte| is_word_byte(byte)) {
        return (end, Some(false));
    }
    let mut n_others = 0;
    let mut other = 0;
    let mut has_letter = false;
    while let Some(&byte) = bytes.get(end) {
        if !byte.is_ascii_digit() {
            if !is_word_byte(byte) {
                break;
            }
            n_others += 1;
            other = end;
            has_letter |= byte.is_ascii_alphabetic();
        }
        end += 1;
    }
    let is_group = n_others == 0
        || (end - at == 11 && n_others < 11)
        || (n_others == 1
            && other > at
            && matches!(bytes[other], b'A' | b'B' | b'a' | b'b')
            && bytes[other - 1] == b'2');
    (end, is_group.then_some(has_letter))
}

/// Whether the group ending at `end` is followed by a separator and another group.
fn continues_run(bytes: &[u8], end: usize) -> bool {
    let separator = separator_len(bytes, end);
    separator > 0 && bytes.get(end + separator).is_some_and(u8::is_ascii_digit)
}

/// French passport numbers: two digits, two letters, five digits.
fn is_passport_shape(token: &[u8]) -> bool {
    matches!(token, [a, b, c, d, rest @ ..]
        if rest.len() == 5
            && a.is_ascii_digit()
            && b.is_ascii_digit()
            && c.is_ascii_uppercase()
            && d.is_ascii_uppercase()
            && rest.iter().all(u8::is_ascii_digit))
}

fn token_end(bytes: &[u8], start: usize) -> usize {
    bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|byte| !is_word_byte(*byte)))
        .map_or(bytes.len(), |offset| start + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        scan(text, &mut Run::default(), &mut out);
        let findings = crate::resolve_all(text, out);
        findings
            .iter()
            .map(|finding| (finding.kind, &text[finding.start..finding.end]))
            .collect()
    }

    #[test]
    fn identifiers_by_shape_and_key() {
        assert_eq!(
            kinds("SIRET 732 829 320 00074."),
            [(Kind::Siret, "732 829 320 00074")]
        );
        assert_eq!(kinds("SIREN 732 829 320"), [(Kind::Siren, "732 829 320")]);
        assert_eq!(
            kinds("Tél. 06 12 34 56 78 ou +33 6 12 34 56 78"),
            [
                (Kind::Phone, "06 12 34 56 78"),
                (Kind::Phone, "+33 6 12 34 56 78")
            ]
        );
        assert_eq!(
            kinds("carte 4111 1111 1111 1111"),
            [(Kind::Card, "4111 1111 1111 1111")]
        );
        assert_eq!(
            kinds("2 55 08 14 168 025 38"),
            [(Kind::Nir, "2 55 08 14 168 025 38")]
        );
    }

    #[test]
    fn phone_numbers_with_the_trunk_zero_in_brackets() {
        for phone in [
            "+33 (0)6 12 34 56 78",
            "+33(0)612345678",
            "+33 (0) 1 23 45 67 89",
            "0033 (0)6 12 34 56 78",
        ] {
            assert_eq!(
                kinds(&format!("Tél. : {phone}, merci.")),
                [(Kind::Phone, phone)],
                "{phone}"
            );
        }
        // Not a phone number, and its nine digits are not read as a SIREN either.
        for text in [
            "+33 (0)0 12 34 56 78",
            "+33 (0)6 12 34 56 789",
            "+33 (0)61234567",
            "+33 (0)61 23 45 67 8",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
        // 732829320 is a valid SIREN on its own.
        assert_eq!(kinds("+33(0)732829320"), [(Kind::Phone, "+33(0)732829320")]);
    }

    #[test]
    fn groups_separated_by_two_spaces() {
        assert_eq!(
            kinds("NIR : 2  55  08  14  168  025  38"),
            [(Kind::Nir, "2  55  08  14  168  025  38")]
        );
        assert_eq!(
            kinds("Tél 06  12  34  56  78"),
            [(Kind::Phone, "06  12  34  56  78")]
        );
        // Three spaces end a run.
        assert_eq!(kinds("2 55 08   14 168 025 38"), []);
    }

    #[test]
    fn long_runs_are_read_in_windows() {
        // One run of thousands of groups: identifiers inside it are found wherever they fall
        // relative to the windows.
        for n_before in [
            0,
            1,
            50,
            MAX_GROUPS - MAX_LEN,
            MAX_GROUPS,
            1000,
            3 * MAX_GROUPS,
        ] {
            let text = format!(
                "{}4111 1111 1111 1111 {}",
                "12 ".repeat(n_before),
                "7 ".repeat(500)
            );
            let start = 3 * n_before;
            assert_eq!(
                kinds(&text),
                [(Kind::Card, &text[start..start + 19])],
                "{n_before} groups before"
            );
        }
    }

    #[test]
    fn look_alikes_are_not_reported() {
        assert!(kinds("2 55 08 14 168 025 39").is_empty());
        assert!(kinds("732 829 321 00074").is_empty());
        // The SIREN inside a SIRET with a wrong key is still a SIREN.
        assert_eq!(kinds("732 829 320 00075"), [(Kind::Siren, "732 829 320")]);
        assert!(kinds("4111 1111 1111 1112").is_empty());
        assert!(kinds("A732829320").is_empty());
        // A valid SIREN's digits regrouped as a phone number are not a SIREN.
        assert!(kinds("73 28 29 32 0").is_empty());
    }
}
