/**
 * What the error boundary must know about the update being handled, kept in an
 * AsyncLocalStorage because grammY's conversations give each step a context of their own: which
 * try this is, whether the tap was already answered (Telegram refuses a second answer), and
 * whether the update asked bunq to move money or create something (after that, "try again"
 * could pay twice).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Transformer } from "grammy";

export interface UpdateScope {
  readonly attempt: number;
  /** No further try follows: an error now must be told to the user, not retried. */
  readonly finalAttempt: boolean;
  callbackAnswered: boolean;
  touchedBunq: boolean;
}

const storage = new AsyncLocalStorage<UpdateScope>();

export function runInUpdateScope<T>(
  scope: Omit<UpdateScope, "callbackAnswered" | "touchedBunq">,
  run: () => Promise<T>,
) {
  return storage.run({ ...scope, callbackAnswered: false, touchedBunq: false }, run);
}

export const currentUpdateScope = (): UpdateScope | undefined => storage.getStore();

/** Call before asking bunq for anything that changes state there (a payment, a request, a deletion). */
export function markTouchesBunq(): void {
  const scope = storage.getStore();
  if (scope) scope.touchedBunq = true;
}

/**
 * Notes a successful answerCallbackQuery of this update, whichever Api instance sent it. On a
 * second try of an update the tap may already have been answered (Telegram refuses a second
 * answer) and its spinner is long gone, so the answer is skipped.
 */
export const answerCallbacksOnce: Transformer = async (prev, method, payload, signal) => {
  const scope = storage.getStore();
  if (method === "answerCallbackQuery" && scope && scope.attempt > 1) {
    return { ok: true, result: true as never };
  }
  const response = await prev(method, payload, signal);
  if (method === "answerCallbackQuery" && response.ok && scope) {
    scope.callbackAnswered = true;
  }
  return response;
};
