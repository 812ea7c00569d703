/**
 * Ends conversations nobody answered for a while. The conversations plugin only notices a
 * timeout when the next update arrives; a user who walked away should hear that their /pay
 * was dropped, so stale conversation rows are swept from the database and the chat is told.
 */
import type { Api } from "grammy";
import type { Database } from "../db/client.js";
import { deleteStale } from "../db/kv-storage.js";
import type { Logger } from "../logger.js";
import { runPeriodically } from "../periodic.js";

export const CONVERSATION_KEY_PREFIX = "conversation:";
export const CONVERSATION_IDLE_MS = 10 * 60_000;

export interface IdleSweeperOptions {
  db: Database;
  api: Api;
  logger: Logger;
  idleMs?: number;
  intervalMs?: number;
}

export function startIdleSweeper(options: IdleSweeperOptions): { stop(): Promise<void> } {
  const idleMs = options.idleMs ?? CONVERSATION_IDLE_MS;
  const sweep = async () => {
    const chats = await deleteStale(options.db, CONVERSATION_KEY_PREFIX, new Date(Date.now() - idleMs));
    for (const chat of chats) {
      await options.api
        .sendMessage(
          Number(chat),
          `I stopped waiting after ${Math.round(idleMs / 60_000)} minutes without an answer. Nothing was sent; start again whenever you like.`,
        )
        .catch((error: unknown) =>
          options.logger.warn(
            { err: { message: String(error) } },
            "could not tell a chat its conversation ended",
          ),
        );
    }
  };
  return runPeriodically(sweep, options.intervalMs ?? 30_000, (error) =>
    options.logger.error({ err: { message: String(error) } }, "idle conversation sweep failed"),
  );
}

export const conversationKey = (chatId: number) => `${CONVERSATION_KEY_PREFIX}${chatId}`;
