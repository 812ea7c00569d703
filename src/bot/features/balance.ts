/** /balance: every account with its IBAN and balance, totals per currency, and a Refresh button. */
import { Composer } from "grammy";
import { balanceRefreshData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { localeFor } from "../format/money.js";
import { refreshBalanceKeyboard } from "../keyboards.js";
import { balancesMessage } from "../messages/balance.js";
import { editOrIgnoreUnchanged } from "../telegram-errors.js";

export const balanceFeature = new Composer<BotContext>();
const privateChats = balanceFeature.chatType("private");

privateChats.command("balance", async (ctx) => {
  const balances = await ctx.services.accounts.balances(ctx.chat.id);
  const { text, ...format } = balancesMessage(balances, localeFor(ctx.from?.language_code));
  await ctx.reply(text, { ...format, reply_markup: refreshBalanceKeyboard() });
});

privateChats.callbackQuery(balanceRefreshData, async (ctx) => {
  // Answered first: reading bunq may take longer than Telegram keeps the button's spinner.
  await ctx.answerCallbackQuery("Asking bunq…");
  const balances = await ctx.services.accounts.balances(ctx.chat.id, { refresh: true });
  const { text, ...format } = balancesMessage(balances, localeFor(ctx.from.language_code));
  await editOrIgnoreUnchanged(() =>
    ctx.editMessageText(text, { ...format, reply_markup: refreshBalanceKeyboard() }),
  );
});
