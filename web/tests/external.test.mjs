// The whole external-recipient flow in a real browser: `pli send --external` from the CLI, the
// link read from the mail outbox, the code from the SMS, the file saved and compared; and the
// refusals: five wrong codes, an expired link, a tampered ciphertext.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server, tempDir } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";
import { linkFor, smsCode } from "./outbox.mjs";

let server, context, alice, outbox, files;

before(async () => {
  outbox = tempDir("outbox");
  server = await Server.start(["--mail-outbox", outbox]);
  alice = server.user("alice@hopital.fr");
  context = await launch();
  files = tempDir("files");
});

after(async () => {
  await context?.close();
  await server?.stop();
});

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** Sends a fresh file to `email` by link; returns the file's bytes, the link and the code. */
function sendExternal(email, phone, name = "rapport.pdf", size = 300_000) {
  const bytes = randomBytes(size);
  const path = join(files, name);
  writeFileSync(path, bytes);
  const printed = alice.run(["send", path, "--external", email, "--sms", phone, "--subject", "Rapport médico-légal"]);
  const envelopeId = /[0-9a-f]{32}/.exec(printed)?.[0];
  const link = linkFor(outbox, email);
  return { bytes, link, code: smsCode(outbox, phone), envelopeId, linkId: /\/x\/([0-9a-f]{32})/.exec(link)[1] };
}

test("the browser opens the link, takes the code and saves the exact file", async () => {
  const sent = sendExternal("officier@police.example", "+33600000001");
  const { page, problems } = await openPage(context, sent.link);
  await page.getByText("alice@hopital.fr").first().waitFor();
  await page.getByLabel("Code").fill(sent.code);
  await page.getByRole("button", { name: "Ouvrir le document" }).click();
  const save = page.getByRole("button", { name: /Télécharger rapport\.pdf/ });
  await save.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), save.click()]);
  assert.equal(download.suggestedFilename(), "rapport.pdf");
  const saved = readFileSync(await download.path());
  assert.equal(sha256(saved), sha256(sent.bytes));
  assert.deepEqual(problems, [], "nothing broke the Content-Security-Policy");
});

test("five wrong codes lock the link, and the page says so", async () => {
  const sent = sendExternal("avocat@cabinet.example", "+33600000002", "piece.pdf", 1000);
  const wrong = sent.code === "000000" ? "111111" : "000000";
  const { page } = await openPage(context, sent.link);
  const code = page.getByLabel("Code");
  await code.waitFor();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await code.fill(wrong);
    await page.getByRole("button", { name: "Ouvrir le document" }).click();
    await page.getByRole("alert").filter({ hasText: `Il reste ${5 - attempt} essai` }).waitFor();
  }
  await code.fill(wrong);
  await page.getByRole("button", { name: "Ouvrir le document" }).click();
  await page.getByRole("alert").filter({ hasText: "bloqué" }).waitFor();
  // Even the right code no longer opens it, on a fresh visit.
  const again = await openPage(context, sent.link);
  await again.page.getByRole("alert").filter({ hasText: "bloqué" }).waitFor();
  assert.equal(await again.page.getByLabel("Code").isVisible(), false);
});

test("an expired link refuses", async () => {
  const sent = sendExternal("greffe@tribunal.example", "+33600000003", "jugement.pdf", 1000);
  server.sql(`UPDATE links SET expires_at = ${Math.floor(Date.now() / 1000) - 60} WHERE id = X'${sent.linkId}'`);
  const { page } = await openPage(context, sent.link);
  await page.getByRole("alert").filter({ hasText: "expiré" }).waitFor();
  assert.equal(await page.getByLabel("Code").isVisible(), false);
});

test("a tampered ciphertext is refused with a message, and nothing is offered", async () => {
  const sent = sendExternal("service@mairie.example", "+33600000004", "acte.pdf", 200_000);
  const blob = server.blobPath(sent.envelopeId);
  const bytes = readFileSync(blob);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  writeFileSync(blob, bytes);
  const { page } = await openPage(context, sent.link);
  await page.getByLabel("Code").fill(sent.code);
  await page.getByRole("button", { name: "Ouvrir le document" }).click();
  await page.getByRole("alert").filter({ hasText: "modifié" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("button", { name: /Télécharger/ }).count(), 0);
  // Nothing stays staged in the browser's private storage.
  const staged = await page.evaluate(async () => {
    const names = [];
    for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
    return names;
  });
  assert.deepEqual(staged, []);
});
