// The envelope writer of docs/FORMAT.md, for an outside sender (docs/REQUESTS.md): the files'
// SHA-256, the canonical manifest with its `outside` extension, its Ed25519 signature by a key
// drawn for this one envelope, and the tar archive, produced as a stream so that no file is
// ever held whole in memory. Encryption (age) is the caller's, over the stream this returns.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, toHex, utf8 } from "./bytes.js";
import { encodeBase64url, keyId } from "./keys.js";
import { isSafeFileName } from "./manifest.js";

const MANIFEST_CONTEXT = utf8.encode("pli-manifest-v1\n");
const BLOCK = 512;
const GNU_MAGIC = utf8.encode("ustar  \0");

/** What an outside sender's manifest says besides the files. */
export interface OutsideHeader {
  envelopeId: string;
  /** The request's email, as the statement signs it. */
  email: string;
  /** The request's addressee (the manifest's only recipient). */
  addressee: string;
  requestId: string;
  /** The name the person typed, if any. */
  name: string | null;
  createdAt: number;
}

export interface PreparedFile {
  file: File;
  name: string;
  mediaType: string;
  sha256: string;
}

/** SHA-256 of a file, read as a stream. */
export async function hashFile(file: File, onBytes: (n: number) => void = () => undefined): Promise<string> {
  const hash = sha256.create();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    onBytes(value.length);
  }
  return toHex(hash.digest());
}

/** A media type the manifest accepts (printable ASCII, no edge spaces), else a neutral one. */
export function mediaTypeOf(file: File): string {
  const type = file.type;
  if (/^[\x21-\x7e][\x20-\x7e]{0,253}[\x21-\x7e]$/.test(type)) return type;
  return "application/octet-stream";
}

/** The manifest's canonical JSON (fields in the order of docs/FORMAT.md section 3). */
export function outsideManifest(header: OutsideHeader, files: PreparedFile[], signingKey: Uint8Array): Uint8Array {
  const outside: Record<string, unknown> = {
    version: 1,
    request_id: header.requestId,
    signing_key: encodeBase64url(signingKey),
  };
  if (header.name !== null) outside.name = header.name;
  const manifest = {
    version: 1,
    envelope_id: header.envelopeId,
    subject: "",
    sender: { email: header.email, key_id: keyId(signingKey) },
    recipients: [header.addressee],
    created_at: header.createdAt,
    files: files.map((file) => ({ name: file.name, size: file.file.size, media_type: file.mediaType, sha256: file.sha256 })),
    outside,
  };
  return utf8.encode(JSON.stringify(manifest));
}

/** Signs `pli-manifest-v1\n || json` with a 32-byte Ed25519 seed. */
export function signManifest(json: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed25519.sign(concatBytes(MANIFEST_CONTEXT, json), seed);
}

/** Checks the names before anything is hashed: safe, and distinct once lowercased. */
export function checkNames(files: File[]): string | null {
  const seen = new Set<string>();
  for (const file of files) {
    if (!isSafeFileName(file.name)) return file.name;
    const lower = file.name.toLowerCase();
    if (seen.has(lower)) return file.name;
    seen.add(lower);
  }
  return null;
}

/** The archive (docs/FORMAT.md section 2) as a stream: manifest, signature, files, end. */
export function archiveStream(json: Uint8Array, signature: Uint8Array, files: PreparedFile[], mtime: number): ReadableStream<Uint8Array> {
  let index = -1;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let padding = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(entry("pli-manifest.json", json, mtime));
      controller.enqueue(entry("pli-manifest.sig", signature, mtime));
    },
    async pull(controller) {
      if (reader !== null) {
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        reader = null;
        if (padding > 0) controller.enqueue(new Uint8Array(padding));
      }
      index += 1;
      const next = files[index];
      if (next === undefined) {
        controller.enqueue(new Uint8Array(2 * BLOCK));
        controller.close();
        return;
      }
      controller.enqueue(headers(next.name, next.file.size, mtime));
      padding = (BLOCK - (next.file.size % BLOCK)) % BLOCK;
      reader = next.file.stream().getReader();
    },
  });
}

/** Bytes the archive will hold, so the envelope's size is known before it is written. */
export function archiveSize(json: Uint8Array, files: PreparedFile[]): number {
  const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
  let size = headers("pli-manifest.json", json.length, 0).length + padded(json.length);
  size += BLOCK + BLOCK;
  for (const file of files) size += headers(file.name, file.file.size, 0).length + padded(file.file.size);
  return size + 2 * BLOCK;
}

function entry(name: string, data: Uint8Array, mtime: number): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  padded.set(data);
  return concatBytes(headers(name, data.length, mtime), padded);
}

/** A regular file's header, preceded by a GNU long-name entry for names over 100 bytes. */
function headers(name: string, size: number, mtime: number): Uint8Array {
  const bytes = utf8.encode(name);
  if (bytes.length <= 100) return header(bytes, size, mtime, "0");
  const long = new Uint8Array(Math.ceil((bytes.length + 1) / BLOCK) * BLOCK);
  long.set(bytes);
  return concatBytes(header(utf8.encode("././@LongLink"), bytes.length + 1, mtime, "L"), long, header(bytes.subarray(0, 100), size, mtime, "0"));
}

function header(name: Uint8Array, size: number, mtime: number, type: string): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(name.subarray(0, 100), 0);
  octal(block, 100, 8, 0o600);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  if (size < 8 * 1024 ** 3) {
    octal(block, 124, 12, size);
  } else {
    // GNU base-256: the high bit of the first byte, then the size big-endian.
    block[124] = 0x80;
    let rest = size;
    for (let i = 135; i > 124; i--) {
      block[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
  }
  octal(block, 136, 12, mtime);
  block[156] = type.charCodeAt(0);
  block.set(GNU_MAGIC, 257);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  const checksum = utf8.encode(sum.toString(8).padStart(6, "0"));
  block.set(checksum, 148);
  block[154] = 0;
  block[155] = 0x20;
  return block;
}

function octal(block: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, "0");
  block.set(utf8.encode(digits), offset);
  block[offset + length - 1] = 0;
}
