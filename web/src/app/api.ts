// The account routes the app uses (docs/openapi.json at /api/openapi.json). The bearer token
// lives in this object only: no cookie is ever set, so no other site can ride the session.
import { ApiFailure } from "../api.js";
import type { KdfParams } from "../account/keys.js";
import { Unproven, type LogSource } from "../transparency/keylog.js";

export { ApiFailure };

export interface PublicKeys {
  age_recipient: string;
  signing_key: string;
}

export interface AccountInfo {
  email: string;
  org: string;
  role: string;
  mailboxes: string[];
  public_keys: PublicKeys;
  key_id: string;
}

/** One security alert of the organisation (`AlertInfo` in the API). */
export interface AlertInfo {
  seq: number;
  at: string;
  email?: string;
  kind: string;
  details: string;
}

/** A scoped grant, or a membership with an end (`GrantInfo`). */
export interface GrantInfo {
  email: string;
  mailbox: string;
  read: boolean;
  send: boolean;
  granted: boolean;
  until?: string;
  active: boolean;
}

export interface CanaryInfo {
  id: string;
  mailbox: string;
  planted_by: string;
  planted_at: string;
}

export interface SessionAnswer {
  token: string;
  expires_at: string;
  account: AccountInfo;
  wrapped_keys: string;
}

export interface EnvelopeSummary {
  id: string;
  sender: string;
  to: string[];
  size: number;
  created_at: string;
}

export interface EnvelopePage {
  items: EnvelopeSummary[];
  next_cursor?: string;
}

export interface AccountKey {
  email: string;
  public_keys: PublicKeys;
  key_id: string;
  /** The audit log entry publishing these keys. */
  log_index?: number | null;
}

/** A version of the organisation's sending policy with its admin's signature. */
export interface SignedPolicy {
  org: string;
  version: number;
  /** The policy file (TOML). */
  text: string;
  signer: string;
  /** The signer's role in the organisation now; null when it is no longer in it. */
  signer_role?: string | null;
  signature: string;
  set_at: string;
  /** The audit log entry that publishes this version, which the page proves before following it. */
  log_index?: number | null;
  /** The audit log entry stating the signer's role, which the page proves says admin. */
  signer_role_log_index?: number | null;
}

/** What the server records of a sender's check: kinds and counts, never values (`block` only in a refusal). */
export interface DlpSummary {
  policy_version: number;
  decision: "allow" | "warn" | "justify" | "block";
  kinds: Record<string, number>;
  not_inspectable: number;
  justified: boolean;
}

export interface DirectoryEntry {
  address: string;
  kind: "account" | "mailbox" | string;
  org: string;
  keys: AccountKey[];
  /** Mailboxes: the latest key generation and whether senders encrypt to it. */
  mailbox_key?: {
    key: { generation: number; recipient: string; creator: string; creator_admin: boolean; signature: string };
    usable: boolean;
    log_index?: number | null;
  } | null;
}

export interface MailboxKeyring {
  mailbox: string;
  org: string;
  members: AccountKey[];
  generations: { key: { generation: number; recipient: string }; holders: string[]; wrapped?: string }[];
}

export interface ReceiptInfo {
  email: string;
  manifest_hash: string;
  opened_at: number;
  signature: string;
  log_index: number;
}

export interface LinkSummary {
  id: string;
  email: string;
  phone?: string;
  state: string;
  expires_at: string;
  max_downloads: number;
  downloads: number;
  code_failures: number;
  receipt_key: string;
  receipt?: ReceiptInfo;
}

/** `CreateLinkRequest` of pli-proto: the fragment and the server's half never go in a log. */
export interface CreateLinkRequest {
  id: string;
  email: string;
  phone?: string;
  expires_in: number;
  max_downloads: number;
  server_half: string;
  receipt_key: string;
  fragment: string;
}

export interface LinkCreated {
  id: string;
  /** The link without its fragment. */
  url: string;
  expires_at: string;
  max_downloads: number;
}

/** `CreateUploadRequest` of pli-proto (docs/REQUESTS.md). */
export interface CreateUploadRequest {
  id: string;
  email: string;
  mailbox?: string;
  recipients: string[];
  expires_at: number;
  max_uploads: number;
  signature: string;
  fragment: string;
}

export interface UploadRequestCreated {
  id: string;
  /** The link without its fragment. */
  url: string;
  expires_at: string;
  max_uploads: number;
}

export interface UploadRequestSummary {
  id: string;
  url: string;
  email: string;
  /** The requester's email or the mailbox name. */
  addressee: string;
  /** `active`, `expired`, `exhausted` or `withdrawn`. */
  state: string;
  created_at: string;
  expires_at: string;
  max_uploads: number;
  uploads: number;
  envelopes: { id: string; size: number; at: string; address: string }[];
}

export async function prelogin(email: string): Promise<{ salt: string; kdf: KdfParams }> {
  const body = await call("/api/auth/prelogin", post({ email }));
  const kdf = body.kdf as KdfParams | undefined;
  if (typeof body.salt !== "string" || typeof kdf !== "object" || kdf === null) throw new ApiFailure(502, "bad_response", {});
  return { salt: body.salt, kdf };
}

export interface PasskeyChallenge {
  ceremony: string;
  options: unknown;
}

export interface PasskeyAnswer {
  ceremony: string;
  credential: Record<string, unknown>;
}

export interface PasskeyInfo {
  id: string;
  name: string;
  created_at: string;
  last_used_at?: string;
}

/** `POST /api/auth/passkey`: the first factor again, for a challenge to the account's passkeys. */
export async function passkeyLoginChallenge(email: string, authKey: string): Promise<PasskeyChallenge> {
  return challenge(await call("/api/auth/passkey", post({ email, auth_key: authKey })));
}

function challenge(body: Record<string, unknown>): PasskeyChallenge {
  if (typeof body.ceremony !== "string" || typeof body.options !== "object") throw new ApiFailure(502, "bad_response", {});
  return { ceremony: body.ceremony, options: body.options };
}

export async function login(email: string, authKey: string, totp: string | null, passkey: PasskeyAnswer | null = null): Promise<SessionAnswer> {
  const request: Record<string, unknown> = { email, auth_key: authKey };
  if (totp !== null) request.totp = totp;
  if (passkey !== null) request.passkey = passkey;
  const body = await call("/api/auth/login", post(request));
  if (typeof body.token !== "string" || typeof body.wrapped_keys !== "string" || typeof body.account !== "object") {
    throw new ApiFailure(502, "bad_response", {});
  }
  return body as unknown as SessionAnswer;
}

/** The calls of a logged-in session. */
export class Client {
  constructor(private token: string) {}

  /** Drops the token from memory; later calls fail as unauthenticated. */
  forget(): void {
    this.token = "";
  }

  async logout(): Promise<void> {
    await call("/api/auth/logout", this.auth({ method: "POST" }));
  }

  async me(): Promise<AccountInfo> {
    return (await call("/api/me", this.auth({ method: "GET" }))) as unknown as AccountInfo;
  }

  async inbox(mailbox: string | null, cursor: string | null): Promise<EnvelopePage> {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (mailbox !== null) query.set("mailbox", mailbox);
    if (cursor !== null) query.set("cursor", cursor);
    return page(await call(`/api/inbox?${query}`, this.auth({ method: "GET" })));
  }

  async outbox(cursor: string | null): Promise<EnvelopePage> {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (cursor !== null) query.set("cursor", cursor);
    return page(await call(`/api/outbox?${query}`, this.auth({ method: "GET" })));
  }

  async envelope(id: string): Promise<EnvelopeSummary> {
    return (await call(`/api/envelopes/${id}`, this.auth({ method: "GET" }))) as unknown as EnvelopeSummary;
  }

  async content(id: string): Promise<Response> {
    const response = await fetch(`/api/envelopes/${id}/content`, { ...this.auth({ method: "GET" }), cache: "no-store", credentials: "omit" });
    if (!response.ok || response.body === null) throw await failure(response);
    return response;
  }

  async directory(address: string): Promise<DirectoryEntry> {
    return (await call(`/api/directory/${encodeURIComponent(address)}`, this.auth({ method: "GET" }))) as unknown as DirectoryEntry;
  }

  async mailboxKeyring(mailbox: string): Promise<MailboxKeyring> {
    return (await call(`/api/mailboxes/${encodeURIComponent(mailbox)}/keys`, this.auth({ method: "GET" }))) as unknown as MailboxKeyring;
  }

  /**
   * Gives the second factor again after the flow monitor asked for it (`second_factor_again`):
   * a code, or a passkey's answer to `passkeyChallenge`.
   */
  async stepUp(proof: { code: string } | { passkey: PasskeyAnswer }): Promise<void> {
    await call("/api/me/step-up", this.auth(post(proof)));
  }

  /** `GET /api/admin/alerts`: the organisation's alerts after `after`, oldest first. */
  async alerts(after: number): Promise<AlertInfo[]> {
    const body = await call(`/api/admin/alerts?after=${after}`, this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as AlertInfo[]) : [];
  }

  /** `POST /api/admin/unblock`: lifts a login lock and the flow monitor's hold. */
  async unblock(email: string, reason: string): Promise<void> {
    await call("/api/admin/unblock", this.auth(post({ email, reason })));
  }

  async grants(): Promise<GrantInfo[]> {
    const body = await call("/api/admin/grants", this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as GrantInfo[]) : [];
  }

  /** `POST /api/admin/grants`: read-only or send-only access to one mailbox until a date. */
  async grant(request: { email: string; mailbox: string; scope: "read" | "send"; until: string }): Promise<GrantInfo> {
    return (await call("/api/admin/grants", this.auth(post(request)))) as unknown as GrantInfo;
  }

  async revokeGrant(mailbox: string, email: string): Promise<void> {
    await call(`/api/admin/grants/${encodeURIComponent(mailbox)}/${encodeURIComponent(email)}`, this.auth({ method: "DELETE" }));
  }

  async canaries(): Promise<CanaryInfo[]> {
    const body = await call("/api/admin/canaries", this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as CanaryInfo[]) : [];
  }

  /** `POST /api/admin/canaries`: the server plants a decoy envelope in the mailbox. */
  async plantCanary(mailbox: string): Promise<CanaryInfo> {
    return (await call("/api/admin/canaries", this.auth(post({ mailbox })))) as unknown as CanaryInfo;
  }

  async passkeys(): Promise<PasskeyInfo[]> {
    const body = await call("/api/me/passkeys", this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as PasskeyInfo[]) : [];
  }

  /** A challenge for one of the account's passkeys, to prove it before adding another. */
  async passkeyChallenge(): Promise<PasskeyChallenge> {
    return challenge(await call("/api/me/passkeys/challenge", this.auth({ method: "POST" })));
  }

  /** Starts adding a passkey, with the proof of a second factor the account already has. */
  async passkeyOptions(proof: { code?: string; passkey?: PasskeyAnswer }): Promise<PasskeyChallenge> {
    return challenge(await call("/api/me/passkeys/options", this.auth(post(proof))));
  }

  async addPasskey(ceremony: string, name: string, credential: Record<string, unknown>): Promise<PasskeyInfo> {
    return (await call("/api/me/passkeys", this.auth(post({ ceremony, name, credential })))) as unknown as PasskeyInfo;
  }

  async postReceipt(id: string, receipt: { manifest_hash: string; opened_at: number; signature: string }): Promise<void> {
    await call(`/api/envelopes/${id}/receipt`, this.auth(post(receipt)));
  }

  async receipts(id: string): Promise<ReceiptInfo[]> {
    const body = await call(`/api/envelopes/${id}/receipts`, this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as ReceiptInfo[]) : [];
  }

  async links(id: string): Promise<LinkSummary[]> {
    const body = await call(`/api/envelopes/${id}/links`, this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as LinkSummary[]) : [];
  }

  /** `GET /api/policy`: the organisation's signed sending policy, checked by ./policy.ts. */
  async sendingPolicy(): Promise<SignedPolicy | null> {
    const body = await call("/api/policy", this.auth({ method: "GET" }));
    if (body.policy === null || body.policy === undefined) return null;
    const policy = body.policy as Record<string, unknown>;
    const fields = ["org", "text", "signer", "signature", "set_at"];
    if (typeof policy !== "object" || !fields.every((field) => typeof policy[field] === "string") || typeof policy.version !== "number") throw new ApiFailure(502, "bad_response", {});
    return policy as unknown as SignedPolicy;
  }

  /** `POST /api/policy/refusals`: tells the organisation's audit trail its policy stopped a send here (kinds and counts only). */
  async policyRefused(refusal: DlpSummary): Promise<void> {
    await call("/api/policy/refusals", this.auth(post(refusal)));
  }

  /** `POST /api/envelopes`: announces an envelope of `size` bytes before its content. */
  async announce(request: { id: string; to: string[]; external?: string[]; size: number; dlp?: DlpSummary }): Promise<void> {
    await call("/api/envelopes", this.auth(post(request)));
  }

  /** `POST /api/envelopes/{id}/links`: the external link of an envelope one sent (docs/EXTERNAL.md). */
  async createLink(envelopeId: string, request: CreateLinkRequest): Promise<LinkCreated> {
    const body = await call(`/api/envelopes/${envelopeId}/links`, this.auth(post(request)));
    if (typeof body.id !== "string" || typeof body.url !== "string" || typeof body.expires_at !== "string") throw new ApiFailure(502, "bad_response", {});
    return { id: body.id, url: body.url, expires_at: body.expires_at, max_downloads: Number(body.max_downloads) };
  }

  /** `POST /api/requests`: asks a person without an account for documents. */
  async createRequest(request: CreateUploadRequest): Promise<UploadRequestCreated> {
    const body = await call("/api/requests", this.auth(post(request)));
    if (typeof body.id !== "string" || typeof body.url !== "string" || typeof body.expires_at !== "string") throw new ApiFailure(502, "bad_response", {});
    return { id: body.id, url: body.url, expires_at: body.expires_at, max_uploads: Number(body.max_uploads) };
  }

  /** `GET /api/requests`: the account's upload requests, newest first. */
  async requests(): Promise<UploadRequestSummary[]> {
    const body = await call("/api/requests", this.auth({ method: "GET" }));
    return Array.isArray(body.items) ? (body.items as UploadRequestSummary[]) : [];
  }

  /** `DELETE /api/requests/{id}`: its link takes no more uploads. */
  async withdrawRequest(id: string): Promise<void> {
    await call(`/api/requests/${id}`, this.auth({ method: "DELETE" }));
  }

  /**
   * `PUT /api/envelopes/{id}/content` with `Upload-Offset`: the staged ciphertext from byte
   * `offset` on, a piece of a resumable upload (docs/FORMAT.md section 7). What arrives before
   * a dropped connection stays on the server.
   */
  async uploadFrom(id: string, offset: number, ciphertext: Blob): Promise<void> {
    const headers = { "content-type": "application/octet-stream", "upload-offset": String(offset) };
    await call(`/api/envelopes/${id}/content`, this.auth({ method: "PUT", headers, body: ciphertext.slice(offset) }));
  }

  /** `GET /api/envelopes/{id}/content/offset`: how much of the upload the server holds. */
  async uploadOffset(id: string): Promise<UploadOffset> {
    const body = await call(`/api/envelopes/${id}/content/offset`, this.auth({ method: "GET" }));
    if (typeof body.offset !== "number" || typeof body.size !== "number" || typeof body.complete !== "boolean") {
      throw new ApiFailure(502, "bad_response", {});
    }
    return { offset: body.offset, size: body.size, complete: body.complete };
  }

  /** The audit log's verifier key, as text (`docs/AUDIT.md` section 3). */
  async auditLogKey(): Promise<string> {
    return text("/api/audit/log/key", this.auth({ method: "GET" }));
  }

  /** What a `KeyLog` asks of the server. */
  logSource(): LogSource {
    return {
      checkpoint: () => text("/api/audit/log/checkpoint", this.auth({ method: "GET" })),
      cosignedCheckpoint: async (witnesses, required) => {
        try {
          return await text(
            `/api/audit/log/checkpoint?cosigned=true&witnesses=${encodeURIComponent(witnesses.join(","))}&required=${required}`,
            this.auth({ method: "GET" }),
          );
        } catch (error) {
          if (error instanceof ApiFailure && error.status === 404) return null;
          throw error;
        }
      },
      keyProof: async (index, size) =>
        (await call(`/api/keys/proof?index=${index}&size=${size}`, this.auth({ method: "GET" }))) as unknown as Awaited<ReturnType<LogSource["keyProof"]>>,
      receiptProof: async (envelopeId, index, size) =>
        (await call(`/api/envelopes/${encodeURIComponent(envelopeId)}/receipts/proof?index=${index}&size=${size}`, this.auth({ method: "GET" }))) as unknown as Awaited<
          ReturnType<LogSource["keyProof"]>
        >,
      policyProof: async (index, size) => {
        try {
          return (await call(`/api/policy/proof?index=${index}&size=${size}`, this.auth({ method: "GET" }))) as unknown as Awaited<ReturnType<LogSource["keyProof"]>>;
        } catch (error) {
          if (error instanceof ApiFailure && error.status === 404) throw new Unproven("the log holds no policy of the organisation at its index");
          throw error;
        }
      },
      keyConsistency: async (from, to) =>
        (await call(`/api/keys/consistency?from=${from}&to=${to}`, this.auth({ method: "GET" }))) as unknown as { hashes: string[] },
    };
  }

  private auth(init: RequestInit): RequestInit {
    return { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.token}` } };
  }
}

/** `GET /api/envelopes/{id}/content/offset`. */
export interface UploadOffset {
  offset: number;
  size: number;
  complete: boolean;
}

/** Envelopes per page of a listing; "Plus" asks for the next. */
export const PAGE = 25;

function page(body: Record<string, unknown>): EnvelopePage {
  if (!Array.isArray(body.items)) throw new ApiFailure(502, "bad_response", {});
  const out: EnvelopePage = { items: body.items as EnvelopeSummary[] };
  if (typeof body.next_cursor === "string") out.next_cursor = body.next_cursor;
  return out;
}

function post(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

async function call(path: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(path, { ...init, cache: "no-store", credentials: "omit" });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return {};
  const body: unknown = await response.json();
  if (typeof body !== "object" || body === null) throw new ApiFailure(response.status, "bad_response", {});
  return body as Record<string, unknown>;
}

async function text(path: string, init: RequestInit): Promise<string> {
  const response = await fetch(path, { ...init, cache: "no-store", credentials: "omit" });
  if (!response.ok) throw await failure(response);
  return response.text();
}

async function failure(response: Response): Promise<ApiFailure> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status alone says what happened.
  }
  const code = typeof body.error === "string" ? body.error : `http_${response.status}`;
  return new ApiFailure(response.status, code, body);
}
