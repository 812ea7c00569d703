/**
 * Long polling for installs without a public URL. The runner fetches concurrently, and the
 * bot's `sequentialize` keeps each chat's updates in order.
 */
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { BotContext } from "./context.js";
import { ALLOWED_UPDATES } from "./index.js";

export async function startPolling(bot: Bot<BotContext>): Promise<RunnerHandle> {
  await bot.init();
  // A webhook left from an earlier run would make getUpdates fail.
  await bot.api.deleteWebhook();
  return run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
}
