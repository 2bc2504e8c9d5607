/**
 * Reads a stream of byte chunks by exact lengths, passing large reads through in the chunks
 * the stream gave, so that nothing is ever held but the chunk being read.
 */
export class ByteReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Exactly `length` bytes, or `null` when the stream ends first (a truncation). */
  async readExact(length: number): Promise<Uint8Array | null> {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = await this.next(length - filled);
      if (chunk === null) return null;
      out.set(chunk, filled);
      filled += chunk.length;
    }
    return out;
  }

  /**
   * Passes exactly `length` bytes to `consume`, a chunk at a time; false when the stream ends
   * first.
   */
  async forEach(length: number, consume: (chunk: Uint8Array) => Promise<void> | void): Promise<boolean> {
    let left = length;
    while (left > 0) {
      const chunk = await this.next(left);
      if (chunk === null) return false;
      await consume(chunk);
      left -= chunk.length;
    }
    return true;
  }

  /** Up to `max` bytes (at least one), or `null` at the end of the stream. */
  async next(max: number): Promise<Uint8Array | null> {
    while (this.pending.length === 0) {
      if (this.done) return null;
      const { value, done } = await this.reader.read();
      if (done) {
        this.done = true;
        return null;
      }
      this.pending = value;
    }
    const n = Math.min(max, this.pending.length);
    const chunk = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return chunk;
  }

  /** Stops reading and releases the stream (after an error). */
  async cancel(): Promise<void> {
    try {
      await this.reader.cancel();
    } catch {
      // The stream already failed: nothing more to release.
    }
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

export function fromHex(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const utf8 = new TextEncoder();
