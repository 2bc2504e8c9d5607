// The account holders' app in a real browser against a real `pli serve`, with accounts made by
// the `pli` binary: logging in (the browser derives exactly what `pli join` derived), the
// inbox, opening an envelope `pli send` made and saving its files byte for byte, a mailbox's
// envelope sealed to the mailbox's key, the receipt `pli outbox` verifies, sending from the
// browser to what `pli get` opens, and the refusals: wrong password, second factor, tampered
// ciphertext, a lying server, unknown or unproven recipients.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Server, User, pli, pliBinary, tempDir, totp, sha256 } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";
import { Decrypter } from "age-encryption";

let server, context, alice, bob, files;

before(async () => {
  server = await Server.start(["--mail-outbox", tempDir("outbox")]);
  alice = server.user("alice@hopital.fr");
  bob = server.user("bob@hopital.fr");
  context = await launch();
  files = tempDir("files");
});

after(async () => {
  await context?.close();
  await server?.stop();
});


function writeFile(name, size) {
  const bytes = randomBytes(size);
  const path = join(files, name);
  writeFileSync(path, bytes);
  return { name, path, bytes };
}

/** Opens the app and logs in as `user`; resolves once the inbox is shown. */
async function logIn(user, { password = user.password } = {}) {
  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(user.email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  return { page, problems };
}

async function inboxShown(page) {
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
}

async function openEnvelope(page, id) {
  await page.locator(`a[href="#/envelope/${id}"]`).waitFor({ timeout: 30_000 });
  await page.locator(`a[href="#/envelope/${id}"]`).click();
}

async function download(page, name) {
  const button = page.getByRole("button", { name: `Télécharger ${name}` });
  await button.waitFor({ timeout: 60_000 });
  const [saved] = await Promise.all([page.waitForEvent("download"), button.click()]);
  assert.equal(saved.suggestedFilename(), name);
  return readFileSync(await saved.path());
}

async function stagedNames(page) {
  return page.evaluate(async () => {
    const names = [];
    for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
    return names;
  });
}

test("log in, find what pli send sent in the inbox, save its files byte for byte; the receipt verifies in pli outbox", async () => {
  const first = writeFile("compte-rendu.pdf", 250_000);
  const second = writeFile("ordonnance.txt", 1_234);
  const id = bob.send([first.path, second.path], alice.email);

  const { page, problems } = await logIn(alice);
  await inboxShown(page);
  const row = page.locator("#inbox-rows tr").filter({ has: page.locator(`a[href="#/envelope/${id}"]`) });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /bob@hopital\.fr/);
  assert.match(text, /alice@hopital\.fr/);
  assert.match(text, /Ko/);

  await openEnvelope(page, id);
  assert.equal(sha256(await download(page, "compte-rendu.pdf")), sha256(first.bytes));
  assert.equal(sha256(await download(page, "ordonnance.txt")), sha256(second.bytes));
  await page.getByText("Un accusé de réception signé a été remis").waitFor();
  assert.deepEqual(problems, [], "nothing broke the Content-Security-Policy");
  assert.equal((await stagedNames(page)).length, 1, "the opened envelope's files are staged");

  // The sender's CLI checks the receipt against the manifest it sealed.
  const outbox = JSON.parse(bob.run(["outbox", "--json"]));
  const sent = outbox.find((item) => item.id === id);
  assert.equal(sent.receipts.length, 1);
  assert.equal(sent.receipts[0].email, alice.email);
  assert.equal(sent.receipts[0].status, "verified");

  // Nothing of the session outlives the page: no cookie, nothing in storage but the audit
  // log's public key pinned at login (what `pli login` pins in the profile), and a reload asks
  // to log in again.
  assert.deepEqual(await context.cookies(server.url), []);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  const stored = await page.evaluate(() => Object.keys(localStorage).sort());
  assert.ok(stored.every((key) => key === "pli.audit-log-key" || key === "pli.audit-log-checkpoint" || key.startsWith("pli.policy-version.")), `stored: ${stored}`);
  await page.reload();
  await page.getByLabel("Mot de passe").waitFor();
  assert.equal(await page.locator("#nav").isVisible(), false);
  // Nor do the decrypted files: the app's start deletes what was staged.
  await page.waitForFunction(async () => {
    for await (const _ of (await navigator.storage.getDirectory()).keys()) return false;
    return true;
  });
});

test("the outbox shows the receipt a browser signed, and logging out forgets the session", async () => {
  const file = writeFile("bilan.pdf", 2_000);
  const id = alice.send([file.path], bob.email);
  bob.run(["get", id, "-o", tempDir("got")]);

  const tokens = new Set();
  context.on("request", (request) => {
    const authorization = request.headers().authorization;
    if (authorization) tokens.add(authorization);
  });
  const { page } = await logIn(alice);
  await inboxShown(page);
  await page.getByRole("link", { name: "Envois" }).click();
  await page.getByRole("heading", { name: "Envois" }).waitFor();
  const row = page.locator(`#outbox-rows tr[data-id="${id}"]`);
  await row.getByText("bob@hopital.fr : ouvert le").waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /signature vérifiée/);
  await row.getByRole("button", { name: "Comparer au document envoyé" }).click();
  await row.getByText("accusé vérifié").waitFor({ timeout: 30_000 });

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.getByRole("alert").filter({ hasText: "Vous êtes déconnecté" }).waitFor();
  await page.getByLabel("Mot de passe").waitFor();
  await page.evaluate(() => {
    location.hash = "#/inbox";
  });
  assert.equal(await page.locator("#inbox").isVisible(), false);
  // The session was ended on the server too: its token no longer opens anything.
  assert.equal(tokens.size, 1, "one session, one bearer token");
  for (const authorization of tokens) {
    const response = await fetch(`${server.url}/api/inbox`, { headers: { authorization } });
    assert.equal(response.status, 401);
  }
});

test("the audit log key and the last checkpoint verified are kept between visits; another key is refused", async () => {
  // The tests before logged in and verified receipts in this browser profile.
  const { page } = await logIn(alice);
  await inboxShown(page);
  const [pinned, checkpoint] = await page.evaluate(() => [localStorage.getItem("pli.audit-log-key"), localStorage.getItem("pli.audit-log-checkpoint")]);
  assert.match(pinned, /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  const kept = JSON.parse(checkpoint);
  assert.ok(BigInt(kept.size) > 0n);
  assert.equal(kept.origin, pinned.split("+")[0]);
  assert.equal(Buffer.from(kept.root, "base64url").length, 32);
  await page.getByRole("button", { name: "Se déconnecter" }).click();

  // A server showing another log key (well formed, under the same name) is refused at login.
  const name = pinned.split("+")[0];
  const key = Buffer.concat([Buffer.from([1]), randomBytes(32)]);
  const id = createHash("sha256").update(Buffer.concat([Buffer.from(`${name}\n`), key])).digest().subarray(0, 4).toString("hex");
  const other = await openPage(context, `${server.url}/app`);
  await other.page.route("**/api/audit/log/key", (route) => route.fulfill({ status: 200, contentType: "text/plain", body: `${name}+${id}+${key.toString("base64")}\n` }));
  await other.page.getByLabel("Adresse électronique", { exact: true }).fill(alice.email);
  await other.page.getByLabel("Mot de passe").fill(alice.password);
  await other.page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await other.page.getByRole("alert").filter({ hasText: "autre clé de journal d'audit" }).waitFor({ timeout: 60_000 });
  assert.equal(await other.page.locator("#inbox").isVisible(), false);
  assert.equal(await other.page.evaluate(() => localStorage.getItem("pli.audit-log-key")), pinned, "the pin is unchanged");
  await other.page.close();
});

test("the inbox pages with Plus, and the outbox shows an external link's state", async () => {
  const frank = server.user("frank@hopital.fr");
  const ids = [];
  for (let n = 0; n < 27; n++) ids.push(bob.send([writeFile(`page-${n}.txt`, 10).path], frank.email));
  frank.run(["send", writeFile("lien.pdf", 100).path, "--external", "greffe@tribunal.example", "--sms", "+33600000009"]);

  const { page } = await logIn(frank);
  await inboxShown(page);
  const rows = page.locator("#inbox-rows tr");
  await rows.nth(24).waitFor();
  assert.equal(await rows.count(), 25);
  await page.getByRole("button", { name: "Plus" }).click();
  await rows.nth(26).waitFor();
  assert.equal(await rows.count(), 27);
  assert.equal(await page.getByRole("button", { name: "Plus" }).isVisible(), false);
  // Every envelope once, newest first (envelopes sent within one second may come in any order).
  const listed = await rows.locator("a").evaluateAll((links) => links.map((link) => link.getAttribute("href").slice("#/envelope/".length)));
  assert.deepEqual([...listed].sort(), [...ids].sort());
  const created = new Map(ids.map((id) => [id, Number(server.sql(`SELECT created_at FROM envelopes WHERE id = X'${id}'`))]));
  for (let n = 1; n < listed.length; n++) assert.ok(created.get(listed[n - 1]) >= created.get(listed[n]), "newest first");
  // Keyboard users continue from the first new row.
  assert.equal(await rows.nth(25).locator("a").evaluate((node) => node === document.activeElement), true);

  await page.getByRole("link", { name: "Envois" }).click();
  await page.locator("#outbox-rows").getByText("greffe@tribunal.example : actif, 0 téléchargement(s) sur").waitFor({ timeout: 30_000 });
});

test("the keyboard alone logs in, opens an envelope and saves a file; English with ?lang=en", async () => {
  const file = writeFile("courrier.txt", 3_000);
  const id = bob.send([file.path], alice.email);
  const { page } = await openPage(context, `${server.url}/app?lang=en`);
  await page.getByLabel("Email address", { exact: true }).waitFor();
  // The address field has the focus when the page opens.
  await page.keyboard.type(alice.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(alice.password);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Inbox" }).waitFor({ timeout: 60_000 });
  const open = page.getByRole("link", { name: /^Open the envelope from bob@hopital\.fr/ }).first();
  await open.waitFor();
  for (let presses = 0; presses < 30 && !(await open.evaluate((node) => node === document.activeElement)); presses++) {
    await page.keyboard.press("Tab");
  }
  assert.equal(await open.evaluate((node) => node === document.activeElement), true, "the link is reachable with Tab");
  assert.equal(await open.getAttribute("href"), `#/envelope/${id}`);
  await page.keyboard.press("Enter");
  const save = page.getByRole("button", { name: "Download courrier.txt" });
  await save.waitFor({ timeout: 60_000 });
  // The first download button takes the focus once the envelope checked.
  assert.equal(await save.evaluate((node) => node === document.activeElement), true);
  const [saved] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  assert.equal(sha256(readFileSync(await saved.path())), sha256(file.bytes));
});

test("a wrong password, and an unknown address, get the same message", async () => {
  for (const [user, password] of [
    [alice, "not the right password"],
    [new User("nobody@hopital.fr", tempDir("home")), "whatever password"],
  ]) {
    const { page } = await logIn(user, { password });
    await page.getByRole("alert").filter({ hasText: "Adresse électronique ou mot de passe incorrect." }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("#inbox").isVisible(), false);
    assert.equal(await page.locator("#login-form").getByLabel("Code", { exact: true }).isVisible(), false);
  }
  const { page } = await logIn(new User("pas-une-adresse", tempDir("home")), { password: "whatever password" });
  await page.getByRole("alert").filter({ hasText: "Cette adresse électronique n'est pas valide" }).waitFor({ timeout: 60_000 });
});

test("an expired session sends back to the login form, which logs in again", async () => {
  const henri = server.user("henri@hopital.fr");
  const { page } = await logIn(henri);
  await inboxShown(page);
  server.sql(`UPDATE sessions SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE account_id = (SELECT id FROM accounts WHERE email = '${henri.email}')`);
  await page.getByRole("link", { name: "Envois" }).click();
  await page.getByRole("alert").filter({ hasText: "Votre session a pris fin" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#nav").isVisible(), false);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(henri.email);
  await page.getByLabel("Mot de passe").fill(henri.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  // Back where it was going.
  await page.getByRole("heading", { name: "Envois" }).waitFor({ timeout: 60_000 });
});

test("a locked email, and a server asking for a weaker derivation, are refused with their messages", async () => {
  const grace = server.user("grace@hopital.fr");
  server.sql(`INSERT INTO login_locks (email, locked_until) VALUES ('${grace.email}', ${Math.floor(Date.now() / 1000) + 900})`);
  let { page } = await logIn(grace);
  await page.getByRole("alert").filter({ hasText: "Les connexions à ce compte sont bloquées" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.locator("#inbox").isVisible(), false);
  server.sql(`DELETE FROM login_locks WHERE email = '${grace.email}'`);

  // A hostile server answering the prelogin with a cheaper cost gets no authentication key.
  const requests = [];
  context.on("request", (request) => requests.push(new URL(request.url()).pathname));
  server.sql(`UPDATE accounts SET kdf_m_kib = 8192 WHERE email = '${grace.email}'`);
  ({ page } = await logIn(grace));
  await page.getByRole("alert").filter({ hasText: "plus faibles que ceux admis" }).waitFor({ timeout: 60_000 });
  assert.ok(requests.includes("/api/auth/prelogin"));
  assert.ok(!requests.includes("/api/auth/login"), "nothing derived from the password was sent");
});

test("an account with a second factor is asked for the Code, and a right one logs in", async () => {
  const carol = server.user("carol@hopital.fr");
  const printed = carol.run(["2fa", "enable"]).split("\n");
  const secret = printed[1].trim();
  carol.run(["2fa", "confirm", totp(secret, 0)]);

  const { page } = await logIn(carol);
  const code = page.locator("#login-form").getByLabel("Code", { exact: true });
  await code.waitFor({ timeout: 60_000 });
  await page.getByRole("alert").filter({ hasText: "second facteur" }).waitFor();
  await code.fill("000000" === totp(secret, 1) ? "111111" : "000000");
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "code incorrect" }).waitFor({ timeout: 60_000 });
  // The confirmation used this time step; the next one is within the accepted drift.
  await code.fill(totp(secret, 1));
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await inboxShown(page);
});

test("when the flow monitor asks for the second factor again, the page takes it and opens", async () => {
  const ivan = server.user("ivan@hopital.fr");
  const secret = ivan.run(["2fa", "enable"]).split("\n")[1].trim();
  const recovery = ivan.run(["2fa", "confirm", totp(secret, 0)]).split("\n").map((line) => line.trim());
  assert.equal(recovery.length, 10);
  const file = writeFile("releve.pdf", 3_000);
  const id = bob.send([file.path], ivan.email);
  // The hold the monitor records when it escalates to a step-up, read at the account's first
  // listing or download.
  server.sql(`INSERT INTO download_holds (account_id, kind, at, rule, details) SELECT id, 1, ${Math.floor(Date.now() / 1000)}, 'test', 'test' FROM accounts WHERE email = '${ivan.email}'`);

  const { page } = await logIn(ivan);
  await page.locator("#login-form").getByLabel("Code", { exact: true }).fill(totp(secret, 1));
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await inboxShown(page);
  await openEnvelope(page, id);
  await page.getByRole("alert").filter({ hasText: "demande de nouveau le second facteur" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole("button", { name: /Télécharger/ }).count(), 0);
  const again = page.getByLabel("Code du second facteur");
  await again.fill("000000" === totp(secret, 1) ? "111111" : "000000");
  await page.getByRole("button", { name: "Confirmer et ouvrir" }).click();
  await page.getByRole("alert").filter({ hasText: "Code incorrect" }).waitFor({ timeout: 30_000 });
  // The login used the next time step, so a recovery code stands in for the code.
  await again.fill(recovery[0]);
  await page.getByRole("button", { name: "Confirmer et ouvrir" }).click();
  assert.equal(sha256(await download(page, "releve.pdf")), sha256(file.bytes));
});

test("a member opens an envelope sealed to the mailbox's key", async () => {
  pli(["admin", "mailbox", "create", "urgences", "--org", "hopital", "--data", server.data]);
  pli(["admin", "mailbox", "add", "urgences", alice.email, "--data", server.data]);
  const dave = server.user("dave@hopital.fr");
  pli(["admin", "mailbox", "add", "urgences", dave.email, "--data", server.data]);
  // Dave's client makes the mailbox's first key generation and gives Alice her copy.
  dave.run(["mailbox", "sync", "urgences"]);

  const file = writeFile("admission.pdf", 40_000);
  const id = bob.send([file.path], "urgences");
  // Sealed to the mailbox's key (and the sender's): Alice's own key does not open it.
  const decrypter = new Decrypter();
  decrypter.addIdentity(alice.identity());
  await assert.rejects(decrypter.decrypt(readFileSync(server.blobPath(id))), /no identity matched/);

  const { page } = await logIn(alice);
  await inboxShown(page);
  await page.getByLabel("Boîte", { exact: true }).selectOption("urgences");
  await openEnvelope(page, id);
  assert.equal(sha256(await download(page, "admission.pdf")), sha256(file.bytes));
});

test("a tampered ciphertext is refused with a message, nothing is offered or left staged", async () => {
  const file = writeFile("acte.pdf", 200_000);
  const id = bob.send([file.path], alice.email);
  const blob = server.blobPath(id);
  const bytes = readFileSync(blob);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  writeFileSync(blob, bytes);

  const { page } = await logIn(alice);
  await inboxShown(page);
  await openEnvelope(page, id);
  await page.getByRole("alert").filter({ hasText: "modifié" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("button", { name: /Télécharger/ }).count(), 0);
  assert.deepEqual(await stagedNames(page), []);
});

test("a server that lies about an envelope is caught, and nothing is offered", async () => {
  const erin = server.user("erin@hopital.fr");
  const accountId = (email) => server.sql(`SELECT hex(id) FROM accounts WHERE email = '${email}'`);
  const envelopeFor = (name) => bob.send([writeFile(name, 5_000).path], alice.email);
  const cases = [];
  // Another recipient added to the listing than the sender signed.
  const extra = envelopeFor("a.txt");
  server.sql(`INSERT INTO envelope_recipients (envelope_id, position, account_id, created_at, stored) SELECT envelope_id, 9, X'${accountId(erin.email)}', created_at, stored FROM envelope_recipients WHERE envelope_id = X'${extra}' AND position = 0`);
  cases.push([extra, "ne correspond pas à ce que l'expéditeur a signé"]);
  // Another sender named than the one who signed.
  const sender = envelopeFor("b.txt");
  server.sql(`UPDATE envelopes SET sender_id = X'${accountId(erin.email)}' WHERE id = X'${sender}'`);
  cases.push([sender, "signature de l'expéditeur ne correspond pas"]);
  // Another envelope's ciphertext served under this id.
  const swapped = envelopeFor("c.txt");
  const other = envelopeFor("d.txt");
  writeFileSync(server.blobPath(swapped), readFileSync(server.blobPath(other)));
  cases.push([swapped, "ne correspond pas à ce que l'expéditeur a signé"]);
  // A size the listing misstates.
  const size = envelopeFor("e.txt");
  server.sql(`UPDATE envelopes SET size = size + 1 WHERE id = X'${size}'`);
  cases.push([size, "ne correspond pas à ce que l'expéditeur a signé"]);

  const { page } = await logIn(alice);
  await inboxShown(page);
  for (const [id, message] of cases) {
    await page.evaluate((target) => {
      location.hash = `#/envelope/${target}`;
    }, id);
    await page.getByRole("alert").filter({ hasText: message }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole("button", { name: /Télécharger/ }).count(), 0, id);
    assert.deepEqual(await stagedNames(page), [], id);
    await page.evaluate(() => {
      location.hash = "#/inbox";
    });
    await inboxShown(page);
  }
});

test("send from the browser: pli get opens it byte for byte, to an account and a mailbox; refusals say why", async () => {
  pli(["admin", "mailbox", "create", "secretariat", "--org", "hopital", "--data", server.data]);
  pli(["admin", "mailbox", "add", "secretariat", bob.email, "--data", server.data]);
  bob.run(["mailbox", "sync", "secretariat"]);
  const first = writeFile("lettre de liaison.pdf", 120_000);
  const second = writeFile("résumé.txt", 500);

  const { page, problems } = await logIn(alice);
  await inboxShown(page);
  await page.getByRole("link", { name: "Envoyer" }).click();
  const form = page.locator("#send-form");
  await form.getByLabel("Destinataires").fill(`${bob.email}, secretariat`);
  await form.getByLabel("Objet").fill("Sortie du patient");
  await form.getByLabel("Documents").setInputFiles([first.path, second.path]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const status = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await status.waitFor({ timeout: 60_000 });
  const id = /([0-9a-f]{32})/.exec(await status.innerText())[1];
  assert.deepEqual(problems, []);

  const out = tempDir("got");
  const got = JSON.parse(bob.run(["get", id, "-o", out, "--json"]));
  assert.equal(got.sender, alice.email);
  assert.equal(got.subject, "Sortie du patient");
  assert.deepEqual([...got.to].sort(), [bob.email, "secretariat"].sort());
  assert.equal(sha256(readFileSync(join(out, "lettre de liaison.pdf"))), sha256(first.bytes));
  assert.equal(sha256(readFileSync(join(out, "résumé.txt"))), sha256(second.bytes));
  // Sealed to the mailbox's key, not to its members' own: a member's own key alone does not open it.
  const decrypter = new Decrypter();
  decrypter.addIdentity(server.user("kim@hopital.fr").identity());
  await assert.rejects(decrypter.decrypt(readFileSync(server.blobPath(id))), /no identity matched/);

  // An unknown recipient stops everything before any upload.
  const before = server.sql("SELECT count(*) FROM envelopes");
  await form.getByLabel("Destinataires").fill("personne@hopital.fr");
  await form.getByLabel("Documents").setInputFiles([second.path]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "Destinataire inconnu : personne@hopital.fr" }).waitFor({ timeout: 30_000 });
  // A name a reader would refuse is refused before sealing.
  await form.getByLabel("Destinataires").fill(bob.email);
  await form.getByLabel("Documents").setInputFiles([{ name: "CON.txt", mimeType: "text/plain", buffer: Buffer.from("x") }]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "Un nom de document ou l'objet n'est pas accepté" }).waitFor({ timeout: 30_000 });
  await form.getByLabel("Documents").setInputFiles([second.path]);
  // A key the audit log does not prove: the directory now serves a substituted key for bob.
  const realKey = server.sql(`SELECT age_recipient FROM accounts WHERE email = '${bob.email}'`);
  const otherKey = server.sql(`SELECT age_recipient FROM accounts WHERE email = 'kim@hopital.fr'`);
  server.sql(`UPDATE accounts SET age_recipient = '${otherKey}' WHERE email = '${bob.email}'`);
  await form.getByLabel("Destinataires").fill(bob.email);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: `La clé de ${bob.email} n'est pas prouvée par le journal d'audit` }).waitFor({ timeout: 30_000 });
  server.sql(`UPDATE accounts SET age_recipient = '${realKey}' WHERE email = '${bob.email}'`);
  // A sending policy whose signature does not verify stops the send (web/tests/dlp-send.test.mjs
  // sends under a real one).
  server.sql(`INSERT INTO sending_policies (org_id, version, text, signer_id, signer_email, signature, set_at) SELECT org_id, 1, 'version = 1', id, email, zeroblob(64), 0 FROM accounts WHERE email = '${alice.email}'`);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "ne peut pas être vérifiée" }).waitFor({ timeout: 30_000 });
  server.sql("DELETE FROM sending_policies");
  assert.equal(server.sql("SELECT count(*) FROM envelopes"), before, "nothing was announced");
});

test("witnesses set in the page: a key they have not cosigned yet is refused, then sent once they ran; bad settings say why", async () => {
  const dpo = server.user("dpo@hopital.fr", "hopital", "auditor");
  const secret = dpo.run(["2fa", "enable"]).split("\n")[1].trim();
  dpo.run(["2fa", "confirm", totp(secret, 0)]);
  const keyFile = join(tempDir("witness"), "witness.key");
  // `pli audit witness` as the DPO; returns the witness key it prints on stderr.
  const witness = () => {
    const run = spawnSync(pliBinary(), ["audit", "witness", "--key", keyFile], {
      env: { PATH: process.env.PATH, HOME: "/nonexistent", LANG: "C.UTF-8", PLI_HOME: dpo.home, PLI_PASSWORD: dpo.password },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    return /^witness key: (\S+)/m.exec(run.stderr)[1];
  };
  const witnessKey = witness();
  const zoe = server.user("zoe@hopital.fr");
  const note = writeFile("note.txt", 300);

  const { page, problems } = await logIn(alice);
  await inboxShown(page);
  await page.getByRole("link", { name: "Témoins" }).click();
  await page.getByRole("heading", { name: "Témoins du journal d'audit" }).waitFor();
  await page.getByText("Aucun témoin exigé (0 clé(s) de confiance).").waitFor();
  const keys = page.getByLabel("Clés des témoins de confiance");
  const required = page.getByLabel("Nombre de témoins exigés");
  await keys.fill("pas une clé");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("alert").filter({ hasText: "La ligne 1 n'est pas une clé de témoin" }).waitFor();
  assert.equal(await keys.getAttribute("aria-invalid"), "true");
  await keys.fill(`${witnessKey}\n${witnessKey}\n`);
  await required.fill("2");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  // The same key twice is one witness.
  await page.getByRole("alert").filter({ hasText: "entre 0 et 1" }).waitFor();
  await required.fill("1");
  await required.press("Enter");
  await page.getByRole("status").filter({ hasText: "Témoins enregistrés pour ce navigateur." }).waitFor();
  await page.getByText("1 témoin(s) exigé(s) parmi 1 de confiance.").waitFor();
  assert.equal(await keys.inputValue(), witnessKey);

  // Zoe joined after the witness's run: her key is not in a checkpoint it cosigned.
  const before = server.sql("SELECT count(*) FROM envelopes");
  await page.getByRole("link", { name: "Envoyer" }).click();
  const form = page.locator("#send-form");
  await form.getByLabel("Destinataires").fill(zoe.email);
  await form.getByLabel("Documents").setInputFiles([note.path]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: `La clé de ${zoe.email} n'est pas encore dans un point de contrôle cosigné par les témoins` }).waitFor({ timeout: 30_000 });
  assert.equal(server.sql("SELECT count(*) FROM envelopes"), before, "nothing was announced");
  witness();
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const status = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await status.waitFor({ timeout: 60_000 });
  const id = /([0-9a-f]{32})/.exec(await status.innerText())[1];
  const got = JSON.parse(zoe.run(["get", id, "-o", tempDir("got-witnessed"), "--json"]));
  assert.equal(got.sender, alice.email);

  // Kept between visits; set back to none for the other tests of this browser.
  const again = await openPage(context, `${server.url}/app#/witnesses`);
  await again.page.getByLabel("Adresse électronique", { exact: true }).fill(alice.email);
  await again.page.getByLabel("Mot de passe").fill(alice.password);
  await again.page.getByRole("button", { name: "Se connecter", exact: true }).click();
  // The link led to the witnesses page, shown once logged in.
  await again.page.getByRole("heading", { name: "Témoins du journal d'audit" }).waitFor({ timeout: 60_000 });
  await again.page.getByText("1 témoin(s) exigé(s) parmi 1 de confiance.").waitFor();
  await again.page.getByLabel("Nombre de témoins exigés").fill("0");
  await again.page.getByRole("button", { name: "Enregistrer" }).click();
  await again.page.getByText("Aucun témoin exigé (1 clé(s) de confiance).").waitFor();
  assert.deepEqual(problems, []);
  assert.deepEqual(again.problems, []);
});
