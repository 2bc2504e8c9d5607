// Browser encrypt and decrypt throughput for a large file in headless Chromium, beside the CLI
// (`pli send` and `pli get` of the same size against a local `pli serve`) on the same machine
// in the same run. Usage: node bench/throughput.mjs [MiB] (default 500). Needs the debug or
// release `pli` (PLI_BIN) and Debian's chromium.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createWriteStream, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "../tests/browser.mjs";
import { Server, tempDir } from "../tests/pli.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const mebibytes = Number(process.argv[2] ?? "500");
const rate = (seconds) => `${(mebibytes / seconds).toFixed(1)} MiB/s (${seconds.toFixed(1)} s)`;

const bundle = await build({
  entryPoints: [join(here, "entry.mjs")],
  bundle: true,
  format: "esm",
  write: false,
  logLevel: "warning",
});
const script = bundle.outputFiles[0].text;

const context = await launch();
const page = await context.newPage();
// Served by Playwright itself, never over the network; 127.0.0.1 is a secure context (OPFS).
await page.route("http://127.0.0.1:9/bench.html", (route) =>
  route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title><script type=module src=/bench.js></script>" }),
);
await page.route("http://127.0.0.1:9/bench.js", (route) => route.fulfill({ contentType: "text/javascript", body: script }));
await page.goto("http://127.0.0.1:9/bench.html");
await page.waitForFunction(() => typeof window.pliBench === "function");
const browser = await page.evaluate((size) => window.pliBench(size), mebibytes);
await context.close();

// The CLI on the same machine: seal and upload, then download, decrypt and verify.
const server = await Server.start();
const alice = server.user("alice@bench.example");
const dir = tempDir("bench");
const path = join(dir, "large.bin");
const out = createWriteStream(path);
const block = randomBytes(1024 * 1024);
for (let i = 0; i < mebibytes; i++) if (!out.write(block)) await once(out, "drain");
out.end();
await once(out, "finish");
let start = performance.now();
const id = alice.send([path], "alice@bench.example");
const sendSeconds = (performance.now() - start) / 1000;
start = performance.now();
alice.run(["get", id, "-o", join(dir, "got")]);
const getSeconds = (performance.now() - start) / 1000;
await server.stop();
rmSync(dir, { recursive: true, force: true });

const chromium = spawnSync(process.env.PLI_CHROMIUM ?? "/usr/bin/chromium", ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(`${mebibytes} MiB, ${new Date().toISOString()}, ${chromium}, node ${process.version}`);
console.log(`browser encrypt (age-encryption, to OPFS):          ${rate(browser.encryptSeconds)}`);
console.log(`browser decrypt + SHA-256 (age-encryption, from OPFS): ${rate(browser.decryptSeconds)}`);
console.log(`CLI pli send (hash, seal, upload to loopback):       ${rate(sendSeconds)}`);
console.log(`CLI pli get (download, decrypt, verify, write):      ${rate(getSeconds)}`);
