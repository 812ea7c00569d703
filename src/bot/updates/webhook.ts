/**
 * Webhook delivery: Telegram posts each update here; we check the secret (before reading the
 * body, so a stranger cannot make us parse anything), store the update in the inbox and answer
 * at once — handling happens in the workers, so Telegram's request never waits on bunq. While
 * shutting down, or when the database cannot take the update, the answer is 503 and Telegram
 * delivers it again later.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import express, { type RequestHandler } from "express";
import type { Bot } from "grammy";
import { z } from "zod";
import type { Logger } from "../../logger.js";
import type { UpdateInbox } from "../../services/update-inbox.js";
import type { BotContext } from "../context.js";
import { ALLOWED_UPDATES } from "./allowed.js";

export const WEBHOOK_PATH = "/telegram/webhook";
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface Webhook {
  readonly path: string;
  readonly handler: RequestHandler;
  /** Tells Telegram to post to `<publicBaseUrl><path>`; call once the server listens. */
  register(publicBaseUrl: string): Promise<void>;
  /** From now on every post is answered 503 (Telegram keeps the update and retries). */
  refuse(): void;
}

export function createWebhook(
  bot: Bot<BotContext>,
  inbox: UpdateInbox,
  onStored: () => void,
  logger: Logger,
): Webhook {
  const secretToken = Buffer.from(randomBytes(32).toString("hex"));
  const parseJson = express.json({ limit: "1mb" });
  let refusing = false;
  const handler: RequestHandler = (req, res, next) => {
    if (refusing) {
      res.status(503).end();
      return;
    }
    const given = Buffer.from(req.get(SECRET_HEADER) ?? "");
    if (given.length !== secretToken.length || !timingSafeEqual(given, secretToken)) {
      res.status(401).end();
      return;
    }
    parseJson(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      const update = updateSchema.safeParse(req.body);
      if (!update.success) {
        res.status(400).end();
        return;
      }
      inbox.store([update.data]).then(
        () => {
          onStored();
          res.status(200).end();
        },
        (storeError: unknown) => {
          logger.warn(
            { updateId: update.data.update_id, err: { name: errorName(storeError) } },
            "could not store an update; Telegram will deliver it again",
          );
          res.status(503).end();
        },
      );
    });
  };
  return {
    path: WEBHOOK_PATH,
    handler,
    async register(publicBaseUrl) {
      await bot.api.setWebhook(`${publicBaseUrl}${WEBHOOK_PATH}`, {
        secret_token: secretToken.toString(),
        allowed_updates: [...ALLOWED_UPDATES],
      });
    },
    refuse() {
      refusing = true;
    },
  };
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : "unknown");
