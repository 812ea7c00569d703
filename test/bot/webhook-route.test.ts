/**
 * The webhook route on its own: it answers only after the update is stored, 503 when it cannot
 * be stored or the app is shutting down (Telegram then delivers it again), and never stores
 * anything for a post without Telegram's secret.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { Bot } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import type { BotContext } from "../../src/bot/context.js";
import { createWebhook } from "../../src/bot/updates/webhook.js";
import { createLogger } from "../../src/logger.js";
import type { StoredUpdate, UpdateInbox } from "../../src/services/update-inbox.js";

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

describe("webhook route", () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** The route with an inbox that stores into `stored` (or fails), and the secret it was registered with. */
  async function route(store: (updates: readonly StoredUpdate[]) => Promise<number>) {
    const bot = new Bot<BotContext>("123:test-token-for-the-webhook-route-test");
    let secret = "";
    bot.api.config.use(async (_prev, method, payload) => {
      if (method === "setWebhook") secret = (payload as { secret_token: string }).secret_token;
      return { ok: true, result: true as never };
    });
    const inbox = { store } as unknown as UpdateInbox;
    let woken = 0;
    const webhook = createWebhook(
      bot,
      inbox,
      () => woken++,
      createLogger({ level: "silent", pretty: false }),
    );
    await webhook.register("https://bot.example");
    const app = express().post(webhook.path, webhook.handler);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    closers.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${webhook.path}`;
    const post = (body: unknown, withSecret = true) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(withSecret ? { [SECRET_HEADER]: secret } : {}) },
        body: JSON.stringify(body),
      });
    return { webhook, post, woken: () => woken };
  }

  it("answers 200 once the update is stored, and wakes the workers", async () => {
    const stored: StoredUpdate[] = [];
    const { post, woken } = await route(async (updates) => (stored.push(...updates), updates.length));
    const response = await post({ update_id: 5, message: { text: "hi" } });
    expect(response.status).toBe(200);
    expect(stored).toEqual([{ update_id: 5, message: { text: "hi" } }]);
    expect(woken()).toBe(1);
  });

  it("answers 503 when the update cannot be stored, so Telegram delivers it again", async () => {
    const { post } = await route(() => Promise.reject(new Error("database unreachable")));
    expect((await post({ update_id: 6 })).status).toBe(503);
  });

  it("answers 503 to every post once shutdown began, storing nothing", async () => {
    const stored: StoredUpdate[] = [];
    const { webhook, post } = await route(async (updates) => (stored.push(...updates), updates.length));
    webhook.refuse();
    expect((await post({ update_id: 7 })).status).toBe(503);
    expect(stored).toEqual([]);
  });

  it("refuses a post without the secret and one that is not an update", async () => {
    const stored: StoredUpdate[] = [];
    const { post } = await route(async (updates) => (stored.push(...updates), updates.length));
    expect((await post({ update_id: 8 }, false)).status).toBe(401);
    expect((await post({ no: "update_id" })).status).toBe(400);
    expect(stored).toEqual([]);
  });
});
