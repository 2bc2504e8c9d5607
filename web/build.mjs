// Bundles the browser code into the server crate's web/dist/, which is committed and embedded
// in the binary. The output must depend on the sources alone: same input, same bytes.
import { build } from "esbuild";
import { copyFile, mkdir, readFile, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

// pdf.js (the scan worker's PDF reader) turns PostScript functions of a PDF into JavaScript with
// `new Function` when it finds eval allowed. The worker is served with a policy that forbids
// eval, and the reader asks for none (`isEvalSupported: false`); these rewrites take the code
// path out of the bundle altogether, so that nothing from a file can ever become code. Each
// rewrite must apply exactly once, or the build stops: a new pdf.js is read before it ships.
const NO_EVAL_PROBE = { from: 'try {\n    new Function("");\n    return true;\n  } catch {\n    return false;\n  }', to: "return false;" };
// core-js, which the legacy build carries, looks for `require` (Node) and the global object with
// `Function(...)`; the worker has no `require`, and its global object is `globalThis`.
const NO_REQUIRE_PROBE = { from: `Function('return require("' + name + '")')()`, to: "undefined" };
const NO_GLOBAL_PROBE = { from: "Function('return this')()", to: "globalThis" };
const PDFJS_REWRITES = {
  "pdf.mjs": [NO_EVAL_PROBE, NO_REQUIRE_PROBE, NO_GLOBAL_PROBE],
  "pdf.worker.mjs": [
    NO_EVAL_PROBE,
    NO_REQUIRE_PROBE,
    NO_GLOBAL_PROBE,
    // PostScript functions stay interpreted, as when eval is refused.
    { from: 'return new Function("src", "srcOffset", "dest", "destOffset", compiled);', to: "return null;" },
  ],
};

const withoutEval = {
  name: "pdfjs-without-eval",
  setup(builder) {
    builder.onLoad({ filter: /pdfjs-dist[\\/]legacy[\\/]build[\\/]pdf(\.worker)?\.mjs$/ }, async (args) => {
      const name = args.path.split(/[\\/]/).pop();
      let contents = await readFile(args.path, "utf8");
      for (const rewrite of PDFJS_REWRITES[name] ?? []) {
        const found = contents.split(rewrite.from).length - 1;
        if (found !== 1) throw new Error(`${name}: expected one ${JSON.stringify(rewrite.from)}, found ${found}`);
        contents = contents.replace(rewrite.from, () => rewrite.to);
      }
      return { contents, loader: "js" };
    });
  },
};
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
  plugins: [withoutEval],
});

for (const name of (await readdir(join(here, "static"))).sort()) {
  await copyFile(join(here, "static", name), join(out, name));
}
