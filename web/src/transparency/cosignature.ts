// Witness cosignatures in the C2SP `tlog-cosignature` `cosignature/v1` form (docs/AUDIT.md
// section 10), as `pli_audit::CosignerVerifier` reads them: a line
// `— <name> base64(key id || 8-byte big-endian time || Ed25519 signature)` under the checkpoint,
// the signature over `cosignature/v1\ntime <time>\n` and the checkpoint's whole text.
import { sha256 } from "@noble/hashes/sha2.js";
import { base64 } from "@scure/base";
import { concatBytes, equalBytes, utf8 } from "../envelope/bytes.js";
import { MAX_NOTE_BYTES, NoteError, verifyStrict } from "./note.js";

/** Signature type byte of `cosignature/v1` keys; 0x01 is the plain Ed25519 form of the same key. */
const ALG_COSIGNATURE_V1 = 0x04;
const ALG_ED25519 = 0x01;

/** Longest witness key, as text, a server can be asked for (`pli_audit::MAX_WITNESS_KEY_CHARS`). */
const MAX_WITNESS_KEY_CHARS = 512;

/** How far ahead of this machine's clock a cosignature may be dated, in seconds. */
export const MAX_COSIGNATURE_CLOCK_SKEW = 300;

/** A witness's verifier key. */
export interface Cosigner {
  name: string;
  /** Key id of its `cosignature/v1` lines. */
  keyId: number;
  publicKey: Uint8Array;
  /** The key in its `cosignature/v1` form (`<name>+<id>+<base64(0x04 || key)>`), as listed. */
  text: string;
}

/**
 * `<name>+<8 hex digits>+<base64(0x04 || 32-byte key)>`, or the same key in the plain Ed25519
 * form (type 0x01), read as its `cosignature/v1` key; the key id is checked against the form given.
 */
export function parseCosigner(text: string): Cosigner {
  if (text.length > 1200) throw new NoteError("a witness key is too long");
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) throw new NoteError("a witness key has three parts");
  const [name, id, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(id)) throw new NoteError("a witness key's name or id is malformed");
  let typed: Uint8Array;
  try {
    typed = base64.decode(key);
  } catch {
    throw new NoteError("a witness key is not base64");
  }
  if (typed.length !== 33 || (typed[0] !== ALG_COSIGNATURE_V1 && typed[0] !== ALG_ED25519)) throw new NoteError("a witness key is not an Ed25519 key");
  if (keyIdOf(name, typed) !== parseInt(id, 16)) throw new NoteError("a witness key's id does not match its key");
  const publicKey = typed.slice(1);
  const keyId = keyIdOf(name, concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey));
  const canonical = `${name}+${keyId.toString(16).padStart(8, "0")}+${base64.encode(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`;
  // As `CosignerVerifier::is_listable`: servers are asked for witnesses by keys separated by commas.
  if (name.includes(",") || canonical.length > MAX_WITNESS_KEY_CHARS) throw new NoteError("a witness key is too long or has a comma in its name");
  return { name, keyId, publicKey, text: canonical };
}

/** The first 4 bytes, big-endian, of SHA-256(name || 0x0A || typed key). */
function keyIdOf(name: string, typed: Uint8Array): number {
  const digest = sha256(concatBytes(utf8.encode(name), new Uint8Array([0x0a]), typed));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

function validName(name: string): boolean {
  return name.length > 0 && utf8.encode(name).length <= 1024 && !/[\s+\u0000-\u001f\u007f]/.test(name);
}

/**
 * How many distinct keys among `witnesses` made a valid `cosignature/v1` line in `note` dated at
 * most [`MAX_COSIGNATURE_CLOCK_SKEW`] seconds after `now` (seconds since the Epoch). A key counts
 * once whatever names it is trusted under: the signature does not cover the name.
 */
export function countCosignatures(witnesses: readonly Cosigner[], note: string, now: number): number {
  if (utf8.encode(note).length > MAX_NOTE_BYTES || !note.endsWith("\n")) return 0;
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return 0;
  const text = utf8.encode(note.slice(0, split + 1));
  const lines = note.slice(split + 2, -1).split("\n");
  const counted: Uint8Array[] = [];
  for (const witness of witnesses) {
    if (counted.some((key) => equalBytes(key, witness.publicKey))) continue;
    const valid = lines.some((line) => verifiesLine(witness, line, text, now));
    if (valid) counted.push(witness.publicKey);
  }
  return counted.length;
}

function verifiesLine(witness: Cosigner, line: string, text: Uint8Array, now: number): boolean {
  const prefix = `\u2014 ${witness.name} `;
  if (!line.startsWith(prefix)) return false;
  let signature: Uint8Array;
  try {
    signature = base64.decode(line.slice(prefix.length));
  } catch {
    return false;
  }
  if (signature.length !== 4 + 8 + 64) return false;
  const view = new DataView(signature.buffer, signature.byteOffset, signature.byteLength);
  if (view.getUint32(0, false) !== witness.keyId) return false;
  const time = view.getBigUint64(4, false);
  if (time > BigInt(Number.MAX_SAFE_INTEGER) || Number(time) > now + MAX_COSIGNATURE_CLOCK_SKEW) return false;
  const message = concatBytes(utf8.encode(`cosignature/v1\ntime ${time}\n`), text);
  return verifyStrict(signature.subarray(12), message, witness.publicKey);
}
