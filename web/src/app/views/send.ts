// The send form: recipients, subject, files, and optionally a person without an account
// reached by link; sealed and uploaded by ../send.ts.
import { EnvelopeError } from "../../envelope/errors.js";
import { formatTime } from "../../i18n.js";
import type { LinkCreated } from "../api.js";
import type { AppMessage } from "../messages.js";
import type { NotInspectable } from "../../dlp/extract.js";
import type { Reason } from "../../dlp/policy.js";
import { LinkNotCreated, SendRefused, sendFiles, type ExternalTyped, type PolicyReview } from "../send.js";
import type { Session } from "../session.js";
import { app, clearAlert, element, language, report, setStatus, show, showAlert, t } from "../ui.js";

export function showSend(current: Session): void {
  show("send", "send_title");
  const form = element<HTMLFormElement>("send-form");
  const to = element<HTMLInputElement>("send-to");
  const subject = element<HTMLInputElement>("send-subject");
  const files = element<HTMLInputElement>("send-files");
  const button = element<HTMLButtonElement>("send-button");
  const progress = element<HTMLProgressElement>("send-progress");
  const external = element<HTMLInputElement>("send-external");
  const phone = element<HTMLInputElement>("send-sms");
  const expires = element<HTMLInputElement>("send-expires");
  const downloads = element<HTMLInputElement>("send-max-downloads");
  const linkShown = element("send-link");
  linkShown.hidden = true;
  element("send-review").hidden = true;
  to.focus();
  form.onsubmit = (event) => {
    event.preventDefault();
    clearAlert();
    const mine = app.generation;
    button.disabled = true;
    progress.value = 0;
    progress.hidden = false;
    setStatus(t("sending", { percent: 0 }));
    linkShown.hidden = true;
    const externalTyped: ExternalTyped | null =
      external.value.trim() === "" ? null : { email: external.value, phone: phone.value, expiresHours: Number(expires.value), maxDownloads: Number(downloads.value) };
    sendFiles(
      current,
      [...(files.files ?? [])],
      to.value,
      subject.value.trim(),
      externalTyped,
      (done, total) => {
        const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
        progress.value = percent;
        setStatus(t("sending", { percent }));
      },
      (review) => (mine === app.generation ? showReview(review) : Promise.resolve(null)),
      (done, total) => {
        const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
        progress.value = percent;
        setStatus(t("send_scanning", { percent }));
      },
      () => setStatus(t("resuming")),
    )
      .then(({ id, link }) => {
        if (mine !== app.generation) return;
        form.reset();
        if (link !== null && externalTyped !== null) showLink(link, externalTyped);
        setStatus(t("sent", { id }));
        to.focus();
      })
      .catch((error: unknown) => {
        if (mine !== app.generation) return;
        setStatus("");
        if (error instanceof SendRefused) {
          showAlert(refusal(error.reason), { address: error.address, ...error.detail, reasons: reasonsText(error.reasons) });
          fieldAt(error.reason, { to, files, external, phone, expires, downloads }).focus();
        } else if (error instanceof LinkNotCreated) {
          showAlert("send_link_failed", { id: error.envelopeId });
        } else if (error instanceof EnvelopeError) {
          showAlert(error.failure === "hash" ? "send_changed" : "send_invalid");
        } else {
          report(error);
        }
      })
      .finally(() => {
        button.disabled = false;
        progress.hidden = true;
        element("send-review").hidden = true;
      });
  };
}

/** Where the link went and where its code went, as `pli send --external` prints them. */
function showLink(link: LinkCreated, typed: ExternalTyped): void {
  element("send-link-url").textContent = link.url;
  const expiresAt = Date.parse(link.expires_at);
  element("send-link-expires").textContent = t("send_link_expires", {
    date: Number.isNaN(expiresAt) ? link.expires_at : formatTime(Math.floor(expiresAt / 1000), language),
    downloads: link.max_downloads,
  });
  const phone = typed.phone.trim();
  element("send-link-code").textContent = phone === "" ? t("send_code_mail", { email: typed.email.trim().toLowerCase() }) : t("send_code_sms", { phone });
  element("send-link").hidden = false;
}

/**
 * Shows what the scan found (kinds, counts, masked excerpts) and why the policy flags it, and
 * waits for the sender: confirmed (with the justification the policy asks for) or cancelled.
 */
function showReview(review: PolicyReview): Promise<string | null> {
  const panel = element("send-review");
  const justify = review.decision.action === "justify";
  element("send-review-reasons").textContent = t(justify ? "send_review_justify" : "send_review_warn", { version: review.version, reasons: reasonsText(review.decision.reasons) });
  const list = element("send-review-files");
  list.replaceChildren(
    ...review.inspection.files.map((file) => {
      const item = document.createElement("li");
      const found = file.kinds.map((entry) => t("dlp_kind_count", { kind: entry.kind, count: entry.count, excerpts: entry.excerpts.join(", ") }));
      if (file.notInspectable !== null && found.length > 0) {
        item.textContent = t("dlp_file_partly_inspected", { name: file.name, reason: notInspectableText(file.notInspectable), found: found.join(" ; ") });
      } else if (file.notInspectable !== null) {
        item.textContent = t("dlp_file_not_inspected", { name: file.name, reason: notInspectableText(file.notInspectable) });
      } else {
        item.textContent = t("dlp_file_found", { name: file.name, found: found.length === 0 ? "—" : found.join(" ; ") });
      }
      return item;
    }),
  );
  const fields = element("send-justification-fields");
  const justification = element<HTMLTextAreaElement>("send-justification");
  justification.value = "";
  fields.hidden = !justify;
  panel.hidden = false;
  const confirm = element<HTMLButtonElement>("send-review-confirm");
  const cancel = element<HTMLButtonElement>("send-review-cancel");
  (justify ? justification : confirm).focus();
  return new Promise((resolve) => {
    const done = (answer: string | null) => {
      confirm.onclick = null;
      cancel.onclick = null;
      panel.hidden = true;
      resolve(answer);
    };
    confirm.onclick = () => {
      if (justify && justification.value.trim() === "") {
        showAlert("send_justification_needed");
        justification.focus();
        return;
      }
      clearAlert();
      done(justify ? justification.value : "");
    };
    cancel.onclick = () => done(null);
  });
}

/** The rules that fired, in the page's language: `nir vers l'extérieur (bloqué)`. */
function reasonsText(reasons: readonly Reason[]): string {
  return reasons
    .map((reason) =>
      t("dlp_reason", {
        kind: reason.kind ?? t("dlp_not_inspected_files"),
        destination: t(`dlp_destination_${reason.destination}`),
        action: t(`dlp_action_${reason.action}`),
      }),
    )
    .join(" ; ");
}

function notInspectableText(reason: NotInspectable): string {
  if (reason === "pdf") return t("dlp_not_inspectable_pdf");
  if (reason === "image") return t("dlp_not_inspectable_image");
  if (reason === "scanned-pdf") return t("dlp_not_inspectable_scanned");
  if (reason === "timeout") return t("dlp_not_inspectable_timeout");
  if (reason === "extractor-failed") return t("dlp_not_inspectable_failed");
  if (reason === "images-not-inspected") return t("dlp_not_inspectable_images");
  if (reason === "embedded-objects-not-inspected") return t("dlp_not_inspectable_objects");
  return t("dlp_not_inspectable_other");
}

function fieldAt(reason: SendRefused["reason"], fields: Record<"to" | "files" | "external" | "phone" | "expires" | "downloads", HTMLInputElement>): HTMLInputElement {
  switch (reason) {
    case "no_file":
      return fields.files;
    case "external_email":
      return fields.external;
    case "external_phone":
      return fields.phone;
    case "link_expiry":
      return fields.expires;
    case "link_downloads":
      return fields.downloads;
    default:
      return fields.to;
  }
}

function refusal(reason: SendRefused["reason"]): AppMessage {
  switch (reason) {
    case "no_file":
      return "send_no_file";
    case "no_recipient":
      return "send_no_recipient";
    case "unknown_recipient":
      return "send_unknown_recipient";
    case "untrusted_key":
      return "send_untrusted_key";
    case "unproven_key":
      return "send_unproven_key";
    case "unwitnessed_key":
      return "send_unwitnessed_key";
    case "policy_untrusted":
      return "send_policy_untrusted";
    case "policy_signer_not_admin":
      return "send_policy_signer_not_admin";
    case "policy_role_not_logged":
      return "send_policy_role_not_logged";
    case "policy_not_logged":
      return "send_policy_not_logged";
    case "policy_rolled_back":
      return "send_policy_rolled_back";
    case "policy_withdrawn":
      return "send_policy_withdrawn";
    case "policy_block":
      return "send_policy_block";
    case "policy_cancelled":
      return "send_policy_cancelled";
    case "policy_justification":
      return "send_policy_justification";
    case "external_email":
      return "send_external_email";
    case "external_phone":
      return "send_external_phone";
    case "link_expiry":
      return "send_link_expiry";
    case "link_downloads":
      return "send_link_downloads";
  }
}
