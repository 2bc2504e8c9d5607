// The request statement of docs/REQUESTS.md section 2, checked with the requester's key from
// the link's fragment (which the server never sees), so a server that swaps a recipient key,
// the addressee or the expiry is caught before anything is encrypted.
import { ed25519 } from "@noble/curves/ed25519.js";
import { concatBytes, fromHex, utf8 } from "./bytes.js";

export interface Statement {
  id: string;
  addressee: string;
  email: string;
  recipients: string[];
  expires_at: number;
  max_uploads: number;
}

/** The signed bytes, or `null` when a field cannot be encoded. */
export function statementBytes(statement: Statement): Uint8Array | null {
  const id = fromHex(statement.id);
  if (id === null || id.length !== 16) return null;
  const parts: Uint8Array[] = [utf8.encode("pli-request-v1"), new Uint8Array([0]), id];
  const text = (value: string): boolean => {
    const bytes = utf8.encode(value);
    if (bytes.length > 0xffff) return false;
    parts.push(u16(bytes.length), bytes);
    return true;
  };
  if (!text(statement.addressee) || !text(statement.email)) return null;
  if (statement.recipients.length > 0xffff) return null;
  parts.push(u16(statement.recipients.length));
  for (const recipient of statement.recipients) if (!text(recipient)) return null;
  if (!Number.isSafeInteger(statement.expires_at) || !Number.isSafeInteger(statement.max_uploads)) return null;
  const tail = new Uint8Array(12);
  const view = new DataView(tail.buffer);
  view.setBigInt64(0, BigInt(statement.expires_at), false);
  view.setUint32(8, statement.max_uploads, false);
  parts.push(tail);
  return concatBytes(...parts);
}

/** Verifies as `ed25519-dalek`'s `verify_strict` does. */
export function verifyStatement(statement: Statement, signature: Uint8Array, key: Uint8Array): boolean {
  const bytes = statementBytes(statement);
  if (bytes === null || signature.length !== 64 || key.length !== 32) return false;
  try {
    const point = ed25519.Point.fromBytes(key, false);
    const r = ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    if (point.isSmallOrder() || r.isSmallOrder()) return false;
    return ed25519.verify(signature, bytes, key, { zip215: false });
  } catch {
    return false;
  }
}

function u16(value: number): Uint8Array {
  return new Uint8Array([value >> 8, value & 0xff]);
}
