/**
 * The bot: one grammY Bot with its middleware in order — services on the context, the error
 * boundary, the private-chat filter, conversations (stored in the database), then the features.
 * Per-chat ordering and redelivery are the update inbox's job (see delivery.ts): each update
 * reaches this middleware once at a time per chat, and again only if its handling did not finish.
 */
import {
  conversations,
  createConversation,
  type VersionedState,
  type ConversationData,
} from "@grammyjs/conversations";
import { Bot, type Transformer } from "grammy";
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
import { notificationsFeature } from "./features/notifications.js";
import { payFeature } from "./features/pay.js";
import { requestFeature } from "./features/request.js";
import { startFeature } from "./features/start.js";
import { transactionsFeature } from "./features/transactions.js";
import { unhandledFeature } from "./features/unhandled.js";
import { privateOnly } from "./filters/private-chat.js";
import { CONVERSATION_KEY_PREFIX } from "./idle-conversations.js";
import { errorBoundary } from "./middlewares/error-boundary.js";
import { tolerateStaleCallbackAnswers } from "./telegram-errors.js";
import { answerCallbacksOnce } from "./updates/scope.js";
import { boundedFloodRetry, boundedNetworkRetry } from "./updates/telegram-retry.js";

export interface BotDeps {
  token: string;
  apiRoot: string;
  /** Known in tests and after a first getMe; otherwise fetched by bot.init(). */
  botInfo?: UserFromGetMe;
  logger: Logger;
  /** Late-bound because ConnectService needs the bot's api to notify chats. */
  services: () => BotServices;
}

/**
 * Bump when a conversation's steps change in a way old stored replays would not fit; stored
 * conversations of another version are dropped instead of replayed wrongly.
 */
const CONVERSATIONS_VERSION = 1;

export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  // Installed on every per-update Api too: grammY copies bot.api's transformers, and the
  // conversations plugin gets them through its plugin below.
  const transformers: Transformer[] = [
    boundedFloodRetry(),
    boundedNetworkRetry(deps.logger),
    tolerateStaleCallbackAnswers,
    answerCallbacksOnce,
  ];
  bot.api.config.use(...transformers);
  bot.use((ctx, next) => {
    ctx.services = deps.services();
    return next();
  });
  // A boundary in the middleware itself: it tells the user about failures they can act on and
  // rethrows transient ones, which the inbox worker then hands back for a later try.
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
      // Each conversation update gets a fresh Api, so the transformers are installed per update.
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(...transformers);
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
    notificationsFeature,
    disconnectFeature,
    unhandledFeature,
  );
  return bot;
}
