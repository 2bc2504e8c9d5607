// The organisation's sending policy, as crates/dlp/src/policy.rs: parsed from its TOML with the
// same rules and refusals (unknown keys, kinds and actions are errors), and applied to what the
// scan found for every destination of an envelope.
import { parse } from "smol-toml";
import { KINDS, type Kind } from "./candidate.js";

/** Largest policy file, in bytes. */
export const MAX_POLICY_BYTES = 64 * 1024;

/** From the most lenient to the strictest: of several, the strictest applies. */
export const ACTIONS = ["allow", "warn", "justify", "block"] as const;
export type Action = (typeof ACTIONS)[number];

/** In the order of `Destination`'s variants, which `decide` follows. */
export const DESTINATIONS = ["same_organisation", "trust_zone", "external"] as const;
export type Destination = (typeof DESTINATIONS)[number];

type Rules = Record<Destination, Action>;

export class PolicyInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyInvalid";
  }
}

export interface Policy {
  version: number;
  trustZone: Set<string>;
  default: Rules;
  kinds: Map<Kind, Rules>;
  notInspectable: Rules;
}

/** What was found in an envelope's files: kinds and counts, never values. */
export interface Labels {
  kinds: Map<Kind, number>;
  notInspectable: number;
}

/** One rule that fired; `kind` null: files that could not be inspected. */
export interface Reason {
  kind: Kind | null;
  destination: Destination;
  action: Action;
}

export interface Decision {
  action: Action;
  reasons: Reason[];
}

const TOP_KEYS = new Set(["version", "trust_zone", "default", "kinds", "not_inspectable"]);

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Parses and checks a policy file. */
export function parsePolicy(text: string): Policy {
  if (new TextEncoder().encode(text).length > MAX_POLICY_BYTES) throw new PolicyInvalid(`the policy is larger than ${MAX_POLICY_BYTES} bytes`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(text, { integersAsBigInt: true, unsafeKeyBehaviour: "throw", maxDepth: 8 });
  } catch (error) {
    throw new PolicyInvalid(`the policy is not valid: ${error instanceof Error ? error.message.split("\n")[0] : "not TOML"}`);
  }
  for (const key of Object.keys(parsed)) {
    if (!TOP_KEYS.has(key)) throw invalid(`unknown field \`${key}\`, expected one of \`version\`, \`trust_zone\`, \`default\`, \`kinds\`, \`not_inspectable\``);
  }
  const version = parsed.version;
  if (version === undefined) throw invalid("missing field `version`");
  if (typeof version !== "bigint" || version < 0n || version >= 1n << 64n) throw invalid("version must be a whole number");
  if (version === 0n) throw invalid("version must be 1 or more, and grow with every change");
  // Manifests carry the version as a JSON number, exact up to 2^53 - 1.
  if (version > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid("version is too large");
  const trustZone = new Set<string>();
  const zone = parsed.trust_zone ?? [];
  if (!Array.isArray(zone)) throw invalid("trust_zone must be a list of organisation names");
  for (const org of zone) {
    if (typeof org !== "string") throw invalid("trust_zone must be a list of organisation names");
    const name = org.trim().toLowerCase();
    if (name === "" || new TextEncoder().encode(name).length > 64 || /\p{Cc}/u.test(name)) throw invalid("trust_zone must list organisation names (1 to 64 characters)");
    trustZone.add(name);
  }
  const allowAll: Rules = { same_organisation: "allow", trust_zone: "allow", external: "allow" };
  const defaults = rules(parsed.default, allowAll, "default");
  const kinds = new Map<Kind, Rules>();
  const kindTables = parsed.kinds ?? {};
  if (!isTable(kindTables)) throw invalid("kinds must be a table");
  for (const [name, table] of Object.entries(kindTables)) {
    if (!(KINDS as readonly string[]).includes(name)) throw invalid(`unknown kind ${JSON.stringify(name)} in [kinds]; known kinds: ${KINDS.join(", ")}`);
    kinds.set(name as Kind, rules(table, defaults, `kinds.${name}`));
  }
  const warnAll: Rules = { same_organisation: "warn", trust_zone: "warn", external: "warn" };
  const notInspectable = rules(parsed.not_inspectable, warnAll, "not_inspectable");
  return { version: Number(version), trustZone, default: defaults, kinds, notInspectable };
}

function invalid(message: string): PolicyInvalid {
  return new PolicyInvalid(`the policy is not valid: ${message}`);
}

function rules(table: unknown, fallback: Rules, at: string): Rules {
  if (table === undefined) return { ...fallback };
  if (!isTable(table)) throw invalid(`${at} must be a table`);
  for (const key of Object.keys(table)) {
    if (!(DESTINATIONS as readonly string[]).includes(key)) throw invalid(`unknown field \`${key}\` in ${at}, expected one of \`same_organisation\`, \`trust_zone\`, \`external\``);
  }
  const out = { ...fallback };
  for (const destination of DESTINATIONS) {
    const value = table[destination];
    if (value === undefined) continue;
    if (typeof value !== "string" || !(ACTIONS as readonly string[]).includes(value)) {
      throw new PolicyInvalid(`the policy is not valid: ${at}.${destination} must be "allow", "warn", "justify" or "block", not ${typeof value === "string" ? JSON.stringify(value) : "a " + typeof value}`);
    }
    out[destination] = value as Action;
  }
  return out;
}

/** Where a recipient of organisation `toOrg` stands for a sender of `ownOrg`. */
export function destination(policy: Policy, ownOrg: string, toOrg: string): Destination {
  if (asciiLower(ownOrg) === asciiLower(toOrg)) return "same_organisation";
  if (policy.trustZone.has(toOrg.toLowerCase())) return "trust_zone";
  return "external";
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The action for one kind of data (null: a file that could not be inspected). */
export function action(policy: Policy, kind: Kind | null, to: Destination): Action {
  if (kind === null) return policy.notInspectable[to];
  return (policy.kinds.get(kind) ?? policy.default)[to];
}

/**
 * Applies the policy to what was found, for all the envelope's destinations: the strictest
 * action, and every (data, destination) pair that called for more than allowing, in the
 * Rust crate's order (destinations, then kinds in the contract's order, then files not
 * inspected).
 */
export function decide(policy: Policy, labels: Labels, destinations: Iterable<Destination>): Decision {
  const wanted = new Set(destinations);
  const subjects: (Kind | null)[] = KINDS.filter((kind) => (labels.kinds.get(kind) ?? 0) > 0);
  if (labels.notInspectable > 0) subjects.push(null);
  const reasons: Reason[] = [];
  for (const to of DESTINATIONS) {
    if (!wanted.has(to)) continue;
    for (const kind of subjects) {
      const chosen = action(policy, kind, to);
      if (chosen !== "allow") reasons.push({ kind, destination: to, action: chosen });
    }
  }
  const strictest = reasons.reduce((max, reason) => Math.max(max, ACTIONS.indexOf(reason.action)), 0);
  return { action: ACTIONS[strictest] as Action, reasons };
}

/** `nir to external: block`, as the CLI names a rule that fired. */
export function describeReason(reason: Reason): string {
  return `${reason.kind ?? "not inspectable"} to ${reason.destination}: ${reason.action}`;
}

/** Counts findings into labels. */
export function addFindings(labels: Labels, findings: readonly { kind: Kind }[]): void {
  for (const finding of findings) labels.kinds.set(finding.kind, (labels.kinds.get(finding.kind) ?? 0) + 1);
}
