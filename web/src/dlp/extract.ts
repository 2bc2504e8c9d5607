// Text extraction in the browser, as crates/dlp/src/extract: a file's bytes become the text the
// detectors scan, or a reason why it cannot be inspected. The format is told by the content,
// not the name. Plain text and CSV (UTF-8, UTF-16 with a byte-order mark, Windows-1252), DOCX
// and ODT (office.ts) are read here; a PDF is read by pdf.ts in the scan's worker (here it is
// reported as `pdf`, which the worker replaces with its text), and an image is not
// inspectable: its text needs OCR. Such files follow the policy's `[not_inspectable]` rules,
// as a file `pli send` cannot inspect does. A DOCX or ODT whose
// text is read but which also holds pictures or embedded objects is read in part: its text is
// scanned, and the file still counts as not inspectable (`unread`), as in Rust.
import { officeText } from "./office.js";

export interface Limits {
  /** Files larger than this are not read. */
  maxFileBytes: number;
  /** The decompressed size allowed for one part of a DOCX or ODT (guards zip bombs). */
  maxPartBytes: number;
  /** Extracted text beyond this (UTF-8 bytes) is too large. */
  maxTextBytes: number;
}

/** The Rust crate's defaults. */
export const DEFAULT_LIMITS: Limits = { maxFileBytes: 256 << 20, maxPartBytes: 64 << 20, maxTextBytes: 64 << 20 };

export type Format = "text" | "csv" | "docx" | "odt" | "pdf";

/** The stable codes of `pli scan --json`. */
export type NotInspectable =
  | "scanned-pdf"
  | "encrypted"
  | "image"
  | "unsupported-format"
  | "unknown-format"
  | "corrupt"
  | "too-large"
  | "pdf"
  | "timeout"
  | "extractor-failed"
  | "images-not-inspected"
  | "embedded-objects-not-inspected";

/**
 * The file's text, or why it cannot be inspected. `unread`, when present, says what the file
 * holds besides its text that was not read (pictures, embedded objects): its findings stand,
 * and the file still counts as not inspectable.
 */
export type Extracted = { text: string; format: Format; unread?: "images-not-inspected" | "embedded-objects-not-inspected" } | { notInspectable: NotInspectable };

/** Extracts the text of a file's `bytes`; `name` only tells CSV from plain text. */
export function extractBytes(bytes: Uint8Array, name: string | null, limits: Limits = DEFAULT_LIMITS): Extracted {
  if (bytes.length > limits.maxFileBytes) return { notInspectable: "too-large" };
  let result: Extracted;
  switch (sniff(bytes)) {
    case "pdf":
      result = { notInspectable: "pdf" };
      break;
    case "zip":
      result = officeText(bytes, limits);
      break;
    case "image":
      result = { notInspectable: "image" };
      break;
    case "unsupported":
      result = { notInspectable: "unsupported-format" };
      break;
    case "other":
      result = plainText(bytes, name, limits.maxTextBytes);
      break;
  }
  if ("text" in result && utf8Length(result.text) > limits.maxTextBytes) return { notInspectable: "too-large" };
  return result;
}

/** The length of `text` in UTF-8, without encoding it. */
function utf8Length(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      index += 1;
    } else length += 3;
  }
  return length;
}

/** Decoding a larger text only to find it too large would hold it whole: checked in pieces. */
const CHECK_PIECE = 1 << 20;

/**
 * Whether `bytes` decode without error as `encoding`, read in pieces so that nothing the size
 * of the text is built.
 */
function decodes(bytes: Uint8Array, encoding: "utf-8" | "utf-16le" | "utf-16be"): boolean {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  try {
    for (let at = 0; at < bytes.length; at += CHECK_PIECE) decoder.decode(bytes.subarray(at, at + CHECK_PIECE), { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((byte, index) => bytes[at + index] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

function sniff(bytes: Uint8Array): "pdf" | "zip" | "image" | "unsupported" | "other" {
  const head = bytes.subarray(0, 1024);
  // Readers accept a PDF header anywhere in the first kilobyte; so does the Rust crate.
  const pdf = ascii("%PDF-");
  for (let at = 0; at + pdf.length <= head.length; at++) if (startsWith(head, pdf, at)) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  const image =
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
    startsWith(bytes, [0xff, 0xd8, 0xff]) ||
    startsWith(bytes, ascii("GIF87a")) ||
    startsWith(bytes, ascii("GIF89a")) ||
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    (startsWith(bytes, ascii("BM")) && bytes.length >= 10 && startsWith(bytes, [0, 0, 0, 0], 6)) ||
    (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) ||
    (startsWith(bytes, ascii("ftyp"), 4) && ["heic", "heix", "mif1", "avif", "msf1"].some((brand) => startsWith(bytes, ascii(brand), 8)));
  if (image) return "image";
  // OLE compound files (.doc, .xls, .msg), RAR, 7z, gzip.
  if (
    startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) ||
    startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) ||
    startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) ||
    startsWith(bytes, [0x1f, 0x8b])
  ) {
    return "unsupported";
  }
  return "other";
}

function plainText(bytes: Uint8Array, name: string | null, maxTextBytes: number): Extracted {
  const dot = name === null ? -1 : name.lastIndexOf(".");
  const extension = name === null || dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  const format: Format = extension === "csv" || extension === "tsv" ? "csv" : "text";
  // UTF-16 with a byte-order mark.
  for (const [bom, encoding] of [
    [[0xff, 0xfe], "utf-16le"],
    [[0xfe, 0xff], "utf-16be"],
  ] as const) {
    if (startsWith(bytes, bom)) {
      const units = bytes.subarray(2);
      if (units.length / 2 > maxTextBytes) {
        // Every UTF-16 code unit is at least one byte of UTF-8.
        return decodes(units, encoding) ? { notInspectable: "too-large" } : { notInspectable: "unknown-format" };
      }
      try {
        return { text: new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(units), format };
      } catch {
        return { notInspectable: "unknown-format" };
      }
    }
  }
  if (bytes.includes(0)) return { notInspectable: "unknown-format" };
  // Valid UTF-8 is its own text, byte for byte; Windows-1252 text is at least as long.
  const tooLarge = bytes.length > maxTextBytes;
  if (tooLarge && decodes(bytes, "utf-8")) return { notInspectable: "too-large" };
  if (!tooLarge) {
    try {
      return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes), format };
    } catch {
      // UTF-8 but for a few stray bytes, as pli scan reads it (extract::utf8_with_stray_bytes):
      // read as UTF-8, each invalid sequence a `?`. Decoding it all as Windows-1252 would
      // garble every accented word.
      const lossy = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      let stray = 0;
      let wide = 0;
      for (const c of lossy) {
        if (c === "\uFFFD") stray += 1;
        else if (c.charCodeAt(0) >= 0x80) wide += 1;
      }
      if (wide > 0 && stray <= wide) return { text: lossy.replaceAll("\uFFFD", "?"), format };
      // Not UTF-8: French text from older systems is Windows-1252. Binary data decodes too, so
      // it must look like text: few control characters besides line breaks and tabs.
    }
  }
  let controls = 0;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    if (byte < 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0x0c) controls += 1;
  }
  if (controls * 100 > bytes.length) return { notInspectable: "unknown-format" };
  if (tooLarge) return { notInspectable: "too-large" };
  return { text: new TextDecoder("windows-1252").decode(bytes), format };
}
