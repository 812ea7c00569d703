/**
 * A real browser for the pages users see (bunq's consent page, our confirmation page):
 * Debian's Chromium driven by playwright-core, one browser per test file.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Why browser tests are skipped, or undefined when they run. Locally a missing Chromium skips
 * them; in CI (CI=true) they always run, so a missing Chromium fails loudly instead of passing.
 */
export const browserSkipReason: string | undefined =
  existsSync(CHROMIUM_PATH) || process.env.CI === "true"
    ? undefined
    : `${CHROMIUM_PATH} not found: browser tests skipped (apt-get install chromium; CI=true makes this an error)`;

if (browserSkipReason) console.warn(browserSkipReason);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Containers: no user namespaces for the sandbox, no GPU, a tiny /dev/shm.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
