/**
 * The message for an intent whose outcome the chat hears later (its sender crashed, bunq's
 * answer was lost, or the chat could not be reached at the time). It names the payment or
 * request by amount and description — the start of it is enough to recognise it.
 */
import type { Money } from "../../bunq/money.js";
import type { IntentKind, IntentOutcome } from "../../services/banking/intents.js";
import { formatMoney } from "../format/money.js";
import { clip, clipText } from "../format/text.js";
import { requestFailureText } from "./money-request.js";
import { paymentOutcomeText } from "./payment-outcome.js";

const DESCRIPTION_SHOWN_MAX = 200;
const SHARE_URL_MAX = 1000;

export interface IntentNoticeFacts {
  readonly kind: IntentKind;
  readonly amount: Money;
  readonly description: string;
  readonly outcome: IntentOutcome;
}

export function intentNoticeText({ kind, amount, description, outcome }: IntentNoticeFacts): string {
  const what = `${formatMoney(amount, "en")}${description ? ` (“${clip(description, DESCRIPTION_SHOWN_MAX)}”)` : ""}`;
  if (kind === "own_account" || kind === "draft") {
    return `About your payment of ${what}: ${paymentOutcomeText(outcome)}`;
  }
  if (outcome.kind === "request_created") {
    const link = outcome.shareUrl ? ` Share this link: ${clipText(outcome.shareUrl, SHARE_URL_MAX)}` : "";
    return `About your request of ${what}: ✔ bunq made it.${link}`;
  }
  return `About your request of ${what}: ${requestFailureText(outcome)}`;
}
