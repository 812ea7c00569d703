/**
 * /cancel works at any step: it leaves any conversation (/pay, /request) and drops an
 * unfinished /connect so its link stops working. It runs before the conversations, so a
 * conversation waiting for an amount never sees "/cancel" as its answer.
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const cancelFeature = new Composer<BotContext>();

cancelFeature.chatType("private").command("cancel", async (ctx) => {
  const inConversation = Object.keys(ctx.conversation.active()).length > 0;
  if (inConversation) await ctx.conversation.exitAll();
  const connectCancelled = await ctx.services.connect.cancel(ctx.chat.id);
  const text = inConversation
    ? "Cancelled. Nothing was sent."
    : connectCancelled
      ? "Cancelled. The connect link no longer works."
      : "There is nothing to cancel.";
  await ctx.reply(text);
});

/**
 * A new command while a conversation waits for an answer: leave the conversation and run the
 * command, rather than reading "/balance" as an amount.
 */
export const commandLeavesConversation = new Composer<BotContext>();

commandLeavesConversation.chatType("private").on("message:entities:bot_command", async (ctx, next) => {
  const startsWithCommand = ctx.message.entities.some((e) => e.type === "bot_command" && e.offset === 0);
  const active = Object.keys(ctx.conversation.active());
  if (startsWithCommand && active.length > 0) {
    await ctx.conversation.exitAll();
    await ctx.reply(`Left /${active[0]} without sending anything.`);
  }
  await next();
});
