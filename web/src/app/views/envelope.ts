// One envelope of the inbox: opened and checked in the browser, then its files offered.
import { ApiFailure, type PasskeyAnswer } from "../api.js";
import type { AppMessage } from "../messages.js";
import { openFromInbox } from "../open.js";
import type { Session } from "../session.js";
import { formatSize, formatTime } from "../../i18n.js";
import type { StagedFile } from "../../opfs.js";
import { app, clearAlert, element, language, report, save, setStatus, show, showAlert, t } from "../ui.js";
import { getAssertion, passkeysAvailable } from "../webauthn.js";

/** Deletes the files staged for the envelope last shown, if any. */
let discardStaged: (() => Promise<void>) | null = null;

/**
 * At most one envelope's decrypted files stay staged: opening another deletes them (logging
 * out deletes everything staged). Not on leaving the view, which would break a download the
 * browser is still copying from the staged file.
 */
async function discardPrevious(): Promise<void> {
  const discard = discardStaged;
  discardStaged = null;
  await discard?.().catch(() => undefined);
}

export async function showEnvelope(current: Session, id: string): Promise<void> {
  const mine = app.generation;
  await discardPrevious();
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
      if (mine !== app.generation || total <= 0) return;
      progress.value = Math.min(100, (done / total) * 100);
      element("envelope-progress-text").textContent = t("progress", { done: formatSize(done, language), total: formatSize(total, language) });
    });
    if (mine !== app.generation) {
      await opened.discard();
      return;
    }
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
    discardStaged = opened.discard;
    offerFiles(opened.files);
    const receiptKey: AppMessage = opened.receipt === "signed" ? "receipt_signed" : opened.receipt === "already" ? "receipt_already" : "receipt_failed";
    element("envelope-receipt").textContent = t(receiptKey);
  } catch (error) {
    if (mine !== app.generation) return;
    box.hidden = true;
    // Until something checked, only the listing's facts are known; show none of a refused one.
    report(error);
    if (error instanceof ApiFailure && error.code === "second_factor_again") askStepUp(current, id);
  }
}

/**
 * The flow monitor wants the second factor again before this session downloads more: a code
 * typed in the form, or one of the account's passkeys.
 */
function askStepUp(current: Session, id: string): void {
  const form = element<HTMLFormElement>("stepup-form");
  const input = element<HTMLInputElement>("stepup-code");
  const button = element<HTMLButtonElement>("stepup-button");
  const withPasskey = element<HTMLButtonElement>("stepup-passkey");
  withPasskey.hidden = !passkeysAvailable();
  form.hidden = false;
  input.value = "";
  input.focus();
  const answer = (proof: () => Promise<{ code: string } | { passkey: PasskeyAnswer }>): void => {
    button.disabled = true;
    withPasskey.disabled = true;
    proof()
      .then((given) => current.client.stepUp(given))
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
        } else if (error instanceof DOMException || error instanceof TypeError) {
          showAlert("passkey_failed");
        } else {
          report(error);
        }
      })
      .finally(() => {
        button.disabled = false;
        withPasskey.disabled = false;
      });
  };
  form.onsubmit = (event) => {
    event.preventDefault();
    const code = input.value.replace(/\s/g, "");
    if (!/^[0-9A-Za-z-]{6,40}$/.test(code)) {
      showAlert("code_format");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    answer(async () => ({ code }));
  };
  withPasskey.onclick = () => {
    clearAlert();
    answer(async () => {
      const challenge = await current.client.passkeyChallenge();
      return { passkey: { ceremony: challenge.ceremony, credential: await getAssertion(challenge.options) } };
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
