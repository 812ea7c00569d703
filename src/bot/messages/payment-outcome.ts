/** What the payment summary says once Confirm or Cancel was tapped, and a draft's status. */
import type { ConfirmOutcome } from "../../services/banking/payments.js";

export const PAYMENT_CANCELLED_TEXT = "✖ Cancelled. Nothing was paid.";

export function paymentOutcomeText(outcome: ConfirmOutcome): string {
  switch (outcome.kind) {
    case "paid":
      return "✔ Paid.";
    case "draft_created":
      return "✔ Draft created. Approve it in the bunq app; tap Check status to see where it is.";
    case "refused":
      return `✖ bunq refused the payment: ${outcome.reason}${outcome.responseId ? ` (reference ${outcome.responseId})` : ""}`;
    case "outcome_unknown":
      return "⚠ bunq did not confirm the payment. Check the bunq app before trying again; I will not resend it.";
    case "expired":
      return "✖ This confirmation expired after 5 minutes. Nothing was paid; send /pay to start again.";
    case "already_handled":
      return "This payment was already confirmed or cancelled; it is not sent again.";
    case "not_found":
      return "I do not know that payment any more. Send /pay to start again.";
  }
}

const DRAFT_STATUS_TEXT: Readonly<Record<string, string>> = {
  PENDING: "The draft payment is waiting for your approval in the bunq app.",
  ACCEPTED: "✔ The draft payment was approved and paid.",
  REJECTED: "✖ The draft payment was rejected in the bunq app. Nothing was paid.",
  CANCELLED: "✖ The draft payment was cancelled. Nothing was paid.",
};

/** A draft payment's status as bunq reports it. */
export function draftStatusText(status: string): string {
  return DRAFT_STATUS_TEXT[status] ?? `The draft payment's status is ${status}.`;
}
