import type { Message } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startedUser, startHarness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ callbackQueryTtlMs: 5000 });
});
afterAll(() => h.close());
beforeEach(() => h.control.reset());

const badRequest = (description: string) => ({
  status: 400,
  body: { ok: false, error_code: 400, description },
});

describe("Bot API routing", () => {
  it("answers 401 Unauthorized for a wrong token and 404 Not Found for an unknown method", async () => {
    const wrongToken = await fetch(`${h.emulator.apiRoot}/bot123:nope/getMe`);
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });

    expect(await h.call("sendTelepathy", {})).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found" },
    });
  });

  it("treats method names case-insensitively and accepts GET with a query string", async () => {
    const res = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/GETME`);
    const body = (await res.json()) as { ok: boolean; result: { username: string; is_bot: boolean } };
    expect(body.ok).toBe(true);
    expect(body.result).toMatchObject({ username: h.emulator.botUsername, is_bot: true });
  });

  it("accepts form bodies with numeric strings and JSON-serialized reply_markup, like Telegram", async () => {
    const user = await startedUser(h);
    const form = new URLSearchParams({
      chat_id: String(user.id),
      text: "pick one",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
    });
    const res = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/sendMessage`, {
      method: "POST",
      body: form,
    });
    const body = (await res.json()) as {
      ok: boolean;
      result: { chat: { id: number }; reply_markup: unknown };
    };
    expect(body.ok).toBe(true);
    expect(body.result.chat.id).toBe(user.id);
    expect(body.result.reply_markup).toEqual({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] });
  });
});

describe("spec validation and Telegram's limits", () => {
  it("rejects missing required fields and wrong types", async () => {
    const user = await startedUser(h);
    expect(await h.call("sendMessage", { text: "hi" })).toMatchObject(
      badRequest("Bad Request: chat_id is empty"),
    );
    expect(await h.call("sendMessage", { chat_id: user.id })).toMatchObject(
      badRequest("Bad Request: message text is empty"),
    );
    const wrongType = await h.call("deleteMessage", { chat_id: user.id, message_id: "first" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.description).toBe('Bad Request: field "message_id" must be of type Integer');
    const nested = await h.call("sendMessage", {
      chat_id: user.id,
      text: "x",
      reply_markup: { inline_keyboard: [[{ text: 5, callback_data: "a" }]] },
    });
    expect(nested.body.description).toContain("inline_keyboard[0][0].text");
  });

  it("enforces text, caption and callback_data limits", async () => {
    const user = await startedUser(h);
    expect(await h.call("sendMessage", { chat_id: user.id, text: "   " })).toMatchObject(
      badRequest("Bad Request: message text is empty"),
    );
    expect(await h.call("sendMessage", { chat_id: user.id, text: "x".repeat(4097) })).toMatchObject(
      badRequest("Bad Request: message is too long"),
    );
    expect((await h.call("sendMessage", { chat_id: user.id, text: "x".repeat(4096) })).body.ok).toBe(true);
    const tooLongData = {
      chat_id: user.id,
      text: "menu",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "é".repeat(33) }]] },
    };
    expect(await h.call("sendMessage", tooLongData)).toMatchObject(
      badRequest("Bad Request: BUTTON_DATA_INVALID"),
    );
    const photo = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/sendPhoto`, {
      method: "POST",
      body: photoForm(user.id, { caption: "c".repeat(1025) }),
    });
    expect(await photo.json()).toMatchObject({ description: "Bad Request: message caption is too long" });
  });

  it("validates HTML parse_mode like Telegram and reports unbalanced tags", async () => {
    const user = await startedUser(h);
    const unclosed = await h.call("sendMessage", { chat_id: user.id, text: "<b>bold", parse_mode: "HTML" });
    expect(unclosed.body.description).toBe(
      "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    );
    const crossed = await h.call("sendMessage", {
      chat_id: user.id,
      text: "<b><i>x</b></i>",
      parse_mode: "HTML",
    });
    expect(crossed.body.description).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    const ok = await h.callOk<Message>("sendMessage", {
      chat_id: user.id,
      text: '€ <b>5</b> &amp; <a href="https://x.test">go</a>',
      parse_mode: "HTML",
    });
    expect(ok.text).toBe("€ 5 & go");
    expect(ok.entities).toEqual([
      { type: "bold", offset: 2, length: 1 },
      { type: "text_link", offset: 6, length: 2, url: "https://x.test" },
    ]);
  });

  it("answers chat not found for an unknown chat, and 403 for a known user who never started the bot", async () => {
    expect(await h.call("sendMessage", { chat_id: 424242, text: "hi" })).toMatchObject(
      badRequest("Bad Request: chat not found"),
    );
    const shy = await h.control.createUser({ id: 2002 });
    expect(await h.call("sendMessage", { chat_id: shy.id, text: "hi" })).toMatchObject(
      badRequest("Bad Request: chat not found"),
    );
    await h.control.createGroup("Friends", [shy.id]);
    const res = await h.call("sendMessage", { chat_id: shy.id, text: "hi" });
    expect(res.status).toBe(403);
    expect(res.body.description).toBe("Forbidden: bot can't initiate conversation with a user");
  });

  it("rejects an edit that changes nothing, and applies a real one", async () => {
    const user = await startedUser(h);
    const markup = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const sent = await h.callOk<Message>("sendMessage", {
      chat_id: user.id,
      text: "v1",
      reply_markup: markup,
    });
    const id = sent.message_id;
    const same = await h.call("editMessageText", {
      chat_id: user.id,
      message_id: id,
      text: "v1",
      reply_markup: markup,
    });
    expect(same).toMatchObject(
      badRequest(
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      ),
    );
    expect(
      (await h.call("editMessageReplyMarkup", { chat_id: user.id, message_id: id, reply_markup: markup }))
        .status,
    ).toBe(400);
    expect((await h.call("editMessageText", { chat_id: user.id, message_id: id, text: "v2" })).body.ok).toBe(
      true,
    );
    expect((await h.call("deleteMessage", { chat_id: user.id, message_id: id })).body.result).toBe(true);
    expect(await h.call("deleteMessage", { chat_id: user.id, message_id: id })).toMatchObject(
      badRequest("Bad Request: message to delete not found"),
    );

    const transcript = await h.control.transcript(user.id);
    const botMessage = transcript.messages.find((m) => m.message_id === id);
    expect(botMessage).toMatchObject({ text: "v2", edited: true, deleted: true, buttons: [] });
    expect(botMessage?.edits[0]).toMatchObject({ text: "v1", reply_markup: markup });
  });

  it("rejects answering a callback query twice or too late", async () => {
    const user = await startedUser(h);
    const markup = { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] };
    const sent = await h.callOk<Message>("sendMessage", {
      chat_id: user.id,
      text: "sure?",
      reply_markup: markup,
    });
    const press = await h.control.pressButton(user.id, user.id, sent.message_id, {
      callbackData: "yes",
    });
    expect(press.callback_query_id).toBeTruthy();
    const first = await h.call("answerCallbackQuery", {
      callback_query_id: press.callback_query_id,
      text: "done",
    });
    expect(first.body.ok).toBe(true);
    expect((await h.control.callbackQuery(press.callback_query_id!)).answer).toMatchObject({ text: "done" });
    const tooOld = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    expect(await h.call("answerCallbackQuery", { callback_query_id: press.callback_query_id })).toMatchObject(
      badRequest(tooOld),
    );

    const late = await startHarness({ callbackQueryTtlMs: 1000 }); // scaled by 0.01: 10 ms to answer
    try {
      const lateUser = await startedUser(late);
      const msg = await late.callOk<Message>("sendMessage", {
        chat_id: lateUser.id,
        text: "q",
        reply_markup: markup,
      });
      const latePress = await late.control.pressButton(lateUser.id, lateUser.id, msg.message_id, {
        text: "Yes",
      });
      await new Promise((r) => setTimeout(r, 30));
      expect(
        await late.call("answerCallbackQuery", { callback_query_id: latePress.callback_query_id }),
      ).toMatchObject(badRequest(tooOld));
    } finally {
      await late.close();
    }
  });

  it("only presses buttons that exist on the message", async () => {
    const user = await startedUser(h);
    const sent = await h.callOk<Message>("sendMessage", { chat_id: user.id, text: "plain" });
    await expect(
      h.control.pressButton(user.id, user.id, sent.message_id, { callbackData: "x" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("records every rejected call for the suite to assert on, and clears them", async () => {
    const user = await startedUser(h);
    await h.call("sendMessage", { chat_id: user.id, text: "fine" });
    await h.call("sendMessage", { chat_id: user.id, text: "" });
    const rejected = await h.control.rejectedCalls();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      method: "sendMessage",
      error_code: 400,
      description: "Bad Request: message text is empty",
    });
    await h.control.clearCalls();
    expect(await h.control.rejectedCalls()).toEqual([]);
  });
});

describe("photos and methods outside the emulated set", () => {
  it("edits a photo caption, rejects non-images, and answers 501 (recorded) for a real but unemulated method", async () => {
    const user = await startedUser(h);
    const res = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/sendPhoto`, {
      method: "POST",
      body: photoForm(user.id, { caption: "Valid for 10 minutes" }),
    });
    const photo = ((await res.json()) as { result: Message }).result;
    expect(photo.photo?.[0]).toMatchObject({ width: 1, height: 1 });
    const edited = await h.callOk<Message>("editMessageCaption", {
      chat_id: user.id,
      message_id: photo.message_id,
      caption: "<i>Expired</i>",
      parse_mode: "HTML",
    });
    expect(edited).toMatchObject({
      caption: "Expired",
      caption_entities: [{ type: "italic", offset: 0, length: 7 }],
    });

    const notImage = new FormData();
    notImage.set("chat_id", String(user.id));
    notImage.set("photo", new Blob([Buffer.from("not an image")]), "x.png");
    const rejected = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/sendPhoto`, {
      method: "POST",
      body: notImage,
    });
    expect(await rejected.json()).toMatchObject({ description: "Bad Request: IMAGE_PROCESS_FAILED" });
    expect((await h.call("sendPhoto", { chat_id: user.id, photo: "unknown-file-id" })).body.description).toBe(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );

    const doc = await h.call("sendDocument", { chat_id: user.id, document: "x" });
    expect(doc.status).toBe(501);
    expect((await h.control.rejectedCalls()).map((c) => c.method)).toEqual([
      "sendPhoto",
      "sendPhoto",
      "sendDocument",
    ]);
  });
});

describe("injected faults", () => {
  it("answers 429 with retry_after and 5xx for the next N calls, without counting them as rejected", async () => {
    await h.control.injectFault({ method: "getMe", kind: "rate-limit", retry_after: 7, times: 2 });
    await h.control.injectFault({ method: "getme", kind: "server-error", status: 502 });
    for (let i = 0; i < 2; i++) {
      expect(await h.call("getMe")).toEqual({
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: "Too Many Requests: retry after 7",
          parameters: { retry_after: 7 },
        },
      });
    }
    expect(await h.call("getMe")).toMatchObject({
      status: 502,
      body: { error_code: 502, description: "Bad Gateway" },
    });
    expect((await h.call("getMe")).body.ok).toBe(true);
    expect(await h.control.rejectedCalls()).toEqual([]);
    expect((await h.control.calls()).filter((c) => c.injected)).toHaveLength(3);
  });
});

function photoForm(chatId: number, extra: Record<string, string>): FormData {
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  );
  const form = new FormData();
  form.set("chat_id", String(chatId));
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  form.set("photo", new Blob([png], { type: "image/png" }), "p.png");
  return form;
}
