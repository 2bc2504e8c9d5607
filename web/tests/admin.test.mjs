// The administration page of the app (#/admin) in a real browser against a real `pli serve`:
// an admin plants a canary from the page, a member's `pli get` of it blocks the member, the
// alert appears on the page, the admin unblocks the member with a reason and the member
// downloads again; a scoped grant made on the page gives access that its revocation on the
// page takes away at the next request; an agent is shown no administration.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server, pli, tempDir, totp } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";

let server, context, dora, dora_secret, bob, erin;

before(async () => {
  server = await Server.start(["--mail-outbox", tempDir("outbox")]);
  dora = server.user("dora@hopital.fr", "hopital", "admin");
  dora_secret = dora.run(["2fa", "enable"]).split("\n")[1].trim();
  dora.run(["2fa", "confirm", totp(dora_secret, 0)]);
  bob = server.user("bob@hopital.fr");
  erin = server.user("erin@prestataire.fr", "prestataire");
  pli(["admin", "mailbox", "create", "radio", "--org", "hopital", "--data", server.data]);
  pli(["admin", "mailbox", "add", "radio", bob.email, "--data", server.data]);
  bob.run(["mailbox", "sync", "radio"]);
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.stop();
});

let adminSession = null;

/** The admin's page, logged in once: a TOTP code works once, so the tests share the session. */
async function adminPage() {
  adminSession ??= logInAdmin();
  const { page, problems } = await adminSession;
  await page.evaluate(() => {
    location.hash = "#/inbox";
  });
  await page.getByRole("link", { name: "Administration" }).click();
  await page.getByRole("heading", { name: "Administration", level: 1 }).waitFor();
  return { page, problems };
}

async function logInAdmin() {
  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(dora.email);
  await page.getByLabel("Mot de passe").fill(dora.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  const code = page.locator("#login-form").getByLabel("Code", { exact: true });
  await code.waitFor({ timeout: 60_000 });
  // The confirmation used this time step; the next one is within the accepted drift.
  await code.fill(totp(dora_secret, 1));
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  return { page, problems };
}

test("a canary planted from the page blocks who downloads it; the page shows the alert and unblocks", async () => {
  const files = tempDir("files");
  const path = join(files, "irm.txt");
  writeFileSync(path, "IRM du 12");
  const real = dora.send([path], "radio");

  const { page, problems } = await adminPage();
  await page.getByLabel("Boîte où poser le leurre").fill("radio");
  await page.getByRole("button", { name: "Poser un leurre" }).click();
  await page.getByRole("status").filter({ hasText: "Leurre posé dans radio." }).waitFor({ timeout: 30_000 });
  const canaryRows = page.locator("#canary-rows tr");
  assert.equal(await canaryRows.count(), 1);
  assert.match(await canaryRows.first().textContent(), /radio.*dora@hopital\.fr/);
  const canary = server.sql("SELECT lower(hex(envelope_id)) FROM canaries");
  assert.match(canary, /^[0-9a-f]{32}$/);

  // The member's client cannot tell the decoy from an envelope; fetching it blocks the member.
  const out = tempDir("out");
  assert.throws(() => bob.run(["get", canary, "--output", out]), /blocked/);
  assert.throws(() => bob.run(["get", real, "--output", out]), /pli admin unblock/);

  await page.getByRole("button", { name: "Actualiser" }).click();
  const alert = page.locator("#alert-rows tr", { hasText: "Leurre téléchargé : compte bloqué" });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent(), /bob@hopital\.fr/);

  // The alert's button fills the form; the reason is required.
  await alert.getByRole("button", { name: "Débloquer bob@hopital.fr" }).click();
  assert.equal(await page.getByLabel("Compte à débloquer (adresse électronique)").inputValue(), bob.email);
  await page.getByRole("button", { name: "Débloquer le compte" }).click();
  await page.getByRole("alert").filter({ hasText: "Indiquez le motif" }).waitFor();
  assert.equal(await page.getByLabel("Motif").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Motif").fill("exercice de sécurité");
  await page.getByRole("button", { name: "Débloquer le compte" }).click();
  await page.getByRole("status").filter({ hasText: "bob@hopital.fr est débloqué." }).waitFor({ timeout: 30_000 });
  assert.equal(server.sql("SELECT count(*) FROM audit_events WHERE action = 'login.unblock' AND target LIKE '%reason: exercice de sécurité'"), "1");
  await page.locator("#alert-rows tr", { hasText: "Téléchargements débloqués" }).waitFor({ timeout: 30_000 });

  bob.run(["get", real, "--output", out]);

  // Nothing to unblock any more: the page says so instead of a bare error.
  await page.getByLabel("Compte à débloquer (adresse électronique)").fill(bob.email);
  await page.getByLabel("Motif").fill("encore");
  await page.getByRole("button", { name: "Débloquer le compte" }).click();
  await page.getByRole("alert").filter({ hasText: "Aucun compte bloqué" }).waitFor({ timeout: 30_000 });
  assert.deepEqual(problems, []);
});

test("a grant made on the page opens one mailbox until its date; revoking it on the page closes it", async () => {
  const { page, problems } = await adminPage();
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;

  // Bad input is refused in the page, before any request.
  await page.getByLabel("Compte (adresse électronique)").fill("pas une adresse");
  await page.getByRole("button", { name: "Accorder l'accès" }).click();
  await page.getByRole("alert").filter({ hasText: "n'est pas valide" }).waitFor();
  await page.getByLabel("Compte (adresse électronique)").fill(erin.email);
  await page.getByLabel("Boîte fonctionnelle").fill("Radio!");
  await page.getByRole("button", { name: "Accorder l'accès" }).click();
  await page.getByRole("alert").filter({ hasText: "Un nom de boîte" }).waitFor();
  await page.getByLabel("Boîte fonctionnelle").fill("radio");
  await page.getByRole("button", { name: "Accorder l'accès" }).click();
  await page.getByRole("alert").filter({ hasText: "date de fin" }).waitFor();
  // A mailbox the admin's organisation does not have: the server's refusal is shown.
  await page.getByLabel("Boîte fonctionnelle").fill("inconnue");
  await page.getByLabel("Jusqu'au (inclus)").fill(day);
  await page.getByRole("button", { name: "Accorder l'accès" }).click();
  await page.getByRole("alert").waitFor({ timeout: 30_000 });
  assert.equal(server.sql("SELECT count(*) FROM audit_events WHERE action = 'admin.grant' AND outcome = 'allowed'"), "0");

  await page.getByLabel("Boîte fonctionnelle").fill("radio");
  await page.getByLabel("Droit", { exact: true }).selectOption("read");
  await page.getByRole("button", { name: "Accorder l'accès" }).click();
  await page.getByRole("status").filter({ hasText: "Accès accordé à erin@prestataire.fr sur radio." }).waitFor({ timeout: 30_000 });
  const row = page.locator("#grant-rows tr", { hasText: erin.email });
  await row.waitFor();
  assert.match(await row.textContent(), /radio.*Lecture seule.*En cours/);
  const listed = JSON.parse(erin.run(["inbox", "--mailbox", "radio", "--json"]));
  assert.ok(Array.isArray(listed));

  await row.getByRole("button", { name: "Révoquer l'accès de erin@prestataire.fr à radio" }).click();
  await page.getByRole("status").filter({ hasText: "révoqué" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#grant-rows tr", { hasText: erin.email }).count(), 0);
  assert.throws(() => erin.run(["inbox", "--mailbox", "radio", "--json"]));
  assert.deepEqual(problems, []);
});

test("an agent is offered no administration, and the page says it is for admins", async () => {
  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(bob.email);
  await page.getByLabel("Mot de passe").fill(bob.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.evaluate(() => {
    location.hash = "#/admin";
  });
  await page.getByRole("alert").filter({ hasText: "réservée aux administrateurs" }).waitFor();
  assert.equal(await page.locator("#admin").isVisible(), false);
  assert.deepEqual(problems, []);
});
