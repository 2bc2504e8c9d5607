// The anonymous link routes of docs/EXTERNAL.md section 3.

export interface LinkInfo {
  sender: { email: string; name?: string | null; organisation?: string | null; key_id?: string | null; signing_key?: string | null };
  size?: number;
  /** RFC 3339 text (or Unix seconds). */
  expires_at?: string | number;
  state: "active" | "locked" | "expired" | "exhausted" | "withdrawn" | string;
  attempts_left?: number;
  envelope_id?: string;
}

export interface CodeAccepted {
  server_half: string;
  token: string;
  token_expires_at?: string;
}

/** An answer that is not a success: its status, error code and what else it said. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, unknown>,
  ) {
    super(code);
  }
}

export async function getLink(linkId: string): Promise<LinkInfo> {
  return (await call(`/api/links/${linkId}`, { method: "GET" })) as unknown as LinkInfo;
}

export async function postCode(linkId: string, code: string): Promise<CodeAccepted> {
  return (await call(`/api/links/${linkId}/code`, jsonBody({ code }))) as unknown as CodeAccepted;
}

export async function getContent(linkId: string, token: string): Promise<Response> {
  const response = await fetch(`/api/links/${linkId}/content`, {
    headers: { authorization: `Bearer ${token}` },
    cache: "no-store",
    credentials: "omit",
  });
  if (!response.ok || response.body === null) throw await failure(response);
  return response;
}

export async function postReceipt(linkId: string, token: string, receipt: { manifest_sha256: string; opened_at: number; signature: string }): Promise<void> {
  const init = jsonBody(receipt);
  init.headers = { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` };
  await call(`/api/links/${linkId}/receipt`, init);
}

function jsonBody(body: unknown): RequestInit {
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
