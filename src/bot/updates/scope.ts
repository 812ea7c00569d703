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
  /** When the update reached us; a tap older than Telegram's answer window cannot be answered. */
  readonly receivedAt: Date;
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
 * Telegram accepts a tap's answer for about 15 s; past this the spinner is gone and the answer
 * would only be refused.
 */
const CALLBACK_ANSWER_WINDOW_MS = 10_000;

/**
 * Notes a successful answerCallbackQuery of this update, whichever Api instance sent it. On a
 * second try of an update the tap may already have been answered (Telegram refuses a second
 * answer), and a tap handled after a restart is past Telegram's window, so those answers are
 * skipped.
 */
export const answerCallbacksOnce: Transformer = async (prev, method, payload, signal) => {
  const scope = storage.getStore();
  const unanswerable =
    scope !== undefined &&
    (scope.attempt > 1 || Date.now() - scope.receivedAt.getTime() > CALLBACK_ANSWER_WINDOW_MS);
  if (method === "answerCallbackQuery" && unanswerable) {
    return { ok: true, result: true as never };
  }
  const response = await prev(method, payload, signal);
  if (method === "answerCallbackQuery" && response.ok && scope) {
    scope.callbackAnswered = true;
  }
  return response;
};
