import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import type { Update, WebhookInfo } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhookMaxAttempts: 4 });
});
afterAll(() => h.close());

let listener: Server | undefined;
afterEach(async () => {
  await h.call("deleteWebhook", { drop_pending_updates: true });
  await h.control.reset();
  listener?.closeAllConnections();
  await new Promise((r) => listener?.close(r));
  listener = undefined;
});

/** Starts a local webhook receiver and returns its URL. */
async function listen(
  handler: (req: IncomingMessage, body: string) => Promise<number> | number,
  replyBody?: (body: string) => unknown,
): Promise<string> {
  listener = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    res.statusCode = await handler(req, body);
    if (replyBody) res.setHeader("content-type", "application/json");
    res.end(replyBody ? JSON.stringify(replyBody(body)) : undefined);
  });
  await new Promise<void>((r) => listener!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;
}

describe("webhook delivery", () => {
  it("delivers to grammY's webhookCallback with the secret header, and the bot's reply lands in the chat", async () => {
    const bot = new Bot(h.emulator.token, { client: { apiRoot: h.emulator.apiRoot } });
    bot.command("start", (ctx) => ctx.reply(`Hi ${ctx.from?.first_name ?? ""}`));
    await bot.init();
    const callback = webhookCallback(bot, "http", { secretToken: "s3cret_token-1" });
    listener = createServer((req, res) => void callback(req, res));
    await new Promise<void>((r) => listener!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;

    await bot.api.setWebhook(url, {
      secret_token: "s3cret_token-1",
      allowed_updates: ["message", "callback_query"],
    });
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({
      url,
      pending_update_count: 0,
      allowed_updates: ["message", "callback_query"],
    });

    const carol = await h.control.createUser({ id: 6006, first_name: "Carol" });
    await h.control.sendMessage(carol.id, "/start");
    const transcript = await h.control.waitForBotMessages(carol.id, 1);
    expect(transcript.messages.map((m) => [m.sender, m.text])).toEqual([
      ["user", "/start"],
      ["bot", "Hi Carol"],
    ]);
    expect((await h.control.webhook()).deliveries.map((d) => d.status)).toEqual([200]);
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("sends the secret header and retries non-2xx answers with backoff until a 2xx", async () => {
    const seen: { secret: string | undefined; updateId: number }[] = [];
    const url = await listen((req, body) => {
      seen.push({
        secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined,
        updateId: (JSON.parse(body) as { update_id: number }).update_id,
      });
      return seen.length <= 2 ? 500 : 200;
    });
    await h.call("setWebhook", { url, secret_token: "abc" });
    const dave = await h.control.createUser({ id: 7007 });
    const sent = await h.control.sendMessage(dave.id, "hello");
    await expect.poll(() => seen.length).toBe(3);
    expect(seen.every((s) => s.secret === "abc" && s.updateId === sent.update_id)).toBe(true);
    const info = await h.call("getWebhookInfo");
    expect(info.body.result).toMatchObject({
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
    });
  });

  it("keeps one chat's updates in order while other chats proceed, and gives up after the attempt limit", async () => {
    const arrivals: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    const url = await listen(async (_req, body) => {
      const text = (JSON.parse(body) as { message: { text: string } }).message.text;
      arrivals.push(text);
      if (text === "a1") await firstHeld;
      return text === "never" ? 503 : 200;
    });
    await h.call("setWebhook", { url });
    const a = await h.control.createUser({ id: 8001 });
    const b = await h.control.createUser({ id: 8002 });
    await h.control.sendMessage(a.id, "a1");
    await h.control.sendMessage(a.id, "a2");
    await h.control.sendMessage(b.id, "b1");
    await expect.poll(() => arrivals).toEqual(["a1", "b1"]);
    releaseFirst();
    await expect.poll(() => arrivals).toEqual(["a1", "b1", "a2"]);

    await h.control.sendMessage(b.id, "never");
    await expect.poll(async () => (await h.control.webhook()).pending_update_count).toBe(0);
    expect(arrivals.filter((t) => t === "never")).toHaveLength(4);
  });

  it("reports a refused connection and hands undelivered updates to getUpdates after deleteWebhook", async () => {
    const closed = await listen(() => 200);
    listener!.close();
    await h.call("setWebhook", { url: closed });
    const erin = await h.control.createUser({ id: 9009 });
    const sent = await h.control.sendMessage(erin.id, "anyone?");
    await expect
      .poll(async () => (await h.callOk<WebhookInfo>("getWebhookInfo")).last_error_message)
      .toBe("Connection refused");
    expect((await h.call("deleteWebhook")).body).toEqual({
      ok: true,
      result: true,
      description: "Webhook was deleted",
    });
    const updates = await h.callOk<Update[]>("getUpdates", {});
    expect(updates.map((u) => u.update_id)).toContain(sent.update_id);
  });

  it("executes a method call returned in the webhook response body, and validates it", async () => {
    const url = await listen(
      () => 200,
      (body) => {
        const update = JSON.parse(body) as { message: { chat: { id: number }; text: string } };
        const text = update.message.text === "bad" ? "" : `echo: ${update.message.text}`;
        return { method: "sendMessage", chat_id: update.message.chat.id, text };
      },
    );
    await h.call("setWebhook", { url });
    const frank = await h.control.createUser({ id: 9100 });
    await h.control.sendMessage(frank.id, "ping");
    const transcript = await h.control.waitForBotMessages(frank.id, 1);
    expect(transcript.messages.at(-1)).toMatchObject({ sender: "bot", text: "echo: ping" });
    await h.control.sendMessage(frank.id, "bad");
    await expect
      .poll(async () => (await h.control.rejectedCalls()).map((c) => c.description))
      .toEqual(["Bad Request: message text is empty"]);
  });

  it("redelivers a past update with the same update_id on request", async () => {
    const ids: number[] = [];
    const url = await listen((_req, body) => {
      ids.push((JSON.parse(body) as { update_id: number }).update_id);
      return 200;
    });
    await h.call("setWebhook", { url });
    const gina = await h.control.createUser({ id: 9200 });
    const sent = await h.control.sendMessage(gina.id, "/connect");
    await expect.poll(() => ids).toEqual([sent.update_id]);
    expect(await h.control.update(sent.update_id!)).toMatchObject({ message: { text: "/connect" } });
    await h.control.redeliverUpdate(sent.update_id!);
    await expect.poll(() => ids).toEqual([sent.update_id, sent.update_id]);
  });
});
