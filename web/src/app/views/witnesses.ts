// The witnesses this browser trusts (#/witnesses), as `pli audit witnesses` sets them for a
// profile: their keys, and how many of them must have cosigned the audit log's checkpoint that
// recipients' keys are proven against before anything is encrypted to them. Kept in this
// origin's storage (public keys and a number: nothing secret).
import { keepTrustedWitnesses, trustedWitnesses } from "../pins.js";
import { app, clearAlert, element, setStatus, show, showAlert, t } from "../ui.js";
import { equalBytes } from "../../envelope/bytes.js";
import { parseCosigner, type Cosigner } from "../../transparency/cosignature.js";

/** The most witnesses a client may name (the server's bound on a checkpoint's witnesses). */
const MAX_WITNESSES = 16;

export function showWitnesses(): void {
  show("witnesses", "witnesses_title");
  const trusted = trustedWitnesses();
  element<HTMLTextAreaElement>("witness-keys").value = trusted.keys.join("\n");
  element<HTMLInputElement>("witness-required").value = String(trusted.required);
  describe(trusted.keys.length, trusted.required);
}

function describe(count: number, required: number): void {
  element("witnesses-current").textContent =
    required === 0 ? t("witnesses_none_required", { count }) : t("witnesses_required", { count, required });
}

export function setUpWitnesses(): void {
  const form = element<HTMLFormElement>("witness-form");
  const keys = element<HTMLTextAreaElement>("witness-keys");
  const required = element<HTMLInputElement>("witness-required");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    if (app.session === null) return;
    keys.removeAttribute("aria-invalid");
    required.removeAttribute("aria-invalid");
    const lines = keys.value
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    const witnesses: Cosigner[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        const witness = parseCosigner(line);
        // One key under two names would count as two witnesses: kept once.
        if (!witnesses.some((kept) => equalBytes(kept.publicKey, witness.publicKey))) witnesses.push(witness);
      } catch {
        keys.setAttribute("aria-invalid", "true");
        keys.focus();
        showAlert("witness_key_invalid", { line: index + 1 });
        return;
      }
    }
    const parsed = witnesses.map((witness) => witness.text);
    if (parsed.length > MAX_WITNESSES) {
      keys.setAttribute("aria-invalid", "true");
      keys.focus();
      showAlert("witness_too_many", { max: MAX_WITNESSES });
      return;
    }
    const number = required.value.trim() === "" ? 0 : Number(required.value.trim());
    if (!Number.isSafeInteger(number) || number < 0 || number > parsed.length) {
      required.setAttribute("aria-invalid", "true");
      required.focus();
      showAlert("witness_required_invalid", { count: parsed.length });
      return;
    }
    keepTrustedWitnesses({ keys: parsed, required: number });
    keys.value = parsed.join("\n");
    describe(parsed.length, number);
    setStatus(t("witnesses_saved"));
  });
}
