/** The chats the bot talks to; a row exists before anything refers to the chat. */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { bunqConnections, telegramChats } from "../db/schema.js";

export interface ChatProfile {
  chatId: number;
  type: "private" | "group" | "supergroup" | "channel";
  firstName?: string | undefined;
  username?: string | undefined;
  languageCode?: string | undefined;
}

export async function rememberChat(db: Database, chat: ChatProfile): Promise<void> {
  const values = {
    chatId: chat.chatId,
    type: chat.type,
    firstName: chat.firstName ?? null,
    username: chat.username ?? null,
    languageCode: chat.languageCode ?? null,
  };
  await db
    .insert(telegramChats)
    .values(values)
    .onConflictDoUpdate({ target: telegramChats.chatId, set: { ...values, updatedAt: new Date() } });
}

/** The active connection's public facts (never the token). */
export async function activeConnection(db: Database, chatId: number) {
  const [row] = await db
    .select({ displayName: bunqConnections.displayName, status: bunqConnections.status })
    .from(bunqConnections)
    .where(eq(bunqConnections.chatId, chatId));
  return row?.status === "active" ? row : undefined;
}
