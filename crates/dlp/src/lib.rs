//! Data loss prevention for Pli: finds health and identity data in a document's text before it
//! is encrypted, so the sender's client can apply the organisation's policy.
//!
//! Two halves, both pure functions over bytes (no network, no database, no async runtime):
//!
//! - [`scan_text`] runs every detector over a text and returns [`Finding`]s: the [`Kind`] of
//!   data, its byte offsets in the text and a confidence; [`Finding::excerpt`] masks it for
//!   display, never showing the whole value. Identifiers with a check digit are reported only
//!   when it is right.
//! - [`extract`] and [`extract_bytes`] turn a TXT, CSV, PDF, DOCX or ODT file into text, or say
//!   why it cannot be inspected ([`NotInspectable`]): a scanned PDF, an image, an unknown or
//!   broken file is never silently passed, nor is a document whose text was read but which
//!   also holds images or embedded objects ([`Extracted::Partial`]). Parsers of untrusted files can crash or loop: run
//!   them in a child process with time and memory limits (the `pli` binary does); the
//!   [`Extracted::encode`] / [`Extracted::decode`] pair carries the result back.
//!
//! ```
//! use pli_dlp::{Kind, scan_text};
//!
//! let text = "Assuré : 2 55 08 14 168 025 38, IBAN FR14 2004 1010 0505 0001 3M02 606";
//! let findings = scan_text(text);
//! let kinds: Vec<Kind> = findings.iter().map(|finding| finding.kind).collect();
//! assert_eq!(kinds, [Kind::Nir, Kind::Iban]);
//! assert_eq!(findings[0].excerpt(text), "2 55 ** ** *** *** 38");
//! // A wrong key is not a social-security number.
//! assert!(scan_text("Assuré : 2 55 08 14 168 025 39").is_empty());
//! ```
#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::fmt;

mod checksum;
mod context;
mod email;
mod extract;
mod health;
mod iban;
mod mask;
mod numbers;
mod policy;
mod text;

pub use extract::{
    DecodeError, ExtractError, Extracted, Format, Limits, NotInspectable, Text, extract,
    extract_bytes,
};
pub use policy::{
    Action, Decision, Destination, Labels, MAX_POLICY_BYTES, Policy, PolicyError, Reason,
};

/// A kind of sensitive data. The names ([`Kind::as_str`]) are a stable contract: they appear
/// in `pli scan --json`, in policies and in the shared test vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// French social-security number (NIR): 13 characters and a 2-digit key.
    Nir,
    /// International bank account number (ISO 13616), any registered country.
    Iban,
    /// French bank details (relevé d'identité bancaire) with its key.
    Rib,
    /// Payment card number (Luhn and issuer ranges).
    Card,
    /// FINESS number of a health or social establishment.
    Finess,
    /// RPPS number of a health professional.
    Rpps,
    /// ADELI number of a health professional.
    Adeli,
    /// SIREN number of a company.
    Siren,
    /// SIRET number of an establishment.
    Siret,
    /// French national identity card number.
    Cni,
    /// French passport number.
    Passport,
    /// French phone number.
    Phone,
    /// Email address.
    Email,
    /// Date of birth (a date near words such as "né le", "date de naissance").
    Birthdate,
    /// Health term: diagnosis, treatment, disability, care.
    Health,
}

impl Kind {
    /// Every kind, in the order of the contract.
    pub const ALL: [Kind; 15] = [
        Kind::Nir,
        Kind::Iban,
        Kind::Rib,
        Kind::Card,
        Kind::Finess,
        Kind::Rpps,
        Kind::Adeli,
        Kind::Siren,
        Kind::Siret,
        Kind::Cni,
        Kind::Passport,
        Kind::Phone,
        Kind::Email,
        Kind::Birthdate,
        Kind::Health,
    ];

    /// The stable lowercase name: `nir`, `iban`, ... `health`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Nir => "nir",
            Kind::Iban => "iban",
            Kind::Rib => "rib",
            Kind::Card => "card",
            Kind::Finess => "finess",
            Kind::Rpps => "rpps",
            Kind::Adeli => "adeli",
            Kind::Siren => "siren",
            Kind::Siret => "siret",
            Kind::Cni => "cni",
            Kind::Passport => "passport",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Birthdate => "birthdate",
            Kind::Health => "health",
        }
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One piece of sensitive data found in a text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of the first byte of the match in the scanned text.
    pub start: usize,
    /// Byte offset just past the match (exclusive).
    pub end: usize,
    /// How sure the detector is, from 0 to 1: a verified check digit gives 0.9 or more; a
    /// format without check digit, or a term, less unless context words support it.
    pub confidence: f32,
}

impl Finding {
    /// The match in `text` (the text this finding was found in) with most of its characters
    /// replaced by `*`, separators kept (`2 55 ** ** *** *** 38`): enough for a person to find
    /// it, never the whole value. Built on demand: most findings are counted, not shown.
    /// Empty if the finding's offsets are not a span of `text`.
    pub fn excerpt(&self, text: &str) -> String {
        text.get(self.start..self.end)
            .map(|matched| mask::mask(self.kind, matched))
            .unwrap_or_default()
    }
}

/// Runs every detector over `text` and returns the findings in text order, without overlaps
/// (where two detectors claim overlapping bytes, the longer match wins).
///
/// The scan's working memory is kept for the thread's next scan, as a [`Scanner`] keeps it, so
/// that a client scanning many short files does not allocate it again for each; what a large
/// text made it grow to is given back after the scan.
pub fn scan_text(text: &str) -> Vec<Finding> {
    thread_local! {
        static SCANNER: std::cell::RefCell<Scanner> = std::cell::RefCell::new(Scanner::new());
    }
    let reused = SCANNER.try_with(|scanner| {
        // Busy only if a scan were started from inside one, which nothing does; a fresh
        // scanner then serves.
        let mut scanner = scanner.try_borrow_mut().ok()?;
        let n_findings = scanner.scan(text).len();
        // Many findings are handed over as they are, not copied; a few are copied, and the
        // scanner keeps its buffer.
        let findings = if n_findings > KEPT_ITEMS {
            std::mem::take(&mut scanner.findings)
        } else {
            scanner.findings.clone()
        };
        scanner.release_excess();
        Some(findings)
    });
    match reused {
        Ok(Some(findings)) => findings,
        // The thread is ending and its scanner is gone.
        _ => {
            let mut scanner = Scanner::new();
            scanner.scan(text);
            std::mem::take(&mut scanner.findings)
        }
    }
}

/// [`scan_text`] for texts one after another: the working memory of a scan is kept for the
/// next. A scan reads a text a range at a time (64 KiB), so what it holds is the findings of
/// the largest text scanned (24 bytes each) and the candidates of one range, whatever the
/// text's size.
#[derive(Default)]
pub struct Scanner {
    pending: Pending,
    run: numbers::Run,
    hits: Vec<health::Hit>,
    /// The overlapping candidates being resolved, and those chosen among them.
    cluster: Vec<Candidate>,
    chosen: Vec<Candidate>,
    findings: Vec<Finding>,
}

impl Scanner {
    /// A scanner with no memory reserved yet.
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Runs every detector over `text`: the findings of [`scan_text`], valid until the next
    /// scan.
    pub fn scan(&mut self, text: &str) -> &[Finding] {
        self.scan_in_rounds(text, ROUND)
    }

    /// Gives back the working memory beyond what a text of a few megabytes needs: a scanner
    /// kept between scans holds no more after a large text than after a small one.
    fn release_excess(&mut self) {
        fn shrink<T>(items: &mut Vec<T>) {
            if items.capacity() > KEPT_ITEMS {
                items.clear();
                items.shrink_to(KEPT_ITEMS);
            }
        }
        for source in &mut self.pending.sources {
            shrink(source);
        }
        shrink(&mut self.hits);
        shrink(&mut self.cluster);
        shrink(&mut self.chosen);
        shrink(&mut self.findings);
        self.run.release_excess(KEPT_ITEMS);
    }

    /// [`Scanner::scan`], the detectors reading `round` bytes at a time. The findings do not
    /// depend on `round`: each detector carries its state from one range to the next, and
    /// only candidates that no later one can precede are resolved.
    fn scan_in_rounds(&mut self, text: &str, round: usize) -> &[Finding] {
        self.pending.clear();
        self.cluster.clear();
        self.findings.clear();
        let mut reach = 0;
        let mut numbers = numbers::Numbers::default();
        let mut emails = email::Emails::default();
        let mut labels = context::Labels::new(text);
        let mut terms = health::Terms::new(text, &mut self.hits);
        let mut words_at = 0;
        let mut to: usize = 0;
        loop {
            to = to.saturating_add(round.max(1)).min(text.len());
            let [numbers_out, emails_out, contexts, health] = &mut self.pending.sources;
            numbers.scan_until(text, to, &mut self.run, numbers_out);
            emails.scan_until(text, to, emails_out);
            // One pass over the words finds those that may start a label or a health term:
            // the dictionaries are looked up only there, not at every byte.
            words_at = if let (Some(context_filter), Some(health_filter), Some(either)) = (
                context::first_words(),
                health::first_words(),
                EITHER_FILTER.as_ref(),
            ) {
                // The dictionaries are looked up as the words come, each word read once.
                text::for_each_word(text, words_at, to, |word| {
                    let bit = word.bit();
                    // Most words start nothing: one look-up rules them out for both
                    // dictionaries.
                    if !either.contains(bit) {
                        return;
                    }
                    if context_filter.contains(bit) {
                        labels.at(word, contexts);
                    }
                    if health_filter.contains(bit) {
                        terms.at(word, health);
                    }
                })
            } else {
                to
            };
            let done = to == text.len();
            terms.score_before(words_at, health);
            let horizon = if done {
                terms.finish(health);
                usize::MAX
            } else {
                numbers
                    .horizon()
                    .min(emails.horizon())
                    .min(words_at)
                    .min(terms.pending().unwrap_or(usize::MAX))
            };
            resolve_before(
                text,
                horizon,
                &mut self.pending,
                &mut reach,
                &mut self.cluster,
                &mut self.chosen,
                &mut self.findings,
            );
            if done {
                resolve_cluster(
                    text,
                    &mut self.cluster,
                    &mut self.chosen,
                    &mut self.findings,
                );
                return &self.findings;
            }
        }
    }
}

/// How many bytes of a text the detectors read before the candidates found so far are
/// resolved into findings. The range is read by each detector in turn while it is in cache,
/// and a scan's working memory is that of one range's candidates, not of the whole text's.
const ROUND: usize = 64 << 10;

/// How many items each of a kept scanner's buffers may keep between scans (a few hundred
/// kilobytes each at most).
const KEPT_ITEMS: usize = 1 << 14;

/// The words that may start a label or a health term.
static EITHER_FILTER: std::sync::LazyLock<Option<text::FirstWords>> =
    std::sync::LazyLock::new(|| Some(context::first_words()?.union(health::first_words()?)));

/// A match before masking and overlap resolution.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    kind: Kind,
    start: usize,
    /// Its length in bytes: with it, a candidate takes 16 bytes instead of 24, and a dense
    /// text's candidates fault in a third fewer fresh pages. No detector reports one longer
    /// than a few hundred bytes (an email address at most 318).
    length: u16,
    confidence: f32,
}

impl Candidate {
    /// The candidate `start..end`, unless it is longer than a candidate can be.
    fn new(kind: Kind, start: usize, end: usize, confidence: f32) -> Option<Candidate> {
        Some(Candidate {
            kind,
            start,
            length: u16::try_from(end.checked_sub(start)?).ok()?,
            confidence,
        })
    }

    fn end(&self) -> usize {
        self.start + usize::from(self.length)
    }
}

fn span_key(candidate: &Candidate) -> (usize, usize) {
    (candidate.start, candidate.end())
}

/// The detectors' candidates not resolved yet.
#[derive(Default)]
struct Pending {
    /// Candidates of each detector, each in text order: numbers, email, context, health.
    /// Where two have the same span, the earlier detector's comes first.
    sources: [Vec<Candidate>; 4],
    /// Where each source's candidates not resolved yet begin.
    heads: [usize; 4],
    /// How much of each source was in span order at the last merge.
    sorted: [usize; 4],
}

impl Pending {
    fn clear(&mut self) {
        for source in &mut self.sources {
            source.clear();
        }
        self.heads = [0; 4];
        self.sorted = [0; 4];
    }

    /// How many candidates are not resolved yet.
    fn len(&self) -> usize {
        self.sources
            .iter()
            .zip(self.heads)
            .map(|(source, head)| source.len() - head)
            .sum()
    }

    /// The candidates not resolved yet, in span order; equal spans keep the order of
    /// `sources`, as a stable sort of their concatenation would. Each detector reports in
    /// text order, or nearly (a label's value can lie past the next label): one that does
    /// not is sorted first. What was in order at the last merge still is: only what was found
    /// since is checked, so a source that keeps many candidates from range to range (a run of
    /// digit groups over megabytes, read at once) is not read again at each range.
    fn merge(&mut self) -> Merge<'_> {
        for ((source, &head), sorted) in self
            .sources
            .iter_mut()
            .zip(&self.heads)
            .zip(&mut self.sorted)
        {
            let checked = (*sorted).max(head + 1) - 1;
            if !source
                .get(checked..)
                .unwrap_or_default()
                .is_sorted_by_key(span_key)
                && let Some(unresolved) = source.get_mut(head..)
            {
                unresolved.sort_by_key(span_key);
            }
            *sorted = source.len();
        }
        let mut keys = [NO_MORE; 4];
        for ((key, source), &head) in keys.iter_mut().zip(&self.sources).zip(&self.heads) {
            *key = source.get(head).map_or(NO_MORE, merge_key);
        }
        Merge {
            sources: &self.sources,
            heads: self.heads,
            keys,
        }
    }

    /// Marks the candidates before `heads` resolved. They are dropped once they are at least
    /// half of their source, so each candidate is moved at most about once.
    fn resolved(&mut self, heads: [usize; 4]) {
        for (index, head) in heads.into_iter().enumerate() {
            let source = &mut self.sources[index];
            if head * 2 >= source.len() {
                source.drain(..head);
                self.sorted[index] -= head.min(self.sorted[index]);
                self.heads[index] = 0;
            } else {
                self.heads[index] = head;
            }
        }
    }
}

/// The sources, each sorted by span, merged as they are read, without a copy of them all.
struct Merge<'a> {
    sources: &'a [Vec<Candidate>; 4],
    heads: [usize; 4],
    /// The [`merge_key`] of each source's head, [`NO_MORE`] past its end: the next candidate
    /// is chosen by four comparisons of integers, without reading the candidates.
    keys: [u128; 4],
}

/// A candidate's span as one integer, in the same order as [`span_key`].
fn merge_key(candidate: &Candidate) -> u128 {
    (candidate.start as u128) << 64 | candidate.end() as u128
}

/// Above the key of every span.
const NO_MORE: u128 = u128::MAX;

impl Merge<'_> {
    /// The next candidate, if its [`merge_key`] is below `limit`.
    #[inline]
    fn next_before(&mut self, limit: u128) -> Option<Candidate> {
        // The first of the smallest: equal spans keep the order of the sources.
        let mut index = 0;
        for other in 1..self.keys.len() {
            if self.keys[other] < self.keys[index] {
                index = other;
            }
        }
        if self.keys[index] >= limit {
            return None;
        }
        let source = &self.sources[index];
        let candidate = *source.get(self.heads[index])?;
        self.heads[index] += 1;
        self.keys[index] = source.get(self.heads[index]).map_or(NO_MORE, merge_key);
        Some(candidate)
    }
}

/// The whole merge at once, for tests.
#[cfg(test)]
impl Iterator for Merge<'_> {
    type Item = Candidate;

    fn next(&mut self) -> Option<Candidate> {
        self.next_before(NO_MORE)
    }
}

/// Keeps the longest (then the most confident) of overlapping candidates, sorted by span, in
/// `findings`; `cluster` and `chosen` are working memory.
#[cfg(test)]
fn resolve(
    text: &str,
    pending: &mut Pending,
    cluster: &mut Vec<Candidate>,
    chosen: &mut Vec<Candidate>,
    findings: &mut Vec<Finding>,
) {
    cluster.clear();
    let mut reach = 0;
    resolve_before(
        text,
        usize::MAX,
        pending,
        &mut reach,
        cluster,
        chosen,
        findings,
    );
    resolve_cluster(text, cluster, chosen, findings);
}

/// Resolves, in span order, the candidates of `pending` that start before `horizon` (no
/// candidate found later starts before it) and marks them resolved. The cluster of
/// overlapping candidates still open, and how far it reaches, are carried to the next call;
/// the last cluster is resolved by [`resolve_cluster`] once the text is read.
fn resolve_before(
    text: &str,
    horizon: usize,
    pending: &mut Pending,
    reach: &mut usize,
    cluster: &mut Vec<Candidate>,
    chosen: &mut Vec<Candidate>,
    findings: &mut Vec<Finding>,
) {
    // At most one finding per candidate: room made once per range, where growing would copy
    // the findings again at each doubling.
    findings.reserve(pending.len());
    // Most candidates overlap nothing: in span order, they fall into clusters of overlapping
    // spans, and only a cluster of several needs choosing.
    let mut merged = pending.merge();
    let limit = (horizon as u128) << 64;
    while let Some(candidate) = merged.next_before(limit) {
        if !cluster.is_empty() && candidate.start >= *reach {
            resolve_cluster(text, cluster, chosen, findings);
        }
        *reach = if cluster.is_empty() {
            candidate.end()
        } else {
            (*reach).max(candidate.end())
        };
        cluster.push(candidate);
    }
    let heads = merged.heads;
    pending.resolved(heads);
}

/// Moves the findings chosen among `cluster`, overlapping candidates in span order, to
/// `findings`.
fn resolve_cluster(
    text: &str,
    cluster: &mut Vec<Candidate>,
    chosen: &mut Vec<Candidate>,
    findings: &mut Vec<Finding>,
) {
    if let [single] = cluster.as_slice() {
        findings.extend(finding(text, single));
    } else if !cluster.is_empty() {
        choose(cluster, chosen);
        chosen.sort_unstable_by_key(|candidate| candidate.start);
        findings.extend(
            chosen
                .iter()
                .filter_map(|candidate| finding(text, candidate)),
        );
    }
    cluster.clear();
}

/// Among overlapping candidates, the longest, then the most confident, then the first, and
/// so on with the rest of those they do not overlap.
fn choose(cluster: &mut [Candidate], accepted: &mut Vec<Candidate>) {
    cluster.sort_by(|a, b| {
        b.length
            .cmp(&a.length)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.start.cmp(&b.start))
    });
    accepted.clear();
    if cluster.len() <= LINEAR_CHOICE {
        for candidate in cluster.iter() {
            let overlaps = accepted
                .iter()
                .any(|other| other.start < candidate.end() && candidate.start < other.end());
            if !overlaps {
                accepted.push(*candidate);
            }
        }
    } else {
        choose_among_many(cluster, accepted);
    }
}

/// [`choose`] for a cluster of more than [`LINEAR_CHOICE`] candidates, sorted. Out of line:
/// such clusters are rare, and the common path stays small.
#[cold]
#[inline(never)]
fn choose_among_many(cluster: &[Candidate], accepted: &mut Vec<Candidate>) {
    // A long chain of overlapping candidates (`06 06 06 ...`, a phone number at each group)
    // is one cluster: compared with every span accepted, it would take quadratic time. The
    // spans accepted do not overlap, so their ends are in the order of their starts, and the
    // one starting last before a candidate's end is the only one that can overlap it.
    let mut spans = BTreeSet::new();
    for candidate in cluster.iter() {
        let overlaps = spans
            .range(..(candidate.end(), 0))
            .next_back()
            .is_some_and(|&(_, end)| end > candidate.start);
        if !overlaps {
            spans.insert((candidate.start, candidate.end()));
            accepted.push(*candidate);
        }
    }
}

/// Up to this many candidates, a cluster is resolved by comparing each with those accepted.
const LINEAR_CHOICE: usize = 32;

fn finding(text: &str, candidate: &Candidate) -> Option<Finding> {
    // Detectors cut at ASCII bytes; the check keeps [`Finding::excerpt`] total anyway.
    text.get(candidate.start..candidate.end())?;
    Some(Finding {
        kind: candidate.kind,
        start: candidate.start,
        end: candidate.end(),
        confidence: candidate.confidence,
    })
}

/// [`resolve`] of candidates from one source, for tests.
#[cfg(test)]
fn resolve_all(text: &str, mut candidates: Vec<Candidate>) -> Vec<Finding> {
    let mut pending = Pending::default();
    pending.sources[0].append(&mut candidates);
    let mut findings = Vec::new();
    resolve(
        text,
        &mut pending,
        &mut Vec::new(),
        &mut Vec::new(),
        &mut findings,
    );
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::from_name("NIR"), None);
    }

    #[test]
    fn candidates_are_small_and_bounded() {
        assert_eq!(std::mem::size_of::<Candidate>(), 16);
        let candidate = Candidate::new(Kind::Email, 10, 10 + 318, 0.95).unwrap();
        assert_eq!((candidate.start, candidate.end()), (10, 328));
        assert!(Candidate::new(Kind::Email, 10, 10 + 65_536, 0.95).is_none());
        assert!(Candidate::new(Kind::Email, 10, 9, 0.95).is_none());
    }

    #[test]
    fn overlaps_keep_the_longest() {
        let text = "0123456789abcdef";
        let candidate = |kind, start, end| Candidate::new(kind, start, end, 0.9).unwrap();
        let findings = resolve_all(
            text,
            vec![
                candidate(Kind::Siren, 0, 9),
                candidate(Kind::Siret, 0, 14),
                candidate(Kind::Phone, 12, 16),
                candidate(Kind::Email, 14, 16),
            ],
        );
        let spans: Vec<_> = findings
            .iter()
            .map(|finding| (finding.kind, finding.start, finding.end))
            .collect();
        assert_eq!(spans, [(Kind::Siret, 0, 14), (Kind::Email, 14, 16)]);
    }

    /// The texts the detectors are tested on: the corpus, the shared vectors, the bench's
    /// hostile inputs, and those texts run together.
    fn texts() -> Vec<String> {
        let mut texts = Vec::new();
        let corpus = include_str!("../tests/corpus/documents.jsonl");
        for line in corpus.lines() {
            let document: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(document["text"].as_str().unwrap().to_owned());
        }
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/detectors.json")).unwrap();
        for case in vectors["cases"].as_array().unwrap() {
            texts.push(case["text"].as_str().unwrap().to_owned());
        }
        for hostile in [
            "1 2 3 4 5 6 7 8 9 0 ",
            "a@a@a.a@",
            "néné née né naissance cni passeport adeli ",
            "06 12 34 56 78 ",
            "+33 6 12 34 56 78+",
            "date of birth date of birth date 12/03/1985 ",
            "diabète VIH traitement ",
            // Addresses whose local part holds other findings, found only at their `@`.
            // A phone number at every group: one cluster of overlapping candidates.
            "06 ",
            "0612345678.0698765432.x@chu-exemple.fr ",
            "x.2.55.08.14.168.025.38.diabete.vih@chu-exemple.fr ",
        ] {
            texts.push(hostile.repeat(600));
        }
        let joined: Vec<String> = texts.chunks(40).map(|chunk| chunk.join("\n")).collect();
        texts.extend(joined);
        texts
    }

    /// Bytes a mutation puts in a text: separators, digits and the characters the detectors
    /// start or stop at.
    const INSERTS: &[&str] = &[
        " ", "\u{a0}", ".", "-", "@", "+", "0", "7", "2A", "FR76", "\n", "é", "’", "né le ",
        "cancer ", "x",
    ];

    /// `text` with a few bytes deleted, duplicated or inserted at character boundaries, chosen
    /// by `seed`.
    fn mutate(text: &str, seed: &mut u64) -> String {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        let mut text = text.to_owned();
        for _ in 0..8 {
            if text.is_empty() {
                break;
            }
            let mut at = (next() % text.len() as u64) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match next() % 3 {
                0 => {
                    let mut end = (at + 1 + (next() % 4) as usize).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                1 => {
                    let mut end = (at + 1 + (next() % 40) as usize).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    let copy = text[at..end].to_owned();
                    text.insert_str(at, &copy);
                }
                _ => text.insert_str(at, INSERTS[(next() % INSERTS.len() as u64) as usize]),
            }
        }
        text
    }

    fn assert_rounds_agree(text: &str, rounds: &[usize], scanner: &mut Scanner) {
        let whole = scanner.scan_in_rounds(text, usize::MAX).to_vec();
        for &round in rounds {
            let found = scanner.scan_in_rounds(text, round);
            assert!(
                found == whole.as_slice(),
                "{} findings when read {round} bytes at a time, {} when read whole, in a text \
                 of {} bytes",
                found.len(),
                whole.len(),
                text.len()
            );
        }
    }

    #[test]
    fn findings_do_not_depend_on_how_much_is_read_at_a_time() {
        let mut scanner = Scanner::new();
        let texts = texts();
        let mut n_findings = 0;
        for text in &texts {
            let rounds: &[usize] = if text.len() < 4096 {
                &[1, 2, 3, 5, 8, 13, 64, 200]
            } else {
                &[7, 61, 257, 4096, ROUND]
            };
            assert_rounds_agree(text, rounds, &mut scanner);
            n_findings += scanner.scan(text).len();
        }
        // The texts hold findings of every kind, where a range's end can cut them.
        assert!(n_findings > 20_000, "{n_findings} findings");
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for text in texts
            .iter()
            .filter(|text| text.len() < 4096)
            .cycle()
            .take(3000)
        {
            assert_rounds_agree(&mutate(text, &mut seed), &[1, 3, 16, 101], &mut scanner);
        }
    }

    #[test]
    fn scans_on_one_thread_do_not_see_each_other() {
        // Texts that leave candidates and clusters behind at their end, a text that makes the
        // buffers grow past what is kept, then short ones: each gives what a fresh scanner
        // finds in it.
        let large = "06 12 34 56 78, NIR 2 55 08 14 168 025 38 ".repeat(20_000);
        let mut texts = texts();
        texts.truncate(200);
        texts.insert(50, large.clone());
        texts.insert(100, "06 ".repeat(30_000));
        texts.push(large);
        for text in texts.iter().chain(texts.iter().rev()) {
            let fresh = Scanner::new().scan(text).to_vec();
            assert!(scan_text(text) == fresh, "{} bytes", text.len());
        }
    }

    #[test]
    fn a_kept_scanner_gives_back_what_a_large_text_took() {
        let text = "06 12 34 56 78 ".repeat(3 * KEPT_ITEMS);
        let mut scanner = Scanner::new();
        assert_eq!(scanner.scan(&text).len(), 3 * KEPT_ITEMS);
        let chain = "06 ".repeat(3 * KEPT_ITEMS);
        scanner.scan(&chain);
        let held = |scanner: &Scanner| {
            let buffers = [
                scanner.findings.capacity(),
                scanner.cluster.capacity(),
                scanner.chosen.capacity(),
                scanner.hits.capacity(),
                scanner.run.capacity(),
            ];
            let sources = scanner.pending.sources.iter().map(Vec::capacity);
            buffers.into_iter().chain(sources).max().unwrap_or(0)
        };
        assert!(held(&scanner) > KEPT_ITEMS);
        scanner.release_excess();
        assert!(held(&scanner) <= KEPT_ITEMS, "{}", held(&scanner));
        // What a short text needs is kept.
        scanner.scan("06 12 34 56 78");
        let findings_kept = scanner.findings.capacity();
        scanner.release_excess();
        assert!(findings_kept > 0 && scanner.findings.capacity() == findings_kept);
    }

    #[test]
    fn a_lone_term_early_in_a_text_does_not_hold_back_what_follows() {
        // "Dr" is a context word: no hit follows it to score it against. The candidates after
        // it are resolved range after range all the same, not kept to the text's end.
        for first_line in ["Dr Martin\n", "Mr Martin\n", "diabète\n"] {
            let text = format!("{first_line}{}", "06 12 34 56 78\n".repeat(50_000));
            let mut scanner = Scanner::new();
            let findings = scanner.scan(&text);
            let phones = findings.iter().filter(|found| found.kind == Kind::Phone);
            assert_eq!(phones.count(), 50_000);
            let held: usize = scanner.pending.sources.iter().map(Vec::capacity).sum();
            assert!(
                held <= 3 * ROUND / 15,
                "{first_line:?}: {held} candidates held"
            );
        }
    }

    #[test]
    fn a_text_of_context_words_keeps_few_hits() {
        let text = "patient ".repeat(100_000);
        let mut scanner = Scanner::new();
        assert!(scanner.scan(&text).is_empty());
        assert!(
            scanner.hits.capacity() <= 1024,
            "{}",
            scanner.hits.capacity()
        );
    }

    #[test]
    fn long_clusters_choose_what_short_ones_would() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        };
        let kinds = [Kind::Phone, Kind::Siren, Kind::Email, Kind::Health];
        for _ in 0..300 {
            let n = LINEAR_CHOICE + 1 + next(200);
            let mut cluster: Vec<Candidate> = (0..n)
                .map(|_| {
                    let start = next(400);
                    let confidence = [0.7, 0.9, 0.95][next(3)];
                    Candidate::new(kinds[next(4)], start, start + next(30), confidence).unwrap()
                })
                .collect();
            let mut expected = cluster.clone();
            expected.sort_by(|a, b| {
                b.length
                    .cmp(&a.length)
                    .then(b.confidence.total_cmp(&a.confidence))
                    .then(a.start.cmp(&b.start))
            });
            let mut accepted: Vec<Candidate> = Vec::new();
            for candidate in &expected {
                if !accepted
                    .iter()
                    .any(|other| other.start < candidate.end() && candidate.start < other.end())
                {
                    accepted.push(*candidate);
                }
            }
            let mut chosen = Vec::new();
            choose(&mut cluster, &mut chosen);
            let spans = |candidates: &[Candidate]| -> Vec<(Kind, usize, usize)> {
                candidates
                    .iter()
                    .map(|candidate| (candidate.kind, candidate.start, candidate.end()))
                    .collect()
            };
            assert_eq!(spans(&chosen), spans(&accepted));
        }
    }

    #[test]
    fn merging_keeps_span_order_then_detector_order() {
        let candidate = |kind, start, end| Candidate::new(kind, start, end, 0.9).unwrap();
        let sources: [Vec<Candidate>; 4] = [
            vec![candidate(Kind::Siren, 5, 14), candidate(Kind::Siret, 5, 19)],
            vec![candidate(Kind::Email, 0, 4)],
            // Out of order, as a label's value past the next label.
            vec![candidate(Kind::Adeli, 5, 14), candidate(Kind::Cni, 2, 3)],
            vec![candidate(Kind::Health, 0, 4)],
        ];
        let mut pending = Pending {
            sources,
            ..Pending::default()
        };
        let order: Vec<_> = pending
            .merge()
            .map(|candidate| (candidate.kind, candidate.start))
            .collect();
        assert_eq!(
            order,
            [
                (Kind::Email, 0),
                (Kind::Health, 0),
                (Kind::Cni, 2),
                (Kind::Siren, 5),
                (Kind::Adeli, 5),
                (Kind::Siret, 5),
            ]
        );
    }
}
