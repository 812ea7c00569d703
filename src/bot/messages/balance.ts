/** /balance: every account with its IBAN and balance, totals per currency, and the time of fetching. */
import { formatIban, parseIban } from "../../bunq/iban.js";
import type { Balances } from "../../services/banking/accounts.js";
import { formatMoney } from "../format/money.js";
import { escapeHtml } from "../format/text.js";
import type { FormattedText } from "./length.js";

const TYPE_LABELS: Readonly<Record<string, string>> = {
  bank: "Bank account",
  savings: "Savings",
  joint: "Joint account",
  external: "External account",
  external_savings: "External savings",
  investment: "Investment",
};

export function balancesMessage({ accounts, totals, fetchedAt }: Balances, locale: string): FormattedText {
  if (accounts.length === 0) return { text: "Your bunq user has no accounts yet." };
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
  const text = [
    "<b>Your bunq balances</b>",
    "",
    lines.join("\n\n"),
    "",
    `Total: <b>${total || "–"}</b>`,
    `<i>As of ${escapeHtml(time)} UTC</i>`,
  ].join("\n");
  return { text, parse_mode: "HTML" };
}
