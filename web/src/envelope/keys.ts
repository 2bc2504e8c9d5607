// Keys of docs/EXTERNAL.md (link halves, HKDF outputs) and docs/FORMAT.md section 4 (key ids,
// manifest signatures) and 7 (receipts). Every primitive comes from @noble and @scure.
import { ed25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64urlnopad, bech32 } from "@scure/base";
import { concatBytes, fromHex, toHex, utf8 } from "./bytes.js";

export const LINK_ID = /^[0-9a-f]{32}$/;
const MANIFEST_CONTEXT = utf8.encode("pli-manifest-v1\n");
const RECEIPT_CONTEXT = concatBytes(utf8.encode("pli-receipt-v1"), new Uint8Array([0]));

/** What the link's fragment carries: `F_B64.SENDER_KEY_B64`. */
export interface Fragment {
  fragmentHalf: Uint8Array;
  senderKey: Uint8Array;
}

/** Parses a fragment (with or without its `#`); `null` when it is not exactly two 32-byte values. */
export function parseFragment(fragment: string): Fragment | null {
  const parts = fragment.replace(/^#/, "").split(".");
  if (parts.length !== 2) return null;
  const fragmentHalf = decode32(parts[0] ?? "");
  const senderKey = decode32(parts[1] ?? "");
  if (fragmentHalf === null || senderKey === null) return null;
  return { fragmentHalf, senderKey };
}

/** Decodes 32 bytes of unpadded base64url; `null` otherwise. */
export function decode32(text: string): Uint8Array | null {
  if (text.length !== 43) return null;
  try {
    const bytes = base64urlnopad.decode(text);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

export function encodeBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

export interface LinkKeys {
  /** `AGE-SECRET-KEY-1...`: the identity the envelope is sealed to. */
  ageIdentity: string;
  /** The Ed25519 seed that signs the receipt. */
  receiptSeed: Uint8Array;
}

/** HKDF-SHA256 of `F || S`, salted with the link id (docs/EXTERNAL.md section 1). */
export function deriveLinkKeys(linkId: string, fragmentHalf: Uint8Array, serverHalf: Uint8Array): LinkKeys {
  const salt = fromHex(linkId);
  if (salt === null || salt.length !== 16) throw new Error("a link id is 32 hex digits");
  const ikm = concatBytes(fragmentHalf, serverHalf);
  const secret = hkdf(sha256, ikm, salt, utf8.encode("pli-external-v1 age"), 32);
  const receiptSeed = hkdf(sha256, ikm, salt, utf8.encode("pli-external-v1 receipt"), 32);
  ikm.fill(0);
  return { ageIdentity: ageIdentity(secret), receiptSeed };
}

/** The age identity string of a 32-byte X25519 secret. */
export function ageIdentity(secret: Uint8Array): string {
  return bech32.encode("age-secret-key-", bech32.toWords(secret), false).toUpperCase();
}

/** The key id of an Ed25519 verifying key: hex of the first 16 bytes of its SHA-256. */
export function keyId(verifyingKey: Uint8Array): string {
  return toHex(sha256(verifyingKey).subarray(0, 16));
}

/**
 * Verifies the manifest signature as `ed25519-dalek`'s `verify_strict`: canonical encodings
 * only, and neither the key nor the signature's R a small-order point.
 */
export function verifyManifest(signature: Uint8Array, manifest: Uint8Array, verifyingKey: Uint8Array): boolean {
  if (signature.length !== 64 || verifyingKey.length !== 32) return false;
  try {
    const key = ed25519.Point.fromBytes(verifyingKey, false);
    const r = ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    if (key.isSmallOrder() || r.isSmallOrder()) return false;
    return ed25519.verify(signature, concatBytes(MANIFEST_CONTEXT, manifest), verifyingKey, { zip215: false });
  } catch {
    return false;
  }
}

/** The `pli-receipt-v1` signature for an opened envelope (docs/FORMAT.md). */
export function signReceipt(seed: Uint8Array, envelopeId: string, manifestSha256: Uint8Array, openedAt: number): Uint8Array {
  const id = fromHex(envelopeId);
  if (id === null || id.length !== 16) throw new Error("an envelope id is 32 hex digits");
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigInt64(0, BigInt(openedAt), false);
  return ed25519.sign(concatBytes(RECEIPT_CONTEXT, id, manifestSha256, time), seed);
}

export function receiptPublicKey(seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed);
}
