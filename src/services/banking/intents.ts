/**
 * Money intents (table `payment_intents`): the durable record of every action that moves money
 * or asks for it, written before bunq is called. This module owns the row's state changes;
 * each is a single conditional UPDATE, so two workers, two instances or a worker and the
 * reconciler can never both act on one intent.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, inArray, isNull, lt, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { paymentIntents } from "../../db/schema.js";

export type IntentKind = "own_account" | "draft" | "request_inquiry" | "bunqme_tab";
export type IntentRow = typeof paymentIntents.$inferSelect;

/** What bunq did with an intent, as stored in `outcome` and told to the chat. */
export type IntentOutcome =
  | { kind: "paid"; paymentId: number }
  | { kind: "draft_created"; draftId: number; accountId: number }
  | {
      kind: "request_created";
      request: "inquiry" | "tab";
      id: number;
      accountId: number;
      status: string;
      shareUrl?: string;
    }
  | { kind: "refused"; reason: string; responseId?: string }
  | { kind: "not_sent"; reason: string }
  | { kind: "outcome_unknown"; reason: string };

export type FinalStatus = "completed" | "failed" | "outcome_unknown";

export function statusOf(outcome: IntentOutcome): FinalStatus {
  switch (outcome.kind) {
    case "paid":
    case "draft_created":
    case "request_created":
      return "completed";
    case "refused":
    case "not_sent":
      return "failed";
    case "outcome_unknown":
      return "outcome_unknown";
  }
}

export const MARKER_PREFIX = "bunqbot:";

/** What we put in bunq's `merchant_reference` so the object can be found again. */
export const markerOf = (nonce: string): string => `${MARKER_PREFIX}${nonce}`;

export const newNonce = (): string => randomBytes(12).toString("base64url");

/** The lease could not be renewed right before sending: someone else may own the intent now. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor() {
    super("the intent's lease could not be renewed; it was not sent");
  }
}

export class IntentStore {
  constructor(
    private readonly db: Database,
    /** Longer than a bunq request can take, so a live sender is never mistaken for a dead one. */
    readonly leaseMs: number,
  ) {}

  async insert(values: typeof paymentIntents.$inferInsert): Promise<void> {
    await this.db.insert(paymentIntents).values(values);
  }

  /** Inserts an intent that executes at once (no confirmation step); false if the nonce exists. */
  async insertExecuting(
    values: Omit<typeof paymentIntents.$inferInsert, "status" | "leaseUntil">,
  ): Promise<boolean> {
    const inserted = await this.db
      .insert(paymentIntents)
      .values({ ...values, status: "executing", leaseUntil: this.#leaseEnd() })
      .onConflictDoNothing()
      .returning({ nonce: paymentIntents.nonce });
    return inserted.length === 1;
  }

  async find(chatId: number, nonce: string): Promise<IntentRow | undefined> {
    const [row] = await this.db
      .select()
      .from(paymentIntents)
      .where(and(eq(paymentIntents.nonce, nonce), eq(paymentIntents.chatId, chatId)));
    return row;
  }

  /** awaiting_confirmation → executing, if unexpired and the chat's own; the claimer alone may send. */
  async claim(chatId: number, nonce: string): Promise<IntentRow | undefined> {
    const [claimed] = await this.db
      .update(paymentIntents)
      .set({ status: "executing", leaseUntil: this.#leaseEnd(), updatedAt: new Date() })
      .where(and(awaiting(chatId, nonce), gt(paymentIntents.expiresAt, new Date())))
      .returning();
    return claimed;
  }

  /** Called right before the request leaves: extends the lease or throws LeaseLostError. */
  async renewLease(nonce: string): Promise<void> {
    const renewed = await this.db
      .update(paymentIntents)
      .set({ leaseUntil: this.#leaseEnd() })
      .where(and(eq(paymentIntents.nonce, nonce), eq(paymentIntents.status, "executing")))
      .returning({ nonce: paymentIntents.nonce });
    if (renewed.length !== 1) throw new LeaseLostError();
  }

  /** Lets the reconciler look at an executing intent now (its sender knows nothing more). */
  async expireLease(nonce: string): Promise<void> {
    await this.db
      .update(paymentIntents)
      .set({ leaseUntil: new Date(0) })
      .where(and(eq(paymentIntents.nonce, nonce), eq(paymentIntents.status, "executing")));
  }

  /**
   * Takes executing intents whose lease ran out (their sender died or gave up), each under a
   * fresh lease, for the reconciler: `only` one intent, or all `except` some.
   */
  async takeOverExpired(which: { only?: string; except?: readonly string[] } = {}): Promise<IntentRow[]> {
    return this.db
      .update(paymentIntents)
      .set({ leaseUntil: this.#leaseEnd() })
      .where(
        and(
          eq(paymentIntents.status, "executing"),
          lt(paymentIntents.leaseUntil, new Date()),
          which.only === undefined ? undefined : eq(paymentIntents.nonce, which.only),
          which.except?.length ? notInArray(paymentIntents.nonce, [...which.except]) : undefined,
        ),
      )
      .returning();
  }

  /**
   * Stores bunq's answer for an executing intent, in one transaction with `alsoWrite` (the
   * audit record). False when the intent was no longer executing (already resolved).
   */
  async record(
    nonce: string,
    outcome: IntentOutcome,
    bunqId: number | undefined,
    alsoWrite: (tx: Pick<Database, "insert">) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx
        .update(paymentIntents)
        .set({
          status: statusOf(outcome),
          outcome: { ...outcome },
          bunqId: bunqId ?? null,
          leaseUntil: null,
          updatedAt: new Date(),
        })
        .where(and(eq(paymentIntents.nonce, nonce), eq(paymentIntents.status, "executing")))
        .returning({ nonce: paymentIntents.nonce });
      if (updated.length !== 1) return false;
      await alsoWrite(tx);
      return true;
    });
  }

  async markNotified(nonce: string): Promise<void> {
    await this.db
      .update(paymentIntents)
      .set({ notifiedAt: new Date() })
      .where(and(eq(paymentIntents.nonce, nonce), isNull(paymentIntents.notifiedAt)));
  }

  /** Resolved intents whose chat was not told within `graceMs` (the update that owned it gave up). */
  async unnotified(graceMs: number): Promise<IntentRow[]> {
    return this.db
      .select()
      .from(paymentIntents)
      .where(
        and(
          inArray(paymentIntents.status, ["completed", "failed", "outcome_unknown"]),
          isNull(paymentIntents.notifiedAt),
          lt(paymentIntents.updatedAt, new Date(Date.now() - graceMs)),
        ),
      );
  }

  /** Ids of the chat's bunq.me tabs already tied to an intent (so a lookup does not take them twice). */
  async knownTabIds(chatId: number): Promise<number[]> {
    const rows = await this.db
      .select({ bunqId: paymentIntents.bunqId })
      .from(paymentIntents)
      .where(
        and(
          eq(paymentIntents.chatId, chatId),
          eq(paymentIntents.kind, "bunqme_tab"),
          sql`${paymentIntents.bunqId} is not null`,
        ),
      );
    return rows.map((row) => row.bunqId!);
  }

  /** Cancels an intent still waiting for confirmation; false when it was already handled. */
  async cancel(chatId: number, nonce: string): Promise<boolean> {
    const cancelled = await this.db
      .update(paymentIntents)
      .set({ status: "cancelled", updatedAt: new Date(), notifiedAt: new Date() })
      .where(awaiting(chatId, nonce))
      .returning({ nonce: paymentIntents.nonce });
    return cancelled.length > 0;
  }

  #leaseEnd(): Date {
    return new Date(Date.now() + this.leaseMs);
  }
}

/** The chat's intent with this nonce, still waiting for a decision. */
const awaiting = (chatId: number, nonce: string) =>
  and(
    eq(paymentIntents.nonce, nonce),
    eq(paymentIntents.chatId, chatId),
    eq(paymentIntents.status, "awaiting_confirmation"),
  );
