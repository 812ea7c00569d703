/**
 * Registers a connection's callbacks at bunq: URL notification filters at user level for the
 * categories we announce or learn from, pointing at `<prefix><secret>` — a fresh 256-bit secret
 * per registration, of which only the hash is stored. bunq does not sign callbacks, so that
 * unguessable path is what ties a callback to its connection.
 */
import { eq } from "drizzle-orm";
import { CALLBACK_CATEGORIES } from "../../bunq/callbacks.js";
import { CallbackSlotsTakenError, replaceCallbackFilters } from "../../bunq/notification-filters.js";
import type { Database } from "../../db/client.js";
import { bunqConnections } from "../../db/schema.js";
import type { Logger } from "../../logger.js";
import type { BunqContexts } from "../bunq-contexts.js";
import { hashToken, newToken } from "../connect/state-token.js";

/** Whether the chat will hear when money moves, and if not, why. */
export type CallbackAvailability = "on" | "no_public_url" | "full" | "failed";

export interface CallbackRegistrationDeps {
  readonly db: Database;
  readonly contexts: BunqContexts;
  readonly logger: Logger;
  /** See bunqCallbackPrefix(); undefined when bunq cannot reach us. */
  readonly prefix: string | undefined;
}

export class CallbackRegistration {
  constructor(private readonly deps: CallbackRegistrationDeps) {}

  /** Whether a filter target is one of ours (any connection's, any secret). */
  isOurs = (target: string): boolean => this.deps.prefix !== undefined && target.startsWith(this.deps.prefix);

  /**
   * Registers (or re-registers, replacing our earlier filters) the chat's callbacks. The new
   * secret is stored before bunq hears of it, so a callback that arrives at once is accepted.
   */
  async register(chatId: number): Promise<CallbackAvailability> {
    const { prefix } = this.deps;
    if (!prefix) {
      await this.#record(chatId, { callbackTokenHash: null, callbacksUnavailable: "no_public_url" });
      return "no_public_url";
    }
    const secret = newToken();
    await this.#record(chatId, { callbackTokenHash: hashToken(secret), callbacksUnavailable: null });
    try {
      await this.deps.contexts.run(chatId, (context) =>
        replaceCallbackFilters(
          context,
          this.isOurs,
          CALLBACK_CATEGORIES.map((category) => ({ category, target: `${prefix}${secret}` })),
        ),
      );
    } catch (error) {
      const full = error instanceof CallbackSlotsTakenError;
      this.deps.logger.warn(
        {
          chatId,
          err: { name: (error as Error).name, message: full ? (error as Error).message : undefined },
        },
        full ? "bunq callback URLs taken by other apps" : "registering bunq callbacks failed",
      );
      await this.#record(chatId, { callbackTokenHash: null, callbacksUnavailable: full ? "full" : "failed" });
      return full ? "full" : "failed";
    }
    await this.#record(chatId, { callbacksRegisteredAt: new Date() });
    return "on";
  }

  async #record(chatId: number, values: Partial<typeof bunqConnections.$inferInsert>): Promise<void> {
    await this.deps.db
      .update(bunqConnections)
      .set({ callbacksRegisteredAt: null, ...values, updatedAt: new Date() })
      .where(eq(bunqConnections.chatId, chatId));
  }
}
