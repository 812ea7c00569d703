/**
 * The /pay summary the user confirms, and its final state with the outcome appended.
 */
import type { MessageEntity } from "grammy/types";
import type { Counterparty } from "../../bunq/aliases.js";
import type { Money } from "../../bunq/money.js";
import { CONFIRMATION_TTL_MS } from "../../services/banking/payments.js";
import { formatMoney } from "../format/money.js";
import { escapeHtml } from "../format/text.js";
import type { AccountChoice } from "../keyboards.js";
import type { FormattedText } from "./length.js";
import { describeAccount, describeCounterparty } from "./recipients.js";

/** bunq's limits: 140 characters to external IBANs, 9000 between bunq accounts (Telegram caps at 4096). */
export const EXTERNAL_DESCRIPTION_MAX = 140;
export const BUNQ_DESCRIPTION_MAX = 4000;

export interface PaymentSummary {
  amount: Money;
  from: AccountChoice;
  to: Counterparty;
  description: string;
  /** Between the user's own accounts the money moves at once; otherwise bunq makes a draft. */
  ownAccount: boolean;
  locale: string;
}

export function paymentSummary(payment: PaymentSummary): FormattedText {
  const { amount, from, to, description, ownAccount, locale } = payment;
  const text = [
    "<b>Please check this payment</b>",
    "",
    `Amount: <b>${formatMoney(amount, locale)}</b>`,
    `From: ${escapeHtml(describeAccount(from))}`,
    `To: ${escapeHtml(describeCounterparty(to))}`,
    `Description: ${description ? escapeHtml(description) : "<i>none</i>"}`,
    "",
    ownAccount
      ? "Between your own accounts the money moves as soon as you confirm."
      : "This becomes a draft payment that you approve in the bunq app.",
    `The Confirm button works once and expires in ${CONFIRMATION_TTL_MS / 60_000} minutes.`,
  ].join("\n");
  return { text, parse_mode: "HTML" };
}

/** The summary as Telegram stored it: its visible text and the entities of its formatting. */
export interface SentText {
  text: string;
  entities?: MessageEntity[] | undefined;
}

/**
 * The summary's final state: its text with the outcome appended. The summary's own entities are
 * kept (their offsets still hold, as text is only added at the end), so it keeps its formatting.
 */
export function summaryWithOutcome(summary: SentText, outcome: string): SentText {
  return {
    text: `${summary.text}\n\n${outcome}`,
    ...(summary.entities ? { entities: summary.entities } : {}),
  };
}
