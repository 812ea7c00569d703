/**
 * /transactions: one page of an account's payments, newest first. Each line clips the
 * counterparty and description (written by others, any length) so ten lines stay short on a
 * phone; should a page still not fit (bunq's pages go up to 200), the lines that do are shown.
 */
import type { Payment } from "../../bunq/payments.js";
import { formatMoney } from "../format/money.js";
import { clip, escapeHtml } from "../format/text.js";
import { fitList } from "./fit.js";
import { MESSAGE_MAX_LENGTH, telegramLength, type FormattedText } from "./length.js";
import { ACCOUNT_NAME_MAX } from "./names.js";

/** A counterparty's name on a line: enough to recognise it. */
const COUNTERPARTY_MAX = 28;
/** A payment's description on a line: its start says what it was. */
const DESCRIPTION_MAX = 40;

export function transactionsPage(
  accountName: string | undefined,
  payments: readonly Payment[],
  locale: string,
): FormattedText {
  const title = `<b>${escapeHtml(clip(accountName || "Account", ACCOUNT_NAME_MAX))}</b>`;
  const separator = "\n\n";
  const body =
    payments.length === 0
      ? "No payments here."
      : fitList(
          payments.map((payment) => paymentLine(payment, locale)),
          {
            separator: "\n",
            room: MESSAGE_MAX_LENGTH - telegramLength(title, "HTML") - separator.length,
            more: (left) => `<i>… ${left} more not shown</i>`,
            parseMode: "HTML",
          },
        );
  return { text: `${title}${separator}${body}`, parse_mode: "HTML" };
}

export function paymentLine(payment: Payment, locale: string): string {
  const date = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "short", timeZone: "UTC" }).format(
    // bunq's timestamps are UTC "YYYY-MM-DD hh:mm:ss.micro"; the day is all a line needs.
    new Date(`${payment.created.slice(0, 10)}T00:00:00Z`),
  );
  const who = clip(payment.counterpartyName || payment.counterpartyIban || "—", COUNTERPARTY_MAX);
  const what = payment.description ? ` · ${clip(payment.description, DESCRIPTION_MAX)}` : "";
  const amount = formatMoney(payment.amount, locale, { signed: true });
  return `${escapeHtml(date)}  <b>${escapeHtml(amount)}</b>  ${escapeHtml(who)}${escapeHtml(what)}`;
}
