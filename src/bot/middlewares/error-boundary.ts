/** Logs a failed update with its id (never its text) and tells the user something useful. */
import type { BotError } from "grammy";
import type { Logger } from "../../logger.js";
import type { BotContext } from "../context.js";

export function errorBoundary(logger: Logger) {
  return async (error: BotError<BotContext>): Promise<void> => {
    const cause = error.error instanceof Error ? error.error : new Error(String(error.error));
    logger.error(
      { updateId: error.ctx.update.update_id, err: { name: cause.name, message: cause.message } },
      "update failed",
    );
    if (error.ctx.chat) {
      await error.ctx
        .reply(
          "Sorry, something went wrong on my side. Please try again in a minute; /help lists what I can do.",
        )
        .catch(() => undefined);
    }
  };
}
