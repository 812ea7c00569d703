/**
 * Writes that must happen even when the database is away at the moment they are due — what
 * bunq answered to a payment, that an update was handled. Each is tried at once; if the
 * database is unreachable it is kept in memory and retried until it lands, so the caller can go
 * on (and tell the user what bunq said) instead of failing. If the process dies first, the
 * reconcilers that read bunq's own records make up for the lost write.
 */
import { DatabaseUnavailableError, isDatabaseUnavailable } from "../db/availability.js";
import type { Logger } from "../logger.js";

interface QueuedWrite {
  readonly label: string;
  readonly write: () => Promise<unknown>;
  tries: number;
}

export class WriteBehind {
  readonly #queue: QueuedWrite[] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly retryMs = 500,
    /** A write on a connection the network silently dropped may never answer: try again instead. */
    private readonly attemptTimeoutMs = 10_000,
  ) {}

  /** True when written now; false when kept for later (the database is unreachable). */
  async run(label: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.#attempt(write);
      return true;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.logger.warn({ write: label }, "database unreachable; the write is kept and retried");
      this.#queue.push({ label, write, tries: 1 });
      this.#schedule();
      return false;
    }
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Retries what is queued until it is written or `deadlineMs` passed; returns what is left. */
  async flush(deadlineMs: number): Promise<number> {
    const deadline = Date.now() + deadlineMs;
    while (this.#queue.length > 0 && Date.now() < deadline) {
      await this.#drain();
      if (this.#queue.length > 0) await new Promise((resolve) => setTimeout(resolve, this.retryMs));
    }
    clearTimeout(this.#timer);
    for (const left of this.#queue) this.logger.error({ write: left.label }, "write lost at shutdown");
    return this.#queue.length;
  }

  /** Every write is safe to repeat (conditional updates), so a write that hangs is tried again. */
  async #attempt(write: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        write(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DatabaseUnavailableError()), this.attemptTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  #schedule(): void {
    if (this.#timer) return;
    const tries = this.#queue[0]?.tries ?? 1;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#drain().then(() => {
          if (this.#queue.length > 0) this.#schedule();
        });
      },
      // Capped low: the database is usually back within seconds, and until the write lands a
      // reconciler elsewhere might act on the stale row.
      Math.min(this.retryMs * 2 ** (tries - 1), 2_000),
    );
    this.#timer.unref();
  }

  /** One pass over the queue, oldest first; stops at the first write that still fails. */
  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      while (this.#queue.length > 0) {
        const next = this.#queue[0]!;
        try {
          await this.#attempt(next.write);
          this.#queue.shift();
          this.logger.info({ write: next.label }, "kept write stored");
        } catch (error) {
          next.tries++;
          if (!isDatabaseUnavailable(error)) {
            this.#queue.shift();
            this.logger.error({ write: next.label, err: describeError(error) }, "kept write failed");
            continue;
          }
          return;
        }
      }
    })().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }
}

/** The error's kind and code (a SQLSTATE or a socket error: never data), for the operator. */
function describeError(error: unknown): { name: string; code?: string } {
  const name = error instanceof Error ? error.name : "unknown";
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? { name, code } : { name };
}
