// Opens an envelope as a stream, in the order of checks of docs/FORMAT.md section 5: nothing
// but the chunk at hand is held in memory, and files go to a sink that stages them until the
// whole envelope checked.
import { sha256 } from "@noble/hashes/sha2.js";
import { Decrypter } from "age-encryption";
import { ByteReader, toHex } from "./bytes.js";
import { EnvelopeError } from "./errors.js";
import { keyId, verifyManifest } from "./keys.js";
import { MAX_MANIFEST, parseManifest, type Manifest, type ManifestFile } from "./manifest.js";
import { BLOCK, MAX_TRAILING_ZEROS, isZero, readEntry, skipPadding } from "./tar.js";

const MANIFEST_NAME = "pli-manifest.json";
const SIGNATURE_NAME = "pli-manifest.sig";

/** Where the files of an envelope are staged while it is read. */
export interface FileSink {
  /** Starts file `index` of the manifest. */
  begin(index: number, file: ManifestFile): Promise<void>;
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the file begun last. */
  finish(): Promise<void>;
  /** Deletes everything staged: the envelope was refused. */
  discard(): Promise<void>;
}

export interface OpenOptions {
  /**
   * The `AGE-SECRET-KEY-1...` identity the envelope is sealed to, or every identity to try
   * (an account's own, then its mailboxes' key generations).
   */
  identity: string | readonly string[];
  /** The sender's Ed25519 verifying key, from a source the server cannot change. */
  senderKey: Uint8Array;
  /** The envelope id the caller asked for, when it knows one. */
  envelopeId?: string;
  /** Called with the plaintext bytes read so far. */
  onProgress?: (bytes: number) => void;
  /**
   * Further checks of the signed manifest (sender, recipients against the listing), run once
   * the signature verified and before any file is staged; throws an {@link EnvelopeError}.
   */
  checkManifest?: (manifest: Manifest) => void;
}

export interface Opened {
  manifest: Manifest;
  /** SHA-256 of the manifest's exact bytes, which receipts sign. */
  manifestSha256: Uint8Array;
}

/**
 * Reads the whole envelope, checks everything, and stages each file in `sink`. Resolves only
 * once the archive's end and the payload's last chunk authenticated; on any failure the sink
 * is discarded and an {@link EnvelopeError} is thrown.
 */
export async function openEnvelope(ciphertext: ReadableStream<Uint8Array>, options: OpenOptions, sink: FileSink): Promise<Opened> {
  let reader: ByteReader | null = null;
  try {
    const plaintext = await decryptStream(ciphertext, options.identity);
    reader = new ByteReader(countBytes(plaintext, options.onProgress));
    return await readArchive(reader, options, sink);
  } catch (error) {
    await reader?.cancel();
    await sink.discard().catch(() => undefined);
    throw asEnvelopeError(error);
  }
}

/**
 * Reads only the signed manifest at the head of an envelope and verifies it, then cancels the
 * rest of the stream: enough for a sender to learn the hash of the manifest it sealed, which
 * receipts sign, without downloading the files.
 */
export async function readSignedManifest(ciphertext: ReadableStream<Uint8Array>, options: { identity: string | readonly string[]; senderKey: Uint8Array; envelopeId: string }): Promise<Opened> {
  let reader: ByteReader | null = null;
  try {
    reader = new ByteReader(await decryptStream(ciphertext, options.identity));
    const { manifest, manifestBytes } = await readHead(reader, options);
    return { manifest, manifestSha256: sha256(manifestBytes) };
  } catch (error) {
    throw asEnvelopeError(error);
  } finally {
    await reader?.cancel();
  }
}

async function decryptStream(ciphertext: ReadableStream<Uint8Array>, identity: string | readonly string[]): Promise<ReadableStream<Uint8Array>> {
  const decrypter = new Decrypter();
  for (const one of typeof identity === "string" ? [identity] : identity) decrypter.addIdentity(one);
  try {
    return await decrypter.decrypt(ciphertext);
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (message.includes("no identity matched")) throw new EnvelopeError("wrong_key", "no key of this link opens the envelope");
    throw new EnvelopeError("not_envelope", "not a valid age file");
  }
}

async function readArchive(reader: ByteReader, options: OpenOptions, sink: FileSink): Promise<Opened> {
  const { manifest, manifestBytes } = await readHead(reader, options);
  options.checkManifest?.(manifest);

  for (const [index, file] of manifest.files.entries()) {
    const entry = await readEntry(reader);
    if (entry === null || entry.name !== file.name) throw new EnvelopeError("format", "the archive's files differ from the manifest's");
    if (entry.size !== file.size) throw new EnvelopeError("format", "a file's size differs from the manifest's");
    await stage(() => sink.begin(index, file));
    const hash = sha256.create();
    const complete = await reader.forEach(entry.size, async (chunk) => {
      hash.update(chunk);
      // The sink may keep the chunk after its write resolves: give it a copy of its own.
      await stage(() => sink.write(chunk.slice()));
    });
    if (!complete) throw new EnvelopeError("decryption", "the envelope ends early");
    await stage(() => sink.finish());
    if (toHex(hash.digest()) !== file.sha256) throw new EnvelopeError("hash", "a file differs from the manifest's hash");
    await skipPadding(reader, entry.size);
  }

  if ((await readEntry(reader)) !== null) throw new EnvelopeError("format", "the archive holds more entries than the manifest");
  let trailing = 0;
  for (;;) {
    const chunk = await reader.next(BLOCK * 16);
    if (chunk === null) break;
    trailing += chunk.length;
    if (!isZero(chunk) || trailing > MAX_TRAILING_ZEROS) throw new EnvelopeError("format", "data after the end of the archive");
  }
  // The stream ended without error, so the chunk flagged last authenticated with nothing after.
  return { manifest, manifestSha256: sha256(manifestBytes) };
}

/** The manifest and its signature, the archive's first two entries, checked in order. */
async function readHead(reader: ByteReader, options: { senderKey: Uint8Array; envelopeId?: string }): Promise<{ manifest: Manifest; manifestBytes: Uint8Array }> {
  const manifestEntry = await readEntry(reader);
  if (manifestEntry === null || manifestEntry.name !== MANIFEST_NAME || manifestEntry.size > MAX_MANIFEST) {
    throw new EnvelopeError("format", "the archive does not start with the manifest");
  }
  const manifestBytes = await readData(reader, manifestEntry.size);
  const signatureEntry = await readEntry(reader);
  if (signatureEntry === null || signatureEntry.name !== SIGNATURE_NAME || signatureEntry.size !== 64) {
    throw new EnvelopeError("format", "the manifest's signature is missing");
  }
  const signature = await readData(reader, 64);
  const manifest = parseManifest(manifestBytes);
  if (!verifyManifest(signature, manifestBytes, options.senderKey)) {
    throw new EnvelopeError("signature", "the manifest is not signed by the sender's key");
  }
  if (manifest.sender.key_id !== keyId(options.senderKey)) {
    throw new EnvelopeError("signature", "the manifest names another sender key");
  }
  if (options.envelopeId !== undefined && manifest.envelope_id !== options.envelopeId) {
    throw new EnvelopeError("mismatch", "the manifest describes another envelope");
  }
  return { manifest, manifestBytes };
}

async function readData(reader: ByteReader, size: number): Promise<Uint8Array> {
  const data = await reader.readExact(size);
  if (data === null) throw new EnvelopeError("decryption", "the envelope ends early");
  await skipPadding(reader, size);
  return data;
}

async function stage(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch {
    throw new EnvelopeError("storage", "the files could not be stored in the browser");
  }
}

function countBytes(stream: ReadableStream<Uint8Array>, onProgress?: (bytes: number) => void): ReadableStream<Uint8Array> {
  if (onProgress === undefined) return stream;
  let total = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.length;
        onProgress(total);
        controller.enqueue(chunk);
      },
    }),
  );
}

function asEnvelopeError(error: unknown): EnvelopeError {
  if (error instanceof EnvelopeError) return error;
  // Anything else came from the decrypting stream: a chunk that did not authenticate, a
  // payload cut short or extended, or the network failing under it.
  return new EnvelopeError("decryption", "decryption failed");
}
