// The login form: address, password, and the second factor's code when the server asks.
import { KeyError } from "../../account/keys.js";
import { ApiFailure } from "../api.js";
import type { AppMessage } from "../messages.js";
import { LogKeyChanged } from "../pins.js";
import { Inconsistent, SecondFactorNeeded, logIn, logOut } from "../session.js";
import { removeStaleStaging } from "../../opfs.js";
import { app, clearAlert, element, setStatus, show, showAlert, t } from "../ui.js";

let codeAsked = false;

export function showLogin(): void {
  show("login", "login_title");
  element("code-field").hidden = !codeAsked;
  element<HTMLInputElement>(codeAsked ? "code" : "email").focus();
}

function loginFailure(error: unknown): [AppMessage, Record<string, string | number>?] {
  if (error instanceof SecondFactorNeeded) return ["code_needed"];
  if (error instanceof DOMException || error instanceof TypeError) return ["passkey_failed"];
  if (error instanceof KeyError) {
    if (error.failure === "weak_params" || error.failure === "bad_salt") return ["weak_params"];
    // The server accepted the authentication key, yet its keys do not open or are not the
    // account's: it is not answering honestly.
    return ["inconsistent"];
  }
  if (error instanceof Inconsistent) return ["inconsistent"];
  if (error instanceof LogKeyChanged) return ["log_key_changed"];
  if (error instanceof ApiFailure) {
    switch (error.code) {
      case "invalid_credentials":
        return [codeAsked ? "bad_code" : "bad_credentials"];
      case "login_locked":
        return ["login_locked"];
      case "no_passkey":
        return ["no_passkey"];
      case "passkeys_unavailable":
        return ["passkeys_unavailable"];
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

export function setUpLogin(onLoggedIn: () => void): void {
  const form = element<HTMLFormElement>("login-form");
  const email = element<HTMLInputElement>("email");
  const password = element<HTMLInputElement>("password");
  const code = element<HTMLInputElement>("code");
  const button = element<HTMLButtonElement>("login-button");
  const progress = element<HTMLProgressElement>("login-progress");
  // The passkey button submits the same form: the password is needed either way, since it
  // is what unwraps the account's keys.
  let viaPasskey = false;
  element("passkey-login").addEventListener("click", () => {
    viaPasskey = true;
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const usePasskey = viaPasskey;
    viaPasskey = false;
    clearAlert();
    for (const input of [email, password, code]) input.removeAttribute("aria-invalid");
    if (email.value.trim() === "" || password.value === "") {
      showAlert("fields_missing");
      (email.value.trim() === "" ? email : password).setAttribute("aria-invalid", "true");
      (email.value.trim() === "" ? email : password).focus();
      return;
    }
    const typedCode = code.value.replace(/\s/g, "");
    if (codeAsked && !usePasskey && !/^[0-9A-Za-z-]{6,40}$/.test(typedCode)) {
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
    logIn(
      email.value,
      password.value,
      codeAsked && !usePasskey ? typedCode : null,
      (fraction) => {
        const percent = Math.floor(fraction * 100);
        if (percent !== lastPercent) {
          lastPercent = percent;
          progress.value = percent;
          setStatus(t("checking_progress", { percent }));
        }
      },
      usePasskey,
    )
      .then((opened) => {
        app.session = opened;
        codeAsked = false;
        password.value = "";
        code.value = "";
        element("code-field").hidden = true;
        element("whoami").textContent = t("signed_in_as", { email: opened.account.email });
        setStatus("");
        onLoggedIn();
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
    const ending = app.session;
    app.session = null;
    app.generation++;
    clearViews();
    if (ending !== null) void logOut(ending);
    history.replaceState(null, "", `${location.pathname}${location.search}`);
    showLogin();
    showAlert("logged_out");
  });
}

/** Empties every view, so nothing of a session that ended stays in the page. */
export function clearViews(): void {
  element("inbox-rows").replaceChildren();
  element("outbox-rows").replaceChildren();
  element("envelope-file-list").replaceChildren();
  element("envelope-files").hidden = true;
  element("whoami").textContent = "";
  void removeStaleStaging();
}
