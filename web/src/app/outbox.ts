// What the outbox shows of each sent envelope's receipts and links, decided as `pli outbox`
// does as far as a browser can: a receipt counts when its signature verifies with the
// signer's directory key, which the audit log proves under the log key pinned at login. The CLI also compares the signed manifest hash with the one it kept
// when sealing; a browser keeps nothing between visits, so here that comparison is made only
// on request, by reading the head of the envelope (the sender is always a recipient).
import { base64urlnopad } from "@scure/base";
import { decode32, readSignedManifest } from "../envelope/index.js";
import { type KeyLog, type LoggedReceipt, Unproven } from "../transparency/keylog.js";
import { equalBytes, toHex } from "../envelope/bytes.js";
import { ApiFailure, type LinkSummary, type ReceiptInfo } from "./api.js";
import { receiptSignatureValid } from "./open.js";
import { keep, keyLog, type Session } from "./session.js";

export type ReceiptStatus = "verified" | "signature_only" | "invalid";

export interface CheckedReceipt {
  email: string;
  openedAt: number;
  status: ReceiptStatus;
}

/**
 * An external link's receipt, signed with the link's receipt key. The browser that sent keeps
 * nothing between visits, so the key is the one the server names: at best `signature_only`,
 * as `pli outbox` says of a link sent from another machine.
 */
export interface CheckedLinkReceipt extends CheckedReceipt {
  linkId: string;
}

export interface SentState {
  receipts: CheckedReceipt[];
  links: LinkSummary[];
  linkReceipts: CheckedLinkReceipt[];
  /** The receipts were compared with the manifest this account sealed. */
  compared: boolean;
}

export async function sentState(session: Session, id: string, sealed: Uint8Array | null): Promise<SentState> {
  const [receipts, links] = await Promise.all([session.client.receipts(id), session.client.links(id)]);
  const log = keyLog(session);
  const checked: CheckedReceipt[] = [];
  for (const receipt of receipts) checked.push(await checkReceipt(session, log, id, receipt, sealed));
  const linkReceipts: CheckedLinkReceipt[] = [];
  for (const link of links) {
    if (link.receipt !== undefined && link.receipt !== null) linkReceipts.push(await checkLinkReceipt(log, id, link, link.receipt, sealed));
  }
  keep(session, log.latest());
  return { receipts: checked, links, linkReceipts, compared: sealed !== null };
}

async function checkLinkReceipt(log: KeyLog, id: string, link: LinkSummary, receipt: ReceiptInfo, sealed: Uint8Array | null): Promise<CheckedLinkReceipt> {
  const base = { linkId: String(link.id), email: String(link.email), openedAt: Number(receipt.opened_at) };
  const shown = { ...receipt, email: String(link.email) };
  if (!receiptSignatureValid(id, receipt.manifest_hash, receipt.opened_at, receipt.signature, link.receipt_key)) return { ...base, status: "invalid" };
  if (!(await loggedAsShown(log, id, shown, link.receipt_key))) return { ...base, status: "invalid" };
  if (sealed !== null && base64urlnopad.encode(sealed) !== receipt.manifest_hash) return { ...base, status: "invalid" };
  return { ...base, status: "signature_only" };
}

/** The hash of the manifest this account sealed, read from the head of its own envelope. */
export async function sealedManifestHash(session: Session, id: string): Promise<Uint8Array> {
  const response = await session.client.content(id);
  const senderKey = decode32(session.keys.publicKeys.signing_key);
  if (senderKey === null) throw new Error("the account's signing key is malformed");
  const opened = await readSignedManifest(response.body as ReadableStream<Uint8Array>, { identity: session.keys.ageIdentity, senderKey, envelopeId: id });
  return opened.manifestSha256;
}

async function checkReceipt(session: Session, log: KeyLog, id: string, receipt: ReceiptInfo, sealed: Uint8Array | null): Promise<CheckedReceipt> {
  const base = { email: String(receipt.email), openedAt: Number(receipt.opened_at) };
  let signingKey: string | null = null;
  try {
    const entry = await session.client.directory(receipt.email);
    const only = entry.keys.length === 1 ? entry.keys[0] : undefined;
    if (entry.kind === "account" && only !== undefined && only.email.toLowerCase() === receipt.email.toLowerCase()) {
      // The signer's key counts only when the audit log proves it, as for `pli outbox`.
      await log.checkAccount(receipt.email, only);
      signingKey = only.public_keys.signing_key;
    }
  } catch (error) {
    if (!(error instanceof Unproven) && !(error instanceof ApiFailure && error.status === 404)) throw error;
    signingKey = null;
  }
  if (signingKey === null || !receiptSignatureValid(id, receipt.manifest_hash, receipt.opened_at, receipt.signature, signingKey)) {
    return { ...base, status: "invalid" };
  }
  // The receipt must be the log's entry, proven in the checkpoint this browser trusts, as
  // `pli outbox` checks it: a server cannot show a receipt it did not log.
  if (!(await loggedAsShown(log, id, receipt, signingKey))) return { ...base, status: "invalid" };
  if (sealed === null) return { ...base, status: "signature_only" };
  return { ...base, status: base64urlnopad.encode(sealed) === receipt.manifest_hash ? "verified" : "invalid" };
}

async function loggedAsShown(log: KeyLog, id: string, receipt: ReceiptInfo, signingKey: string): Promise<boolean> {
  if (!Number.isSafeInteger(receipt.opened_at) || !Number.isSafeInteger(receipt.log_index)) return false;
  let logged: LoggedReceipt;
  try {
    logged = await log.checkReceipt(id, receipt.log_index);
  } catch (error) {
    if (error instanceof Unproven || (error instanceof ApiFailure && error.status === 404)) return false;
    throw error;
  }
  let shown: { hash: Uint8Array; key: Uint8Array; signature: Uint8Array };
  try {
    shown = { hash: base64urlnopad.decode(receipt.manifest_hash), key: base64urlnopad.decode(signingKey), signature: base64urlnopad.decode(receipt.signature) };
  } catch {
    return false;
  }
  return (
    toHex(logged.envelopeId) === id &&
    equalBytes(logged.manifestHash, shown.hash) &&
    logged.openedAt === BigInt(receipt.opened_at) &&
    asciiLower(logged.recipient) === asciiLower(String(receipt.email)) &&
    equalBytes(logged.signingKey, shown.key) &&
    equalBytes(logged.signature, shown.signature)
  );
}

/** Case folded as `pli outbox` folds it (`eq_ignore_ascii_case`): ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
