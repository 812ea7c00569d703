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
  OutcomeUnknownError,
  RateLimitedError,
  ServerError,
} from "../../bunq/errors.js";
import type { Logger } from "../../logger.js";
import { ConsentRevokedError, NotConnectedError } from "../../services/bunq-contexts.js";
import { setChatCommands } from "../commands.js";
import type { BotContext } from "../context.js";

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

export function userMessage(error: Error): string {
  const reference =
    error instanceof BunqError && error.responseId ? ` (bunq reference ${error.responseId})` : "";
  if (error instanceof NotConnectedError)
    return "This chat is not connected to bunq yet. Send /connect first.";
  if (error instanceof ConsentRevokedError) {
    return "bunq no longer accepts this connection (was the app removed in bunq?). Send /connect to connect again.";
  }
  if (error instanceof BunqUserError) return `bunq refused that: ${error.message}${reference}`;
  if (error instanceof MaintenanceError)
    return "bunq is in maintenance right now. Please try again in a few minutes.";
  if (error instanceof RateLimitedError) return "bunq is busy right now. Please try again in a minute.";
  if (error instanceof OutcomeUnknownError) {
    return `bunq did not confirm the result. Check the bunq app before trying again${reference}.`;
  }
  if (error instanceof NetworkError || error instanceof ServerError) {
    return `bunq could not be reached. Please try again in a minute${reference}.`;
  }
  return "Sorry, something went wrong on my side. Please try again in a minute; /help lists what I can do.";
}
