/** Anything no feature handled: a hint in private chats, silence in groups. */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const unhandledFeature = new Composer<BotContext>();

unhandledFeature
  .chatType("private")
  .on("message", (ctx) => ctx.reply("I did not understand that. /help lists what I can do."));
unhandledFeature.on("callback_query", (ctx) => ctx.answerCallbackQuery());
