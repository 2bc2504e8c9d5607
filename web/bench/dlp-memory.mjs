// Peak memory of the browser's file inspection (web/src/dlp/files.ts, what the send page's
// worker runs) in Node, whose V8 is Chromium's: each case in a fresh process, a text file
// built in memory and inspected whole, then the process's peak resident set
// (`process.resourceUsage().maxRSS`), the input included.
// Usage: node bench/dlp-memory.mjs
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../tests/pli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TEXTS = {
  dense:
    "Compte rendu de consultation du 14/02/2024. Mme Durand, née le 12/03/1985, est suivie pour un diabète de type 2 " +
    "et une hypertension artérielle. NIR 2 55 08 14 168 025 38, mutuelle n° 123456. Tél. 06 12 34 56 78. " +
    "IBAN FR14 2004 1010 0505 0001 3M02 606, SIRET 732 829 320 00074. contact : secretariat@cabinet-exemple.fr\n",
  prose: "La réunion de service a porté sur l'organisation des congés d'été, le budget de l'année et le déménagement des archives au deuxième étage.\n",
};

if (process.argv[2] === "--case") {
  const [, , , bundle, kind, mebibytes] = process.argv;
  const { inspectFiles } = await import(bundle);
  const unit = new TextEncoder().encode(TEXTS[kind]);
  // Whole units only, so the file is valid UTF-8.
  const bytes = new Uint8Array(Math.floor((Number(mebibytes) << 20) / unit.length) * unit.length);
  for (let at = 0; at < bytes.length; at += unit.length) bytes.set(unit, at);
  const started = process.hrtime.bigint();
  const inspection = await inspectFiles([{ name: "document.txt", size: bytes.length, bytes: async () => bytes }]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const file = inspection.files[0];
  const findings = file.kinds.reduce((sum, entry) => sum + entry.count, 0);
  console.log(JSON.stringify({ kind, mebibytes: Number(mebibytes), outcome: file.notInspectable ?? `${findings} findings`, seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const dir = tempDir("bench-dlp-memory");
const bundle = join(dir, "files.mjs");
await build({
  absWorkingDir: join(here, ".."),
  entryPoints: ["src/dlp/files.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  outfile: bundle,
  loader: { ".tsv": "text" },
  logLevel: "warning",
});
console.log("| text | size (MiB) | outcome | time (s) | peak RSS (MiB) |");
console.log("|---|---|---|---|---|");
for (const [kind, mebibytes] of [["prose", 1], ["dense", 16], ["dense", 64], ["prose", 64], ["prose", 100], ["prose", 250]]) {
  const run = spawnSync(process.execPath, ["--max-old-space-size=4096", fileURLToPath(import.meta.url), "--case", bundle, kind, String(mebibytes)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`case ${kind} ${mebibytes} MiB failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout);
  console.log(`| ${kind} | ${mebibytes} | ${result.outcome} | ${result.seconds.toFixed(2)} | ${result.peakMiB.toFixed(0)} |`);
}
rmSync(dir, { recursive: true, force: true });
