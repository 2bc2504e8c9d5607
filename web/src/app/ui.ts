// What every view of the app shares: the page's language and texts, its elements, the status
// and alert regions, and the state of the session (which lives here, in memory, only).
import { ApiFailure } from "./api.js";
import { appTranslator, type AppMessage } from "./messages.js";
import { SenderKeyError } from "./open.js";
import { forget, type Session } from "./session.js";
import { EnvelopeError } from "../envelope/index.js";
import { formatTime, pageLanguage } from "../i18n.js";
import type { StagedFile } from "../opfs.js";

export const language = pageLanguage(location.search);
export const t = appTranslator(language);
const SECTIONS = ["login", "inbox", "envelope", "outbox", "send", "requests", "passkeys", "witnesses", "admin"] as const;
export type SectionName = (typeof SECTIONS)[number];

export const app = {
  session: null as Session | null,
  /** Bumped at each navigation, so a slow answer for a page left behind is dropped. */
  generation: 0,
  /** Shows the login form when the server says the session ended. */
  sessionEnded: (): void => undefined,
};

export function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

export function translatePage(): void {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll<HTMLElement>("[data-t]")) {
    node.textContent = t(node.dataset.t as AppMessage);
  }
  const switcher = element<HTMLAnchorElement>("language");
  const other = language === "en" ? "fr" : "en";
  switcher.textContent = t("switch_language");
  switcher.lang = other;
  switcher.hreflang = other;
  // Switching language reloads the page, which ends the session: it lives in memory only.
  switcher.href = `${location.pathname}${other === "en" ? "?lang=en" : ""}${location.hash}`;
}

export function show(name: SectionName, title: AppMessage): void {
  for (const section of SECTIONS) element(section).hidden = section !== name;
  element("nav").hidden = app.session === null;
  // Only a convenience: the server refuses the admin routes to everyone else.
  element("nav-admin").hidden = app.session?.account.role !== "admin";
  for (const [id, route] of [
    ["nav-inbox", "inbox"],
    ["nav-outbox", "outbox"],
    ["nav-send", "send"],
    ["nav-requests", "requests"],
    ["nav-passkeys", "passkeys"],
    ["nav-witnesses", "witnesses"],
    ["nav-admin", "admin"],
  ] as const) {
    const link = element(id);
    if (route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t(title)} — Pli`;
}

export function showAlert(key: AppMessage, params?: Record<string, string | number>): void {
  const alert = element("alert");
  alert.textContent = t(key, params);
  alert.hidden = false;
}

export function clearAlert(): void {
  const alert = element("alert");
  alert.hidden = true;
  alert.textContent = "";
}

export function setStatus(text: string): void {
  element("status").textContent = text;
}

/** A message for any failure; a dead session sends back to the login form. */
export function report(error: unknown): void {
  setStatus("");
  if (error instanceof ApiFailure && error.status === 401 && app.session !== null) {
    forget(app.session);
    app.session = null;
    app.sessionEnded();
    showAlert("session_ended");
    return;
  }
  showAlert(...failureMessage(error));
}

export function failureMessage(error: unknown): [AppMessage, Record<string, string | number>?] {
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

export function recipientsText(to: unknown): string {
  return Array.isArray(to) ? to.map(String).join(", ") : "";
}

export function dateText(rfc3339: string): string {
  const at = Date.parse(rfc3339);
  return Number.isFinite(at) ? formatTime(at / 1000, language) : "—";
}

/** Saves through an object URL of the staged file, so the browser copies it from disk. */
export function save(staged: StagedFile): void {
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
