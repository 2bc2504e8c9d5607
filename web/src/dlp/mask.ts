// Masked excerpts, as crates/dlp/src/mask.rs: letters and digits replaced by `*` but for a few
// at each end, separators kept, so a person can find the match without the excerpt holding it.
import type { Kind } from "./candidate.js";
import { isAlphanumericCodePoint } from "./text.js";

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

/** The masked form of `matched`, found as `kind`. */
export function mask(kind: Kind, matched: string): string {
  const chars = [...matched];
  const total = chars.filter((c) => isAlphanumericCodePoint(c.codePointAt(0) ?? -1)).length;
  let [prefix, suffix] = SHOWN[kind];
  // At least half of the characters stay hidden, however short the match.
  while (prefix + suffix > 0 && 2 * (prefix + suffix) > total) {
    if (suffix >= prefix) suffix -= 1;
    else prefix -= 1;
  }
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
