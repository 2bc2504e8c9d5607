// What the app keeps between visits, as `pli login` keeps it in the profile: the audit log's
// verifier key pinned at the first login on this server, the latest checkpoint verified
// under it, and the highest sending policy version seen per organisation. Both are public (the server publishes them), so they are kept in this origin's
// localStorage; nothing secret ever is. A server that later shows another log key, or a log
// that does not extend what an earlier visit verified (a fork shown to this browser, or a
// rollback), is then caught across visits, not only within one page's life.
import { base64urlnopad } from "@scure/base";
import type { Checkpoint } from "../transparency/note.js";

const LOG_KEY = "pli.audit-log-key";
const CHECKPOINT = "pli.audit-log-checkpoint";
const POLICY_VERSION = "pli.policy-version.";
const WITNESSES = "pli.witnesses";

/** The server's log key is not the one this browser pinned. */
export class LogKeyChanged extends Error {
  constructor() {
    super("log_key_changed");
    this.name = "LogKeyChanged";
  }
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage disabled by the browser: the pin lasts the page's life, as before.
    return null;
  }
}

/** Pins `keyText` on first use; throws `LogKeyChanged` when another key was pinned. */
export function pinLogKey(keyText: string): void {
  const kept = storage();
  if (kept === null) return;
  const pinned = kept.getItem(LOG_KEY);
  if (pinned === null) {
    kept.setItem(LOG_KEY, keyText);
    kept.removeItem(CHECKPOINT);
    return;
  }
  if (pinned !== keyText) throw new LogKeyChanged();
}

/** The checkpoint an earlier visit verified under the pinned key, if any and well formed. */
export function keptCheckpoint(): Checkpoint | null {
  const text = storage()?.getItem(CHECKPOINT) ?? null;
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return null;
    const { origin, size, root } = parsed as Record<string, unknown>;
    if (typeof origin !== "string" || typeof size !== "string" || !/^\d{1,19}$/.test(size) || typeof root !== "string") return null;
    const hash = base64urlnopad.decode(root);
    if (hash.length !== 32) return null;
    return { origin, size: BigInt(size), root: hash };
  } catch {
    return null;
  }
}

/** Keeps the latest checkpoint verified, so the next visit must find a log that extends it. */
export function keepCheckpoint(checkpoint: Checkpoint | null): void {
  if (checkpoint === null) return;
  storage()?.setItem(CHECKPOINT, JSON.stringify({ origin: checkpoint.origin, size: checkpoint.size.toString(), root: base64urlnopad.encode(checkpoint.root) }));
}

/** The highest sending policy version an earlier visit saw for `org`, if any. */
export function keptPolicyVersion(org: string): number | undefined {
  const text = storage()?.getItem(POLICY_VERSION + org) ?? null;
  if (text === null || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

export function keepPolicyVersion(org: string, version: number): void {
  if (Number.isSafeInteger(version) && version >= 0) storage()?.setItem(POLICY_VERSION + org, String(version));
}

/** Witnesses this browser trusts (their keys) and how many must have cosigned a checkpoint. */
export interface TrustedWitnesses {
  keys: string[];
  required: number;
}

/** What an earlier visit set; none trusted and none required when nothing was, or it is malformed. */
export function trustedWitnesses(): TrustedWitnesses {
  const none = { keys: [], required: 0 };
  const text = storage()?.getItem(WITNESSES) ?? null;
  if (text === null) return none;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return none;
    const { keys, required } = parsed as Record<string, unknown>;
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string") || typeof required !== "number") return none;
    if (!Number.isSafeInteger(required) || required < 0 || required > keys.length) return none;
    return { keys: keys as string[], required };
  } catch {
    return none;
  }
}

export function keepTrustedWitnesses(witnesses: TrustedWitnesses): void {
  storage()?.setItem(WITNESSES, JSON.stringify(witnesses));
}
