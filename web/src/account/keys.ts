// The login derivation of docs/CLI.md ("The profile"), byte for byte as `pli_client::keys`:
// Argon2id of the password, HKDF-SHA256 into an authentication key (sent) and a wrapping key
// (kept in this page's memory), and the account's private keys sealed under the wrapping key
// with XChaCha20-Poly1305. Every primitive comes from @noble.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64urlnopad } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import { concatBytes, utf8 } from "../envelope/bytes.js";
import { keyId } from "../envelope/keys.js";

export interface KdfParams {
  m_kib: number;
  t: number;
  p: number;
}

/** The lowest cost accepted from a server, as `pli_client::keys::KDF_FLOOR`. */
export const KDF_FLOOR: KdfParams = { m_kib: 19_456, t: 2, p: 1 };
/** The highest, as `KDF_CEILING`: a hostile answer must not exhaust the page either. */
export const KDF_CEILING: KdfParams = { m_kib: 4 * 1024 * 1024, t: 64, p: 16 };
export const SALT_LEN = 16;

const AUTH_INFO = utf8.encode("pli v1 auth");
const WRAP_INFO = utf8.encode("pli v1 wrap");
const WRAP_AAD_PREFIX = concatBytes(utf8.encode("pli v1 keys"), new Uint8Array([0]));
const NONCE_LEN = 24;
const TAG_LEN = 16;
const KEYS_VERSION = 1;

/** Why a login's key work failed; never says more than the CLI does. */
export type KeyFailure = "weak_params" | "bad_salt" | "wrong_password" | "malformed" | "key_mismatch";

export class KeyError extends Error {
  constructor(readonly failure: KeyFailure) {
    super(failure);
    this.name = "KeyError";
  }
}

/** Refuses parameters outside the floor and ceiling, exactly as `check_params`. */
export function checkParams(params: KdfParams): void {
  const whole = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
  const inRange =
    whole(params.m_kib) &&
    whole(params.t) &&
    whole(params.p) &&
    params.m_kib >= KDF_FLOOR.m_kib &&
    params.t >= KDF_FLOOR.t &&
    params.p >= KDF_FLOOR.p &&
    params.m_kib <= KDF_CEILING.m_kib &&
    params.t <= KDF_CEILING.t &&
    params.p <= KDF_CEILING.p;
  if (!inRange) throw new KeyError("weak_params");
}

/** Decodes a salt of exactly 16 bytes of unpadded base64url, as `decode_salt`. */
export function decodeSalt(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(text);
  } catch {
    throw new KeyError("bad_salt");
  }
  if (bytes.length !== SALT_LEN) throw new KeyError("bad_salt");
  return bytes;
}

/** Trimmed and lowercase, as `normalize_email`: the wrapped keys are bound to this form. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface DerivedKeys {
  /** Sent to the server, as unpadded base64url. */
  authKey: Uint8Array;
  /** Never leaves the page. */
  wrapKey: Uint8Array;
}

/**
 * Argon2id (version 0x13, 32 bytes) then HKDF-SHA256 without salt, as `derive`. The async
 * variant yields to the page between blocks so it stays responsive; `onProgress` gets 0..1.
 */
export async function deriveKeys(password: string, salt: Uint8Array, params: KdfParams, onProgress?: (fraction: number) => void): Promise<DerivedKeys> {
  checkParams(params);
  if (salt.length !== SALT_LEN) throw new KeyError("bad_salt");
  const master = await argon2idAsync(utf8.encode(password), salt, {
    m: params.m_kib,
    t: params.t,
    p: params.p,
    dkLen: 32,
    version: 0x13,
    // The ceiling is the limit; noble's own default (1 GiB) would refuse some accepted costs.
    maxmem: params.m_kib * 1024 + 1024 * 1024,
    asyncTick: 20,
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  const authKey = hkdf(sha256, master, undefined, AUTH_INFO, 32);
  const wrapKey = hkdf(sha256, master, undefined, WRAP_INFO, 32);
  master.fill(0);
  return { authKey, wrapKey };
}

export function encodeKey(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** An account's private keys, held only in the page's memory. */
export interface AccountKeys {
  /** `AGE-SECRET-KEY-1...`. */
  ageIdentity: string;
  /** The Ed25519 seed. */
  signingSeed: Uint8Array;
  /** What they publish: the age recipient and the Ed25519 key, unpadded base64url. */
  publicKeys: { age_recipient: string; signing_key: string };
  keyId: string;
}

/** Opens wrapped keys for `email` (already normalised), as `DerivedKeys::unwrap`. */
export async function unwrapKeys(wrapKey: Uint8Array, wrapped: string, email: string): Promise<AccountKeys> {
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(wrapped);
  } catch {
    throw new KeyError("malformed");
  }
  if (bytes.length < NONCE_LEN + TAG_LEN) throw new KeyError("malformed");
  const aad = concatBytes(WRAP_AAD_PREFIX, utf8.encode(email));
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(wrapKey, bytes.subarray(0, NONCE_LEN), aad).decrypt(bytes.subarray(NONCE_LEN));
  } catch {
    throw new KeyError("wrong_password");
  }
  try {
    return await deserialize(plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/** Version 1: `0x01 || Ed25519 seed (32 bytes) || age identity (ASCII bech32)`. */
async function deserialize(bytes: Uint8Array): Promise<AccountKeys> {
  if (bytes.length === 0) throw new KeyError("malformed");
  if (bytes[0] !== KEYS_VERSION) throw new KeyError("malformed");
  if (bytes.length <= 33) throw new KeyError("malformed");
  const signingSeed = bytes.slice(1, 33);
  let ageIdentity: string;
  try {
    ageIdentity = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(33));
  } catch {
    throw new KeyError("malformed");
  }
  if (!/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(ageIdentity)) throw new KeyError("malformed");
  let ageRecipient: string;
  try {
    ageRecipient = await identityToRecipient(ageIdentity);
  } catch {
    throw new KeyError("malformed");
  }
  const verifyingKey = ed25519.getPublicKey(signingSeed);
  return {
    ageIdentity,
    signingSeed,
    publicKeys: { age_recipient: ageRecipient, signing_key: base64urlnopad.encode(verifyingKey) },
    keyId: keyId(verifyingKey),
  };
}

/** Fails unless the unwrapped keys are the ones the server says the account publishes. */
export function checkMatches(keys: AccountKeys, account: { public_keys: { age_recipient: string; signing_key: string }; key_id: string }): void {
  if (
    keys.publicKeys.age_recipient !== account.public_keys.age_recipient ||
    keys.publicKeys.signing_key !== account.public_keys.signing_key ||
    keys.keyId !== account.key_id
  ) {
    throw new KeyError("key_mismatch");
  }
}
