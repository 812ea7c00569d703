/**
 * The database implementation of the bunq client's UnattendedReadBudget: one row per
 * unattended read, shared by every instance of the bot. A take locks its principal for the
 * length of one transaction (an advisory lock, as there may be no row to lock yet), counts the
 * reads of the last 24 h and adds one only when fewer than the limit were made — so concurrent
 * takes, in this process or another, never let more through than PSD2 allows.
 */
import { and, count, eq, gt, lte, sql } from "drizzle-orm";
import {
  UNATTENDED_READ_WINDOW_MS,
  UNATTENDED_READS_PER_WINDOW,
  type UnattendedReadBudget,
} from "../bunq/attendance.js";
import type { Principal } from "../bunq/context-store.js";
import type { Database } from "./client.js";
import { unattendedReads } from "./schema.js";

/** First key of the two-key advisory lock, so these locks meet no other feature's. */
const LOCK_NAMESPACE = 0x55524431; // "URD1"

export class DatabaseUnattendedReadBudget implements UnattendedReadBudget {
  constructor(
    private readonly db: Database,
    private readonly limit = UNATTENDED_READS_PER_WINDOW,
  ) {}

  async take(principal: Principal, now: Date): Promise<boolean> {
    const since = new Date(now.getTime() - UNATTENDED_READ_WINDOW_MS);
    return this.db.transaction(async (tx) => {
      await tx.execute(
        sql`select pg_advisory_xact_lock(${sql.raw(String(LOCK_NAMESPACE))}, hashtext(${principal}::text))`,
      );
      const [made] = await tx
        .select({ reads: count() })
        .from(unattendedReads)
        .where(and(eq(unattendedReads.principal, principal), gt(unattendedReads.readAt, since)));
      if ((made?.reads ?? 0) >= this.limit) return false;
      await tx.insert(unattendedReads).values({ principal, readAt: now });
      return true;
    });
  }
}

/** Deletes reads that no longer count (older than the window); returns how many. */
export async function purgeUnattendedReads(db: Database, now = new Date()): Promise<number> {
  const removed = await db
    .delete(unattendedReads)
    .where(lte(unattendedReads.readAt, new Date(now.getTime() - UNATTENDED_READ_WINDOW_MS)))
    .returning({ id: unattendedReads.id });
  return removed.length;
}
