/**
 * Sending money, in two steps the user can see: `prepare` stores what the summary shows as a
 * money intent under a one-time nonce; `confirm` claims that intent in a single UPDATE and only
 * the claimer talks to bunq (see money-intents.ts for how it is sent at most once and resolved
 * after a crash). A second tap, a redelivered tap or a restart finds the intent already claimed
 * and hears what became of it.
 */
import type { Counterparty } from "../../bunq/aliases.js";
import { readDraftPayment, type DraftStatus } from "../../bunq/draft-payments.js";
import type { Money } from "../../bunq/money.js";
import type { BunqContexts } from "../bunq-contexts.js";
import { newNonce } from "./intents.js";
import type { IntentProgress, MoneyIntents } from "./money-intents.js";

export const CONFIRMATION_TTL_MS = 5 * 60_000;

export interface PaymentDraft {
  readonly fromAccountId: number;
  readonly amount: Money;
  readonly to: Counterparty;
  readonly description: string;
  /** Between the user's own accounts bunq lets an app pay directly; anything else is a draft. */
  readonly ownAccount: boolean;
}

export type ConfirmResult = IntentProgress | { kind: "expired" } | { kind: "not_found" };

export class PaymentsService {
  constructor(
    private readonly intents: MoneyIntents,
    private readonly contexts: BunqContexts,
  ) {}

  /** Stores the payment the summary describes; the nonce goes into its Confirm button. */
  async prepare(chatId: number, draft: PaymentDraft): Promise<string> {
    const nonce = newNonce();
    await this.intents.store.insert({
      nonce,
      chatId,
      kind: draft.ownAccount ? "own_account" : "draft",
      fromAccountId: draft.fromAccountId,
      amountMinor: draft.amount.minor,
      currency: draft.amount.currency,
      counterparty: { ...draft.to },
      description: draft.description,
      status: "awaiting_confirmation",
      expiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS),
    });
    return nonce;
  }

  async confirm(chatId: number, nonce: string): Promise<ConfirmResult> {
    const claimed = await this.intents.store.claim(chatId, nonce);
    if (claimed) return this.intents.execute(claimed);
    const intent = await this.intents.store.find(chatId, nonce);
    if (!intent) return { kind: "not_found" };
    if (intent.status === "awaiting_confirmation") {
      await this.intents.store.cancel(chatId, nonce);
      return { kind: "expired" };
    }
    return this.intents.resume(intent);
  }

  /** Cancels a payment still waiting for confirmation; false when it was already handled. */
  cancel(chatId: number, nonce: string): Promise<boolean> {
    return this.intents.store.cancel(chatId, nonce);
  }

  /** Call once the chat was told a settled outcome, so nobody tells it again. */
  markNotified(nonce: string): Promise<void> {
    return this.intents.markNotified(nonce);
  }

  async draftStatus(chatId: number, accountId: number, draftId: number): Promise<DraftStatus> {
    return (await this.contexts.run(chatId, (context) => readDraftPayment(context, accountId, draftId)))
      .status;
  }
}
