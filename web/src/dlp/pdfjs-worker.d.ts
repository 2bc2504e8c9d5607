// pdfjs-dist ships no types for its parser's module: pdf.ts only hands it to pdf.js.
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs";
