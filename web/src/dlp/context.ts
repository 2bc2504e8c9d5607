// Data recognisable only by the words before it, as crates/dlp/src/context.rs: a date of birth
// ("né le 12/03/1985"), an identity card or passport number, an ADELI number.
import { type Candidate, type Kind, f32 } from "./candidate.js";
import { Dictionary, foldVariants } from "./dictionary.js";
import { alphanumericAt, findDigit, isDigit, isUpper, isWordByte, parseDate, separatorLen } from "./text.js";

/** How far after its label a value is looked for. */
const WINDOW = 64;

type Trigger = "birth" | "cni" | "passport" | "adeli";

const KEYWORDS: [string, Trigger][] = [
  ["né", "birth"],
  ["née", "birth"],
  ["né(e)", "birth"],
  ["naissance", "birth"],
  ["ddn", "birth"],
  ["date of birth", "birth"],
  ["birth date", "birth"],
  ["born", "birth"],
  ["dob", "birth"],
  ["cni", "cni"],
  ["carte nationale d'identité", "cni"],
  ["carte nationale d’identité", "cni"],
  ["carte d'identité", "cni"],
  ["carte d’identité", "cni"],
  ["pièce d'identité", "cni"],
  ["pièce d’identité", "cni"],
  ["identity card", "cni"],
  ["passeport", "passport"],
  ["passport", "passport"],
  ["adeli", "adeli"],
];

export interface ContextMatcher {
  dictionary: Dictionary;
  triggers: Trigger[];
}

export function contextMatcher(): ContextMatcher {
  const dictionary = new Dictionary();
  const triggers: Trigger[] = [];
  for (const [keyword, trigger] of KEYWORDS) {
    for (const variant of foldVariants(keyword)) {
      dictionary.add(variant);
      triggers.push(trigger);
    }
  }
  return { dictionary, triggers };
}

/** Looks for labels at `starts` (word starts, in order) and for a value after each. */
export function scanContext(matcher: ContextMatcher, bytes: Uint8Array, starts: readonly number[], out: Candidate[]): void {
  let resume = 0;
  for (const start of starts) {
    if (start < resume) continue;
    const pattern = matcher.dictionary.longestAt(bytes, start);
    if (pattern < 0) continue;
    const end = matcher.dictionary.matchEnd;
    if (alphanumericAt(bytes, end)) continue;
    const trigger = matcher.triggers[pattern];
    if (trigger === undefined) continue;
    resume = end;
    let candidate: Candidate | null;
    switch (trigger) {
      case "birth":
        candidate = birthdateAfter(bytes, end);
        break;
      case "cni":
        candidate = tokenAfter(bytes, end, cniShape);
        break;
      case "passport":
        candidate = tokenAfter(bytes, end, (from, to) => (passportShape(bytes, from, to) ? PASSPORT : null));
        break;
      case "adeli":
        candidate = adeliAfter(bytes, end);
        break;
    }
    if (candidate !== null) out.push(candidate);
  }


  function cniShape(from: number, to: number): [Kind, number] | null {
    // Only 12- and 9-character tokens can be card numbers: most words are ruled out by length.
    if (to - from === 12) return allDigits(bytes, from, from + 4) && allUpperAlnum(bytes, from + 4, from + 7) && allDigits(bytes, from + 7, to) ? CNI_BEFORE_2021 : null;
    if (to - from !== 9 || !allUpperAlnum(bytes, from, to)) return null;
    let digit = false;
    let capital = false;
    for (let at = from; at < to; at++) {
      if (isDigit(bytes[at])) digit = true;
      else capital = true;
    }
    return digit && capital ? CNI_CURRENT : null;
  }
}

const PASSPORT: [Kind, number] = ["passport", 0.9];
/** Cards issued before 2021 (12 characters) and the current card (9), with their confidence. */
const CNI_BEFORE_2021: [Kind, number] = ["cni", 0.85];
const CNI_CURRENT: [Kind, number] = ["cni", 0.8];

function allDigits(bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!isDigit(bytes[at])) return false;
  return true;
}

function allUpperAlnum(bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!(isDigit(bytes[at]) || isUpper(bytes[at]))) return false;
  return true;
}

/** Where the first number within the window after a label starts, unless it ends a word; -1. */
function firstNumberAfter(bytes: Uint8Array, from: number): number {
  const limit = Math.min(from + WINDOW, bytes.length);
  const start = findDigit(bytes, from, limit);
  if (start < 0 || (start > 0 && isWordByte(bytes[start - 1]))) return -1;
  return start;
}

function birthdateAfter(bytes: Uint8Array, from: number): Candidate | null {
  const start = firstNumberAfter(bytes, from);
  if (start < 0) return null;
  const end = parseDate(bytes, start);
  return end < 0 ? null : { kind: "birthdate", start, end, confidence: f32(0.9) };
}

/** The first ASCII word within the window after `from` that `shape` accepts. */
function tokenAfter(bytes: Uint8Array, from: number, shape: (start: number, end: number) => [Kind, number] | null): Candidate | null {
  const limit = Math.min(from + WINDOW, bytes.length);
  let at = from;
  while (at < limit) {
    if (!isWordByte(bytes[at])) {
      at += 1;
      continue;
    }
    let end = at;
    while (isWordByte(bytes[end])) end += 1;
    const accepted = shape(at, end);
    if (accepted !== null) return { kind: accepted[0], start: at, end, confidence: f32(accepted[1]) };
    at = end;
  }
  return null;
}

/** Passport numbers: two digits, two capitals, five digits. */
function passportShape(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from !== 9) return false;
  for (let at = from; at < to; at++) {
    const index = at - from;
    if (index === 2 || index === 3 ? !isUpper(bytes[at]) : !isDigit(bytes[at])) return false;
  }
  return true;
}

/** ADELI numbers: 9 digits, compact or grouped; the label is required. */
function adeliAfter(bytes: Uint8Array, from: number): Candidate | null {
  const start = firstNumberAfter(bytes, from);
  if (start < 0) return null;
  let at = start;
  let count = 0;
  for (;;) {
    let end = at;
    while (isDigit(bytes[end])) end += 1;
    count += end - at;
    if (count > 9 || isWordByte(bytes[end])) return null;
    const separator = separatorLen(bytes, end);
    if (count === 9) {
      const more = separator > 0 && isDigit(bytes[end + separator]);
      return more ? null : { kind: "adeli", start, end, confidence: f32(0.85) };
    }
    if (separator === 0 || !isDigit(bytes[end + separator])) return null;
    at = end + separator;
  }
}
