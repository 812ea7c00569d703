/** Webhook mode: Telegram posts with the secret; anyone else gets 401; a redelivery is answered once. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { telegramUpdates } from "../../src/db/schema.js";
import { testBackends } from "../helpers/databases.js";
import { startRunning, type Running } from "./harness.js";

describe.each(testBackends)("webhook mode on $name", (backend) => {
  let r: Running;
  beforeEach(async () => {
    r = await startRunning(backend, "webhook");
  });
  afterEach(async () => {
    expect(await r.control.rejectedCalls()).toEqual([]);
    await r.stop();
  });

  it("registers the webhook with a secret and allowed_updates, and answers /start", async () => {
    const { webhook } = await r.control.webhook();
    expect(webhook?.url).toBe(`${r.baseUrl}/telegram/webhook`);
    expect(webhook?.secret_token).toMatch(/^[0-9a-f]{64}$/);
    expect(webhook?.allowed_updates).toEqual(["message", "callback_query"]);
    const user = await r.control.createUser({ id: 2001, first_name: "Bob" });
    await r.control.sendMessage(user.id, "/start");
    const { messages } = await r.control.waitForBotMessages(user.id, 1);
    expect(messages.at(-1)?.text).toContain("/connect");
  });

  it("refuses a post without the right secret and processes nothing", async () => {
    const user = await r.control.createUser({ id: 2002, first_name: "Eve" });
    const forged = {
      update_id: 99_999,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: "Eve" },
        from: { id: user.id, is_bot: false, first_name: "Eve" },
        text: "/start",
      },
    };
    for (const secret of [undefined, "wrong"]) {
      const response = await fetch(`${r.baseUrl}/telegram/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
        },
        body: JSON.stringify(forged),
      });
      expect(response.status).toBe(401);
    }
    expect(await r.database.db.select().from(telegramUpdates)).toEqual([]);
    const calls = await r.control.calls();
    expect(calls.filter((call) => call.method === "sendMessage")).toEqual([]);
  });

  it("checks the secret before reading the body: a stranger's oversized or broken post gets 401, not a parse error", async () => {
    for (const body of ["x".repeat(2 * 1024 * 1024), "{not json"]) {
      const response = await fetch(`${r.baseUrl}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" },
        body,
      });
      expect(response.status).toBe(401);
    }
    // With the right secret the same broken body is a client error, so the check above came first.
    const { webhook } = await r.control.webhook();
    const broken = await fetch(`${r.baseUrl}/telegram/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": webhook!.secret_token!,
      },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(await r.database.db.select().from(telegramUpdates)).toEqual([]);
  });

  it("answers a redelivered update once", async () => {
    const user = await r.control.createUser({ id: 2003, first_name: "Carol" });
    const sent = await r.control.sendMessage(user.id, "/help");
    await r.control.waitForBotMessages(user.id, 1);
    await r.control.redeliverUpdate(sent.update_id!);
    await r.control.sendMessage(user.id, "/start");
    // The /start reply arriving proves the redelivery (same chat, earlier in order) was handled.
    const { messages } = await r.control.waitForBotMessages(user.id, 2);
    const replies = messages.filter((m) => m.sender === "bot").map((m) => m.text);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toContain("Hi!");
  });
});
