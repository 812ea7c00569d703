/**
 * Sending money, in two steps the user can see: `prepare` stores what the summary shows under
 * a one-time nonce; `confirm` claims that row in a single UPDATE and only the claimer talks to
 * bunq. A second tap, a redelivered tap or a restart finds the row already claimed, so a
 * payment is never sent twice; a crash after the claim leaves it "executing", which is
 * reported as unknown (check the bunq app) rather than retried.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Counterparty } from "../../bunq/aliases.js";
import { createDraftPayment, readDraftPayment, type DraftStatus } from "../../bunq/draft-payments.js";
import type { ApiContext } from "../../bunq/api-context.js";
import { BunqUserError } from "../../bunq/errors.js";
import type { Money } from "../../bunq/money.js";
import { createPayment } from "../../bunq/payments.js";
import type { Database } from "../../db/client.js";
import { paymentIntents } from "../../db/schema.js";
import { maskIdentifier, type AuditTrail } from "../audit.js";
import { ConsentRevokedError, type BunqContexts } from "../bunq-contexts.js";

export const CONFIRMATION_TTL_MS = 5 * 60_000;

export interface PaymentDraft {
  readonly fromAccountId: number;
  readonly amount: Money;
  readonly to: Counterparty;
  readonly description: string;
  /** Between the user's own accounts bunq lets an app pay directly; anything else is a draft. */
  readonly ownAccount: boolean;
}

export type ConfirmOutcome =
  | { kind: "paid"; paymentId: number }
  | { kind: "draft_created"; draftId: number; accountId: number }
  | { kind: "refused"; reason: string; responseId?: string }
  | { kind: "outcome_unknown" }
  | { kind: "expired" }
  | { kind: "already_handled"; status: string }
  | { kind: "not_found" };

/** The chat's payment with this nonce, still waiting for a decision. */
const awaitingConfirmation = (chatId: number, nonce: string) =>
  and(
    eq(paymentIntents.nonce, nonce),
    eq(paymentIntents.chatId, chatId),
    eq(paymentIntents.status, "awaiting_confirmation"),
  );

export class PaymentsService {
  constructor(
    private readonly db: Database,
    private readonly contexts: BunqContexts,
    private readonly audit: AuditTrail,
  ) {}

  /** Stores the payment the summary describes; the nonce goes into its Confirm button. */
  async prepare(chatId: number, draft: PaymentDraft): Promise<string> {
    const nonce = randomBytes(12).toString("base64url");
    await this.db.insert(paymentIntents).values({
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

  async confirm(chatId: number, nonce: string): Promise<ConfirmOutcome> {
    const [claimed] = await this.db
      .update(paymentIntents)
      .set({ status: "executing", updatedAt: new Date() })
      .where(and(awaitingConfirmation(chatId, nonce), gt(paymentIntents.expiresAt, new Date())))
      .returning();
    if (!claimed) return this.#whyNotClaimed(chatId, nonce);
    const amount: Money = { minor: claimed.amountMinor, currency: claimed.currency };
    const to = claimed.counterparty as unknown as Counterparty;
    const summary = {
      kind: claimed.kind,
      fromAccountId: claimed.fromAccountId,
      amount: amount.minor.toString(),
      currency: amount.currency,
      counterpartyType: to.type,
      counterparty: maskIdentifier(to.value),
    };
    const notSent = async (error: unknown) => {
      await this.#finish(nonce, "failed", undefined);
      await this.audit.record(this.db, chatId, "payment.failed", summary);
      return error;
    };
    let context: ApiContext;
    try {
      context = await this.contexts.forChat(chatId);
    } catch (error) {
      throw await notSent(error);
    }
    let outcome: ConfirmOutcome;
    try {
      if (claimed.kind === "own_account") {
        if (to.type !== "IBAN") throw new Error("own-account payments go to an IBAN");
        const paymentId = await this.contexts.use(chatId, () =>
          createPayment(context, {
            fromAccountId: claimed.fromAccountId,
            amount,
            toIban: to.value,
            toName: to.name,
            description: claimed.description,
          }),
        );
        outcome = { kind: "paid", paymentId };
      } else {
        const draftId = await this.contexts.use(chatId, () =>
          createDraftPayment(context, {
            fromAccountId: claimed.fromAccountId,
            amount,
            to,
            description: claimed.description,
          }),
        );
        outcome = { kind: "draft_created", draftId, accountId: claimed.fromAccountId };
      }
    } catch (error) {
      if (error instanceof BunqUserError) {
        outcome = {
          kind: "refused",
          reason: error.message,
          ...(error.responseId ? { responseId: error.responseId } : {}),
        };
      } else if (error instanceof ConsentRevokedError) {
        // bunq answered 401 and would not renew the session: the request was not carried out.
        throw await notSent(error);
      } else {
        // The request may have reached bunq (timeout, 5xx, a garbled answer): never guess, never resend.
        outcome = { kind: "outcome_unknown" };
      }
    }
    const status =
      outcome.kind === "paid" || outcome.kind === "draft_created"
        ? "completed"
        : outcome.kind === "outcome_unknown"
          ? "outcome_unknown"
          : "failed";
    const bunqId =
      outcome.kind === "paid"
        ? outcome.paymentId
        : outcome.kind === "draft_created"
          ? outcome.draftId
          : undefined;
    await this.#finish(nonce, status, bunqId);
    await this.audit.record(
      this.db,
      chatId,
      claimed.kind === "own_account" ? "payment.created" : "draft_payment.created",
      {
        ...summary,
        result: outcome.kind,
        ...(bunqId === undefined ? {} : { bunqId }),
      },
    );
    return outcome;
  }

  /**
   * After a crash or restart: payments whose confirmation was claimed but whose answer from
   * bunq was never recorded. They are never resent; they become "outcome unknown" and are
   * returned so each chat can be told to check the bunq app. (Assumes one bot process.)
   */
  async recoverInterrupted(): Promise<{ chatId: number; amount: Money; description: string }[]> {
    const interrupted = await this.db
      .update(paymentIntents)
      .set({ status: "outcome_unknown", updatedAt: new Date() })
      .where(eq(paymentIntents.status, "executing"))
      .returning();
    for (const intent of interrupted) {
      await this.audit.record(this.db, intent.chatId, "payment.interrupted", {
        kind: intent.kind,
        amount: intent.amountMinor.toString(),
        currency: intent.currency,
        result: "outcome_unknown",
      });
    }
    return interrupted.map((intent) => ({
      chatId: intent.chatId,
      amount: { minor: intent.amountMinor, currency: intent.currency },
      description: intent.description,
    }));
  }

  /** Cancels a payment still waiting for confirmation; false when it was already handled. */
  async cancel(chatId: number, nonce: string): Promise<boolean> {
    const cancelled = await this.db
      .update(paymentIntents)
      .set({ status: "cancelled", updatedAt: new Date() })
      .where(awaitingConfirmation(chatId, nonce))
      .returning({ nonce: paymentIntents.nonce });
    return cancelled.length > 0;
  }

  async draftStatus(chatId: number, accountId: number, draftId: number): Promise<DraftStatus> {
    return (await this.contexts.run(chatId, (context) => readDraftPayment(context, accountId, draftId)))
      .status;
  }

  async #whyNotClaimed(chatId: number, nonce: string): Promise<ConfirmOutcome> {
    const [row] = await this.db
      .select({ status: paymentIntents.status, expiresAt: paymentIntents.expiresAt })
      .from(paymentIntents)
      .where(and(eq(paymentIntents.nonce, nonce), eq(paymentIntents.chatId, chatId)));
    if (!row) return { kind: "not_found" };
    if (row.status === "awaiting_confirmation") {
      await this.#finish(nonce, "cancelled", undefined);
      return { kind: "expired" };
    }
    return { kind: "already_handled", status: row.status };
  }

  async #finish(
    nonce: string,
    status: "completed" | "failed" | "outcome_unknown" | "cancelled",
    bunqId?: number,
  ) {
    await this.db
      .update(paymentIntents)
      .set({ status, bunqId: bunqId ?? null, updatedAt: new Date() })
      .where(eq(paymentIntents.nonce, nonce));
  }
}
