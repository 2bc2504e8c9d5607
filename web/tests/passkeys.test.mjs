// Passkeys in a real browser: Chromium's virtual authenticator (a platform authenticator with
// user verification, driven through the DevTools protocol) registers a passkey from the app,
// and the next login needs it: the password alone is refused, the passkey opens the session.
// The app is opened at http://localhost:PORT, the relying party `pli serve` derives from its
// loopback address (browsers refuse IP addresses as relying party ids).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server, sha256, tempDir } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";

let server, context, carol;

before(async () => {
  server = await Server.start(["--mail-outbox", tempDir("outbox")]);
  carol = server.user("carol@hopital.fr");
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.stop();
});

async function authenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function fillLogin(page) {
  await page.getByLabel("Adresse électronique", { exact: true }).fill(carol.email);
  await page.getByLabel("Mot de passe").fill(carol.password);
}

test("a passkey added in the app becomes the second factor of the next login", async () => {
  const url = `${server.url.replace("127.0.0.1", "localhost")}/app`;
  const { page, problems } = await openPage(context, url);
  const { cdp, authenticatorId } = await authenticator(page);

  await fillLogin(page);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });

  await page.getByRole("link", { name: "Clés d'accès" }).click();
  await page.getByRole("heading", { name: "Clés d'accès" }).waitFor();
  await page.getByLabel("Nom de la clé").fill("clé de test");
  await page.getByRole("button", { name: "Ajouter une clé d'accès" }).click();
  await page.locator("#passkey-list li", { hasText: "clé de test" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole("status").textContent(), "Clé d'accès ajoutée.");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].rpId, "localhost");

  // The password alone no longer opens a session.
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await fillLogin(page);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "second facteur" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("heading", { name: "Boîte de réception" }).isVisible(), false);

  // The passkey does.
  await fillLogin(page);
  await page.getByRole("button", { name: "Se connecter avec une clé d'accès" }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 1, "the authenticator signed the login");

  // Adding another key takes a proof of the first: the app has the first passkey sign a
  // challenge, then asks for a new credential, which this authenticator refuses to make twice
  // for one account (the server excludes the credentials it knows).
  await page.getByRole("link", { name: "Clés d'accès" }).click();
  await page.getByLabel("Nom de la clé").fill("deuxième clé");
  await page.getByRole("button", { name: "Ajouter une clé d'accès" }).click();
  await page.getByRole("alert").filter({ hasText: "La clé d'accès n'a pas répondu" }).waitFor({ timeout: 30_000 });
  const proved = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(proved.credentials.length, 1, "no second credential on the same authenticator");
  assert.equal(proved.credentials[0].signCount, after.credentials[0].signCount + 1, "the first passkey signed the proof");
  assert.equal(await page.locator("#passkey-list li").count(), 1);
  assert.deepEqual(problems, []);

  // The CLI, which has no authenticator to ask, cannot log in with the password alone either.
  assert.throws(() => carol.run(["login", server.url, "--email", carol.email]), /exited 1/);
});

test("when the flow monitor asks for the second factor again, a passkey gives it", async () => {
  const paul = server.user("paul@hopital.fr");
  const sam = server.user("sam@hopital.fr");
  const path = join(tempDir("files"), "bilan.txt");
  writeFileSync(path, "bilan sanguin du 3");
  const id = sam.send([path], paul.email);
  // The hold the monitor records when it escalates to a step-up, read at the account's first
  // listing or download.
  server.sql(`INSERT INTO download_holds (account_id, kind, at, rule, details) SELECT id, 1, ${Math.floor(Date.now() / 1000)}, 'test', 'test' FROM accounts WHERE email = '${paul.email}'`);

  const url = `${server.url.replace("127.0.0.1", "localhost")}/app`;
  const { page, problems } = await openPage(context, url);
  const { cdp, authenticatorId } = await authenticator(page);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(paul.email);
  await page.getByLabel("Mot de passe").fill(paul.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Clés d'accès" }).click();
  await page.getByLabel("Nom de la clé").fill("clé de paul");
  await page.getByRole("button", { name: "Ajouter une clé d'accès" }).click();
  await page.locator("#passkey-list li", { hasText: "clé de paul" }).waitFor({ timeout: 30_000 });
  const added = await cdp.send("WebAuthn.getCredentials", { authenticatorId });

  await page.evaluate((envelope) => {
    location.hash = `#/envelope/${envelope}`;
  }, id);
  await page.getByRole("alert").filter({ hasText: "demande de nouveau le second facteur" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole("button", { name: /Télécharger/ }).count(), 0);
  await page.getByRole("button", { name: "Confirmer avec une clé d'accès" }).click();
  const button = page.getByRole("button", { name: "Télécharger bilan.txt" });
  await button.waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const saved = readFileSync(await download.path());
  assert.equal(sha256(saved), sha256(readFileSync(path)));
  const signed = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(signed.credentials[0].signCount, added.credentials[0].signCount + 1, "the passkey signed the step-up");
  assert.equal(server.sql(`SELECT count(*) FROM audit_events WHERE action = 'monitor.step_up_answer' AND outcome = 'allowed' AND actor_email = '${paul.email}'`), "1");
  assert.deepEqual(problems, []);
});
