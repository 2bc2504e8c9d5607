// The audit log's tree (docs/AUDIT.md section 2): RFC 9162 hashing and the verification of
// inclusion and consistency proofs (sections 2.1.3.2 and 2.1.4.2), as `pli_audit` does.
// Sizes and indexes are bigints: trees reach 2^48 entries, past JavaScript's 32-bit bit
// operators.
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, equalBytes } from "../envelope/bytes.js";

/** Proofs longer than this are refused (docs/AUDIT.md section 2). */
export const MAX_PROOF = 64;
/** Trees over 2^48 entries are refused. */
export const MAX_SIZE = 1n << 48n;
export const EMPTY_ROOT = sha256(new Uint8Array(0));

export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([0]), entry));
}

function node(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(new Uint8Array([1]), left, right));
}

const odd = (n: bigint): boolean => (n & 1n) === 1n;

/** Whether `proof` shows the leaf `leaf` at `index` in the tree of `size` entries with `root`. */
export function verifyInclusion(leaf: Uint8Array, index: bigint, size: bigint, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0n || index >= size || size > MAX_SIZE || proof.length > MAX_PROOF) return false;
  if (!proof.every((hash) => hash.length === 32) || root.length !== 32) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if (odd(fn) || fn === sn) {
      r = node(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

/** Whether `proof` shows the tree of `size2` entries with `root2` extends the one of `size1`. */
export function verifyConsistency(size1: bigint, size2: bigint, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (size1 < 0n || size1 > size2 || size2 > MAX_SIZE || proof.length > MAX_PROOF) return false;
  if (!proof.every((hash) => hash.length === 32) || root1.length !== 32 || root2.length !== 32) return false;
  if (size1 === 0n) return proof.length === 0 && equalBytes(root1, EMPTY_ROOT);
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while (odd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0n) return false;
    if (odd(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, root1) && equalBytes(sr, root2);
}
