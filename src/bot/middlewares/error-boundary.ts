/**
 * Logs a failed update with its id (never its text) and tells the user something they can act
 * on: connect first, reconnect, try later, or bunq's own words with its reference for support.
 *
 * Two exceptions keep money safe. A failure of our own infrastructure (database unreachable,
 * Telegram unreachable) is rethrown so the update inbox handles the whole update again later —
 * every step is idempotent, so that is safe and loses nothing. And once an update asked bunq
 * to change something, the user is never told to "try again": they hear what is known and that
 * the bot will report the result.
 */
import { GrammyError, HttpError, type BotError } from "grammy";
import {
  BunqError,
  BunqUserError,
  MaintenanceError,
  NetworkError,
  RateLimitedError,
  ServerError,
} from "../../bunq/errors.js";
import { isDatabaseUnavailable } from "../../db/availability.js";
import type { Logger } from "../../logger.js";
import { ConsentRevokedError, NotConnectedError } from "../../services/bunq-contexts.js";
import { setChatCommands } from "../commands.js";
import type { BotContext } from "../context.js";
import { userMessage } from "../messages/errors.js";
import { currentUpdateScope } from "../updates/scope.js";

export function errorBoundary(logger: Logger) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const { ctx } = error;
    const cause = error.error instanceof Error ? error.error : new Error(String(error.error));
    const scope = currentUpdateScope();
    if (isTransient(cause) && scope && !scope.finalAttempt) throw cause;
    logger[levelFor(cause)](
      {
        updateId: ctx.update.update_id,
        err: { name: cause.name, message: cause.message, ...responseIdOf(cause) },
      },
      "update failed",
    );
    if (ctx.callbackQuery && !scope?.callbackAnswered) await ctx.answerCallbackQuery().catch(() => undefined);
    if (!ctx.chat || (cause instanceof ConsentRevokedError && cause.announced)) return;
    if (cause instanceof ConsentRevokedError) {
      await setChatCommands(ctx.api, ctx.chat.id, false).catch(() => undefined);
    }
    const text = scope?.touchedBunq ? afterBunqWasAsked(cause) : userMessage(cause);
    await ctx.reply(text).catch(() => undefined);
  };
}

/** Our database or Telegram being unreachable: worth handling the update again later. */
function isTransient(error: Error): boolean {
  if (isDatabaseUnavailable(error) || error instanceof HttpError) return true;
  return error instanceof GrammyError && (error.error_code >= 500 || error.error_code === 429);
}

/**
 * For an update that asked bunq to change something: a refusal by bunq is safe to repeat
 * (nothing happened); anything else may have happened at bunq, so no retry advice.
 */
function afterBunqWasAsked(error: Error): string {
  if (
    error instanceof BunqUserError ||
    error instanceof NotConnectedError ||
    error instanceof ConsentRevokedError
  ) {
    return userMessage(error);
  }
  return "Something went wrong on my side after I asked bunq. Please do not repeat it: I will tell you here what bunq did as soon as I know, and the bunq app shows it too.";
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
