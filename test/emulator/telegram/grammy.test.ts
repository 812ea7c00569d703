import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import { Bot, InlineKeyboard, InputFile } from "grammy";
import QRCode from "qrcode";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startedUser, startHarness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.reset());

const newBot = () => new Bot(h.emulator.token, { client: { apiRoot: h.emulator.apiRoot } });

describe("grammY as the client", () => {
  it("getMe, sendMessage with an inline keyboard and sendPhoto with an uploaded buffer", async () => {
    const bot = newBot();
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ is_bot: true, username: h.emulator.botUsername });

    const user = await startedUser(h);
    const keyboard = new InlineKeyboard()
      .url("Open bunq", "https://oauth.bunq.test/auth?x=1")
      .text("Cancel", "cancel");
    const sent = await bot.api.sendMessage(user.id, "<b>Connect</b> your account", {
      parse_mode: "HTML",
      reply_markup: keyboard,
      link_preview_options: { is_disabled: true },
    });
    expect(sent.text).toBe("Connect your account");

    const png = await QRCode.toBuffer("https://oauth.bunq.test/auth?x=1");
    const photo = await bot.api.sendPhoto(user.id, new InputFile(png, "qr.png"), {
      caption: "Valid for 10 minutes",
    });
    expect(photo.photo?.[0]?.file_size).toBe(png.length);
    const again = await bot.api.sendPhoto(user.id, photo.photo[0]!.file_id);
    expect(again.photo?.[0]?.file_id).toBe(photo.photo?.[0]?.file_id);

    const transcript = await h.control.transcript(user.id);
    const [, text, qr] = transcript.messages;
    expect(text).toMatchObject({
      sender: "bot",
      text: "Connect your account",
      parse_mode: "HTML",
      entities: [{ type: "bold", offset: 0, length: 7 }],
      buttons: [
        [
          { text: "Open bunq", url: "https://oauth.bunq.test/auth?x=1" },
          { text: "Cancel", callback_data: "cancel" },
        ],
      ],
      link_preview_options: { is_disabled: true },
    });
    expect(Buffer.from(qr!.photo!.base64, "base64").equals(png)).toBe(true);
    expect((await h.control.file(qr!.photo!.file_id)).equals(png)).toBe(true);
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("long polling with bot.start() receives a /start deep link with bot_command entity, and a button press", async () => {
    const bot = newBot();
    const seen: { payload: string; entities: unknown }[] = [];
    bot.command("start", async (ctx) => {
      seen.push({ payload: ctx.match, entities: ctx.message?.entities });
      await ctx.reply("Welcome", { reply_markup: new InlineKeyboard().text("Go", "go") });
    });
    bot.callbackQuery("go", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "going" });
      await ctx.editMessageText("Went");
    });
    const user = await h.control.createUser({ id: 3003, first_name: "Bob" });
    await h.control.sendMessage(user.id, "/start ref_42");
    void bot.start({ drop_pending_updates: false });
    try {
      const t1 = await h.control.waitForBotMessages(user.id, 1);
      expect(seen).toEqual([
        { payload: "ref_42", entities: [{ type: "bot_command", offset: 0, length: 6 }] },
      ]);
      const welcome = t1.messages.find((m) => m.sender === "bot")!;
      const press = await h.control.pressButton(user.id, user.id, welcome.message_id, { callbackData: "go" });
      await expect.poll(async () => (await h.control.transcript(user.id)).messages[1]?.text).toBe("Went");
      expect((await h.control.callbackQuery(press.callback_query_id!)).answer).toMatchObject({
        text: "going",
      });
    } finally {
      await bot.stop();
    }
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("@grammyjs/runner receives commands in private and group chats (privacy mode hides plain group talk)", async () => {
    const bot = newBot();
    const got: string[] = [];
    bot.on("message:text", (ctx) => {
      got.push(`${ctx.chat.type}:${ctx.message.text}`);
    });
    const alice = await h.control.createUser({ id: 4004, first_name: "Alice" });
    const group = await h.control.createGroup("Team", [alice.id]);
    await bot.init();
    const runner = run(bot);
    try {
      await h.control.sendMessage(alice.id, "/help");
      const hidden = await h.control.sendMessage(alice.id, "just chatting", { chatId: group.id });
      expect(hidden.delivered).toBe(false);
      await h.control.sendMessage(alice.id, `/connect@${h.emulator.botUsername}`, { chatId: group.id });
      await expect.poll(() => got).toEqual(["private:/help", `group:/connect@${h.emulator.botUsername}`]);
    } finally {
      await runner.stop();
    }
  });

  it("a second poller terminates the first with 409, and getUpdates conflicts while a webhook is set", async () => {
    const first = h.call("getUpdates", { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    await h.call("getUpdates", { timeout: 0 });
    expect(await first).toMatchObject({
      status: 409,
      body: {
        description:
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      },
    });
    await h.call("setWebhook", { url: "http://127.0.0.1:9/hook" });
    expect((await h.call("getUpdates", {})).body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await h.call("deleteWebhook");
  });

  it("offset confirms updates and allowed_updates filters new ones", async () => {
    const user = await h.control.createUser({ id: 5005 });
    const a = await h.control.sendMessage(user.id, "one");
    await h.control.sendMessage(user.id, "two");
    const all = await h.callOk<Update[]>("getUpdates", {});
    expect(all.map((u) => u.update_id)).toEqual([a.update_id, a.update_id! + 1]);
    const rest = await h.call("getUpdates", {
      offset: a.update_id! + 1,
      allowed_updates: ["callback_query"],
    });
    expect(rest.body.result).toHaveLength(1);
    expect((await h.control.sendMessage(user.id, "three")).delivered).toBe(false);
  });

  it("@grammyjs/auto-retry honours an injected 429 retry_after and succeeds", async () => {
    const bot = newBot();
    bot.api.config.use(autoRetry());
    const user = await startedUser(h);
    await h.control.injectFault({ method: "sendMessage", kind: "rate-limit", retry_after: 1 });
    const started = Date.now();
    const sent = await bot.api.sendMessage(user.id, "after the flood");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sent.text).toBe("after the flood");
    const calls = (await h.control.calls()).filter((c) => c.method === "sendMessage");
    expect(calls.map((c) => c.error_code ?? 200)).toEqual([429, 200]);
  });
});
