/** /transactions: one page of an account's payments, newest first. */
import type { Payment } from "../../bunq/payments.js";
import { formatMoney } from "../format/money.js";
import { clip, escapeHtml } from "../format/text.js";
import type { FormattedText } from "./length.js";

export function transactionsPage(
  accountName: string | undefined,
  payments: readonly Payment[],
  locale: string,
): FormattedText {
  const title = `<b>${escapeHtml(accountName || "Account")}</b>`;
  const body =
    payments.length === 0
      ? "No payments here."
      : payments.map((payment) => paymentLine(payment, locale)).join("\n");
  return { text: `${title}\n\n${body}`, parse_mode: "HTML" };
}

export function paymentLine(payment: Payment, locale: string): string {
  const date = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "short", timeZone: "UTC" }).format(
    // bunq's timestamps are UTC "YYYY-MM-DD hh:mm:ss.micro"; the day is all a line needs.
    new Date(`${payment.created.slice(0, 10)}T00:00:00Z`),
  );
  const who = clip(payment.counterpartyName || payment.counterpartyIban || "—", 28);
  const what = payment.description ? ` · ${clip(payment.description, 40)}` : "";
  return `${escapeHtml(date)}  <b>${formatMoney(payment.amount, locale, { signed: true })}</b>  ${escapeHtml(who)}${escapeHtml(what)}`;
}
