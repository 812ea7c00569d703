/** The bot's context: grammY's plus the services every feature may use. */
import type { Context } from "grammy";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { ConnectService } from "../services/connect/connect-service.js";

export interface BotServices {
  db: Database;
  connect: ConnectService;
  logger: Logger;
}

export type BotContext = Context & { services: BotServices };
