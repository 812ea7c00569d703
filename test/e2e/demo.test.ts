/**
 * The first run of issue 12, as someone evaluating the bot meets it: a fresh machine, `npm start`
 * without a bot token, and the whole product in the browser at /demo — /connect through bunq's
 * consent page and our confirmation page, /balance with the seeded money, /pay between own
 * accounts with the buttons, /transactions with Older; no console error, no Bot API call refused.
 * Screenshots at phone and desktop size go to a temp dir, or to docs/ with UPDATE_SCREENSHOTS=1
 * (the README shows them). And `npm run demo` runs the demo even with a token, in production.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSkipReason, launchBrowser } from "./browser.js";
import { freePort, ROOT, TSX_LOADER } from "./stack.js";

const SLOW = 180_000;
const SCREENS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

interface DemoAccount {
  id: number;
  description: string;
  balance: string;
}

/** "1135.00" → "€1,135.00", as the bot writes euros in English. */
const euros = (amount: string) => {
  const [whole, cents] = amount.replace("-", "").split(".");
  return `${amount.startsWith("-") ? "-" : ""}€${whole!.replace(/\B(?=(\d{3})+$)/g, ",")}.${cents}`;
};

interface RunningDemo {
  readonly url: string;
  /** The Telegram emulator's control URL, from the demo's log. */
  readonly telegramControl: string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `node --import tsx src/main.ts [args]` (what `npm start` and `npm run demo` run) in an empty
 * temp dir — a fresh machine: no .env, no database — and waits for the demo's banner.
 */
async function startDemo(workDir: string, args: string[], env: Record<string, string> = {}) {
  const port = await freePort();
  const app = spawn(process.execPath, ["--import", TSX_LOADER, join(ROOT, "src/main.ts"), ...args], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workDir, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((done) => app.once("exit", (code) => done(code)));
  let output = "";
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no demo banner within 90 s:\n${output}`)), 90_000);
    app.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const banner = /^Demo: open (\S+)$/m.exec(output)?.[1];
      // The log line naming the emulators may come after the banner (the logger writes behind).
      if (banner && /telegramControl/.test(output)) {
        clearTimeout(timer);
        done(banner);
      }
    });
    app.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    void exited.then((code) => fail(new Error(`the app exited (${code}) before the banner:\n${output}`)));
  });
  // Development logs are pretty and coloured.
  const telegramControl = /telegramControl"?:\s*"([^"]+)"/.exec(stripVTControlCharacters(output))![1]!;
  const demo: RunningDemo = {
    url,
    telegramControl,
    stop: () => {
      app.kill("SIGTERM");
      return exited;
    },
  };
  return demo;
}

describe("npm run demo", () => {
  it(
    "starts the demo also when a bot token is set, and stops cleanly",
    async () => {
      const workDir = mkdtempSync(join(tmpdir(), "bunqbot-demo-"));
      try {
        const demo = await startDemo(workDir, ["--demo"], {
          NODE_ENV: "production",
          TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
        });
        expect((await fetch(demo.url)).status).toBe(200);
        expect(await demo.stop()).toBe(0);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});

describe.skipIf(browserSkipReason)("npm start without a bot token: the demo in the browser", () => {
  let workDir: string;
  let demo: RunningDemo;
  let demoUrl: string;
  let telegramControl: string;
  let browser: Browser;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "bunqbot-demo-"));
    // No token, nothing but a port of its own.
    demo = await startDemo(workDir, []);
    ({ url: demoUrl, telegramControl } = demo);
    browser = await launchBrowser();
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    expect(await demo?.stop()).toBe(0);
    rmSync(workDir, { recursive: true, force: true });
  }, SLOW);

  const demoUser = async () => {
    const response = await fetch(`${demoUrl}/api/bank`);
    return (await response.json()) as { accounts: DemoAccount[] };
  };

  /** Types a message into the chat the way a person does and sends it with Enter. */
  async function say(page: Page, text: string) {
    const box = page.locator("#composer-text");
    await box.fill(text);
    await box.press("Enter");
  }

  const chat = (page: Page) => page.locator("#messages");
  /** The newest message containing `text` (a string matches case-insensitively, a RegExp as written). */
  const botMessage = (page: Page, text: string | RegExp) =>
    chat(page).locator("li").filter({ hasText: text }).last();

  it(
    "connects, shows the seeded balances, pays between own accounts and pages transactions",
    async () => {
      expect(demoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/demo$/);
      const context = await browser.newContext({ viewport: SCREENS.desktop });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(demoUrl);

      await say(page, "/start");
      await expect.poll(() => chat(page).textContent(), { timeout: 20_000 }).toContain("/connect");

      await say(page, "/connect");
      const link = botMessage(page, "authorize this bot in bunq").getByRole("link", {
        name: "Open bunq to authorize",
      });
      await link.waitFor({ timeout: 20_000 });
      // The demo's callback is this machine's: no "open it on the computer that runs the bot" here.
      expect(await chat(page).textContent()).not.toContain("computer that runs this bot");
      const qr = chat(page).locator("img").last();
      await expect
        .poll(() => qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);

      // The link opens bunq's consent page in a new tab; approving lands on our confirmation page.
      const [consent] = await Promise.all([context.waitForEvent("page"), link.click()]);
      await consent.waitForLoadState();
      expect(await consent.locator("h1").textContent()).toBe("bunq sandbox: connect an app");
      await consent.locator('select[name="user_id"]').selectOption({ label: "Alice Sandbox" });
      await consent.getByRole("button", { name: "Approve" }).click();
      await consent.getByRole("button", { name: "Confirm" }).click();
      await expect
        .poll(() => consent.locator("h1").textContent(), { timeout: 20_000 })
        .toContain("Connected");
      await consent.close();
      await botMessage(page, "Connected: Alice Sandbox, 3 accounts").waitFor({ timeout: 20_000 });

      const before = (await demoUser()).accounts;
      expect(before.map((account) => account.description)).toEqual(["Main", "Savings", "Household"]);
      await say(page, "/balance");
      const balance = botMessage(page, "Total:");
      await balance.waitFor({ timeout: 20_000 });
      for (const account of before) {
        expect(await balance.textContent()).toContain(`${account.description}: ${euros(account.balance)}`);
      }

      await say(page, "/pay");
      await botMessage(page, "Pay from which account?").getByRole("button", { name: "Main · EUR" }).click();
      await botMessage(page, "Who gets the money?").getByRole("button", { name: "Savings · EUR" }).click();
      await botMessage(page, "How much (EUR)?").waitFor({ timeout: 20_000 });
      await say(page, "12,50");
      await botMessage(page, "Description for the payment?").waitFor({ timeout: 20_000 });
      await say(page, "Demo transfer");
      const summary = botMessage(page, "Demo transfer");
      await summary.getByRole("button", { name: "Confirm" }).click();
      await expect
        .poll(async () => (await demoUser()).accounts.map((account) => account.balance), { timeout: 20_000 })
        .toEqual([
          (BigInt(before[0]!.balance.replace(".", "")) - 1250n).toString().replace(/(\d\d)$/, ".$1"),
          (BigInt(before[1]!.balance.replace(".", "")) + 1250n).toString().replace(/(\d\d)$/, ".$1"),
          before[2]!.balance,
        ]);
      await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toContain("✔ Paid.");

      await say(page, "/transactions");
      await botMessage(page, /Which account\?/)
        .getByRole("button", { name: "Main · EUR" })
        .click();
      const listing = botMessage(page, "Demo transfer");
      await listing.getByRole("button", { name: "Older ›" }).waitFor({ timeout: 20_000 });
      const newest = await listing.textContent();
      await listing.getByRole("button", { name: "Older ›" }).click();
      // The same message turns into the older page: the first shop paid in the seeded history.
      await expect
        .poll(() => chat(page).textContent(), { timeout: 20_000 })
        .toContain("Payment to Albert Heijn");
      expect(newest).not.toContain("Payment to Albert Heijn");

      const shots = process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs") : join(workDir, "shots");
      mkdirSync(shots, { recursive: true });
      for (const [name, size] of Object.entries(SCREENS)) {
        await page.setViewportSize(size);
        const file = join(shots, `demo-${name}.png`);
        await page.screenshot({ path: file });
        const png = readFileSync(file);
        expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
        expect(png.length).toBeGreaterThan(10_000);
      }

      expect(problems).toEqual([]);
      const refused = (await (await fetch(`${telegramControl}/rejected-calls`)).json()) as unknown[];
      expect(refused).toEqual([]);
      await context.close();
    },
    SLOW,
  );
});
