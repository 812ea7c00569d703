/**
 * Periodic clean-up of rows that only matter for a while: handled updates (Telegram
 * redelivers for at most a day), handled bunq callbacks (bunq retries for 5 minutes; the rows
 * hold payment details, so they are not kept longer than dedupe needs) and OAuth states past their expiry — the latter may still hold
 * an encrypted access token from an unconfirmed /connect, which is better not kept at all.
 */
import { and, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { purgeUnattendedReads } from "../db/unattended-read-budget.js";
import { bunqCallbacks, oauthStates, telegramUpdates } from "../db/schema.js";
import type { Logger } from "../logger.js";
import { runPeriodically } from "../periodic.js";

const UPDATE_IDS_KEPT_MS = 48 * 60 * 60_000;
const EXPIRED_STATES_KEPT_MS = 60 * 60_000;

export async function housekeeping(
  db: Database,
  now = new Date(),
): Promise<{ updates: number; callbacks: number; states: number; unattendedReads: number }> {
  const updates = await db
    .delete(telegramUpdates)
    .where(
      and(
        inArray(telegramUpdates.status, ["done", "failed"]),
        lt(telegramUpdates.doneAt, new Date(now.getTime() - UPDATE_IDS_KEPT_MS)),
      ),
    )
    .returning({ id: telegramUpdates.updateId });
  const callbacks = await db
    .delete(bunqCallbacks)
    .where(
      and(
        inArray(bunqCallbacks.status, ["done", "failed"]),
        lt(bunqCallbacks.doneAt, new Date(now.getTime() - UPDATE_IDS_KEPT_MS)),
      ),
    )
    .returning({ id: bunqCallbacks.id });
  const states = await db
    .delete(oauthStates)
    .where(lt(oauthStates.expiresAt, new Date(now.getTime() - EXPIRED_STATES_KEPT_MS)))
    .returning({ hash: oauthStates.stateHash });
  const unattendedReads = await purgeUnattendedReads(db, now);
  return { updates: updates.length, callbacks: callbacks.length, states: states.length, unattendedReads };
}

/** Runs housekeeping now and then every `intervalMs` until stopped. */
export function startHousekeeping(db: Database, logger: Logger, intervalMs = 60 * 60_000) {
  return runPeriodically(
    async () => {
      const removed = await housekeeping(db);
      if (Object.values(removed).some((count) => count > 0))
        logger.info(removed, "housekeeping removed old rows");
    },
    intervalMs,
    (error) => logger.error({ err: { message: String(error) } }, "housekeeping failed"),
  );
}
