// The inbox: the account's envelopes and its mailboxes', newest first, a page at a time.
import type { EnvelopeSummary } from "../api.js";
import { ENVELOPE_ID } from "../open.js";
import type { Session } from "../session.js";
import { formatSize } from "../../i18n.js";
import { app, dateText, element, language, recipientsText, report, setStatus, show, t } from "../ui.js";

export async function showInbox(current: Session, mailbox: string | null): Promise<void> {
  const mine = app.generation;
  show("inbox", "inbox_title");
  const select = element<HTMLSelectElement>("mailbox");
  const chosen = mailbox !== null && current.account.mailboxes.includes(mailbox) ? mailbox : null;
  const options = [new Option(t("mailbox_all"), "")];
  for (const name of current.account.mailboxes) options.push(new Option(name, name));
  select.replaceChildren(...options);
  select.value = chosen ?? "";
  select.onchange = () => {
    location.hash = select.value === "" ? "#/inbox" : `#/inbox/${encodeURIComponent(select.value)}`;
  };
  const rows = element("inbox-rows");
  rows.replaceChildren();
  element("inbox-empty").hidden = true;
  const more = element<HTMLButtonElement>("inbox-more");
  more.hidden = true;
  let cursor: string | null = null;
  const load = async (): Promise<void> => {
    setStatus(t("loading"));
    more.disabled = true;
    try {
      const page = await current.client.inbox(chosen, cursor);
      if (mine !== app.generation) return;
      setStatus("");
      const first = rows.children.length;
      for (const summary of page.items) rows.append(inboxRow(summary));
      element("inbox-empty").hidden = rows.children.length > 0;
      cursor = page.next_cursor ?? null;
      more.hidden = cursor === null;
      // After "Plus", keyboard users continue from the first new row.
      if (first > 0) rows.children[first]?.querySelector("a")?.focus();
    } catch (error) {
      if (mine === app.generation) report(error);
    } finally {
      more.disabled = false;
    }
  };
  more.onclick = () => void load();
  await load();
}

function inboxRow(summary: EnvelopeSummary): HTMLTableRowElement {
  const row = document.createElement("tr");
  const date = dateText(summary.created_at);
  const cells = [String(summary.sender), recipientsText(summary.to), date, formatSize(Number(summary.size), language)];
  for (const text of cells) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  const action = document.createElement("td");
  const link = document.createElement("a");
  link.href = `#/envelope/${ENVELOPE_ID.test(summary.id) ? summary.id : ""}`;
  link.textContent = t("open");
  link.setAttribute("aria-label", t("open_named", { sender: String(summary.sender), date }));
  action.append(link);
  row.append(action);
  return row;
}
