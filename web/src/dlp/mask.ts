// Masked excerpts, as crates/dlp/src/mask.rs: letters and digits replaced by `*` but for a few
// at each end, separators kept, so a person can find the match without the excerpt holding it.
import type { Kind } from "./candidate.js";
import { isAlnum, isAlphanumericCodePoint } from "./text.js";

const SHOWN: Record<Kind, [number, number]> = {
  // Sex and year, and the key: `2 55 ** ** *** *** 38`.
  nir: [3, 2],
  // Country and check digits.
  iban: [4, 2],
  card: [0, 4],
  rib: [0, 2],
  cni: [0, 2],
  passport: [0, 2],
  birthdate: [0, 2],
  email: [1, 2],
  health: [1, 0],
  finess: [2, 2],
  rpps: [2, 2],
  adeli: [2, 2],
  siren: [2, 2],
  siret: [2, 2],
  phone: [2, 2],
};

const decoder = new TextDecoder();

/** The masked form of the UTF-8 `matched`, found as `kind`. */
export function maskBytes(kind: Kind, matched: Uint8Array): string {
  // Most identifiers are ASCII: masked byte by byte, without decoding.
  let total = 0;
  for (const byte of matched) {
    if (byte >= 0x80) return mask(kind, decoder.decode(matched));
    if (isAlnum(byte)) total += 1;
  }
  const [prefix, suffix] = shown(kind, total);
  // Built as a string directly: decoding a copy costs more than the masking on short matches.
  let excerpt = "";
  let index = 0;
  for (let at = 0; at < matched.length; at++) {
    let byte = matched[at] as number;
    if (isAlnum(byte)) {
      if (!(index < prefix || index >= total - suffix)) byte = 0x2a;
      index += 1;
    }
    excerpt += String.fromCharCode(byte);
  }
  return excerpt;
}

/** How many characters stay visible at each end: at least half stay hidden, however short the match. */
function shown(kind: Kind, total: number): [number, number] {
  let [prefix, suffix] = SHOWN[kind];
  while (prefix + suffix > 0 && 2 * (prefix + suffix) > total) {
    if (suffix >= prefix) suffix -= 1;
    else prefix -= 1;
  }
  return [prefix, suffix];
}

/** The masked form of `matched`, found as `kind`. */
export function mask(kind: Kind, matched: string): string {
  const chars = [...matched];
  const total = chars.filter((c) => isAlphanumericCodePoint(c.codePointAt(0) ?? -1)).length;
  const [prefix, suffix] = shown(kind, total);
  let index = 0;
  let excerpt = "";
  for (const c of chars) {
    if (!isAlphanumericCodePoint(c.codePointAt(0) ?? -1)) {
      excerpt += c;
      continue;
    }
    excerpt += index < prefix || index >= total - suffix ? c : "*";
    index += 1;
  }
  return excerpt;
}
