// The account holders' app, /app (docs/WEB.md): log in, the inbox and its mailboxes, opening
// an envelope, the outbox. Hash routes (#/inbox, #/inbox/MAILBOX, #/envelope/ID, #/outbox) so
// the server serves one page; the session lives in this module's memory only.
import { KeyError } from "../account/keys.js";
import { ApiFailure, type EnvelopeSummary } from "../app/api.js";
import { appTranslator, type AppMessage } from "../app/messages.js";
import { ENVELOPE_ID, SenderKeyError, openFromInbox } from "../app/open.js";
import { sealedManifestHash, sentState, type SentState } from "../app/outbox.js";
import { Inconsistent, SecondFactorNeeded, forget, logIn, logOut, type Session } from "../app/session.js";
import { EnvelopeError } from "../envelope/index.js";
import { formatSize, formatTime, pageLanguage } from "../i18n.js";
import { removeStaleStaging, type StagedFile } from "../opfs.js";

const language = pageLanguage(location.search);
const t = appTranslator(language);
const SECTIONS = ["login", "inbox", "envelope", "outbox"] as const;
type SectionName = (typeof SECTIONS)[number];

let session: Session | null = null;
/** Bumped at each navigation, so a slow answer for a page left behind is dropped. */
let generation = 0;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function translatePage(): void {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll<HTMLElement>("[data-t]")) {
    node.textContent = t(node.dataset.t as AppMessage);
  }
  const switcher = element<HTMLAnchorElement>("language");
  const other = language === "en" ? "fr" : "en";
  switcher.textContent = t("switch_language");
  switcher.lang = other;
  switcher.hreflang = other;
  // Switching language reloads the page, which ends the session: say so by going to login.
  switcher.href = `${location.pathname}${other === "en" ? "?lang=en" : ""}${location.hash}`;
}

function show(name: SectionName, title: AppMessage): void {
  for (const section of SECTIONS) element(section).hidden = section !== name;
  element("nav").hidden = session === null;
  for (const [id, route] of [
    ["nav-inbox", "inbox"],
    ["nav-outbox", "outbox"],
  ] as const) {
    const link = element(id);
    if (route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t(title)} — Pli`;
}

function showAlert(key: AppMessage, params?: Record<string, string | number>): void {
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

/** A message for any failure; a dead session sends back to the login form. */
function report(error: unknown): void {
  setStatus("");
  if (error instanceof ApiFailure && error.status === 401 && session !== null) {
    forget(session);
    session = null;
    showLogin();
    showAlert("session_ended");
    return;
  }
  showAlert(...failureMessage(error));
}

function failureMessage(error: unknown): [AppMessage, Record<string, string | number>?] {
  if (error instanceof EnvelopeError) {
    switch (error.failure) {
      case "wrong_key":
        return ["wrong_key"];
      case "signature":
        return ["signature"];
      case "storage":
        return ["storage"];
      case "mismatch":
        return ["mismatch"];
      default:
        return ["tampered"];
    }
  }
  if (error instanceof SenderKeyError) return ["sender_key"];
  if (error instanceof ApiFailure) {
    switch (error.code) {
      case "second_factor_again":
        return ["step_up"];
      case "downloads_blocked":
        return ["blocked"];
      case "second_factor_required":
        return ["second_factor_required"];
      case "too_many_attempts":
      case "too_many_requests":
        return ["too_many"];
      default:
        if (error.status === 404) return ["not_found"];
        if (error.status === 429) return ["too_many"];
        return ["server", { code: error.code }];
    }
  }
  return ["network"];
}

// ---------------------------------------------------------------- login

let codeAsked = false;

function showLogin(): void {
  show("login", "login_title");
  element("code-field").hidden = !codeAsked;
  element<HTMLInputElement>(codeAsked ? "code" : "email").focus();
}

function loginFailure(error: unknown): [AppMessage, Record<string, string | number>?] {
  if (error instanceof SecondFactorNeeded) return ["code_needed"];
  if (error instanceof KeyError) {
    if (error.failure === "weak_params" || error.failure === "bad_salt") return ["weak_params"];
    // The server accepted the authentication key, yet its keys do not open or are not the
    // account's: it is not answering honestly.
    return ["inconsistent"];
  }
  if (error instanceof Inconsistent) return ["inconsistent"];
  if (error instanceof ApiFailure) {
    switch (error.code) {
      case "invalid_credentials":
        return [codeAsked ? "bad_code" : "bad_credentials"];
      case "login_locked":
        return ["login_locked"];
      case "too_many_attempts":
      case "too_many_requests":
        return ["too_many"];
      case "invalid_request":
        return ["email_invalid"];
      default:
        if (error.status === 401) return [codeAsked ? "bad_code" : "bad_credentials"];
        if (error.status === 429) return ["too_many"];
        return ["server", { code: error.code }];
    }
  }
  return ["network"];
}

function setUpLogin(): void {
  const form = element<HTMLFormElement>("login-form");
  const email = element<HTMLInputElement>("email");
  const password = element<HTMLInputElement>("password");
  const code = element<HTMLInputElement>("code");
  const button = element<HTMLButtonElement>("login-button");
  const progress = element<HTMLProgressElement>("login-progress");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    for (const input of [email, password, code]) input.removeAttribute("aria-invalid");
    if (email.value.trim() === "" || password.value === "") {
      showAlert("fields_missing");
      (email.value.trim() === "" ? email : password).setAttribute("aria-invalid", "true");
      (email.value.trim() === "" ? email : password).focus();
      return;
    }
    const typedCode = code.value.replace(/\s/g, "");
    if (codeAsked && !/^[0-9A-Za-z-]{6,40}$/.test(typedCode)) {
      showAlert("code_format");
      code.setAttribute("aria-invalid", "true");
      code.focus();
      return;
    }
    button.disabled = true;
    progress.value = 0;
    progress.hidden = false;
    setStatus(t("checking"));
    let lastPercent = -1;
    logIn(email.value, password.value, codeAsked ? typedCode : null, (fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent !== lastPercent) {
        lastPercent = percent;
        progress.value = percent;
        setStatus(t("checking_progress", { percent }));
      }
    })
      .then((opened) => {
        session = opened;
        codeAsked = false;
        password.value = "";
        code.value = "";
        element("code-field").hidden = true;
        element("whoami").textContent = t("signed_in_as", { email: opened.account.email });
        setStatus("");
        route();
      })
      .catch((error: unknown) => {
        setStatus("");
        if (error instanceof SecondFactorNeeded) {
          codeAsked = true;
          element("code-field").hidden = false;
          showAlert("code_needed");
          code.focus();
          return;
        }
        showAlert(...loginFailure(error));
        code.value = "";
        const wrongPassword = error instanceof ApiFailure && error.status === 401;
        if (wrongPassword && !codeAsked) {
          password.setAttribute("aria-invalid", "true");
          password.select();
          password.focus();
        } else if (codeAsked) {
          code.focus();
        }
      })
      .finally(() => {
        button.disabled = false;
        progress.hidden = true;
      });
  });

  element("logout").addEventListener("click", () => {
    const ending = session;
    session = null;
    generation++;
    clearViews();
    if (ending !== null) void logOut(ending);
    history.replaceState(null, "", `${location.pathname}${location.search}`);
    showLogin();
    showAlert("logged_out");
  });
}

function clearViews(): void {
  element("inbox-rows").replaceChildren();
  element("outbox-rows").replaceChildren();
  element("envelope-file-list").replaceChildren();
  element("envelope-files").hidden = true;
  element("whoami").textContent = "";
  void removeStaleStaging();
}

// ---------------------------------------------------------------- routes

function route(): void {
  generation++;
  clearAlert();
  setStatus("");
  if (session === null) {
    showLogin();
    return;
  }
  const hash = location.hash.replace(/^#\/?/, "");
  const [head, ...rest] = hash.split("/");
  const argument = rest.length > 0 ? decodeURIComponent(rest.join("/")) : null;
  switch (head) {
    case "envelope":
      if (argument !== null && ENVELOPE_ID.test(argument)) {
        void showEnvelope(session, argument);
        return;
      }
      break;
    case "outbox":
      void showOutbox(session);
      return;
    case "inbox":
      void showInbox(session, argument);
      return;
    default:
      break;
  }
  void showInbox(session, null);
}

// ---------------------------------------------------------------- inbox

async function showInbox(current: Session, mailbox: string | null): Promise<void> {
  const mine = generation;
  show("inbox", "inbox_title");
  const select = element<HTMLSelectElement>("mailbox");
  const chosen = mailbox !== null && current.account.mailboxes.includes(mailbox) ? mailbox : null;
  const options = [new Option(t("mailbox_all"), "")];
  for (const name of current.account.mailboxes) options.push(new Option(name, name));
  select.replaceChildren(...options);
  select.value = chosen ?? "";
  select.onchange = () => {
    location.hash = select.value === "" ? "#/inbox" : `#/inbox/${encodeURIComponent(select.value)}`;
  };
  const rows = element("inbox-rows");
  rows.replaceChildren();
  element("inbox-empty").hidden = true;
  const more = element<HTMLButtonElement>("inbox-more");
  more.hidden = true;
  let cursor: string | null = null;
  const load = async (): Promise<void> => {
    setStatus(t("loading"));
    more.disabled = true;
    try {
      const page = await current.client.inbox(chosen, cursor);
      if (mine !== generation) return;
      setStatus("");
      const first = rows.children.length;
      for (const summary of page.items) rows.append(inboxRow(summary));
      element("inbox-empty").hidden = rows.children.length > 0;
      cursor = page.next_cursor ?? null;
      more.hidden = cursor === null;
      // After "Plus", keyboard users continue from the first new row.
      if (first > 0) rows.children[first]?.querySelector("a")?.focus();
    } catch (error) {
      if (mine === generation) report(error);
    } finally {
      more.disabled = false;
    }
  };
  more.onclick = () => void load();
  await load();
}

function inboxRow(summary: EnvelopeSummary): HTMLTableRowElement {
  const row = document.createElement("tr");
  const date = dateText(summary.created_at);
  const cells = [String(summary.sender), recipientsText(summary.to), date, formatSize(Number(summary.size), language)];
  for (const text of cells) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  const action = document.createElement("td");
  const link = document.createElement("a");
  link.href = `#/envelope/${ENVELOPE_ID.test(summary.id) ? summary.id : ""}`;
  link.textContent = t("open");
  link.setAttribute("aria-label", t("open_named", { sender: String(summary.sender), date }));
  action.append(link);
  row.append(action);
  return row;
}

function recipientsText(to: unknown): string {
  return Array.isArray(to) ? to.map(String).join(", ") : "";
}

function dateText(rfc3339: string): string {
  const at = Date.parse(rfc3339);
  return Number.isFinite(at) ? formatTime(at / 1000, language) : "—";
}

// ---------------------------------------------------------------- envelope

async function showEnvelope(current: Session, id: string): Promise<void> {
  const mine = generation;
  show("envelope", "envelope_title");
  for (const name of ["envelope-from", "envelope-to", "envelope-date", "envelope-size", "envelope-subject", "envelope-dlp", "envelope-receipt"]) {
    element(name).textContent = "";
  }
  for (const name of ["envelope-subject-term", "envelope-subject", "envelope-dlp-term", "envelope-dlp"]) element(name).hidden = true;
  element("envelope-file-list").replaceChildren();
  element("envelope-files").hidden = true;
  element("stepup-form").hidden = true;
  const box = element("envelope-progress-box");
  const progress = element<HTMLProgressElement>("envelope-progress");
  progress.value = 0;
  box.hidden = false;
  setStatus(t("opening"));
  element("main").focus();
  try {
    const opened = await openFromInbox(current, id, (done, total) => {
      if (mine !== generation || total <= 0) return;
      progress.value = Math.min(100, (done / total) * 100);
      element("envelope-progress-text").textContent = t("progress", { done: formatSize(done, language), total: formatSize(total, language) });
    });
    if (mine !== generation) return;
    box.hidden = true;
    setStatus("");
    const manifest = opened.manifest;
    element("envelope-from").textContent = manifest.sender.email;
    element("envelope-to").textContent = manifest.recipients.join(", ");
    element("envelope-date").textContent = formatTime(manifest.created_at, language);
    element("envelope-size").textContent = formatSize(Number(opened.summary.size), language);
    element("envelope-subject").textContent = manifest.subject === "" ? t("no_subject") : manifest.subject;
    element("envelope-subject-term").hidden = false;
    element("envelope-subject").hidden = false;
    if (manifest.dlp !== undefined) {
      const kinds = Object.entries(manifest.dlp.kinds).map(([kind, count]) => `${kind} ${count}`);
      element("envelope-dlp").textContent = `${manifest.dlp.decision}${kinds.length > 0 ? ` (${kinds.join(", ")})` : ""}`;
      element("envelope-dlp-term").hidden = false;
      element("envelope-dlp").hidden = false;
    }
    offerFiles(opened.files);
    const receiptKey: AppMessage = opened.receipt === "signed" ? "receipt_signed" : opened.receipt === "already" ? "receipt_already" : "receipt_failed";
    element("envelope-receipt").textContent = t(receiptKey);
  } catch (error) {
    if (mine !== generation) return;
    box.hidden = true;
    // Until something checked, only the listing's facts are known; show none of a refused one.
    report(error);
    if (error instanceof ApiFailure && error.code === "second_factor_again") askStepUp(current, id);
  }
}

/** The flow monitor wants the second factor again before this session downloads more. */
function askStepUp(current: Session, id: string): void {
  const form = element<HTMLFormElement>("stepup-form");
  const input = element<HTMLInputElement>("stepup-code");
  const button = element<HTMLButtonElement>("stepup-button");
  form.hidden = false;
  input.value = "";
  input.focus();
  form.onsubmit = (event) => {
    event.preventDefault();
    const code = input.value.replace(/\s/g, "");
    if (!/^[0-9A-Za-z-]{6,40}$/.test(code)) {
      showAlert("code_format");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    button.disabled = true;
    current.client
      .stepUp(code)
      .then(() => {
        form.hidden = true;
        input.removeAttribute("aria-invalid");
        clearAlert();
        void showEnvelope(current, id);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiFailure && (error.status === 400 || error.code === "invalid_code")) {
          showAlert("stepup_wrong");
          input.setAttribute("aria-invalid", "true");
          input.value = "";
          input.focus();
        } else {
          report(error);
        }
      })
      .finally(() => {
        button.disabled = false;
      });
  };
}

function offerFiles(files: StagedFile[]): void {
  const list = element("envelope-file-list");
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
  element("envelope-files").hidden = false;
  list.querySelector("button")?.focus();
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

// ---------------------------------------------------------------- outbox

async function showOutbox(current: Session): Promise<void> {
  const mine = generation;
  show("outbox", "outbox_title");
  const rows = element("outbox-rows");
  rows.replaceChildren();
  element("outbox-empty").hidden = true;
  const more = element<HTMLButtonElement>("outbox-more");
  more.hidden = true;
  let cursor: string | null = null;
  const load = async (): Promise<void> => {
    setStatus(t("loading"));
    more.disabled = true;
    try {
      const page = await current.client.outbox(cursor);
      if (mine !== generation) return;
      const added: { summary: EnvelopeSummary; row: HTMLTableRowElement }[] = [];
      for (const summary of page.items) {
        const row = outboxRow(summary);
        rows.append(row);
        added.push({ summary, row });
      }
      element("outbox-empty").hidden = rows.children.length > 0;
      cursor = page.next_cursor ?? null;
      more.hidden = cursor === null;
      for (const { summary, row } of added) {
        if (!ENVELOPE_ID.test(summary.id)) continue;
        const state = await sentState(current, summary.id, null);
        if (mine !== generation) return;
        fillOutboxRow(current, summary.id, row, state);
      }
      setStatus("");
    } catch (error) {
      if (mine === generation) report(error);
    } finally {
      more.disabled = false;
    }
  };
  more.onclick = () => void load();
  await load();
}

/**
 * Compares the receipts with the manifest this account sealed, on request only: reading the
 * head of one's own envelope is a download, which the flow monitor counts.
 */
async function compareWithSealed(current: Session, id: string, row: HTMLTableRowElement, button: HTMLButtonElement): Promise<void> {
  const mine = generation;
  button.disabled = true;
  try {
    const state = await sentState(current, id, await sealedManifestHash(current, id));
    if (mine !== generation) return;
    fillOutboxRow(current, id, row, state);
    row.cells[3]?.querySelector("li")?.setAttribute("tabindex", "-1");
    row.cells[3]?.querySelector<HTMLElement>("li")?.focus();
  } catch (error) {
    button.disabled = false;
    if (mine === generation) report(error);
  }
}

function outboxRow(summary: EnvelopeSummary): HTMLTableRowElement {
  const row = document.createElement("tr");
  for (const text of [recipientsText(summary.to), dateText(summary.created_at), formatSize(Number(summary.size), language), "…", "…"]) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  row.dataset.id = summary.id;
  return row;
}

function fillOutboxRow(current: Session, id: string, row: HTMLTableRowElement, state: SentState): void {
  const [receiptsCell, linksCell] = [row.cells[3], row.cells[4]];
  if (receiptsCell === undefined || linksCell === undefined) return;
  receiptsCell.replaceChildren(list(
    state.receipts.map((receipt) => {
      const date = formatTime(receipt.openedAt, language);
      const key: AppMessage = receipt.status === "verified" ? "receipt_verified" : receipt.status === "signature_only" ? "receipt_signature_only" : "receipt_invalid";
      return { text: t(key, { email: receipt.email, date }), mark: receipt.status === "invalid" ? "mark" : receipt.status === "verified" ? "mark ok" : "" };
    }),
  ));
  if (state.receipts.some((receipt) => receipt.status === "signature_only")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = t("compare");
    button.addEventListener("click", () => void compareWithSealed(current, id, row, button));
    receiptsCell.append(button);
  }
  linksCell.replaceChildren(list(
    state.links.map((link) => ({
      text: t("link_state", { email: String(link.email), state: linkState(String(link.state)), downloads: Number(link.downloads), max: Number(link.max_downloads) }),
      mark: link.state === "locked" ? "mark" : "",
    })),
  ));
}

function linkState(state: string): string {
  switch (state) {
    case "active":
      return t("link_active");
    case "locked":
      return t("link_locked");
    case "expired":
      return t("link_expired");
    case "exhausted":
      return t("link_exhausted");
    case "withdrawn":
      return t("link_withdrawn");
    default:
      return state;
  }
}

function list(items: { text: string; mark: string }[]): Node {
  if (items.length === 0) return document.createTextNode(t("receipts_none"));
  const out = document.createElement("ul");
  for (const { text, mark } of items) {
    const item = document.createElement("li");
    item.textContent = text;
    if (mark !== "") item.className = mark;
    out.append(item);
  }
  return out;
}

// ---------------------------------------------------------------- start

function main(): void {
  translatePage();
  void removeStaleStaging();
  setUpLogin();
  window.addEventListener("hashchange", route);
  route();
}

main();
