/**
 * /disconnect: undo everything connecting did, at bunq and here. bunq-side clean-up is best
 * effort (the token may already be revoked); the local erasure always happens, leaving only
 * a pseudonymised audit record.
 */
import { eq } from "drizzle-orm";
import { removeCallbackFilters } from "../../bunq/notification-filters.js";
import type { Database } from "../../db/client.js";
import { bunqApiContexts, kvStore, oauthStates, telegramChats } from "../../db/schema.js";
import type { Logger } from "../../logger.js";
import type { AuditTrail } from "../audit.js";
import { connectionPrincipal, type BunqContexts } from "../bunq-contexts.js";

export interface DisconnectDeps {
  db: Database;
  contexts: BunqContexts;
  audit: AuditTrail;
  logger: Logger;
  /** Whether a notification filter's target is ours (only those are removed). */
  isOurCallback(target: string): boolean;
  /** Keys under kv_store that belong to the chat (its conversations). */
  chatKeys(chatId: number): string[];
}

export async function disconnect(deps: DisconnectDeps, chatId: number): Promise<{ bunqCleanedUp: boolean }> {
  let bunqCleanedUp = true;
  try {
    const context = await deps.contexts.forChat(chatId);
    await removeCallbackFilters(context, (target) => deps.isOurCallback(target));
    await context.endSession();
  } catch (error) {
    bunqCleanedUp = false;
    deps.logger.warn(
      { chatId, err: { name: (error as Error).name, message: (error as Error).message } },
      "bunq clean-up at disconnect failed; erasing local data anyway",
    );
  }
  deps.contexts.forget(chatId);
  await deps.db.transaction(async (tx) => {
    await tx.delete(bunqApiContexts).where(eq(bunqApiContexts.principal, connectionPrincipal(chatId)));
    await tx.delete(oauthStates).where(eq(oauthStates.chatId, chatId));
    for (const key of deps.chatKeys(chatId)) await tx.delete(kvStore).where(eq(kvStore.key, key));
    // Cascades to the connection and any payment intents.
    await tx.delete(telegramChats).where(eq(telegramChats.chatId, chatId));
    await deps.audit.record(tx, chatId, "bunq.disconnected", { bunqCleanedUp });
  });
  return { bunqCleanedUp };
}
