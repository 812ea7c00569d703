/**
 * Logs a failed update with its id (never its text) and tells the user something they can act
 * on: connect first, reconnect, try later, or bunq's own words with its reference for support.
 */
import type { BotError } from "grammy";
import {
  BunqError,
  BunqUserError,
  MaintenanceError,
  NetworkError,
  RateLimitedError,
  ServerError,
} from "../../bunq/errors.js";
import type { Logger } from "../../logger.js";
import { ConsentRevokedError, NotConnectedError } from "../../services/bunq-contexts.js";
import { setChatCommands } from "../commands.js";
import type { BotContext } from "../context.js";
import { userMessage } from "../messages/errors.js";

export function errorBoundary(logger: Logger) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const { ctx } = error;
    const cause = error.error instanceof Error ? error.error : new Error(String(error.error));
    logger[levelFor(cause)](
      {
        updateId: ctx.update.update_id,
        err: { name: cause.name, message: cause.message, ...responseIdOf(cause) },
      },
      "update failed",
    );
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (!ctx.chat) return;
    if (cause instanceof ConsentRevokedError) {
      await setChatCommands(ctx.api, ctx.chat.id, false).catch(() => undefined);
    }
    await ctx.reply(userMessage(cause)).catch(() => undefined);
  };
}

/** The user's state (not connected) is routine; bunq being unavailable or refusing is bunq's; the rest is ours. */
function levelFor(error: Error): "info" | "warn" | "error" {
  if (error instanceof NotConnectedError || error instanceof ConsentRevokedError) return "info";
  if (
    error instanceof BunqUserError ||
    error instanceof MaintenanceError ||
    error instanceof RateLimitedError ||
    error instanceof NetworkError ||
    error instanceof ServerError
  ) {
    return "warn";
  }
  return "error";
}

const responseIdOf = (error: Error) =>
  error instanceof BunqError && error.responseId ? { responseId: error.responseId } : {};
