/** /cancel: drops an unfinished /connect so its link stops working. */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const cancelFeature = new Composer<BotContext>();

cancelFeature.chatType("private").command("cancel", async (ctx) => {
  const cancelled = await ctx.services.connect.cancel(ctx.chat.id);
  await ctx.reply(cancelled ? "Cancelled. The connect link no longer works." : "There is nothing to cancel.");
});
