// The strict tar reading of docs/FORMAT.md section 2: regular files and GNU long names only.
import { ByteReader } from "./bytes.js";
import { EnvelopeError } from "./errors.js";

export const BLOCK = 512;
const MAX_LONG_NAME = 256;
/** Zero padding allowed after the end-of-archive marker (GNU tar's records). */
export const MAX_TRAILING_ZEROS = 1024 * 1024;

export interface EntryHeader {
  name: string;
  size: number;
}

/**
 * The next entry's header, following a GNU long name if there is one; `null` for the
 * end-of-archive marker (two zero blocks).
 */
export async function readEntry(reader: ByteReader): Promise<EntryHeader | null> {
  const block = await block512(reader);
  if (isZero(block)) {
    const second = await block512(reader);
    if (!isZero(second)) bad("a lone zero block inside the archive");
    return null;
  }
  const header = parseHeader(block);
  if (header.type === "L") {
    if (header.name !== "././@LongLink" || header.size < 2 || header.size > MAX_LONG_NAME) bad("a malformed long name");
    const data = await reader.readExact(padded(header.size));
    if (data === null) truncated();
    if (data[header.size - 1] !== 0 || !isZero(data.subarray(header.size))) bad("a malformed long name");
    const name = decodeName(data.subarray(0, header.size - 1));
    const next = await block512(reader);
    if (isZero(next)) bad("a long name before the end of the archive");
    const entry = parseHeader(next);
    if (entry.type !== "0") bad("a long name not followed by a regular file");
    if (!name.startsWith(entry.name) || entry.name.length === 0) bad("a long name that disagrees with its entry");
    return { name, size: entry.size };
  }
  if (header.type !== "0") bad("an entry that is not a regular file");
  return { name: header.name, size: header.size };
}

/** Reads the zero padding that ends an entry of `size` bytes. */
export async function skipPadding(reader: ByteReader, size: number): Promise<void> {
  const length = padded(size) - size;
  if (length === 0) return;
  const padding = await reader.readExact(length);
  if (padding === null) truncated();
  if (!isZero(padding)) bad("non-zero padding after an entry");
}

export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

export function isZero(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

interface RawHeader {
  name: string;
  size: number;
  type: "0" | "L" | "other";
}

function parseHeader(block: Uint8Array): RawHeader {
  const magic = String.fromCharCode(...block.subarray(257, 265));
  const gnu = magic === "ustar  \0";
  if (!gnu && magic !== "ustar\u000000") bad("an entry without the ustar or GNU magic");
  const stored = octal(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (stored === null || stored !== sum) bad("an entry with a wrong checksum");
  // The POSIX prefix would put a directory before the name; GNU headers use those bytes for
  // other fields.
  if (!gnu && !isZero(block.subarray(345, 500))) bad("an entry with a path prefix");
  const flag = block[156];
  const type = flag === 0x30 || flag === 0 ? "0" : flag === 0x4c ? "L" : "other";
  const size = sizeField(block.subarray(124, 136));
  const nameEnd = block.subarray(0, 100).indexOf(0);
  const name = decodeName(block.subarray(0, nameEnd === -1 ? 100 : nameEnd));
  return { name, size, type };
}

function sizeField(field: Uint8Array): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    // GNU base-256, big-endian, for sizes of 8 GiB and more.
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) {
      value = value * 256 + byte;
      if (value > Number.MAX_SAFE_INTEGER) bad("an entry too large");
    }
    return value;
  }
  const value = octal(field);
  if (value === null) bad("an entry with a malformed size");
  return value;
}

/** An octal field: optional leading spaces, digits, then NUL or spaces; `null` when malformed. */
function octal(field: Uint8Array): number | null {
  const text = String.fromCharCode(...field);
  const match = /^ *([0-7]+)[ \0]*$/.exec(text);
  if (match === null || match[1] === undefined) return null;
  const value = parseInt(match[1], 8);
  return Number.isSafeInteger(value) ? value : null;
}

function decodeName(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bad("an entry name that is not UTF-8");
  }
}

async function block512(reader: ByteReader): Promise<Uint8Array> {
  const block = await reader.readExact(BLOCK);
  if (block === null) truncated();
  return block;
}

function truncated(): never {
  throw new EnvelopeError("format", "the archive ends early");
}

function bad(detail: string): never {
  throw new EnvelopeError("format", detail);
}
