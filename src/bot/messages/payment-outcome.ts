/**
 * What the payment summary says once Confirm or Cancel was tapped, and a draft's status. The
 * outcome is appended to the summary, so its longest form is part of the summary's budget
 * (PAYMENT_OUTCOME_MAX_LENGTH); bunq's refusal and our reasons are clipped. None of these texts
 * advises to repeat a payment unless bunq said for sure that nothing happened.
 */
import type { IntentOutcome } from "../../services/banking/intents.js";
import { BUNQ_REFERENCE_MAX, BUNQ_WORDS_MAX, bunqReference, bunqStatus, bunqWords } from "./bunq-words.js";

export const PAYMENT_CANCELLED_TEXT = "✖ Cancelled. Nothing was paid.";

/** Everything the summary can end with: bunq's outcome, or why there is none yet. */
export type PaymentWord =
  | IntentOutcome
  | { kind: "checking" }
  | { kind: "expired" }
  | { kind: "already_handled" }
  | { kind: "not_found" };

export function paymentOutcomeText(outcome: PaymentWord): string {
  switch (outcome.kind) {
    case "paid":
      return "✔ Paid.";
    case "draft_created":
      return "✔ Draft created. Approve it in the bunq app; tap Check status to see where it is.";
    case "request_created":
      return "✔ Done.";
    case "refused": {
      const reference = outcome.responseId ? ` (reference ${bunqReference(outcome.responseId)})` : "";
      return `✖ bunq refused the payment: ${bunqWords(outcome.reason)}${reference}. Nothing was paid.`;
    }
    case "not_sent":
      return `✖ Not sent: ${bunqWords(outcome.reason)}. Nothing was paid; you can send /pay again.`;
    case "outcome_unknown":
      return `⚠ I cannot tell whether bunq carried out this payment (${bunqWords(outcome.reason)}). Please check the bunq app; I will not send it again.`;
    case "checking":
      return "⏳ bunq has not confirmed this payment yet. I am checking with bunq and will tell you here what happened; please do not pay again.";
    case "expired":
      return "✖ This confirmation expired after 5 minutes. Nothing was paid; send /pay to start again.";
    case "already_handled":
      return "This payment was already confirmed; it is not sent again.";
    case "not_found":
      return "I do not know that payment any more. Send /pay to start again.";
  }
}

const LONGEST_WORDS = "x".repeat(BUNQ_WORDS_MAX + 1);

/** Each kind of outcome at its longest; a Record, so a new kind cannot be left out of the budget. */
const LONGEST_OUTCOMES: Readonly<Record<PaymentWord["kind"], PaymentWord>> = {
  paid: { kind: "paid", paymentId: 0 },
  draft_created: { kind: "draft_created", draftId: 0, accountId: 0 },
  request_created: { kind: "request_created", request: "tab", id: 0, accountId: 0, status: "" },
  refused: { kind: "refused", reason: LONGEST_WORDS, responseId: "x".repeat(BUNQ_REFERENCE_MAX + 1) },
  not_sent: { kind: "not_sent", reason: LONGEST_WORDS },
  outcome_unknown: { kind: "outcome_unknown", reason: LONGEST_WORDS },
  checking: { kind: "checking" },
  expired: { kind: "expired" },
  already_handled: { kind: "already_handled" },
  not_found: { kind: "not_found" },
};

/** The longest text that can be appended to a payment summary (plain text, so its length is Telegram's). */
export const PAYMENT_OUTCOME_MAX_LENGTH = Math.max(
  PAYMENT_CANCELLED_TEXT.length,
  ...Object.values(LONGEST_OUTCOMES).map((outcome) => paymentOutcomeText(outcome).length),
);

const DRAFT_STATUS_TEXT: Readonly<Record<string, string>> = {
  PENDING: "The draft payment is waiting for your approval in the bunq app.",
  ACCEPTED: "✔ The draft payment was approved and paid.",
  REJECTED: "✖ The draft payment was rejected in the bunq app. Nothing was paid.",
  CANCELLED: "✖ The draft payment was cancelled. Nothing was paid.",
};

/** A draft payment's status as bunq reports it; an unknown one in bunq's word. */
export function draftStatusText(status: string): string {
  return DRAFT_STATUS_TEXT[status] ?? `The draft payment's status is ${bunqStatus(status)}.`;
}
