// The detectors of the pli-dlp crate in TypeScript, so the web app inspects documents before
// encrypting them as `pli send` does. Same kinds, same byte offsets (in the UTF-8 text), same
// masked excerpts and overlap resolution: crates/dlp/tests/vectors/detectors.json is run
// against both (web/tests/dlp.test.mjs).
import { type Candidate, KINDS, type Kind } from "./candidate.js";
import { type ContextMatcher, contextMatcher, scanContext } from "./context.js";
import { type HealthMatcher, healthMatcher, scanHealth } from "./health.js";
import { maskBytes } from "./mask.js";
import { scanEmails } from "./email.js";
import { scanNumbers } from "./numbers.js";
import { forEachWord, wordFilter } from "./text.js";

export { KINDS, type Kind };

/** One piece of sensitive data found in a text. */
export class Finding {
  /** The text the finding is in, for its excerpt. */
  readonly #text: Uint8Array;
  #excerpt: string | undefined;

  constructor(
    readonly kind: Kind,
    /** Byte offset of the match's first byte in the UTF-8 text. */
    readonly start: number,
    /** Byte offset just past the match. */
    readonly end: number,
    /** From 0 to 1. */
    readonly confidence: number,
    text: Uint8Array,
  ) {
    this.#text = text;
  }

  /**
   * The match masked: never the whole value. Built when first read: a page shows a few
   * excerpts per kind, and a dense text has a finding every few dozen bytes.
   */
  get excerpt(): string {
    this.#excerpt ??= maskBytes(this.kind, this.#text.subarray(this.start, this.end));
    return this.#excerpt;
  }

  toJSON(): { kind: Kind; start: number; end: number; excerpt: string; confidence: number } {
    return { kind: this.kind, start: this.start, end: this.end, excerpt: this.excerpt, confidence: this.confidence };
  }
}

let matchers: { context: ContextMatcher; health: HealthMatcher; filter: Uint32Array } | null = null;


/** Runs every detector over `text`: findings in text order, without overlaps. */
export function scanText(text: string | Uint8Array): Finding[] {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  if (matchers === null) {
    const context = contextMatcher();
    const health = healthMatcher();
    matchers = { context, health, filter: wordFilter([...context.dictionary.firstWordHashes(), ...health.dictionary.firstWordHashes()]) };
  }
  const candidates: Candidate[] = [];
  scanNumbers(bytes, candidates);
  scanEmails(bytes, candidates);
  const contextStarts: number[] = [];
  const healthStarts: number[] = [];
  const { context, health, filter } = matchers;
  // Most words start nothing: the filter rules them out for both dictionaries.
  forEachWord(bytes, filter, (start, hash) => {
    if (context.dictionary.mayStart(hash)) contextStarts.push(start);
    if (health.dictionary.mayStart(hash)) healthStarts.push(start);
  });
  scanContext(context, bytes, contextStarts, candidates);
  scanHealth(health, bytes, healthStarts, candidates);
  return resolve(bytes, candidates);
}

/** Keeps the longest (then the most confident) of overlapping candidates. */
function resolve(bytes: Uint8Array, candidates: Candidate[]): Finding[] {
  candidates.sort((a, b) => a.start - b.start || a.end - b.end);
  const findings: Finding[] = [];
  const found = (candidate: Candidate) => findings.push(new Finding(candidate.kind, candidate.start, candidate.end, candidate.confidence, bytes));
  let clusterStart = 0;
  while (clusterStart < candidates.length) {
    let clusterEnd = clusterStart + 1;
    let reach = (candidates[clusterStart] as Candidate).end;
    while (clusterEnd < candidates.length && (candidates[clusterEnd] as Candidate).start < reach) {
      reach = Math.max(reach, (candidates[clusterEnd] as Candidate).end);
      clusterEnd += 1;
    }
    // Most candidates overlap nothing: only a cluster of several needs choosing.
    if (clusterEnd === clusterStart + 1) found(candidates[clusterStart] as Candidate);
    else choose(candidates.slice(clusterStart, clusterEnd)).sort((a, b) => a.start - b.start).forEach(found);
    clusterStart = clusterEnd;
  }
  return findings;
}

/** Up to this many candidates, a cluster is resolved by comparing each with those accepted. */
const LINEAR_CHOICE = 32;

/** The longest, then the most confident, then the first, and so on with those left. */
function choose(cluster: Candidate[]): Candidate[] {
  cluster.sort((a, b) => b.end - b.start - (a.end - a.start) || b.confidence - a.confidence || a.start - b.start);
  const accepted: Candidate[] = [];
  if (cluster.length <= LINEAR_CHOICE) {
    for (const candidate of cluster) {
      if (!accepted.some((other) => other.start < candidate.end && candidate.start < other.end)) accepted.push(candidate);
    }
    return accepted;
  }
  // A long chain of overlapping candidates (`06 06 06 ...`, a phone number at each group) is
  // one cluster: compared with every span accepted, it would take quadratic time. Each byte
  // of the cluster records which accepted span covers it (its number plus one), so a
  // candidate is checked against its own bytes only, as crates/dlp/src/lib.rs does with an
  // ordered set of the spans.
  let from = Infinity;
  let to = 0;
  for (const candidate of cluster) {
    from = Math.min(from, candidate.start);
    to = Math.max(to, candidate.end);
  }
  const owner = new Uint32Array(to - from + 1);
  for (const candidate of cluster) {
    const start = candidate.start - from;
    const end = candidate.end - from;
    let overlaps = false;
    if (start === end) {
      // An empty span overlaps a span that holds the bytes on both of its sides.
      overlaps = start > 0 && owner[start - 1] !== 0 && owner[start - 1] === owner[start];
    } else {
      for (let at = start; at < end && !overlaps; at++) overlaps = owner[at] !== 0;
    }
    if (!overlaps) {
      accepted.push(candidate);
      owner.fill(accepted.length, start, end);
    }
  }
  return accepted;
}
