// Byte-level text helpers shared by the detectors, as crates/dlp/src/text.rs: the detectors
// work on the UTF-8 bytes of the text so that offsets are the Rust crate's, byte for byte.

/** An ASCII letter, digit or `_`: a byte that continues a word or a number. */
export function isWordByte(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f);
}

export function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

export function isUpper(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x41 && byte <= 0x5a;
}

export function isAlnum(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
}

export function isAlpha(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
}

/** ASCII upper case of a byte; other bytes unchanged. */
export function upper(byte: number): number {
  return byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte;
}

/** ASCII lower case of a byte; other bytes unchanged. */
export function lower(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

/**
 * The length of a separator between two groups of a number at `at`: a space, a dot, a dash,
 * or the no-break spaces French typography puts in numbers (U+00A0, U+202F, U+2009).
 */
export function separatorLen(bytes: Uint8Array, at: number): number {
  const byte = bytes[at];
  // Two spaces: a number retyped from a form's boxes, or aligned in a letter.
  if (byte === 0x20 && bytes[at + 1] === 0x20) return 2;
  if (byte === 0x20 || byte === 0x2e || byte === 0x2d) return 1;
  if (byte === 0xc2 && bytes[at + 1] === 0xa0) return 2;
  if (byte === 0xe2 && bytes[at + 1] === 0x80 && (bytes[at + 2] === 0xaf || bytes[at + 2] === 0x89)) return 3;
  return 0;
}

/** Where the first ASCII digit at or after `from`, before `limit`, is; -1 if none. */
export function findDigit(bytes: Uint8Array, from: number, limit = bytes.length): number {
  for (let at = from; at < limit; at++) {
    const byte = bytes[at] as number;
    if (byte >= 0x30 && byte <= 0x39) return at;
  }
  return -1;
}

/** The code point starting at byte `at` of valid UTF-8; -1 past the end. */
export function codePointAt(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === undefined) return -1;
  if (first < 0x80) return first;
  if (first < 0xe0) return ((first & 0x1f) << 6) | ((bytes[at + 1] ?? 0) & 0x3f);
  if (first < 0xf0) return ((first & 0x0f) << 12) | (((bytes[at + 1] ?? 0) & 0x3f) << 6) | ((bytes[at + 2] ?? 0) & 0x3f);
  return ((first & 0x07) << 18) | (((bytes[at + 1] ?? 0) & 0x3f) << 12) | (((bytes[at + 2] ?? 0) & 0x3f) << 6) | ((bytes[at + 3] ?? 0) & 0x3f);
}

/** The length in bytes of the UTF-8 character whose first byte is `first`. */
export function charLength(first: number): number {
  return first < 0x80 ? 1 : first < 0xe0 ? 2 : first < 0xf0 ? 3 : 4;
}

const ALPHANUMERIC = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
const ALPHABETIC = /^\p{Alphabetic}$/u;
const alphanumericCache = new Map<number, boolean>();

/** Rust's `char::is_alphanumeric`: Alphabetic, or a number (Nd, Nl, No). */
export function isAlphanumericCodePoint(cp: number): boolean {
  if (cp < 0) return false;
  if (cp < 0x80) return isAlnum(cp);
  let known = alphanumericCache.get(cp);
  if (known === undefined) {
    known = ALPHANUMERIC.test(String.fromCodePoint(cp));
    alphanumericCache.set(cp, known);
  }
  return known;
}

/** Rust's `char::is_alphabetic`. */
export function isAlphabeticCodePoint(cp: number): boolean {
  return cp >= 0 && (cp < 0x80 ? isAlpha(cp) : ALPHABETIC.test(String.fromCodePoint(cp)));
}

/** Whether the character at `at` is a letter, a digit (any script) or `_`. */
export function alphanumericAt(bytes: Uint8Array, at: number): boolean {
  const first = bytes[at];
  if (first === undefined) return false;
  return first < 0x80 ? WORD_ASCII[first] === 1 : wideAlphanumeric(bytes, at, first);
}

/** ASCII word bytes (letters, digits, `_`) as 1, everything else 0; for the hot loops. */
const WORD_ASCII = new Uint8Array(128);
for (let byte = 0; byte < 128; byte++) WORD_ASCII[byte] = isWordByte(byte) ? 1 : 0;

/** Per code point below U+0800 (one or two UTF-8 bytes): 1 alphanumeric, 2 not, 0 unknown yet. */
const alphanumericSmall = new Uint8Array(0x800);

/** Whether the character at `at`, whose first byte is `first` (>= 0x80), is alphanumeric. */
function wideAlphanumeric(bytes: Uint8Array, at: number, first: number): boolean {
  if (first < 0xe0) {
    const cp = ((first & 0x1f) << 6) | ((bytes[at + 1] ?? 0) & 0x3f);
    let known = alphanumericSmall[cp] as number;
    if (known === 0) {
      known = isAlphanumericCodePoint(cp) ? 1 : 2;
      alphanumericSmall[cp] = known;
    }
    return known === 1;
  }
  return isAlphanumericCodePoint(codePointAt(bytes, at));
}

/**
 * Calls `onWord` with the byte offset and the hash ([`wordHash`]) of each word of the text
 * (maximal runs of letters, digits (any script) and `_`) whose hash passes `filter` (a bit
 * set of 64 Kibit indexed by the hash's low 16 bits, see `wordFilter`). Dictionaries are tried
 * only at words whose hash is one of their patterns' first words, and most words are not.
 */
export function forEachWord(bytes: Uint8Array, filter: Uint32Array, onWord: (start: number, hash: number) => void): void {
  let at = 0;
  let start = -1;
  let hash = 0;
  const length = bytes.length;
  while (at < length) {
    const byte = bytes[at] as number;
    if (byte < 0x80) {
      if (WORD_ASCII[byte] === 1) {
        if (start < 0) {
          start = at;
          hash = 0;
        }
        // FNV-1a of the ASCII-lower-cased byte, as pushHash.
        hash = Math.imul(hash ^ (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte), 0x01000193) >>> 0;
      } else if (start >= 0) {
        if (passes(filter, hash)) onWord(start, hash);
        start = -1;
      }
      at += 1;
      continue;
    }
    const size = charLength(byte);
    if (wideAlphanumeric(bytes, at, byte)) {
      if (start < 0) {
        start = at;
        hash = 0;
      }
      // Bytes of 0x80 and above are unchanged by ASCII lower-casing.
      for (let index = at; index < at + size; index++) hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193) >>> 0;
    } else if (start >= 0) {
      if (passes(filter, hash)) onWord(start, hash);
      start = -1;
    }
    at += size;
  }
  if (start >= 0 && passes(filter, hash)) onWord(start, hash);
}

/** FNV-1a over the bytes of a word, ASCII letters lower-cased. */
function pushHash(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193) >>> 0;
}

/** A 64 Kibit filter of word hashes for `forEachWord`. */
export function wordFilter(hashes: Iterable<number>): Uint32Array {
  const filter = new Uint32Array(2048);
  for (const hash of hashes) filter[(hash & 0xffff) >>> 5] = (filter[(hash & 0xffff) >>> 5] as number) | (1 << (hash & 31));
  return filter;
}

function passes(filter: Uint32Array, hash: number): boolean {
  return ((filter[(hash & 0xffff) >>> 5] as number) & (1 << (hash & 31))) !== 0;
}

/** The hash `forEachWord` gives the first word of `pattern`. */
export function firstWordHash(pattern: Uint8Array): number {
  let hash = 0;
  let at = 0;
  while (at < pattern.length) {
    const byte = pattern[at] as number;
    let size = 1;
    if (byte < 0x80) {
      if (!isWordByte(byte)) break;
    } else {
      if (!isAlphanumericCodePoint(codePointAt(pattern, at))) break;
      size = charLength(byte);
    }
    for (let index = at; index < at + size; index++) hash = pushHash(hash, lower(pattern[index] as number));
    at += size;
  }
  return hash;
}

/**
 * Whether one of `keywords` (lowercase ASCII) appears in the `window` bytes before `at`,
 * ignoring ASCII case.
 */
export function contextBefore(bytes: Uint8Array, at: number, window: number, keywords: readonly string[]): boolean {
  const start = Math.max(0, at - window);
  for (const keyword of keywords) {
    const last = at - keyword.length;
    outer: for (let from = start; from <= last; from++) {
      for (let index = 0; index < keyword.length; index++) {
        if (lower(bytes[from + index] as number) !== keyword.charCodeAt(index)) continue outer;
      }
      return true;
    }
  }
  return false;
}

/**
 * Parses a date starting exactly at `at` and returns the byte offset just past it, or -1.
 * Accepted: `12/03/1985`, `12-03-85`, `12.03.1985`, `1985-03-12`, `12 mars 1985`,
 * `1er mars 1985`, `12 déc. 1985`. Day, month and year are range-checked.
 */
export function parseDate(bytes: Uint8Array, at: number): number {
  const first = digits(bytes, at, 1, 4);
  if (first === null) return -1;
  const [value, afterFirst] = first;
  if (afterFirst - at === 4) {
    if (bytes[afterFirst] !== 0x2d) return -1;
    const month = digits(bytes, afterFirst + 1, 2, 2);
    if (month === null || bytes[month[1]] !== 0x2d) return -1;
    const day = digits(bytes, month[1] + 1, 2, 2);
    if (day === null) return -1;
    const end = day[1];
    return validYear(value, 4) && validDayMonth(day[0], month[0]) && !isWordByte(bytes[end]) ? end : -1;
  }
  if (afterFirst - at > 2) return -1;
  const day = value;
  const separator = bytes[afterFirst];
  if (separator === 0x2f || separator === 0x2d || separator === 0x2e) {
    const month = digits(bytes, afterFirst + 1, 1, 2);
    if (month === null || bytes[month[1]] !== separator) return -1;
    const year = digits(bytes, month[1] + 1, 2, 4);
    if (year === null) return -1;
    const yearLen = year[1] - month[1] - 1;
    return yearLen !== 3 && validYear(year[0], yearLen) && validDayMonth(day, month[0]) && !isWordByte(bytes[year[1]]) ? year[1] : -1;
  }
  let position = afterFirst;
  if (day === 1 && bytes[position] === 0x65 && bytes[position + 1] === 0x72) position += 2;
  position = skipSpaces(bytes, position);
  if (position < 0) return -1;
  const month = monthName(bytes, position);
  if (month === null) return -1;
  position = skipSpaces(bytes, month[1]);
  if (position < 0) return -1;
  const year = digits(bytes, position, 4, 4);
  if (year === null) return -1;
  return validYear(year[0], 4) && validDayMonth(day, month[0]) && !isWordByte(bytes[year[1]]) ? year[1] : -1;
}

/** Between `min` and `max` ASCII digits at `at`, none more: [value, end]. */
function digits(bytes: Uint8Array, at: number, min: number, max: number): [number, number] | null {
  let value = 0;
  let end = at;
  while (isDigit(bytes[end])) {
    if (end - at === max) return null;
    value = value * 10 + ((bytes[end] as number) - 0x30);
    end += 1;
  }
  return end - at >= min ? [value, end] : null;
}

/** Skips at least one space (ASCII or no-break); -1 if there is none. */
function skipSpaces(bytes: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    if (bytes[at] === 0x20) at += 1;
    else if (bytes[at] === 0xc2 && bytes[at + 1] === 0xa0) at += 2;
    else if (bytes[at] === 0xe2 && bytes[at + 1] === 0x80 && bytes[at + 2] === 0xaf) at += 3;
    else break;
  }
  return at > from ? at : -1;
}

const MONTHS = new Map<string, number>([
  ["janvier", 1],
  ["janv.", 1],
  ["février", 2],
  ["fevrier", 2],
  ["févr.", 2],
  ["fevr.", 2],
  ["mars", 3],
  ["avril", 4],
  ["avr.", 4],
  ["mai", 5],
  ["juin", 6],
  ["juillet", 7],
  ["juil.", 7],
  ["août", 8],
  ["aout", 8],
  ["septembre", 9],
  ["sept.", 9],
  ["octobre", 10],
  ["oct.", 10],
  ["novembre", 11],
  ["nov.", 11],
  ["décembre", 12],
  ["decembre", 12],
  ["déc.", 12],
  ["dec.", 12],
  ["janv", 1],
]);

const decoder = new TextDecoder();

/** A French month name (full or abbreviated, any case, with or without accents) at `at`. */
function monthName(bytes: Uint8Array, at: number): [number, number] | null {
  let end = at;
  while (end < bytes.length) {
    const cp = codePointAt(bytes, end);
    if (!(cp === 0x2e || isAlphabeticCodePoint(cp))) break;
    end += charLength(bytes[end] as number);
  }
  const word = decoder.decode(bytes.subarray(at, end)).toLowerCase();
  const month = MONTHS.get(word);
  return month === undefined ? null : [month, end];
}

function validYear(year: number, length: number): boolean {
  return length === 2 || (year >= 1900 && year <= 2100);
}

function validDayMonth(day: number, month: number): boolean {
  let days: number;
  if (month === 2) days = 29;
  else if (month === 4 || month === 6 || month === 9 || month === 11) days = 30;
  else if (month >= 1 && month <= 12) days = 31;
  else return false;
  return day >= 1 && day <= days;
}
