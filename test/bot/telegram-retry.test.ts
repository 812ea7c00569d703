/**
 * Calls to an unreachable Telegram: a few tries with growing pauses, each logged as a warning,
 * then the error — never the endless back-off that blocked a chat's queue and shutdown.
 */
import { HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { boundedNetworkRetry } from "../../src/bot/updates/telegram-retry.js";
import { captureLogs } from "../helpers/logs.js";

describe("bounded retries of Bot API calls", () => {
  it("tries a call that cannot reach Telegram three times, warning each time, then fails", async () => {
    const { logger, lines } = captureLogs();
    let calls = 0;
    const unreachable = () => {
      calls++;
      return Promise.reject(
        new HttpError("Network request for 'sendMessage' failed!", new Error("ECONNRESET")),
      );
    };
    const retry = boundedNetworkRetry(logger, { attempts: 3, firstDelayMs: 10 });
    const started = Date.now();
    await expect(retry(unreachable, "sendMessage", { chat_id: 1, text: "hi" })).rejects.toBeInstanceOf(
      HttpError,
    );
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30); // 10 ms, then 20 ms
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string; attempt: number });
    expect(warnings.map((w) => [w.level, w.msg, w.attempt])).toEqual([
      [40, "Telegram unreachable; retrying the call", 1],
      [40, "Telegram unreachable; retrying the call", 2],
    ]);
  });

  it("passes Telegram's own answers through untouched (refusals are not network errors)", async () => {
    const { logger } = captureLogs();
    let calls = 0;
    const refused = () => {
      calls++;
      return Promise.resolve({ ok: false as const, error_code: 400, description: "Bad Request" });
    };
    const answer = await boundedNetworkRetry(logger)(refused, "sendMessage", { chat_id: 1, text: "" });
    expect(answer).toMatchObject({ ok: false, error_code: 400 });
    expect(calls).toBe(1);
  });
});
