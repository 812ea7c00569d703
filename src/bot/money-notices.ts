/**
 * The callback inbox's worker: takes each stored bunq callback, decides what it means for the
 * chat (services/notifications/announcements.ts) and tells the chat — a money notice, or that
 * access was revoked. An event is marked done only after Telegram took the message, so a crash
 * in between announces it after restart; Telegram refusing for good (the user blocked the bot)
 * ends it without retrying.
 */
import { GrammyError, type Api } from "grammy";
import type { Logger } from "../logger.js";
import type { Announcements } from "../services/notifications/announcements.js";
import {
  MAX_CALLBACK_ATTEMPTS,
  type CallbackInbox,
  type ClaimedCallback,
} from "../services/notifications/callback-inbox.js";
import type { Revocation } from "../services/connect/revocation.js";
import { localeFor } from "./format/money.js";
import { moneyNoticeText } from "./messages/money-notice.js";

/** How often the inbox is looked at when nothing woke the worker (another instance stored it). */
const POLL_MS = 1_000;
const RETRY_DELAY_MS = 5_000;

export interface MoneyNoticeWorkerDeps {
  readonly inbox: CallbackInbox;
  readonly announcements: Announcements;
  readonly revocation: Revocation;
  readonly api: Api;
  readonly logger: Logger;
}

export function startMoneyNoticeWorker(deps: MoneyNoticeWorkerDeps): {
  wake(): void;
  stop(): Promise<void>;
} {
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  const nap = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopped) {
      try {
        const claim = await deps.inbox.claim();
        if (claim) {
          await handle(deps, claim);
          continue;
        }
      } catch (error) {
        deps.logger.warn({ err: { name: errorName(error) } }, "callback inbox unavailable");
      }
      if (!stopped) await nap();
    }
  })();

  return {
    wake: () => wakeUp?.(),
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}

async function handle(deps: MoneyNoticeWorkerDeps, claim: ClaimedCallback): Promise<void> {
  try {
    const decision = await deps.announcements.decide(claim.chatId, claim.payload);
    if (decision.action === "revoke") {
      const flipped = await deps.revocation.revoke(claim.chatId, "oauth_callback");
      // A second attempt means the first died between revoking and telling: tell now.
      if (flipped || claim.attempt > 1) await deps.revocation.tell(claim.chatId);
    } else if (decision.action === "announce") {
      const { text, ...format } = moneyNoticeText(decision.notice, localeFor(decision.languageCode));
      await deps.api.sendMessage(claim.chatId, text, format);
      deps.logger.info({ chatId: claim.chatId, notice: decision.notice.kind }, "money notice sent");
    }
    await deps.inbox.complete(claim);
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400)) {
      deps.logger.info(
        { chatId: claim.chatId, code: error.error_code },
        "chat cannot be told; notice dropped",
      );
      await deps.inbox.complete(claim, "failed");
      return;
    }
    const giveUp = claim.attempt >= MAX_CALLBACK_ATTEMPTS;
    deps.logger.warn(
      { chatId: claim.chatId, attempt: claim.attempt, err: { name: errorName(error) } },
      giveUp ? "callback could not be handled; given up" : "callback could not be handled; will retry",
    );
    if (giveUp) await deps.inbox.complete(claim, "failed");
    else await deps.inbox.retryLater(claim, RETRY_DELAY_MS);
  }
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : "unknown");
