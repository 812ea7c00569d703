/**
 * A key-value storage on `kv_store` in the shape grammY's conversations plugin expects
 * (read/write/delete of a versioned JSON value). Keeping conversations in the database is
 * what lets a /pay survive a restart of the bot in the middle.
 */
import { and, eq, like, lt } from "drizzle-orm";
import type { Database } from "./client.js";
import { kvStore } from "./schema.js";

/**
 * Bumped when the wrapper's own layout changes; rows of another layout read as absent, so an
 * old row ends its conversation instead of crashing it.
 */
const LAYOUT_VERSION = 1;

export interface KeyValueStorage<T> {
  read(key: string): Promise<T | undefined>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
}

export function kvStorage<T>(db: Database, prefix: string): KeyValueStorage<T> {
  const full = (key: string) => `${prefix}${key}`;
  return {
    async read(key) {
      const [row] = await db
        .select()
        .from(kvStore)
        .where(eq(kvStore.key, full(key)));
      return row && row.version === LAYOUT_VERSION ? (row.value as T) : undefined;
    },
    async write(key, value) {
      const row = { key: full(key), value, version: LAYOUT_VERSION, updatedAt: new Date() };
      await db.insert(kvStore).values(row).onConflictDoUpdate({ target: kvStore.key, set: row });
    },
    async delete(key) {
      await db.delete(kvStore).where(eq(kvStore.key, full(key)));
    },
  };
}

/** Deletes entries under `prefix` untouched since `before`; returns their keys without the prefix. */
export async function deleteStale(db: Database, prefix: string, before: Date): Promise<string[]> {
  const removed = await db
    .delete(kvStore)
    .where(and(like(kvStore.key, `${prefix}%`), lt(kvStore.updatedAt, before)))
    .returning({ key: kvStore.key });
  return removed.map((row) => row.key.slice(prefix.length));
}
