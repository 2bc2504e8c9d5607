// Email addresses, as crates/dlp/src/email.rs: found from each `@` outwards, with bounded scans
// on both sides so a hostile text stays linear.
import { type Candidate, f32 } from "./candidate.js";
import { isAlnum, isAlpha } from "./text.js";

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

export function scanEmails(bytes: Uint8Array, out: Candidate[]): void {
  let resume = 0;
  let at = bytes.indexOf(0x40);
  while (at >= 0) {
    if (at >= resume) {
      const start = localStart(bytes, at, resume);
      const end = start < 0 ? -1 : domainEnd(bytes, at + 1);
      if (start >= 0 && end >= 0) {
        out.push({ kind: "email", start, end, confidence: f32(0.95) });
        resume = end;
      }
    }
    at = nextAt(bytes, at + 1);
  }
}

/**
 * The next `@` from `from`, or -1. A few bytes are looked at one by one first: `indexOf` is fast
 * over long stretches but costs a call each time, and a hostile text has an `@` every other byte.
 */
function nextAt(bytes: Uint8Array, from: number): number {
  const near = Math.min(from + 32, bytes.length);
  for (let at = from; at < near; at++) if (bytes[at] === 0x40) return at;
  return near < bytes.length ? bytes.indexOf(0x40, near) : -1;
}

function isLocalByte(byte: number | undefined): boolean {
  return isAlnum(byte) || byte === 0x2e || byte === 0x5f || byte === 0x25 || byte === 0x2b || byte === 0x2d || byte === 0x27;
}

function localStart(bytes: Uint8Array, at: number, floor: number): number {
  let start = at;
  while (start > floor && isLocalByte(bytes[start - 1])) {
    start -= 1;
    if (at - start > MAX_LOCAL) return -1;
  }
  // Quotes and dots at the edges are punctuation of the sentence, not of the address.
  while (start < at && (bytes[start] === 0x2e || bytes[start] === 0x27)) start += 1;
  return start < at ? start : -1;
}

function domainEnd(bytes: Uint8Array, from: number): number {
  let end = from;
  while (end < bytes.length && (isAlnum(bytes[end]) || bytes[end] === 0x2e || bytes[end] === 0x2d)) {
    end += 1;
    if (end - from > MAX_DOMAIN) return -1;
  }
  // A sentence's final dot is not part of the domain.
  while (end > from && (bytes[end - 1] === 0x2e || bytes[end - 1] === 0x2d)) end -= 1;
  // Labels neither empty nor starting with a dash; a top level of 2 letters or more.
  let lastDot = -1;
  let labelStart = from;
  for (let at = from; at <= end; at++) {
    if (at === end || bytes[at] === 0x2e) {
      if (at === labelStart || bytes[labelStart] === 0x2d) return -1;
      if (at < end) lastDot = at;
      labelStart = at + 1;
    }
  }
  if (lastDot < 0 || end - lastDot - 1 < 2) return -1;
  for (let at = lastDot + 1; at < end; at++) if (!isAlpha(bytes[at])) return -1;
  return end;
}
