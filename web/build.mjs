// Bundles the browser code into the server crate's web/dist/, which is committed and embedded
// in the binary. The output must depend on the sources alone: same input, same bytes.
import { build } from "esbuild";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "crates", "server", "web", "dist");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  absWorkingDir: here,
  entryPoints: { recipient: "src/pages/recipient.ts", app: "src/pages/app.ts", request: "src/pages/request.ts", "dlp-worker": "src/dlp/worker.ts" },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome120", "firefox121", "safari17"],
  outdir: out,
  minify: true,
  sourcemap: false,
  legalComments: "eof",
  charset: "utf8",
  // The health dictionary of crates/dlp, bundled: the page never fetches it.
  loader: { ".tsv": "text" },
  logLevel: "warning",
});

for (const name of (await readdir(join(here, "static"))).sort()) {
  await copyFile(join(here, "static", name), join(out, name));
}
