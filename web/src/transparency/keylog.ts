// Key transparency on the sender's side (docs/AUDIT.md section 7), as
// `pli_client::transparency::KeyLog`: a key the directory gives counts only when the log holds
// an entry publishing exactly it, included in a checkpoint signed by the pinned log key and
// consistent with the last checkpoint verified. The server is reached through `LogSource`.
import { base64, base64urlnopad } from "@scure/base";
import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes, utf8 } from "../envelope/bytes.js";
import { countCosignatures, type Cosigner } from "./cosignature.js";
import { leafHash, verifyConsistency, verifyInclusion } from "./merkle.js";
import { openCheckpoint, type Checkpoint, type Verifier } from "./note.js";

/** What the log answers: its latest checkpoint, key entries with proofs, consistency proofs. */
export interface LogSource {
  checkpoint(): Promise<string>;
  /**
   * The latest checkpoint at least `required` of `witnesses` (their keys) cosigned, with their
   * lines; null when they cosigned none.
   */
  cosignedCheckpoint?(witnesses: readonly string[], required: number): Promise<string | null>;
  keyProof(index: bigint, size: bigint): Promise<{ index: number; size: number; entry: string; hashes: string[] }>;
  /** A receipt's entry of envelope `envelopeId` and its inclusion proof. */
  receiptProof?(envelopeId: string, index: bigint, size: bigint): Promise<{ index: number; size: number; entry: string; hashes: string[] }>;
  /** A published policy's entry (the caller's organisation's) and its inclusion proof. */
  policyProof?(index: bigint, size: bigint): Promise<{ index: number; size: number; entry: string; hashes: string[] }>;
  keyConsistency(from: bigint, to: bigint): Promise<{ hashes: string[] }>;
}

/** A published key entry (kind 2). */
export interface PublishedKey {
  index: bigint;
  owner: { kind: "account"; email: string } | { kind: "mailbox"; name: string; generation: number };
  ageRecipient: string;
  /** The account's Ed25519 key; null for a mailbox. */
  signingKey: Uint8Array | null;
}

/** A receipt entry (kind 3): what the recipient signed, as the log holds it. */
export interface LoggedReceipt {
  index: bigint;
  envelopeId: Uint8Array;
  manifestHash: Uint8Array;
  openedAt: bigint;
  recipient: string;
  signingKey: Uint8Array;
  signature: Uint8Array;
}

/** A published policy entry (kind 4): a version of an organisation's sending policy, its text by hash. */
export interface LoggedPolicy {
  index: bigint;
  org: string;
  version: bigint;
  textHash: Uint8Array;
  signer: string;
  signingKey: Uint8Array;
  signature: Uint8Array;
}

/** An account role entry (kind 5): an account's role in its organisation. */
export interface LoggedRole {
  index: bigint;
  org: string;
  email: string;
  role: "admin" | "agent" | "auditor";
}

/** A version of a sending policy as the server gave it, for `KeyLog.checkPolicy`. */
export interface ServedPolicy {
  org: string;
  version: number;
  text: string;
  signer: string;
  signingKey: Uint8Array;
  signature: Uint8Array;
  logIndex: number | null | undefined;
}

/** A key the log does not prove, or a log that cannot be trusted. */
export class Unproven extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "Unproven";
  }
}

/** A key not (yet) in a checkpoint enough of the witnesses required here cosigned. */
export class NotWitnessed extends Unproven {
  constructor(detail: string) {
    super(detail);
    this.name = "NotWitnessed";
  }
}

/** Witnesses trusted, and how many of them must have cosigned a checkpoint keys are proven against. */
export interface WitnessRule {
  witnesses: readonly Cosigner[];
  required: number;
}

export class KeyLog {
  private current: Checkpoint | null = null;

  /**
   * `kept`: the last checkpoint verified, which the next must extend (or, with witnesses required,
   * be a prefix of: the latest checkpoint they cosigned may be older than one verified without them).
   */
  constructor(
    private readonly verifier: Verifier,
    private readonly source: LogSource,
    private kept: Checkpoint | null = null,
    private readonly rule: WitnessRule = { witnesses: [], required: 0 },
  ) {}

  /** The largest checkpoint verified, to keep. */
  latest(): Checkpoint | null {
    return this.kept;
  }

  /**
   * With witnesses required, as `pli_client::transparency::KeyLog`: each trusted witness's latest
   * cosigned checkpoint (its line checked here), and the one at which enough of them vouch, the
   * `required`-th largest, once proven a prefix of each larger one. A cosignature says its
   * checkpoint was the largest its witness had seen, extending all it saw before, so each vouches
   * for a history holding the one used; witnesses running at different moments need not meet.
   */
  private async witnessedCheckpoint(): Promise<Checkpoint> {
    const source = this.source.cosignedCheckpoint;
    if (source === undefined) throw new Unproven("this log source cannot serve cosigned checkpoints");
    const now = Math.floor(Date.now() / 1000);
    const vouched: Checkpoint[] = [];
    const counted: Uint8Array[] = [];
    for (const witness of this.rule.witnesses) {
      // One key under two names is one witness.
      if (counted.some((key) => equalBytes(key, witness.publicKey))) continue;
      // Asked for this witness alone: others' cosignatures must not hide its latest.
      const note = await source([witness.text], 1);
      if (note === null) continue;
      let opened: Checkpoint;
      try {
        opened = openCheckpoint(note, this.verifier);
      } catch {
        throw new Unproven("a witnessed checkpoint is not signed by the pinned key");
      }
      if (countCosignatures([witness], note, now) === 1) {
        counted.push(witness.publicKey);
        vouched.push(opened);
      }
    }
    if (vouched.length < this.rule.required) throw new NotWitnessed("its checkpoints are not cosigned by enough of the witnesses trusted here");
    vouched.sort((a, b) => (a.size === b.size ? 0 : a.size > b.size ? -1 : 1));
    const chosen = vouched[this.rule.required - 1] as Checkpoint;
    for (const larger of vouched.slice(0, this.rule.required - 1)) {
      if (larger.size === chosen.size) {
        if (!equalBytes(larger.root, chosen.root)) throw new Unproven("its witnesses cosigned two different trees of one size");
        continue;
      }
      const proof = await this.source.keyConsistency(chosen.size, larger.size);
      if (!verifyConsistency(chosen.size, larger.size, chosen.root, larger.root, decodeHashes(proof.hashes))) {
        throw new Unproven("its witnesses cosigned checkpoints that are not one history");
      }
    }
    return chosen;
  }

  /** Fails unless the log publishes exactly these keys for account `email`. */
  async checkAccount(email: string, key: { public_keys: { age_recipient: string; signing_key: string }; log_index?: number | null }): Promise<void> {
    const published = await this.prove(key.log_index);
    let signingKey: Uint8Array | null = null;
    try {
      signingKey = base64urlnopad.decode(key.public_keys.signing_key);
    } catch {
      signingKey = null;
    }
    const matches =
      published.owner.kind === "account" &&
      published.owner.email === email.toLowerCase() &&
      published.ageRecipient === key.public_keys.age_recipient &&
      signingKey !== null &&
      published.signingKey !== null &&
      equalBytes(published.signingKey, signingKey);
    if (!matches) throw new Unproven("the logged key differs from the one the directory gave");
  }

  /** Fails unless the log publishes exactly `recipient` as generation `generation` of `mailbox`. */
  async checkMailbox(mailbox: string, generation: number, recipient: string, logIndex: number | null | undefined): Promise<void> {
    const published = await this.prove(logIndex);
    const matches =
      published.owner.kind === "mailbox" &&
      published.owner.name === mailbox.toLowerCase() &&
      published.owner.generation === generation &&
      published.ageRecipient === recipient &&
      published.signingKey === null;
    if (!matches) throw new Unproven("the logged key differs from the one the directory gave");
  }

  private async checkpoint(): Promise<Checkpoint> {
    if (this.current !== null) return this.current;
    const witnessed = this.rule.required > 0;
    let fresh: Checkpoint;
    if (witnessed) {
      fresh = await this.witnessedCheckpoint();
    } else {
      try {
        fresh = openCheckpoint(await this.source.checkpoint(), this.verifier);
      } catch {
        throw new Unproven("the log's checkpoint is not signed by the pinned key");
      }
    }
    if (this.kept !== null) {
      if (fresh.size < this.kept.size && !witnessed) throw new Unproven("the log shrank");
      const [smaller, larger] = fresh.size < this.kept.size ? [fresh, this.kept] : [this.kept, fresh];
      const proof = await this.source.keyConsistency(smaller.size, larger.size);
      if (!verifyConsistency(smaller.size, larger.size, smaller.root, larger.root, decodeHashes(proof.hashes))) {
        throw new Unproven("the log's checkpoint does not extend the one verified before");
      }
    }
    this.current = fresh;
    // The larger of the two stays kept: the next visit must find a log that extends it.
    if (this.kept === null || fresh.size >= this.kept.size) this.kept = fresh;
    return fresh;
  }

  /**
   * The receipt logged at `logIndex` for envelope `envelopeId` (32 hex digits), proven included in
   * the checkpoint keys are proven against, as `pli outbox` proves it.
   */
  async checkReceipt(envelopeId: string, logIndex: number): Promise<LoggedReceipt> {
    const source = this.source.receiptProof;
    if (source === undefined) throw new Unproven("this log source cannot prove receipts");
    const entry = await this.proven(logIndex, (index, size) => source(envelopeId, index, size));
    return decodeReceiptEntry(entry);
  }

  /**
   * Fails unless the log publishes exactly this version of the organisation's policy (its
   * organisation, version, text, signer, key and signature), as `pli send` checks it.
   */
  async checkPolicy(served: ServedPolicy): Promise<void> {
    const source = this.source.policyProof;
    if (source === undefined) throw new Unproven("this log source cannot prove policies");
    if (served.logIndex === null || served.logIndex === undefined) throw new Unproven("the server names no log entry for this version");
    const logged = decodePolicyEntry(await this.proven(served.logIndex, (index, size) => source(index, size)));
    const matches =
      asciiLower(logged.org) === asciiLower(served.org) &&
      logged.version === BigInt(served.version) &&
      equalBytes(logged.textHash, sha256(utf8.encode(served.text))) &&
      asciiLower(logged.signer) === asciiLower(served.signer) &&
      equalBytes(logged.signingKey, served.signingKey) &&
      equalBytes(logged.signature, served.signature);
    if (!matches) throw new Unproven("the logged version differs from the one the server gave");
  }

  /**
   * Fails unless the log states that `signer` is an admin of `org` at `logIndex` (the entry
   * the server names for the signer's role), as `pli send` checks it.
   */
  async checkAdmin(org: string, signer: string, logIndex: number | null | undefined): Promise<void> {
    const source = this.source.policyProof;
    if (source === undefined) throw new Unproven("this log source cannot prove roles");
    if (logIndex === null || logIndex === undefined) throw new Unproven("the server names no log entry for its role");
    const logged = decodeRoleEntry(await this.proven(logIndex, (index, size) => source(index, size)));
    if (asciiLower(logged.org) !== asciiLower(org) || asciiLower(logged.email) !== asciiLower(signer)) {
      throw new Unproven("the logged role is another account's");
    }
    if (logged.role !== "admin") throw new Unproven(`the log states it is ${logged.role}, not an admin`);
  }

  private async prove(logIndex: number | null | undefined): Promise<PublishedKey> {
    const entry = await this.proven(logIndex, (index, size) => this.source.keyProof(index, size));
    return decodeKeyEntry(entry);
  }

  /** The bytes of entry `logIndex`, as served by `fetchProof` and proven in the checkpoint. */
  private async proven(
    logIndex: number | null | undefined,
    fetchProof: (index: bigint, size: bigint) => Promise<{ index: number; size: number; entry: string; hashes: string[] }>,
  ): Promise<Uint8Array> {
    if (typeof logIndex !== "number" || !Number.isSafeInteger(logIndex) || logIndex < 0) throw new Unproven("the directory names no log entry for it");
    const index = BigInt(logIndex);
    const checkpoint = await this.checkpoint();
    if (index >= checkpoint.size) {
      const detail = "its log entry is beyond the signed checkpoint";
      throw this.rule.required > 0 ? new NotWitnessed(detail) : new Unproven(detail);
    }
    const proof = await fetchProof(index, checkpoint.size);
    if (BigInt(proof.index) !== index || BigInt(proof.size) !== checkpoint.size) throw new Unproven("the server proved another entry");
    let entry: Uint8Array;
    try {
      entry = base64.decode(proof.entry);
    } catch {
      throw new Unproven("the entry is not base64");
    }
    if (!verifyInclusion(leafHash(entry), index, checkpoint.size, decodeHashes(proof.hashes), checkpoint.root)) {
      throw new Unproven("its inclusion proof does not verify against the signed checkpoint");
    }
    if (entry.length < 10 || new DataView(entry.buffer, entry.byteOffset + 2, 8).getBigUint64(0, false) !== index) {
      throw new Unproven("its log entry names another index");
    }
    return entry;
  }
}

function decodeHashes(hashes: unknown): Uint8Array[] {
  if (!Array.isArray(hashes)) throw new Unproven("a proof is malformed");
  return hashes.map((text) => {
    try {
      const hash = base64.decode(String(text));
      if (hash.length === 32) return hash;
    } catch {
      // Refused below.
    }
    throw new Unproven("a proof hash is malformed");
  });
}

/**
 * Reads an entry field by field (docs/AUDIT.md section 1): every read past its end, an over-long
 * or invalid UTF-8 string, throws `Unproven(reason)`.
 */
class EntryReader {
  private at = 0;
  private readonly view: DataView;

  constructor(
    private readonly entry: Uint8Array,
    private readonly reason: string,
  ) {
    this.view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  }

  bad(): never {
    throw new Unproven(this.reason);
  }

  private take(n: number): number {
    if (this.at + n > this.entry.length) this.bad();
    const start = this.at;
    this.at += n;
    return start;
  }

  byte(): number {
    return this.entry[this.take(1)] as number;
  }

  bytes(n: number): Uint8Array {
    const start = this.take(n);
    return this.entry.slice(start, start + n);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), false);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8), false);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.take(8), false);
  }

  string(): string {
    const length = this.view.getUint16(this.take(2), false);
    if (length > 1024) this.bad();
    const start = this.take(length);
    try {
      // The bytes as logged: a leading U+FEFF kept, as Rust keeps it (an owner "\uFEFFalice@..." is not alice).
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(this.entry.subarray(start, start + length));
    } catch {
      return this.bad();
    }
  }

  /** The version and kind bytes, the index, and past the previous leaf hash and the time. */
  header(kind: number): bigint {
    if (this.byte() !== 1 || this.byte() !== kind) this.bad();
    const index = this.u64();
    this.take(32 + 8);
    return index;
  }

  /** Nothing may follow the last field. */
  end(): void {
    if (this.at !== this.entry.length) this.bad();
  }
}

/** Decodes a published-key entry strictly (docs/AUDIT.md sections 1 and 7). */
export function decodeKeyEntry(entry: Uint8Array): PublishedKey {
  const reader = new EntryReader(entry, "its log entry does not parse");
  const index = reader.header(2);
  const ownerType = reader.byte();
  const owner = reader.string();
  const generation = reader.u32();
  const ageRecipient = reader.string();
  const presence = reader.byte();
  let signingKey: Uint8Array | null = null;
  if (presence === 1) signingKey = reader.bytes(32);
  else if (presence !== 0) reader.bad();
  reader.end();
  if (ownerType === 0) {
    if (generation !== 0) reader.bad();
    return { index, owner: { kind: "account", email: owner }, ageRecipient, signingKey };
  }
  if (ownerType !== 1 || generation === 0) reader.bad();
  return { index, owner: { kind: "mailbox", name: owner, generation }, ageRecipient, signingKey };
}

/** ASCII lower case, as Rust's `eq_ignore_ascii_case` compares. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Decodes a published policy entry strictly (docs/AUDIT.md section 1). */
export function decodePolicyEntry(entry: Uint8Array): LoggedPolicy {
  const reader = new EntryReader(entry, "its log entry is not a published policy");
  const index = reader.header(4);
  const org = reader.string();
  const version = reader.u64();
  if (version === 0n) reader.bad();
  const textHash = reader.bytes(32);
  const signer = reader.string();
  const signingKey = reader.bytes(32);
  const signature = reader.bytes(64);
  reader.end();
  return { index, org, version, textHash, signer, signingKey, signature };
}

/** Decodes an account role entry strictly (docs/AUDIT.md section 1). */
export function decodeRoleEntry(entry: Uint8Array): LoggedRole {
  const reader = new EntryReader(entry, "its log entry is not an account's role");
  const index = reader.header(5);
  const org = reader.string();
  const email = reader.string();
  const roles = ["admin", "agent", "auditor"] as const;
  const role = roles[reader.byte()] ?? reader.bad();
  reader.end();
  return { index, org, email, role };
}

/** Decodes a receipt entry strictly (docs/AUDIT.md sections 1 and 8). */
export function decodeReceiptEntry(entry: Uint8Array): LoggedReceipt {
  const reader = new EntryReader(entry, "its log entry is not a receipt");
  const index = reader.header(3);
  const envelopeId = reader.bytes(16);
  const manifestHash = reader.bytes(32);
  const openedAt = reader.i64();
  const recipient = reader.string();
  const signingKey = reader.bytes(32);
  const signature = reader.bytes(64);
  reader.end();
  return { index, envelopeId, manifestHash, openedAt, recipient, signingKey, signature };
}
