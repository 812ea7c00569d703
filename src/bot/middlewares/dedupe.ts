/**
 * Skips an update that was already processed: Telegram redelivers after a timeout or a
 * non-2xx answer, and a second /connect or payment must not happen twice.
 */
import type { MiddlewareFn } from "grammy";
import { claimUpdate } from "../../services/updates.js";
import type { BotContext } from "../context.js";

export const dedupeUpdates: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (await claimUpdate(ctx.services.db, ctx.update.update_id)) {
    await next();
  } else {
    ctx.services.logger.info({ updateId: ctx.update.update_id }, "skipping redelivered update");
  }
};
