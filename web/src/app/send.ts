// Sending from the browser as `pli send` does (pli_client::send): every address resolved
// through the directory, every key encrypted to proven by the audit log (KeyLog), a mailbox's
// key used only when the directory says it is usable and its creator's signature verifies;
// then sealed (envelope/writer.ts) to the Origin Private File System, announced with its exact
// size, and uploaded from there, so nothing is held whole in memory. With an external
// recipient, it does what `pli send --external` does (docs/EXTERNAL.md): the link's secrets
// are drawn here, the envelope is also sealed to the key they derive, and the link is created
// once the content is stored.
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64urlnopad } from "@scure/base";
import { identityToRecipient } from "age-encryption";
import { concatBytes, toHex, utf8 } from "../envelope/bytes.js";
import { decode32, deriveLinkKeys, encodeBase64url, receiptPublicKey } from "../envelope/keys.js";
import { sealEnvelope, type SealInput } from "../envelope/writer.js";
import { NotWitnessed, type KeyLog } from "../transparency/keylog.js";
import { addFindings, decide, destination, type Decision, type Reason } from "../dlp/policy.js";
import { scanText } from "../dlp/index.js";
import { inspectFilesInWorker, type Inspection } from "../dlp/files.js";
import type { Dlp } from "../envelope/manifest.js";
import { ApiFailure, type CreateLinkRequest, type DirectoryEntry, type DlpSummary, type LinkCreated } from "./api.js";
import { PolicyNotTrusted, fetchPolicy, type TrustedPolicy } from "./policy.js";
import { keep, keyLog, type Session } from "./session.js";

/** Why a send stopped before anything was uploaded; `address` names the recipient at fault. */
export class SendRefused extends Error {
  constructor(
    readonly reason:
      | "unknown_recipient"
      | "untrusted_key"
      | "unproven_key"
      | "unwitnessed_key"
      | "no_recipient"
      | "no_file"
      | "external_email"
      | "external_phone"
      | "link_expiry"
      | "link_downloads"
      | "policy_untrusted"
      | "policy_signer_not_admin"
      | "policy_role_not_logged"
      | "policy_not_logged"
      | "policy_rolled_back"
      | "policy_withdrawn"
      | "policy_block"
      | "policy_cancelled"
      | "policy_justification",
    readonly address: string = "",
    /** For a policy's refusal: the policy's version, or the versions seen and served. */
    readonly detail: Record<string, string | number> = {},
    /** For a policy's refusal: the rules that fired. */
    readonly reasons: Reason[] = [],
  ) {
    super(reason);
    this.name = "SendRefused";
  }
}

/** The envelope is stored and delivered to its account recipients, but its link was not made. */
export class LinkNotCreated extends Error {
  constructor(
    readonly envelopeId: string,
    readonly failure: unknown,
  ) {
    super("the link could not be created");
    this.name = "LinkNotCreated";
  }
}

/** A person without an account, as typed in the form; the numbers as the CLI's flags. */
export interface ExternalTyped {
  email: string;
  /** Where the code goes by SMS; empty: by a second mail. */
  phone: string;
  /** `--expires`, in hours (the CLI's default: 72). */
  expiresHours: number;
  /** `--max-downloads` (the CLI's default: 5). */
  maxDownloads: number;
}

export interface SendResult {
  id: string;
  link: LinkCreated | null;
}

/** The link's random values and derived keys, drawn before sealing (`ExternalSend::new`). */
interface ExternalSend {
  email: string;
  phone: string | undefined;
  expiresIn: number;
  maxDownloads: number;
  linkId: string;
  fragmentHalf: Uint8Array;
  serverHalf: Uint8Array;
  ageRecipient: string;
  receiptKey: Uint8Array;
}

/**
 * What the sender is shown when the policy flags the files (warn or justify): the answer is
 * null to cancel, else the justification ("" when none is asked for).
 */
export type ReviewPolicy = (review: PolicyReview) => Promise<string | null>;

export interface PolicyReview {
  version: number;
  decision: Decision;
  inspection: Inspection;
}

export async function sendFiles(
  session: Session,
  files: File[],
  addressesTyped: string,
  subject: string,
  externalTyped: ExternalTyped | null,
  onProgress: (done: number, total: number) => void,
  review: ReviewPolicy = async () => null,
  onScan: (done: number, total: number) => void = () => undefined,
  onResume: () => void = () => undefined,
): Promise<SendResult> {
  if (files.length === 0) throw new SendRefused("no_file");
  const addresses = [...new Set(addressesTyped.split(/[\s,;]+/).map((address) => address.trim().toLowerCase()).filter((address) => address !== ""))];
  const external = externalTyped === null ? null : await externalSend(externalTyped);
  if (addresses.length === 0 && external === null) throw new SendRefused("no_recipient");
  const log = keyLog(session);
  const trusted = await trustedPolicy(session, log);

  const ageRecipients = new Set([session.keys.publicKeys.age_recipient]);
  if (external !== null) ageRecipients.add(external.ageRecipient);
  const orgs = new Set<string>();
  for (const address of addresses) {
    for (const recipient of await recipientsOf(session, log, address, orgs)) ageRecipients.add(recipient);
  }
  keep(session, log.latest());
  const externalEmails = external === null ? [] : [external.email];
  const dlp = trusted === null ? undefined : await applyPolicy(session, trusted, files, subject, orgs, external !== null, review, onScan);

  const id = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const inputs: SealInput[] = files.map((file) => ({ name: file.name, mediaType: mediaType(file), size: file.size, stream: () => file.stream() as ReadableStream<Uint8Array> }));
  const sealed = await sealEnvelope(inputs, {
    envelopeId: id,
    subject,
    senderEmail: session.account.email,
    signingSeed: session.keys.signingSeed,
    recipients: [...addresses, ...externalEmails],
    ageRecipients: [...ageRecipients],
    createdAt: Math.floor(Date.now() / 1000),
    ...(dlp === undefined ? {} : { dlp }),
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
    await session.client.announce({ id, to: addresses, external: externalEmails, size: sealed.size, ...(dlp === undefined ? {} : { dlp: summary(dlp) }) });
    await uploadResumable(session, id, ciphertext, onResume);
    onProgress(sealed.size * 2, sealed.size * 2);
  } finally {
    await root.removeEntry(name).catch(() => undefined);
  }
  if (external === null) return { id, link: null };
  try {
    return { id, link: await session.client.createLink(id, linkRequest(external, ed25519.getPublicKey(session.keys.signingSeed))) };
  } catch (error) {
    throw new LinkNotCreated(id, error);
  } finally {
    external.fragmentHalf.fill(0);
    external.serverHalf.fill(0);
  }
}

const HOUR = 3600;

/** The organisation's policy, verified (./policy.ts); a policy that cannot be trusted stops the send. */
async function trustedPolicy(session: Session, log: KeyLog): Promise<TrustedPolicy | null> {
  try {
    return await fetchPolicy(session.client, session.account.org, log);
  } catch (error) {
    if (!(error instanceof PolicyNotTrusted)) throw error;
    throw new SendRefused(`policy_${error.reason}`, "", error.detail);
  }
}

/** Longest justification, in UTF-8 bytes (`pli_envelope::MAX_JUSTIFICATION_BYTES`). */
const MAX_JUSTIFICATION_BYTES = 2048;

/**
 * What `pli send` does under a policy (cli policy::check_before_send): scans the files, applies
 * the policy to every recipient's destination, refuses when it blocks, has the sender confirm
 * a warning or write a justification, and returns the label for the signed manifest.
 */
async function applyPolicy(session: Session, trusted: TrustedPolicy, files: File[], subject: string, orgs: Set<string>, external: boolean, review: ReviewPolicy, onScan: (done: number, total: number) => void): Promise<Dlp> {
  const { policy, signed } = trusted;
  const destinations = new Set([...orgs].map((org) => destination(policy, session.account.org, org)));
  // A person without an account is outside every organisation and trust zone.
  if (external) destinations.add("external");
  const inspection = await inspectFilesInWorker(files, onScan);
  // What recipients see besides the contents, as `pli send` checks it: the subject and the
  // files' names (`_` read as the separator it usually is in a name).
  addFindings(inspection.labels, scanText([subject, ...files.map((file) => file.name.replaceAll("_", " "))].join("\n")));
  const decision = decide(policy, inspection.labels, destinations);
  const detail = { version: signed.version };
  if (decision.action === "block") {
    // The organisation's auditors see the sends its policy stopped, as pli send reports them;
    // recorded or not, the send stays refused.
    const kinds = Object.fromEntries([...inspection.labels.kinds].filter(([, count]) => count > 0));
    await session.client
      .policyRefused({ policy_version: signed.version, decision: "block", kinds, not_inspectable: inspection.labels.notInspectable, justified: false })
      .catch(() => undefined);
    throw new SendRefused("policy_block", "", detail, decision.reasons);
  }
  let justification: string | undefined;
  if (decision.action !== "allow") {
    const answer = await review({ version: signed.version, decision, inspection });
    if (answer === null) throw new SendRefused("policy_cancelled", "", detail, decision.reasons);
    // Line breaks are control characters, which a manifest refuses.
    const written = answer.replace(/\s+/g, " ").replace(/\p{Cc}/gu, "").trim();
    if (decision.action === "justify" && (written === "" || utf8.encode(written).length > MAX_JUSTIFICATION_BYTES)) throw new SendRefused("policy_justification", "", detail, decision.reasons);
    if (decision.action === "justify") justification = written;
  }
  const kinds: Record<string, number> = {};
  for (const kind of [...inspection.labels.kinds.keys()].sort()) kinds[kind] = inspection.labels.kinds.get(kind) ?? 0;
  return {
    policy_version: signed.version,
    decision: decision.action,
    kinds,
    not_inspectable: inspection.labels.notInspectable,
    ...(justification === undefined ? {} : { justification }),
  };
}

/** What the server records of a label (`pli_client::policy::summary`): never the justification. */
function summary(dlp: Dlp): DlpSummary {
  return { policy_version: dlp.policy_version, decision: dlp.decision, kinds: dlp.kinds, not_inspectable: dlp.not_inspectable, justified: dlp.justification !== undefined };
}

/** Attempts at one upload, as `pli send`: the first and up to five resumptions. */
export const UPLOAD_ATTEMPTS = 6;

/**
 * Uploads the staged ciphertext; after a dropped connection, a server error or a piece that
 * lost a race (409), asks how much the server holds and continues from there, from the same
 * staged file (docs/FORMAT.md section 7). `onResume` is called before each resumption.
 */
export async function uploadResumable(session: Session, id: string, ciphertext: Blob, onResume: () => void): Promise<void> {
  let offset = 0;
  let attempt = 1;
  for (;;) {
    let failure: unknown;
    try {
      await session.client.uploadFrom(id, offset, ciphertext);
      return;
    } catch (error) {
      if (!mayResume(error)) throw error;
      failure = error;
    }
    // Where to continue; while the network is down, asking fails too.
    let held = null;
    while (held === null) {
      if (attempt >= UPLOAD_ATTEMPTS) throw failure;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (attempt - 1), 8000)));
      attempt += 1;
      try {
        held = await session.client.uploadOffset(id);
      } catch (error) {
        if (!isTransient(error)) throw failure;
      }
    }
    if (held.size !== ciphertext.size || held.offset > ciphertext.size) throw new ApiFailure(502, "bad_response", {});
    if (held.complete) return;
    offset = held.offset;
    onResume();
  }
}

/** A failed fetch (the network) or a server failure: the same request may work later. */
function isTransient(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof ApiFailure && error.status >= 500);
}

function mayResume(error: unknown): boolean {
  return isTransient(error) || (error instanceof ApiFailure && error.status === 409);
}

/** Checks what was typed as the CLI and the server do, then draws the link's secrets. */
async function externalSend(typed: ExternalTyped): Promise<ExternalSend> {
  const email = typed.email.trim().toLowerCase();
  if (!email.includes("@") || /[\s\x00-\x1f\x7f]/.test(email)) throw new SendRefused("external_email", typed.email.trim());
  const phone = typed.phone.trim() === "" ? undefined : typed.phone.trim();
  if (phone !== undefined) {
    const digits = phone.replace(/[ .-]/g, "");
    if (!/^\+[1-9][0-9]{7,14}$/.test(digits)) throw new SendRefused("external_phone", phone);
  }
  if (!Number.isInteger(typed.expiresHours) || typed.expiresHours < 1 || typed.expiresHours > 720) throw new SendRefused("link_expiry");
  if (!Number.isInteger(typed.maxDownloads) || typed.maxDownloads < 1 || typed.maxDownloads > 100) throw new SendRefused("link_downloads");
  const linkId = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const fragmentHalf = crypto.getRandomValues(new Uint8Array(32));
  let serverHalf = crypto.getRandomValues(new Uint8Array(32));
  // Two equal halves would leave the server holding the whole key.
  while (serverHalf.every((byte, at) => byte === fragmentHalf[at])) serverHalf = crypto.getRandomValues(new Uint8Array(32));
  const keys = deriveLinkKeys(linkId, fragmentHalf, serverHalf);
  const external: ExternalSend = {
    email,
    phone,
    expiresIn: typed.expiresHours * HOUR,
    maxDownloads: typed.maxDownloads,
    linkId,
    fragmentHalf,
    serverHalf,
    ageRecipient: await identityToRecipient(keys.ageIdentity),
    receiptKey: receiptPublicKey(keys.receiptSeed),
  };
  keys.receiptSeed.fill(0);
  return external;
}

/** `ExternalSend::request`: the fragment is `F_B64.SENDER_KEY_B64`. */
function linkRequest(external: ExternalSend, senderKey: Uint8Array): CreateLinkRequest {
  return {
    id: external.linkId,
    email: external.email,
    ...(external.phone === undefined ? {} : { phone: external.phone }),
    expires_in: external.expiresIn,
    max_downloads: external.maxDownloads,
    server_half: encodeBase64url(external.serverHalf),
    receipt_key: encodeBase64url(external.receiptKey),
    fragment: `${encodeBase64url(external.fragmentHalf)}.${encodeBase64url(senderKey)}`,
  };
}

/** The keys to encrypt to for one address, each proven, as `send::send` picks them. */
export async function recipientsOf(session: Session, log: KeyLog, address: string, orgs?: Set<string>): Promise<string[]> {
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
  orgs?.add(String(entry.org));
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
    throw new SendRefused(error instanceof NotWitnessed ? "unwitnessed_key" : "unproven_key", address);
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
