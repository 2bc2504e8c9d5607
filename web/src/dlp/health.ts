// Health terms, as crates/dlp/src/health.rs: the same dictionary (crates/dlp/data/health_fr.tsv,
// bundled at build time), matched ignoring case and accents, each match scored by its weight
// raised by other health terms and context words nearby; scores are f32 as in Rust.
import DICTIONARY from "../../../crates/dlp/data/health_fr.tsv";
import { type Candidate, f32 } from "./candidate.js";
import { Dictionary, foldVariants } from "./dictionary.js";
import { alphanumericAt } from "./text.js";

/** The score from which a health term is reported. */
const THRESHOLD = f32(0.5);
/** How far (bytes, each side) other terms and context words count. */
const NEIGHBOURHOOD = 200;
const NEIGHBOUR_BOOST = f32(0.15);
const MAX_NEIGHBOURS = 3;
const CONTEXT_BOOST = f32(0.25);

interface Term {
  /** Index of the dictionary line, shared by all variants of the term. */
  id: number;
  weight: number;
  /** A context word: raises the score of terms near it, never reported itself. */
  context: boolean;
  /** An acronym in capitals (`VIH`): matches only in capitals. */
  exactCase: boolean;
}

export interface HealthMatcher {
  dictionary: Dictionary;
  terms: Term[];
  /** How many dictionary lines loaded, for the check that none is malformed. */
  lines: number;
}

export function healthMatcher(text: string = DICTIONARY): HealthMatcher {
  const dictionary = new Dictionary();
  const terms: Term[] = [];
  let lines = 0;
  // Rust's `str::lines`: split on \n, a \r before it dropped.
  text.split("\n").forEach((raw, id, all) => {
    if (id === all.length - 1 && raw === "") return;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [term, weightText, category] = line.split("\t");
    if (term === undefined || weightText === undefined || category === undefined) return;
    const weight = parseWeight(weightText.trim());
    if (weight === null) return;
    const exactCase = /\p{Alphabetic}/u.test(term) && !/\p{Lowercase}/u.test(term);
    const info: Term = { id, weight, context: category.trim() === "context", exactCase };
    lines += 1;
    for (const variant of exactCase ? [term] : foldVariants(term)) {
      dictionary.add(variant);
      terms.push(info);
    }
  });
  return { dictionary, terms, lines };
}

/** A weight as Rust's `f32` parses it (a plain decimal number), or null. */
function parseWeight(text: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return f32(Number(text));
}

interface Hit {
  start: number;
  end: number;
  term: Term;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** Scans for terms at `starts` (word starts, in order). */
export function scanHealth(matcher: HealthMatcher, bytes: Uint8Array, starts: readonly number[], out: Candidate[]): void {
  const hits: Hit[] = [];
  let resume = 0;
  for (const start of starts) {
    if (start < resume) continue;
    const pattern = matcher.dictionary.longestAt(bytes, start);
    if (pattern < 0) continue;
    const end = matcher.dictionary.matchEnd;
    const term = matcher.terms[pattern];
    const spelled = matcher.dictionary.patterns[pattern];
    if (term === undefined || spelled === undefined) continue;
    if (term.exactCase && !equalBytes(spelled, bytes.subarray(start, end))) continue;
    if (alphanumericAt(bytes, end)) continue;
    resume = end;
    hits.push({ start, end, term });
  }
  // Hits are in text order: a sliding window finds each one's neighbours.
  let first = 0;
  let last = 0;
  for (const hit of hits) {
    if (hit.term.context) continue;
    while ((hits[first] as Hit).end + NEIGHBOURHOOD < hit.start) first += 1;
    while (last + 1 < hits.length && (hits[last + 1] as Hit).start <= hit.end + NEIGHBOURHOOD) last += 1;
    const neighbours: number[] = [];
    let hasContext = false;
    for (let index = first; index <= last; index++) {
      const other = (hits[index] as Hit).term;
      if (other.id === hit.term.id) continue;
      if (other.context) hasContext = true;
      else if (!neighbours.includes(other.id) && neighbours.length < MAX_NEIGHBOURS) neighbours.push(other.id);
    }
    let score = f32(hit.term.weight + f32(NEIGHBOUR_BOOST * neighbours.length));
    score = f32(score + (hasContext ? CONTEXT_BOOST : 0));
    score = Math.min(score, 1);
    if (score >= THRESHOLD) out.push({ kind: "health", start: hit.start, end: hit.end, confidence: score });
  }
}
