// The account's passkeys (#/passkeys): the list, and adding one. On an account that already has
// a second factor the server asks for a proof of it: one of its passkeys when it has any,
// else the code of its authenticator app.
import { ApiFailure, type PasskeyAnswer, type PasskeyInfo } from "../api.js";
import type { Session } from "../session.js";
import { app, clearAlert, dateText, element, report, setStatus, show, showAlert, t } from "../ui.js";
import { createCredential, getAssertion, passkeysAvailable } from "../webauthn.js";

let codeAsked = false;

export async function showPasskeys(current: Session): Promise<void> {
  const mine = app.generation;
  show("passkeys", "passkeys_title");
  element("passkey-code-field").hidden = !codeAsked;
  try {
    const items = await current.client.passkeys();
    if (mine !== app.generation) return;
    list(items);
  } catch (error) {
    report(error);
  }
}

function list(items: PasskeyInfo[]): void {
  const rows = element("passkey-list");
  rows.replaceChildren(
    ...items.map((item) => {
      const row = document.createElement("li");
      const used = item.last_used_at === undefined ? t("passkey_never_used") : t("passkey_used", { date: dateText(item.last_used_at) });
      row.textContent = `${item.name} — ${t("passkey_added", { date: dateText(item.created_at) })}, ${used}`;
      return row;
    }),
  );
  element("passkeys-empty").hidden = items.length > 0;
}

export function setUpPasskeys(): void {
  const form = element<HTMLFormElement>("passkey-form");
  const name = element<HTMLInputElement>("passkey-name");
  const code = element<HTMLInputElement>("passkey-code");
  const button = element<HTMLButtonElement>("passkey-add");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const session = app.session;
    if (session === null) return;
    if (!passkeysAvailable()) {
      showAlert("passkeys_unsupported");
      return;
    }
    const typedName = name.value.trim();
    if (typedName === "") {
      showAlert("passkey_name_missing");
      name.setAttribute("aria-invalid", "true");
      name.focus();
      return;
    }
    name.removeAttribute("aria-invalid");
    button.disabled = true;
    setStatus(t("passkey_waiting"));
    void add(session, typedName, codeAsked ? code.value.replace(/\s/g, "") : null)
      .then(async () => {
        codeAsked = false;
        code.value = "";
        name.value = "";
        element("passkey-code-field").hidden = true;
        setStatus(t("passkey_added_status"));
        list(await session.client.passkeys());
      })
      .catch((error: unknown) => {
        setStatus("");
        if (error instanceof ApiFailure && error.code === "second_factor_proof_needed") {
          codeAsked = true;
          element("passkey-code-field").hidden = false;
          showAlert("passkey_proof_needed");
          code.focus();
          return;
        }
        if (error instanceof ApiFailure && error.code === "invalid_code") {
          showAlert("bad_passkey_code");
          code.focus();
          return;
        }
        if (error instanceof DOMException || error instanceof TypeError) {
          showAlert("passkey_failed");
          return;
        }
        report(error);
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}

async function add(session: Session, name: string, code: string | null): Promise<void> {
  const proof: { code?: string; passkey?: PasskeyAnswer } = {};
  if (code !== null && code !== "") {
    proof.code = code;
  } else if ((await session.client.passkeys()).length > 0) {
    const challenge = await session.client.passkeyChallenge();
    proof.passkey = { ceremony: challenge.ceremony, credential: await getAssertion(challenge.options) };
  }
  const challenge = await session.client.passkeyOptions(proof);
  const credential = await createCredential(challenge.options);
  await session.client.addPasskey(challenge.ceremony, name, credential);
}
