/**
 * The bot: one grammY Bot with its middleware in order — services on the context, per-chat
 * ordering, redelivery dedupe, the private-chat filter, then the features.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../logger.js";
import type { BotContext, BotServices } from "./context.js";
import { cancelFeature } from "./features/cancel.js";
import { connectFeature } from "./features/connect.js";
import { helpFeature } from "./features/help.js";
import { startFeature } from "./features/start.js";
import { unhandledFeature } from "./features/unhandled.js";
import { privateOnly } from "./filters/private-chat.js";
import { dedupeUpdates } from "./middlewares/dedupe.js";
import { errorBoundary } from "./middlewares/error-boundary.js";

export interface BotDeps {
  token: string;
  apiRoot: string;
  /** Known in tests and after a first getMe; otherwise fetched by bot.init(). */
  botInfo?: UserFromGetMe;
  logger: Logger;
  /** Late-bound because ConnectService needs the bot's api to notify chats. */
  services: () => BotServices;
}

/** The update types the bot handles; sent as allowed_updates with polling and setWebhook. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  bot.use((ctx, next) => {
    ctx.services = deps.services();
    return next();
  });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(dedupeUpdates);
  bot.use(privateOnly(["connect", "cancel"]));
  bot.use(startFeature, helpFeature, cancelFeature, connectFeature, unhandledFeature);
  bot.catch(errorBoundary(deps.logger));
  return bot;
}
