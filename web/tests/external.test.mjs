// The whole external-recipient flow in a real browser: `pli send --external` from the CLI, the
// link read from the mail outbox, the code from the SMS, the file saved and compared; and the
// refusals: five wrong codes, an expired link, a tampered ciphertext. And the same link made
// from the account app's send page, its code going by a second mail.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Decrypter } from "age-encryption";
import { Server, tempDir, sha256 } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";
import { linkFor, mailCode, smsCode } from "./outbox.mjs";

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

test("the app sends to an external address: the link mail and the code mail open it, byte for byte; pli outbox lists the link", async () => {
  const email = "enqueteur@gendarmerie.example";
  const bytes = randomBytes(180_000);
  const path = join(files, "audition.pdf");
  writeFileSync(path, bytes);

  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(alice.email);
  await page.getByLabel("Mot de passe").fill(alice.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Envoyer" }).click();
  const form = page.locator("#send-form");
  // The defaults are the CLI's.
  assert.equal(await form.getByLabel("Validité du lien (heures)").inputValue(), "72");
  assert.equal(await form.getByLabel("Téléchargements au plus").inputValue(), "5");

  // What the server would refuse is refused before anything is sealed.
  const before = server.sql("SELECT count(*) FROM envelopes");
  await form.getByLabel("Documents").setInputFiles([path]);
  await form.getByLabel("Destinataire externe (adresse électronique)").fill("sans-arobase");
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "L'adresse du destinataire externe n'est pas valable" }).waitFor({ timeout: 30_000 });
  await form.getByLabel("Destinataire externe (adresse électronique)").fill(email);
  await form.getByLabel("Téléphone pour le code (SMS)").fill("0612345678");
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "format international" }).waitFor({ timeout: 30_000 });
  await form.getByLabel("Téléphone pour le code (SMS)").fill("");
  await form.getByLabel("Téléchargements au plus").fill("0");
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "de 1 à 100" }).waitFor({ timeout: 30_000 });
  assert.equal(server.sql("SELECT count(*) FROM envelopes"), before, "nothing was announced");

  await form.getByLabel("Téléchargements au plus").fill("3");
  await form.getByLabel("Validité du lien (heures)").fill("48");
  await form.getByLabel("Objet").fill("Procès-verbal");
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const status = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await status.waitFor({ timeout: 60_000 });
  const envelopeId = /([0-9a-f]{32})/.exec(await status.innerText())[1];
  const shown = (await page.locator("#send-link-url").innerText()).trim();
  assert.match(shown, /^https?:\/\/\S+\/x\/[0-9a-f]{32}$/, "the link is shown without its fragment");
  await page.getByText(`Code envoyé par un second courriel à ${email}.`).waitFor();
  assert.match(await page.locator("#send-link-expires").innerText(), /3 téléchargement/);
  assert.deepEqual(problems, [], "nothing broke the Content-Security-Policy");

  const link = linkFor(outbox, email);
  assert.equal(link.split("#")[0], shown);
  const code = mailCode(outbox, email);
  const recipient = await openPage(context, link);
  await recipient.page.getByText(alice.email).first().waitFor();
  await recipient.page.getByLabel("Code").fill(code);
  await recipient.page.getByRole("button", { name: "Ouvrir le document" }).click();
  const save = recipient.page.getByRole("button", { name: /Télécharger audition\.pdf/ });
  await save.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([recipient.page.waitForEvent("download"), save.click()]);
  assert.equal(download.suggestedFilename(), "audition.pdf");
  assert.equal(sha256(readFileSync(await download.path())), sha256(bytes));
  assert.deepEqual(recipient.problems, []);

  // The sender's CLI lists the link the browser made, with its settings and the download.
  const sent = JSON.parse(alice.run(["outbox", "--json"])).find((item) => item.id === envelopeId);
  assert.ok(sent, "the envelope is in the sender's outbox");
  assert.equal(sent.links.length, 1);
  const [listed] = sent.links;
  assert.equal(listed.email, email);
  assert.equal(listed.url, shown);
  assert.equal(listed.phone, null);
  assert.equal(listed.max_downloads, 3);
  assert.equal(listed.downloads, 1);
  const lifetime = Date.parse(listed.expires_at) - Date.parse(listed.created_at);
  assert.equal(Math.round(lifetime / 3_600_000), 48);
  // The recipient's page signed a receipt with the link's key: the CLI and the app's outbox
  // show it, proven in the audit log, with the key the server names (this machine kept none).
  let receipt = null;
  for (let attempt = 0; attempt < 60 && receipt === null; attempt++) {
    const item = JSON.parse(alice.run(["outbox", "--json"])).find((entry) => entry.id === envelopeId);
    receipt = item.links[0].receipt ?? null;
    if (receipt === null) await new Promise((done) => setTimeout(done, 500));
  }
  assert.ok(receipt, "the recipient's receipt arrived");
  assert.equal(receipt.status, "signature_only", JSON.stringify(receipt));
  await page.getByRole("link", { name: "Envois" }).click();
  const row = page.locator(`#outbox-rows tr[data-id="${envelopeId}"]`);
  await row.getByText(`${email} : ouvert le`).waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /accusé signé et inscrit au journal d'audit/);
  // The document it signs is compared on request, as an account's receipt is.
  await row.getByRole("button", { name: "Comparer au document envoyé" }).click();
  await row.getByText("document comparé").waitFor({ timeout: 30_000 });
  assert.equal(await row.getByRole("button", { name: "Comparer au document envoyé" }).count(), 0);
  // The server points the receipt at another entry of the log: the app no longer says so.
  server.sql(`UPDATE links SET receipt_log_index = 0 WHERE receipt_log_index IS NOT NULL`);
  await page.getByRole("link", { name: "Envoyer" }).click();
  await page.getByRole("link", { name: "Envois" }).click();
  await row.getByText(`${email} : accusé NON vérifié`).waitFor({ timeout: 30_000 });
  server.sql(`UPDATE links SET receipt_log_index = ${receipt.log_index} WHERE receipt_log_index IS NOT NULL`);
  assert.deepEqual(problems, []);

  // The manifest names the external recipient, as `pli send --external` writes it.
  const decrypter = new Decrypter();
  decrypter.addIdentity(alice.identity());
  const plaintext = Buffer.from(await decrypter.decrypt(readFileSync(server.blobPath(envelopeId))));
  const manifest = JSON.parse(plaintext.subarray(512, 512 + parseInt(plaintext.subarray(124, 135).toString(), 8)).toString());
  assert.deepEqual(manifest.recipients, [email]);
  assert.equal(manifest.subject, "Procès-verbal");
});
