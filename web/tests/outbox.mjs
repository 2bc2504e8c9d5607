// Reads what the notifier wrote with `pli serve --mail-outbox DIR`: `.eml` mail, `.txt` SMS.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const LINK = /https?:\/\/[^\s"<>]+\/x\/[0-9a-f]{32}#[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}/;

/** Every readable text of a message: as stored, quoted-printable decoded, base64 parts decoded. */
function texts(raw) {
  const quoted = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  const out = [raw, Buffer.from(quoted, "latin1").toString("utf8")];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const compact = block.replace(/\s+/g, "");
    if (/^[A-Za-z0-9+/]+=*$/.test(compact) && compact.length >= 16) out.push(Buffer.from(compact, "base64").toString("utf8"));
  }
  return out;
}

function messages(dir, extension) {
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => ({ name, raw: readFileSync(join(dir, name), "utf8") }));
}

/** The link (with its fragment) of the latest mail to `email`. */
export function linkFor(dir, email) {
  for (const message of messages(dir, ".eml").reverse()) {
    if (!message.raw.includes(email)) continue;
    for (const text of texts(message.raw)) {
      const match = LINK.exec(text);
      if (match) return match[0];
    }
  }
  throw new Error(`no link mail to ${email} in ${dir}: ${messages(dir, ".eml").map((m) => m.name).join(", ")}`);
}

/** The 6-digit code of the latest SMS to `phone`. */
export function smsCode(dir, phone) {
  for (const message of messages(dir, ".txt").reverse()) {
    if (!message.raw.includes(phone)) continue;
    const match = /(?<!\d)(\d{6})(?!\d)/.exec(message.raw.replace(phone, ""));
    if (match) return match[1];
  }
  throw new Error(`no code SMS to ${phone} in ${dir}`);
}

/** The 6-digit code of the latest code mail to `email` (the second mail, without an SMS). */
export function mailCode(dir, email) {
  for (const message of messages(dir, ".eml").reverse()) {
    if (!message.raw.includes(email)) continue;
    for (const text of texts(message.raw)) {
      const match = /Votre code[^\n]*?:\s*(\d{6})(?!\d)/.exec(text);
      if (match) return match[1];
    }
  }
  throw new Error(`no code mail to ${email} in ${dir}`);
}

/** The upload request link (with its fragment) of the latest mail to `email`. */
export function requestLinkFor(dir, email) {
  for (const message of messages(dir, ".eml").reverse()) {
    if (!message.raw.includes(email)) continue;
    for (const text of texts(message.raw)) {
      const match = /https?:\/\/[^\s"<>]+\/r\/[0-9a-f]{32}#[A-Za-z0-9_-]{43}/.exec(text);
      if (match) return match[0];
    }
  }
  throw new Error(`no request mail to ${email} in ${dir}`);
}
