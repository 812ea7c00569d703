/**
 * What the payment summary says once Confirm or Cancel was tapped, and a draft's status. The
 * outcome is appended to the summary, so its longest form is part of the summary's budget
 * (PAYMENT_OUTCOME_MAX_LENGTH); only bunq's refusal carries bunq's words, clipped.
 */
import type { ConfirmOutcome } from "../../services/banking/payments.js";
import { BUNQ_REFERENCE_MAX, BUNQ_WORDS_MAX, bunqReference, bunqStatus, bunqWords } from "./bunq-words.js";

export const PAYMENT_CANCELLED_TEXT = "✖ Cancelled. Nothing was paid.";

export function paymentOutcomeText(outcome: ConfirmOutcome): string {
  switch (outcome.kind) {
    case "paid":
      return "✔ Paid.";
    case "draft_created":
      return "✔ Draft created. Approve it in the bunq app; tap Check status to see where it is.";
    case "refused": {
      const reference = outcome.responseId ? ` (reference ${bunqReference(outcome.responseId)})` : "";
      return `✖ bunq refused the payment: ${bunqWords(outcome.reason)}${reference}`;
    }
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

/** Each kind of outcome at its longest; a Record, so a new kind cannot be left out of the budget. */
const LONGEST_OUTCOMES: Readonly<Record<ConfirmOutcome["kind"], ConfirmOutcome>> = {
  paid: { kind: "paid", paymentId: 0 },
  draft_created: { kind: "draft_created", draftId: 0, accountId: 0 },
  refused: {
    kind: "refused",
    reason: "x".repeat(BUNQ_WORDS_MAX + 1),
    responseId: "x".repeat(BUNQ_REFERENCE_MAX + 1),
  },
  outcome_unknown: { kind: "outcome_unknown" },
  expired: { kind: "expired" },
  already_handled: { kind: "already_handled", status: "" },
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
