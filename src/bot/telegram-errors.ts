/** Telegram answers worth recognising rather than treating as failures. */
import { GrammyError, type Transformer } from "grammy";

/**
 * Editing a message to what it already shows is refused with "message is not modified"
 * (e.g. Refresh when nothing changed); for the user nothing went wrong.
 */
export async function editOrIgnoreUnchanged(edit: () => Promise<unknown>): Promise<void> {
  try {
    await edit();
  } catch (error) {
    if (error instanceof GrammyError && error.description.includes("message is not modified")) return;
    throw error;
  }
}

/**
 * Answering a callback query only stops the button's spinner. Telegram refuses the answer when
 * the query is older than about 15 seconds — e.g. a tap delivered after a restart — and that
 * must not stop the tap itself from being handled, so the refusal is treated as done.
 */
export const tolerateStaleCallbackAnswers: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (
    method === "answerCallbackQuery" &&
    !response.ok &&
    response.error_code === 400 &&
    response.description.includes("query is too old")
  ) {
    return { ok: true, result: true as never };
  }
  return response;
};
