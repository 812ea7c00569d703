/**
 * Webhook mode for installs with a public URL. A fresh random secret per start means only
 * Telegram (which we just told) can post updates to us; grammY answers 401 to anything else.
 */
import { randomBytes } from "node:crypto";
import { webhookCallback, type Bot } from "grammy";
import type { RequestHandler } from "express";
import type { BotContext } from "./context.js";
import { ALLOWED_UPDATES } from "./index.js";

export const WEBHOOK_PATH = "/telegram/webhook";

export interface Webhook {
  path: string;
  handler: RequestHandler;
  /** Tells Telegram to post to `<publicBaseUrl><path>`; call once the server listens. */
  register(publicBaseUrl: string): Promise<void>;
}

export function createWebhook(bot: Bot<BotContext>): Webhook {
  const secretToken = randomBytes(32).toString("hex");
  return {
    path: WEBHOOK_PATH,
    handler: webhookCallback(bot, "express", { secretToken }),
    async register(publicBaseUrl) {
      await bot.init();
      await bot.api.setWebhook(`${publicBaseUrl}${WEBHOOK_PATH}`, {
        secret_token: secretToken,
        allowed_updates: [...ALLOWED_UPDATES],
      });
    },
  };
}
