// Logging in as `pli login` does (pli_client::account::login_with): prelogin, refuse weak
// parameters, derive, log in, unwrap the keys and check them against what the server says the
// account publishes. The session (token and unwrapped keys) lives in this page's memory only.
import { Decrypter, identityToRecipient } from "age-encryption";
import { base64urlnopad } from "@scure/base";
import { checkMatches, checkParams, decodeSalt, deriveKeys, encodeKey, normalizeEmail, unwrapKeys, type AccountKeys } from "../account/keys.js";
import { parseVerifier, type Checkpoint, type Verifier } from "../transparency/note.js";
import { ApiFailure, Client, login, passkeyLoginChallenge, prelogin, type AccountInfo, type PasskeyAnswer } from "./api.js";
import { keepCheckpoint, keptCheckpoint, pinLogKey, trustedWitnesses } from "./pins.js";
import { parseCosigner, type Cosigner } from "../transparency/cosignature.js";
import { KeyLog, Unproven } from "../transparency/keylog.js";
import { getAssertion } from "./webauthn.js";

export interface Session {
  client: Client;
  account: AccountInfo;
  keys: AccountKeys;
  /** Mailbox key generations unwrapped so far, by mailbox. */
  mailboxSecrets: Map<string, string[]>;
  /** The audit log key pinned at login, as `pli login` pins it (for this page's life only). */
  logVerifier: Verifier;
  /** The latest checkpoint verified under it, which the next must extend. */
  keptCheckpoint: Checkpoint | null;
}

/** The password proved right and the account has a second factor: ask for the code. */
export class SecondFactorNeeded extends Error {
  constructor() {
    super("second_factor_needed");
    this.name = "SecondFactorNeeded";
  }
}

/** The server's answer contradicts what the keys say (another account, other public keys). */
export class Inconsistent extends Error {
  constructor() {
    super("inconsistent");
    this.name = "Inconsistent";
  }
}

export async function logIn(
  emailTyped: string,
  password: string,
  totp: string | null,
  onProgress: (fraction: number) => void,
  usePasskey = false,
): Promise<Session> {
  const email = normalizeEmail(emailTyped);
  const answer = await prelogin(email);
  checkParams(answer.kdf);
  const salt = decodeSalt(answer.salt);
  const derived = await deriveKeys(password, salt, answer.kdf, onProgress);
  let session;
  try {
    const authKey = encodeKey(derived.authKey);
    let passkey: PasskeyAnswer | null = null;
    if (usePasskey) {
      // The password is checked first; only then does the server hand out a challenge.
      const challenge = await passkeyLoginChallenge(email, authKey);
      passkey = { ceremony: challenge.ceremony, credential: await getAssertion(challenge.options) };
    }
    session = await login(email, authKey, totp, passkey);
  } catch (error) {
    derived.wrapKey.fill(0);
    if (error instanceof ApiFailure && error.code === "second_factor_needed") throw new SecondFactorNeeded();
    throw error;
  } finally {
    derived.authKey.fill(0);
  }
  const client = new Client(session.token);
  try {
    const keys = await unwrapKeys(derived.wrapKey, session.wrapped_keys, email);
    if (normalizeEmail(session.account.email) !== email) throw new Inconsistent();
    try {
      checkMatches(keys, session.account);
    } catch {
      throw new Inconsistent();
    }
    let logVerifier: Verifier;
    let keyText: string;
    try {
      keyText = (await client.auditLogKey()).trim();
      logVerifier = parseVerifier(keyText);
    } catch (error) {
      if (error instanceof ApiFailure) throw error;
      throw new Inconsistent();
    }
    pinLogKey(keyText);
    return { client, account: session.account, keys, mailboxSecrets: new Map(), logVerifier, keptCheckpoint: keptCheckpoint() };
  } catch (error) {
    // A session whose keys cannot be used is no use: end it on the server too.
    await client.logout().catch(() => undefined);
    throw error;
  } finally {
    derived.wrapKey.fill(0);
  }
}

/**
 * A key log for one command, as `pli send` makes one: the pinned log key, the checkpoint kept, and
 * the witnesses this browser requires. A witness key stored here that no longer parses is refused
 * rather than dropped: dropping it could lower what is required.
 */
export function keyLog(session: Session): KeyLog {
  const trusted = trustedWitnesses();
  let witnesses: Cosigner[];
  try {
    witnesses = trusted.keys.map(parseCosigner);
  } catch {
    throw new Unproven("a trusted witness key does not parse");
  }
  return new KeyLog(session.logVerifier, session.client.logSource(), session.keptCheckpoint, { witnesses, required: trusted.required });
}

/** The latest checkpoint verified becomes the one the next check, and the next visit, extend. */
export function keep(session: Session, checkpoint: Checkpoint | null): void {
  session.keptCheckpoint = checkpoint;
  keepCheckpoint(checkpoint);
}

/** Forgets the session; ends it on the server when it can. */
export async function logOut(session: Session): Promise<void> {
  try {
    await session.client.logout();
  } catch {
    // The server may be unreachable or the session expired: forgetting it here is what counts.
  }
  forget(session);
}

export function forget(session: Session): void {
  session.client.forget();
  session.keys.signingSeed.fill(0);
  session.keys.ageIdentity = "";
  session.mailboxSecrets.clear();
}

/**
 * The secrets of the key generations the account holds for `mailbox`, as `unwrap_held`: each
 * copy opened with the account's own key and kept only if it matches the published recipient.
 * Repairing a mailbox's keys stays with `pli mailbox sync`.
 */
export async function mailboxIdentities(session: Session, mailbox: string): Promise<string[]> {
  const cached = session.mailboxSecrets.get(mailbox);
  if (cached !== undefined) return cached;
  const keyring = await session.client.mailboxKeyring(mailbox);
  const held: string[] = [];
  if (keyring.mailbox.toLowerCase() === mailbox.toLowerCase() && Array.isArray(keyring.generations)) {
    for (const generation of keyring.generations) {
      if (typeof generation.wrapped !== "string") continue;
      const identity = await unwrapSecret(generation.wrapped, session.keys.ageIdentity);
      if (identity === null) continue;
      try {
        if ((await identityToRecipient(identity)) === generation.key.recipient) held.push(identity);
      } catch {
        // A copy that does not parse is as if none were held.
      }
    }
  }
  session.mailboxSecrets.set(mailbox, held);
  return held;
}

async function unwrapSecret(wrapped: string, ageIdentity: string): Promise<string | null> {
  try {
    const decrypter = new Decrypter();
    decrypter.addIdentity(ageIdentity);
    const text = (await decrypter.decrypt(base64urlnopad.decode(wrapped), "text")).trim();
    return /^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(text) ? text : null;
  } catch {
    return null;
  }
}
