/**
 * bunq limits each IP per endpoint: 3 GETs, 5 POSTs, 2 PUTs within any 3 seconds, and one
 * session-server call within 30 seconds. One limiter per process, shared by every principal,
 * queues requests so bunq never has to answer 429 in normal operation.
 *
 * bunq counts a request when it arrives, which is somewhere between our send and its answer.
 * So a request holds its slot from the moment it is sent until a full window after its
 * answer came back: network jitter (a slow first connection, a busy CI machine) can then
 * never squeeze a fourth GET into bunq's window, and the cost is one round trip per window.
 */
import { setTimeout as sleep } from "node:timers/promises";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

interface Rule {
  readonly limit: number;
  readonly windowMs: number;
}

const DOCUMENTED_RULES: Record<HttpMethod, Rule> = {
  GET: { limit: 3, windowMs: 3_000 },
  POST: { limit: 5, windowMs: 3_000 },
  PUT: { limit: 2, windowMs: 3_000 },
  // The docs name no DELETE limit; treat it like PUT, the strictest write.
  DELETE: { limit: 2, windowMs: 3_000 },
};
const SESSION_SERVER_RULE: Rule = { limit: 1, windowMs: 30_000 };

export interface RateLimiterOptions {
  /** Multiplies every window (tests run bunq's emulator with shrunken windows). */
  readonly timeScale?: number;
  /**
   * Extra spacing as a fraction of the window: requests are counted when they reach bunq,
   * so jitter in transit must not squeeze four GETs into one window there.
   */
  readonly safetyMargin?: number;
}

/** A granted slot; `endsAt` is Infinity while the request is in flight. */
interface Grant {
  endsAt: number;
}

/** Call once the answer (or a network failure) is in: starts the slot's window. */
export type ReleaseSlot = () => void;

/** `/user/12/monetary-account/34/payment?count=200` → `/user/{id}/monetary-account/{id}/payment`. */
export function endpointPattern(path: string): string {
  return (path.split("?")[0] ?? "").replace(/\/\d+(?=\/|$)/g, "/{id}");
}

export class RateLimiter {
  readonly #scale: number;
  readonly #margin: number;
  readonly #grants = new Map<string, Grant[]>();
  readonly #released = new Map<string, (() => void)[]>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #pausedUntil = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.#scale = options.timeScale ?? 1;
    this.#margin = options.safetyMargin ?? 0.01;
  }

  #ruleFor(method: HttpMethod, pattern: string): Rule {
    const rule =
      method === "POST" && pattern === "/session-server" ? SESSION_SERVER_RULE : DOCUMENTED_RULES[method];
    return { limit: rule.limit, windowMs: rule.windowMs * this.#scale * (1 + this.#margin) };
  }

  /** Resolves when a request may be sent; callers queue in order per endpoint. */
  acquire(method: HttpMethod, path: string): Promise<ReleaseSlot> {
    const key = `${method} ${endpointPattern(path)}`;
    const rule = this.#ruleFor(method, endpointPattern(path));
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const turn = previous.then(() => this.#waitForSlot(key, rule));
    this.#queues.set(key, turn);
    return turn;
  }

  /** After a 429 anyway: hold the endpoint for a whole window. */
  backOff(method: HttpMethod, path: string): void {
    const key = `${method} ${endpointPattern(path)}`;
    const { windowMs } = this.#ruleFor(method, endpointPattern(path));
    this.#pausedUntil.set(key, Date.now() + windowMs);
  }

  async #waitForSlot(key: string, rule: Rule): Promise<ReleaseSlot> {
    const grants = this.#grants.get(key) ?? [];
    this.#grants.set(key, grants);
    for (;;) {
      const now = Date.now();
      const pausedUntil = this.#pausedUntil.get(key) ?? 0;
      if (pausedUntil > now) {
        await sleep(pausedUntil - now);
        continue;
      }
      const live = grants.filter((grant) => grant.endsAt > now);
      grants.splice(0, grants.length, ...live);
      if (grants.length < rule.limit) {
        const grant: Grant = { endsAt: Infinity };
        grants.push(grant);
        return () => {
          grant.endsAt = Date.now() + rule.windowMs;
          for (const wake of this.#released.get(key)?.splice(0) ?? []) wake();
        };
      }
      const soonest = Math.min(...grants.map((grant) => grant.endsAt));
      if (soonest === Infinity) {
        // Every slot is in flight: wait for an answer to start a window.
        await new Promise<void>((resolve) => {
          const waiting = this.#released.get(key) ?? [];
          waiting.push(resolve);
          this.#released.set(key, waiting);
        });
      } else {
        await sleep(soonest - now + 1);
      }
    }
  }
}
