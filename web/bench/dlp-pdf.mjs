// Reading a PDF's text before sending: the web app's reader (web/src/dlp/pdf.ts, pdf.js, as the
// scan's worker runs it) in Node, beside `pli scan` (pdf-extract in its isolated child) on the
// same files, in the same run. Each file is a generated report of PAGES pages of French text
// with identifiers (Helvetica, WinAnsi). Wall time, best of three; pages per second and MB/s of
// the text read (10^6 bytes per second); the findings per kind of both, which must agree.
// Usage: PLI_BIN=target/release/pli node bench/dlp-pdf.mjs
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { pdfOf } from "../tests/pdf-files.mjs";
import { pliBinary, tempDir } from "../tests/pli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = 3;
const PAGE_COUNTS = [10, 100, 400];

const dir = tempDir("bench-dlp-pdf");
const out = join(dir, "reader.mjs");
await build({
  absWorkingDir: join(here, ".."),
  stdin: {
    contents: 'export { pdfText } from "./src/dlp/pdf.js";\nexport { scanText } from "./src/dlp/index.js";\nexport { DEFAULT_LIMITS } from "./src/dlp/extract.js";\n',
    resolveDir: join(here, ".."),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "browser",
  outfile: out,
  loader: { ".tsv": "text" },
  logLevel: "error",
});
// pdf.js warns once, in Node only, that it cannot draw: nothing here draws.
const log = console.log;
console.log = () => {};
const { pdfText, scanText, DEFAULT_LIMITS } = await import(out);
console.log = log;

const LINES = [
  "Compte rendu de consultation du 14/02/2024. Mme Durand, nee le 12/03/1985,",
  "est suivie pour un diabete de type 2 et une hypertension arterielle.",
  "Traitement : metformine 1000 mg matin et soir, posologie inchangee.",
  "NIR 2 55 08 14 168 025 38, mutuelle n 123456. Tel. 06 12 34 56 78.",
  "Reglement par virement, IBAN FR14 2004 1010 0505 0001 3M02 606,",
  "facture 2024-0042 de 120,50 euros, SIRET 732 829 320 00074.",
  "Le patient ne presente pas de complication ; prochain rendez-vous dans six mois,",
  "contact : secretariat@cabinet-exemple.fr ou au standard de la clinique.",
  "La reunion de service a porte sur l'organisation des conges d'ete,",
  "le budget de l'annee et le demenagement des archives au deuxieme etage.",
];

/** A PDF of `pages` pages, 50 lines each, one content stream per page, one shared font. */
function report(pages) {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", null, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"];
  const kids = [];
  for (let page = 0; page < pages; page++) {
    const lines = Array.from({ length: 50 }, (_, line) => LINES[(page + line) % LINES.length]);
    const content = "BT /F1 9 Tf 36 770 Td 15 TL\n" + lines.map((line) => `(${line}) Tj T*\n`).join("") + "ET\n";
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    const contentRef = objects.length;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentRef} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`);
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  return pdfOf(objects);
}

function countKinds(kinds) {
  const counts = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort());
}

async function best(run) {
  let fastest = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    result = await run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: fastest, result };
}

const pli = pliBinary();
console.log(`| pages | PDF bytes | text bytes | pdf.js read (s) | pdf.js read + scan (s) | pages/s | text MB/s | \`pli scan\` (s) | pages/s | same findings |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|`);
for (const pages of PAGE_COUNTS) {
  const bytes = report(pages);
  const file = join(dir, `report-${pages}.pdf`);
  writeFileSync(file, bytes);
  const read = await best(() => pdfText(new Uint8Array(bytes), DEFAULT_LIMITS));
  if (!("text" in read.result)) throw new Error(`pdf.js could not read ${pages} pages: ${JSON.stringify(read.result)}`);
  const textBytes = Buffer.byteLength(read.result.text);
  const scanned = await best(async () => scanText((await pdfText(new Uint8Array(bytes), DEFAULT_LIMITS)).text));
  const web = countKinds(scanned.result.map((finding) => finding.kind));
  const rust = await best(() => spawnSync(pli, ["scan", file, "--json"], { encoding: "utf8", maxBuffer: 1 << 30 }));
  if (rust.result.status !== 0) throw new Error(`pli scan failed: ${rust.result.stderr}`);
  const report_ = JSON.parse(rust.result.stdout.trim().split("\n")[0]);
  const cli = countKinds(report_.findings.map((finding) => finding.kind));
  const same = JSON.stringify(web) === JSON.stringify(cli);
  console.log(
    `| ${pages} | ${bytes.length} | ${textBytes} | ${read.seconds.toFixed(3)} | ${scanned.seconds.toFixed(3)} | ${(pages / scanned.seconds).toFixed(0)} | ${(textBytes / scanned.seconds / 1e6).toFixed(2)} | ${rust.seconds.toFixed(3)} | ${(pages / rust.seconds).toFixed(0)} | ${same ? "yes" : `no: ${JSON.stringify(web)} / ${JSON.stringify(cli)}`} |`,
  );
}
rmSync(dir, { recursive: true, force: true });
