// Inspecting the files chosen for sending: each read, its text extracted and scanned, and the
// results kept as the sender is shown them (kinds, counts, masked excerpts) and as the policy
// counts them (labels: kinds and counts over all files, and files not inspected).
import { addFindings, type Labels } from "./policy.js";
import { DEFAULT_LIMITS, extractBytes, type Extracted, type NotInspectable } from "./extract.js";
import { scanText, type Finding, type Kind } from "./index.js";

/** Masked excerpts shown per kind and file: enough to find them, not a listing. */
const EXCERPTS_PER_KIND = 3;

export interface FileInspection {
  name: string;
  /** Why the file could not be inspected (wholly), or null. */
  notInspectable: NotInspectable | null;
  /** Per kind found: how many, and a few masked excerpts (in the text read, for a file read in part). */
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
export async function inspectFiles(
  files: readonly Inspectable[],
  onProgress: (done: number, total: number) => void = () => undefined,
  readPdf: ((bytes: Uint8Array) => Promise<Extracted>) | null = null,
): Promise<Inspection> {
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
      const bytes = await file.bytes();
      let extracted = extractBytes(bytes, file.name);
      // PDF is read in the scan's worker only (`readPdf`): the parser stays off the page.
      if ("notInspectable" in extracted && extracted.notInspectable === "pdf" && readPdf !== null) extracted = await readPdf(bytes);
      if ("text" in extracted) {
        findings = scanText(extracted.text);
        // Read in part: the findings of its text count, and so does what was not read.
        notInspectable = extracted.unread ?? null;
      } else {
        notInspectable = extracted.notInspectable;
      }
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

/** How long one file's extraction and scan may take, as `pli scan`'s isolated child (30 s). */
export const WORKER_TIME_LIMIT_MS = 30_000;

/**
 * The same scan, each file in its own Web Worker (`worker.ts`, served as `/assets/dlp-worker.js`),
 * isolated as `pli scan` isolates extraction in a child process: a file whose worker runs past
 * `timeLimitMs` is stopped and reported not inspectable (`timeout`), one whose worker dies
 * (a crash, memory exhausted) likewise (`extractor-failed`); the other files are still scanned.
 * On the page's thread when the browser cannot start a worker at all.
 */
export async function inspectFilesInWorker(
  files: readonly File[],
  onProgress: (done: number, total: number) => void = () => undefined,
  timeLimitMs = WORKER_TIME_LIMIT_MS,
): Promise<Inspection> {
  const labels: Labels = { kinds: new Map(), notInspectable: 0 };
  const inspected: FileInspection[] = [];
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  for (const file of files) {
    onProgress(done, total);
    const one = await inspectInWorker(file, timeLimitMs);
    if (one === "no-worker") return inspectFiles(files.map((each) => ({ name: each.name, size: each.size, bytes: async () => new Uint8Array(await each.arrayBuffer()) })), onProgress);
    const result: Inspection = typeof one === "string" ? { labels: { kinds: new Map(), notInspectable: 1 }, files: [{ name: file.name, notInspectable: one, kinds: [] }] } : one;
    for (const [kind, count] of result.labels.kinds) labels.kinds.set(kind, (labels.kinds.get(kind) ?? 0) + count);
    labels.notInspectable += result.labels.notInspectable;
    inspected.push(...result.files);
    done += file.size;
  }
  onProgress(total, total);
  return { labels, files: inspected };
}

/** One file in a fresh worker: its inspection, why it could not be inspected, or no worker. */
function inspectInWorker(file: File, timeLimitMs: number): Promise<Inspection | "timeout" | "extractor-failed" | "no-worker"> {
  let worker: Worker;
  try {
    worker = new Worker("/assets/dlp-worker.js", { type: "module" });
  } catch {
    return Promise.resolve("no-worker");
  }
  return new Promise((resolve) => {
    let started = false;
    const timer = setTimeout(() => finish("timeout"), timeLimitMs);
    const finish = (result: Inspection | "timeout" | "extractor-failed" | "no-worker") => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    worker.onmessage = (event: MessageEvent<{ ready?: true; progress?: [number, number]; inspection?: Inspection; error?: string }>) => {
      started = true;
      const message = event.data;
      // Only the scan's answers end it: pdf.js's parser posts messages of its own here.
      if (message.inspection !== undefined) finish(message.inspection);
      else if (message.error !== undefined) finish("extractor-failed");
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // A worker that never ran (blocked, unsupported): the page scans on its own thread.
      finish(started ? "extractor-failed" : "no-worker");
    };
    worker.postMessage({ files: [file] });
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
