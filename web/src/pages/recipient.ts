// The recipient page, /x/{link_id}#F.SENDER_KEY (docs/EXTERNAL.md): shows who sent what, takes
// the code, then fetches, decrypts and checks the envelope in the browser and offers its files.
import { ApiFailure, getContent, getLink, postCode, postReceipt, type LinkInfo } from "../api.js";
import { EnvelopeError, LINK_ID, decode32, deriveLinkKeys, encodeBase64url, keyId, openEnvelope, parseFragment, signReceipt, toHex, type Fragment } from "../envelope/index.js";
import { formatSize, formatTime, pageLanguage, translator, type MessageKey } from "../i18n.js";
import { OpfsSink, removeStaleStaging, type StagedFile } from "../opfs.js";

const language = pageLanguage(location.search);
const t = translator(language);

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
  document.title = `${t("title")} — Pli`;
  const switcher = element<HTMLAnchorElement>("language");
  const other = language === "en" ? "fr" : "en";
  switcher.textContent = t("switch_language");
  switcher.lang = other;
  switcher.hreflang = other;
  // The fragment holds the key: keep it when switching language, it never reaches the server.
  switcher.href = `${location.pathname}${other === "en" ? "?lang=en" : ""}${location.hash}`;
}

function showAlert(key: MessageKey, params?: Record<string, string | number>): void {
  const alert = element("alert");
  alert.textContent = t(key, params);
  alert.hidden = false;
}

function clearAlert(): void {
  const alert = element("alert");
  alert.hidden = true;
  alert.textContent = "";
}

function setStatus(text: string): void {
  element("status").textContent = text;
}

function stateMessage(state: string): MessageKey | null {
  switch (state) {
    case "active":
      return null;
    case "locked":
      return "link_locked";
    case "expired":
      return "link_expired";
    case "exhausted":
      return "link_exhausted";
    case "withdrawn":
      return "link_withdrawn";
    default:
      return "link_not_found";
  }
}

function failureMessage(error: unknown): { key: MessageKey; params?: Record<string, string | number>; final: boolean } {
  if (error instanceof EnvelopeError) {
    switch (error.failure) {
      case "wrong_key":
        return { key: "wrong_key", final: true };
      case "signature":
        return { key: "signature", final: true };
      case "storage":
        return { key: "storage", final: false };
      default:
        return { key: "tampered", final: true };
    }
  }
  if (error instanceof ApiFailure) {
    switch (error.code) {
      case "invalid_code": {
        const left = typeof error.body.attempts_left === "number" ? error.body.attempts_left : 0;
        return { key: "invalid_code", params: { n: left }, final: false };
      }
      case "link_locked":
      case "link_expired":
      case "link_exhausted":
      case "link_withdrawn":
      case "link_not_found":
        return { key: error.code, final: true };
      case "too_many_attempts":
      case "too_many_requests":
        return { key: "too_many", final: false };
      case "invalid_token":
        return { key: "invalid_token", final: false };
      default:
        if (error.status === 429) return { key: "too_many", final: false };
        if (error.status === 404) return { key: "link_not_found", final: true };
        return { key: "server", params: { code: error.code }, final: false };
    }
  }
  return { key: "network", final: false };
}

function showSender(link: LinkInfo, fragment: Fragment): void {
  element("sender-name").textContent = link.sender.name ?? link.sender.email;
  element("sender-org").textContent = link.sender.organisation ? `(${link.sender.organisation})` : "";
  const email = element("sender-email");
  email.textContent = link.sender.email;
  email.hidden = (link.sender.name ?? link.sender.email) === link.sender.email;
  const trust = element("sender-trust");
  const verified = isVerified(link, fragment);
  trust.textContent = t(verified ? "verified" : "not_verified");
  trust.className = `trust ${verified ? "ok" : "warn"}`;
  element("size").textContent = typeof link.size === "number" ? formatSize(link.size, language) : "—";
  const expires = typeof link.expires_at === "string" ? Date.parse(link.expires_at) / 1000 : link.expires_at;
  element("expires").textContent = typeof expires === "number" && Number.isFinite(expires) ? formatTime(expires, language) : "—";
  element("sender").hidden = false;
}

/** Verified when the directory's key for the sender's address is the key in the fragment. */
function isVerified(link: LinkInfo, fragment: Fragment): boolean {
  const ours = keyId(fragment.senderKey);
  if (typeof link.sender.signing_key === "string") {
    const theirs = decode32(link.sender.signing_key);
    return theirs !== null && keyId(theirs) === ours;
  }
  return typeof link.sender.key_id === "string" && link.sender.key_id === ours;
}

function offerFiles(files: StagedFile[]): void {
  const list = element("file-list");
  list.replaceChildren();
  for (const staged of files) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t("download", { name: staged.name });
    button.addEventListener("click", () => save(staged));
    const size = document.createElement("span");
    size.className = "file-size";
    size.textContent = formatSize(staged.size, language);
    item.append(button, size);
    list.append(item);
  }
  element("files").hidden = false;
  element<HTMLButtonElement>("file-list").querySelector("button")?.focus();
}

/** Saves through an object URL of the staged file, so the browser copies it from disk. */
function save(staged: StagedFile): void {
  const url = URL.createObjectURL(staged.file);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = staged.name;
  anchor.rel = "noopener";
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function openWithCode(linkId: string, fragment: Fragment, code: string, envelopeId: string | undefined): Promise<void> {
  const accepted = await postCode(linkId, code);
  const serverHalf = decode32(accepted.server_half);
  if (serverHalf === null) throw new ApiFailure(502, "bad_response", {});
  const keys = deriveLinkKeys(linkId, fragment.fragmentHalf, serverHalf);
  serverHalf.fill(0);

  element("code-form").hidden = true;
  const progressBox = element("progress-box");
  const progress = element<HTMLProgressElement>("progress");
  progressBox.hidden = false;
  setStatus(t("opening"));

  const response = await getContent(linkId, accepted.token);
  const total = Number(response.headers.get("content-length") ?? "0");
  const body = response.body as ReadableStream<Uint8Array>;
  const sink = new OpfsSink();
  const opened = await openEnvelope(
    body,
    {
      identity: keys.ageIdentity,
      senderKey: fragment.senderKey,
      ...(envelopeId === undefined ? {} : { envelopeId }),
      onProgress: (done) => {
        if (total > 0) {
          progress.value = Math.min(100, (done / total) * 100);
          element("progress-text").textContent = t("progress", { done: formatSize(done, language), total: formatSize(total, language) });
        }
      },
    },
    sink,
  );
  progressBox.hidden = true;
  const files = await sink.files();
  offerFiles(files);
  setStatus("");

  const openedAt = Math.floor(Date.now() / 1000);
  try {
    const signature = signReceipt(keys.receiptSeed, opened.manifest.envelope_id, opened.manifestSha256, openedAt);
    await postReceipt(linkId, accepted.token, { manifest_sha256: toHex(opened.manifestSha256), opened_at: openedAt, signature: encodeBase64url(signature) });
  } catch {
    showAlert("receipt_failed");
  } finally {
    keys.receiptSeed.fill(0);
  }
}

async function main(): Promise<void> {
  translatePage();
  void removeStaleStaging();
  const match = /^\/x\/([0-9a-f]{32})\/?$/.exec(location.pathname);
  const linkId = match?.[1];
  const fragment = parseFragment(location.hash);
  if (linkId === undefined || !LINK_ID.test(linkId) || fragment === null) {
    showAlert("link_incomplete");
    return;
  }
  setStatus(t("loading"));
  let link: LinkInfo;
  try {
    link = await getLink(linkId);
  } catch (error) {
    setStatus("");
    const { key, params } = failureMessage(error);
    showAlert(key, params);
    return;
  }
  setStatus("");
  showSender(link, fragment);
  const refusal = stateMessage(link.state);
  if (refusal !== null) {
    showAlert(refusal);
    return;
  }

  const form = element<HTMLFormElement>("code-form");
  const input = element<HTMLInputElement>("code");
  const button = element<HTMLButtonElement>("open");
  form.hidden = false;
  input.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.replace(/\s/g, "");
    clearAlert();
    if (!/^[0-9]{6}$/.test(code)) {
      showAlert("invalid_code_format");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    button.disabled = true;
    openWithCode(linkId, fragment, code, link.envelope_id)
      .catch((error: unknown) => {
        element("progress-box").hidden = true;
        setStatus("");
        const { key, params, final } = failureMessage(error);
        showAlert(key, params);
        if (final) {
          form.hidden = true;
        } else {
          form.hidden = false;
          input.value = "";
          input.setAttribute("aria-invalid", "true");
          input.focus();
        }
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}

void main();
