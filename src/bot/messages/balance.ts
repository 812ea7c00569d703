/**
 * /balance: every account with its IBAN and balance, totals per currency, and the time of
 * fetching. bunq puts no bound on the number of accounts (nor, so, on the currencies of the
 * totals), so both lists show what fits and say how many more there are.
 */
import type { MonetaryAccount } from "../../bunq/accounts.js";
import { formatIban, parseIban } from "../../bunq/iban.js";
import type { Balances } from "../../services/banking/accounts.js";
import { formatMoney } from "../format/money.js";
import { clip, escapeHtml } from "../format/text.js";
import { fitList } from "./fit.js";
import { MESSAGE_MAX_LENGTH, telegramLength, type FormattedText } from "./length.js";
import { ACCOUNT_NAME_MAX } from "./names.js";

const TYPE_LABELS: Readonly<Record<string, string>> = {
  bank: "Bank account",
  savings: "Savings",
  joint: "Joint account",
  external: "External account",
  external_savings: "External savings",
  investment: "Investment",
};

/** Room for the totals line's amounts: about 30 currencies, leaving the rest to the accounts. */
const TOTALS_ROOM = 1000;

const ACCOUNT_SEPARATOR = "\n\n";

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function balancesMessage({ accounts, totals, fetchedAt }: Balances, locale: string): FormattedText {
  if (accounts.length === 0) return { text: "Your bunq user has no accounts yet." };
  const total = fitList(
    totals.map((money) => formatMoney(money, locale)),
    {
      separator: " + ",
      room: TOTALS_ROOM,
      more: (left) => `… ${plural(left, "more currency", "more currencies")}`,
    },
  );
  const time = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(fetchedAt);
  const header = "<b>Your bunq balances</b>";
  const footer = [`Total: <b>${escapeHtml(total || "–")}</b>`, `<i>As of ${escapeHtml(time)} UTC</i>`].join(
    "\n",
  );
  const room =
    MESSAGE_MAX_LENGTH -
    telegramLength(header, "HTML") -
    telegramLength(footer, "HTML") -
    2 * ACCOUNT_SEPARATOR.length;
  const lines = fitList(
    accounts.map((account) => accountLines(account, locale)),
    {
      separator: ACCOUNT_SEPARATOR,
      room,
      more: (left) => `<i>… and ${plural(left, "more account", "more accounts")}</i>`,
      parseMode: "HTML",
    },
  );
  return { text: [header, lines, footer].join(ACCOUNT_SEPARATOR), parse_mode: "HTML" };
}

/** Name and balance, then type and IBAN in monospace for copying. */
function accountLines(account: MonetaryAccount, locale: string): string {
  const typeLabel = TYPE_LABELS[account.type] ?? account.type;
  const name = clip(account.description || typeLabel, ACCOUNT_NAME_MAX);
  const iban = account.iban ? parseIban(account.iban) : undefined;
  const detail = [typeLabel, iban ? formatIban(iban) : undefined].filter(Boolean).join(" · ");
  const balance = account.active
    ? `<b>${escapeHtml(formatMoney(account.balance, locale))}</b>`
    : "<i>inactive</i>";
  return `${escapeHtml(name)}: ${balance}\n<code>${escapeHtml(detail)}</code>`;
}
