// The outbox: sent envelopes with their receipts and external links.
import type { EnvelopeSummary } from "../api.js";
import type { AppMessage } from "../messages.js";
import { ENVELOPE_ID } from "../open.js";
import { sealedManifestHash, sentState, type SentState } from "../outbox.js";
import type { Session } from "../session.js";
import { formatSize, formatTime } from "../../i18n.js";
import { app, dateText, element, language, recipientsText, report, setStatus, show, t } from "../ui.js";

export async function showOutbox(current: Session): Promise<void> {
  const mine = app.generation;
  show("outbox", "outbox_title");
  const rows = element("outbox-rows");
  rows.replaceChildren();
  element("outbox-empty").hidden = true;
  const more = element<HTMLButtonElement>("outbox-more");
  more.hidden = true;
  let cursor: string | null = null;
  const load = async (): Promise<void> => {
    setStatus(t("loading"));
    more.disabled = true;
    try {
      const page = await current.client.outbox(cursor);
      if (mine !== app.generation) return;
      const added: { summary: EnvelopeSummary; row: HTMLTableRowElement }[] = [];
      for (const summary of page.items) {
        const row = outboxRow(summary);
        rows.append(row);
        added.push({ summary, row });
      }
      element("outbox-empty").hidden = rows.children.length > 0;
      cursor = page.next_cursor ?? null;
      more.hidden = cursor === null;
      for (const { summary, row } of added) {
        if (!ENVELOPE_ID.test(summary.id)) continue;
        const state = await sentState(current, summary.id, null);
        if (mine !== app.generation) return;
        fillOutboxRow(current, summary.id, row, state);
      }
      setStatus("");
    } catch (error) {
      if (mine === app.generation) report(error);
    } finally {
      more.disabled = false;
    }
  };
  more.onclick = () => void load();
  await load();
}

/**
 * Compares the receipts with the manifest this account sealed, on request only: reading the
 * head of one's own envelope is a download, which the flow monitor counts.
 */
async function compareWithSealed(current: Session, id: string, row: HTMLTableRowElement, button: HTMLButtonElement): Promise<void> {
  const mine = app.generation;
  button.disabled = true;
  try {
    const state = await sentState(current, id, await sealedManifestHash(current, id));
    if (mine !== app.generation) return;
    fillOutboxRow(current, id, row, state);
    row.cells[3]?.querySelector("li")?.setAttribute("tabindex", "-1");
    row.cells[3]?.querySelector<HTMLElement>("li")?.focus();
  } catch (error) {
    button.disabled = false;
    if (mine === app.generation) report(error);
  }
}

function outboxRow(summary: EnvelopeSummary): HTMLTableRowElement {
  const row = document.createElement("tr");
  for (const text of [recipientsText(summary.to), dateText(summary.created_at), formatSize(Number(summary.size), language), "…", "…"]) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  row.dataset.id = summary.id;
  return row;
}

function fillOutboxRow(current: Session, id: string, row: HTMLTableRowElement, state: SentState): void {
  const [receiptsCell, linksCell] = [row.cells[3], row.cells[4]];
  if (receiptsCell === undefined || linksCell === undefined) return;
  receiptsCell.replaceChildren(list(
    state.receipts.map((receipt) => {
      const date = formatTime(receipt.openedAt, language);
      const key: AppMessage = receipt.status === "verified" ? "receipt_verified" : receipt.status === "signature_only" ? "receipt_signature_only" : "receipt_invalid";
      return { text: t(key, { email: receipt.email, date }), mark: receipt.status === "invalid" ? "mark" : receipt.status === "verified" ? "mark ok" : "" };
    }),
  ));
  // A link's receipt stays signed with the key the server names, compared or not: it asks for a
  // comparison of its document until one was made.
  const comparable = state.receipts.some((receipt) => receipt.status === "signature_only") || state.linkReceipts.some((receipt) => receipt.status !== "invalid");
  if (!state.compared && comparable) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = t("compare");
    button.addEventListener("click", () => void compareWithSealed(current, id, row, button));
    receiptsCell.append(button);
  }
  linksCell.replaceChildren(list(
    state.links.flatMap((link) => {
      const lines = [{
        text: t("link_state", { email: String(link.email), state: linkState(String(link.state)), downloads: Number(link.downloads), max: Number(link.max_downloads) }),
        mark: link.state === "locked" ? "mark" : "",
      }];
      const receipt = state.linkReceipts.find((checked) => checked.linkId === link.id);
      if (receipt !== undefined) {
        const date = formatTime(receipt.openedAt, language);
        lines.push(
          receipt.status === "invalid"
            ? { text: t("receipt_invalid", { email: receipt.email, date }), mark: "mark" }
            : { text: t(state.compared ? "link_receipt_compared" : "link_receipt_logged", { email: receipt.email, date }), mark: "" },
        );
      }
      return lines;
    }),
  ));
}

function linkState(state: string): string {
  switch (state) {
    case "active":
      return t("link_active");
    case "locked":
      return t("link_locked");
    case "expired":
      return t("link_expired");
    case "exhausted":
      return t("link_exhausted");
    case "withdrawn":
      return t("link_withdrawn");
    default:
      return state;
  }
}

function list(items: { text: string; mark: string }[]): Node {
  if (items.length === 0) return document.createTextNode(t("receipts_none"));
  const out = document.createElement("ul");
  for (const { text, mark } of items) {
    const item = document.createElement("li");
    item.textContent = text;
    if (mark !== "") item.className = mark;
    out.append(item);
  }
  return out;
}
