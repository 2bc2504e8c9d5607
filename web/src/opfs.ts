// Stages an envelope's files in the Origin Private File System: written as they are decrypted,
// offered only once the whole envelope checked, deleted on any failure.
import type { FileSink, ManifestFile } from "./envelope/index.js";
import { toHex } from "./envelope/index.js";

export interface StagedFile {
  name: string;
  mediaType: string;
  size: number;
  /** Backed by the staged file on disk, not by memory. */
  file: File;
}

export class OpfsSink implements FileSink {
  private directory: FileSystemDirectoryHandle | null = null;
  private readonly directoryName = `pli-${toHex(crypto.getRandomValues(new Uint8Array(16)))}`;
  private writable: FileSystemWritableFileStream | null = null;
  private readonly handles: { handle: FileSystemFileHandle; file: ManifestFile }[] = [];

  async begin(index: number, file: ManifestFile): Promise<void> {
    const directory = await this.open();
    // Staged under its position, never under the sender's name: the name is only applied when
    // the file is saved.
    const handle = await directory.getFileHandle(String(index), { create: true });
    this.writable = await handle.createWritable();
    this.handles.push({ handle, file });
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.writable === null) throw new Error("no file begun");
    await this.writable.write(chunk as Uint8Array<ArrayBuffer>);
  }

  async finish(): Promise<void> {
    if (this.writable === null) throw new Error("no file begun");
    await this.writable.close();
    this.writable = null;
  }

  async discard(): Promise<void> {
    if (this.writable !== null) {
      await this.writable.abort().catch(() => undefined);
      this.writable = null;
    }
    this.handles.length = 0;
    if (this.directory === null) return;
    this.directory = null;
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(this.directoryName, { recursive: true }).catch(() => undefined);
  }

  /** The staged files, to be called only once the envelope checked. */
  async files(): Promise<StagedFile[]> {
    const out: StagedFile[] = [];
    for (const { handle, file } of this.handles) {
      out.push({ name: file.name, mediaType: file.media_type, size: file.size, file: await handle.getFile() });
    }
    return out;
  }

  private async open(): Promise<FileSystemDirectoryHandle> {
    if (this.directory === null) {
      const root = await navigator.storage.getDirectory();
      this.directory = await root.getDirectoryHandle(this.directoryName, { create: true });
    }
    return this.directory;
  }
}

/** Removes what earlier visits left staged (a page closed while reading). */
export async function removeStaleStaging(): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name.startsWith("pli-")) names.push(name);
    }
    for (const name of names) await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  } catch {
    // No private storage: reading will say so.
  }
}
