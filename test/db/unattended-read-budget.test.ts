import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UNATTENDED_READ_WINDOW_MS, UNATTENDED_READS_PER_WINDOW } from "../../src/bunq/attendance.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { unattendedReads } from "../../src/db/schema.js";
import { DatabaseUnattendedReadBudget, purgeUnattendedReads } from "../../src/db/unattended-read-budget.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const NOW = new Date("2030-01-01T12:00:00Z");
const HOUR = 3600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe.each(testBackends)("unattended-read budget on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => handle.close());
  beforeEach(async () => {
    await handle.db.delete(unattendedReads);
  });

  it(`lets exactly ${UNATTENDED_READS_PER_WINDOW} of 10 concurrent takes through`, async () => {
    const budget = new DatabaseUnattendedReadBudget(handle.db);
    const taken = await Promise.all(Array.from({ length: 10 }, () => budget.take("connection:1", NOW)));
    expect(taken.filter(Boolean)).toHaveLength(UNATTENDED_READS_PER_WINDOW);
    expect(await handle.db.select().from(unattendedReads)).toHaveLength(UNATTENDED_READS_PER_WINDOW);
  });

  it("holds across instances sharing the database", async () => {
    const budgets = Array.from({ length: 5 }, () => new DatabaseUnattendedReadBudget(handle.db));
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, i) => budgets[i % budgets.length]!.take("connection:1", NOW)),
    );
    expect(taken.filter(Boolean)).toHaveLength(UNATTENDED_READS_PER_WINDOW);
  });

  it("counts every principal on its own", async () => {
    const budget = new DatabaseUnattendedReadBudget(handle.db);
    const taken = await Promise.all(
      ["connection:1", "connection:2", "connection:3"].flatMap((principal) =>
        Array.from({ length: 6 }, () =>
          budget.take(principal as "connection:1", NOW).then((ok) => ({ principal, ok })),
        ),
      ),
    );
    for (const principal of ["connection:1", "connection:2", "connection:3"]) {
      expect(taken.filter((t) => t.principal === principal && t.ok)).toHaveLength(
        UNATTENDED_READS_PER_WINDOW,
      );
    }
  });

  it("slides the window: reads a day old no longer count", async () => {
    const budget = new DatabaseUnattendedReadBudget(handle.db);
    expect(await budget.take("connection:1", at(0))).toBe(true);
    for (let i = 0; i < 3; i++) expect(await budget.take("connection:1", at(6 * HOUR))).toBe(true);
    expect(await budget.take("connection:1", at(UNATTENDED_READ_WINDOW_MS - 1))).toBe(false);
    expect(await budget.take("connection:1", at(UNATTENDED_READ_WINDOW_MS))).toBe(true);
    expect(await budget.take("connection:1", at(UNATTENDED_READ_WINDOW_MS))).toBe(false);
  });

  it("purges reads older than the window and keeps the rest", async () => {
    const budget = new DatabaseUnattendedReadBudget(handle.db);
    await budget.take("connection:1", at(-UNATTENDED_READ_WINDOW_MS - HOUR));
    await budget.take("connection:2", at(-UNATTENDED_READ_WINDOW_MS));
    await budget.take("connection:1", at(-HOUR));
    await budget.take("connection:2", NOW);
    expect(await purgeUnattendedReads(handle.db, NOW)).toBe(2);
    const left = await handle.db.select().from(unattendedReads);
    expect(left.map((row) => row.readAt.getTime()).sort()).toEqual([at(-HOUR).getTime(), NOW.getTime()]);
    expect(await purgeUnattendedReads(handle.db, NOW)).toBe(0);
  });
});
