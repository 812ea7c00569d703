/**
 * The bot: one grammY Bot with its middleware in order — services on the context, per-chat
 * ordering, redelivery dedupe, the private-chat filter, conversations (stored in the
 * database), then the features.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import {
  conversations,
  createConversation,
  type VersionedState,
  type ConversationData,
} from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { kvStorage } from "../db/kv-storage.js";
import type { Logger } from "../logger.js";
import { financialCommands } from "./commands.js";
import type { BotContext, BotServices, ConversationContext } from "./context.js";
import { PAY_CONVERSATION, payConversation } from "./conversations/pay.js";
import { REQUEST_CONVERSATION, requestConversation } from "./conversations/request.js";
import { balanceFeature } from "./features/balance.js";
import { cancelFeature, commandLeavesConversation } from "./features/cancel.js";
import { connectFeature } from "./features/connect.js";
import { disconnectFeature } from "./features/disconnect.js";
import { helpFeature } from "./features/help.js";
import { payFeature } from "./features/pay.js";
import { requestFeature } from "./features/request.js";
import { startFeature } from "./features/start.js";
import { transactionsFeature } from "./features/transactions.js";
import { unhandledFeature } from "./features/unhandled.js";
import { privateOnly } from "./filters/private-chat.js";
import { CONVERSATION_KEY_PREFIX } from "./idle-conversations.js";
import { dedupeUpdates } from "./middlewares/dedupe.js";
import { errorBoundary } from "./middlewares/error-boundary.js";
import { tolerateStaleCallbackAnswers } from "./telegram-errors.js";

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

/**
 * Bump when a conversation's steps change in a way old stored replays would not fit; stored
 * conversations of another version are dropped instead of replayed wrongly.
 */
const CONVERSATIONS_VERSION = 1;

const retrying = () => autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 });

export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  bot.api.config.use(retrying(), tolerateStaleCallbackAnswers);
  bot.use((ctx, next) => {
    ctx.services = deps.services();
    return next();
  });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(dedupeUpdates);
  // A boundary in the middleware itself, not only bot.catch: with webhooks grammY rethrows to
  // the HTTP route, which would answer 500 and have Telegram redeliver an update we already
  // claimed — the user would never hear what went wrong.
  const guarded = bot.errorBoundary(errorBoundary(deps.logger));
  guarded.use(privateOnly([...financialCommands, "cancel"]));
  const stored = () =>
    kvStorage<VersionedState<ConversationData>>(deps.services().db, CONVERSATION_KEY_PREFIX);
  guarded.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: "key",
        version: CONVERSATIONS_VERSION,
        adapter: {
          read: (key) => stored().read(key),
          write: (key, value) => stored().write(key, value),
          delete: (key) => stored().delete(key),
        },
      },
      // Each conversation update gets a fresh Api, so retrying is installed per update.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(retrying(), tolerateStaleCallbackAnswers);
          await next();
        },
      ],
    }),
  );
  guarded.use(cancelFeature, commandLeavesConversation);
  guarded.use(createConversation<BotContext, ConversationContext>(payConversation, PAY_CONVERSATION));
  guarded.use(createConversation<BotContext, ConversationContext>(requestConversation, REQUEST_CONVERSATION));
  guarded.use(
    startFeature,
    helpFeature,
    connectFeature,
    balanceFeature,
    transactionsFeature,
    payFeature,
    requestFeature,
    disconnectFeature,
    unhandledFeature,
  );
  bot.catch(errorBoundary(deps.logger));
  return bot;
}
