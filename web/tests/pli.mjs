// Drives the real `pli` binary as the Rust CLI tests do: a server on a fresh data directory,
// accounts invited offline and joined, each in its own profile directory.
import { spawn, spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { createInterface } from "node:readline";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "..", "..");

/** The debug binary cargo built, or PLI_BIN. */
export function pliBinary() {
  if (process.env.PLI_BIN) return process.env.PLI_BIN;
  const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, "target");
  return join(target, "debug", "pli");
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `pli-web-${prefix}-`));
}

/** Runs `pli ARGS` with a clean environment; returns stdout, throws with stderr on failure. */
export function pli(args, { home, password, input } = {}) {
  const env = { PATH: process.env.PATH, HOME: "/nonexistent", LANG: "C.UTF-8" };
  if (home) env.PLI_HOME = home;
  if (password) env.PLI_PASSWORD = password;
  const run = spawnSync(pliBinary(), args, { env, encoding: "utf8", input: input ?? "", timeout: 120_000 });
  if (run.status !== 0) {
    throw new Error(`pli ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  }
  return run.stdout.trim();
}

export class Server {
  static async start(extra = []) {
    const data = tempDir("data");
    const child = spawn(pliBinary(), ["serve", "--listen", "127.0.0.1:0", "--data", data, ...extra], {
      env: { PATH: process.env.PATH, HOME: "/nonexistent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise((resolveUrl, reject) => {
      lines.once("line", (line) => {
        const match = /^Listening on (\S+)$/.exec(line.trim());
        if (match) resolveUrl(match[1]);
        else reject(new Error(`the server did not start: ${line} ${stderr}`));
      });
      child.once("exit", (code) => reject(new Error(`the server exited ${code}: ${stderr}`)));
      child.once("error", (error) => reject(new Error(`cannot run ${pliBinary()}: ${error.message} (build it with cargo build --workspace)`)));
    });
    // Keep draining its output so it never blocks on a full pipe.
    lines.on("line", () => {});
    return new Server(child, url, data);
  }

  constructor(child, url, data) {
    this.child = child;
    this.url = url;
    this.data = data;
  }

  invite(email, org, role = "agent") {
    return pli(["admin", "invite", email, "--org", org, "--role", role, "--data", this.data]);
  }

  /** An account (an agent unless `role` says otherwise), invited offline and joined from a
   * fresh profile. */
  user(email, org = "hopital", role = "agent") {
    const code = this.invite(email, org, role);
    const user = new User(email, tempDir("home"));
    user.run(["join", this.url, "--email", email, "--code", code]);
    return user;
  }

  /** The ciphertext file of envelope `id` in the data directory. */
  blobPath(id) {
    const found = findFile(join(this.data, "blobs"), id);
    if (!found) throw new Error(`no blob for ${id}`);
    return found;
  }

  /** Runs SQL on the server's database with the sqlite3 tool. */
  sql(statement) {
    const run = spawnSync("sqlite3", ["-cmd", ".timeout 10000", join(this.data, "pli.db"), statement], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`sqlite3: ${run.stderr}`);
    return run.stdout.trim();
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((done) => this.child.once("exit", done));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.data, { recursive: true, force: true });
  }
}

export class User {
  constructor(email, home) {
    this.email = email;
    this.home = home;
    this.password = `long password of ${email}`;
  }

  run(args) {
    return pli(args, { home: this.home, password: this.password });
  }

  /** Sends files; returns the envelope id. */
  send(files, to, extra = []) {
    const id = this.run(["send", ...files, "--to", to, "--subject", "test", ...extra]);
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`send printed ${id}`);
    return id;
  }

  /** The account's age identity, `AGE-SECRET-KEY-1...`. */
  identity() {
    return this.run(["key", "export"]);
  }

  /** The account's Ed25519 verifying key, unpadded base64url, from its profile. */
  signingKey() {
    return JSON.parse(readFileSync(join(this.home, "profile.json"), "utf8")).public_keys.signing_key;
  }
}

function findFile(dir, name) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    } else if (entry === name) {
      return path;
    }
  }
  return null;
}

/** The browser's envelope code, bundled for Node so tests run exactly what the page runs. */
export async function loadEnvelopeModule() {
  return loadModule("src/envelope/index.ts");
}

/** Any module of web/src, bundled for Node the same way. */
export async function loadModule(entry) {
  const out = join(tempDir("bundle"), "module.mjs");
  await build({
    absWorkingDir: join(here, ".."),
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    outfile: out,
    loader: { ".tsv": "text" },
    logLevel: "warning",
  });
  return import(out);
}

/** RFC 6238 (SHA-1, 6 digits, 30 s) for `steps` time steps from now. */
export function totp(base32, steps) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of base32.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + steps));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

/** Hex SHA-256 of `bytes`, to compare files byte for byte. */
export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
