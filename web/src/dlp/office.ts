// DOCX and ODT, as crates/dlp/src/extract/office.rs: a zip of XML parts. The zip's directory is
// read here; each part is inflated by fflate's streaming inflater under a size cap (a zip
// bomb's declared sizes are not trusted: inflating stops at the cap) and its text read by a
// small XML tokenizer that expands no custom entity.
//
// Only text is read. Pictures (`word/media/`, ODT `Pictures/`, images inlined in the XML) and
// embedded objects (`word/embeddings/`, imported chunks, ODT `Object N/` sub-documents) are
// not: a document holding any is read in part (`unread`), since a picture may be the scan of
// an identity card and an embedded spreadsheet a list of patients. Whether a picture is only a
// logo cannot be told, so every one counts. A thumbnail (ODT `Thumbnails/`, DOCX
// `docProps/thumbnail.*`) renders the document's own first page and is ignored.
import { Inflate } from "fflate";
import type { Extracted, Limits, NotInspectable } from "./extract.js";

/** More entries than any document has: a sign of a hostile archive. */
const MAX_ENTRIES = 10_000;

class Refused extends Error {
  constructor(readonly reason: NotInspectable) {
    super(reason);
  }
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export function officeText(bytes: Uint8Array, limits: Limits): Extracted {
  try {
    return { ...extract(bytes, limits) };
  } catch (error) {
    if (error instanceof Refused) return { notInspectable: error.reason };
    return { notInspectable: "corrupt" };
  }
}

/** Content of a document whose text is not read. */
interface Unread {
  images: boolean;
  objects: boolean;
}

type Read = { text: string; format: "docx" | "odt"; unread?: "images-not-inspected" | "embedded-objects-not-inspected" };

/** The text read, with what was not read: objects first, one may hold a whole document. */
function read(text: string, format: "docx" | "odt", unread: Unread): Read {
  if (unread.objects) return { text, format, unread: "embedded-objects-not-inspected" };
  if (unread.images) return { text, format, unread: "images-not-inspected" };
  return { text, format };
}

function extract(bytes: Uint8Array, limits: Limits): Read {
  const entries = directory(bytes);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  if (byName.has("word/document.xml")) {
    // The body first, then what a reader also sees or can open: headers, footers, notes, comments.
    const extra = entries
      .map((entry) => entry.name)
      .filter((name) => {
        const part = name.startsWith("word/") ? name.slice(5) : "";
        return ((part.startsWith("header") || part.startsWith("footer")) && part.endsWith(".xml") && !part.includes("/")) || ["footnotes.xml", "endnotes.xml", "comments.xml"].includes(part);
      })
      .sort(compareBytes);
    const unread: Unread = { images: false, objects: false };
    // `word/media/`, and the media of sub-parts such as the glossary's.
    for (const { name } of entries) {
      const last = name.lastIndexOf("/");
      if (!name.startsWith("word/") || last < 5) continue;
      const folders = name.slice(5, last).split("/");
      unread.images ||= folders.includes("media");
      unread.objects ||= folders.includes("embeddings");
    }
    return read(readParts(bytes, byName, ["word/document.xml", ...extra], "word", limits, unread), "docx", unread);
  }
  let mimetype: Uint8Array | null = null;
  try {
    mimetype = readPart(bytes, byName, "mimetype", 256);
  } catch {
    mimetype = null;
  }
  if (mimetype !== null && new TextDecoder().decode(mimetype) === "application/vnd.oasis.opendocument.text") {
    // Headers and footers of an ODT live in its styles.
    const parts = byName.has("styles.xml") ? ["content.xml", "styles.xml"] : ["content.xml"];
    const unread: Unread = { images: false, objects: false };
    for (const { name } of entries) {
      unread.images ||= name.startsWith("Pictures/");
      // `Object 1/` is a sub-document; `ObjectReplacements/` holds pictures of objects.
      unread.objects ||= name.startsWith("Object");
    }
    return read(readParts(bytes, byName, parts, "odf", limits, unread), "odt", unread);
  }
  if (byName.has("[Content_Types].xml") && entries.some((entry) => entry.name.includes("/encryption"))) throw new Refused("encrypted");
  throw new Refused("unsupported-format");
}

/** Rust sorts names by their UTF-8 bytes. */
function compareBytes(a: string, b: string): number {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] as number) - (right[index] as number);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** The central directory's entries; anything inconsistent is corrupt. */
function directory(bytes: Uint8Array): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Refused("corrupt");
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (count > MAX_ENTRIES) throw new Refused("too-large");
  if (offset + size > end) throw new Refused("corrupt");
  const names = new TextDecoder();
  const entries: Entry[] = [];
  let at = offset;
  for (let index = 0; index < count; index++) {
    if (at + 46 > end || view.getUint32(at, true) !== 0x02014b50) throw new Refused("corrupt");
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > end) throw new Refused("corrupt");
    entries.push({
      name: names.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at = next;
  }
  return entries;
}

/** The decompressed bytes of one part, at most `maxBytes` of them. */
function readPart(bytes: Uint8Array, byName: Map<string, Entry>, name: string, maxBytes: number): Uint8Array {
  const entry = byName.get(name);
  if (entry === undefined) throw new Refused("corrupt");
  if ((entry.flags & 1) !== 0) throw new Refused("encrypted");
  if (entry.size > maxBytes) throw new Refused("too-large");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new Refused("corrupt");
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new Refused("corrupt");
  if (entry.method === 0) {
    if (data.length > maxBytes) throw new Refused("too-large");
    return data;
  }
  if (entry.method !== 8) throw new Refused("unsupported-format");
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    // Stops a zip bomb as soon as it passes the cap, whatever its header declared.
    if (total > maxBytes) throw new Refused("too-large");
    chunks.push(chunk);
    if (final) done = true;
  });
  // In slices, so that the cap is checked as the output grows.
  const slice = 64 * 1024;
  for (let at = 0; at < data.length; at += slice) inflater.push(data.subarray(at, Math.min(at + slice, data.length)), at + slice >= data.length);
  if (data.length === 0) inflater.push(new Uint8Array(0), true);
  if (!done) throw new Refused("corrupt");
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

type Dialect = "word" | "odf";

function readParts(bytes: Uint8Array, byName: Map<string, Entry>, parts: string[], dialect: Dialect, limits: Limits, unread: Unread): string {
  let text = "";
  for (const part of parts) {
    const xml = readPart(bytes, byName, part, limits.maxPartBytes);
    if (text !== "" && !text.endsWith("\n")) text += "\n";
    text += xmlText(xml, dialect, unread);
    if (text.length > limits.maxTextBytes) throw new Refused("too-large");
  }
  return text;
}

function isTextElement(dialect: Dialect, name: string): boolean {
  // Deleted text of tracked changes is still in the file, and still readable.
  return dialect === "word" ? name === "w:t" || name === "w:delText" : name === "text:p" || name === "text:h";
}

function isParagraph(dialect: Dialect, name: string): boolean {
  return dialect === "word" ? name === "w:p" : name === "text:p" || name === "text:h";
}

/**
 * Elements that bring in content whose text is not read: an imported chunk (HTML, RTF or
 * another document) in Word, a picture inlined as base64 in ODF.
 */
function noteUnread(dialect: Dialect, name: string, unread: Unread): void {
  if (dialect === "word" && name === "w:altChunk") unread.objects = true;
  if (dialect === "odf" && name === "office:binary-data") unread.images = true;
}

/**
 * The text of a WordprocessingML or ODF part: runs of text, with tabs and line breaks where
 * the document has them and a newline after each paragraph. Content the part holds but whose
 * text is not read is noted in `unread`.
 */
export function xmlText(bytes: Uint8Array, dialect: Dialect, unread: Unread = { images: false, objects: false }): string {
  let xml: string;
  try {
    xml = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Refused("corrupt");
  }
  const parts: string[] = [];
  const open: string[] = [];
  let inText = 0;
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf("<", at);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > at) {
      if (inText > 0) parts.push(unescape(xml.slice(at, textEnd)));
      else if (xml.slice(at, textEnd).includes("&") && /&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(xml.slice(at, textEnd))) throw new Refused("corrupt");
    }
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) {
      at = after(xml, "-->", lt + 4);
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const close = xml.indexOf("]]>", lt + 9);
      if (close < 0) throw new Refused("corrupt");
      if (inText > 0) parts.push(xml.slice(lt + 9, close));
      at = close + 3;
    } else if (xml.startsWith("<?", lt)) {
      at = after(xml, "?>", lt + 2);
    } else if (xml.startsWith("<!", lt)) {
      // A document type declaration: its entities are not expanded.
      const bracket = xml.indexOf("[", lt);
      const close = xml.indexOf(">", lt);
      at = bracket >= 0 && bracket < close ? after(xml, "]>", bracket) : after(xml, ">", lt);
    } else {
      const close = tagEnd(xml, lt + 1);
      const tag = xml.slice(lt + 1, close);
      at = close + 1;
      if (tag.startsWith("/")) {
        const name = tag.slice(1).trim();
        if (open.pop() !== name) throw new Refused("corrupt");
        if (isTextElement(dialect, name)) inText = Math.max(0, inText - 1);
        if (isParagraph(dialect, name)) parts.push("\n");
        continue;
      }
      const empty = tag.endsWith("/");
      const body = empty ? tag.slice(0, -1) : tag;
      const name = /^[^\s/>]+/.exec(body)?.[0];
      if (name === undefined) throw new Refused("corrupt");
      noteUnread(dialect, name, unread);
      if (!empty) {
        open.push(name);
        if (isTextElement(dialect, name)) inText += 1;
        continue;
      }
      if ((dialect === "word" && name === "w:tab") || (dialect === "odf" && name === "text:tab")) parts.push("\t");
      else if ((dialect === "word" && (name === "w:br" || name === "w:cr")) || (dialect === "odf" && name === "text:line-break")) parts.push("\n");
      else if (dialect === "odf" && name === "text:s") {
        const count = /\stext:c\s*=\s*(?:"([0-9]+)"|'([0-9]+)')/.exec(body);
        const value = count === null ? 1 : Number(count[1] ?? count[2]);
        parts.push(" ".repeat(Math.min(Number.isSafeInteger(value) ? value : 1, 64)));
      } else if (isParagraph(dialect, name)) parts.push("\n");
    }
  }
  return parts.join("");
}

function after(xml: string, marker: string, from: number): number {
  const found = xml.indexOf(marker, from);
  if (found < 0) throw new Refused("corrupt");
  return found + marker.length;
}

/** The `>` closing a tag opened before `from`, quoted attribute values skipped. */
function tagEnd(xml: string, from: number): number {
  let quote = "";
  for (let at = from; at < xml.length; at++) {
    const c = xml[at];
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return at;
    } else if (c === "<") {
      break;
    }
  }
  throw new Refused("corrupt");
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Character references resolved, the five predefined entities expanded, others dropped. */
function unescape(text: string): string {
  return text.replace(/&([^;&]*);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw new Refused("corrupt");
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (numeric !== null) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw new Refused("corrupt");
      return String.fromCodePoint(code);
    }
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new Refused("corrupt");
    return NAMED[name] ?? "";
  });
}
