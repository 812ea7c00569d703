/** The append-only audit trail: who did what with money, never a secret or a clear chat id. */
import { createHmac } from "node:crypto";
import { AUDIT_KEY_MIN_BYTES } from "../config.js";
import type { Database } from "../db/client.js";
import { auditLog } from "../db/schema.js";

export class AuditTrail {
  readonly #key: Buffer;

  /** @param key AUDIT_PSEUDONYM_KEY: secret, and kept across encryption-key rotations. */
  constructor(key: Buffer) {
    if (key.length < AUDIT_KEY_MIN_BYTES) {
      throw new Error(`an audit pseudonym key needs at least ${AUDIT_KEY_MIN_BYTES} bytes`);
    }
    this.#key = Buffer.from(key);
  }

  /**
   * Audit rows name a chat only by this, so the log can be kept after the chat's data is
   * erased. Keyed: chat ids are small integers, so a plain hash could be reversed by trying
   * them all; without the key nobody can tell which chat a row is about.
   */
  pseudonym(chatId: number): string {
    const mac = createHmac("sha256", this.#key).update(`telegram-chat:${chatId}`).digest("hex");
    return `chat:${mac.slice(0, 16)}`;
  }

  /** `db` is the caller's transaction when the record must commit with the change it describes. */
  async record(
    db: Pick<Database, "insert">,
    chatId: number,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await db
      .insert(auditLog)
      .values({ subject: this.pseudonym(chatId), actor: "telegram-user", action, details });
  }
}

/** An IBAN, e-mail or phone number reduced to what support needs to tell entries apart. */
export const maskIdentifier = (value: string): string =>
  value.length <= 4 ? "****" : `${"*".repeat(Math.min(value.length - 4, 8))}${value.slice(-4)}`;
