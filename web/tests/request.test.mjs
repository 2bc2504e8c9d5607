// Upload requests in a real browser (docs/REQUESTS.md): `pli request` from the CLI, the page
// opened from the printed link, two files encrypted and uploaded by the page, then opened by
// the requester with `pli get`; and the refusals: a recipient key substituted in the server's
// database, an expired request. And the same request made from the account app's Demandes
// view: the link read from the mail outbox, the upload, `pli get`, and withdrawing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Server, pli, tempDir } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";
import { requestLinkFor } from "./outbox.mjs";

let server, context, clerk, outbox;

before(async () => {
  outbox = tempDir("outbox");
  server = await Server.start(["--mail-outbox", outbox]);
  clerk = server.user("agent@mairie.fr", "mairie");
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.stop();
});

/** `pli request --external EMAIL ...`: the request id and the whole link. */
function ask(email, extra = []) {
  const printed = clerk.run(["request", "--external", email, ...extra]);
  const id = printed.split("\n")[0];
  const link = /^link: (\S+)$/m.exec(printed)?.[1];
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.ok(link?.includes(`/r/${id}#`), printed);
  return { id, link };
}

test("the outside person uploads two files and the requester opens them, marked unverified", async () => {
  const { id, link } = ask("famille@example.org", ["--max-uploads", "2"]);
  const { page, problems } = await openPage(context, link);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  await page.getByText("agent@mairie.fr").first().waitFor();
  await page.getByText("identité vérifiée").waitFor();
  const first = randomBytes(150_000);
  const second = Buffer.from("Attestation de domicile\n");
  await page.getByLabel("Fichiers").setInputFiles([
    { name: "livret de famille.pdf", mimeType: "application/pdf", buffer: first },
    { name: "attestation.txt", mimeType: "text/plain", buffer: second },
  ]);
  await page.getByLabel("Votre nom (facultatif)").fill("Marie Dupont");
  await page.getByRole("button", { name: /Envoyer/ }).click();
  await page.getByRole("status").filter({ hasText: "ont été chiffrés et envoyés" }).waitFor({ timeout: 60_000 });
  assert.deepEqual(problems, []);

  const inbox = JSON.parse(clerk.run(["inbox", "--json"]));
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0].outside.request_id, id);
  assert.equal(inbox[0].outside.email, "famille@example.org");
  const out = tempDir("get");
  const opened = JSON.parse(clerk.run(["get", inbox[0].id, "-o", out, "--json"]));
  assert.equal(opened.sender, "famille@example.org");
  assert.equal(opened.sender_verified, false);
  assert.equal(opened.outside.name, "Marie Dupont");
  assert.deepEqual(readFileSync(join(out, "livret de famille.pdf")), first);
  assert.deepEqual(readFileSync(join(out, "attestation.txt")), second);
  const listed = JSON.parse(clerk.run(["request", "list", "--json"]));
  assert.equal(listed.find((request) => request.id === id).uploads, 1);
});

test("a recipient key substituted by the server is refused by the page, nothing is sent", async () => {
  const { id, link } = ask("avocat@cabinet.example");
  const intruder = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
  server.sql(`UPDATE upload_requests SET recipients = '["${intruder}"]' WHERE lower(hex(id)) = '${id}'`);
  const { page, problems } = await openPage(context, link);
  await page.getByRole("alert").filter({ hasText: "La signature de cette demande ne correspond pas" }).waitFor();
  assert.equal(await page.getByLabel("Fichiers").isVisible(), false);
  assert.deepEqual(problems, []);
  const listed = JSON.parse(clerk.run(["request", "list", "--json"]));
  assert.equal(listed.find((request) => request.id === id).uploads, 0);
});

test("an expired request says so and offers no upload, in English too", async () => {
  const { id, link } = ask("notaire@etude.example");
  // As the periodic sweep ends it (its signed expiry stays as signed).
  server.sql(`UPDATE upload_requests SET state = 'expired' WHERE lower(hex(id)) = '${id}'`);
  const { page, problems } = await openPage(context, link);
  await page.getByRole("alert").filter({ hasText: "Cette demande a expiré" }).waitFor();
  assert.equal(await page.getByLabel("Fichiers").isVisible(), false);
  const english = link.replace("#", "?lang=en#");
  const { page: en } = await openPage(context, english);
  await en.getByRole("alert").filter({ hasText: "This request has expired" }).waitFor();
  assert.deepEqual(problems, []);
});

test("the app asks for documents: the mailed link takes an upload pli get opens, marked unverified; the app withdraws", async () => {
  pli(["admin", "mailbox", "create", "etat-civil", "--org", "mairie", "--data", server.data]);
  pli(["admin", "mailbox", "add", "etat-civil", clerk.email, "--data", server.data]);
  clerk.run(["mailbox", "sync", "etat-civil"]);

  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(clerk.email);
  await page.getByLabel("Mot de passe").fill(clerk.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Demandes" }).click();
  await page.getByRole("heading", { name: "Demandes de documents" }).waitFor();
  const form = page.locator("#request-form");
  assert.equal(await form.getByLabel("Validité du lien (jours)").inputValue(), "7");

  // Refused before anything reaches the server.
  const before = server.sql("SELECT count(*) FROM upload_requests");
  await form.getByLabel("Courriel de la personne").fill("pas une adresse");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  await page.getByRole("alert").filter({ hasText: "L'adresse n'est pas valable" }).waitFor();
  await form.getByLabel("Courriel de la personne").fill("notaire@etude.example");
  await form.getByLabel("Validité du lien (jours)").fill("31");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  await page.getByRole("alert").filter({ hasText: "de 1 à 30 jours" }).waitFor();
  assert.equal(server.sql("SELECT count(*) FROM upload_requests"), before);

  // For a mailbox: the recipients signed are those `pli request --mailbox` signs.
  await form.getByLabel("Validité du lien (jours)").fill("3");
  await form.getByLabel("Les documents vont dans").selectOption("etat-civil");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  const mailboxStatus = page.getByRole("status").filter({ hasText: "envoyée à notaire@etude.example" });
  await mailboxStatus.waitFor({ timeout: 60_000 });
  const fromApp = /([0-9a-f]{32})/.exec(await mailboxStatus.innerText())[1];
  const fromCli = ask("notaire@etude.example", ["--mailbox", "etat-civil"]).id;
  const recipientsOf = (id) => server.sql(`SELECT recipients FROM upload_requests WHERE lower(hex(id)) = '${id}'`);
  assert.equal(recipientsOf(fromApp), recipientsOf(fromCli));
  assert.notEqual(recipientsOf(fromApp), "");

  // For one's own inbox, with the CLI's defaults otherwise.
  await form.getByLabel("Courriel de la personne").fill("Famille.Martin@example.org");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  const status = page.getByRole("status").filter({ hasText: "famille.martin@example.org" });
  await status.waitFor({ timeout: 60_000 });
  const id = /([0-9a-f]{32})/.exec(await status.innerText())[1];
  const link = requestLinkFor(outbox, "famille.martin@example.org");
  assert.equal(link, (await page.locator("#request-link").innerText()).trim());
  assert.ok(link.includes(`/r/${id}#`));
  const row = page.locator(`#request-rows tr[data-id="${id}"]`);
  await row.getByText("active").waitFor();
  assert.match(await row.innerText(), /0 sur 1/);
  assert.deepEqual(problems, []);

  const outside = await openPage(context, link);
  await outside.page.getByText("identité vérifiée").waitFor();
  const bytes = randomBytes(90_000);
  await outside.page.getByLabel("Fichiers").setInputFiles([{ name: "acte de naissance.pdf", mimeType: "application/pdf", buffer: bytes }]);
  await outside.page.getByRole("button", { name: /Envoyer/ }).click();
  await outside.page.getByRole("status").filter({ hasText: "ont été chiffrés et envoyés" }).waitFor({ timeout: 60_000 });
  assert.deepEqual(outside.problems, []);

  const envelope = JSON.parse(clerk.run(["inbox", "--json"])).find((item) => item.outside?.request_id === id);
  assert.ok(envelope, "the upload is in the requester's inbox");
  const out = tempDir("get");
  const opened = JSON.parse(clerk.run(["get", envelope.id, "-o", out, "--json"]));
  assert.equal(opened.sender, "famille.martin@example.org");
  assert.equal(opened.sender_verified, false);
  assert.deepEqual(readFileSync(join(out, "acte de naissance.pdf")), bytes);

  // Withdrawing the mailbox request from the app: listed as withdrawn, here and in the CLI.
  await page.getByRole("link", { name: "Demandes" }).click();
  const mailboxRow = page.locator(`#request-rows tr[data-id="${fromApp}"]`);
  await mailboxRow.getByRole("button", { name: "Retirer la demande à notaire@etude.example" }).click();
  await page.getByRole("status").filter({ hasText: "Demande retirée" }).waitFor();
  await mailboxRow.getByText("retirée").waitFor();
  const listed = JSON.parse(clerk.run(["request", "list", "--json"]));
  assert.equal(listed.find((request) => request.id === fromApp).state, "withdrawn");
  assert.equal(listed.find((request) => request.id === id).uploads, 1);
});
