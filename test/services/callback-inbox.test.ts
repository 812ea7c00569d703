/**
 * The bunq callback inbox: an event is one row however often bunq delivers it; workers claiming
 * at once never get the same row; a row whose worker died is taken again once its lease ran out,
 * and the dead worker can then neither finish nor postpone it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseCallback } from "../../src/bunq/callbacks.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { bunqCallbacks, telegramChats } from "../../src/db/schema.js";
import { CallbackInbox } from "../../src/services/notifications/callback-inbox.js";
import { connectChat, paymentCallback, requestCallback } from "../helpers/callbacks.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const CHAT = 5001;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testBackends)("callback inbox on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.delete(telegramChats);
    await connectChat(handle.db, { chatId: CHAT });
  });

  /** Stores `body` for CHAT as the receiver does. */
  const store = (inbox: CallbackInbox, body: ReturnType<typeof paymentCallback>, chatId = CHAT) =>
    inbox.store(handle.db, chatId, parseCallback(body), body);
  const rows = () => handle.db.select().from(bunqCallbacks).orderBy(bunqCallbacks.id);

  it("stores an event once, however often bunq delivers it; another state of the object is another event", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    expect(await store(inbox, requestCallback("PENDING"))).toBe(true);
    expect(await store(inbox, requestCallback("PENDING"))).toBe(false);
    expect(await store(inbox, requestCallback("ACCEPTED"))).toBe(true);
    expect(await store(inbox, requestCallback("ACCEPTED", { description: "changed text" }))).toBe(false);
    const stored = await rows();
    expect(stored.map((r) => [r.category, r.objectType, r.objectId, r.objectState, r.status])).toEqual([
      ["REQUEST", "RequestInquiry", 8001, "PENDING", "pending"],
      ["REQUEST", "RequestInquiry", 8001, "ACCEPTED", "pending"],
    ]);
  });

  it("keeps the same payment under MUTATION and PAYMENT, and for two chats, as separate events", async () => {
    await connectChat(handle.db, { chatId: CHAT + 1 });
    const inbox = new CallbackInbox(handle.db, 10_000);
    expect(await store(inbox, paymentCallback({}, "PAYMENT", "PAYMENT_RECEIVED"))).toBe(true);
    expect(await store(inbox, paymentCallback({}, "MUTATION", "MUTATION_RECEIVED"))).toBe(true);
    expect(await store(inbox, paymentCallback({}, "PAYMENT", "PAYMENT_RECEIVED"), CHAT + 1)).toBe(true);
    expect(await rows()).toHaveLength(3);
  });

  it("hands out the oldest pending event with the body bunq sent", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    const body = paymentCallback({ id: 1 });
    await store(inbox, body);
    await store(inbox, paymentCallback({ id: 2 }));
    const claim = await inbox.claim();
    expect(claim).toMatchObject({ chatId: CHAT, category: "PAYMENT", payload: body, attempt: 1 });
    expect(claim!.leaseToken).toMatch(/^[\w-]{16}$/);
    expect((await inbox.claim())?.payload).toEqual(paymentCallback({ id: 2 }));
    expect(await inbox.claim()).toBeUndefined();
  });

  it("never hands one event to two workers claiming at once", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    for (let id = 1; id <= 15; id++) await store(inbox, paymentCallback({ id }));
    const workers = [inbox, new CallbackInbox(handle.db, 10_000)];
    const claims = await Promise.all(Array.from({ length: 24 }, (_, i) => workers[i % 2]!.claim()));
    const ids = claims.flatMap((claim) => (claim ? [claim.id] : []));
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    expect((await rows()).every((row) => row.attempts === 1)).toBe(true);
  });

  it("takes a done event out of the inbox", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    await store(inbox, paymentCallback());
    const claim = await inbox.claim();
    await inbox.complete(claim!);
    const [row] = await rows();
    expect(row).toMatchObject({ status: "done", leaseToken: null, leaseUntil: null });
    expect(row!.doneAt).toBeInstanceOf(Date);
    expect(await inbox.claim()).toBeUndefined();
  });

  it("can give an event up as failed", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    await store(inbox, paymentCallback());
    await inbox.complete((await inbox.claim())!, "failed");
    expect((await rows())[0]!.status).toBe("failed");
    expect(await inbox.claim()).toBeUndefined();
  });

  it("gives an event whose worker died to another once the lease ran out; the dead worker cannot finish it", async () => {
    const inbox = new CallbackInbox(handle.db, 200);
    await store(inbox, paymentCallback({ id: 1 }));
    const dead = await inbox.claim();
    expect(dead?.attempt).toBe(1);
    expect(await inbox.claim()).toBeUndefined();
    await sleep(300);
    const retaken = await inbox.claim();
    expect(retaken).toMatchObject({ id: dead!.id, attempt: 2 });
    expect(retaken!.leaseToken).not.toBe(dead!.leaseToken);

    await inbox.complete(dead!); // too late: the lease is no longer its own
    expect((await rows())[0]).toMatchObject({
      status: "pending",
      leaseToken: retaken!.leaseToken,
      doneAt: null,
    });
    await inbox.retryLater(dead!, 0);
    expect((await rows())[0]).toMatchObject({ status: "pending", leaseToken: retaken!.leaseToken });
    expect(await inbox.claim()).toBeUndefined(); // still its new worker's

    await inbox.complete(retaken!);
    expect((await rows())[0]!.status).toBe("done");
  });

  it("keeps an event to try again later, not before", async () => {
    const inbox = new CallbackInbox(handle.db, 10_000);
    await store(inbox, paymentCallback());
    const first = await inbox.claim();
    await inbox.retryLater(first!, 200);
    expect(await inbox.claim()).toBeUndefined();
    await sleep(300);
    const again = await inbox.claim();
    expect(again).toMatchObject({ id: first!.id, attempt: 2 });
    // The first claim's lease was given back: it can no longer complete the event.
    await inbox.complete(first!);
    expect((await rows())[0]!.status).toBe("pending");
  });
});
