// The recipient page in a real browser: what it shows before any link route answers, and that
// it runs under the server's Content-Security-Policy.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Server } from "./pli.mjs";
import { launch, openPage } from "./browser.mjs";

let server, context;

before(async () => {
  server = await Server.start();
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.stop();
});

const LINK = "0123456789abcdef0123456789abcdef";
const FRAGMENT = `${"A".repeat(43)}.${"B".repeat(42)}A`;

test("the page is French first, with a labelled code field hidden until a link is known", async () => {
  const { page, problems } = await openPage(context, `${server.url}/x/${LINK}`);
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  assert.match(await page.title(), /Document confidentiel/);
  // Without a fragment, there is no key: the page says so instead of asking for a code.
  await page.getByRole("alert").filter({ hasText: "Ce lien est incomplet" }).waitFor();
  assert.equal(await page.getByLabel("Code").isVisible(), false);
  assert.deepEqual(problems, []);
});

test("English is one link away and keeps the fragment", async () => {
  const { page, problems } = await openPage(context, `${server.url}/x/${LINK}#${FRAGMENT}`);
  const english = page.getByRole("link", { name: "English" });
  assert.equal(await english.getAttribute("href"), `/x/${LINK}?lang=en#${FRAGMENT}`);
  await english.click();
  await page.waitForURL(`**/x/${LINK}?lang=en#${FRAGMENT}`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Confidential document");
  assert.deepEqual(problems, []);
});

test("an unknown link says it does not exist, and asks for no code", async () => {
  const { page, problems } = await openPage(context, `${server.url}/x/${LINK}#${FRAGMENT}`);
  await page.getByRole("alert").filter({ hasText: "n'existe pas" }).waitFor();
  assert.equal(await page.getByLabel("Code").isVisible(), false);
  assert.deepEqual(problems, []);
});

test("the bundle loads under the policy (a module script, no inline code)", async () => {
  const { page, problems } = await openPage(context, `${server.url}/x/${LINK}#${FRAGMENT}`);
  const csp = (await page.request.get(`${server.url}/x/${LINK}`)).headers()["content-security-policy"];
  assert.match(csp, /script-src 'self'/);
  // The script ran, parsed the fragment with @scure/base and asked the API (connect-src).
  await page.getByRole("alert").filter({ hasText: "n'existe pas" }).waitFor();
  assert.deepEqual(problems, []);
});
