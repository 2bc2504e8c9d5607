//! Health terms: a dictionary of French diagnoses, treatments, disability and care terms
//! (`data/health_fr.tsv`), looked up at the words that may start a term, ignoring case and
//! accents.
//!
//! Each term has a weight: how strongly it alone points to health data ("schizophrénie"
//! 0.9; "traitement", also said of files and data, 0.2). A match's score is its weight,
//! raised by other health terms and by context words ("patient", "atteint de", "diagnostic")
//! nearby; matches scoring at least [`THRESHOLD`] are reported, with the score as confidence.

use std::sync::LazyLock;

use crate::text::{FirstWords, Patterns, Word, alphanumeric_at};
use crate::{Candidate, Kind};

/// The score from which a health term is reported.
pub const THRESHOLD: f32 = 0.5;
/// How far (bytes, each side) other terms and context words count.
const NEIGHBOURHOOD: usize = 200;
/// What each distinct neighbouring health term adds, and how many count.
const NEIGHBOUR_BOOST: f32 = 0.15;
const MAX_NEIGHBOURS: usize = 3;
/// What a context word nearby adds.
const CONTEXT_BOOST: f32 = 0.25;

const DICTIONARY: &str = include_str!("../data/health_fr.tsv");

#[derive(Clone, Copy, Debug)]
struct Term {
    /// Index of the dictionary line, shared by all variants of the term.
    id: u32,
    weight: f32,
    /// A context word: raises the score of terms near it, never reported itself.
    context: bool,
    /// An acronym written in capitals (`VIH`, `AVC`): matches only in capitals.
    exact_case: bool,
}

struct Dictionary {
    /// Only words that can start a term are looked up.
    first_words: FirstWords,
    table: Patterns,
    patterns: Vec<String>,
    terms: Vec<Term>,
}

static DICTIONARY_MATCHER: LazyLock<Option<Dictionary>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut terms = Vec::new();
    for (id, line) in (0u32..).zip(DICTIONARY.lines()) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(term), Some(weight), Some(category)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(weight) = weight.trim().parse::<f32>() else {
            continue;
        };
        let exact_case =
            term.chars().any(char::is_alphabetic) && term.chars().all(|c| !c.is_lowercase());
        let term_info = Term {
            id,
            weight,
            context: category.trim() == "context",
            exact_case,
        };
        let variants = if exact_case {
            vec![term.to_owned()]
        } else {
            fold_variants(term)
        };
        for variant in variants {
            patterns.push(variant);
            terms.push(term_info);
        }
    }
    Some(Dictionary {
        first_words: FirstWords::new(patterns.iter().map(String::as_str)),
        table: Patterns::new(patterns.iter().map(String::as_str)),
        patterns,
        terms,
    })
});

/// The spellings under which `term` (lower case, accented) is searched, ASCII case being
/// ignored by the look-up: as written, in capitals (`DIABÈTE`), without accents
/// (`diabete`), and with the other apostrophe (' or ’).
pub fn fold_variants(term: &str) -> Vec<String> {
    let lower = term.to_lowercase();
    let mut variants = vec![lower.clone(), lower.to_uppercase()];
    let stripped: String = lower.chars().flat_map(strip_accent).collect();
    // "né" without its accent is "ne", a negation: short words keep their accents.
    if stripped.chars().count() >= 4 {
        variants.push(stripped);
    }
    for variant in variants.clone() {
        if variant.contains('\'') {
            variants.push(variant.replace('\'', "’"));
        } else if variant.contains('’') {
            variants.push(variant.replace('’', "'"));
        }
    }
    variants.sort();
    variants.dedup();
    variants
}

fn strip_accent(c: char) -> impl Iterator<Item = char> {
    let replacement: &[char] = match c {
        'à' | 'â' | 'ä' | 'á' => &['a'],
        'é' | 'è' | 'ê' | 'ë' => &['e'],
        'î' | 'ï' | 'í' => &['i'],
        'ô' | 'ö' | 'ó' => &['o'],
        'ù' | 'û' | 'ü' | 'ú' => &['u'],
        'ç' => &['c'],
        'ÿ' => &['y'],
        'œ' => &['o', 'e'],
        'æ' => &['a', 'e'],
        _ => &[],
    };
    let single = replacement.is_empty().then_some(c);
    replacement.iter().copied().chain(single)
}

/// A dictionary match in the text.
#[derive(Clone, Copy)]
pub struct Hit {
    start: usize,
    /// Its length in bytes, that of one of the dictionary's spellings.
    length: u32,
    term: Term,
}

impl Hit {
    fn end(&self) -> usize {
        self.start + self.length as usize
    }
}

/// The filter of the words that can start a term.
pub fn first_words() -> Option<&'static FirstWords> {
    DICTIONARY_MATCHER
        .as_ref()
        .map(|dictionary| &dictionary.first_words)
}

/// The term starting exactly at `word`, if any: the longest spelling there, which must end
/// where a word does.
fn term_at(dictionary: &Dictionary, text: &str, word: Word) -> Option<Hit> {
    let (pattern, end) = dictionary.table.longest_at(text, word)?;
    let term = *dictionary.terms.get(pattern)?;
    let matched = text.get(word.start..end)?;
    if term.exact_case && dictionary.patterns.get(pattern)?.as_str() != matched {
        return None;
    }
    if alphanumeric_at(text, end) {
        return None;
    }
    Some(Hit {
        start: word.start,
        length: u32::try_from(end - word.start).ok()?,
        term,
    })
}

/// Scans `text` for terms at `words`, those that [`first_words`] lets through; `hits` is
/// working memory.
#[cfg(test)]
pub fn scan(text: &str, words: &[Word], hits: &mut Vec<Hit>, out: &mut Vec<Candidate>) {
    let mut terms = Terms::new(text, hits);
    for &word in words {
        terms.at(word, out);
    }
    terms.finish(out);
}

/// The terms of a text, looked up word after word as the word pass finds them, and scored as
/// soon as every hit near them is known: only the hits of a few hundred bytes are kept at a
/// time, not those of the whole text (a dense text holds one every 90 bytes).
pub struct Terms<'a> {
    dictionary: Option<&'static Dictionary>,
    text: &'a str,
    /// The hits not scored yet, and before them those that may still be their neighbours, in
    /// text order.
    hits: &'a mut Vec<Hit>,
    /// The next hit to score, and the first and last neighbours of the last one scored.
    next: usize,
    first: usize,
    last: usize,
    /// Where the last term ended: words inside it are not looked up.
    resume: usize,
}

impl<'a> Terms<'a> {
    /// Starts a scan of `text`; `hits` is working memory.
    pub fn new(text: &'a str, hits: &'a mut Vec<Hit>) -> Terms<'a> {
        hits.clear();
        Terms {
            dictionary: DICTIONARY_MATCHER.as_ref(),
            text,
            hits,
            next: 0,
            first: 0,
            last: 0,
            resume: 0,
        }
    }

    /// Looks up the term at `word`, one that [`first_words`] lets through; words come in
    /// text order. The terms scored on the way are appended to `out`.
    pub fn at(&mut self, word: Word, out: &mut Vec<Candidate>) {
        let Some(dictionary) = self.dictionary else {
            return;
        };
        if word.start < self.resume {
            return;
        }
        if let Some(hit) = term_at(dictionary, self.text, word) {
            self.resume = hit.end();
            self.push(hit, out);
        }
    }

    /// Scores the hits left, once the text's words are all read.
    pub fn finish(&mut self, out: &mut Vec<Candidate>) {
        while self.next < self.hits.len() {
            self.score_next(out);
        }
    }

    /// Scores the hits whose neighbourhood ends before `position`, where the next word
    /// starts: no hit found later is their neighbour. Without it, a lone term early in a text
    /// would wait for the text's end, and every candidate after it with it.
    pub fn score_before(&mut self, position: usize, out: &mut Vec<Candidate>) {
        while self
            .hits
            .get(self.next)
            .is_some_and(|pending| pending.end() + NEIGHBOURHOOD < position)
        {
            self.score_next(out);
        }
    }

    /// Where the first hit not scored yet starts: no candidate found later starts before it
    /// (nor before the next word).
    pub fn pending(&self) -> Option<usize> {
        self.hits.get(self.next).map(|hit| hit.start)
    }

    fn push(&mut self, hit: Hit, out: &mut Vec<Candidate>) {
        // A hit whose neighbourhood ends before this one starts has all its neighbours.
        self.score_before(hit.start, out);
        // Hits before the last one scored's first neighbour are no later hit's neighbours:
        // dropped a batch at a time.
        if self.first >= 64 {
            self.hits.drain(..self.first);
            self.next -= self.first;
            // Context hits move `first` on, not `last`: `last` can lie before `first`, and
            // the next hit scored moves it forward from wherever it is.
            self.last = self.last.saturating_sub(self.first);
            self.first = 0;
        }
        self.hits.push(hit);
    }

    /// Scores `hits[next]`, all of whose neighbours are in `hits`, and reports it if it
    /// scores at least [`THRESHOLD`]. Hits are in text order: a sliding window finds each
    /// one's neighbours.
    fn score_next(&mut self, out: &mut Vec<Candidate>) {
        let hits = &*self.hits;
        let Some(&hit) = hits.get(self.next) else {
            return;
        };
        self.next += 1;
        // Moved on for context hits too, which are not scored: otherwise a text of context
        // words alone would keep every hit.
        while hits
            .get(self.first)
            .is_some_and(|other| other.end() + NEIGHBOURHOOD < hit.start)
        {
            self.first += 1;
        }
        if hit.term.context {
            return;
        }
        while hits
            .get(self.last + 1)
            .is_some_and(|other| other.start <= hit.end() + NEIGHBOURHOOD)
        {
            self.last += 1;
        }
        // The distinct neighbouring terms, at most MAX_NEIGHBOURS: no allocation per hit.
        let mut neighbours = [0u32; MAX_NEIGHBOURS];
        let mut n_neighbours = 0;
        let mut has_context = false;
        for other in hits.get(self.first..=self.last).unwrap_or_default() {
            if other.term.id == hit.term.id {
                continue;
            }
            if other.term.context {
                has_context = true;
            } else if n_neighbours < MAX_NEIGHBOURS
                && !neighbours[..n_neighbours].contains(&other.term.id)
            {
                neighbours[n_neighbours] = other.term.id;
                n_neighbours += 1;
            }
        }
        let score = hit.term.weight
            + NEIGHBOUR_BOOST * n_neighbours as f32
            + if has_context { CONTEXT_BOOST } else { 0.0 };
        let score = score.min(1.0);
        if score >= THRESHOLD {
            out.extend(Candidate::new(Kind::Health, hit.start, hit.end(), score));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let words = first_words().unwrap().candidates(text);
        scan(text, &words, &mut Vec::new(), &mut out);
        out.iter()
            .map(|found| &text[found.start..found.end()])
            .collect()
    }

    #[test]
    fn the_dictionary_loads_every_line() {
        let dictionary = DICTIONARY_MATCHER.as_ref().unwrap();
        let n_lines = DICTIONARY
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .count();
        let n_terms = {
            let mut ids: Vec<u32> = dictionary.terms.iter().map(|term| term.id).collect();
            ids.dedup();
            ids.len()
        };
        assert_eq!(n_terms, n_lines, "a line of the dictionary is malformed");
        assert!(n_lines >= 300, "{n_lines} terms");
    }

    #[test]
    fn strong_terms_alone_weak_terms_in_context() {
        assert_eq!(
            terms("Le patient est atteint de schizophrénie."),
            ["schizophrénie"]
        );
        assert_eq!(terms("SCHIZOPHRENIE paranoïde"), ["SCHIZOPHRENIE"]);
        assert_eq!(
            terms("l’«Schizophrénie», (schizophrénie)"),
            ["Schizophrénie", "schizophrénie"]
        );
        assert_eq!(terms("Sérologie VIH positive"), ["Sérologie", "VIH"]);
        assert!(terms("Le vih").is_empty());
        // Lower case "vih" is not the acronym; a weak word alone is not reported.
        assert!(terms("le traitement des données").is_empty());
        assert_eq!(
            terms("Traitement : metformine, suivi du diabète de type 2"),
            ["Traitement", "metformine", "diabète de type 2"]
        );
    }

    #[test]
    fn long_texts_are_scored_as_their_paragraphs() {
        // Paragraphs further apart than a neighbourhood: each scores as it does alone, however
        // many hits come before it.
        let paragraph = "Patient atteint de schizophrénie, traitement par neuroleptiques, \
                         suivi du diabète de type 2. Sérologie VIH négative.";
        let filler = " ".repeat(NEIGHBOURHOOD + 1);
        let alone = terms(paragraph);
        assert!(alone.len() >= 4, "{alone:?}");
        let text = [paragraph; 500].join(&filler);
        assert_eq!(terms(&text), alone.repeat(500));
    }

    #[test]
    fn the_table_finds_what_an_automaton_finds() {
        let dictionary = DICTIONARY_MATCHER.as_ref().unwrap();
        crate::text::tests::check_against_automaton(&dictionary.patterns);
    }

    #[test]
    fn words_inside_other_words_do_not_match() {
        assert!(terms("Les cancers du signe astrologique.").is_empty());
        assert!(terms("Un état prédiabétique supposé.").is_empty());
    }
}
