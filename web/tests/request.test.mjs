// Upload requests in a real browser (docs/REQUESTS.md): `pli request` from the CLI, the page
// opened from the printed link, two files encrypted and uploaded by the page, then opened by
// the requester with `pli get`; and the refusals: a recipient key substituted in the server's
// database, an expired request.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Server, tempDir } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";

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
