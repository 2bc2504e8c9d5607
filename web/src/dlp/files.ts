// Inspecting the files chosen for sending: each read, its text extracted and scanned, and the
// results kept as the sender is shown them (kinds, counts, masked excerpts) and as the policy
// counts them (labels: kinds and counts over all files, and files not inspected).
import { addFindings, type Labels } from "./policy.js";
import { DEFAULT_LIMITS, extractBytes, type NotInspectable } from "./extract.js";
import { scanText, type Finding, type Kind } from "./index.js";

/** Masked excerpts shown per kind and file: enough to find them, not a listing. */
const EXCERPTS_PER_KIND = 3;

export interface FileInspection {
  name: string;
  /** Why the file could not be inspected, or null. */
  notInspectable: NotInspectable | null;
  /** Per kind found: how many, and a few masked excerpts. */
  kinds: { kind: Kind; count: number; excerpts: string[] }[];
}

export interface Inspection {
  labels: Labels;
  files: FileInspection[];
}

/** Something a file can be read from: a browser `File`, or bytes in tests. */
export interface Inspectable {
  name: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

/** Scans every file; `onProgress` gets the bytes done so far and the total. */
export async function inspectFiles(files: readonly Inspectable[], onProgress: (done: number, total: number) => void = () => undefined): Promise<Inspection> {
  const labels: Labels = { kinds: new Map(), notInspectable: 0 };
  const inspected: FileInspection[] = [];
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  for (const file of files) {
    onProgress(done, total);
    let findings: Finding[] = [];
    let notInspectable: NotInspectable | null = null;
    if (file.size > DEFAULT_LIMITS.maxFileBytes) {
      notInspectable = "too-large";
    } else {
      const extracted = extractBytes(await file.bytes(), file.name);
      if ("text" in extracted) findings = scanText(extracted.text);
      else notInspectable = extracted.notInspectable;
    }
    if (notInspectable !== null) labels.notInspectable += 1;
    addFindings(labels, findings);
    inspected.push({ name: file.name, notInspectable, kinds: summarise(findings) });
    done += file.size;
    // Lets the page repaint its progress between files.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  onProgress(total, total);
  return { labels, files: inspected };
}

/**
 * The same scan in a Web Worker (`worker.ts`, served as `/assets/dlp-worker.js`); on the page's
 * thread when the browser cannot start it. A file the worker cannot read fails the scan.
 */
export function inspectFilesInWorker(files: readonly File[], onProgress: (done: number, total: number) => void = () => undefined): Promise<Inspection> {
  const onThread = () => inspectFiles(files.map((file) => ({ name: file.name, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) })), onProgress);
  let worker: Worker;
  try {
    worker = new Worker("/assets/dlp-worker.js", { type: "module" });
  } catch {
    return onThread();
  }
  return new Promise<Inspection>((resolve, reject) => {
    let started = false;
    worker.onmessage = (event: MessageEvent<{ progress?: [number, number]; inspection?: Inspection; error?: string }>) => {
      started = true;
      const message = event.data;
      if (message.progress !== undefined) {
        onProgress(...message.progress);
        return;
      }
      worker.terminate();
      if (message.inspection !== undefined) resolve(message.inspection);
      else reject(new Error(`the scan failed (${message.error ?? "error"})`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      // A worker that never ran (blocked, unsupported): the page scans on its own thread.
      if (!started) onThread().then(resolve, reject);
      else reject(new Error("the scan failed"));
    };
    worker.postMessage({ files: [...files] });
  });
}

function summarise(findings: readonly Finding[]): FileInspection["kinds"] {
  const byKind = new Map<Kind, { kind: Kind; count: number; excerpts: string[] }>();
  for (const finding of findings) {
    let entry = byKind.get(finding.kind);
    if (entry === undefined) {
      entry = { kind: finding.kind, count: 0, excerpts: [] };
      byKind.set(finding.kind, entry);
    }
    entry.count += 1;
    if (entry.excerpts.length < EXCERPTS_PER_KIND && !entry.excerpts.includes(finding.excerpt)) entry.excerpts.push(finding.excerpt);
  }
  return [...byKind.values()];
}
