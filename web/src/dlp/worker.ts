// The scan of the files chosen for sending, off the page's thread (`/assets/dlp-worker.js`):
// the page posts the files, the worker reads, extracts and scans them (./files.ts) and posts
// its progress, then the inspection (kinds, counts and masked excerpts, never values), so the
// page stays responsive during a large file.
import { DEFAULT_LIMITS } from "./extract.js";
import { inspectFiles } from "./files.js";
import { pdfText } from "./pdf.js";

interface Scope {
  onmessage: ((event: MessageEvent<{ files: File[] }>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as Scope;

scope.onmessage = (event) => {
  // Says the worker runs, so a failure from now on is the file's, not the browser's.
  scope.postMessage({ ready: true });
  const files = event.data.files;
  inspectFiles(
    files.map((file) => ({ name: file.name, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) })),
    (done, total) => scope.postMessage({ progress: [done, total] }),
    (bytes) => pdfText(bytes, DEFAULT_LIMITS),
  )
    .then((inspection) => scope.postMessage({ inspection }))
    .catch((error: unknown) => scope.postMessage({ error: error instanceof Error ? error.name : "error" }));
};
