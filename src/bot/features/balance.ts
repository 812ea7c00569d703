/** /balance: every account with its IBAN and balance, totals per currency, and a Refresh button. */
import { Composer } from "grammy";
import { formatIban, parseIban } from "../../bunq/iban.js";
import type { Balances } from "../../services/banking/accounts.js";
import { balanceRefreshData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { formatMoney, localeFor } from "../format/money.js";
import { escapeHtml } from "../format/text.js";
import { refreshBalanceKeyboard } from "../keyboards.js";
import { editOrIgnoreUnchanged } from "../telegram-errors.js";

export const balanceFeature = new Composer<BotContext>();
const privateChats = balanceFeature.chatType("private");

privateChats.command("balance", async (ctx) => {
  const balances = await ctx.services.accounts.balances(ctx.chat.id);
  await ctx.reply(renderBalances(balances, localeFor(ctx.from?.language_code)), {
    parse_mode: "HTML",
    reply_markup: refreshBalanceKeyboard(),
  });
});

privateChats.callbackQuery(balanceRefreshData, async (ctx) => {
  const balances = await ctx.services.accounts.balances(ctx.chat.id);
  await ctx.answerCallbackQuery("Updated");
  await editOrIgnoreUnchanged(() =>
    ctx.editMessageText(renderBalances(balances, localeFor(ctx.from.language_code)), {
      parse_mode: "HTML",
      reply_markup: refreshBalanceKeyboard(),
    }),
  );
});

const TYPE_LABELS: Record<string, string> = {
  bank: "Bank account",
  savings: "Savings",
  joint: "Joint account",
  external: "External account",
  external_savings: "External savings",
  investment: "Investment",
};

export function renderBalances({ accounts, totals, fetchedAt }: Balances, locale: string): string {
  if (accounts.length === 0) return "Your bunq user has no accounts yet.";
  const lines = accounts.map((account) => {
    const iban = account.iban ? parseIban(account.iban) : undefined;
    const name = escapeHtml(account.description || TYPE_LABELS[account.type] || account.type);
    const detail = [TYPE_LABELS[account.type] ?? account.type, iban ? formatIban(iban) : undefined]
      .filter(Boolean)
      .join(" · ");
    const balance = account.active ? `<b>${formatMoney(account.balance, locale)}</b>` : "<i>inactive</i>";
    return `${name}: ${balance}\n<code>${escapeHtml(detail)}</code>`;
  });
  const total = totals.map((money) => formatMoney(money, locale)).join(" + ");
  const time = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(fetchedAt);
  return [
    "<b>Your bunq balances</b>",
    "",
    lines.join("\n\n"),
    "",
    `Total: <b>${total || "–"}</b>`,
    `<i>As of ${escapeHtml(time)} UTC</i>`,
  ].join("\n");
}
