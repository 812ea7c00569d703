/**
 * PSD2 (RTS Art. 36(5)(b)) lets an account information provider read a user's accounts at most
 * four times a day on its own initiative; reads the user asked for are not limited. So every
 * bunq read is either attended — it runs inside `attended(reason, …)`, because a user caused it
 * (a Telegram update being handled, the user's browser in the OAuth flow, the continuation of a
 * payment the user started) — or unattended, and then counted against an
 * `UnattendedReadBudget` by `ApiContext.send`, which refuses the read once the day's budget is
 * spent.
 *
 * The marker lives in an AsyncLocalStorage, so everything `fn` starts (awaits, timers, promise
 * chains) is attended too, while concurrent work started elsewhere is not.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Principal } from "./context-store.js";

/** Why a read is attended: a short word for logs, e.g. "telegram-update". */
export type AttendanceReason = string;

const storage = new AsyncLocalStorage<AttendanceReason>();

/** Runs `fn`, and everything asynchronous it starts, as caused by a user's action. */
export function attended<T>(reason: AttendanceReason, fn: () => T): T {
  return storage.run(reason, fn);
}

/** The reason the current work is attended, or undefined when no user asked for it. */
export function currentAttendance(): AttendanceReason | undefined {
  return storage.getStore();
}

/** PSD2 RTS Art. 36(5)(b): reads a connection may make per window without the user asking. */
export const UNATTENDED_READS_PER_WINDOW = 4;
/** The window of that limit, sliding: 24 hours. */
export const UNATTENDED_READ_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Counts unattended reads per principal. `take` answers true when one more read is allowed at
 * `now` — and then counts it — or false when `UNATTENDED_READS_PER_WINDOW` reads were already
 * made in the window ending at `now` (a read exactly a window old no longer counts). Must hold
 * under concurrency: of N simultaneous takes only as many as the budget allows may say true.
 */
export interface UnattendedReadBudget {
  take(principal: Principal, now: Date): Promise<boolean>;
}

/** The budget in memory, for tests and as the default when none is configured (one process only). */
export class InMemoryUnattendedReadBudget implements UnattendedReadBudget {
  readonly #reads = new Map<Principal, number[]>();

  constructor(private readonly limit = UNATTENDED_READS_PER_WINDOW) {}

  async take(principal: Principal, now: Date): Promise<boolean> {
    const since = now.getTime() - UNATTENDED_READ_WINDOW_MS;
    const recent = (this.#reads.get(principal) ?? []).filter((at) => at > since);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now.getTime());
    if (recent.length > 0) this.#reads.set(principal, recent);
    else this.#reads.delete(principal);
    return allowed;
  }
}
