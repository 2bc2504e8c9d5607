// PDF in the browser, as crates/dlp/src/extract/pdf.rs: the text layer, here through pdf.js
// (pdfjs-dist), run in the scan's own worker (worker.ts) under its time limit, never on the
// page's thread. A PDF whose pages carry no text (a scan) cannot be inspected; one with text
// whose pages also draw images, or which carries attached files, is read in part. pdf.js's
// messages may quote the document: only the kind of failure is kept.
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import * as pdfWorker from "pdfjs-dist/legacy/build/pdf.worker.mjs";
import type { Extracted, Limits } from "./extract.js";

// pdf.js parses in this same thread (its "fake worker"): the scan already runs in a worker,
// which the page stops when the time limit is reached. Loaded in a worker, pdf.js's parser
// also answers on the worker's port and says "ready" there; the page ignores its messages.
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfWorker;

/** The operators that draw an image on a page (pdf.js `OPS`). */
const IMAGE_OPERATORS = new Set([
  pdfjs.OPS.paintImageMaskXObject,
  pdfjs.OPS.paintImageMaskXObjectGroup,
  pdfjs.OPS.paintImageXObject,
  pdfjs.OPS.paintInlineImageXObject,
  pdfjs.OPS.paintInlineImageXObjectGroup,
  pdfjs.OPS.paintImageXObjectRepeat,
  pdfjs.OPS.paintImageMaskXObjectRepeat,
]);

/** The text of a PDF's pages, one line per line of text, or why it cannot be inspected. */
export async function pdfText(bytes: Uint8Array, limits: Limits): Promise<Extracted> {
  let document: pdfjs.PDFDocumentProxy;
  try {
    document = await pdfjs.getDocument({
      data: bytes,
      // Nothing from the file becomes code, fonts or requests.
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      useWorkerFetch: false,
      isOffscreenCanvasSupported: false,
      stopAtErrors: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    // An empty user password opens many "protected" PDFs, and pdf.js tries it; another asks.
    return { notInspectable: error instanceof Error && error.name === "PasswordException" ? "encrypted" : "corrupt" };
  }
  try {
    const lines: string[] = [];
    let length = 0;
    let images = false;
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let line = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          length += line.length + 1;
          line = "";
        }
      }
      lines.push(line, "");
      length += line.length + 2;
      if (length > limits.maxTextBytes) return { notInspectable: "too-large" };
      if (!images) {
        const operators = await page.getOperatorList();
        images = operators.fnArray.some((operator) => IMAGE_OPERATORS.has(operator));
      }
      page.cleanup();
    }
    const text = lines.join("\n");
    if (text.trim() === "") return { notInspectable: "scanned-pdf" };
    // Attachments first: a whole file may hide there, more than an image holds.
    const attachments = await document.getAttachments();
    const unread = attachments !== null && Object.keys(attachments).length > 0 ? "embedded-objects-not-inspected" : images ? "images-not-inspected" : undefined;
    return unread === undefined ? { text, format: "pdf" } : { text, format: "pdf", unread };
  } catch {
    return { notInspectable: "corrupt" };
  } finally {
    await document.destroy();
  }
}
