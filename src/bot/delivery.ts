/**
 * How updates reach the bot: a webhook when the app has a public URL, long polling otherwise.
 * `stop()` stops taking updates and waits for the ones in flight.
 */
import type { Bot } from "grammy";
import type { RunnerHandle } from "@grammyjs/runner";
import type { BotContext } from "./context.js";
import { startPolling } from "./polling.js";
import { createWebhook, type Webhook } from "./webhook.js";

export interface UpdateDelivery {
  /** The Express route to mount, in webhook mode. */
  readonly webhook?: Webhook;
  /** Call after the HTTP server listens (Telegram may post at once). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function chooseDelivery(bot: Bot<BotContext>, publicBaseUrl: string | undefined): UpdateDelivery {
  if (publicBaseUrl !== undefined) {
    const webhook = createWebhook(bot);
    // The webhook stays registered on stop: Telegram keeps new updates until we are back.
    return { webhook, start: () => webhook.register(publicBaseUrl), stop: async () => undefined };
  }
  let runner: RunnerHandle | undefined;
  return {
    async start() {
      runner = await startPolling(bot);
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
