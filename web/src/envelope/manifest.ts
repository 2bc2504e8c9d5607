// The manifest of docs/FORMAT.md section 3: parsed, every rule checked, and re-serialised to
// its canonical bytes, which must equal the bytes that were signed.
import { EnvelopeError } from "./errors.js";
import { equalBytes, utf8 } from "./bytes.js";

export const MAX_MANIFEST = 1024 * 1024;
const MAX_CREATED_AT = 253402300799;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface ManifestFile {
  name: string;
  size: number;
  media_type: string;
  sha256: string;
}

export interface Dlp {
  policy_version: number;
  decision: "allow" | "warn" | "justify";
  kinds: Record<string, number>;
  not_inspectable: number;
  justification?: string;
}

export interface Manifest {
  version: 1;
  envelope_id: string;
  subject: string;
  sender: { email: string; key_id: string };
  recipients: string[];
  created_at: number;
  files: ManifestFile[];
  dlp?: Dlp;
}

/** Parses `bytes`, enforcing every field rule and the canonical form. */
export function parseManifest(bytes: Uint8Array): Manifest {
  if (bytes.length > MAX_MANIFEST) bad("the manifest is over 1 MiB");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bad("the manifest is not UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad("the manifest is not JSON");
  }
  const manifest = checkManifest(value);
  // Duplicate fields, escapes, spaces, other number forms or field orders all re-serialise
  // differently, so one comparison refuses every non-canonical spelling.
  if (!equalBytes(utf8.encode(canonicalManifest(manifest)), bytes)) {
    bad("the manifest is not in canonical form");
  }
  return manifest;
}

/** The canonical serialisation of a manifest (docs/FORMAT.md section 3). */
export function canonicalManifest(manifest: Manifest): string {
  const files = manifest.files
    .map(
      (file) =>
        `{"name":${str(file.name)},"size":${int(file.size)},"media_type":${str(file.media_type)},"sha256":${str(file.sha256)}}`,
    )
    .join(",");
  let out =
    `{"version":${int(manifest.version)},"envelope_id":${str(manifest.envelope_id)},` +
    `"subject":${str(manifest.subject)},` +
    `"sender":{"email":${str(manifest.sender.email)},"key_id":${str(manifest.sender.key_id)}},` +
    `"recipients":[${manifest.recipients.map(str).join(",")}],` +
    `"created_at":${int(manifest.created_at)},"files":[${files}]`;
  if (manifest.dlp !== undefined) {
    const dlp = manifest.dlp;
    const kinds = Object.keys(dlp.kinds)
      .map((kind) => `${str(kind)}:${int(dlp.kinds[kind] ?? 0)}`)
      .join(",");
    out +=
      `,"dlp":{"policy_version":${int(dlp.policy_version)},"decision":${str(dlp.decision)},` +
      `"kinds":{${kinds}},"not_inspectable":${int(dlp.not_inspectable)}`;
    if (dlp.justification !== undefined) out += `,"justification":${str(dlp.justification)}`;
    out += "}";
  }
  return out + "}";
}

/**
 * Whether `name` is a file name an envelope may carry (docs/FORMAT.md section 3), as
 * `pli_envelope::validate_file_name`.
 */
export function isSafeFileName(name: string): boolean {
  if (name.length === 0 || utf8.encode(name).length > 255) return false;
  if (/[/\\<>:"|?*]/.test(name)) return false;
  if (hasControl(name)) return false;
  if (/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/.test(name)) return false;
  if (isWhitespace(name.charAt(0)) || isWhitespace(name.charAt(name.length - 1))) return false;
  if (name.endsWith(".")) return false;
  const stem = (name.split(".")[0] ?? "").toUpperCase();
  if (/^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$/.test(stem)) return false;
  const lower = name.toLowerCase();
  if (lower === "pli-manifest.json" || lower === "pli-manifest.sig") return false;
  return true;
}

function checkManifest(value: unknown): Manifest {
  const root = object(value, "the manifest", ["version", "envelope_id", "subject", "sender", "recipients", "created_at", "files"], ["dlp"]);
  if (root.version !== 1) bad("unknown manifest version");
  const envelopeId = hex(root.envelope_id, 32, "envelope_id");
  const subject = string(root.subject, "subject");
  if (bytesOf(subject) > 1024 || hasControl(subject)) bad("subject breaks its rules");
  const senderValue = object(root.sender, "sender", ["email", "key_id"], []);
  const sender = { email: address(senderValue.email, "sender.email"), key_id: hex(senderValue.key_id, 32, "sender.key_id") };
  if (!Array.isArray(root.recipients) || root.recipients.length < 1 || root.recipients.length > 1024) {
    bad("recipients must hold 1 to 1,024 addresses");
  }
  const recipients = (root.recipients as unknown[]).map((recipient) => address(recipient, "recipients"));
  const createdAt = integer(root.created_at, 0, MAX_CREATED_AT, "created_at");
  if (!Array.isArray(root.files) || root.files.length > 4096) bad("files must hold at most 4,096 entries");
  const seen = new Set<string>();
  const files = (root.files as unknown[]).map((entry) => {
    const file = object(entry, "a file", ["name", "size", "media_type", "sha256"], []);
    const name = string(file.name, "files[].name");
    if (!isSafeFileName(name)) bad("a file name is not safe");
    const folded = name.toLowerCase();
    if (seen.has(folded)) bad("two files have the same name");
    seen.add(folded);
    const mediaType = string(file.media_type, "files[].media_type");
    if (mediaType.length < 1 || mediaType.length > 255 || !/^[\x20-\x7e]+$/.test(mediaType) || mediaType !== mediaType.trim()) {
      bad("a media type breaks its rules");
    }
    return {
      name,
      size: integer(file.size, 0, MAX_SAFE, "files[].size"),
      media_type: mediaType,
      sha256: hex(file.sha256, 64, "files[].sha256"),
    };
  });
  const manifest: Manifest = { version: 1, envelope_id: envelopeId, subject, sender, recipients, created_at: createdAt, files };
  if ("dlp" in root) manifest.dlp = checkDlp(root.dlp);
  return manifest;
}

function checkDlp(value: unknown): Dlp {
  const dlp = object(value, "dlp", ["policy_version", "decision", "kinds", "not_inspectable"], ["justification"]);
  const decision = dlp.decision;
  if (decision !== "allow" && decision !== "warn" && decision !== "justify") bad("unknown dlp decision");
  const kindsValue = dlp.kinds;
  if (typeof kindsValue !== "object" || kindsValue === null || Array.isArray(kindsValue)) bad("dlp.kinds must be an object");
  const names = Object.keys(kindsValue as object);
  if (names.length > 64) bad("dlp.kinds has over 64 kinds");
  const kinds: Record<string, number> = Object.create(null) as Record<string, number>;
  let previous = "";
  for (const name of names) {
    // Integer-like keys would be reordered by JavaScript; the pattern excludes digits anyway.
    if (!/^[a-z_]{1,32}$/.test(name) || (previous !== "" && name <= previous)) bad("dlp.kinds keys break their rules");
    previous = name;
    kinds[name] = integer((kindsValue as Record<string, unknown>)[name], 1, MAX_SAFE, "dlp.kinds");
  }
  const out: Dlp = {
    policy_version: integer(dlp.policy_version, 1, MAX_SAFE, "dlp.policy_version"),
    decision,
    kinds,
    not_inspectable: integer(dlp.not_inspectable, 0, 4096, "dlp.not_inspectable"),
  };
  if ("justification" in dlp) {
    const justification = string(dlp.justification, "dlp.justification");
    if (bytesOf(justification) < 1 || bytesOf(justification) > 2048 || hasControl(justification) || justification.trim() === "") {
      bad("dlp.justification breaks its rules");
    }
    out.justification = justification;
  }
  if (decision === "justify" && out.justification === undefined) bad("a justified send needs its justification");
  return out;
}

function object(value: unknown, what: string, required: string[], optional: string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) bad(`${what} must be an object`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) bad(`${what} has an unknown field`);
  }
  for (const key of required) if (!(key in record)) bad(`${what} misses a field`);
  return record;
}

function string(value: unknown, what: string): string {
  if (typeof value !== "string") bad(`${what} must be a string`);
  return value as string;
}

function hex(value: unknown, length: number, what: string): string {
  const text = string(value, what);
  if (text.length !== length || !/^[0-9a-f]*$/.test(text)) bad(`${what} must be ${length} lowercase hex digits`);
  return text;
}

function address(value: unknown, what: string): string {
  const text = string(value, what);
  const length = bytesOf(text);
  if (length < 1 || length > 254 || hasControl(text) || [...text].some(isWhitespace)) bad(`${what} breaks its rules`);
  return text;
}

function integer(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) bad(`${what} is out of range`);
  return value as number;
}

function int(value: number): string {
  return String(value);
}

function str(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function bytesOf(text: string): number {
  return utf8.encode(text).length;
}

function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}

/** Unicode White_Space, as Rust's `char::is_whitespace`. */
function isWhitespace(c: string): boolean {
  return /^[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
}

function bad(detail: string): never {
  throw new EnvelopeError("format", detail);
}
