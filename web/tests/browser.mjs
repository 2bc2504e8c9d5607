// Debian's Chromium, headless, driven by playwright-core, with a fresh profile each time.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { tempDir } from "./pli.mjs";

export const CHROMIUM = process.env.PLI_CHROMIUM ?? "/usr/bin/chromium";

export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser context on a fresh user-data-dir that accepts downloads. */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  const context = await chromium.launchPersistentContext(tempDir("chromium"), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
  });
  return context;
}

/**
 * Opens `url` in a new page and records every Content-Security-Policy violation and page
 * error, so a test can assert the page works under the policy.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.goto(url);
  return { page, problems };
}
