/** The append-only audit trail: who did what with money, never a secret or a clear chat id. */
import { createHash } from "node:crypto";
import type { Database } from "../db/client.js";
import { auditLog } from "../db/schema.js";

/** Audit rows name a chat only by a hash, so the log can be kept after the chat's data is erased. */
export const pseudonym = (chatId: number): string =>
  `chat:${createHash("sha256").update(`telegram-chat:${chatId}`).digest("hex").slice(0, 16)}`;

export async function audit(
  db: Pick<Database, "insert">,
  chatId: number,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({ subject: pseudonym(chatId), actor: "telegram-user", action, details });
}

/** An IBAN, e-mail or phone number reduced to what support needs to tell entries apart. */
export const maskIdentifier = (value: string): string =>
  value.length <= 4 ? "****" : `${"*".repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
