// Identifiers written as digits, as crates/dlp/src/numbers.rs and iban.rs: runs of digit groups
// separated by single separators, every group-aligned span tried against the validators of its
// length, accepted only when its separators fall where that identifier's fields end.
import { type Candidate, type Kind, f32 } from "./candidate.js";
import * as checksum from "./checksum.js";
import { contextBefore, findDigit, isAlnum, isAlpha, isDigit, isUpper, isWordByte, separatorLen, upper } from "./text.js";

/** The longest identifier handled here: a RIB, 23 characters. */
const MAX_LEN = 23;
/** How far before a number its label is looked for. */
const CONTEXT_WINDOW = 40;
/** The most groups a run holds at once. */
const MAX_GROUPS = 4 * MAX_LEN;

/** The digit groups of a run, kept in flat arrays: a dense text has a group every few words. */
class Run {
  /** How many groups the run holds. */
  count = 0;
  /** Where the last `collect` stopped with the run going on (more groups than MAX_GROUPS). */
  truncated = false;
  readonly starts = new Int32Array(MAX_GROUPS);
  readonly ends = new Int32Array(MAX_GROUPS);
  /** Each group's characters in `compact`, upper-cased, without separators. */
  readonly compactStarts = new Int32Array(MAX_GROUPS);
  readonly compactEnds = new Int32Array(MAX_GROUPS);
  compact = new Uint8Array(MAX_GROUPS * 64);
  compactLength = 0;
  /** Reused for every span tried. */
  private readonly span: Span = { start: 0, end: 0, boundaries: 0, atRunStart: false };
  /** Per length, the buffer a span's characters are copied into for the validators. */
  private readonly spans = Array.from({ length: MAX_LEN + 1 }, (_, length) => new Uint8Array(length));

  /** Collects the groups of the run at `start`; returns where scanning resumes (see `truncated`). */
  collect(bytes: Uint8Array, start: number): number {
    this.count = 0;
    this.compactLength = 0;
    this.truncated = false;
    let at = start;
    for (;;) {
      const end = tokenEnd(bytes, at);
      if (!isGroup(bytes, at, end)) return this.count === 0 ? end : at;
      if (this.count === MAX_GROUPS) {
        this.truncated = true;
        return at;
      }
      const compactStart = this.compactLength;
      if (this.compactLength + (end - at) > this.compact.length) {
        const grown = new Uint8Array(2 * (this.compactLength + (end - at)));
        grown.set(this.compact.subarray(0, this.compactLength));
        this.compact = grown;
      }
      for (let index = at; index < end; index++) this.compact[this.compactLength++] = upper(bytes[index] as number);
      this.starts[this.count] = at;
      this.ends[this.count] = end;
      this.compactStarts[this.count] = compactStart;
      this.compactEnds[this.count] = this.compactLength;
      this.count += 1;
      const separator = separatorLen(bytes, end);
      const next = end + separator;
      if (separator === 0 || !isDigit(bytes[next])) return end;
      at = next;
    }
  }

  /** Classifies the spans starting in the first `ready` groups. */
  classify(bytes: Uint8Array, afterPlus: boolean, runStart: boolean, ready: number, out: Candidate[]): void {
    const span = this.span;
    for (let firstIndex = 0; firstIndex < ready; firstIndex++) {
      const firstCompact = this.compactStarts[firstIndex] as number;
      // Bit i set: a separator after the i-th character of the span.
      let boundaries = 0;
      for (let lastIndex = firstIndex; lastIndex < this.count; lastIndex++) {
        const lastCompactEnd = this.compactEnds[lastIndex] as number;
        const length = lastCompactEnd - firstCompact;
        if (length > MAX_LEN || (lastIndex - firstIndex >= 2 && lastCompactEnd - (this.compactStarts[lastIndex] as number) === 1)) break;
        // No identifier is shorter than 9 characters: most spans of a long run are.
        if (length >= 9) {
          span.start = this.starts[firstIndex] as number;
          span.end = this.ends[lastIndex] as number;
          span.boundaries = boundaries;
          span.atRunStart = runStart && firstIndex === 0;
          // Copied: a view per span tried would be an object per span.
          const compact = this.spans[length] as Uint8Array;
          for (let index = 0; index < length; index++) compact[index] = this.compact[firstCompact + index] as number;
          const candidate = classifySpan(bytes, compact, span, afterPlus);
          if (candidate !== null) out.push(candidate);
        }
        boundaries |= 1 << length;
      }
    }
  }
}

interface Span {
  start: number;
  end: number;
  boundaries: number;
  atRunStart: boolean;
}

function bits(positions: readonly number[]): number {
  return positions.reduce((mask, position) => mask | (1 << position), 0);
}

// Where each identifier's fields end, as separator bit sets (computed once: spans are many).
const SIREN_FIELDS = bits([3, 6]);
const FINESS_FIELDS = bits([2, 3, 6]);
const PHONE_FIELDS = bits([2, 4, 6, 8]);
const PHONE_33_FIELDS = bits([2, 3, 5, 7, 9]);
const PHONE_0033_FIELDS = bits([4, 5, 7, 9, 11]);
const SIRET_FIELDS = bits([3, 6, 9]);
const NIR_FIELDS = bits([1, 3, 5, 7, 10, 13]);
const RIB_FIELDS = bits([5, 10, 21]);
const CARD_FIELDS = bits([4, 8, 12, 16]);
const CARD_4_6_FIELDS = bits([4, 10]);

/** The separators all fall at these positions (a bit set from `bits`), or there are none. */
function groupedAs(span: Span, allowed: number): boolean {
  return (span.boundaries & ~allowed) === 0;
}

/** The separators are exactly at these positions, or there are none. */
function exactly(span: Span, allowed: number): boolean {
  return span.boundaries === 0 || span.boundaries === allowed;
}

function hasLetter(compact: Uint8Array): boolean {
  for (let index = 0; index < compact.length; index++) if (isAlpha(compact[index])) return true;
  return false;
}

const ADELI_LABELS = ["adeli"];
const FINESS_LABELS = ["finess"];
const SIREN_LABELS = ["siren", "siret", "rcs", "entreprise", "societe"];
const RPPS_LABELS = ["rpps"];

function candidate(span: Span, kind: Kind, confidence: number): Candidate {
  return { kind, start: span.start, end: span.end, confidence: f32(confidence) };
}

function startsWith(compact: Uint8Array, prefix: string): boolean {
  if (compact.length < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) if (compact[index] !== prefix.charCodeAt(index)) return false;
  return true;
}

function classifySpan(bytes: Uint8Array, compact: Uint8Array, span: Span, afterPlus: boolean): Candidate | null {
  const length = compact.length;
  if (hasLetter(compact)) {
    // Letters appear only in a Corsican NIR (2A, 2B) and in a RIB's account number.
    if (length === 15 && groupedAs(span, NIR_FIELDS) && checksum.nir(compact)) return candidate(span, "nir", 0.95);
    if (length === 23 && groupedAs(span, RIB_FIELDS) && checksum.rib(compact)) return candidate(span, "rib", 0.95);
    return null;
  }
  if (length === 9) {
    if (!(groupedAs(span, FINESS_FIELDS) && checksum.luhn(compact))) return null;
    // ADELI numbers are reported by the context detector, which knows their format.
    if (contextBefore(bytes, span.start, CONTEXT_WINDOW, ADELI_LABELS)) return null;
    if (contextBefore(bytes, span.start, CONTEXT_WINDOW, FINESS_LABELS)) return candidate(span, "finess", 0.95);
    if (groupedAs(span, SIREN_FIELDS)) return candidate(span, "siren", contextBefore(bytes, span.start, CONTEXT_WINDOW, SIREN_LABELS) ? 0.95 : 0.7);
    return null;
  }
  if (length === 10) {
    if (compact[0] === 0x30 && compact[1] !== 0x30 && exactly(span, PHONE_FIELDS)) return candidate(span, "phone", span.boundaries === 0 ? 0.7 : 0.85);
    return null;
  }
  if (length === 11) {
    if (afterPlus && span.atRunStart && startsWith(compact, "33") && compact[2] !== 0x30 && groupedAs(span, PHONE_33_FIELDS)) {
      // The `+` belongs to the number.
      return { kind: "phone", start: span.start - 1, end: span.end, confidence: f32(0.9) };
    }
    if (span.boundaries === 0 && checksum.luhn(compact)) {
      if (contextBefore(bytes, span.start, CONTEXT_WINDOW, RPPS_LABELS)) return candidate(span, "rpps", 0.95);
      if (startsWith(compact, "10")) return candidate(span, "rpps", 0.7);
    }
    return null;
  }
  if (length === 13 && startsWith(compact, "0033") && compact[4] !== 0x30 && groupedAs(span, PHONE_0033_FIELDS)) return candidate(span, "phone", 0.9);
  if (length === 14 && groupedAs(span, SIRET_FIELDS) && checksum.siret(compact)) return candidate(span, "siret", 0.95);
  if (length === 15 && groupedAs(span, NIR_FIELDS) && checksum.nir(compact)) return candidate(span, "nir", 0.95);
  if (length === 23) return groupedAs(span, RIB_FIELDS) && checksum.rib(compact) ? candidate(span, "rib", 0.95) : null;
  if (length >= 12 && length <= 19 && cardGrouping(length, span) && checksum.card(compact)) return candidate(span, "card", 0.9);
  return null;
}

/** Cards are printed in groups of four, or 4-6-4 / 4-6-5 (Diners, American Express). */
function cardGrouping(length: number, span: Span): boolean {
  return groupedAs(span, CARD_FIELDS) || ((length === 14 || length === 15) && groupedAs(span, CARD_4_6_FIELDS));
}

/** A group of a run: digits, a Corsican NIR's `2A` / `2B`, or a RIB's 11-character account. */
function isGroup(bytes: Uint8Array, start: number, end: number): boolean {
  let anyDigit = false;
  let letterAt = -1;
  let letters = 0;
  for (let at = start; at < end; at++) {
    if (isDigit(bytes[at])) {
      anyDigit = true;
    } else {
      letters += 1;
      if (letterAt < 0) letterAt = at;
    }
  }
  if (end - start === 11 && anyDigit) return true;
  if (letters === 0) return true;
  const letter = bytes[letterAt];
  return letters === 1 && (letter === 0x41 || letter === 0x42 || letter === 0x61 || letter === 0x62) && letterAt > start && bytes[letterAt - 1] === 0x32;
}

/** French passport numbers: two digits, two capitals, five digits. */
function isPassportShape(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 9) return false;
  if (!isDigit(bytes[start]) || !isDigit(bytes[start + 1]) || !isUpper(bytes[start + 2]) || !isUpper(bytes[start + 3])) return false;
  for (let at = start + 4; at < end; at++) if (!isDigit(bytes[at])) return false;
  return true;
}

function tokenEnd(bytes: Uint8Array, start: number): number {
  let at = start;
  while (at < bytes.length && isWordByte(bytes[at])) at++;
  return at;
}

/** An IBAN at `start` (its country code): the candidate, a look-alike's end, or null. */
function ibanAt(bytes: Uint8Array, start: number): Candidate | number | null {
  if (start + 2 > bytes.length) return null;
  // Typed in lower case too ("fr76 3000 ..."): the country is read upper-cased.
  const length = checksum.ibanLength(upper(bytes[start] as number), upper(bytes[start + 1] as number));
  if (length < 0) return null;
  const compact = new Uint8Array(length);
  let count = 0;
  let at = start;
  while (count < length) {
    const separator = separatorLen(bytes, at);
    // Separators between groups: spaces, no-break spaces or dashes, not a dot (an IBAN ending a
    // sentence must not swallow the next word).
    if (separator > 0 && bytes[at] !== 0x2e && count > 0) at += separator;
    const byte = bytes[at];
    if (!isAlnum(byte)) return null;
    compact[count++] = upper(byte as number);
    at += 1;
  }
  if (isWordByte(bytes[at])) return null;
  return checksum.iban(compact) ? { kind: "iban", start, end: at, confidence: f32(0.99) } : at;
}

function startsWithAscii(bytes: Uint8Array, at: number, prefix: string): boolean {
  for (let index = 0; index < prefix.length; index++) {
    if (bytes[at + index] !== prefix.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * A French number written with its country code and the trunk zero in brackets, as on letterheads:
 * `+33 (0)6 12 34 56 78`, `+33(0)612345678`, `0033 (0) 1 23 45 67 89`. `start` is the first digit of
 * the country code. Read apart from the runs of groups: the brackets end a run, and the nine digits
 * after them would otherwise be read alone (as a SIREN).
 */
function phoneWithTrunkZero(bytes: Uint8Array, start: number): Candidate | null {
  let phoneStart: number;
  let at: number;
  if (start > 0 && bytes[start - 1] === 0x2b && startsWithAscii(bytes, start, "33")) {
    phoneStart = start - 1;
    at = start + 2;
  } else if (startsWithAscii(bytes, start, "0033")) {
    phoneStart = start;
    at = start + 4;
  } else {
    return null;
  }
  if (bytes[at] === 0x20) at += 1;
  if (!startsWithAscii(bytes, at, "(0)")) return null;
  at += 3;
  if (bytes[at] === 0x20) at += 1;
  // The subscriber's nine digits, compact or as 6 12 34 56 78.
  const first = at;
  const lengths: number[] = [];
  for (;;) {
    let end = at;
    while (isDigit(bytes[end])) end++;
    lengths.push(end - at);
    at = end;
    if (lengths.length === 5 || !continuesRun(bytes, end)) break;
    at = end + separatorLen(bytes, end);
  }
  const shape = lengths.join(",");
  if ((shape !== "9" && shape !== "1,2,2,2,2") || bytes[first] === 0x30 || isWordByte(bytes[at]) || continuesRun(bytes, at)) return null;
  return { kind: "phone", start: phoneStart, end: at, confidence: f32(0.9) };
}

/** Whether the group ending at `end` is followed by a separator and another group. */
function continuesRun(bytes: Uint8Array, end: number): boolean {
  const separator = separatorLen(bytes, end);
  return separator > 0 && isDigit(bytes[end + separator]);
}

export function scanNumbers(bytes: Uint8Array, out: Candidate[]): void {
  const run = new Run();
  let position = 0;
  for (;;) {
    const start = findDigit(bytes, position);
    if (start < 0) return;
    if (start > 0 && isWordByte(bytes[start - 1])) {
      // Digits inside a word are not an identifier, except an IBAN's after its country code
      // (in either case).
      const wordStart = start - 2;
      if (start >= 2 && isAlpha(bytes[wordStart]) && isAlpha(bytes[wordStart + 1]) && (wordStart === 0 || !isWordByte(bytes[wordStart - 1]))) {
        const shape = ibanAt(bytes, wordStart);
        if (shape !== null) {
          if (typeof shape === "number") {
            position = shape;
          } else {
            out.push(shape);
            position = shape.end;
          }
          continue;
        }
      }
      position = tokenEnd(bytes, start);
      continue;
    }
    const phone = phoneWithTrunkZero(bytes, start);
    if (phone !== null) {
      out.push(phone);
      position = phone.end;
      continue;
    }
    let end = run.collect(bytes, start);
    if (run.count === 0) {
      const token = tokenEnd(bytes, start);
      if (isPassportShape(bytes, start, token)) out.push({ kind: "passport", start, end: token, confidence: f32(0.5) });
      position = token;
      continue;
    }
    const afterPlus = start > 0 && bytes[start - 1] === 0x2b;
    if (!run.truncated) {
      run.classify(bytes, afterPlus, true, run.count, out);
      position = Math.max(end, start + 1);
      continue;
    }
    // A run longer than any identifier is classified a window of groups at a time.
    let runStart = true;
    for (;;) {
      const truncated = run.truncated;
      const ready = truncated ? run.count - MAX_LEN : run.count;
      run.classify(bytes, afterPlus && runStart, runStart, ready, out);
      if (!truncated) break;
      runStart = false;
      const resume = run.starts[ready] as number;
      end = run.collect(bytes, resume);
      position = Math.max(end, resume + 1);
    }
  }
}
