/**
 * How updates reach the bot: stored in the durable inbox by a webhook (when the app has a
 * public URL) or by long polling, then handled by inbox workers. Taking and handling are apart,
 * so shutdown can stop taking at once and still let what is in hand finish.
 */
import type { Bot } from "grammy";
import type { Logger } from "../logger.js";
import type { UpdateInbox } from "../services/update-inbox.js";
import type { WriteBehind } from "../services/write-behind.js";
import type { BotContext } from "./context.js";
import { startPolling, type Polling } from "./updates/polling.js";
import { startInboxWorkers, type InboxWorkers } from "./updates/workers.js";
import { createWebhook, type Webhook } from "./updates/webhook.js";

export interface DeliveryOptions {
  readonly bot: Bot<BotContext>;
  readonly inbox: UpdateInbox;
  readonly writes: WriteBehind;
  readonly logger: Logger;
  readonly leaseMs: number;
  /** Set: webhook at `<publicBaseUrl>/telegram/webhook`. Unset: long polling. */
  readonly webhookBaseUrl: string | undefined;
}

export interface UpdateDelivery {
  /** The Express route to mount, in webhook mode. */
  readonly webhook?: Webhook;
  /** Registers the webhook or starts polling, and starts the workers; call after the server listens. */
  start(): Promise<void>;
  /** Stops taking updates, then waits up to `deadlineMs` for the ones in hand; returns how many did not finish. */
  stop(deadlineMs: number): Promise<number>;
}

export function createDelivery(options: DeliveryOptions): UpdateDelivery {
  const { bot, inbox, logger } = options;
  let workers: InboxWorkers | undefined;
  const wake = () => workers?.wake();
  const webhook = options.webhookBaseUrl === undefined ? undefined : createWebhook(bot, inbox, wake, logger);
  let polling: Polling | undefined;
  return {
    ...(webhook ? { webhook } : {}),
    async start() {
      // Idempotent: start-up calls this again while Telegram cannot be reached.
      workers ??= startInboxWorkers({
        bot,
        inbox,
        writes: options.writes,
        logger,
        leaseMs: options.leaseMs,
      });
      const webhookBaseUrl = options.webhookBaseUrl;
      if (webhook && webhookBaseUrl !== undefined) {
        await webhook.register(webhookBaseUrl);
      } else {
        // A webhook left from an earlier run would make getUpdates fail.
        await bot.api.deleteWebhook();
        polling ??= startPolling(bot.api, inbox, wake, logger);
      }
    },
    async stop(deadlineMs) {
      // The webhook stays registered: Telegram keeps new updates until we are back.
      webhook?.refuse();
      await polling?.stop();
      return (await workers?.stop(deadlineMs)) ?? 0;
    },
  };
}
