/**
 * Bounded retries for Bot API calls. grammY's auto-retry handles flood control (429) and 5xx
 * well, but retries network errors forever with back-off up to an hour, so one call during a
 * Telegram outage would block its chat's queue and shutdown. Network errors here get a few
 * tries and then fail; the update inbox takes the whole update again later.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { HttpError, type Transformer } from "grammy";
import type { Logger } from "../../logger.js";

export interface TelegramRetryOptions {
  readonly attempts?: number;
  readonly firstDelayMs?: number;
}

export function boundedNetworkRetry(logger: Logger, options: TelegramRetryOptions = {}): Transformer {
  const attempts = options.attempts ?? 3;
  const firstDelayMs = options.firstDelayMs ?? 1000;
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || signal?.aborted || attempt >= attempts) throw error;
        const delayMs = firstDelayMs * 2 ** (attempt - 1);
        logger.warn({ method, attempt, delayMs }, "Telegram unreachable; retrying the call");
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };
}

/** Flood control and Telegram's 5xx: a few tries, never a wait longer than 30 s. */
export const boundedFloodRetry = (): Transformer =>
  autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true });

/**
 * For start-up steps that need Telegram (getMe, setWebhook, setMyCommands): tries until
 * Telegram answers, logging each failure so an operator sees why the bot is not ready yet, and
 * gives up only when `signal` aborts (SIGTERM during start-up).
 */
export async function untilTelegramAnswers<T>(
  step: string,
  call: () => Promise<T>,
  logger: Logger,
  signal: AbortSignal,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof HttpError) || signal.aborted) throw error;
      const delayMs = Math.min(1_000 * 2 ** (failures - 1), 30_000);
      logger.warn({ step, failures, delayMs }, "Telegram unreachable at start-up; still trying");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (signal.aborted) throw new StartAbortedError();
    }
  }
}

/** Start-up was interrupted by a shutdown signal. */
export class StartAbortedError extends Error {
  override name = "StartAbortedError";
  constructor() {
    super("start-up interrupted by a shutdown signal");
  }
}
