/**
 * The user withdrew the bot's access in bunq: bunq said so by an OAUTH callback, or refused the
 * token. The connection is marked revoked and everything that could still act for it — the
 * token, the API context, the callback secret, the held balances — is deleted at once, with an
 * audit record. Idempotent: only the call that flips the connection returns true, and its
 * caller tells the chat (the callback worker retries until Telegram took the message).
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { bunqApiContexts, bunqConnections, heldBalances } from "../../db/schema.js";
import type { Logger } from "../../logger.js";
import type { AuditTrail } from "../audit.js";
import { connectionPrincipal } from "../bunq-contexts.js";

export type RevocationCause = "oauth_callback" | "token_refused";

export interface RevocationDeps {
  readonly db: Database;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  /** Drops what this process holds for the chat (its cached API context). */
  forget(chatId: number): void;
  /** Tells the chat and resets its command menu. */
  tellChat(chatId: number): Promise<void>;
}

export class Revocation {
  constructor(private readonly deps: RevocationDeps) {}

  /** Revokes the chat's connection; true when this call did it. */
  async revoke(chatId: number, cause: RevocationCause): Promise<boolean> {
    const flipped = await this.deps.db.transaction(async (tx) => {
      const revoked = await tx
        .update(bunqConnections)
        .set({
          status: "revoked",
          accessTokenEncrypted: null,
          callbackTokenHash: null,
          callbacksRegisteredAt: null,
          updatedAt: new Date(),
        })
        .where(and(eq(bunqConnections.chatId, chatId), eq(bunqConnections.status, "active")))
        .returning({ chatId: bunqConnections.chatId });
      if (revoked.length === 0) return false;
      await tx.delete(bunqApiContexts).where(eq(bunqApiContexts.principal, connectionPrincipal(chatId)));
      await tx.delete(heldBalances).where(eq(heldBalances.chatId, chatId));
      await this.deps.audit.record(tx, chatId, "bunq.revoked", { cause });
      return true;
    });
    this.deps.forget(chatId);
    if (flipped) this.deps.logger.info({ chatId, cause }, "bunq connection revoked");
    return flipped;
  }

  tell(chatId: number): Promise<void> {
    return this.deps.tellChat(chatId);
  }

  /**
   * Revokes and, if this call did it, tells the chat at once; true when the chat was told (a
   * failure to tell is logged, and the caller's own error message then says it instead).
   */
  async revokeAndTell(chatId: number, cause: RevocationCause): Promise<boolean> {
    const flipped = await this.revoke(chatId, cause);
    if (!flipped) return false;
    try {
      await this.deps.tellChat(chatId);
    } catch (error) {
      this.deps.logger.warn(
        { chatId, err: { name: error instanceof Error ? error.name : "unknown" } },
        "could not tell a chat its bunq access was revoked",
      );
      return false;
    }
    return true;
  }
}
