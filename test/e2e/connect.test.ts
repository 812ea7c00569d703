/**
 * Acceptance of issue 5 (/connect) end to end, in both delivery modes: the real app process,
 * `npm run setup` against the bunq emulator, a Telegram user in the Telegram emulator, and
 * Chromium clicking through bunq's consent page and our confirmation page.
 */
import { notificationsLine } from "../../src/bot/messages/connect.js";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { binding } from "../../src/db/encrypted-columns.js";
import { auditLog, bunqConnections, oauthStates, telegramChats } from "../../src/db/schema.js";
import type { SimUser, TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import { decodeQr } from "../helpers/qr.js";
import { browserSkipReason, launchBrowser } from "./browser.js";
import { startStack, type Delivery, type Stack } from "./stack.js";

/** Start-up runs setup and the app under tsx; a restart or a PGlite check costs a few seconds. */
const SLOW = 120_000;

let browser: Browser | undefined;
beforeAll(async () => {
  if (!browserSkipReason) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each<Delivery>(["polling", "webhook"])("/connect end to end, %s delivery", (delivery) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ delivery });
  }, SLOW);
  afterAll(async () => {
    await stack?.close();
  }, SLOW);
  afterEach(async ({ task }) => {
    // The app's own log is the first thing to read when an end-to-end test fails.
    if (task.result?.state === "fail") console.error(stack.output());
    await stack.expectClean();
  });

  // Every test has its own Telegram users (and so its own private chats) on the shared stack.
  let lastUserId = delivery === "polling" ? 510_000 : 520_000;
  const newUser = (firstName: string, username: string): Promise<SimUser> =>
    stack.control.createUser({ id: ++lastUserId, first_name: firstName, username });

  const botMessages = async (chatId: number): Promise<TranscriptMessage[]> =>
    (await stack.control.transcript(chatId)).messages.filter((m) => m.sender === "bot");

  /** /start, then /connect; returns the authorize URL of the button, checked against the QR. */
  async function requestLink(user: SimUser): Promise<string> {
    await stack.control.sendMessage(user.id, "/start");
    await stack.control.waitForBotMessages(user.id, 1);
    await stack.control.sendMessage(user.id, "/connect");
    const { messages } = await stack.control.waitForBotMessages(user.id, 3);
    const [text, photo] = messages.filter((m) => m.sender === "bot").slice(-2);
    const button = text?.buttons[0]?.[0];
    expect(text?.text).toContain("authorize this bot in bunq");
    expect(typeof button?.url).toBe("string");
    const url = String(button?.url);
    expect(url.startsWith(`${stack.bunq.urls.oauthAuthorize}?`)).toBe(true);
    expect(new URL(url).searchParams.get("redirect_uri")).toBe(stack.callbackUrl);
    expect(photo?.photo).toBeDefined();
    expect(decodeQr(Buffer.from(photo!.photo!.base64, "base64"))).toBe(url);
    return url;
  }

  /** On bunq's consent page: picks the sandbox user, presses Approve or Deny, lands on our callback. */
  async function decideOnConsentPage(page: Page, url: string, userId: number, decision: "Approve" | "Deny") {
    await page.goto(url);
    expect(await page.locator("h1").textContent()).toBe("bunq sandbox: connect an app");
    await page.locator('select[name="user_id"]').selectOption(String(userId));
    const [response] = await Promise.all([
      page.waitForResponse((response) => response.url().startsWith(`${stack.callbackUrl}?`)),
      page.getByRole("button", { name: decision }).click(),
    ]);
    await page.waitForLoadState();
    return { status: response.status(), callbackPageUrl: response.url() };
  }

  async function heading(page: Page): Promise<string | null> {
    return page.locator("h1").textContent();
  }

  describe.skipIf(browserSkipReason !== undefined)("in Chromium", () => {
    it(
      "connects: consent, our page names the Telegram account, Confirm; the token is stored encrypted",
      async () => {
        const user = await newUser("Alice", `alice_${delivery}`);
        const sandbox = await stack.createSandboxUser({
          display_name: `Alice Sandbox ${delivery}`,
          accounts: [{ type: "bank" }, { type: "savings" }],
        });
        const url = await requestLink(user);
        const context = await browser!.newContext();
        try {
          const page = await context.newPage();
          const consent = await decideOnConsentPage(page, url, sandbox.user_id, "Approve");
          expect(consent.status).toBe(200);
          expect(await heading(page)).toBe("Confirm connection");
          const confirmation = await page.locator("body").innerText();
          expect(confirmation).toContain(`Alice @alice_${delivery}`);
          expect(confirmation).toContain(`Alice Sandbox ${delivery}`);
          expect(confirmation).toContain("2 accounts");

          await page.getByRole("button", { name: "Confirm" }).click();
          await page.waitForLoadState();
          expect(await heading(page)).toBe("Connected");
          const { messages } = await stack.control.waitForBotMessages(user.id, 4);
          expect(messages.at(-1)?.text).toBe(
            `Connected: Alice Sandbox ${delivery}, 2 accounts\n\n${notificationsLine("on")}`,
          );

          // The same callback URL again (state and code already used): a clear page, nothing new.
          const again = await page.goto(consent.callbackPageUrl);
          expect(again?.status()).toBe(400);
          expect(await heading(page)).toBe("Link not valid");
          expect(await page.locator("body").innerText()).toContain("Send /connect in Telegram");
        } finally {
          await context.close();
        }
        expect(await botMessages(user.id)).toHaveLength(4);

        const stored = await stack.withDatabase(async (db) => ({
          connections: await db.select().from(bunqConnections).where(eq(bunqConnections.chatId, user.id)),
          states: await db.select().from(oauthStates).where(eq(oauthStates.chatId, user.id)),
          audit: await db
            .select()
            .from(auditLog)
            .where(eq(auditLog.subject, stack.audit.pseudonym(user.id))),
        }));
        expect(stored.connections).toHaveLength(1);
        const [connection] = stored.connections;
        expect(connection).toMatchObject({
          environment: "sandbox",
          status: "active",
          displayName: `Alice Sandbox ${delivery}`,
          bunqUserId: sandbox.user_id,
        });
        // An envelope under the app's key; opening it gives the real token, which is not in it.
        const envelope = connection!.accessTokenEncrypted!;
        expect(envelope).toMatch(/^v1\.e2e\./);
        const accessToken = stack.keyring.decrypt(
          envelope,
          binding("bunqConnections", user.id, "access_token"),
        );
        expect(accessToken.length).toBeGreaterThanOrEqual(32);
        expect(envelope).not.toContain(accessToken);
        expect(stored.states).toEqual([]);
        expect(stored.audit).toHaveLength(1);

        // The connection survives a restart of the app.
        await stack.restart();
        await stack.control.sendMessage(user.id, "/connect");
        const after = await stack.control.waitForBotMessages(user.id, 5);
        expect(after.messages.at(-1)?.text).toContain(`already connected to Alice Sandbox ${delivery}`);
      },
      SLOW,
    );

    it(
      "denying consent: our page says so, the chat says cancelled, a reused link is refused, nothing stored",
      async () => {
        const user = await newUser("Dana", `dana_${delivery}`);
        const sandbox = await stack.createSandboxUser({ display_name: `Dana Sandbox ${delivery}` });
        const url = await requestLink(user);
        const context = await browser!.newContext();
        try {
          const page = await context.newPage();
          const consent = await decideOnConsentPage(page, url, sandbox.user_id, "Deny");
          expect(consent.status).toBe(400);
          expect(await heading(page)).toBe("Not connected");
          expect(await page.locator("body").innerText()).toContain("You did not give access");
          const { messages } = await stack.control.waitForBotMessages(user.id, 4);
          expect(messages.at(-1)?.text).toBe("Connecting bunq was cancelled. Nothing was stored.");

          const again = await page.goto(consent.callbackPageUrl);
          expect(again?.status()).toBe(400);
          expect(await heading(page)).toBe("Link not valid");
        } finally {
          await context.close();
        }
        expect(await botMessages(user.id)).toHaveLength(4);

        const stored = await stack.withDatabase(async (db) => ({
          connections: await db.select().from(bunqConnections).where(eq(bunqConnections.chatId, user.id)),
          states: await db.select().from(oauthStates).where(eq(oauthStates.chatId, user.id)),
          audit: await db
            .select()
            .from(auditLog)
            .where(eq(auditLog.subject, stack.audit.pseudonym(user.id))),
        }));
        expect(stored).toEqual({ connections: [], states: [], audit: [] });
      },
      SLOW,
    );
  });

  it(
    "a wrong code, an expired link and a confirmation never given each end clearly with nothing stored",
    async () => {
      const sandbox = await stack.createSandboxUser({ display_name: `Nobody ${delivery}` });
      const approve = async (url: string) => {
        const link = new URL(url);
        const { location } = await stack.bunqControl<{ location: string }>("POST", "/oauth/authorize", {
          client_id: link.searchParams.get("client_id"),
          redirect_uri: link.searchParams.get("redirect_uri"),
          state: link.searchParams.get("state"),
          user_id: sandbox.user_id,
        });
        return location;
      };
      const expireStates = (chatId: number) =>
        stack.withDatabase((db) =>
          db
            .update(oauthStates)
            .set({ expiresAt: new Date(Date.now() - 1000) })
            .where(eq(oauthStates.chatId, chatId)),
        );
      const lastBotText = async (chatId: number, count: number) =>
        (await stack.control.waitForBotMessages(chatId, count)).messages.at(-1)?.text;

      // A code bunq does not know.
      const wrong = await newUser("Walt", `walt_${delivery}`);
      const wrongUrl = new URL(await requestLink(wrong));
      const wrongPage = await fetch(
        `${stack.callbackUrl}?${new URLSearchParams({ state: wrongUrl.searchParams.get("state")!, code: "not-a-code" }).toString()}`,
      );
      expect(wrongPage.status).toBe(400);
      expect(await lastBotText(wrong.id, 4)).toBe(
        "bunq did not accept the authorization. Please send /connect again.",
      );

      // Consent given after the link's 10 minutes.
      const late = await newUser("Lara", `lara_${delivery}`);
      const lateUrl = await requestLink(late);
      await expireStates(late.id);
      expect((await fetch(await approve(lateUrl))).status).toBe(400);
      expect(await lastBotText(late.id, 4)).toBe("That /connect link expired. Send /connect for a new one.");

      // Consent given, but Confirm pressed after another 10 minutes.
      const idle = await newUser("Ivo", `ivo_${delivery}`);
      const idleUrl = await requestLink(idle);
      const confirmPage = await fetch(await approve(idleUrl));
      expect(confirmPage.status).toBe(200);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await confirmPage.text())?.[1];
      await expireStates(idle.id);
      const confirmed = await fetch(`${stack.baseUrl}/oauth/confirm`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          state: new URL(idleUrl).searchParams.get("state")!,
          csrf: csrf!,
        }).toString(),
      });
      expect(confirmed.status).toBe(400);
      expect(await lastBotText(idle.id, 4)).toBe(
        "The confirmation was not given in time. Send /connect to try again.",
      );

      const stored = await stack.withDatabase(async (db) => ({
        connections: await db.select().from(bunqConnections),
        states: await db.select().from(oauthStates),
      }));
      for (const chatId of [wrong.id, late.id, idle.id]) {
        expect(stored.connections.filter((c) => c.chatId === chatId)).toEqual([]);
        expect(stored.states.filter((st) => st.chatId === chatId)).toEqual([]);
      }
    },
    SLOW,
  );

  it(
    "/connect in a group is refused with an explanation and stores nothing",
    async () => {
      const user = await newUser("Gus", `gus_${delivery}`);
      const group = await stack.control.createGroup(`Friends ${delivery}`, [user.id]);
      await stack.control.sendMessage(user.id, "/connect", { chatId: group.id });
      const { messages } = await stack.control.waitForBotMessages(group.id, 1);
      expect(messages.at(-1)?.text).toContain("private chat");
      expect(messages.at(-1)?.buttons).toEqual([]);

      const stored = await stack.withDatabase(async (db) => ({
        chats: await db.select().from(telegramChats).where(eq(telegramChats.chatId, group.id)),
        states: await db.select().from(oauthStates).where(eq(oauthStates.telegramUserId, user.id)),
        connections: await db.select().from(bunqConnections).where(eq(bunqConnections.chatId, group.id)),
      }));
      expect(stored).toEqual({ chats: [], states: [], connections: [] });
    },
    SLOW,
  );

  // Only registered for the webhook stack, so "skipped" in the summary always means "no Chromium".
  if (delivery === "webhook")
    describe("webhook", () => {
      it("refuses a post without the right secret token with 401, and nothing reaches the chat", async () => {
        const { webhook } = await stack.control.webhook();
        expect(webhook?.url).toBe(`${stack.baseUrl}/telegram/webhook`);
        const user = await newUser("Eve", "eve_webhook");
        const forged = {
          update_id: 987_654_321,
          message: {
            message_id: 1,
            date: Math.floor(Date.now() / 1000),
            chat: { id: user.id, type: "private", first_name: user.first_name },
            from: { id: user.id, is_bot: false, first_name: user.first_name },
            text: "/help",
            entities: [{ type: "bot_command", offset: 0, length: 5 }],
          },
        };
        for (const secret of [undefined, "not-the-secret", `${webhook?.secret_token}x`]) {
          const response = await fetch(webhook!.url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
            },
            body: JSON.stringify(forged),
          });
          expect(response.status).toBe(401);
        }
        // A real message afterwards is answered; it is the only answer the chat ever got.
        await stack.control.sendMessage(user.id, "/start");
        await stack.control.waitForBotMessages(user.id, 1);
        const replies = await botMessages(user.id);
        expect(replies).toHaveLength(1);
        expect(replies[0]?.text).toContain("/connect");
      });

      it("answers an update delivered twice only once", async () => {
        const user = await newUser("Carol", "carol_webhook");
        const sent = await stack.control.sendMessage(user.id, "/help");
        await stack.control.waitForBotMessages(user.id, 1);
        await stack.control.redeliverUpdate(sent.update_id!);
        // Updates of one chat arrive in order, so the /start reply proves the redelivery was handled.
        await stack.control.sendMessage(user.id, "/start");
        await stack.control.waitForBotMessages(user.id, 2);
        const replies = (await botMessages(user.id)).map((m) => m.text);
        expect(replies).toHaveLength(2);
        expect(replies[1]).toContain("/connect");
        const deliveries = (await stack.control.webhook()).deliveries.filter(
          (d) => d.update_id === sent.update_id,
        );
        expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
      });
    });
});
