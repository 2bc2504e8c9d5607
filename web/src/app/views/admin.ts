// The organisation's security page (#/admin), for its admins: the alerts (locked logins, the
// flow monitor's decisions, canaries touched, recovery codes used), unblocking an account with
// a reason, scoped grants on mailboxes, and canaries. The server decides who may see and do
// each of these (`routes/security.rs`, `routes/canaries.rs`); the link in the menu only
// spares other accounts a page of refusals.
import { ApiFailure, type AlertInfo, type CanaryInfo, type GrantInfo } from "../api.js";
import type { AppMessage } from "../messages.js";
import type { Session } from "../session.js";
import { app, clearAlert, dateText, element, report, setStatus, show, showAlert, t } from "../ui.js";

/** Alerts shown at most, newest first; the API pages them oldest first. */
const ALERTS_SHOWN = 200;
/** Alerts in a full answer of the API, and pages of them read at most to reach the newest. */
const ALERT_PAGE = 500;
const ALERT_PAGES = 40;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAILBOX = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function isAdmin(session: Session): boolean {
  return session.account.role === "admin";
}

export async function showAdmin(current: Session): Promise<void> {
  const mine = app.generation;
  show("admin", "admin_title");
  element("main").focus();
  if (!isAdmin(current)) {
    element("admin").hidden = true;
    showAlert("admin_only");
    return;
  }
  setStatus(t("loading"));
  try {
    const [alerts, grants, canaries] = await Promise.all([latestAlerts(current), current.client.grants(), current.client.canaries()]);
    if (mine !== app.generation) return;
    setStatus("");
    listAlerts(alerts);
    listGrants(current, grants);
    listCanaries(canaries);
  } catch (error) {
    if (mine !== app.generation) return;
    setStatus("");
    report(error);
  }
}

async function latestAlerts(current: Session): Promise<AlertInfo[]> {
  const kept: AlertInfo[] = [];
  let after = 0;
  for (let page = 0; page < ALERT_PAGES; page++) {
    const items = await current.client.alerts(after);
    const last = items.at(-1);
    if (last === undefined) break;
    kept.push(...items);
    if (kept.length > ALERTS_SHOWN) kept.splice(0, kept.length - ALERTS_SHOWN);
    after = last.seq;
    if (items.length < ALERT_PAGE) break;
  }
  return kept.reverse();
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function alertKind(kind: string): string {
  const key = `alert_${kind.replace(/\./g, "_")}`;
  return key in KINDS ? t(key as AppMessage) : kind;
}

/** Alert kinds with a name of their own; others show as the server spells them. */
const KINDS: Record<string, true> = {
  alert_login_locked: true,
  alert_login_unblocked: true,
  alert_downloads_unblocked: true,
  alert_monitor_alert: true,
  alert_monitor_step_up: true,
  alert_monitor_block: true,
  alert_monitor_org_alert: true,
  alert_canary_download: true,
  alert_totp_recovery_code_used: true,
};

function listAlerts(alerts: AlertInfo[]): void {
  element("alert-rows").replaceChildren(
    ...alerts.map((alert) => {
      const row = document.createElement("tr");
      const action = document.createElement("td");
      if (alert.email !== undefined) {
        const email = alert.email;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = t("unblock_this", { email });
        button.addEventListener("click", () => {
          element<HTMLInputElement>("unblock-email").value = email;
          element<HTMLInputElement>("unblock-reason").focus();
        });
        action.append(button);
      }
      row.append(cell(dateText(alert.at)), cell(alert.email ?? "—"), cell(alertKind(alert.kind)), cell(alert.details), action);
      return row;
    }),
  );
  element("alerts-empty").hidden = alerts.length > 0;
}

function listGrants(current: Session, grants: GrantInfo[]): void {
  element("grant-rows").replaceChildren(
    ...grants.map((grant) => {
      const row = document.createElement("tr");
      const scope = grant.read && grant.send ? t("scope_member") : grant.read ? t("scope_read") : grant.send ? t("scope_send") : "—";
      const action = document.createElement("td");
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "secondary";
      revoke.textContent = t("grant_revoke", { email: grant.email, mailbox: grant.mailbox });
      revoke.addEventListener("click", () => {
        revoke.disabled = true;
        clearAlert();
        current.client
          .revokeGrant(grant.mailbox, grant.email)
          .then(async () => {
            // The list first, so that what the status announces is what the page shows.
            listGrants(current, await current.client.grants());
            setStatus(t("grant_revoked", { email: grant.email, mailbox: grant.mailbox }));
          })
          .catch((error: unknown) => {
            revoke.disabled = false;
            report(error);
          });
      });
      action.append(revoke);
      row.append(
        cell(grant.email),
        cell(grant.mailbox),
        cell(scope),
        cell(grant.until === undefined ? "—" : dateText(grant.until)),
        cell(grant.active ? t("grant_active") : t("grant_expired")),
        action,
      );
      return row;
    }),
  );
  element("grants-empty").hidden = grants.length > 0;
}

function listCanaries(canaries: CanaryInfo[]): void {
  element("canary-rows").replaceChildren(
    ...canaries.map((canary) => {
      const row = document.createElement("tr");
      row.append(cell(canary.mailbox), cell(canary.planted_by), cell(dateText(canary.planted_at)));
      return row;
    }),
  );
  element("canaries-empty").hidden = canaries.length > 0;
}

/** Marks a field wrong, says why and puts the cursor there. */
function refuse(input: HTMLInputElement, message: AppMessage): void {
  showAlert(message);
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

/** Runs one form's request with its button disabled, then reloads the page's lists. */
function submit(button: HTMLButtonElement, work: (session: Session) => Promise<string>): void {
  const session = app.session;
  if (session === null) return;
  button.disabled = true;
  work(session)
    .then(async (done) => {
      await showAdmin(session);
      setStatus(done);
    })
    .catch((error: unknown) => {
      if (error instanceof ApiFailure && error.status === 404 && button.id === "unblock-button") {
        showAlert("unblock_nothing");
        return;
      }
      report(error);
    })
    .finally(() => {
      button.disabled = false;
    });
}

export function setUpAdmin(): void {
  element("alerts-refresh").addEventListener("click", () => {
    if (app.session !== null) void showAdmin(app.session);
  });

  element<HTMLFormElement>("unblock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const email = element<HTMLInputElement>("unblock-email");
    const reason = element<HTMLInputElement>("unblock-reason");
    for (const input of [email, reason]) input.removeAttribute("aria-invalid");
    const typed = email.value.trim();
    const why = reason.value.trim();
    if (!EMAIL.test(typed)) return refuse(email, "admin_email_invalid");
    if (why === "") return refuse(reason, "unblock_reason_missing");
    submit(element("unblock-button"), async (session) => {
      await session.client.unblock(typed, why);
      email.value = "";
      reason.value = "";
      return t("unblocked", { email: typed });
    });
  });

  element<HTMLFormElement>("grant-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const email = element<HTMLInputElement>("grant-email");
    const mailbox = element<HTMLInputElement>("grant-mailbox");
    const scope = element<HTMLSelectElement>("grant-scope");
    const until = element<HTMLInputElement>("grant-until");
    for (const input of [email, mailbox, until]) input.removeAttribute("aria-invalid");
    const typed = email.value.trim();
    const name = mailbox.value.trim();
    if (!EMAIL.test(typed)) return refuse(email, "admin_email_invalid");
    if (!MAILBOX.test(name)) return refuse(mailbox, "admin_mailbox_invalid");
    // The last day is included: the grant ends at midnight after it, in this browser's zone.
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(until.value);
    const end = day === null ? null : new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1);
    if (end === null || end.getTime() <= Date.now()) return refuse(until, "grant_until_invalid");
    const chosen = scope.value === "send" ? "send" : "read";
    submit(element("grant-button"), async (session) => {
      await session.client.grant({ email: typed, mailbox: name, scope: chosen, until: end.toISOString() });
      email.value = "";
      return t("granted", { email: typed, mailbox: name });
    });
  });

  element<HTMLFormElement>("canary-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const mailbox = element<HTMLInputElement>("canary-mailbox");
    mailbox.removeAttribute("aria-invalid");
    const name = mailbox.value.trim();
    if (!MAILBOX.test(name)) return refuse(mailbox, "admin_mailbox_invalid");
    submit(element("canary-button"), async (session) => {
      await session.client.plantCanary(name);
      mailbox.value = "";
      return t("canary_planted", { mailbox: name });
    });
  });
}
