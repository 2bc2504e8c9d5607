// C2SP signed notes and tlog checkpoints as docs/AUDIT.md section 3 reads them (and
// `pli_audit::open_note`, `SignedCheckpoint::open`): verifier keys in the Go `sumdb/note`
// form, Ed25519 signatures verified strictly, unknown signers ignored.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64 } from "@scure/base";
import { concatBytes, utf8 } from "../envelope/bytes.js";

export const MAX_NOTE_BYTES = 64 * 1024;

export interface Verifier {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
}

export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Uint8Array;
}

/** Why a note or a checkpoint was refused. */
export class NoteError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "NoteError";
  }
}

/** `<name>+<8 hex digits>+<base64(0x01 || 32-byte key)>`, its key id checked. */
export function parseVerifier(text: string): Verifier {
  // The key's base64 may itself hold `+`: only the first two separate fields.
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) throw new NoteError("a verifier key has three parts");
  const [name, id, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(id)) throw new NoteError("a verifier key's name or id is malformed");
  const bytes = decodeBase64(key);
  if (bytes === null || bytes.length !== 33 || bytes[0] !== 1) throw new NoteError("a verifier key is not an Ed25519 key");
  const publicKey = bytes.slice(1);
  const keyId = keyIdOf(name, publicKey);
  if (keyId !== parseInt(id, 16)) throw new NoteError("a verifier key's id does not match its key");
  return { name, keyId, publicKey };
}

/** The first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || key). */
export function keyIdOf(name: string, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8.encode(name), new Uint8Array([0x0a, 0x01]), publicKey));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

/** The text of a note signed by `verifier`; signatures of other keys are ignored. */
export function openNote(note: string, verifier: Verifier): string {
  const bytes = utf8.encode(note);
  if (bytes.length > MAX_NOTE_BYTES) throw new NoteError("the note is too long");
  // Newline is the only control character a note may hold.
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(note)) throw new NoteError("the note holds a control character");
  if (!note.endsWith("\n")) throw new NoteError("the note does not end with a newline");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("the note has no signature block");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  let verified = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (match === null) throw new NoteError("a signature line is malformed");
    const [, name, signatureText] = match as unknown as [string, string, string];
    const signature = decodeBase64(signatureText);
    if (signature === null || signature.length < 5) throw new NoteError("a signature line is malformed");
    const id = new DataView(signature.buffer, signature.byteOffset, 4).getUint32(0, false);
    if (name !== verifier.name || id !== verifier.keyId) continue;
    if (signature.length !== 68 || !verifyStrict(signature.subarray(4), utf8.encode(text), verifier.publicKey)) {
      throw new NoteError("the log's signature does not verify");
    }
    verified = true;
  }
  if (!verified) throw new NoteError("the note is not signed by the log's key");
  return text;
}

/** A checkpoint signed by `verifier`, whose origin is the key's name. */
export function openCheckpoint(note: string, verifier: Verifier): Checkpoint {
  const text = openNote(note, verifier);
  const lines = text.slice(0, -1).split("\n");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || origin !== verifier.name) throw new NoteError("the checkpoint is not of this log");
  if (sizeText === undefined || !/^(0|[1-9][0-9]{0,19})$/.test(sizeText)) throw new NoteError("invalid tree size line");
  const root = rootText === undefined ? null : decodeBase64(rootText);
  if (root === null || root.length !== 32) throw new NoteError("invalid root hash line");
  if (extensions.some((line) => line === "")) throw new NoteError("an empty extension line");
  return { origin, size: BigInt(sizeText), root };
}

function validName(name: string): boolean {
  return name.length > 0 && utf8.encode(name).length <= 1024 && !/[\s+\u0000-\u001f\u007f]/.test(name);
}

function decodeBase64(text: string): Uint8Array | null {
  try {
    const bytes = base64.decode(text);
    // Canonical only: the same bytes must give back the same text.
    return base64.encode(bytes) === text ? bytes : null;
  } catch {
    return null;
  }
}

/** As `ed25519-dalek`'s `verify_strict`: canonical encodings, no small-order key or R. */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const key = ed25519.Point.fromBytes(publicKey, false);
    const r = ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    if (key.isSmallOrder() || r.isSmallOrder()) return false;
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
