/**
 * Conversations live in kv_store; one nobody answered for the idle limit is removed and its
 * chat is told, while fresh ones and other keys are left alone.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Api } from "grammy";
import { conversationKey, startIdleSweeper } from "../../src/bot/idle-conversations.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { kvStorage } from "../../src/db/kv-storage.js";
import { kvStore } from "../../src/db/schema.js";
import { openMigrated, testBackends } from "../helpers/databases.js";
import { captureLogs } from "../helpers/logs.js";
import { eq } from "drizzle-orm";

describe.each(testBackends)("idle conversations on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openMigrated(backend);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("ends a conversation idle past the limit with a message, and keeps the others", async () => {
    const storage = kvStorage<{ step: string }>(handle.db, "conversation:");
    await storage.write("111", { step: "amount" });
    await storage.write("222", { step: "description" });
    await handle.db.insert(kvStore).values({ key: "something-else", value: {} });
    // Chat 111 last answered 11 minutes ago.
    await handle.db
      .update(kvStore)
      .set({ updatedAt: new Date(Date.now() - 11 * 60_000) })
      .where(eq(kvStore.key, conversationKey(111)));
    const sent: { chatId: number; text: string }[] = [];
    const api = {
      sendMessage: async (chatId: number, text: string) => {
        sent.push({ chatId, text });
        return {};
      },
    } as unknown as Api;
    const sweeper = startIdleSweeper({
      db: handle.db,
      api,
      logger: captureLogs().logger,
      intervalMs: 60_000,
    });
    await sweeper.stop();
    expect(sent).toEqual([
      { chatId: 111, text: expect.stringContaining("after 10 minutes without an answer") },
    ]);
    expect(await storage.read("111")).toBeUndefined();
    expect(await storage.read("222")).toEqual({ step: "description" });
    expect(await handle.db.select().from(kvStore).where(eq(kvStore.key, "something-else"))).toHaveLength(1);
  });

  it("reads a row stored under another layout version as absent instead of replaying it", async () => {
    await handle.db.insert(kvStore).values({ key: "conversation:333", value: { old: true }, version: 0 });
    expect(await kvStorage(handle.db, "conversation:").read("333")).toBeUndefined();
  });
});
