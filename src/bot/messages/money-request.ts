/** /request: the request made (with its share link), the QR code's caption, and its status. */
import type { Counterparty } from "../../bunq/aliases.js";
import type { Money } from "../../bunq/money.js";
import { formatMoney } from "../format/money.js";
import { describeCounterparty } from "./names.js";

export interface MoneyRequestCreated {
  amount: Money;
  /** Whom it was asked of; nobody in particular for a bunq.me link. */
  from?: Counterparty | undefined;
  shareUrl?: string | undefined;
  locale: string;
}

export function moneyRequestCreatedText({ amount, from, shareUrl, locale }: MoneyRequestCreated): string {
  const money = formatMoney(amount, locale);
  const who = from ? `from ${describeCounterparty(from)}` : "from anyone with the link";
  return shareUrl
    ? `✔ Asked ${money} ${who}.\nShare this link: ${shareUrl}`
    : `✔ Asked ${money} ${who}. bunq gave no share link for this request.`;
}

export const MONEY_REQUEST_QR_CAPTION = "Or let them scan this code.";

const STATUS_TEXT: Readonly<Record<string, string>> = {
  PENDING: "The request is waiting to be paid.",
  WAITING_FOR_PAYMENT: "The payment link is waiting to be paid.",
  ACCEPTED: "✔ The request was paid.",
  REJECTED: "✖ The request was declined.",
  REVOKED: "✖ The request was withdrawn.",
  EXPIRED: "✖ The request expired.",
  CANCELLED: "✖ The payment link was cancelled.",
};

/** A request's or payment link's status as bunq reports it. */
export function moneyRequestStatusText(status: string): string {
  return STATUS_TEXT[status] ?? `The request's status is ${status}.`;
}
