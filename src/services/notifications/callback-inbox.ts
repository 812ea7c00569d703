/**
 * The bunq callback inbox (table `bunq_callbacks`). The callback route stores each event and
 * answers 200; workers claim stored events under a lease, announce them and mark them done.
 * bunq's retries and duplicate deliveries meet the unique key (connection, category, event
 * type, object id, the object's state) and are dropped, so an event is one row; a worker that
 * dies mid-way leaves its row pending, and the row is taken again once the lease runs out.
 */
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { BunqCallback } from "../../bunq/callbacks.js";
import type { Database } from "../../db/client.js";
import { rowsOf } from "../../db/rows.js";
import { bunqCallbacks } from "../../db/schema.js";

export interface ClaimedCallback {
  readonly id: number;
  readonly chatId: number;
  readonly category: string;
  /** The body bunq sent (already checked when it was stored). */
  readonly payload: Record<string, unknown>;
  readonly attempt: number;
  readonly leaseToken: string;
}

/** After this many tries an event is given up (marked failed), so a poison row cannot loop. */
export const MAX_CALLBACK_ATTEMPTS = 5;

export class CallbackInbox {
  constructor(
    private readonly db: Database,
    private readonly leaseMs: number,
  ) {}

  /** Stores one event inside `tx`; false when it was stored before (a retry or a duplicate). */
  async store(
    tx: Pick<Database, "insert">,
    chatId: number,
    callback: BunqCallback,
    payload: Record<string, unknown>,
  ): Promise<boolean> {
    const inserted = await tx
      .insert(bunqCallbacks)
      .values({
        chatId,
        category: callback.category,
        eventType: callback.eventType,
        objectType: callback.objectType,
        objectId: callback.objectId,
        objectState: callback.objectState,
        payload,
      })
      .onConflictDoNothing()
      .returning({ id: bunqCallbacks.id });
    return inserted.length === 1;
  }

  /** Claims the oldest pending event nobody holds; `FOR UPDATE SKIP LOCKED` keeps workers apart. */
  async claim(): Promise<ClaimedCallback | undefined> {
    const leaseToken = randomBytes(12).toString("base64url");
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    const result = await this.db.execute(sql`
      update bunq_callbacks
         set lease_until = ${leaseUntil.toISOString()}::timestamptz,
             lease_token = ${leaseToken},
             attempts = attempts + 1
       where id = (
         select id from bunq_callbacks
          where status = 'pending' and (lease_until is null or lease_until < now())
          order by id
          limit 1
          for update skip locked)
       returning id, chat_id, category, payload, attempts`);
    const row = rowsOf<{
      id: string | number;
      chat_id: string | number;
      category: string;
      payload: Record<string, unknown>;
      attempts: number;
    }>(result)[0];
    if (!row) return undefined;
    return {
      id: Number(row.id),
      chatId: Number(row.chat_id),
      category: row.category,
      payload: row.payload,
      attempt: row.attempts,
      leaseToken,
    };
  }

  async complete(claim: ClaimedCallback, status: "done" | "failed" = "done"): Promise<void> {
    await this.db
      .update(bunqCallbacks)
      .set({ status, doneAt: new Date(), leaseUntil: null, leaseToken: null })
      .where(held(claim));
  }

  /** Leaves the event pending, to be taken again after `delayMs`. */
  async retryLater(claim: ClaimedCallback, delayMs: number): Promise<void> {
    await this.db
      .update(bunqCallbacks)
      .set({ leaseUntil: new Date(Date.now() + delayMs), leaseToken: null })
      .where(held(claim));
  }
}

const held = (claim: ClaimedCallback) =>
  and(
    eq(bunqCallbacks.id, claim.id),
    eq(bunqCallbacks.leaseToken, claim.leaseToken),
    eq(bunqCallbacks.status, "pending"),
  );
