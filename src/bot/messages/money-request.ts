/**
 * /request: the request made (with its share link), the QR code's caption, and its status. The
 * person asked is named within its cap (names.ts); the link is bunq's and short, but is clipped
 * like any text from bunq (the button beside it carries it whole).
 */
import type { Counterparty } from "../../bunq/aliases.js";
import type { Money } from "../../bunq/money.js";
import { formatMoney } from "../format/money.js";
import { clipText } from "../format/text.js";
import type { IntentOutcome } from "../../services/banking/intents.js";
import { bunqReference, bunqStatus, bunqWords } from "./bunq-words.js";
import { describeCounterparty } from "./names.js";

/** bunq.me links are about 40 characters; far longer is not a link anyone types. */
const SHARE_URL_MAX = 1000;

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
    ? `✔ Asked ${money} ${who}.\nShare this link: ${clipText(shareUrl, SHARE_URL_MAX)}`
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

/** A request's or payment link's status as bunq reports it; an unknown one in bunq's word. */
export function moneyRequestStatusText(status: string): string {
  return STATUS_TEXT[status] ?? `The request's status is ${bunqStatus(status)}.`;
}

export const REQUEST_CHECKING_TEXT =
  "⏳ bunq has not confirmed the request yet. I am checking with bunq and will tell you here what happened; please do not ask again.";
export const REQUEST_ALREADY_MADE_TEXT = "This request was already made; it is not made again.";

/** A request bunq did not make, in words that say whether asking again is safe. */
export function requestFailureText(outcome: IntentOutcome): string {
  switch (outcome.kind) {
    case "refused": {
      const reference = outcome.responseId ? ` (reference ${bunqReference(outcome.responseId)})` : "";
      return `✖ bunq refused the request: ${bunqWords(outcome.reason)}${reference}. You can send /request again.`;
    }
    case "not_sent":
      return `✖ The request was not made: ${bunqWords(outcome.reason)}. You can send /request again.`;
    case "outcome_unknown":
      return `⚠ I cannot tell whether bunq made the request (${bunqWords(outcome.reason)}). Please check the bunq app before asking again.`;
    default:
      return "✔ Done.";
  }
}
