/** /help: what the bot does and where. */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const helpFeature = new Composer<BotContext>();

helpFeature.command("help", (ctx) =>
  ctx.reply(
    [
      "/connect — link your bunq account (private chat only)",
      "/cancel — stop what is in progress",
      "/help — this message",
    ].join("\n"),
  ),
);
