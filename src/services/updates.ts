/**
 * Telegram redelivers an update when it did not see a 2xx in time. Recording each update_id
 * once (primary key + ON CONFLICT DO NOTHING) lets the bot skip the second delivery.
 */
import { processedUpdates } from "../db/schema.js";
import type { Database } from "../db/client.js";

/** Returns true the first time an update id is seen, false on every redelivery. */
export async function claimUpdate(db: Database, updateId: number): Promise<boolean> {
  const inserted = await db
    .insert(processedUpdates)
    .values({ updateId })
    .onConflictDoNothing()
    .returning({ updateId: processedUpdates.updateId });
  return inserted.length === 1;
}
