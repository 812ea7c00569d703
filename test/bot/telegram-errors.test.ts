import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { editOrIgnoreUnchanged, tolerateStaleCallbackAnswers } from "../../src/bot/telegram-errors.js";

const refusal = (description: string) =>
  new GrammyError(
    "Call to 'editMessageText' failed!",
    { ok: false, error_code: 400, description },
    "editMessageText",
    {},
  );

describe("Telegram refusals that are not failures", () => {
  it("an edit to the text a message already shows is fine; any other refusal is not", async () => {
    await expect(
      editOrIgnoreUnchanged(() =>
        Promise.reject(
          refusal("Bad Request: message is not modified: specified new message content is the same"),
        ),
      ),
    ).resolves.toBeUndefined();
    await expect(
      editOrIgnoreUnchanged(() => Promise.reject(refusal("Bad Request: message to edit not found"))),
    ).rejects.toThrow("message to edit not found");
  });

  it("a too-old callback query answer counts as answered; other methods' errors pass through", async () => {
    const stale = {
      ok: false as const,
      error_code: 400,
      description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
    };
    const prev = async () => stale;
    expect(
      await tolerateStaleCallbackAnswers(prev as never, "answerCallbackQuery", { callback_query_id: "1" }),
    ).toEqual({
      ok: true,
      result: true,
    });
    expect(
      await tolerateStaleCallbackAnswers(prev as never, "sendMessage", { chat_id: 1, text: "x" }),
    ).toEqual(stale);
  });
});
