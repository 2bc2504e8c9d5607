// Throughput of the TypeScript detectors (web/src/dlp) in Node on the inputs of
// `cargo bench -p pli-dlp --bench detectors` (crates/dlp/benches/detectors.rs): 10 MiB of each
// text, scanned whole, MB/s (10^6 bytes per second) of CPU time, best of five. With `--rust`,
// runs that cargo bench too, in the same run, and prints both side by side.
// Usage: node bench/dlp.mjs [--rust]
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../tests/pli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = 10 << 20;

const dir = tempDir("bench-dlp");
const out = join(dir, "dlp.mjs");
await build({
  absWorkingDir: join(here, ".."),
  entryPoints: ["src/dlp/index.ts"],
  bundle: true,
  format: "esm",
  platform: "neutral",
  outfile: out,
  loader: { ".tsv": "text" },
  logLevel: "warning",
});
const { scanText } = await import(out);
rmSync(dir, { recursive: true, force: true });

/** The parts repeated until the text has at least SIZE bytes, as the Rust bench builds it. */
function repeatToSize(parts) {
  const unit = parts.join("");
  return unit.repeat(Math.ceil(SIZE / new TextEncoder().encode(unit).length));
}

const inputs = [
  [
    "realistic (identifiers and health terms)",
    repeatToSize([
      "Compte rendu de consultation du 14/02/2024. Mme Durand, née le 12/03/1985, ",
      "est suivie pour un diabète de type 2 et une hypertension artérielle. ",
      "Traitement : metformine 1000 mg matin et soir, posologie inchangée. ",
      "NIR 2 55 08 14 168 025 38, mutuelle n° 123456. Tél. 06 12 34 56 78. ",
      "Règlement par virement, IBAN FR14 2004 1010 0505 0001 3M02 606, ",
      "facture 2024-0042 de 120,50 euros, SIRET 732 829 320 00074. ",
      "Le patient ne présente pas de complication ; prochain rendez-vous dans six mois, ",
      "contact : secretariat@cabinet-exemple.fr ou au standard de la clinique.\n",
      "La réunion de service a porté sur l'organisation des congés d'été, ",
      "le budget de l'année et le déménagement des archives au deuxième étage. ",
      "Les comptes rendus seront envoyés par voie sécurisée avant la fin du mois.\n",
    ]),
  ],
  [
    "prose without identifiers",
    repeatToSize([
      "La réunion de service a porté sur l'organisation des congés d'été, ",
      "le budget de l'année et le déménagement des archives au deuxième étage. ",
      "Les comptes rendus seront envoyés par voie sécurisée avant la fin du mois.\n",
    ]),
  ],
  ["hostile: digits and spaces", repeatToSize(["1 2 3 4 5 6 7 8 9 0 "])],
  ["hostile: at signs", repeatToSize(["a@a@a.a@"])],
  ["hostile: context words", repeatToSize(["néné née né naissance cni passeport adeli "])],
];

/** CPU seconds of this thread (Node 23.9+), else of the process. */
function cpuSeconds() {
  const usage = typeof process.threadCpuUsage === "function" ? process.threadCpuUsage() : process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const typescript = new Map();
for (const [name, text] of inputs) {
  // Scanned as the page scans a file: its UTF-8 bytes.
  const bytes = new TextEncoder().encode(text);
  // Also the warm-up: the dictionaries are built and the code compiled on the first scan.
  const findings = scanText(bytes).length;
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const before = cpuSeconds();
    scanText(bytes);
    best = Math.min(best, cpuSeconds() - before);
  }
  const rate = bytes.length / best / 1e6;
  typescript.set(name, rate);
  console.log(`${name.padEnd(45)} ${rate.toFixed(1).padStart(7)} MB/s  (${findings} findings in ${bytes.length >> 20} MiB)  TypeScript, Node ${process.version}`);
}

if (process.argv.includes("--rust")) {
  const root = resolve(here, "..", "..");
  const run = spawnSync("cargo", ["bench", "-p", "pli-dlp", "--bench", "detectors"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (run.status !== 0) throw new Error(`cargo bench exited ${run.status}`);
  console.log("\n| input | Rust (MB/s) | TypeScript in Node (MB/s) |\n|---|---|---|");
  for (const line of run.stdout.split("\n")) {
    const match = /^(.+?)\s+([0-9.]+) MB\/s/.exec(line);
    if (match === null) continue;
    const name = match[1].trim();
    console.log(`| ${name} | ${match[2]} | ${typescript.get(name)?.toFixed(1) ?? "?"} |`);
  }
}
