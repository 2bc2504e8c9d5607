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
import { forEachWord } from "./text.js";

export { KINDS, type Kind };

/** One piece of sensitive data found in a text. */
export interface Finding {
  kind: Kind;
  /** Byte offset of the match's first byte in the UTF-8 text. */
  start: number;
  /** Byte offset just past the match. */
  end: number;
  /** The match masked: never the whole value. */
  excerpt: string;
  /** From 0 to 1. */
  confidence: number;
}

let matchers: { context: ContextMatcher; health: HealthMatcher; either: Set<number> } | null = null;

/** Runs every detector over `text`: findings in text order, without overlaps. */
export function scanText(text: string | Uint8Array): Finding[] {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  if (matchers === null) {
    const context = contextMatcher();
    const health = healthMatcher();
    matchers = { context, health, either: new Set([...context.dictionary.firstWordHashes(), ...health.dictionary.firstWordHashes()]) };
  }
  const candidates: Candidate[] = [];
  scanNumbers(bytes, candidates);
  scanEmails(bytes, candidates);
  const contextStarts: number[] = [];
  const healthStarts: number[] = [];
  const { context, health, either } = matchers;
  forEachWord(bytes, (start, hash) => {
    // Most words start nothing: one look-up rules them out for both dictionaries.
    if (!either.has(hash)) return;
    if (context.dictionary.mayStart(hash)) contextStarts.push(start);
    if (health.dictionary.mayStart(hash)) healthStarts.push(start);
  });
  scanContext(context, bytes, contextStarts, candidates);
  scanHealth(health, bytes, healthStarts, candidates);
  return resolve(bytes, candidates);
}

/** Keeps the longest (then the most confident) of overlapping candidates and masks them. */
function resolve(bytes: Uint8Array, candidates: Candidate[]): Finding[] {
  candidates.sort((a, b) => a.start - b.start || a.end - b.end);
  const findings: Finding[] = [];
  let clusterStart = 0;
  while (clusterStart < candidates.length) {
    let clusterEnd = clusterStart + 1;
    let reach = (candidates[clusterStart] as Candidate).end;
    while (clusterEnd < candidates.length && (candidates[clusterEnd] as Candidate).start < reach) {
      reach = Math.max(reach, (candidates[clusterEnd] as Candidate).end);
      clusterEnd += 1;
    }
    // Most candidates overlap nothing: only a cluster of several needs choosing.
    const chosen = clusterEnd === clusterStart + 1 ? [candidates[clusterStart] as Candidate] : choose(candidates.slice(clusterStart, clusterEnd)).sort((a, b) => a.start - b.start);
    for (const candidate of chosen) {
      findings.push({
        kind: candidate.kind,
        start: candidate.start,
        end: candidate.end,
        excerpt: maskBytes(candidate.kind, bytes.subarray(candidate.start, candidate.end)),
        confidence: candidate.confidence,
      });
    }
    clusterStart = clusterEnd;
  }
  return findings;
}

/** The longest, then the most confident, then the first, and so on with those left. */
function choose(cluster: Candidate[]): Candidate[] {
  cluster.sort((a, b) => b.end - b.start - (a.end - a.start) || b.confidence - a.confidence || a.start - b.start);
  const accepted: Candidate[] = [];
  for (const candidate of cluster) {
    if (!accepted.some((other) => other.start < candidate.end && candidate.start < other.end)) accepted.push(candidate);
  }
  return accepted;
}
