import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { oauthStates, processedUpdates } from "../../src/db/schema.js";
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

  it("forgets update ids after two days and OAuth states an hour after they expired", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    await handle.db.insert(processedUpdates).values([
      { updateId: 1, processedAt: hoursAgo(49) },
      { updateId: 2, processedAt: hoursAgo(47) },
    ]);
    const state = { chatId: 5, telegramUserId: 5, environment: "sandbox" as const };
    await handle.db.insert(oauthStates).values([
      { ...state, stateHash: "long-expired", expiresAt: hoursAgo(2), pendingEncrypted: "v1.k.x.y.z" },
      { ...state, stateHash: "just-expired", expiresAt: hoursAgo(0.5) },
      { ...state, stateHash: "valid", expiresAt: hoursAgo(-0.1) },
    ]);
    expect(await housekeeping(handle.db, now)).toEqual({ updates: 1, states: 1 });
    expect((await handle.db.select().from(processedUpdates)).map((r) => r.updateId)).toEqual([2]);
    expect((await handle.db.select().from(oauthStates)).map((r) => r.stateHash).sort()).toEqual([
      "just-expired",
      "valid",
    ]);
  });
});
