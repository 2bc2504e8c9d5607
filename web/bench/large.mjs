// A large file through the account app, end to end, in headless Chromium against a real
// `pli serve`: one account sends it from the page (hash, seal to the Origin Private File System,
// upload), another opens it in the page (download, decrypt, verify, stage) and saves it; the
// saved bytes must hash as the original, and `pli get` must open the same envelope. Every
// 200 ms the resident memory of the browser's processes and of the server is sampled, to show
// that neither holds the file. Usage: node bench/large.mjs [MiB] (default 2048); needs PLI_BIN
// (or the debug `pli`) and Debian's chromium. Disk: about five times the size, freed at the end.
import { chromium } from "playwright-core";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, readdirSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { CHROMIUM, FLAGS } from "../tests/browser.mjs";
import { Server, tempDir } from "../tests/pli.mjs";

const mebibytes = Number(process.argv[2] ?? "2048");
const MIB = 1024 * 1024;

/** Resident set (bytes) of every process, and each one's parent, from /proc. */
function processes() {
  const found = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      found.set(Number(entry), { parent: Number(fields[1]), rss: rss === null ? 0 : Number(rss[1]) * 1024, cmdline });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

/** The browser launched on `profile` and all its descendants. */
function browserTree(all, profile) {
  const roots = [...all].filter(([, p]) => p.cmdline.includes(profile) && !p.cmdline.includes("--type=")).map(([pid]) => pid);
  const tree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of all) {
      if (!tree.has(pid) && tree.has(p.parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree].map((pid) => ({ pid, ...all.get(pid) }));
}

class MemoryWatch {
  constructor(profile, serverPid) {
    this.peakProcess = { rss: 0, kind: "" };
    this.peakSum = 0;
    this.peakServer = 0;
    /** What the page is doing, as `watchSendPhases` reads it; largest process's peak per phase. */
    this.phase = null;
    this.phases = new Map();
    this.timer = setInterval(() => {
      const all = processes();
      let sum = 0;
      let largest = 0;
      for (const p of browserTree(all, profile)) {
        sum += p.rss;
        largest = Math.max(largest, p.rss);
        if (p.rss > this.peakProcess.rss) this.peakProcess = { rss: p.rss, kind: /--type=([a-z-]+)/.exec(p.cmdline)?.[1] ?? "browser" };
      }
      if (this.phase !== null) this.phases.set(this.phase, Math.max(this.phases.get(this.phase) ?? 0, largest));
      this.peakSum = Math.max(this.peakSum, sum);
      this.peakServer = Math.max(this.peakServer, all.get(serverPid)?.rss ?? 0);
    }, 200);
  }

  take() {
    const taken = { process: this.peakProcess, sum: this.peakSum, server: this.peakServer };
    this.peakProcess = { rss: 0, kind: "" };
    this.peakSum = 0;
    this.peakServer = 0;
    return taken;
  }

  stop() {
    clearInterval(this.timer);
  }
}

/**
 * Follows the send page's progress bar (0 while hashing and proving keys, up to half while
 * sealing to OPFS, half while uploading), so memory peaks can be told apart by phase.
 */
function watchSendPhases(page, watch) {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const value = await page.evaluate(() => Number(document.getElementById("send-progress")?.value ?? 0)).catch(() => null);
      if (value !== null && !stopped) {
        const phase = value === 0 ? "hash" : value < 50 ? "seal" : "upload";
        if (phase !== watch.phase) console.error(`${new Date().toISOString()} send: ${phase}`);
        watch.phase = phase;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  };
  void poll();
  return () => {
    stopped = true;
    watch.phase = null;
  };
}

async function sha256File(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MIB })) hash.update(chunk);
  return hash.digest("hex");
}

async function logIn(context, server, user) {
  const page = await context.newPage();
  await page.goto(`${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(user.email);
  await page.getByLabel("Mot de passe").fill(user.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 120_000 });
  return page;
}

const mib = (bytes) => `${(bytes / MIB).toFixed(0)} MiB`;
const server = await Server.start();
const alice = server.user("alice@bench.example");
const bob = server.user("bob@bench.example");
const dir = tempDir("large");
const path = join(dir, "examen.bin");
const out = createWriteStream(path);
const block = randomBytes(MIB);
for (let i = 0; i < mebibytes; i++) if (!out.write(block)) await once(out, "drain");
out.end();
await once(out, "finish");
const expected = await sha256File(path);

const profile = tempDir("chromium-large");
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: FLAGS,
  acceptDownloads: true,
});
const watch = new MemoryWatch(profile, server.child.pid);
const results = [];
try {
  const sender = await logIn(context, server, alice);
  watch.take();
  await sender.getByRole("link", { name: "Envoyer" }).click();
  const form = sender.locator("#send-form");
  await form.getByLabel("Destinataires").fill(bob.email);
  await form.getByLabel("Objet").fill("grand fichier");
  await form.getByLabel("Documents").setInputFiles([path]);
  let start = performance.now();
  const stopPhases = watchSendPhases(sender, watch);
  await sender.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const status = sender.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await status.waitFor({ timeout: 3_600_000 });
  const sendSeconds = (performance.now() - start) / 1000;
  stopPhases();
  const id = /([0-9a-f]{32})/.exec(await status.innerText())[1];
  results.push({ what: "send from the page (hash, seal to OPFS, upload)", seconds: sendSeconds, memory: watch.take() });
  await sender.close();

  const reader = await logIn(context, server, bob);
  watch.take();
  start = performance.now();
  await reader.locator(`a[href="#/envelope/${id}"]`).click();
  const button = reader.getByRole("button", { name: "Télécharger examen.bin" });
  await button.waitFor({ timeout: 3_600_000 });
  const openSeconds = (performance.now() - start) / 1000;
  results.push({ what: "open in the page (download, decrypt, verify, stage)", seconds: openSeconds, memory: watch.take() });
  start = performance.now();
  const [download] = await Promise.all([reader.waitForEvent("download"), button.click()]);
  const saved = await download.path();
  const saveSeconds = (performance.now() - start) / 1000;
  results.push({ what: "save (the browser copies the staged file)", seconds: saveSeconds, memory: watch.take() });
  const same = (await sha256File(saved)) === expected;
  await download.delete();
  await reader.close();

  const got = join(dir, "got");
  start = performance.now();
  bob.run(["get", id, "-o", got]);
  const cliSeconds = (performance.now() - start) / 1000;
  const cliSame = (await sha256File(join(got, "examen.bin"))) === expected;
  rmSync(got, { recursive: true, force: true });

  const chromiumVersion = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`${mebibytes} MiB, ${new Date().toISOString()}, ${chromiumVersion}, node ${process.version}, load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
  console.log("| step | time (s) | MiB/s | largest browser process, peak RSS | all browser processes, peak RSS | server peak RSS |");
  console.log("|---|---|---|---|---|---|");
  for (const { what, seconds, memory } of results) {
    console.log(`| ${what} | ${seconds.toFixed(1)} | ${(mebibytes / seconds).toFixed(1)} | ${mib(memory.process.rss)} (${memory.process.kind}) | ${mib(memory.sum)} | ${mib(memory.server)} |`);
  }
  console.log(`largest browser process while sending, by phase: ${[...watch.phases].map(([phase, rss]) => `${phase} ${mib(rss)}`).join(", ")}`);
  console.log(`saved file identical: ${same}; pli get of the same envelope: ${cliSeconds.toFixed(1)} s, identical: ${cliSame}`);
  if (!same || !cliSame) process.exitCode = 1;
} finally {
  watch.stop();
  await context.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
