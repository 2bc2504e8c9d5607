// The account holders' app, /app (docs/WEB.md): log in, the inbox and its mailboxes, opening
// an envelope, the outbox, sending. Hash routes (#/inbox, #/inbox/MAILBOX, #/envelope/ID,
// #/outbox, #/send, #/requests, #/passkeys, #/witnesses, #/admin) so the server serves one page; the session lives in the page's memory
// only (app/ui.ts).
import { ENVELOPE_ID } from "../app/open.js";
import { setUpAdmin, showAdmin } from "../app/views/admin.js";
import { app, clearAlert, setStatus, translatePage } from "../app/ui.js";
import { showEnvelope } from "../app/views/envelope.js";
import { showInbox } from "../app/views/inbox.js";
import { clearViews, setUpLogin, showLogin } from "../app/views/login.js";
import { showOutbox } from "../app/views/outbox.js";
import { setUpPasskeys, showPasskeys } from "../app/views/passkeys.js";
import { setUpWitnesses, showWitnesses } from "../app/views/witnesses.js";
import { showRequests } from "../app/views/requests.js";
import { showSend } from "../app/views/send.js";
import { removeStaleStaging } from "../opfs.js";

function route(): void {
  app.generation++;
  clearAlert();
  setStatus("");
  const session = app.session;
  if (session === null) {
    showLogin();
    return;
  }
  const hash = location.hash.replace(/^#\/?/, "");
  const [head, ...rest] = hash.split("/");
  let argument: string | null = null;
  try {
    argument = rest.length > 0 ? decodeURIComponent(rest.join("/")) : null;
  } catch {
    // A malformed escape in a typed address: show the inbox.
  }
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
    case "send":
      showSend(session);
      return;
    case "requests":
      void showRequests(session);
      return;
    case "passkeys":
      void showPasskeys(session);
      return;
    case "witnesses":
      showWitnesses();
      return;
    case "admin":
      void showAdmin(session);
      return;
    case "inbox":
      void showInbox(session, argument);
      return;
    default:
      break;
  }
  void showInbox(session, null);
}

function main(): void {
  translatePage();
  void removeStaleStaging();
  app.sessionEnded = () => {
    clearViews();
    showLogin();
  };
  setUpLogin(route);
  setUpPasskeys();
  setUpWitnesses();
  setUpAdmin();
  window.addEventListener("hashchange", route);
  route();
}

main();
