// The kinds of data and a match before masking and overlap resolution (crates/dlp/src/lib.rs).

/** The stable kind names, in the order of the contract (`Kind::ALL`). */
export const KINDS = ["nir", "iban", "rib", "card", "finess", "rpps", "adeli", "siren", "siret", "cni", "passport", "phone", "email", "birthdate", "health"] as const;
export type Kind = (typeof KINDS)[number];

export interface Candidate {
  kind: Kind;
  start: number;
  end: number;
  /** An f32 in the Rust crate: kept as `Math.fround` values so comparisons agree. */
  confidence: number;
}

export const f32 = Math.fround;
