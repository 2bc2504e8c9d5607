// The requests view (#/requests): ask a person without an account for documents (../requests.ts),
// the account's requests with their state, and withdrawing one.
import { formatTime } from "../../i18n.js";
import { ApiFailure, type UploadRequestSummary } from "../api.js";
import type { AppMessage } from "../messages.js";
import { RequestRefused, askForDocuments } from "../requests.js";
import { SendRefused } from "../send.js";
import type { Session } from "../session.js";
import { app, clearAlert, element, language, report, setStatus, show, showAlert, t } from "../ui.js";

const REQUEST_ID = /^[0-9a-f]{32}$/;

export async function showRequests(current: Session): Promise<void> {
  const mine = app.generation;
  show("requests", "requests_title");
  const form = element<HTMLFormElement>("request-form");
  const email = element<HTMLInputElement>("request-email");
  const mailbox = element<HTMLSelectElement>("request-mailbox");
  const expires = element<HTMLInputElement>("request-expires");
  const uploads = element<HTMLInputElement>("request-max-uploads");
  const button = element<HTMLButtonElement>("request-button");
  const made = element("request-made");
  made.hidden = true;
  const options = [new Option(t("request_own_inbox"), "")];
  for (const name of current.account.mailboxes) options.push(new Option(name, name));
  mailbox.replaceChildren(...options);
  email.focus();
  form.onsubmit = (event) => {
    event.preventDefault();
    clearAlert();
    made.hidden = true;
    button.disabled = true;
    setStatus(t("request_sending"));
    const asked = mailbox.value;
    askForDocuments(current, { email: email.value, mailbox: asked, expiresDays: Number(expires.value), maxUploads: Number(uploads.value) })
      .then(async (result) => {
        if (mine !== app.generation) return;
        element("request-link").textContent = result.link;
        made.hidden = false;
        setStatus(t("request_sent", { id: result.created.id, email: email.value.trim().toLowerCase() }));
        form.reset();
        await loadList(current, mine);
        email.focus();
      })
      .catch((error: unknown) => {
        if (mine !== app.generation) return;
        setStatus("");
        if (error instanceof RequestRefused) {
          showAlert(refusal(error.reason), { value: error.value });
          ({ email, expiry: expires, uploads, too_long: email } as const)[error.reason].focus();
        } else if (error instanceof SendRefused) {
          const message: AppMessage = error.reason === "unknown_recipient" ? "request_no_mailbox" : error.reason === "unproven_key" || error.reason === "unwitnessed_key" ? "request_unproven_key" : "request_untrusted_key";
          showAlert(message, { value: error.address });
          mailbox.focus();
        } else if (error instanceof ApiFailure && error.status === 404 && asked !== "") {
          showAlert("request_no_mailbox", { value: asked });
          mailbox.focus();
        } else {
          report(error);
        }
      })
      .finally(() => {
        button.disabled = false;
      });
  };
  await loadList(current, mine);
}

async function loadList(current: Session, mine: number): Promise<void> {
  const rows = element("request-rows");
  try {
    const items = await current.client.requests();
    if (mine !== app.generation) return;
    rows.replaceChildren(...items.filter((item) => REQUEST_ID.test(String(item.id))).map((item) => requestRow(current, item, mine)));
    element("requests-empty").hidden = rows.children.length > 0;
  } catch (error) {
    if (mine === app.generation) report(error);
  }
}

function requestRow(current: Session, request: UploadRequestSummary, mine: number): HTMLTableRowElement {
  const row = document.createElement("tr");
  row.dataset.id = request.id;
  const cell = (text: string): HTMLTableCellElement => {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
    return td;
  };
  const expiresAt = Date.parse(String(request.expires_at));
  cell(String(request.email));
  cell(String(request.addressee));
  cell(requestState(String(request.state)));
  cell(Number.isNaN(expiresAt) ? String(request.expires_at) : formatTime(Math.floor(expiresAt / 1000), language));
  cell(t("request_uploads", { uploads: Number(request.uploads), max: Number(request.max_uploads) }));
  const action = cell("");
  if (request.state === "active") {
    const withdraw = document.createElement("button");
    withdraw.type = "button";
    withdraw.className = "secondary";
    withdraw.textContent = t("request_withdraw", { email: String(request.email) });
    withdraw.onclick = () => {
      withdraw.disabled = true;
      clearAlert();
      current.client
        .withdrawRequest(request.id)
        .then(async () => {
          if (mine !== app.generation) return;
          setStatus(t("request_withdrawn_status"));
          await loadList(current, mine);
          element("request-email").focus();
        })
        .catch((error: unknown) => {
          withdraw.disabled = false;
          if (mine === app.generation) report(error);
        });
    };
    action.append(withdraw);
  }
  return row;
}

function requestState(state: string): string {
  switch (state) {
    case "active":
      return t("request_active");
    case "expired":
      return t("request_expired");
    case "exhausted":
      return t("request_exhausted");
    case "withdrawn":
      return t("request_withdrawn");
    default:
      return state;
  }
}

function refusal(reason: RequestRefused["reason"]): AppMessage {
  switch (reason) {
    case "email":
      return "request_bad_email";
    case "expiry":
      return "request_bad_expiry";
    case "uploads":
      return "request_bad_uploads";
    case "too_long":
      return "request_too_long";
  }
}
