/**
 * /notifications: turn money notices off and on, and set the smallest amount announced —
 * with buttons, or `/notifications 25` for any other minimum.
 */
import { Composer } from "grammy";
import { AmountError, parseUserAmount } from "../../bunq/money.js";
import { notificationsData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { localeFor } from "../format/money.js";
import { notificationsKeyboard } from "../keyboards.js";
import { minimumLabel, notificationsText } from "../messages/notifications.js";
import { editOrIgnoreUnchanged } from "../telegram-errors.js";

export const notificationsFeature = new Composer<BotContext>();
const privateChats = notificationsFeature.chatType("private");

async function view(ctx: BotContext, chatId: number) {
  const locale = localeFor(ctx.from?.language_code);
  const settings = await ctx.services.notifications.get(chatId);
  const text = notificationsText(settings ?? { enabled: true, minimumMinor: 0n }, locale);
  const keyboard =
    settings?.availability === "on"
      ? notificationsKeyboard(settings, (minor) => minimumLabel(minor, locale))
      : undefined;
  return { text, ...(keyboard ? { reply_markup: keyboard } : {}) };
}

privateChats.command("notifications", async (ctx) => {
  const argument = ctx.match.trim();
  if (argument) {
    let minimumMinor: bigint;
    try {
      minimumMinor = parseUserAmount(argument, "EUR").minor;
    } catch (error) {
      if (!(error instanceof AmountError)) throw error;
      await ctx.reply(
        `“${argument.slice(0, 40)}” is not an amount. Try /notifications 25 or /notifications 12.50.`,
      );
      return;
    }
    await ctx.services.notifications.update(ctx.chat.id, { enabled: true, minimumMinor });
  }
  const { text, ...extra } = await view(ctx, ctx.chat.id);
  await ctx.reply(text, extra);
});

privateChats.callbackQuery(notificationsData.pattern, async (ctx) => {
  const change = notificationsData.decode(ctx.callbackQuery.data);
  if (!change) return;
  await ctx.services.notifications.update(ctx.chat.id, change);
  await ctx.answerCallbackQuery(
    "enabled" in change ? (change.enabled ? "Turned on" : "Turned off") : "Saved",
  );
  const { text, ...extra } = await view(ctx, ctx.chat.id);
  await editOrIgnoreUnchanged(() => ctx.editMessageText(text, extra));
});
