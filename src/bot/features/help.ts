/** /help: what the bot does and where. */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const helpFeature = new Composer<BotContext>();

helpFeature.command("help", (ctx) =>
  ctx.reply(
    [
      "/connect — link your bunq account",
      "/balance — balances of all your accounts",
      "/transactions — recent payments of an account",
      "/pay — send money (you confirm before anything is sent)",
      "/request — ask for money with a link and QR code",
      "/notifications — messages when money moves",
      "/disconnect — unlink your bunq account and delete your data",
      "/cancel — stop what is in progress",
      "/help — this message",
      "",
      "Bank commands work in a private chat with me only.",
      ...(ctx.services.notifications.available
        ? []
        : [
            "",
            "Notifications need a public URL: this bot runs without one (its operator can set PUBLIC_BASE_URL), so bunq cannot tell it when money moves.",
          ]),
    ].join("\n"),
  ),
);
