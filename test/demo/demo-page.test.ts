/**
 * The demo page (/demo) in Chromium against both emulators: a person chats with a bot (played here
 * through the Bot API) and plays the bunq app in the side panel. Over plain HTTP: the demo's own
 * Content-Security-Policy, the refusals of bad input, and what the chat route leaves out.
 */
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import type { Browser, Page } from "playwright-core";
import QRCode from "qrcode";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { demoRoutes, type DemoRoutesOptions } from "../../src/demo/routes.js";
import { startBunqEmulator, type BunqEmulator } from "../../src/emulator/bunq/index.js";
import { securityHeaders } from "../../src/server/security-headers.js";
import { browserSkipReason, launchBrowser } from "../e2e/browser.js";
import { RawBunq } from "../emulator/bunq/raw-client.js";
import { startHarness, type Harness } from "../emulator/telegram/helpers.js";

const DEMO_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const BROWSER_USER = 700_001;
const HTTP_USER = 700_002;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let telegram: Harness;
let bunq: BunqEmulator;

beforeAll(async () => {
  [telegram, bunq] = await Promise.all([startHarness({ timeScale: 1 }), startBunqEmulator({ seed: true })]);
  await telegram.control.createUser({ id: BROWSER_USER, first_name: "Dana" });
  await telegram.control.createUser({ id: HTTP_USER, first_name: "Hugo" });
});
afterAll(async () => {
  await Promise.all([telegram?.close(), bunq?.close()]);
});

/** The page polls the chat every 0.7 s and the bank every 2 s. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });

const alice = () => bunq.seedUsers[0]!;
const bob = () => bunq.seedUsers[1]!;
const accountOf = (type: string) => alice().accounts.find((account) => account.type === type)!;

/** The demo router behind the app-wide security headers, as the app mounts it. */
async function serveDemo(overrides: Partial<DemoRoutesOptions> = {}) {
  const app = express();
  app.use(securityHeaders);
  app.use(
    demoRoutes({
      telegramControl: telegram.emulator.control,
      bunqControl: bunq.urls.control,
      telegramUserId: BROWSER_USER,
      bunqUserId: alice().user_id,
      ...overrides,
    }),
  );
  const server: Server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface BunqUserState {
  accounts: { id: number; balance: string; payments: number }[];
  draft_payments: { id: number; status: string }[];
  request_inquiries: { id: number; status: string }[];
}

/** What bunq holds for Alice, straight from the emulator. */
async function aliceAtBunq(): Promise<BunqUserState> {
  const response = await fetch(`${bunq.urls.control}/users/${alice().user_id}`);
  return (await response.json()) as BunqUserState;
}
const balanceAtBunq = async (accountId: number) =>
  (await aliceAtBunq()).accounts.find((account) => account.id === accountId)?.balance;

let updateOffset = 0;
/** The next update about `userId` the bot receives, long-polling as a bot does. */
async function nextUpdate(userId: number): Promise<any> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const updates = await telegram.callOk<any[]>("getUpdates", { offset: updateOffset, timeout: 2 });
    for (const update of updates) {
      updateOffset = update.update_id + 1;
      const from = update.message?.from?.id ?? update.callback_query?.from?.id;
      if (from === userId) return update;
    }
  }
  throw new Error(`no update from ${userId} within 10 s`);
}

const sendPhoto = async (chatId: number, caption: string) => {
  const form = new FormData();
  form.set("chat_id", String(chatId));
  form.set("caption", caption);
  form.set("parse_mode", "HTML");
  const png = await QRCode.toBuffer("https://bunq.example/connect", { width: 240 });
  form.set("photo", new Blob([new Uint8Array(png)], { type: "image/png" }), "qr.png");
  const response = await fetch(`${telegram.emulator.apiRoot}/bot${telegram.emulator.token}/sendPhoto`, {
    method: "POST",
    body: form,
  });
  expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
  return png;
};

// One page and one chat for the whole block: each test goes on from where the one before left off.
describe.skipIf(browserSkipReason !== undefined)("the demo page in Chromium", () => {
  let demo: Awaited<ReturnType<typeof serveDemo>>;
  let browser: Browser;
  let page: Page;
  /** Console errors, uncaught exceptions and CSP violations: every test ends with none. */
  const problems: string[] = [];

  beforeAll(async () => {
    demo = await serveDemo();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    page.setDefaultTimeout(5_000);
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    await page.addInitScript(`document.addEventListener("securitypolicyviolation", (event) =>
      console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI));`);
    await page.goto(`${demo.base}/demo`);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });
  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  const botMessage = (hasText: string) => page.locator("li.message--bot", { hasText });
  const accountRow = (accountId: number) => page.locator(`#accounts li[data-account-id="${accountId}"]`);
  const activeElementId = () => page.evaluate<string>("document.activeElement?.id ?? ''");

  async function botSends(text: string, extra: Record<string, unknown> = {}): Promise<number> {
    const sent = await telegram.callOk<{ message_id: number }>("sendMessage", {
      chat_id: BROWSER_USER,
      text,
      ...extra,
    });
    return sent.message_id;
  }

  it("opens on an empty chat with a Start button that sends /start, beside Alice's accounts", async () => {
    expect(await page.locator("h1").textContent()).toBe("bunqbot demo");
    await page.locator("#empty-chat").waitFor();
    expect(await page.locator("#empty-chat").textContent()).toContain("send /start");

    // Seeded: Main 1250.00, a month of everyday payments (+1008.33) and 15.00 from Bob.
    const atBunq = await aliceAtBunq();
    expect(atBunq.accounts.map((account) => account.balance)).toEqual(["2273.33", "5000.00", "300.00"]);
    await eventually(() => page.locator("#accounts > li").count()).toBe(3);
    const rows = await page.locator("#accounts > li").allInnerTexts();
    expect(rows[0]).toMatch(/Main\s+€2,273\.33\s+Bank account · NL\d\dBUNQ\d{10}/);
    expect(rows[1]).toMatch(/Savings\s+€5,000\.00\s+Savings account · /);
    expect(rows[2]).toMatch(/Household\s+€300\.00\s+Joint account · /);
    expect(rows[0]).toContain(alice().accounts[0]!.iban);

    await page.getByRole("button", { name: "Start" }).click();
    expect((await nextUpdate(BROWSER_USER)).message.text).toBe("/start");
    await page.locator("li.message--user", { hasText: "/start" }).waitFor();
    expect(await page.locator("#empty-chat").isHidden()).toBe(true);
  });

  it("sends a typed message to the bot and shows it on the right", async () => {
    await page.getByLabel("Message", { exact: true }).fill("Hello bot");
    await page.getByRole("button", { name: "Send" }).click();
    expect((await nextUpdate(BROWSER_USER)).message.text).toBe("Hello bot");
    await page.locator("li.message--user", { hasText: "Hello bot" }).waitFor();
    expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe("");
  });

  it("shows the bot's HTML message with its formatting and buttons; a callback button reaches the bot", async () => {
    // The emoji is two UTF-16 code units: offsets after it must still land on the right words.
    const html =
      '💶 <b>Balance</b>: <i>€1,135.00</i> at <a href="https://bunq.com/en/">bunq</a>\n' +
      "IBAN <code>NL12BUNQ0123456789</code>, <s>old</s> <u>new</u> <tg-spoiler>secret</tg-spoiler>\n" +
      '<blockquote>quoted</blockquote><blockquote expandable>one\ntwo\nthree\nfour</blockquote><pre><code class="language-ts">const x = 1;</code></pre>';
    const messageId = await botSends(html, {
      parse_mode: "HTML",
      reply_markup: {
        inline_keyboard: [
          [
            { text: "Refresh", callback_data: "refresh" },
            { text: "Details", callback_data: "details:1" },
          ],
          [],
          [{ text: "Open bunq", url: "https://bunq.com/" }],
        ],
      },
    });
    const message = botMessage("Balance");
    await message.waitFor();
    const { messages: sent } = await telegram.control.transcript(BROWSER_USER);
    expect(await message.locator(".text").textContent()).toBe(sent.at(-1)?.text);

    expect(await message.locator("b").textContent()).toBe("Balance");
    expect(await message.locator("i").textContent()).toBe("€1,135.00");
    expect(await message.locator("code").first().textContent()).toBe("NL12BUNQ0123456789");
    expect(await message.locator("s").textContent()).toBe("old");
    expect(await message.locator("u").textContent()).toBe("new");
    expect(await message.locator("blockquote").first().textContent()).toBe("quoted");
    expect(await message.locator("pre code").textContent()).toBe("const x = 1;");
    const link = message.locator(".text a", { hasText: "bunq" });
    expect(await link.getAttribute("href")).toBe("https://bunq.com/en/");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    const spoiler = message.locator(".spoiler");
    expect(await spoiler.textContent()).toBe("secret");
    expect(await spoiler.getAttribute("aria-expanded")).toBe("false");
    await spoiler.click();
    expect(await spoiler.getAttribute("aria-expanded")).toBe("true");
    const longQuote = message.locator("blockquote.expandable");
    expect(await longQuote.textContent()).toBe("one\ntwo\nthree\nfour");
    const collapsedHeight = (await longQuote.boundingBox())!.height;
    await longQuote.click();
    expect(await longQuote.getAttribute("aria-expanded")).toBe("true");
    expect((await longQuote.boundingBox())!.height).toBeGreaterThan(collapsedHeight);

    // Rows kept, the empty one not drawn; a url button is a link to a new tab.
    const rows = message.locator(".keyboard-row");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator("button").allTextContents()).toEqual(["Refresh", "Details"]);
    const urlButton = rows.nth(1).getByRole("link", { name: /Open bunq/ });
    expect(await urlButton.getAttribute("href")).toBe("https://bunq.com/");
    expect(await urlButton.getAttribute("target")).toBe("_blank");

    // The bot's bubble on the left, the user's on the right.
    const list = (await page.locator("#messages").boundingBox())!;
    const botBubble = (await message.locator(".bubble").boundingBox())!;
    const userBubble = (await page.locator("li.message--user .bubble").last().boundingBox())!;
    expect(botBubble.x - list.x).toBeLessThan(30);
    expect(list.x + list.width - (userBubble.x + userBubble.width)).toBeLessThan(30);
    expect(userBubble.x).toBeGreaterThan(botBubble.x + 50);

    await message.getByRole("button", { name: "Details" }).click();
    const press = (await nextUpdate(BROWSER_USER)).callback_query;
    expect(press.data).toBe("details:1");
    expect(press.message.message_id).toBe(messageId);
  });

  it("keeps a failed press's error in view until the next action", async () => {
    await page.route("**/demo/api/press", (route) =>
      route.fulfill({ status: 409, contentType: "application/json", body: '{"error":"message not found"}' }),
    );
    await botMessage("Balance").getByRole("button", { name: "Refresh" }).click();
    const error = page.getByRole("alert").filter({ hasText: "message not found" });
    await error.waitFor();
    await page.waitForTimeout(1_500);
    expect(await error.isVisible()).toBe(true);
    await page.unroute("**/demo/api/press");
    // The browser reports the refused request itself; that one is expected here.
    const refused = problems.findIndex((problem) => problem.includes("status of 409"));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);

    await botMessage("Balance").getByRole("button", { name: "Refresh" }).click();
    expect((await nextUpdate(BROWSER_USER)).callback_query.data).toBe("refresh");
    await error.waitFor({ state: "hidden" });
  });

  it("links only web addresses, and sends a command in the bot's text when it is clicked", async () => {
    const text = "Ask /help, see example.com/docs or the app";
    const at = (part: string) => ({ offset: text.indexOf(part), length: part.length });
    await botSends(text, {
      entities: [
        { type: "bot_command", ...at("/help") },
        { type: "url", ...at("example.com/docs") },
        { type: "text_link", ...at("the app"), url: "tg://resolve?domain=bunq" },
      ],
    });
    const message = botMessage("Ask /help");
    await message.waitFor();
    expect(await message.getByRole("link").count()).toBe(1);
    expect(await message.getByRole("link").getAttribute("href")).toBe("https://example.com/docs");
    expect(await message.locator("span", { hasText: "the app" }).count()).toBe(1);

    await message.getByRole("button", { name: "/help" }).click();
    expect((await nextUpdate(BROWSER_USER)).message.text).toBe("/help");
  });

  it("shows edits and hides deleted messages; shows the bot typing", async () => {
    const edited = await botSends("First draft");
    const doomed = await botSends("Soon gone");
    await botMessage("Soon gone").waitFor();
    await telegram.callOk("editMessageText", {
      chat_id: BROWSER_USER,
      message_id: edited,
      text: "Final <b>text</b>",
      parse_mode: "HTML",
    });
    await telegram.callOk("deleteMessage", { chat_id: BROWSER_USER, message_id: doomed });
    const final = botMessage("Final text");
    await final.waitFor();
    expect(await final.locator("b").textContent()).toBe("text");
    expect(await final.locator(".meta").textContent()).toMatch(/^edited /);
    await botMessage("Soon gone").waitFor({ state: "detached" });
    expect(await botMessage("First draft").count()).toBe(0);

    // Message dates are whole seconds; typing must start after the last message's second.
    const { messages: sent } = await telegram.control.transcript(BROWSER_USER);
    const lastDate = Math.max(...sent.map((message) => message.date));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (lastDate + 1) * 1000 - Date.now())));
    await telegram.callOk("sendChatAction", { chat_id: BROWSER_USER, action: "typing" });
    await eventually(() => page.locator("#chat-status").textContent()).toBe("typing…");
    await botSends("Done typing");
    await eventually(() => page.locator("#chat-status").textContent()).not.toBe("typing…");
  });

  it("shows a photo from the bot as a loaded image with its formatted caption", async () => {
    await sendPhoto(BROWSER_USER, "<b>Scan</b> this code");
    const message = botMessage("Scan this code");
    await message.waitFor();
    const image = message.locator("img");
    expect(await image.getAttribute("src")).toMatch(/^\/demo\/api\/files\/[\w-]+$/);
    await eventually(() =>
      image.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth),
    ).toBeGreaterThan(0);
    expect(await message.locator("b").textContent()).toBe("Scan");
  });

  it("follows new messages at the bottom, but leaves a reader who scrolled up (and their focus) in place", async () => {
    const list = page.locator("#messages");
    const distanceFromBottom = () =>
      list.evaluate((ol: { scrollHeight: number; scrollTop: number; clientHeight: number }) =>
        Math.round(ol.scrollHeight - ol.scrollTop - ol.clientHeight),
      );
    await botSends("At the bottom");
    await botMessage("At the bottom").waitFor();
    await eventually(distanceFromBottom).toBeLessThanOrEqual(1);

    const details = botMessage("Balance").getByRole("button", { name: "Details" });
    await details.focus();
    await list.evaluate((ol: { scrollTop: number }) => (ol.scrollTop = 0));
    await botSends("While reading above");
    await botMessage("While reading above").waitFor();
    await page.waitForTimeout(1_500);
    expect(await list.evaluate((ol: { scrollTop: number }) => ol.scrollTop)).toBeLessThan(100);
    expect(await details.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);

    await list.evaluate(
      (ol: { scrollTop: number; scrollHeight: number }) => (ol.scrollTop = ol.scrollHeight),
    );
  });

  it("lists the bot's commands in the menu; choosing one sends it", async () => {
    await telegram.callOk("setMyCommands", {
      commands: [
        { command: "balance", description: "Show your balances" },
        { command: "connect", description: "Connect your bunq account" },
      ],
    });
    const menuButton = page.getByRole("button", { name: "Menu" });
    await menuButton.click();
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    const choices = page.locator("#command-list button");
    await eventually(() => choices.allInnerTexts()).toEqual([
      expect.stringMatching(/^\/balance\s+Show your balances$/),
      expect.stringMatching(/^\/connect\s+Connect your bunq account$/),
    ]);
    await choices.filter({ hasText: "/balance" }).click();
    expect((await nextUpdate(BROWSER_USER)).message.text).toBe("/balance");
    expect(await page.locator("#command-menu").isHidden()).toBe(true);
    await page.locator("li.message--user", { hasText: "/balance" }).waitFor();
  });

  it("money from a stranger raises the balance in the panel and at bunq", async () => {
    const savings = accountOf("savings");
    await page.getByLabel("To account").selectOption(String(savings.id));
    await page.getByLabel("Amount").fill("25.00");
    await page.getByRole("button", { name: "Receive" }).click();
    await eventually(() => accountRow(savings.id).locator(".account-balance").textContent()).toBe(
      "€5,025.00",
    );
    expect(await balanceAtBunq(savings.id)).toBe("5025.00");
    expect(await page.locator("#incoming-message").textContent()).toContain("25.00 arrived on Savings");
    expect(await page.getByLabel("Amount").inputValue()).toBe("");
  });

  it("refuses a bad amount with a message and moves no money", async () => {
    const savings = accountOf("savings");
    const paymentsBefore = (await aliceAtBunq()).accounts.find(
      (account) => account.id === savings.id,
    )!.payments;
    for (const bad of ["1.234", "abc", "0.00"]) {
      await page.getByLabel("Amount").fill(bad);
      expect(await page.locator("#incoming-message").textContent()).toBe("");
      await page.getByRole("button", { name: "Receive" }).click();
      await eventually(() => page.locator("#incoming-message").textContent()).toContain(
        "Enter an amount like 25.00",
      );
      expect(await page.getByLabel("Amount").getAttribute("aria-invalid")).toBe("true");
    }
    expect(await accountRow(savings.id).locator(".account-balance").textContent()).toBe("€5,025.00");
    const after = (await aliceAtBunq()).accounts.find((account) => account.id === savings.id)!;
    expect(after).toMatchObject({ balance: "5025.00", payments: paymentsBefore });
  });

  it("approves and rejects draft payments, pays and declines requests, as the bunq app would", async () => {
    const main = accountOf("bank");
    const api = new RawBunq(bunq.urls.api);
    await api.connect(alice().api_key);
    const create = async (path: string, body: unknown): Promise<number> => {
      const answer = await api.call("POST", `/user/${api.userId}/monetary-account/${main.id}/${path}`, {
        body,
        token: api.sessionToken,
        sign: true,
      });
      expect(answer.status, answer.body.toString()).toBe(200);
      return answer.json.Response[0].Id.id as number;
    };
    const draft = (value: string) => ({
      entries: [
        {
          amount: { value, currency: "EUR" },
          counterparty_alias: { type: "IBAN", value: "NL91ABNA0417164300", name: "Shop" },
          description: `draft ${value}`,
        },
      ],
      number_of_required_accepts: 1,
    });
    const request = (value: string) => ({
      amount_inquired: { value, currency: "EUR" },
      counterparty_alias: { type: "EMAIL", value: "friend@example.com", name: "Friend" },
      description: `request ${value}`,
      allow_bunqme: true,
    });
    const approved = await create("draft-payment", draft("10.00"));
    const rejected = await create("draft-payment", draft("20.00"));
    const paid = await create("request-inquiry", request("5.00"));
    const declined = await create("request-inquiry", request("7.00"));

    const drafts = page.locator("#drafts");
    const requests = page.locator("#requests");
    await eventually(() => drafts.locator("li").allInnerTexts()).toEqual([
      expect.stringContaining(`Draft payment #${approved}`),
      expect.stringContaining(`Draft payment #${rejected}`),
    ]);
    await eventually(() => requests.locator("li").count()).toBe(2);
    expect(await requests.getByRole("link", { name: /bunq\.me link/ }).count()).toBe(2);

    await drafts.getByRole("button", { name: `Approve: Draft payment #${approved}` }).click();
    await drafts.getByRole("button", { name: `Reject: Draft payment #${rejected}` }).click();
    await requests.getByRole("button", { name: `Pay: Request #${paid}` }).click();
    await requests.getByRole("button", { name: `Decline: Request #${declined}` }).click();

    await eventually(() => drafts.innerText()).toBe("Nothing waiting.");
    await eventually(() => requests.innerText()).toBe("Nothing waiting.");
    // 2273.33 − 10.00 (approved draft) + 5.00 (paid request)
    await eventually(() => accountRow(main.id).locator(".account-balance").textContent()).toBe("€2,268.33");
    expect(await balanceAtBunq(main.id)).toBe("2268.33");
    const atBunq = await aliceAtBunq();
    expect(atBunq.draft_payments).toEqual([
      { id: approved, status: "ACCEPTED" },
      { id: rejected, status: "REJECTED" },
    ]);
    expect(atBunq.request_inquiries).toEqual([
      expect.objectContaining({ id: paid, status: "ACCEPTED" }),
      expect.objectContaining({ id: declined, status: "REJECTED" }),
    ]);
  });

  it("can be used by keyboard: Tab reaches the message box with a visible focus, Enter sends", async () => {
    await page.reload();
    await botMessage("Balance").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe("Skip to the message box");
    expect(await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle")).not.toBe(
      "none",
    );
    expect((await page.locator(".skip-link").boundingBox())!.y).toBeGreaterThanOrEqual(0);

    // Past the message buttons, tab by tab.
    let presses = 1;
    while ((await activeElementId()) !== "composer-text" && presses < 40) {
      await page.keyboard.press("Tab");
      presses++;
    }
    expect(await activeElementId()).toBe("composer-text");
    expect(await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle")).not.toBe(
      "none",
    );
    await page.keyboard.type("typed by keyboard");
    await page.keyboard.press("Enter");
    expect((await nextUpdate(BROWSER_USER)).message.text).toBe("typed by keyboard");

    // The skip link leads straight there.
    await page.reload();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    expect(await activeElementId()).toBe("composer-text");
  });

  it("fits a phone (panel below the chat) and a desktop (panel beside it); screenshots are PNGs", async () => {
    const folder = await mkdtemp(join(tmpdir(), "bunqbot-demo-"));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    const layout = async () => ({
      chat: (await page.locator(".phone").boundingBox())!,
      bank: (await page.locator("#bank").boundingBox())!,
      pageWidth: await page.evaluate<number>("document.documentElement.scrollWidth"),
    });
    const screenshot = async (name: string) => {
      const png = await page.screenshot();
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.length).toBeGreaterThan(10_000);
      await writeFile(join(folder, name), png);
    };

    await page.setViewportSize(PHONE);
    const phone = await layout();
    expect(phone.pageWidth).toBeLessThanOrEqual(PHONE.width);
    expect(phone.chat.width).toBeLessThanOrEqual(PHONE.width);
    expect(phone.chat.y + phone.chat.height).toBeLessThanOrEqual(PHONE.height);
    expect(phone.bank.y).toBeGreaterThanOrEqual(phone.chat.y + phone.chat.height);
    expect(await page.getByRole("link", { name: /Your bunq/ }).isVisible()).toBe(true);
    await screenshot("phone.png");

    await page.setViewportSize(DESKTOP);
    const desktop = await layout();
    expect(desktop.pageWidth).toBeLessThanOrEqual(DESKTOP.width);
    expect(desktop.bank.x).toBeGreaterThanOrEqual(desktop.chat.x + desktop.chat.width);
    expect(desktop.bank.y).toBeLessThan(desktop.chat.y + 50);
    expect(desktop.chat.y + desktop.chat.height).toBeLessThanOrEqual(DESKTOP.height);
    await screenshot("desktop.png");
  });
});

describe("the demo routes over HTTP", () => {
  let demo: Awaited<ReturnType<typeof serveDemo>>;
  beforeAll(async () => {
    demo = await serveDemo({ telegramUserId: HTTP_USER });
  });
  afterAll(async () => {
    await demo?.close();
  });

  const post = (path: string, body: string, type = "application/json") =>
    fetch(`${demo.base}${path}`, { method: "POST", headers: { "content-type": type }, body });

  it("serves the page and its assets under the demo's own CSP, keeping the other security headers", async () => {
    for (const [path, type] of [
      ["/demo", "text/html"],
      ["/demo/assets/demo.js", "text/javascript"],
      ["/demo/assets/demo.css", "text/css"],
      ["/demo/api/bank", "application/json"],
    ] as const) {
      const response = await fetch(`${demo.base}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toMatch(new RegExp(`^${type}`));
      expect(response.headers.get("content-security-policy"), path).toBe(DEMO_CSP);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const html = await (await fetch(`${demo.base}/demo`)).text();
    expect(html).not.toMatch(/<style|style=|<script>|\son\w+=/i);
  });

  it("answers bad bodies and parameters with 400 and a short JSON error", async () => {
    const refusals: [string, string, string?][] = [
      ["/demo/api/messages", "{}"],
      ["/demo/api/messages", JSON.stringify({ text: "   " })],
      ["/demo/api/messages", JSON.stringify({ text: 5 })],
      ["/demo/api/messages", "not json"],
      // A cross-site form can only send these types: they never reach the emulator.
      ["/demo/api/messages", "text=hi", "application/x-www-form-urlencoded"],
      ["/demo/api/messages", JSON.stringify({ text: "hi" }), "text/plain"],
      ["/demo/api/press", JSON.stringify({ message_id: "1", callback_data: "x" })],
      ["/demo/api/press", JSON.stringify({ message_id: 1.5, callback_data: "x" })],
      ["/demo/api/press", JSON.stringify({ message_id: 1, callback_data: "é".repeat(33) })],
      ["/demo/api/bank/incoming-payment", JSON.stringify({ account_id: "x", amount: "1.00" })],
      ["/demo/api/bank/drafts/abc/accept", "{}"],
      ["/demo/api/bank/drafts/1/steal", "{}"],
      ["/demo/api/bank/payments/1/accept", "{}"],
      ["/demo/api/bank/drafts/1/accept", "", "application/x-www-form-urlencoded"],
    ];
    for (const amount of ["1.234", "abc", "-5.00", "0.00", "0", "1e3", "25,00", "", " 5", "0012.00"]) {
      refusals.push([
        "/demo/api/bank/incoming-payment",
        JSON.stringify({ account_id: accountOf("joint").id, amount }),
      ]);
    }
    refusals.push([
      "/demo/api/bank/incoming-payment",
      JSON.stringify({ account_id: accountOf("joint").id, amount: 25 }),
    ]);
    const before = await aliceAtBunq();
    for (const [path, body, type] of refusals) {
      const response = await post(path, body, type);
      expect(response.status, `${path} ${body}`).toBe(400);
      expect(await response.json(), `${path} ${body}`).toEqual({ error: expect.any(String) });
    }
    expect(await aliceAtBunq()).toEqual(before);
    const chat = (await (await fetch(`${demo.base}/demo/api/chat`)).json()) as { messages: unknown[] };
    expect(chat.messages).toEqual([]);

    const file = await fetch(`${demo.base}/demo/api/files/..%2F..%2Fusers`);
    expect(file.status).toBe(400);
    const tooLarge = await post("/demo/api/messages", JSON.stringify({ text: "x".repeat(17_000) }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ error: "Request body too large." });
  });

  it("moves money only into the demo user's accounts, and decides only their pending items", async () => {
    const intoBob = await post(
      "/demo/api/bank/incoming-payment",
      JSON.stringify({ account_id: bob().accounts[0]!.id, amount: "5.00" }),
    );
    expect(intoBob.status).toBe(404);
    expect(await intoBob.json()).toEqual({ error: "No such account." });
    const unknownDraft = await post("/demo/api/bank/drafts/999999/accept", "{}");
    expect(unknownDraft.status).toBe(404);

    const joint = accountOf("joint");
    expect(await balanceAtBunq(joint.id)).toBe("300.00");
    const ok = await post(
      "/demo/api/bank/incoming-payment",
      JSON.stringify({ account_id: joint.id, amount: "7.5" }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ balance: "307.50" });
    expect(await balanceAtBunq(joint.id)).toBe("307.50");
  });

  it("gives the page the chat without photo bytes or the bot token, photos through its own route", async () => {
    await telegram.control.sendMessage(HTTP_USER, "/start");
    const png = await sendPhoto(HTTP_USER, "QR");
    const chatResponse = await fetch(`${demo.base}/demo/api/chat`);
    const raw = await chatResponse.text();
    expect(raw).not.toContain(telegram.emulator.token);
    expect(raw).not.toContain(png.toString("base64").slice(0, 40));
    expect(raw).not.toContain(telegram.emulator.control);
    const chat = JSON.parse(raw);
    const photo = chat.messages.at(-1).photo;
    expect(photo.url).toMatch(/^\/demo\/api\/files\/[\w-]+$/);
    const file = await fetch(`${demo.base}${photo.url}`);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png);
  });

  it("says which emulator did not answer", async () => {
    const broken = await serveDemo({ bunqControl: "http://127.0.0.1:9/_emulator" });
    try {
      const response = await fetch(`${broken.base}/demo/api/bank`);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: "The bunq emulator did not answer." });
    } finally {
      await broken.close();
    }
  });
});
