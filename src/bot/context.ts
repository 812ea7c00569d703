/** The bot's context: grammY's plus the services every feature may use. */
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { AccountsService } from "../services/banking/accounts.js";
import type { PaymentsService } from "../services/banking/payments.js";
import type { RequestsService } from "../services/banking/requests.js";
import type { ConnectService } from "../services/connect/connect-service.js";
import type { NotificationSettingsStore } from "../services/notifications/settings.js";

export interface BotServices {
  db: Database;
  connect: ConnectService;
  accounts: AccountsService;
  payments: PaymentsService;
  requests: RequestsService;
  notifications: NotificationSettingsStore;
  /** Removes the chat's bunq connection everywhere; see services/banking/disconnect.ts. */
  disconnect(chatId: number): Promise<{ bunqCleanedUp: boolean }>;
  logger: Logger;
}

export type BotContext = ConversationFlavor<Context & { services: BotServices }>;

/** Inside a conversation the context is a plain one; services are reached via `conversation.external`. */
export type ConversationContext = Context;
