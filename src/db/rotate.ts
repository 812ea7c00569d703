/**
 * Re-encrypts every secret under the newest key. Run after adding a key to ENCRYPTION_KEYS
 * (new key last); once it reports nothing left, the old key can be removed.
 *
 * It also binds bunq server keys still stored in clear by an older version (run it once after
 * upgrading): until then those API contexts are not trusted and would be made anew.
 *
 * The bot may keep running meanwhile (a session renewed, a chat connecting), so each value is
 * written back with a compare-and-swap on the ciphertext that was read: a value someone
 * replaced in between is never overwritten with the re-encryption of its older self.
 */
import { and, eq, getTableColumns, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "./client.js";
import type { Keyring } from "./crypto.js";
import { binding, ENCRYPTED_COLUMNS, type EncryptedColumnGroup } from "./encrypted-columns.js";
import { bunqApiContexts } from "./schema.js";

export interface RotationReport {
  /** Number of values re-encrypted, per `table.purpose`. */
  readonly reencrypted: Record<string, number>;
  /** API contexts whose clear-text bunq server key was bound (an upgrade step, once). */
  readonly legacyContextsBound: number;
}

/** Where a value is about to be written back, for `RotationOptions.beforeWrite`. */
export interface RotationTarget {
  readonly table: string;
  readonly purpose: string;
  readonly row: string;
}

export interface RotationOptions {
  /**
   * Runs between reading a value and writing its re-encryption: the window in which a
   * concurrent writer can change it. Tests use it to write there.
   */
  beforeWrite?(target: RotationTarget): Promise<void>;
}

/** A value that keeps changing under us is left to its writers, who already use the newest key. */
const MAX_ATTEMPTS = 3;

export async function reencryptAll(
  db: Database,
  keyring: Keyring,
  options: RotationOptions = {},
): Promise<RotationReport> {
  const legacyContextsBound = await bindClearServerKeys(db, keyring);
  const reencrypted: Record<string, number> = {};
  const currentPrefix = `v1.${keyring.currentKeyId}.`;
  const isCurrent = (value: string) => value.startsWith(currentPrefix);
  const groups: readonly EncryptedColumnGroup[] = Object.values(ENCRYPTED_COLUMNS);
  for (const group of groups) {
    for (const [purpose, column] of Object.entries(group.columns)) {
      const field = fieldName(group, column);
      const stale = await db
        .select({ row: group.rowKey, value: column })
        .from(group.table)
        .where(and(isNotNull(column), ne(sql`left(${column}, ${currentPrefix.length})`, currentPrefix)));
      let count = 0;
      for (const { row, value: read } of stale) {
        let value = read;
        const where = { table: group.tableName, row: String(row), purpose };
        for (let attempt = 1; typeof value === "string" && !isCurrent(value); attempt++) {
          const fresh = keyring.encrypt(keyring.decrypt(value, where), where);
          await options.beforeWrite?.(where);
          const swapped = await db
            .update(group.table)
            .set({ [field]: fresh })
            .where(and(eq(group.rowKey, row), eq(column, value)))
            .returning({ row: group.rowKey });
          if (swapped.length > 0) {
            count++;
            break;
          }
          if (attempt === MAX_ATTEMPTS) break;
          // Someone wrote in between: look again; theirs is usually under the newest key already.
          const [current] = await db.select({ value: column }).from(group.table).where(eq(group.rowKey, row));
          value = current?.value;
        }
      }
      reencrypted[`${group.tableName}.${purpose}`] = count;
    }
  }
  return { reencrypted, legacyContextsBound };
}

/**
 * Trusts each clear-text server key as it is now, so this is for the operator to run right
 * after upgrading; the store itself never does it. Compare-and-swap as above.
 */
async function bindClearServerKeys(db: Database, keyring: Keyring): Promise<number> {
  const { principal, serverPublicKeyPem: clear, serverPublicKeyEncrypted: bound } = bunqApiContexts;
  const legacy = await db
    .select({ principal, pem: clear })
    .from(bunqApiContexts)
    .where(and(isNull(bound), isNotNull(clear)));
  let count = 0;
  for (const row of legacy) {
    if (row.pem === null) continue;
    const envelope = keyring.encrypt(row.pem, binding("bunqApiContexts", row.principal, "server_public_key"));
    const swapped = await db
      .update(bunqApiContexts)
      .set({ serverPublicKeyEncrypted: envelope, serverPublicKeyPem: null })
      .where(and(eq(principal, row.principal), isNull(bound), eq(clear, row.pem)))
      .returning({ principal });
    count += swapped.length;
  }
  return count;
}

/** The schema's property name of a column, which drizzle's `set()` is keyed by. */
function fieldName(group: EncryptedColumnGroup, column: PgColumn): string {
  const entry = Object.entries(getTableColumns(group.table)).find(([, candidate]) => candidate === column);
  if (!entry) throw new Error(`${group.tableName}.${column.name} is not a column of its table`);
  return entry[0];
}
