import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { oauthStates, telegramUpdates } from "../../src/db/schema.js";
import { housekeeping } from "../../src/services/housekeeping.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

describe.each(testBackends)("housekeeping on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openMigrated(backend);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("forgets handled updates after two days (never pending ones) and OAuth states an hour after they expired", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const update = (updateId: number) => ({ updateId, chatKey: "chat:5", payload: { update_id: updateId } });
    await handle.db.insert(telegramUpdates).values([
      { ...update(1), status: "done", doneAt: hoursAgo(49), receivedAt: hoursAgo(49) },
      { ...update(2), status: "done", doneAt: hoursAgo(47), receivedAt: hoursAgo(47) },
      { ...update(3), status: "pending", receivedAt: hoursAgo(50) },
    ]);
    const state = { chatId: 5, telegramUserId: 5, environment: "sandbox" as const };
    await handle.db.insert(oauthStates).values([
      { ...state, stateHash: "long-expired", expiresAt: hoursAgo(2), pendingEncrypted: "v1.k.x.y.z" },
      { ...state, stateHash: "just-expired", expiresAt: hoursAgo(0.5) },
      { ...state, stateHash: "valid", expiresAt: hoursAgo(-0.1) },
    ]);
    expect(await housekeeping(handle.db, now)).toEqual({
      updates: 1,
      callbacks: 0,
      states: 1,
      unattendedReads: 0,
    });
    expect((await handle.db.select().from(telegramUpdates)).map((r) => r.updateId).sort()).toEqual([2, 3]);
    expect((await handle.db.select().from(oauthStates)).map((r) => r.stateHash).sort()).toEqual([
      "just-expired",
      "valid",
    ]);
  });
});
