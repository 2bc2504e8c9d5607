// Opening an envelope of the inbox as `pli get` does (pli_client::get): the server is hostile.
// The summary must be the one asked for; the sender's key comes from the directory; the signed
// manifest must name this envelope, that sender and exactly the listed recipients, among them
// this account or one of its mailboxes; every file's hash, the archive's end, the last chunk
// and the ciphertext's size must check before any file is offered. Then the receipt.
import { base64urlnopad } from "@scure/base";
import { ed25519 } from "@noble/curves/ed25519.js";
import { EnvelopeError, decode32, openEnvelope, type Manifest } from "../envelope/index.js";
import { concatBytes, fromHex, utf8 } from "../envelope/bytes.js";
import type { StagedFile } from "../opfs.js";
import { OpfsSink } from "../opfs.js";
import { ApiFailure, type EnvelopeSummary } from "./api.js";
import { mailboxIdentities, type Session } from "./session.js";

export const ENVELOPE_ID = /^[0-9a-f]{32}$/;

/** Why an envelope of the inbox was refused before its content was read. */
export class SenderKeyError extends Error {
  constructor() {
    super("sender_key");
    this.name = "SenderKeyError";
  }
}

export interface OpenedEnvelope {
  summary: EnvelopeSummary;
  manifest: Manifest;
  files: StagedFile[];
  /** Deletes the staged files, once they are no longer offered. */
  discard: () => Promise<void>;
  /** Whether the receipt was handed in now (false: already signed, or it failed). */
  receipt: "signed" | "already" | "failed";
}

export async function openFromInbox(session: Session, id: string, onProgress: (done: number, total: number) => void): Promise<OpenedEnvelope> {
  if (!ENVELOPE_ID.test(id)) throw new EnvelopeError("mismatch", "not an envelope id");
  const summary = await session.client.envelope(id);
  if (summary.id !== id) throw new EnvelopeError("mismatch", "the server answered for another envelope");
  const sender = String(summary.sender).toLowerCase();
  const senderKey = await directoryKey(session, sender);

  const identities = [session.keys.ageIdentity];
  for (const mailbox of session.account.mailboxes) {
    try {
      identities.push(...(await mailboxIdentities(session, mailbox)));
    } catch {
      // A mailbox left since login, or its keys unreadable: the account's own key may still do.
    }
  }

  const response = await session.client.content(id);
  const body = response.body as ReadableStream<Uint8Array>;
  let received = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.length;
        onProgress(received, summary.size);
        controller.enqueue(chunk);
      },
    }),
  );
  const sink = new OpfsSink();
  const opened = await openEnvelope(
    counted,
    {
      identity: identities,
      senderKey,
      envelopeId: id,
      checkManifest: (manifest) => checkAddressing(manifest, summary, sender, session),
    },
    sink,
  );
  // The envelope authenticated; a size the server misstates is still a lie worth refusing.
  if (received !== summary.size) {
    await sink.discard();
    throw new EnvelopeError("mismatch", "the ciphertext's size differs from the listing's");
  }
  const files = await sink.files();
  const receipt = await signReceipt(session, id, opened.manifestSha256);
  return { summary, manifest: opened.manifest, files, discard: () => sink.discard(), receipt };
}

/** The sender's Ed25519 key from the directory, checked as `get::sender_key`. */
async function directoryKey(session: Session, sender: string): Promise<Uint8Array> {
  let entry;
  try {
    entry = await session.client.directory(sender);
  } catch {
    throw new SenderKeyError();
  }
  const keys = Array.isArray(entry.keys) ? entry.keys : [];
  const only = keys.length === 1 ? keys[0] : undefined;
  if (entry.kind !== "account" || String(entry.address).toLowerCase() !== sender || only === undefined || String(only.email).toLowerCase() !== sender) {
    throw new SenderKeyError();
  }
  const key = decode32(only.public_keys.signing_key);
  if (key === null) throw new SenderKeyError();
  return key;
}

function checkAddressing(manifest: Manifest, summary: EnvelopeSummary, sender: string, session: Session): void {
  if (manifest.sender.email.toLowerCase() !== sender) throw new EnvelopeError("mismatch", "the server names another sender than the signed one");
  const signed = new Set(manifest.recipients.map((address) => address.toLowerCase()));
  const claimed = new Set((Array.isArray(summary.to) ? summary.to : []).map((address) => String(address).toLowerCase()));
  if (signed.size !== claimed.size || [...signed].some((address) => !claimed.has(address))) {
    throw new EnvelopeError("mismatch", "the server lists other recipients than the signed ones");
  }
  const me = session.account.email.toLowerCase();
  const addressed = signed.has(me) || session.account.mailboxes.some((mailbox) => signed.has(mailbox.toLowerCase())) || me === sender;
  if (!addressed) throw new EnvelopeError("mismatch", "not addressed to this account");
}

const RECEIPT_CONTEXT = concatBytes(utf8.encode("pli-receipt-v1"), new Uint8Array([0]));

/** `receipts::sign`: the account's key signs `pli_proto::receipt_signed_bytes`; 409 = already. */
async function signReceipt(session: Session, id: string, manifestSha256: Uint8Array): Promise<OpenedEnvelope["receipt"]> {
  const envelopeId = fromHex(id);
  if (envelopeId === null) return "failed";
  const openedAt = Math.floor(Date.now() / 1000);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigInt64(0, BigInt(openedAt), false);
  const signature = ed25519.sign(concatBytes(RECEIPT_CONTEXT, envelopeId, manifestSha256, time), session.keys.signingSeed);
  try {
    await session.client.postReceipt(id, {
      manifest_hash: base64urlnopad.encode(manifestSha256),
      opened_at: openedAt,
      signature: base64urlnopad.encode(signature),
    });
    return "signed";
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 409) return "already";
    return "failed";
  }
}

/** Whether a receipt's signature verifies with `signingKey` (strict, as `verify_strict`). */
export function receiptSignatureValid(id: string, manifestHash: string, openedAt: number, signature: string, signingKey: string): boolean {
  try {
    const envelopeId = fromHex(id);
    const hash = base64urlnopad.decode(manifestHash);
    const sig = base64urlnopad.decode(signature);
    const key = decode32(signingKey);
    if (envelopeId === null || envelopeId.length !== 16 || hash.length !== 32 || sig.length !== 64 || key === null) return false;
    const point = ed25519.Point.fromBytes(key, false);
    const r = ed25519.Point.fromBytes(sig.subarray(0, 32), false);
    if (point.isSmallOrder() || r.isSmallOrder()) return false;
    const time = new Uint8Array(8);
    new DataView(time.buffer).setBigInt64(0, BigInt(openedAt), false);
    return ed25519.verify(sig, concatBytes(RECEIPT_CONTEXT, envelopeId, hash, time), key, { zip215: false });
  } catch {
    return false;
  }
}
