// The app's upload cut once in the middle by a loopback TCP proxy: the send resumes from the
// offset the server acknowledged, from the OPFS-staged ciphertext, says "Reprise de l'envoi…",
// sends almost nothing twice, and `pli get` opens what arrived.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer, connect } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server, tempDir } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";

let server, proxy, context, alice, bob;

/**
 * Forwards connections to `target`; once armed, counts the bytes going to the server and
 * cuts (both ways) the connection that carries the `cutAfter`-th one, once.
 */
async function cuttingProxy(target, cutAfter) {
  const { hostname, port } = new URL(target);
  const state = { armed: false, forwarded: 0, cutAt: 0, cut: false };
  const listener = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    let inConnection = 0;
    client.on("data", (chunk) => {
      if (state.armed) {
        state.forwarded += chunk.length;
        inConnection += chunk.length;
      }
      upstream.write(chunk);
      if (state.armed && !state.cut && state.forwarded >= cutAfter) {
        state.cut = true;
        state.cutAt = inConnection;
        // The server reads what was forwarded, then an early end; the browser sees a reset.
        upstream.end();
        client.destroy();
      }
    });
    upstream.on("data", (chunk) => client.write(chunk));
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${listener.address().port}`;
  state.close = () => new Promise((resolve) => listener.close(resolve));
  return state;
}

before(async () => {
  server = await Server.start();
  alice = server.user("alice@hopital.fr");
  bob = server.user("bob@hopital.fr");
  proxy = await cuttingProxy(server.url, 3 * 1024 * 1024);
  context = await launch();
});

after(async () => {
  await context?.close();
  await proxy?.close();
  await server?.stop();
});

test("an upload from the app cut once resumes where the server stopped, and pli get opens it", async () => {
  const size = 8 * 1024 * 1024;
  const bytes = randomBytes(size);
  const path = join(tempDir("files"), "imagerie.bin");
  writeFileSync(path, bytes);

  const { page, problems } = await openPage(context, `${proxy.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(alice.email);
  await page.getByLabel("Mot de passe").fill(alice.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Envoyer" }).click();
  const form = page.locator("#send-form");
  await form.getByLabel("Destinataires").fill(bob.email);
  await form.getByLabel("Objet").fill("Scanner");
  await form.getByLabel("Documents").setInputFiles([path]);
  // Every text the status line shows, however briefly.
  await page.evaluate(() => {
    const shown = [];
    window.__statuses = shown;
    const status = document.querySelector('[role="status"]');
    new MutationObserver(() => shown.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  proxy.armed = true;
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const sent = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await sent.waitFor({ timeout: 120_000 });
  const id = /([0-9a-f]{32})/.exec(await sent.innerText())[1];
  proxy.armed = false;

  assert.ok(proxy.cut, "the proxy cut the upload");
  const statuses = await page.evaluate(() => window.__statuses);
  assert.ok(statuses.includes("Reprise de l'envoi…"), `statuses: ${JSON.stringify([...new Set(statuses)])}`);
  // Sending again from the start would forward the whole envelope after the cut bytes.
  assert.ok(proxy.forwarded < size + proxy.cutAt / 2, `forwarded ${proxy.forwarded} bytes for ${size}, cut after ${proxy.cutAt}`);
  console.log(`resume: ${proxy.forwarded} bytes forwarded for a ${size}-byte file, connection cut after ${proxy.cutAt}`);
  // Nothing stays staged once the send is done.
  const staged = await page.evaluate(async () => {
    const names = [];
    for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
    return names;
  });
  assert.deepEqual(staged, []);
  assert.deepEqual(problems, []);

  const out = tempDir("got");
  const got = JSON.parse(bob.run(["get", id, "-o", out, "--json"]));
  assert.equal(got.sender, alice.email);
  const sha256 = (data) => createHash("sha256").update(data).digest("hex");
  assert.equal(sha256(readFileSync(join(out, "imagerie.bin"))), sha256(bytes));
});
