/**
 * The /pay summary the user confirms, and its final state with the outcome appended.
 *
 * The description is the one part that can be long, and the user must see all of it before
 * confirming, so the limit the conversation announces is derived from what fits: the summary
 * with every other part at its cap, plus the longest outcome appended later by the final edit,
 * must stay within Telegram's 4096. The renderer still clips whatever does not fit (a
 * description from before a lower limit, an amount longer than budgeted) rather than fail.
 */
import type { MessageEntity } from "grammy/types";
import type { Counterparty } from "../../bunq/aliases.js";
import type { Money } from "../../bunq/money.js";
import { CONFIRMATION_TTL_MS } from "../../services/banking/payments.js";
import { formatMoney } from "../format/money.js";
import { clipText, escapeHtml } from "../format/text.js";
import type { AccountChoice } from "../keyboards.js";
import { MESSAGE_MAX_LENGTH, telegramLength, type FormattedText } from "./length.js";
import { ACCOUNT_LABEL_MAX, COUNTERPARTY_LABEL_MAX, describeAccount, describeCounterparty } from "./names.js";
import { PAYMENT_OUTCOME_MAX_LENGTH } from "./payment-outcome.js";

export interface PaymentSummary {
  amount: Money;
  from: AccountChoice;
  to: Counterparty;
  description: string;
  /** Between the user's own accounts the money moves at once; otherwise bunq makes a draft. */
  ownAccount: boolean;
  locale: string;
}

/** The parts of the summary other than the description, as shown. */
interface SummaryParts {
  amount: string;
  from: string;
  to: string;
  ownAccount: boolean;
}

function summaryHtml(parts: SummaryParts, description: string): string {
  return [
    "<b>Please check this payment</b>",
    "",
    `Amount: <b>${escapeHtml(parts.amount)}</b>`,
    `From: ${escapeHtml(parts.from)}`,
    `To: ${escapeHtml(parts.to)}`,
    `Description: ${description ? escapeHtml(description) : "<i>none</i>"}`,
    "",
    parts.ownAccount
      ? "Between your own accounts the money moves as soon as you confirm."
      : "This becomes a draft payment that you approve in the bunq app.",
    `The Confirm button works once and expires in ${CONFIRMATION_TTL_MS / 60_000} minutes.`,
  ].join("\n");
}

const OUTCOME_SEPARATOR = "\n\n";
/** What the final edit appends at most, so the summary leaves room for it. */
const OUTCOME_ROOM = OUTCOME_SEPARATOR.length + PAYMENT_OUTCOME_MAX_LENGTH;

/**
 * Room for a formatted amount: up to 10^15 minor units (what a person can type) formats to at
 * most 32 characters in any locale and currency (Persian with a CFA franc is the longest).
 */
const AMOUNT_TEXT_MAX = 40;

/** The summary without a description at its longest: every part at its cap, the longer note. */
const SUMMARY_WITHOUT_DESCRIPTION_MAX =
  Math.max(
    ...[true, false].map((ownAccount) =>
      telegramLength(summaryHtml({ amount: "", from: "", to: "", ownAccount }, ""), "HTML"),
    ),
  ) +
  AMOUNT_TEXT_MAX +
  ACCOUNT_LABEL_MAX +
  COUNTERPARTY_LABEL_MAX;

/** The longest description that always fits: 4096 − outcome room − the rest of the summary. */
const DESCRIPTION_FITS = MESSAGE_MAX_LENGTH - OUTCOME_ROOM - SUMMARY_WITHOUT_DESCRIPTION_MAX;

/** bunq's own limits: 140 characters to an external IBAN, 9000 between bunq accounts. */
const BUNQ_EXTERNAL_DESCRIPTION_MAX = 140;
const BUNQ_INTERNAL_DESCRIPTION_MAX = 9000;

/** A limit people can remember: what fits, rounded down to a hundred. */
const roundedDown = (length: number) => Math.floor(length / 100) * 100;

/** The description limits /pay announces: bunq's, or what fits in the summary if that is less. */
export const EXTERNAL_DESCRIPTION_MAX = Math.min(
  BUNQ_EXTERNAL_DESCRIPTION_MAX,
  roundedDown(DESCRIPTION_FITS),
);
export const BUNQ_DESCRIPTION_MAX = Math.min(BUNQ_INTERNAL_DESCRIPTION_MAX, roundedDown(DESCRIPTION_FITS));

export function paymentSummary(payment: PaymentSummary): FormattedText {
  const parts: SummaryParts = {
    amount: formatMoney(payment.amount, payment.locale),
    from: describeAccount(payment.from),
    to: describeCounterparty(payment.to),
    ownAccount: payment.ownAccount,
  };
  // Measured with "none" in place of the description, so the room is a little on the safe side.
  const room = MESSAGE_MAX_LENGTH - OUTCOME_ROOM - telegramLength(summaryHtml(parts, ""), "HTML");
  return { text: summaryHtml(parts, clipText(payment.description, room)), parse_mode: "HTML" };
}

/** The summary as Telegram stored it: its visible text and the entities of its formatting. */
export interface SentText {
  text: string;
  entities?: MessageEntity[] | undefined;
}

/**
 * The summary's final state: its text with the outcome appended. The summary's own entities are
 * kept (their offsets still hold, as text is only added at the end), so it keeps its formatting.
 * A summary too long for the outcome (sent before these limits) is clipped, never the outcome.
 */
export function summaryWithOutcome(summary: SentText, outcome: string): SentText {
  const tail = `${OUTCOME_SEPARATOR}${clipText(outcome, MESSAGE_MAX_LENGTH - OUTCOME_SEPARATOR.length)}`;
  const text = clipText(summary.text, MESSAGE_MAX_LENGTH - tail.length);
  const entities = summary.entities && entitiesWithin(summary.entities, text.length);
  return { text: `${text}${tail}`, ...(entities ? { entities } : {}) };
}

/** The entities cut to the first `length` characters: those past it dropped, those across it shortened. */
function entitiesWithin(entities: readonly MessageEntity[], length: number): MessageEntity[] {
  return entities
    .filter((entity) => entity.offset < length)
    .map((entity) => ({ ...entity, length: Math.min(entity.length, length - entity.offset) }));
}
