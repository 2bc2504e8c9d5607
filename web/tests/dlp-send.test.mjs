// Sending from the browser under the organisation's sending policy, as `pli send` does: the page
// fetches the policy an admin set with `pli admin policy set` and checks its signature, scans the
// chosen files before sealing, and applies the decision. A blocked file is refused with the kinds
// and destination and nothing is uploaded; a warning or a required justification lets it through
// once the sender confirms or writes one, and `pli get` shows the labels from the signed
// manifest; a file without findings goes without a prompt. The server's audit trail records
// kinds and counts, never the values nor the justification.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server, User, tempDir, totp } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";
import { pdfOf } from "./pdf-files.mjs";

const NIR_TEXT = "Assuré : 2 55 08 14 168 025 38\n";

let server, context, chief, alice, agent, files;

before(async () => {
  server = await Server.start();
  // The admin who signs the policy.
  chief = new User("chef@hopital.fr", tempDir("home"));
  chief.run(["join", server.url, "--email", chief.email, "--code", server.invite(chief.email, "hopital", "admin")]);
  // Admins act only with a second factor.
  const secret = chief.run(["2fa", "enable"]).split("\n")[1].trim();
  chief.run(["2fa", "confirm", totp(secret, 0)]);
  alice = server.user("alice@hopital.fr");
  agent = server.user("agent@police.fr", "police");
  context = await launch();
  files = tempDir("files");
});

after(async () => {
  await context?.close();
  await server?.stop();
});

function writeText(name, text) {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}

function setPolicy(text) {
  chief.run(["admin", "policy", "set", writeText(`policy-${Date.now()}.toml`, text)]);
}

async function sendPage() {
  const { page, problems } = await openPage(context, `${server.url}/app`);
  await page.getByLabel("Adresse électronique", { exact: true }).fill(alice.email);
  await page.getByLabel("Mot de passe").fill(alice.password);
  await page.getByRole("button", { name: "Se connecter", exact: true }).click();
  await page.getByRole("heading", { name: "Boîte de réception" }).waitFor({ timeout: 60_000 });
  await page.getByRole("link", { name: "Envoyer" }).click();
  return { page, problems, form: page.locator("#send-form") };
}

async function sentId(page) {
  const status = page.getByRole("status").filter({ hasText: "Envoyé. Numéro de l'envoi" });
  await status.waitFor({ timeout: 60_000 });
  return /([0-9a-f]{32})/.exec(await status.innerText())[1];
}

const envelopes = () => Number(server.sql("SELECT count(*) FROM envelopes"));

test("a policy that blocks nir to external recipients refuses the file, naming the kind and destination; nothing is uploaded", async () => {
  setPolicy('version = 1\n[kinds.nir]\nexternal = "block"\n');
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("attestation.txt", NIR_TEXT)]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Bloqué par la politique d'envoi de votre organisation (version 1)" });
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /nir vers l'extérieur \(bloqué\).*Rien n'a été envoyé/);
  assert.equal(envelopes(), before, "nothing was announced");
  assert.equal(await page.locator("#send-review").isHidden(), true, "a block is not a question");
  // The organisation's trail has the refusal, kinds and counts only.
  assert.equal(server.sql("SELECT actor_email, target, outcome FROM audit_events WHERE action = 'policy.refused'"), `${alice.email}|policy 1 block nir=1|denied`);
  // To the sender's own organisation the same file goes: the rule is for external recipients.
  await form.getByLabel("Destinataires").fill(chief.email);
  await form.getByLabel("Documents").setInputFiles([writeText("attestation.txt", NIR_TEXT)]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  assert.deepEqual(problems, []);
});

test("warn and justify: sent after the confirmation or the justification; pli get shows the labels; the audit trail has kinds and counts", async () => {
  setPolicy('version = 2\n[default]\nexternal = "warn"\n[kinds.nir]\nexternal = "justify"\n');
  const { page, problems, form } = await sendPage();
  // The scan runs off the page's thread, in the worker the server serves beside the app.
  const workers = [];
  page.on("worker", (worker) => workers.push(new URL(worker.url()).pathname));

  // Warn: an email address to another organisation.
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("contact.txt", "Écrire à jean.dupont@chu-lyon.fr\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const review = page.getByRole("region", { name: "Contrôle avant envoi" });
  await review.waitFor({ timeout: 60_000 });
  const shown = await review.innerText();
  assert.match(shown, /version 2/);
  assert.match(shown, /email vers l'extérieur \(avertir\)/);
  assert.match(shown, /contact\.txt : email × 1 \(j[*.]+@[*-]+\.fr\)/);
  assert.ok(!shown.includes("jean.dupont"), "the page shows masked excerpts only");
  assert.equal(await review.getByLabel("Justification").isHidden(), true);
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  const warned = await sentId(page);
  assert.deepEqual(workers, ["/assets/dlp-worker.js"]);
  const out = tempDir("got");
  const got = JSON.parse(agent.run(["get", warned, "-o", join(out, "warned"), "--json"]));
  assert.deepEqual(got.dlp, { policy_version: 2, decision: "warn", kinds: { email: 1 }, not_inspectable: 0, justification: null });

  // Justify: a NIR to another organisation; cancelling sends nothing, an empty justification is refused.
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("attestation.txt", NIR_TEXT), writeText("menu.csv", "jour;plat\nlundi;gratin\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await review.waitFor({ timeout: 60_000 });
  assert.match(await review.innerText(), /nir vers l'extérieur \(justification exigée\)/);
  assert.match(await review.innerText(), /2 55 \*\* \*\* \*\*\* \*\*\* 38/);
  await review.getByRole("button", { name: "Annuler" }).click();
  await page.getByRole("alert").filter({ hasText: "Envoi annulé" }).waitFor({ timeout: 30_000 });
  assert.equal(envelopes(), before);

  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await review.waitFor({ timeout: 60_000 });
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  await page.getByRole("alert").filter({ hasText: "Écrivez une justification" }).waitFor({ timeout: 30_000 });
  assert.equal(await review.getByLabel("Justification").evaluate((node) => node === document.activeElement), true);
  await review.getByLabel("Justification").fill("Réquisition judiciaire n° 2026-114");
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  const justified = await sentId(page);
  const opened = JSON.parse(agent.run(["get", justified, "-o", join(out, "justified"), "--json"]));
  assert.deepEqual(opened.dlp, { policy_version: 2, decision: "justify", kinds: { nir: 1 }, not_inspectable: 0, justification: "Réquisition judiciaire n° 2026-114" });

  // The server recorded kinds, counts and the decision; never the value nor the justification.
  const rows = server.sql("SELECT target FROM audit_events WHERE action = 'envelope.dlp' ORDER BY seq");
  assert.ok(rows.includes(`${warned} policy 2 warn email=1`), rows);
  assert.ok(rows.includes(`${justified} policy 2 justify nir=1 justified`), rows);
  const everything = server.sql("SELECT actor_email, from_addr, action, target, outcome FROM audit_events");
  for (const secret of ["168 025", "jean.dupont", "Réquisition"]) assert.ok(!everything.includes(secret), `${secret} in the audit trail`);
  assert.deepEqual(problems, []);
});

test("a file without findings goes without a prompt, labelled as checked", async () => {
  setPolicy('version = 3\n[default]\nexternal = "block"\n');
  const { page, problems, form } = await sendPage();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : gratin dauphinois.\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const id = await sentId(page);
  assert.equal(await page.locator("#send-review").isHidden(), true);
  const got = JSON.parse(agent.run(["get", id, "-o", join(tempDir("got"), "menu"), "--json"]));
  assert.deepEqual(got.dlp, { policy_version: 3, decision: "allow", kinds: {}, not_inspectable: 0, justification: null });
  // An image cannot be inspected in the browser: under `[not_inspectable]`'s default it warns.
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([{ name: "scan.png", mimeType: "image/png", buffer: Buffer.from("\x89PNG\r\n\x1a\nrest", "latin1") }]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const review = page.getByRole("region", { name: "Contrôle avant envoi" });
  await review.waitFor({ timeout: 60_000 });
  assert.match(await review.innerText(), /documents non examinés vers l'extérieur \(avertir\)/);
  assert.match(await review.innerText(), /scan\.png : non examiné \(image/);
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  const image = await sentId(page);
  const opened = JSON.parse(agent.run(["get", image, "-o", join(tempDir("got"), "image"), "--json"]));
  assert.deepEqual(opened.dlp, { policy_version: 3, decision: "warn", kinds: {}, not_inspectable: 1, justification: null });
  assert.deepEqual(problems, []);
});

test("a file whose scan hangs or crashes is stopped and counted not inspectable; the others are scanned", async () => {
  setPolicy('version = 4\n[default]\nexternal = "warn"\n');
  const { page, problems, form } = await sendPage();
  // A worker that hangs on the first file it gets and crashes on the second, as a hostile
  // document could make the extractor do.
  let served = 0;
  await page.route("**/assets/dlp-worker.js", (route) => {
    served += 1;
    const body =
      served === 1
        ? "self.onmessage = () => { self.postMessage({ ready: true }); for (;;) {} };"
        : served === 2
          ? "self.onmessage = () => { self.postMessage({ ready: true }); setTimeout(() => { throw new Error('extractor crashed'); }, 0); };"
          : null;
    if (body === null) return route.continue();
    return route.fulfill({ contentType: "text/javascript", body });
  });
  await form.getByLabel("Destinataires").fill(agent.email);
  await form
    .getByLabel("Documents")
    .setInputFiles([writeText("boucle.txt", "texte"), writeText("plante.txt", "texte"), writeText("assure.txt", NIR_TEXT)]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const review = page.getByRole("region", { name: "Contrôle avant envoi" });
  await review.waitFor({ timeout: 90_000 });
  const text = await review.innerText();
  assert.match(text, /boucle\.txt : non examiné \(sa lecture a dépassé le temps permis/);
  assert.match(text, /plante\.txt : non examiné \(sa lecture a échoué/);
  assert.match(text, /nir/);
  assert.equal(served, 3, "one worker per file");
  assert.deepEqual(problems.filter((problem) => !problem.includes("extractor crashed")), []);
});

test("the policy version a visit saw is required on the next visit: a rollback is refused", async () => {
  // The tests before saw version 4 in this browser; each visit is a new page and a new login.
  const { page, problems, form } = await sendPage();
  assert.equal(await page.evaluate(() => localStorage.getItem("pli.policy-version.hopital")), "4");
  // The server now serves an older, validly signed version.
  server.sql("DELETE FROM sending_policies WHERE version = 4");
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("note.txt", "Rien de sensible.\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "plus ancienne que la version 4 vue auparavant" }).waitFor({ timeout: 60_000 });
  assert.equal(envelopes(), before, "nothing was announced");
  assert.deepEqual(problems, []);
});

test("the subject and the files' names are checked like the files: a social-security number there is blocked too", async () => {
  setPolicy('version = 5\n[kinds.nir]\nexternal = "block"\n');
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  const blocked = page.getByRole("alert").filter({ hasText: "Bloqué par la politique d'envoi de votre organisation (version 5)" });
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Objet").fill("Dossier 2 55 08 14 168 025 38");
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await blocked.waitFor({ timeout: 60_000 });
  assert.match(await blocked.innerText(), /nir vers l'extérieur \(bloqué\)/);
  assert.equal(envelopes(), before, "nothing was announced");
  await form.getByLabel("Objet").fill("Menu");
  await form.getByLabel("Documents").setInputFiles([writeText("Dupont_255081416802538.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "nir vers l'extérieur" }).last().waitFor({ timeout: 60_000 });
  assert.equal(envelopes(), before, "nothing was announced");
  // Under a plain subject and name, the same content goes.
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  assert.deepEqual(problems, []);
});

test("a policy whose signer is no longer an admin stops the send, naming the signer, until an admin signs again", async () => {
  server.sql(`UPDATE accounts SET role = 'agent' WHERE email = '${chief.email}'`);
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: `signée par ${chief.email}, qui n'en est plus administrateur` }).waitFor({ timeout: 60_000 });
  assert.equal(envelopes(), before, "nothing was announced");
  // Made an admin again, the signer's version counts again.
  server.sql(`UPDATE accounts SET role = 'admin' WHERE email = '${chief.email}'`);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  assert.deepEqual(problems, []);
});

test("a policy version the audit log does not show stops the send; logged again, it counts", async () => {
  setPolicy('version = 6\n[kinds.nir]\nexternal = "block"\n');
  // The server names another version's entry for the current one (a version it never logged).
  server.sql("UPDATE sending_policies SET log_index = (SELECT log_index FROM sending_policies WHERE version = 1) WHERE version = 6");
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: "La version 6 de la politique d'envoi de votre organisation n'est pas dans le journal d'audit du serveur : rien n'a été envoyé." }).waitFor({ timeout: 60_000 });
  assert.equal(envelopes(), before, "nothing was announced");
  // No entry named (as a version set before versions were logged): the server logs it when
  // it serves it next, and the send goes.
  server.sql("UPDATE sending_policies SET log_index = NULL WHERE version = 6");
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  assert.equal(server.sql("SELECT log_index IS NOT NULL FROM sending_policies WHERE version = 6"), "1");
  assert.deepEqual(problems, []);
});

test("a policy whose signer the audit log does not show as an admin stops the send; with its own role entry, it counts", async () => {
  const roleOf = (email) => `(SELECT l.log_index FROM account_role_log l JOIN accounts a ON a.id = l.account_id WHERE a.email = '${email}')`;
  const chiefAccount = `(SELECT id FROM accounts WHERE email = '${chief.email}')`;
  const own = server.sql(`SELECT ${roleOf(chief.email)}`);
  assert.match(own, /^\d+$/, "the signer's role was logged when it joined");
  // The server names an agent's role entry (Alice's) for the signer.
  server.sql(`UPDATE account_role_log SET log_index = ${roleOf(alice.email)} WHERE account_id = ${chiefAccount}`);
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([writeText("menu.txt", "Lundi : soupe\n")]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await page.getByRole("alert").filter({ hasText: `signée par ${chief.email}, que le journal d'audit du serveur n'atteste pas comme administrateur : rien n'a été envoyé.` }).waitFor({ timeout: 60_000 });
  assert.equal(envelopes(), before, "nothing was announced");
  // Its own entry again: the send goes.
  server.sql(`UPDATE account_role_log SET log_index = ${own} WHERE account_id = ${chiefAccount}`);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  assert.deepEqual(problems, []);
});

/**
 * A one-page PDF whose text layer holds `lines` (Helvetica), or, without lines, only a filled
 * rectangle (a scan); with `image`, the page also draws a one-pixel grey image.
 */
function pdf(lines, { image = false } = {}) {
  let content = "BT /F1 12 Tf 72 720 Td 14 TL\n" + lines.map((line) => `(${line}) Tj T*\n`).join("") + "ET\n";
  if (lines.length === 0) content = "0 0 0 rg 72 72 100 100 re f\n";
  if (image) content += "q 100 0 0 100 72 500 cm\nBI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI\nQ\n";
  return pdfOf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ]);
}

test("a PDF's text is read in the scan's worker: a social-security number in it is blocked; a scanned PDF is not inspectable", async () => {
  setPolicy('version = 7\n[kinds.nir]\nexternal = "block"\n');
  const { page, problems, form } = await sendPage();
  const before = envelopes();
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([{ name: "certificat.pdf", mimeType: "application/pdf", buffer: pdf(["Certificat medical initial", "Assure : 2 55 08 14 168 025 38"]) }]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const blocked = page.getByRole("alert").filter({ hasText: "Bloqué par la politique d'envoi de votre organisation (version 7)" });
  await blocked.waitFor({ timeout: 60_000 });
  assert.match(await blocked.innerText(), /nir vers l'extérieur \(bloqué\)/);
  assert.equal(envelopes(), before, "nothing was announced");
  // A PDF without a text layer: counted not inspectable, which warns by default.
  await form.getByLabel("Documents").setInputFiles([{ name: "scan.pdf", mimeType: "application/pdf", buffer: pdf([]) }]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const review = page.getByRole("region", { name: "Contrôle avant envoi" });
  await review.waitFor({ timeout: 60_000 });
  assert.match(await review.innerText(), /scan\.pdf : non examiné \(PDF sans texte/);
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  await sentId(page);
  assert.equal(envelopes(), before + 1);
  // A PDF whose text holds nothing sensitive goes without a prompt.
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([{ name: "menu.pdf", mimeType: "application/pdf", buffer: pdf(["Lundi : gratin dauphinois"]) }]);
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  const id = await sentId(page);
  const got = JSON.parse(agent.run(["get", id, "-o", join(tempDir("got"), "menu-pdf"), "--json"]));
  assert.deepEqual(got.dlp, { policy_version: 7, decision: "allow", kinds: {}, not_inspectable: 0, justification: null });
  // A page that also draws an image is read in part: its text is scanned, the file counts as
  // not wholly inspected. A PDF cut short cannot be opened; neither stops the other.
  const whole = pdf(["Lundi : gratin dauphinois"]);
  await form.getByLabel("Destinataires").fill(agent.email);
  await form.getByLabel("Documents").setInputFiles([
    { name: "radio.pdf", mimeType: "application/pdf", buffer: pdf(["Contact : jean.dupont@chu-lyon.fr"], { image: true }) },
    { name: "coupe.pdf", mimeType: "application/pdf", buffer: whole.subarray(0, 40) },
  ]);
  const beforeParts = envelopes();
  await page.getByRole("button", { name: "Chiffrer et envoyer" }).click();
  await review.waitFor({ timeout: 60_000 });
  const shown = await review.innerText();
  assert.match(shown, /radio\.pdf : non examiné en entier \(contient des images, dont le texte ne se lit pas sans reconnaissance de caractères\) ; dans son texte : email × 1/);
  assert.match(shown, /coupe\.pdf : non examiné \(format non lu, chiffré, endommagé ou trop grand\)/);
  assert.ok(!shown.includes("jean.dupont"), "masked excerpts only");
  await review.getByRole("button", { name: "Confirmer l'envoi" }).click();
  const parts = await sentId(page);
  assert.equal(envelopes(), beforeParts + 1);
  const gotParts = JSON.parse(agent.run(["get", parts, "-o", join(tempDir("got"), "parts-pdf"), "--json"]));
  assert.deepEqual(gotParts.dlp, { policy_version: 7, decision: "warn", kinds: { email: 1 }, not_inspectable: 2, justification: null });
  assert.deepEqual(problems, []);
});

test("the scan's worker reaches nothing: no request, no script, no eval, no WebAssembly; the page can", async () => {
  const { page } = await openPage(context, `${server.url}/app`);
  // What each context may do, tried from inside it: the worker reads the plain text of the
  // files about to be sent, so its policy (`default-src 'none'`) must refuse every way out.
  const attempts = async (inWorker) => {
    const tryIt = async (attempt) => {
      try {
        await attempt();
        return "allowed";
      } catch {
        return "refused";
      }
    };
    return {
      fetch: await tryIt(async () => {
        await fetch("/api/health");
      }),
      xhr: await tryIt(
        () =>
          new Promise((resolve, reject) => {
            const request = new XMLHttpRequest();
            request.onload = resolve;
            request.onerror = reject;
            request.open("GET", "/api/health");
            request.send();
          }),
      ),
      // (In the page, the app's own script would start the app again.)
      import: inWorker ? await tryIt(() => import("/assets/app.js")) : "not tried",
      eval: await tryIt(() => new Function("return 1")()),
      wasm: await tryIt(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))),
    };
  };
  const spawned = page.waitForEvent("worker");
  await page.evaluate(() => {
    globalThis.scanWorker = new Worker("/assets/dlp-worker.js", { type: "module" });
  });
  const worker = await spawned;
  assert.equal(new URL(worker.url()).pathname, "/assets/dlp-worker.js");
  assert.deepEqual(await worker.evaluate(`(${attempts})(true)`), { fetch: "refused", xhr: "refused", import: "refused", eval: "refused", wasm: "refused" });
  // The same attempts from the page: its own requests go (its policy allows this server), so
  // the refusals above are the worker's policy at work, not a broken test.
  const fromPage = await page.evaluate(`(${attempts})(false)`);
  assert.equal(fromPage.fetch, "allowed");
  assert.equal(fromPage.xhr, "allowed");
  assert.equal(fromPage.eval, "refused");
});
