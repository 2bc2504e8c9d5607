// The app's upload, and the upload page of a request, cut once in the middle by a loopback TCP
// proxy: the upload resumes from the offset the server acknowledged, from the OPFS-staged
// ciphertext, says "Reprise de l'envoi…", sends almost nothing twice, and `pli get` opens what
// arrived.
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
 * cuts (both ways) the connection that carries the `cutAfter`-th one, once. The link then
 * stays down for uploads until the page asks how much the server holds.
 */
async function cuttingProxy(target, cutAfter) {
  const { hostname, port } = new URL(target);
  const state = { armed: false, forwarded: 0, cutAt: 0, cut: false, reopened: false, connections: new Set(), offsets: [], events: [] };
  const listener = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const connection = { sent: 0 };
    state.connections.add(connection);
    client.on("data", (chunk) => {
      // The Upload-Offset of each upload's request head (a head starts a chunk: no pipelining).
      const head = /^PUT [^\r]*\r\n(?:[^\r]*\r\n)*?upload-offset: *(\d+)\r\n/i.exec(chunk.subarray(0, 4096).toString("latin1"));
      if (state.armed && head) state.offsets.push(Number(head[1]));
      // What went through once armed, for the failure messages (and printed with PLI_PROXY_TRACE).
      const line = state.armed && /^(GET|PUT|POST) \S+/.exec(chunk.subarray(0, 100).toString("latin1"));
      if (line) {
        state.events.push(`${line[0]} ${head?.[1] ?? ""} at ${state.forwarded}${state.cut ? " (after the cut)" : ""}`);
        if (process.env.PLI_PROXY_TRACE) console.log(`proxy: ${state.events.at(-1)}`);
      }
      // Chromium replays the cut request by itself on a new connection at once; a server still
      // reading the cut one may take that replay whole, and then the page's own resumption,
      // which these tests are about, never runs. So uploads find the link down until the page
      // asks for the offset, as after a real outage.
      if (line && state.cut && !state.reopened) {
        if (line[1] === "GET" && line[0].endsWith("/offset")) {
          state.reopened = true;
        } else if (line[1] === "PUT") {
          state.events.push("(dropped: the link is still down)");
          upstream.destroy();
          client.destroy();
          return;
        }
      }
      if (state.armed) {
        state.forwarded += chunk.length;
        connection.sent += chunk.length;
      }
      // Backpressure: read from the browser only as fast as the server reads, so the counts
      // are what reached the server, not what waited in this process.
      if (!upstream.write(chunk)) client.pause();
      if (state.armed && !state.cut && state.forwarded >= cutAfter) {
        state.cut = true;
        state.cutAt = connection.sent;
        // The server reads what was forwarded, then an early end; the browser sees a reset.
        upstream.end();
        client.destroy();
      }
    });
    upstream.on("drain", () => client.resume());
    upstream.on("data", (chunk) => {
      const status = state.armed && /^HTTP\/1\.1 \d+/.exec(chunk.subarray(0, 20).toString("latin1"));
      if (status) {
        state.events.push(`<- ${status[0]}`);
        if (process.env.PLI_PROXY_TRACE) console.log(`proxy: <- ${status[0]}`);
      }
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    // The server closed: like a real connection, the browser's further sending fails (and it
    // reads the answer it got) rather than waiting on this paused socket.
    upstream.on("close", () => {
      client.end();
      client.resume();
      setTimeout(() => client.destroy(), 200);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => state.connections.delete(connection));
  });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${listener.address().port}`;
  state.close = () => new Promise((resolve) => listener.close(resolve));
  return state;
}

before(async () => {
  server = await Server.start(["--mail-outbox", tempDir("outbox")]);
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

/**
 * The page continued from what the server held, not from the start: its last upload request
 * starts where the cut connection had got to (minus that request's head). Chromium's own
 * replay of the first request, with offset 0, is counted among the offsets but dropped by the
 * proxy: only the page's own resumption is checked here, the total is reported.
 */
function resumedAfterTheCut(size) {
  const resumed = proxy.offsets.filter((offset) => offset > 0);
  assert.equal(resumed.length, 1, `upload offsets sent: ${proxy.offsets}`);
  assert.ok(
    resumed[0] > proxy.cutAt - 64 * 1024 && resumed[0] <= proxy.cutAt,
    `resumed at ${resumed[0]}, cut after ${proxy.cutAt}; through the proxy: ${proxy.events.join("; ")}`,
  );
  assert.equal(proxy.offsets.at(-1), resumed[0], `upload offsets sent: ${proxy.offsets}`);
  console.log(`resume: ${proxy.forwarded} bytes forwarded for a ${size}-byte envelope, cut after ${proxy.cutAt}, resumed at ${resumed[0]}; offsets sent ${proxy.offsets}`);
}

/** Starts recording every text the status line shows, however briefly. */
async function recordStatuses(page) {
  await page.evaluate(() => {
    const shown = [];
    window.__statuses = shown;
    const status = document.querySelector('[role="status"]');
    new MutationObserver(() => shown.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
}

/** Counts from now on and cuts the next connection that carries the `cutAfter`-th byte. */
function arm() {
  Object.assign(proxy, { armed: true, forwarded: 0, cutAt: 0, cut: false, reopened: false, offsets: [], events: [] });
  for (const connection of proxy.connections) connection.sent = 0;
}

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
  await recordStatuses(page);
  arm();
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const sent = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await sent.waitFor({ timeout: 120_000 });
  const id = /([0-9a-f]{32})/.exec(await sent.innerText())[1];
  proxy.armed = false;

  assert.ok(proxy.cut, "the proxy cut the upload");
  const statuses = await page.evaluate(() => window.__statuses);
  assert.ok(
    statuses.includes("Reprise de l'envoi…"),
    `statuses: ${JSON.stringify([...new Set(statuses)])}; through the proxy: ${proxy.events.join("; ")}`,
  );
  resumedAfterTheCut(size);
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

test("the upload page of a request cut once resumes, and the requester opens what arrived", async () => {
  const clerk = server.user("agent@mairie.fr", "mairie");
  const printed = clerk.run(["request", "--external", "famille@example.org"]);
  const link = /^link: (\S+)$/m.exec(printed)?.[1];
  assert.ok(link, printed);
  const { page, problems } = await openPage(context, link.replace(server.url, proxy.url));
  await page.getByText("identité vérifiée").waitFor({ timeout: 30_000 });
  const bytes = randomBytes(8 * 1024 * 1024);
  await page.getByLabel("Fichiers").setInputFiles([{ name: "dossier.pdf", mimeType: "application/pdf", buffer: bytes }]);
  await recordStatuses(page);
  arm();
  await page.getByRole("button", { name: /Envoyer/ }).click();
  const alert = page.getByRole("alert");
  await Promise.race([
    page.getByRole("status").filter({ hasText: "ont été chiffrés et envoyés" }).waitFor({ timeout: 120_000 }),
    alert.waitFor({ timeout: 120_000 }).then(async () => assert.fail(`the page said: ${await alert.innerText()}; statuses ${JSON.stringify(await page.evaluate(() => window.__statuses))}`)),
  ]);
  proxy.armed = false;

  assert.ok(proxy.cut, "the proxy cut the upload");
  const statuses = await page.evaluate(() => window.__statuses);
  assert.ok(
    statuses.includes("Reprise de l'envoi…"),
    `statuses: ${JSON.stringify([...new Set(statuses)])}; through the proxy: ${proxy.events.join("; ")}`,
  );
  resumedAfterTheCut(bytes.length);
  assert.deepEqual(problems, []);

  const inbox = JSON.parse(clerk.run(["inbox", "--json"]));
  assert.equal(inbox.length, 1);
  const out = tempDir("get");
  const opened = JSON.parse(clerk.run(["get", inbox[0].id, "-o", out, "--json"]));
  assert.equal(opened.sender, "famille@example.org");
  assert.deepEqual(readFileSync(join(out, "dossier.pdf")), bytes);
  const listed = JSON.parse(clerk.run(["request", "list", "--json"]));
  assert.equal(listed[0].uploads, 1);
});
