// Seals an envelope as `pli_envelope::seal` does (docs/FORMAT.md sections 1 to 4): the signed
// canonical manifest, its signature and the files in a GNU tar, encrypted with age to X25519
// recipients, as a stream whose exact size is known before the first byte, so an upload can
// announce it. Files are read twice (hashed for the manifest, then archived), never held whole.
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { Encrypter } from "age-encryption";
import { concatBytes, toHex, utf8 } from "./bytes.js";
import { EnvelopeError } from "./errors.js";
import { keyId } from "./keys.js";
import { canonicalManifest, parseManifest, type Dlp, type Manifest } from "./manifest.js";
import { BLOCK } from "./tar.js";

const MANIFEST_NAME = "pli-manifest.json";
const SIGNATURE_NAME = "pli-manifest.sig";
const MANIFEST_CONTEXT = utf8.encode("pli-manifest-v1\n");
const NAME_FIELD = 100;
const CHUNK = 64 * 1024;

/** A file to seal: anything that can be read as a stream more than once (a `File`, a `Blob`). */
export interface SealInput {
  name: string;
  mediaType: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface SealOptions {
  envelopeId: string;
  subject: string;
  senderEmail: string;
  /** The sender's Ed25519 seed, which signs the manifest. */
  signingSeed: Uint8Array;
  /** The addresses as the sender gave them (account emails, mailbox names). */
  recipients: string[];
  /** The age X25519 recipients (`age1...`) the envelope is encrypted to. */
  ageRecipients: string[];
  /** Unix seconds; also every tar entry's mtime. */
  createdAt: number;
  /** The labels and decision of the organisation's sending policy, when it has one. */
  dlp?: Dlp;
}

export interface Sealed {
  manifest: Manifest;
  /** SHA-256 of the manifest's exact bytes, which receipts sign. */
  manifestSha256: Uint8Array;
  /** The exact ciphertext size, for the announce. */
  size: number;
  ciphertext: ReadableStream<Uint8Array>;
}

/**
 * Hashes every file, signs the manifest (refusing anything a reader would refuse, such as an
 * unsafe or duplicate file name), and returns the ciphertext stream with its exact size.
 */
export async function sealEnvelope(files: SealInput[], options: SealOptions): Promise<Sealed> {
  if (options.ageRecipients.length === 0) throw new EnvelopeError("format", "an envelope needs a recipient key");
  const verifyingKey = ed25519.getPublicKey(options.signingSeed);
  const described: Manifest["files"] = [];
  for (const file of files) described.push({ name: file.name, size: file.size, media_type: file.mediaType, sha256: toHex(await hashStream(file.stream(), file.size)) });
  const manifest: Manifest = {
    version: 1,
    envelope_id: options.envelopeId,
    subject: options.subject,
    sender: { email: options.senderEmail, key_id: keyId(verifyingKey) },
    recipients: options.recipients,
    created_at: options.createdAt,
    files: described,
    ...(options.dlp === undefined ? {} : { dlp: options.dlp }),
  };
  const manifestBytes = utf8.encode(canonicalManifest(manifest));
  // The reader's own rules, so the browser never seals what `pli get` would refuse.
  parseManifest(manifestBytes);
  const signature = ed25519.sign(concatBytes(MANIFEST_CONTEXT, manifestBytes), options.signingSeed);

  const parts: (() => AsyncIterable<Uint8Array>)[] = [
    () => entry(MANIFEST_NAME, manifestBytes.length, options.createdAt, once(manifestBytes)),
    () => entry(SIGNATURE_NAME, signature.length, options.createdAt, once(signature)),
    ...files.map((file) => () => entry(file.name, file.size, options.createdAt, checked(file))),
    () => once(new Uint8Array(2 * BLOCK)),
  ];
  let plaintextSize = entryLength(MANIFEST_NAME, manifestBytes.length) + entryLength(SIGNATURE_NAME, signature.length) + 2 * BLOCK;
  for (const file of files) plaintextSize += entryLength(file.name, file.size);

  const encrypter = new Encrypter();
  for (const recipient of options.ageRecipients) encrypter.addRecipient(recipient);
  const ciphertext = await encrypter.encrypt(rechunk(parts));
  const size = x25519HeaderLength(options.ageRecipients.length) + payloadLength(plaintextSize);
  return { manifest, manifestSha256: sha256(manifestBytes), size, ciphertext };
}

/** `age-encryption.org/v1\n`, one 98-byte X25519 stanza per recipient, the 48-byte MAC line. */
export function x25519HeaderLength(recipients: number): number {
  return 22 + 98 * recipients + 48;
}

/** The payload's size for `plaintext` bytes: nonce, then 16 bytes of tag per 64 KiB chunk. */
export function payloadLength(plaintext: number): number {
  return 16 + plaintext + 16 * Math.max(1, Math.ceil(plaintext / CHUNK));
}

function entryLength(name: string, size: number): number {
  return headerLength(name) + size + padding(size);
}

function headerLength(name: string): number {
  const length = utf8.encode(name).length;
  // A long name adds an `L` header and its data (the name and a NUL, padded to a block).
  return length > NAME_FIELD ? BLOCK + length + 1 + padding(length + 1) + BLOCK : BLOCK;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

async function* entry(name: string, size: number, mtime: number, data: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const encoded = utf8.encode(name);
  if (encoded.length > NAME_FIELD) {
    // GNU long name: an `L` entry whose data is the name and a NUL.
    yield header(utf8.encode("././@LongLink"), encoded.length + 1, mtime, "L");
    yield concatBytes(encoded, new Uint8Array(1 + padding(encoded.length + 1)));
  }
  yield header(encoded.subarray(0, NAME_FIELD), size, mtime, "0");
  yield* data;
  if (padding(size) > 0) yield new Uint8Array(padding(size));
}

function header(name: Uint8Array, size: number, mtime: number, type: string): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(name, 0);
  const ascii = (text: string, at: number) => block.set(utf8.encode(text), at);
  ascii("0000600\0", 100);
  ascii("0000000\0", 108);
  ascii("0000000\0", 116);
  if (size >= 8 ** 11) {
    // GNU base-256 for 8 GiB and more: a set high bit, then the size big-endian.
    block[124] = 0x80;
    let rest = BigInt(size);
    for (let at = 135; at > 124; at--) {
      block[at] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  } else {
    ascii(`${size.toString(8).padStart(11, "0")}\0`, 124);
  }
  ascii(`${mtime.toString(8).padStart(11, "0")}\0`, 136);
  ascii("        ", 148);
  ascii(type, 156);
  ascii("ustar  \0", 257);
  let sum = 0;
  for (const byte of block) sum += byte;
  ascii(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** A file's bytes, refusing one that changed size since it was hashed. */
async function* checked(file: SealInput): AsyncIterable<Uint8Array> {
  let total = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > file.size) throw new EnvelopeError("hash", "a file changed while it was sealed");
    yield value;
  }
  if (total !== file.size) throw new EnvelopeError("hash", "a file changed while it was sealed");
}

/** Bytes read at a time when hashing a file through a byte stream. */
const HASH_READ = 1 << 20;

async function hashStream(stream: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  const hash = sha256.create();
  let total = 0;
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream: read the chunks it makes.
  }
  if (byob !== null) {
    // One buffer for the whole file: reading a file of gigabytes in fresh chunks leaves the
    // garbage collector hundreds of megabytes behind (measured in web/bench/large.mjs).
    let buffer = new ArrayBuffer(HASH_READ);
    for (;;) {
      const { value, done } = await byob.read(new Uint8Array(buffer, 0, HASH_READ));
      if (done || value === undefined) break;
      total += value.length;
      hash.update(value);
      buffer = value.buffer;
    }
  } else {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      hash.update(value);
    }
  }
  if (total !== size) throw new EnvelopeError("hash", "a file's size differs from what was announced");
  return hash.digest();
}

/** One stream of the archive's parts, pulled a piece at a time. */
function rechunk(parts: (() => AsyncIterable<Uint8Array>)[]): ReadableStream<Uint8Array> {
  async function* all(): AsyncIterable<Uint8Array> {
    for (const part of parts) yield* part();
  }
  const iterator = all()[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
