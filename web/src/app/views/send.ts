// The send form: recipients, subject, files; sealed and uploaded by ../send.ts.
import { EnvelopeError } from "../../envelope/errors.js";
import type { AppMessage } from "../messages.js";
import { SendRefused, sendFiles } from "../send.js";
import type { Session } from "../session.js";
import { app, clearAlert, element, report, setStatus, show, showAlert, t } from "../ui.js";

export function showSend(current: Session): void {
  show("send", "send_title");
  const form = element<HTMLFormElement>("send-form");
  const to = element<HTMLInputElement>("send-to");
  const subject = element<HTMLInputElement>("send-subject");
  const files = element<HTMLInputElement>("send-files");
  const button = element<HTMLButtonElement>("send-button");
  const progress = element<HTMLProgressElement>("send-progress");
  to.focus();
  form.onsubmit = (event) => {
    event.preventDefault();
    clearAlert();
    const mine = app.generation;
    button.disabled = true;
    progress.value = 0;
    progress.hidden = false;
    setStatus(t("sending", { percent: 0 }));
    sendFiles(current, [...(files.files ?? [])], to.value, subject.value.trim(), (done, total) => {
      const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
      progress.value = percent;
      setStatus(t("sending", { percent }));
    })
      .then((id) => {
        if (mine !== app.generation) return;
        form.reset();
        setStatus(t("sent", { id }));
        to.focus();
      })
      .catch((error: unknown) => {
        if (mine !== app.generation) return;
        setStatus("");
        if (error instanceof SendRefused) {
          showAlert(refusal(error.reason), { address: error.address });
          (error.reason === "no_file" ? files : to).focus();
        } else if (error instanceof EnvelopeError) {
          showAlert(error.failure === "hash" ? "send_changed" : "send_invalid");
        } else {
          report(error);
        }
      })
      .finally(() => {
        button.disabled = false;
        progress.hidden = true;
      });
  };
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
    case "policy":
      return "send_policy";
  }
}
