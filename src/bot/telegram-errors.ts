/** Telegram answers worth recognising rather than treating as failures. */
import { GrammyError } from "grammy";

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
