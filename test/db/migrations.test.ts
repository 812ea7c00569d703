import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { auditLog, kvStore } from "../../src/db/schema.js";
import { testBackends } from "../helpers/databases.js";

const EXPECTED_TABLES = [
  "audit_log",
  "bunq_api_contexts",
  "bunq_callbacks",
  "bunq_connections",
  "held_balances",
  "kv_store",
  "oauth_states",
  "payment_intents",
  "provider_registrations",
  "telegram_chats",
  "telegram_updates",
  "unattended_reads",
];

describe.each(testBackends)("migrations on $name", (backend) => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  async function tableNames(db: DatabaseHandle["db"]): Promise<string[]> {
    const rows = await db
      .select({ name: sql<string>`table_name` })
      .from(sql`information_schema.tables`)
      .where(sql`table_schema = 'public'`);
    return rows.map((row) => row.name).sort();
  }

  it("create every table from empty and are idempotent", async () => {
    handle = await backend.open();
    expect(await tableNames(handle.db)).toEqual([]);
    await handle.migrate();
    expect(await tableNames(handle.db)).toEqual(EXPECTED_TABLES);
    await handle.db.insert(kvStore).values({ key: "survives", value: { a: 1 } });
    await handle.migrate();
    expect(await tableNames(handle.db)).toEqual(EXPECTED_TABLES);
    expect(await handle.db.select().from(kvStore)).toHaveLength(1);
  });

  it("keep the audit log append-only", async () => {
    handle = await backend.open();
    await handle.migrate();
    await handle.db.insert(auditLog).values({ subject: "chat:ab12", actor: "user", action: "connect" });
    await expect(handle.db.update(auditLog).set({ action: "forged" })).rejects.toThrow();
    await expect(handle.db.delete(auditLog)).rejects.toThrow();
    expect((await handle.db.select().from(auditLog))[0]?.action).toBe("connect");
  });
});
