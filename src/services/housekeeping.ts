/**
 * Periodic clean-up of rows that only matter for a while: handled updates (Telegram
 * redelivers for at most a day) and OAuth states past their expiry — the latter may still hold
 * an encrypted access token from an unconfirmed /connect, which is better not kept at all.
 */
import { and, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { oauthStates, telegramUpdates } from "../db/schema.js";
import type { Logger } from "../logger.js";
import { runPeriodically } from "../periodic.js";

const UPDATE_IDS_KEPT_MS = 48 * 60 * 60_000;
const EXPIRED_STATES_KEPT_MS = 60 * 60_000;

export async function housekeeping(
  db: Database,
  now = new Date(),
): Promise<{ updates: number; states: number }> {
  const updates = await db
    .delete(telegramUpdates)
    .where(
      and(
        inArray(telegramUpdates.status, ["done", "failed"]),
        lt(telegramUpdates.doneAt, new Date(now.getTime() - UPDATE_IDS_KEPT_MS)),
      ),
    )
    .returning({ id: telegramUpdates.updateId });
  const states = await db
    .delete(oauthStates)
    .where(lt(oauthStates.expiresAt, new Date(now.getTime() - EXPIRED_STATES_KEPT_MS)))
    .returning({ hash: oauthStates.stateHash });
  return { updates: updates.length, states: states.length };
}

/** Runs housekeeping now and then every `intervalMs` until stopped. */
export function startHousekeeping(db: Database, logger: Logger, intervalMs = 60 * 60_000) {
  return runPeriodically(
    async () => {
      const removed = await housekeeping(db);
      if (removed.updates + removed.states > 0) logger.info(removed, "housekeeping removed old rows");
    },
    intervalMs,
    (error) => logger.error({ err: { message: String(error) } }, "housekeeping failed"),
  );
}
