/**
 * Workers that drain the update inbox: each claims a chat's oldest pending update, runs the
 * bot's middleware on it, and marks it done — or leaves it pending for a later try when the
 * error boundary rethrew a transient failure. While an update is handled its lease is renewed,
 * so only a dead process lets it run out.
 *
 * `stop()` takes no new updates and waits for the ones in hand up to a deadline; updates still
 * running then are released (taken again at once by the next start), never marked done.
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { attended } from "../../bunq/attendance.js";
import type { Logger } from "../../logger.js";
import type { WriteBehind } from "../../services/write-behind.js";
import type { ClaimedUpdate, UpdateInbox } from "../../services/update-inbox.js";
import type { BotContext } from "../context.js";
import { runInUpdateScope } from "./scope.js";

export interface InboxWorkersOptions {
  readonly bot: Bot<BotContext>;
  readonly inbox: UpdateInbox;
  readonly writes: WriteBehind;
  readonly logger: Logger;
  readonly leaseMs: number;
  /** Parallel updates (of different chats) per process. */
  readonly concurrency?: number;
  /** Tries before an update is given up (the user is then told; see the error boundary). */
  readonly maxAttempts?: number;
  /** How often an idle worker looks for updates stored by other instances. */
  readonly idlePollMs?: number;
}

export interface InboxWorkers {
  /** Call after storing updates, so an idle worker starts at once. */
  wake(): void;
  /** Resolves when the workers stopped; returns how many updates were still running at the deadline. */
  stop(deadlineMs: number): Promise<number>;
}

const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000];

export function startInboxWorkers(options: InboxWorkersOptions): InboxWorkers {
  const { bot, inbox, writes, logger, leaseMs } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const idlePollMs = options.idlePollMs ?? 1_000;
  let stopping = false;
  let wakers: (() => void)[] = [];
  const inHand = new Map<number, ClaimedUpdate>();
  /**
   * Handled here, but "done" not yet written (the database was away): if its lease runs out
   * before the write lands and a worker of ours claims it again, it is marked done, not re-run.
   */
  const handledUnwritten = new Set<number>();

  const wake = () => {
    const waiting = wakers;
    wakers = [];
    for (const resume of waiting) resume();
  };
  const idle = (ms: number) =>
    new Promise<void>((resume) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resume();
      }
      wakers.push(done);
    });

  async function handle(claim: ClaimedUpdate): Promise<void> {
    inHand.set(claim.updateId, claim);
    const heartbeat = setInterval(() => {
      inbox.renew(claim).catch(() => undefined);
    }, leaseMs / 3);
    let verdict: "done" | "failed" | "retry" = "done";
    try {
      const scope = {
        attempt: claim.attempt,
        receivedAt: claim.receivedAt,
        finalAttempt: claim.attempt >= maxAttempts,
      };
      // A user sent this update: the bunq reads it causes are attended (not limited by PSD2).
      await attended("telegram-update", () =>
        runInUpdateScope(scope, () => bot.handleUpdate(claim.payload as unknown as Update)),
      );
    } catch (error) {
      verdict = claim.attempt >= maxAttempts ? "failed" : "retry";
      const cause = error instanceof Error && "error" in error ? (error as { error: unknown }).error : error;
      logger.warn(
        {
          updateId: claim.updateId,
          attempt: claim.attempt,
          err: { name: cause instanceof Error ? cause.name : "unknown" },
        },
        verdict === "retry" ? "update not finished; it will be handled again" : "update given up",
      );
    } finally {
      clearInterval(heartbeat);
    }
    // Written behind: with the database away the update simply stays leased, and is taken
    // again when the lease runs out — which every handler is written to survive.
    const delay = RETRY_DELAYS_MS[Math.min(claim.attempt, RETRY_DELAYS_MS.length) - 1] ?? 60_000;
    if (verdict !== "retry") handledUnwritten.add(claim.updateId);
    await writes.run(`update ${claim.updateId}`, async () => {
      await (verdict === "retry" ? inbox.retryLater(claim, delay) : inbox.complete(claim, verdict));
      handledUnwritten.delete(claim.updateId);
    });
    inHand.delete(claim.updateId);
  }

  async function work(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let claim: ClaimedUpdate | undefined;
      try {
        claim = await inbox.claim();
        failures = 0;
      } catch (error) {
        failures++;
        if (failures === 1) {
          logger.warn(
            { err: { name: error instanceof Error ? error.name : "unknown" } },
            "update inbox unreachable",
          );
        }
        await idle(Math.min(idlePollMs * 2 ** failures, 10_000));
        continue;
      }
      if (claim && handledUnwritten.has(claim.updateId)) {
        await writes.run(`update ${claim.updateId}`, () => inbox.complete(claim));
        handledUnwritten.delete(claim.updateId);
      } else if (claim) {
        await handle(claim);
      } else {
        await idle(idlePollMs);
      }
    }
  }

  const running = Array.from({ length: options.concurrency ?? 4 }, () => work());
  return {
    wake,
    async stop(deadlineMs) {
      stopping = true;
      wake();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(running).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (finished) return 0;
      const unfinished = [...inHand.values()];
      await Promise.all(unfinished.map((claim) => inbox.retryLater(claim, 0).catch(() => undefined)));
      return unfinished.length;
    },
  };
}
