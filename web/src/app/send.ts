// Sending from the browser as `pli send` does (pli_client::send): every address resolved
// through the directory, every key encrypted to proven by the audit log (KeyLog), a mailbox's
// key used only when the directory says it is usable and its creator's signature verifies;
// then sealed (envelope/writer.ts) to the Origin Private File System, announced with its exact
// size, and uploaded from there, so nothing is held whole in memory.
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64urlnopad } from "@scure/base";
import { concatBytes, toHex, utf8 } from "../envelope/bytes.js";
import { decode32 } from "../envelope/keys.js";
import { sealEnvelope, type SealInput } from "../envelope/writer.js";
import { KeyLog } from "../transparency/keylog.js";
import { ApiFailure, type DirectoryEntry } from "./api.js";
import type { Session } from "./session.js";

/** Why a send stopped before anything was uploaded; `address` names the recipient at fault. */
export class SendRefused extends Error {
  constructor(
    readonly reason: "unknown_recipient" | "untrusted_key" | "unproven_key" | "policy" | "no_recipient" | "no_file",
    readonly address: string = "",
  ) {
    super(reason);
    this.name = "SendRefused";
  }
}

export async function sendFiles(session: Session, files: File[], addressesTyped: string, subject: string, onProgress: (done: number, total: number) => void): Promise<string> {
  if (files.length === 0) throw new SendRefused("no_file");
  const addresses = [...new Set(addressesTyped.split(/[\s,;]+/).map((address) => address.trim().toLowerCase()).filter((address) => address !== ""))];
  if (addresses.length === 0) throw new SendRefused("no_recipient");
  // The server refuses an envelope without the policy's labels; the browser cannot inspect
  // documents as `pli scan` does, so an organisation with a policy sends with the CLI.
  if (await session.client.hasSendingPolicy()) throw new SendRefused("policy");

  const log = new KeyLog(session.logVerifier, session.client.logSource(), session.keptCheckpoint);
  const ageRecipients = new Set([session.keys.publicKeys.age_recipient]);
  for (const address of addresses) {
    for (const recipient of await recipientsOf(session, log, address)) ageRecipients.add(recipient);
  }
  session.keptCheckpoint = log.latest();

  const id = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const inputs: SealInput[] = files.map((file) => ({ name: file.name, mediaType: mediaType(file), size: file.size, stream: () => file.stream() as ReadableStream<Uint8Array> }));
  const sealed = await sealEnvelope(inputs, {
    envelopeId: id,
    subject,
    senderEmail: session.account.email,
    signingSeed: session.keys.signingSeed,
    recipients: addresses,
    ageRecipients: [...ageRecipients],
    createdAt: Math.floor(Date.now() / 1000),
  });

  const root = await navigator.storage.getDirectory();
  const name = `pli-send-${id}`;
  try {
    const handle = await root.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    let written = 0;
    await sealed.ciphertext
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            written += chunk.length;
            onProgress(written, sealed.size * 2);
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeTo(writable);
    const ciphertext = await handle.getFile();
    if (ciphertext.size !== sealed.size) throw new Error("the sealed envelope is not the announced size");
    await session.client.announce({ id, to: addresses, size: sealed.size });
    await session.client.upload(id, ciphertext);
    onProgress(sealed.size * 2, sealed.size * 2);
    return id;
  } finally {
    await root.removeEntry(name).catch(() => undefined);
  }
}

/** The keys to encrypt to for one address, each proven, as `send::send` picks them. */
async function recipientsOf(session: Session, log: KeyLog, address: string): Promise<string[]> {
  let entry: DirectoryEntry;
  try {
    entry = await session.client.directory(address);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) throw new SendRefused("unknown_recipient", address);
    throw error;
  }
  if (String(entry.address).toLowerCase() !== address || !Array.isArray(entry.keys) || entry.keys.length === 0) throw new SendRefused("untrusted_key", address);
  if (entry.kind === "account") {
    const [key] = entry.keys;
    if (entry.keys.length !== 1 || key === undefined || key.email.toLowerCase() !== address) throw new SendRefused("untrusted_key", address);
  } else if (entry.kind !== "mailbox") {
    throw new SendRefused("untrusted_key", address);
  }
  const current = entry.kind === "mailbox" ? entry.mailbox_key : undefined;
  if (current !== undefined && current !== null && current.usable) {
    await verifyGeneration(session, address, entry);
    await prove(() => log.checkMailbox(address, current.key.generation, current.key.recipient, current.log_index), address);
    return [current.key.recipient];
  }
  const recipients: string[] = [];
  for (const key of entry.keys) {
    await prove(() => log.checkAccount(key.email, key), address);
    recipients.push(key.public_keys.age_recipient);
  }
  return recipients;
}

async function prove(check: () => Promise<void>, address: string): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof ApiFailure && error.status !== 404) throw error;
    throw new SendRefused("unproven_key", address);
  }
}

const MAILBOX_KEY_CONTEXT = concatBytes(utf8.encode("pli-mailbox-key-v1"), new Uint8Array([0]));

/** `mailbox::verify_generation`: signed by a current member, or an admin of its organisation. */
async function verifyGeneration(session: Session, mailbox: string, entry: DirectoryEntry): Promise<void> {
  const current = entry.mailbox_key;
  if (current === undefined || current === null || current.key.generation < 1) throw new SendRefused("untrusted_key", mailbox);
  const creator = current.key.creator.toLowerCase();
  let signingKey = entry.keys.find((member) => member.email.toLowerCase() === creator)?.public_keys.signing_key;
  if (signingKey === undefined && current.key.creator_admin) {
    const admin = await session.client.directory(creator).catch(() => null);
    const [key] = admin?.keys ?? [];
    if (admin !== null && admin.kind === "account" && admin.org === entry.org && admin.keys.length === 1 && key !== undefined && key.email.toLowerCase() === creator) {
      signingKey = key.public_keys.signing_key;
    }
  }
  const verifyingKey = signingKey === undefined ? null : decode32(signingKey);
  let signature: Uint8Array | null = null;
  try {
    signature = base64urlnopad.decode(current.key.signature);
  } catch {
    signature = null;
  }
  if (verifyingKey === null || signature === null || signature.length !== 64 || !/^age1[0-9a-z]+$/.test(current.key.recipient)) throw new SendRefused("untrusted_key", mailbox);
  const field = (bytes: Uint8Array) => {
    const length = new Uint8Array(2);
    new DataView(length.buffer).setUint16(0, bytes.length, false);
    return concatBytes(length, bytes);
  };
  const generation = new Uint8Array(4);
  new DataView(generation.buffer).setUint32(0, current.key.generation, false);
  const message = concatBytes(MAILBOX_KEY_CONTEXT, field(utf8.encode(mailbox)), generation, field(utf8.encode(current.key.recipient)));
  let valid = false;
  try {
    const point = ed25519.Point.fromBytes(verifyingKey, false);
    const r = ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    valid = !point.isSmallOrder() && !r.isSmallOrder() && ed25519.verify(signature, message, verifyingKey, { zip215: false });
  } catch {
    valid = false;
  }
  if (!valid) throw new SendRefused("untrusted_key", mailbox);
}

/** The browser's type when it is a plain one, as the manifest requires; else generic. */
function mediaType(file: File): string {
  return /^[\x21-\x7e][\x20-\x7e]{0,253}[\x21-\x7e]$/.test(file.type) ? file.type : "application/octet-stream";
}
