/**
 * The bunq side of an intent: sending it (once), and finding it again at bunq when its answer
 * was lost — by the `merchant_reference` marker for payments, drafts and requests, by what it
 * asks for bunq.me tabs (which carry no marker).
 */
import type { Counterparty } from "../../bunq/aliases.js";
import type { ApiContext } from "../../bunq/api-context.js";
import { createBunqMeTab, findBunqMeTab } from "../../bunq/bunqme-tabs.js";
import { createDraftPayment, findDraftPaymentByReference } from "../../bunq/draft-payments.js";
import type { Money } from "../../bunq/money.js";
import { createPayment, findPaymentByReference } from "../../bunq/payments.js";
import { createRequestInquiry, findRequestInquiryByReference } from "../../bunq/request-inquiries.js";
import { markerOf, type IntentOutcome, type IntentRow } from "./intents.js";

export const amountOf = (intent: IntentRow): Money => ({
  minor: intent.amountMinor,
  currency: intent.currency,
});

export const counterpartyOf = (intent: IntentRow): Counterparty | undefined =>
  (intent.counterparty ?? undefined) as Counterparty | undefined;

function requireCounterparty(intent: IntentRow): Counterparty {
  const to = counterpartyOf(intent);
  if (!to) throw new Error(`a ${intent.kind} intent needs a counterparty`);
  return to;
}

/** Sends the intent to bunq; `beforeSend` runs right before the request leaves. */
export async function sendIntent(
  context: ApiContext,
  intent: IntentRow,
  beforeSend: () => Promise<void>,
): Promise<IntentOutcome> {
  const amount = amountOf(intent);
  const accountId = intent.fromAccountId;
  const merchantReference = markerOf(intent.nonce);
  const { description } = intent;
  switch (intent.kind) {
    case "own_account": {
      const to = requireCounterparty(intent);
      if (to.type !== "IBAN") throw new Error("own-account payments go to an IBAN");
      const paymentId = await createPayment(context, {
        fromAccountId: accountId,
        amount,
        toIban: to.value,
        toName: to.name,
        description,
        merchantReference,
        beforeSend,
      });
      return { kind: "paid", paymentId };
    }
    case "draft": {
      const draftId = await createDraftPayment(context, {
        fromAccountId: accountId,
        amount,
        to: requireCounterparty(intent),
        description,
        merchantReference,
        beforeSend,
      });
      return { kind: "draft_created", draftId, accountId };
    }
    case "request_inquiry": {
      const inquiry = await createRequestInquiry(context, {
        accountId,
        amount,
        from: requireCounterparty(intent),
        description,
        merchantReference,
        beforeSend,
      });
      return { kind: "request_created", request: "inquiry", accountId, ...inquiry };
    }
    case "bunqme_tab": {
      const tab = await createBunqMeTab(context, { accountId, amount, description, beforeSend });
      return { kind: "request_created", request: "tab", accountId, ...tab };
    }
  }
}

/** What bunq holds for the intent, or undefined when bunq has no such object. */
export async function lookUpIntent(
  context: ApiContext,
  intent: IntentRow,
  knownTabIds: () => Promise<number[]>,
): Promise<IntentOutcome | undefined> {
  const accountId = intent.fromAccountId;
  const marker = markerOf(intent.nonce);
  switch (intent.kind) {
    case "own_account": {
      const payment = await findPaymentByReference(context, accountId, marker);
      return payment && { kind: "paid", paymentId: payment.id };
    }
    case "draft": {
      const draft = await findDraftPaymentByReference(context, accountId, marker);
      return draft && { kind: "draft_created", draftId: draft.id, accountId };
    }
    case "request_inquiry": {
      const inquiry = await findRequestInquiryByReference(context, accountId, marker);
      return inquiry && { kind: "request_created", request: "inquiry", accountId, ...inquiry };
    }
    case "bunqme_tab": {
      const tab = await findBunqMeTab(context, accountId, {
        amount: amountOf(intent),
        description: intent.description,
        // A minute of slack for clocks that disagree; the id exclusion keeps it unambiguous.
        createdSince: new Date(intent.createdAt.getTime() - 60_000),
        excludeIds: await knownTabIds(),
      });
      return tab && { kind: "request_created", request: "tab", accountId, ...tab };
    }
  }
}

export const bunqIdOf = (outcome: IntentOutcome): number | undefined =>
  outcome.kind === "paid"
    ? outcome.paymentId
    : outcome.kind === "draft_created"
      ? outcome.draftId
      : outcome.kind === "request_created"
        ? outcome.id
        : undefined;
