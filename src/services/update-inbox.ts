/**
 * The durable update inbox (table `telegram_updates`). Delivery stores updates and forgets
 * them; workers claim each chat's oldest pending update under a lease, handle it, and mark it
 * done. Because "done" is written only after the handling finished, an update whose handling
 * died with its process is taken again when the lease runs out — and because the claim picks
 * only a chat's oldest pending update, one chat's updates are handled one at a time, in order,
 * by however many workers and instances share the database.
 */
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { rowsOf } from "../db/rows.js";
import { telegramUpdates } from "../db/schema.js";

/** The smallest shape of a Telegram update we rely on; the rest is kept as Telegram sent it. */
export interface StoredUpdate {
  readonly update_id: number;
}

export interface ClaimedUpdate {
  readonly updateId: number;
  readonly payload: StoredUpdate;
  /** 1 for the first try. */
  readonly attempt: number;
  /** When the update reached us (webhook post or getUpdates). */
  readonly receivedAt: Date;
  readonly leaseToken: string;
}

/**
 * Which chat an update belongs to, for ordering. Updates without a chat (none of the types we
 * ask for, today) are ordered on their own.
 */
export function chatKeyOf(update: StoredUpdate): string {
  const record: Record<string, unknown> = { ...update };
  for (const field of ["message", "edited_message", "callback_query", "my_chat_member"]) {
    const inner = record[field];
    if (typeof inner !== "object" || inner === null) continue;
    const chat = pick(inner, "chat") ?? pick(pick(inner, "message"), "chat");
    const id = pick(chat, "id") ?? pick(pick(inner, "from"), "id");
    if (typeof id === "number") return `chat:${id}`;
  }
  return `update:${update.update_id}`;
}

function pick(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export class UpdateInbox {
  constructor(
    private readonly db: Database,
    private readonly leaseMs: number,
  ) {}

  /** Stores updates; a redelivered update_id is ignored. Returns how many were new. */
  async store(updates: readonly StoredUpdate[]): Promise<number> {
    if (updates.length === 0) return 0;
    const inserted = await this.db
      .insert(telegramUpdates)
      .values(
        updates.map((update) => ({
          updateId: update.update_id,
          chatKey: chatKeyOf(update),
          payload: { ...update },
        })),
      )
      .onConflictDoNothing()
      .returning({ updateId: telegramUpdates.updateId });
    return inserted.length;
  }

  /**
   * Claims the oldest pending update of some chat whose oldest pending update is not leased.
   * `FOR UPDATE SKIP LOCKED` keeps two workers (or instances) from claiming the same row.
   */
  async claim(): Promise<ClaimedUpdate | undefined> {
    const leaseToken = randomBytes(12).toString("base64url");
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    const result = await this.db.execute(sql`
      update telegram_updates
         set lease_until = ${leaseUntil.toISOString()}::timestamptz,
             lease_token = ${leaseToken},
             attempts = attempts + 1
       where update_id = (
         select candidate.update_id from telegram_updates candidate
          where candidate.status = 'pending'
            and (candidate.lease_until is null or candidate.lease_until < now())
            and not exists (
              select 1 from telegram_updates earlier
               where earlier.chat_key = candidate.chat_key
                 and earlier.status = 'pending'
                 and earlier.update_id < candidate.update_id)
          order by candidate.update_id
          limit 1
          for update skip locked)
       returning update_id, payload, attempts, received_at`);
    const row = rowsOf<{
      update_id: string | number;
      payload: StoredUpdate;
      attempts: number;
      received_at: string | Date;
    }>(result)[0];
    if (!row) return undefined;
    return {
      updateId: Number(row.update_id),
      payload: row.payload,
      attempt: row.attempts,
      receivedAt: new Date(row.received_at),
      leaseToken,
    };
  }

  /** Extends a lease still held; false when it was lost (it ran out and another worker took it). */
  async renew(claim: ClaimedUpdate): Promise<boolean> {
    const renewed = await this.db
      .update(telegramUpdates)
      .set({ leaseUntil: new Date(Date.now() + this.leaseMs) })
      .where(held(claim))
      .returning({ updateId: telegramUpdates.updateId });
    return renewed.length === 1;
  }

  async complete(claim: ClaimedUpdate, status: "done" | "failed" = "done"): Promise<void> {
    await this.db
      .update(telegramUpdates)
      .set({ status, doneAt: new Date(), leaseUntil: null, leaseToken: null })
      .where(held(claim));
  }

  /** Leaves the update pending, to be taken again after `delayMs` (0: at once, e.g. on shutdown). */
  async retryLater(claim: ClaimedUpdate, delayMs: number): Promise<void> {
    await this.db
      .update(telegramUpdates)
      .set({ leaseUntil: new Date(Date.now() + delayMs), leaseToken: null })
      .where(held(claim));
  }

  /** How many updates wait (for logs and tests). */
  async pendingCount(): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(telegramUpdates)
      .where(eq(telegramUpdates.status, "pending"));
    return row?.count ?? 0;
  }
}

const held = (claim: ClaimedUpdate) =>
  and(
    eq(telegramUpdates.updateId, claim.updateId),
    eq(telegramUpdates.leaseToken, claim.leaseToken),
    eq(telegramUpdates.status, "pending"),
  );
