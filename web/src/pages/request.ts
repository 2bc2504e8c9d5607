// The upload page of requests, /r/{request_id}#REQUESTER_KEY (docs/REQUESTS.md): checks the
// requester's signed statement with the fragment's key, then builds the envelope in the
// browser (hashes, manifest signed by a key drawn for this upload, tar, age), stages the
// ciphertext in the Origin Private File System and uploads the staged file.
import { ed25519 } from "@noble/curves/ed25519.js";
import { Encrypter } from "age-encryption";
import { ApiFailure } from "../api.js";
import { LINK_ID, decode32, toHex } from "../envelope/index.js";
import { verifyStatement, type Statement } from "../envelope/statement.js";
import { archiveStream, checkNames, hashFile, mediaTypeOf, outsideManifest, signManifest, type PreparedFile } from "../envelope/outside.js";
import { formatSize, formatTime, pageLanguage, translator, type MessageKey } from "../i18n.js";
import { removeStaleStaging } from "../opfs.js";

const language = pageLanguage(location.search);
const t = translator(language);

interface RequestInfo {
  requester: { email: string; name?: string | null; organisation?: string | null; signing_key?: string | null };
  statement: Statement;
  signature: string;
  max_size: number;
  state: string;
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function translatePage(): void {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll<HTMLElement>("[data-t]")) {
    node.textContent = t(node.dataset.t as MessageKey);
  }
  document.title = `${t("r_title")} — Pli`;
  const switcher = element<HTMLAnchorElement>("language");
  const other = language === "en" ? "fr" : "en";
  switcher.textContent = t("switch_language");
  switcher.lang = other;
  switcher.hreflang = other;
  switcher.href = `${location.pathname}${other === "en" ? "?lang=en" : ""}${location.hash}`;
}

function showAlert(key: MessageKey, params?: Record<string, string | number>): void {
  const alert = element("alert");
  alert.textContent = t(key, params);
  alert.hidden = false;
}

function setStatus(text: string): void {
  element("status").textContent = text;
}

function stateMessage(state: string): MessageKey | null {
  switch (state) {
    case "active":
      return null;
    case "expired":
    case "request_expired":
      return "r_expired";
    case "exhausted":
    case "request_exhausted":
      return "r_exhausted";
    case "withdrawn":
    case "request_withdrawn":
      return "r_withdrawn";
    default:
      return "r_not_found";
  }
}

async function fetchRequest(id: string): Promise<RequestInfo> {
  const response = await fetch(`/api/requests/${id}`, { cache: "no-store", credentials: "omit" });
  if (!response.ok) throw new ApiFailure(response.status, response.status === 404 ? "request_not_found" : `http_${response.status}`, {});
  return (await response.json()) as RequestInfo;
}

/** Attempts at one upload, as `pli send`: the first and up to five resumptions. */
const UPLOAD_ATTEMPTS = 6;

/**
 * Uploads the staged file as a resumable upload (docs/FORMAT.md section 7): after a dropped
 * connection, a server error or a conflicting piece, asks how much the server holds and
 * continues from there, from the same staged file.
 */
async function upload(id: string, envelopeId: string, file: File): Promise<void> {
  let offset = 0;
  let attempt = 1;
  for (;;) {
    let failure: unknown;
    try {
      await putPiece(id, envelopeId, offset, file);
      return;
    } catch (error) {
      if (!mayResume(error)) throw error;
      failure = error;
    }
    // Where to continue; while the network is down, asking fails too.
    let held: { offset: number; size: number; complete: boolean } | null = null;
    while (held === null) {
      if (attempt >= UPLOAD_ATTEMPTS) throw failure;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** (attempt - 1), 8000)));
      attempt += 1;
      try {
        held = await uploadOffset(id, envelopeId);
      } catch (error) {
        if (!isTransient(error)) throw failure;
      }
    }
    if (held.size !== file.size || held.offset > file.size) throw new ApiFailure(502, "bad_response", {});
    if (held.complete) return;
    offset = held.offset;
    setStatus(t("r_resuming"));
  }
}

/** A failed fetch (the network) or a server failure: the same request may work later. */
function isTransient(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof ApiFailure && error.status >= 500);
}

function mayResume(error: unknown): boolean {
  return isTransient(error) || (error instanceof ApiFailure && error.status === 409 && error.code === "conflict");
}

/** One piece: the staged file from byte `offset` on (at 0, its length announces the whole). */
async function putPiece(id: string, envelopeId: string, offset: number, file: File): Promise<void> {
  const response = await fetch(`/api/requests/${id}/envelopes/${envelopeId}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream", "upload-offset": String(offset) },
    body: file.slice(offset),
    cache: "no-store",
    credentials: "omit",
  });
  if (response.ok) return;
  throw await failure(response);
}

async function uploadOffset(id: string, envelopeId: string): Promise<{ offset: number; size: number; complete: boolean }> {
  const response = await fetch(`/api/requests/${id}/envelopes/${envelopeId}/offset`, { cache: "no-store", credentials: "omit" });
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { offset?: unknown; size?: unknown; complete?: unknown };
  if (typeof body.offset !== "number" || typeof body.size !== "number" || typeof body.complete !== "boolean") {
    throw new ApiFailure(502, "bad_response", {});
  }
  return { offset: body.offset, size: body.size, complete: body.complete };
}

async function failure(response: Response): Promise<ApiFailure> {
  let code = `http_${response.status}`;
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === "string") code = body.error;
  } catch {
    // The status alone says what happened.
  }
  return new ApiFailure(response.status, code, {});
}

/** Encrypts the archive to the statement's recipients into a staged file, never in memory. */
async function sealToStaging(recipients: string[], archive: ReadableStream<Uint8Array>, directory: FileSystemDirectoryHandle): Promise<File> {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  const encrypted = await encrypter.encrypt(archive);
  const handle = await directory.getFileHandle("envelope.age", { create: true });
  const writable = await handle.createWritable();
  await encrypted.pipeTo(writable as unknown as WritableStream<Uint8Array>);
  return handle.getFile();
}

async function send(id: string, info: RequestInfo, files: File[], name: string | null): Promise<void> {
  const box = element("progress-box");
  const bar = element<HTMLProgressElement>("progress");
  const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
  let hashed = 0;
  box.hidden = false;
  bar.value = 0;
  const prepared: PreparedFile[] = [];
  for (const file of files) {
    const sha256 = await hashFile(file, (n) => {
      hashed += n;
      bar.value = Math.round((50 * hashed) / total);
    });
    prepared.push({ file, name: file.name, mediaType: mediaTypeOf(file), sha256 });
  }
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const envelopeId = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const createdAt = Math.floor(Date.now() / 1000);
  const json = outsideManifest(
    { envelopeId, email: info.statement.email, addressee: info.statement.addressee, requestId: id, name, createdAt },
    prepared,
    ed25519.getPublicKey(seed),
  );
  const signature = signManifest(json, seed);
  seed.fill(0);
  const root = await navigator.storage.getDirectory();
  const directoryName = `pli-${toHex(crypto.getRandomValues(new Uint8Array(16)))}`;
  const directory = await root.getDirectoryHandle(directoryName, { create: true });
  try {
    const staged = await sealToStaging(info.statement.recipients, archiveStream(json, signature, prepared, createdAt), directory);
    bar.value = 75;
    await upload(id, envelopeId, staged);
    bar.value = 100;
  } finally {
    await root.removeEntry(directoryName, { recursive: true }).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  translatePage();
  void removeStaleStaging();
  const id = location.pathname.split("/").pop() ?? "";
  const key = decode32(location.hash.replace(/^#/, ""));
  if (!LINK_ID.test(id) || key === null) {
    showAlert("r_incomplete");
    return;
  }
  let info: RequestInfo;
  try {
    info = await fetchRequest(id);
  } catch (error) {
    showAlert(error instanceof ApiFailure && error.code === "request_not_found" ? "r_not_found" : "network");
    return;
  }
  let signature: Uint8Array | null = null;
  try {
    signature = Uint8Array.from(atob(info.signature.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    signature = null;
  }
  if (info.statement.id !== id || signature === null || !verifyStatement(info.statement, signature, key)) {
    showAlert("r_bad_signature");
    return;
  }
  element("requester-name").textContent = info.requester.name ?? info.requester.email;
  element("requester-org").textContent = info.requester.organisation ? `(${info.requester.organisation})` : "";
  const directoryKey = info.requester.signing_key ? decode32(info.requester.signing_key) : null;
  const verified = directoryKey !== null && toHex(directoryKey) === toHex(key);
  element("requester-trust").textContent = t(verified ? "r_verified" : "r_not_verified");
  element("addressee").textContent = info.statement.addressee;
  element("expires").textContent = formatTime(info.statement.expires_at, language);
  element("requester").hidden = false;
  const blocked = stateMessage(info.state);
  if (blocked !== null) {
    showAlert(blocked);
    return;
  }
  const form = element<HTMLFormElement>("upload-form");
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit(id, info, form);
  });
}

async function submit(id: string, info: RequestInfo, form: HTMLFormElement): Promise<void> {
  const alert = element("alert");
  alert.hidden = true;
  const input = element<HTMLInputElement>("files");
  const files = Array.from(input.files ?? []);
  if (files.length === 0) {
    showAlert("r_no_files");
    input.focus();
    return;
  }
  const badName = checkNames(files);
  if (badName !== null) {
    showAlert("r_bad_name", { name: badName });
    return;
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > info.max_size) {
    showAlert("r_too_large", { max: formatSize(info.max_size, language) });
    return;
  }
  const typed = element<HTMLInputElement>("name").value.trim();
  const button = element<HTMLButtonElement>("send");
  button.disabled = true;
  setStatus(t("r_sending"));
  try {
    await send(id, info, files, typed === "" ? null : typed);
    form.hidden = true;
    setStatus(t("r_sent"));
  } catch (error) {
    setStatus("");
    if (error instanceof ApiFailure) {
      const message = stateMessage(error.code);
      if (error.code.startsWith("request_") && message !== null) showAlert(message);
      else if (error.code === "too_large") showAlert("r_too_large", { max: formatSize(info.max_size, language) });
      else showAlert("server", { code: error.code });
    } else if (error instanceof DOMException || (error instanceof Error && /storage|quota/i.test(error.message))) {
      showAlert("storage");
    } else {
      showAlert("network");
    }
    button.disabled = false;
  }
}

void main();
