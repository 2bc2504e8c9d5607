// Asking a person without an account for documents, as `pli request --external` does
// (pli_client::request::ask, docs/REQUESTS.md): the recipients the outside person's page will
// encrypt to are decided here exactly as a send to the same address would pick them (the
// account's own key, or a mailbox's keys proven by the audit log), and signed with the
// account's key in the request statement the page checks.
import { ed25519 } from "@noble/curves/ed25519.js";
import { toHex } from "../envelope/bytes.js";
import { encodeBase64url } from "../envelope/keys.js";
import { statementBytes } from "../envelope/statement.js";
import type { UploadRequestCreated } from "./api.js";
import { recipientsOf } from "./send.js";
import { keep, keyLog, type Session } from "./session.js";

/** Why a request was not made; nothing reached the server. */
export class RequestRefused extends Error {
  constructor(
    readonly reason: "email" | "expiry" | "uploads" | "too_long",
    readonly value: string = "",
  ) {
    super(reason);
    this.name = "RequestRefused";
  }
}

export interface RequestTyped {
  email: string;
  /** A mailbox the account reads; empty: the account's own inbox. */
  mailbox: string;
  /** `--expires`, in days (the CLI's default: 7). */
  expiresDays: number;
  /** `--max-uploads` (the CLI's default: 1). */
  maxUploads: number;
}

export interface Asked {
  created: UploadRequestCreated;
  /** The whole link, with its fragment, as mailed. */
  link: string;
}

const DAY = 86_400;

export async function askForDocuments(session: Session, typed: RequestTyped): Promise<Asked> {
  const email = typed.email.trim().toLowerCase();
  if (email === "" || !email.includes("@") || /\s/.test(email)) throw new RequestRefused("email", typed.email.trim());
  if (!Number.isInteger(typed.expiresDays) || typed.expiresDays < 1 || typed.expiresDays > 30) throw new RequestRefused("expiry");
  if (!Number.isInteger(typed.maxUploads) || typed.maxUploads < 1 || typed.maxUploads > 20) throw new RequestRefused("uploads");
  const mailbox = typed.mailbox.trim().toLowerCase();
  let addressee: string;
  let recipients: string[];
  if (mailbox === "") {
    addressee = session.account.email.toLowerCase();
    recipients = [session.keys.publicKeys.age_recipient];
  } else {
    const log = keyLog(session);
    try {
      // `address_recipients` gathers them in a sorted set: the same order is signed here.
      recipients = [...new Set(await recipientsOf(session, log, mailbox))].sort();
    } finally {
      keep(session, log.latest());
    }
    addressee = mailbox;
  }
  const id = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const expiresAt = Math.floor(Date.now() / 1000) + typed.expiresDays * DAY;
  const message = statementBytes({ id, addressee, email, recipients, expires_at: expiresAt, max_uploads: typed.maxUploads });
  if (message === null) throw new RequestRefused("too_long");
  const signature = ed25519.sign(message, session.keys.signingSeed);
  const fragment = encodeBase64url(ed25519.getPublicKey(session.keys.signingSeed));
  const created = await session.client.createRequest({
    id,
    email,
    ...(mailbox === "" ? {} : { mailbox: addressee }),
    recipients,
    expires_at: expiresAt,
    max_uploads: typed.maxUploads,
    signature: encodeBase64url(signature),
    fragment,
  });
  return { created, link: `${created.url}#${fragment}` };
}
