/**
 * The update inbox on both backends: a redelivered update is stored once; one chat's updates are
 * handed out oldest first and one at a time, while other chats go ahead; an update whose worker
 * died is taken again once its lease ran out, and the dead worker can no longer mark it done.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { telegramUpdates } from "../../src/db/schema.js";
import { chatKeyOf, UpdateInbox } from "../../src/services/update-inbox.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const message = (updateId: number, chatId: number) => ({
  update_id: updateId,
  message: { message_id: updateId, date: 0, chat: { id: chatId, type: "private" }, text: `m${updateId}` },
});
const tap = (updateId: number, chatId: number) => ({
  update_id: updateId,
  callback_query: { id: `q${updateId}`, from: { id: chatId }, message: { chat: { id: chatId } }, data: "x" },
});

describe.each(testBackends)("update inbox on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openMigrated(backend);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("orders updates by the chat of a message or of a tapped button", () => {
    expect(chatKeyOf(message(1, 42))).toBe("chat:42");
    expect(chatKeyOf(tap(2, 42))).toBe("chat:42");
    expect(chatKeyOf({ update_id: 3 })).toBe("update:3");
  });

  it("stores a redelivered update once", async () => {
    const inbox = new UpdateInbox(handle.db, 10_000);
    expect(await inbox.store([message(1, 7), message(2, 7)])).toBe(2);
    expect(await inbox.store([message(2, 7), message(3, 7)])).toBe(1);
    expect(await inbox.pendingCount()).toBe(3);
  });

  it("hands out one chat's updates oldest first and one at a time, other chats meanwhile", async () => {
    const inbox = new UpdateInbox(handle.db, 10_000);
    await inbox.store([message(1, 7), message(2, 7), message(3, 8)]);
    const first = await inbox.claim();
    const second = await inbox.claim();
    expect([first?.updateId, second?.updateId]).toEqual([1, 3]);
    // Chat 7's next update waits until its first is done.
    expect(await inbox.claim()).toBeUndefined();
    await inbox.complete(first!);
    const third = await inbox.claim();
    expect(third?.updateId).toBe(2);
    expect(third?.payload).toEqual(message(2, 7));
    expect(third?.attempt).toBe(1);
  });

  it("gives an update whose worker died to another once the lease ran out; the dead worker cannot finish it", async () => {
    const inbox = new UpdateInbox(handle.db, 200);
    await inbox.store([message(1, 7), message(2, 7)]);
    const dead = await inbox.claim();
    expect(await inbox.claim()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const retaken = await inbox.claim();
    expect(retaken).toMatchObject({ updateId: 1, attempt: 2 });
    await inbox.complete(dead!); // too late: the lease is no longer its own
    expect(await inbox.renew(dead!)).toBe(false);
    expect(await inbox.claim()).toBeUndefined(); // update 1 is still owned by its new worker
    await inbox.complete(retaken!);
    expect((await inbox.claim())?.updateId).toBe(2);
  });

  it("keeps an update to try again later, still ahead of the chat's newer ones", async () => {
    const inbox = new UpdateInbox(handle.db, 10_000);
    await inbox.store([message(1, 7), message(2, 7)]);
    const claim = await inbox.claim();
    await inbox.retryLater(claim!, 150);
    expect(await inbox.claim()).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await inbox.claim()).toMatchObject({ updateId: 1, attempt: 2 });
  });

  it("never hands one update to two workers claiming at once", async () => {
    const inbox = new UpdateInbox(handle.db, 10_000);
    await inbox.store(Array.from({ length: 20 }, (_, i) => message(i + 1, 100 + i)));
    const claims = await Promise.all(Array.from({ length: 30 }, () => inbox.claim()));
    const ids = claims.flatMap((claim) => (claim ? [claim.updateId] : []));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const rows = await handle.db.select().from(telegramUpdates);
    expect(rows.every((row) => row.attempts === 1)).toBe(true);
  });
});
