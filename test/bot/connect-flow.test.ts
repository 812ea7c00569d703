/**
 * /start, /help and the whole /connect flow through real HTTP: the bot polls the Telegram
 * emulator, the user's browser is `fetch`, bunq is a fake OAuth port.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, bunqConnections, oauthStates, telegramChats } from "../../src/db/schema.js";
import { hashToken } from "../../src/services/connect/state-token.js";
import { testBackends } from "../helpers/databases.js";
import { decodeQr } from "../helpers/qr.js";
import { ACCESS_TOKEN, GOOD_CODE, startRunning, type Running } from "./harness.js";

describe.each(testBackends)("bot and /connect on $name", (backend) => {
  let r: Running;
  beforeEach(async () => {
    r = await startRunning(backend, "polling");
  });
  afterEach(async () => {
    expect(await r.control.rejectedCalls()).toEqual([]);
    await r.stop();
  });

  const alice = () => r.control.createUser({ id: 1001, first_name: "Alice", username: "alice" });

  /** Sends /connect and returns the authorize URL from the button (after checking the QR matches). */
  async function connectLink(userId: number, seen: number): Promise<string> {
    await r.control.sendMessage(userId, "/connect");
    const { messages } = await r.control.waitForBotMessages(userId, seen + 2);
    const [text, photo] = messages.filter((m) => m.sender === "bot").slice(-2);
    const url = String(text?.buttons?.[0]?.[0]?.url);
    expect(text?.text).toContain("valid for 10 minutes");
    expect(photo?.photo).toBeDefined();
    expect(decodeQr(Buffer.from(photo!.photo!.base64, "base64"))).toBe(url);
    return url;
  }

  const stateOf = (url: string) => new URL(url).searchParams.get("state")!;
  const callback = (query: Record<string, string>) =>
    fetch(`${r.baseUrl}/oauth/callback?${new URLSearchParams(query).toString()}`);
  const confirm = (state: string, csrf: string) =>
    fetch(`${r.baseUrl}/oauth/confirm`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state, csrf }).toString(),
    });
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const storedConnections = () => r.database.db.select().from(bunqConnections);

  it("answers /start and /help", async () => {
    const user = await alice();
    await r.control.sendMessage(user.id, "/start");
    await r.control.sendMessage(user.id, "/help");
    const { messages } = await r.control.waitForBotMessages(user.id, 2);
    const bot = messages.filter((m) => m.sender === "bot").map((m) => m.text);
    expect(bot[0]).toContain("/connect");
    expect(bot[1]).toContain("/cancel");
    // This harness has no public URL: bunq could not reach the bot, and /help says so.
    expect(bot[1]).toContain("/notifications — messages when money moves");
    expect(bot[1]).toContain("Notifications need a public URL");
  });

  it("/connect sends a URL button and a QR of the same link, storing only the state's hash", async () => {
    const user = await alice();
    const url = await connectLink(user.id, 0);
    const state = stateOf(url);
    expect(Buffer.from(state, "base64url").length).toBeGreaterThanOrEqual(32);
    const rows = await r.database.db.select().from(oauthStates);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stateHash: hashToken(state), chatId: user.id, telegramUserId: user.id });
    expect(JSON.stringify(rows)).not.toContain(state);
    expect(rows[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it("a second /connect invalidates the first link", async () => {
    const user = await alice();
    const first = stateOf(await connectLink(user.id, 0));
    await connectLink(user.id, 2);
    const response = await callback({ state: first, code: GOOD_CODE });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("not valid");
    expect(await r.database.db.select().from(oauthStates)).toHaveLength(1);
  });

  it("/connect in a group gets an explanation and stores nothing", async () => {
    const user = await alice();
    const group = await r.control.createGroup("Friends", [user.id]);
    await r.control.sendMessage(user.id, "/connect", { chatId: group.id });
    const { messages } = await r.control.waitForBotMessages(group.id, 1);
    expect(messages.at(-1)?.text).toContain("private chat");
    expect(await r.database.db.select().from(oauthStates)).toEqual([]);
    expect(await r.database.db.select().from(telegramChats)).toEqual([]);
  });

  it("callback, confirmation page naming the user, confirm: stored encrypted and the chat is told", async () => {
    const user = await alice();
    const state = stateOf(await connectLink(user.id, 0));
    const page = await callback({ state, code: GOOD_CODE });
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain("Alice @alice");
    expect(await storedConnections()).toEqual([]);

    const done = await confirm(state, csrfOf(html));
    expect(done.status).toBe(200);
    const [row] = await storedConnections();
    expect(row).toMatchObject({
      chatId: user.id,
      displayName: "Alice Bunq",
      bunqUserId: 4242,
      status: "active",
    });
    expect(row!.accessTokenEncrypted).not.toContain(ACCESS_TOKEN);
    const audit = await r.database.db.select().from(auditLog);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(String(user.id));
    expect(JSON.stringify(audit)).not.toContain(ACCESS_TOKEN);
    expect(await r.database.db.select().from(oauthStates)).toEqual([]);

    const { messages } = await r.control.waitForBotMessages(user.id, 3);
    expect(messages.at(-1)?.text).toBe("Connected: Alice Bunq, 2 accounts");
    const menu = await r.control.chatCommands(user.id);
    expect(menu.commands.find((c) => c.command === "connect")?.description).toContain("Reconnect");

    // Connected chats are told so and offered a reconnect.
    await r.control.sendMessage(user.id, "/connect");
    const after = await r.control.waitForBotMessages(user.id, 4);
    expect(after.messages.at(-1)).toMatchObject({ text: expect.stringContaining("already connected") });
    const offer = after.messages.at(-1)!;
    expect(offer.buttons?.[0]?.[0]?.text).toBe("Reconnect");

    // Reconnecting replaces the connection: still one row, a second audit entry.
    await r.control.pressButton(user.id, user.id, offer.message_id, { text: "Reconnect" });
    const relinked = await r.control.waitForBotMessages(user.id, 6);
    const again = stateOf(String(relinked.messages.at(-2)?.buttons?.[0]?.[0]?.url));
    const againHtml = await (await callback({ state: again, code: GOOD_CODE })).text();
    expect((await confirm(again, csrfOf(againHtml))).status).toBe(200);
    await r.control.waitForBotMessages(user.id, 7);
    const rows = await storedConnections();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.accessTokenEncrypted).not.toBe(row!.accessTokenEncrypted);
    expect(await r.database.db.select().from(auditLog)).toHaveLength(2);
  });

  it("a reused state, a wrong CSRF token, a denied consent or a bad code store nothing", async () => {
    const user = await alice();
    const state = stateOf(await connectLink(user.id, 0));
    const html = await (await callback({ state, code: GOOD_CODE })).text();
    const reused = await callback({ state, code: GOOD_CODE });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain("already used");
    const forged = await confirm(state, "not-the-token");
    expect(forged.status).toBe(400);
    expect(csrfOf(html)).not.toBe("");
    expect(await storedConnections()).toEqual([]);

    const denied = stateOf(await connectLink(user.id, 2));
    const deniedPage = await callback({ state: denied, error: "access_denied" });
    expect(await deniedPage.text()).toContain("did not give access");
    await r.control.waitForBotMessages(user.id, 5);

    const bad = stateOf(await connectLink(user.id, 5));
    const badPage = await callback({ state: bad, code: "wrong" });
    expect(await badPage.text()).toContain("did not accept");
    const { messages } = await r.control.waitForBotMessages(user.id, 8);
    expect(messages.at(-1)?.text).toContain("/connect again");
    expect(await storedConnections()).toEqual([]);
    expect(await r.database.db.select().from(auditLog)).toEqual([]);
  });

  it("an expired link or a confirmation after 10 minutes stores nothing and tells the chat", async () => {
    const user = await alice();
    const state = stateOf(await connectLink(user.id, 0));
    r.advance(10 * 60_000 + 1);
    const expired = await callback({ state, code: GOOD_CODE });
    expect(await expired.text()).toContain("expired");
    await r.control.waitForBotMessages(user.id, 3);

    const late = stateOf(await connectLink(user.id, 3));
    const html = await (await callback({ state: late, code: GOOD_CODE })).text();
    r.advance(10 * 60_000 + 1);
    const tooLate = await confirm(late, csrfOf(html));
    expect(tooLate.status).toBe(400);
    const { messages } = await r.control.waitForBotMessages(user.id, 6);
    expect(messages.at(-1)?.text).toContain("not given in time");
    expect(await storedConnections()).toEqual([]);
  });
});
