/**
 * /transactions: an account's payments, ten at a time, newest first. Older/Newer follow bunq's
 * own pagination ids and edit the same message, so paging never refetches everything.
 */
import { Composer } from "grammy";
import type { PageCursor } from "../../services/banking/accounts.js";
import { transactionsPageData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { localeFor } from "../format/money.js";
import { accountChoice, accountsKeyboard, transactionsKeyboard } from "../keyboards.js";
import { transactionsPage } from "../messages/transactions.js";
import { editOrIgnoreUnchanged } from "../telegram-errors.js";

export const transactionsFeature = new Composer<BotContext>();
const privateChats = transactionsFeature.chatType("private");

privateChats.command("transactions", async (ctx) => {
  const accounts = await ctx.services.accounts.activeAccounts(ctx.chat.id);
  if (accounts.length === 0) {
    await ctx.reply("You have no active accounts to show.");
    return;
  }
  if (accounts.length > 1) {
    await ctx.reply("Which account?", {
      reply_markup: accountsKeyboard(accounts.map(accountChoice), (id) => transactionsPageData.encode(id)),
    });
    return;
  }
  const page = await renderPage(ctx, accounts[0]!.id, undefined);
  await ctx.reply(page.text, { ...page.format, reply_markup: page.keyboard });
});

privateChats.callbackQuery(transactionsPageData.pattern, async (ctx) => {
  const request = transactionsPageData.decode(ctx.callbackQuery.data);
  if (!request) return;
  const page = await renderPage(ctx, request.accountId, request.cursor);
  await ctx.answerCallbackQuery();
  await editOrIgnoreUnchanged(() =>
    ctx.editMessageText(page.text, { ...page.format, reply_markup: page.keyboard }),
  );
});

async function renderPage(ctx: BotContext, accountId: number, cursor: PageCursor) {
  const chatId = ctx.chat!.id;
  const [page, accounts] = await Promise.all([
    ctx.services.accounts.payments(chatId, accountId, cursor),
    ctx.services.accounts.accounts(chatId),
  ]);
  const account = accounts.find((a) => a.id === accountId);
  const { text, ...format } = transactionsPage(
    account?.description,
    page.payments,
    localeFor(ctx.from?.language_code),
  );
  return {
    text,
    format,
    keyboard: transactionsKeyboard(
      accountId,
      page.olderId === undefined ? undefined : { olderId: page.olderId },
      page.newerId === undefined ? undefined : { newerId: page.newerId },
    ),
  };
}
