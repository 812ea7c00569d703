/**
 * The command menu a user would actually see in a chat, resolved like Telegram clients do:
 * the most specific scope that has commands wins, and a list for the user's language beats the
 * language-less one within each scope.
 */
import type { EmulatorState, SimChat } from "./state.js";

export function effectiveCommands(
  state: EmulatorState,
  chat: SimChat,
  userId: number | undefined,
  language: string,
) {
  const scopes =
    chat.type === "private"
      ? [`chat:${chat.id}`, "all_private_chats", "default"]
      : [
          ...(userId !== undefined ? [`chat_member:${chat.id}:${userId}`] : []),
          `chat:${chat.id}`,
          "all_group_chats",
          "default",
        ];
  for (const scope of scopes) {
    const list = state.commands.get(`${scope}|${language}`) ?? state.commands.get(`${scope}|`);
    if (list) return { scope: list.scope, language_code: list.language_code, commands: list.commands };
  }
  return { scope: null, language_code: "", commands: [] };
}
