/** /start, optionally with a deep-link payload (t.me/<bot>?start=connect opens the connect flow). */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { sendAuthorizeLink } from "./connect.js";

export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  await ctx.reply(
    "Hi! I connect to your bunq account so you can check it from Telegram.\nSend /connect to link your account, or /help for more.",
  );
  if (ctx.match === "connect" && ctx.chat.type === "private") {
    await sendAuthorizeLink(ctx);
  }
});
