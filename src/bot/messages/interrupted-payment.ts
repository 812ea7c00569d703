/** The message for a payment a crash interrupted between Confirm and bunq's answer. */
import type { Money } from "../../bunq/money.js";
import { formatMoney } from "../format/money.js";

export function interruptedPaymentText(amount: Money, description: string): string {
  const what = description ? ` (“${description}”)` : "";
  return (
    `⚠ I was restarted while sending your payment of ${formatMoney(amount, "en")}${what}. ` +
    "I do not know whether bunq carried it out and I will not send it again: please check the bunq app."
  );
}
