/**
 * Re-encrypts every secret under the newest key. Run after adding a key to ENCRYPTION_KEYS
 * (new key last); once it reports nothing left, the old key can be removed.
 */
import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import type { Keyring } from "./crypto.js";
import { ENCRYPTED_COLUMNS, type EncryptedColumnGroup } from "./encrypted-columns.js";

export interface RotationReport {
  /** Number of values re-encrypted, per `table.purpose`. */
  readonly reencrypted: Record<string, number>;
}

export async function reencryptAll(db: Database, keyring: Keyring): Promise<RotationReport> {
  const reencrypted: Record<string, number> = {};
  const currentPrefix = `v1.${keyring.currentKeyId}.`;
  const groups: readonly EncryptedColumnGroup[] = Object.values(ENCRYPTED_COLUMNS);
  for (const group of groups) {
    for (const [purpose, column] of Object.entries(group.columns)) {
      const stale = await db
        .select({ row: group.rowKey, value: column })
        .from(group.table)
        .where(and(isNotNull(column), ne(sql`left(${column}, ${currentPrefix.length})`, currentPrefix)));
      await db.transaction(async (tx) => {
        for (const { row, value } of stale) {
          if (typeof value !== "string") continue;
          const where = { table: group.tableName, row: String(row), purpose };
          const fresh = keyring.encrypt(keyring.decrypt(value, where), where);
          await tx.execute(
            sql`update ${group.table} set ${sql.identifier(column.name)} = ${fresh} where ${eq(group.rowKey, row)}`,
          );
        }
      });
      reencrypted[`${group.tableName}.${purpose}`] = stale.length;
    }
  }
  return { reencrypted };
}
