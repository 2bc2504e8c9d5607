// The organisation's sending policy in the browser, as pli_client::policy::fetch: signed by an
// admin of the sender's own organisation (key from the directory, proven by the audit log) over
// the organisation, the version and the text; the version itself in the audit log (its entry
// proven in the checkpoint the page trusts); the signer an admin in the audit log too (its role
// entry proven the same way); a valid policy stating the signed version; never
// older than a version this page saw (the server can neither roll the policy back nor withdraw
// it).
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64urlnopad } from "@scure/base";
import { concatBytes, utf8 } from "../envelope/bytes.js";
import { decode32 } from "../envelope/keys.js";
import { PolicyInvalid, parsePolicy, type Policy } from "../dlp/policy.js";
import { ApiFailure, type Client, type SignedPolicy } from "./api.js";
import { keepPolicyVersion, keptPolicyVersion } from "./pins.js";
import { Unproven, type KeyLog } from "../transparency/keylog.js";

function maxVersion(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

export interface TrustedPolicy {
  policy: Policy;
  signed: SignedPolicy;
}

/** Why the policy the server gave cannot be used: nothing is sent under it. */
export class PolicyNotTrusted extends Error {
  constructor(
    readonly reason: "untrusted" | "signer_not_admin" | "role_not_logged" | "not_logged" | "rolled_back" | "withdrawn",
    readonly detail: Record<string, string | number> = {},
  ) {
    super(reason);
    this.name = "PolicyNotTrusted";
  }
}

/**
 * The highest version seen per organisation: in this page, and kept between visits with the
 * audit log's pin (a public number, `pins.ts`), as `pli send` keeps it in the profile.
 */
const seen = new Map<string, number>();

/** The caller's organisation's policy, verified; null when it has none (and never had one here). */
export async function fetchPolicy(client: Client, ownOrg: string, log: Pick<KeyLog, "checkAccount" | "checkPolicy" | "checkAdmin">): Promise<TrustedPolicy | null> {
  const org = ownOrg.toLowerCase();
  const seenVersion = maxVersion(seen.get(org), keptPolicyVersion(org));
  const signed = await client.sendingPolicy();
  if (signed === null) {
    if (seenVersion !== undefined) throw new PolicyNotTrusted("withdrawn", { seen: seenVersion });
    return null;
  }
  if (seenVersion !== undefined && signed.version < seenVersion) throw new PolicyNotTrusted("rolled_back", { served: signed.version, seen: seenVersion });
  if (!asciiEqual(signed.org, ownOrg)) throw new PolicyNotTrusted("untrusted");
  let signer;
  try {
    signer = await client.directory(signed.signer);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) throw new PolicyNotTrusted("untrusted");
    throw error;
  }
  const [key] = Array.isArray(signer.keys) ? signer.keys : [];
  if (signer.kind !== "account" || signer.keys.length !== 1 || key === undefined || !asciiEqual(key.email, signed.signer) || !asciiEqual(signer.org, ownOrg)) {
    throw new PolicyNotTrusted("untrusted");
  }
  const message = policySignedBytes(ownOrg, signed.version, signed.text);
  if (!verifyStrict(signed.signature, message, key.public_keys.signing_key)) throw new PolicyNotTrusted("untrusted");
  // The server's word, checked again here: a policy stops counting once its signer is no
  // longer an admin, until an admin signs it again.
  if (signed.signer_role !== "admin") throw new PolicyNotTrusted("signer_not_admin", { signer: signed.signer });
  try {
    await log.checkAccount(signed.signer, key);
  } catch (error) {
    if (error instanceof Unproven) throw new PolicyNotTrusted("untrusted");
    throw error;
  }
  // Every version followed is one the log shows, where the organisation's auditors see it.
  const signingKey = decode32(key.public_keys.signing_key);
  if (signingKey === null) throw new PolicyNotTrusted("untrusted");
  try {
    await log.checkPolicy({
      org: ownOrg,
      version: signed.version,
      text: signed.text,
      signer: signed.signer,
      signingKey,
      signature: base64urlnopad.decode(signed.signature),
      logIndex: signed.log_index,
    });
  } catch (error) {
    if (error instanceof Unproven) throw new PolicyNotTrusted("not_logged", { version: signed.version });
    throw error;
  }
  // The role the server gives, proven by the log: a lie about it would be logged, in the open.
  try {
    await log.checkAdmin(ownOrg, signed.signer, signed.signer_role_log_index);
  } catch (error) {
    if (error instanceof Unproven) throw new PolicyNotTrusted("role_not_logged", { signer: signed.signer });
    throw error;
  }
  let policy: Policy;
  try {
    policy = parsePolicy(signed.text);
  } catch (error) {
    if (error instanceof PolicyInvalid) throw new PolicyNotTrusted("untrusted");
    throw error;
  }
  if (policy.version !== signed.version) throw new PolicyNotTrusted("untrusted");
  const highest = Math.max(seenVersion ?? 0, signed.version);
  seen.set(org, highest);
  keepPolicyVersion(org, highest);
  return { policy, signed };
}

/** ASCII case-insensitive equality, as Rust's `eq_ignore_ascii_case`. */
function asciiEqual(a: string, b: string): boolean {
  const lower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return a.length === b.length && lower(a) === lower(b);
}

/**
 * `pli_proto::policy_signed_bytes`: `pli-policy-v1`, a zero byte, the organisation (u16
 * big-endian length and bytes), the version (u64 big-endian), the text (u32 length and bytes).
 */
export function policySignedBytes(org: string, version: number, text: string): Uint8Array {
  const orgBytes = utf8.encode(org);
  const textBytes = utf8.encode(text);
  const header = new Uint8Array(2);
  new DataView(header.buffer).setUint16(0, Math.min(orgBytes.length, 0xffff), false);
  const numbers = new Uint8Array(12);
  const view = new DataView(numbers.buffer);
  view.setBigUint64(0, BigInt(version), false);
  view.setUint32(8, Math.min(textBytes.length, 0xffffffff), false);
  return concatBytes(utf8.encode("pli-policy-v1"), new Uint8Array([0]), header, orgBytes, numbers, textBytes);
}

/** Ed25519 verification as ed25519-dalek's `verify_strict`: canonical, no small-order points. */
export function verifyStrict(signatureText: string, message: Uint8Array, keyText: string): boolean {
  const key = decode32(keyText);
  let signature: Uint8Array;
  try {
    signature = base64urlnopad.decode(signatureText);
  } catch {
    return false;
  }
  if (key === null || signature.length !== 64) return false;
  try {
    const point = ed25519.Point.fromBytes(key, false);
    const r = ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    return !point.isSmallOrder() && !r.isSmallOrder() && ed25519.verify(signature, message, key, { zip215: false });
  } catch {
    return false;
  }
}
