/**
 * The message for a payment a crash interrupted between Confirm and bunq's answer. The
 * description (up to the /pay limit, or bunq's 9000 from older versions) only helps the user
 * recognise the payment, so its start is enough.
 */
import type { Money } from "../../bunq/money.js";
import { formatMoney } from "../format/money.js";
import { clip } from "../format/text.js";

const DESCRIPTION_SHOWN_MAX = 200;

export function interruptedPaymentText(amount: Money, description: string): string {
  const what = description ? ` (“${clip(description, DESCRIPTION_SHOWN_MAX)}”)` : "";
  return (
    `⚠ I was restarted while sending your payment of ${formatMoney(amount, "en")}${what}. ` +
    "I do not know whether bunq carried it out and I will not send it again: please check the bunq app."
  );
}
