/**
 * Held balances: /balance may answer from the copy last read from bunq only while callbacks
 * vouch for it. Each condition on its own makes the copy unusable — no filters registered,
 * filters registered after the read, a read from before callbacks were known to arrive without a
 * gap, a movement reported since, or plain age — and only with all of them met is the copy shown,
 * with its amounts exact. A slower, older read never overwrites a newer copy.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MonetaryAccount } from "../../src/bunq/accounts.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { bunqConnections, heldBalances, telegramChats } from "../../src/db/schema.js";
import { HeldBalances } from "../../src/services/banking/held-balances.js";
import { account, connectChat, IBAN_MAIN, IBAN_SAVINGS } from "../helpers/callbacks.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const CHAT = 4001;
const MAX_AGE = 60_000;
const NOW = new Date("2030-06-01T12:00:00.000Z");
const before = (ms: number) => new Date(NOW.getTime() - ms);

/** Amounts a float would not carry exactly, a negative balance, and a currency without decimals. */
const accounts: MonetaryAccount[] = [
  account(11, {
    description: "Main",
    iban: IBAN_MAIN,
    ownerName: "Alice Owner",
    balance: { minor: 999_999_999_999_999n, currency: "EUR" },
  }),
  account(12, {
    type: "savings",
    description: "Savings",
    iban: IBAN_SAVINGS,
    balance: { minor: -1n, currency: "EUR" },
  }),
  account(13, {
    type: "joint",
    description: "Yen",
    currency: "JPY",
    balance: { minor: 123_456n, currency: "JPY" },
    status: "BLOCKED",
    active: false,
  }),
];

describe.each(testBackends)("held balances on $name", (backend) => {
  let handle: DatabaseHandle;
  let liveSince: Date;
  let held: HeldBalances;
  const readAt = before(10_000);

  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.delete(telegramChats);
    liveSince = before(3_600_000);
    held = new HeldBalances(handle.db, { maxAgeMs: MAX_AGE, callbacksLiveSince: () => liveSince });
    await connectChat(handle.db, { chatId: CHAT, registeredAt: before(3_600_000) });
  });

  const setRegisteredAt = (at: Date | null) =>
    handle.db
      .update(bunqConnections)
      .set({ callbacksRegisteredAt: at })
      .where(eq(bunqConnections.chatId, CHAT));

  it("shows the copy when every condition holds, amounts exact to the minor unit", async () => {
    await held.keep(CHAT, accounts, readAt);
    const copy = await held.fresh(CHAT, NOW);
    expect(copy).toEqual({ accounts, readAt });
    expect(copy!.accounts[0]!.balance.minor).toBe(999_999_999_999_999n);
    expect(copy!.accounts[1]!.balance.minor).toBe(-1n);
    expect(copy!.accounts[2]!.balance).toEqual({ minor: 123_456n, currency: "JPY" });
  });

  it("has nothing to show before anything was read", async () => {
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    expect(await held.knownAccounts(CHAT)).toEqual([]);
  });

  it("is not used while the connection has no filters registered", async () => {
    await setRegisteredAt(null);
    await held.keep(CHAT, accounts, readAt);
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    // The accounts are still known, for checking callbacks.
    expect(await held.knownAccounts(CHAT)).toEqual(accounts);
  });

  it("is not used when the filters were registered after the read, and is at the very moment of it", async () => {
    await held.keep(CHAT, accounts, readAt);
    await setRegisteredAt(new Date(readAt.getTime() + 1));
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    await setRegisteredAt(readAt);
    expect(await held.fresh(CHAT, NOW)).toBeDefined();
  });

  it("is not used when read before callbacks were known to arrive without a gap", async () => {
    await held.keep(CHAT, accounts, readAt);
    liveSince = new Date(readAt.getTime() + 1);
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    liveSince = readAt;
    expect(await held.fresh(CHAT, NOW)).toBeDefined();
  });

  it("is not used once a callback reported money moving at or after the read", async () => {
    await held.keep(CHAT, accounts, readAt);
    await held.markMoved(handle.db, CHAT, new Date(readAt.getTime() - 1));
    expect(await held.fresh(CHAT, NOW)).toBeDefined();
    await held.markMoved(handle.db, CHAT, readAt);
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    await held.markMoved(handle.db, CHAT, before(1));
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    // The accounts stay known for checking callbacks, however stale the amounts.
    expect(await held.knownAccounts(CHAT)).toEqual(accounts);
  });

  it("is used again after a read that started after the movement", async () => {
    await held.keep(CHAT, accounts, readAt);
    await held.markMoved(handle.db, CHAT, before(5_000));
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    const reread = accounts.map((a) =>
      a.id === 11 ? { ...a, balance: { minor: 42n, currency: "EUR" } } : a,
    );
    await held.keep(CHAT, reread, before(4_000));
    expect(await held.fresh(CHAT, NOW)).toEqual({ accounts: reread, readAt: before(4_000) });
  });

  it("is not used once older than its maximum age", async () => {
    await held.keep(CHAT, accounts, before(MAX_AGE));
    expect(await held.fresh(CHAT, NOW)).toBeUndefined();
    await held.keep(CHAT, accounts, before(MAX_AGE - 1));
    expect(await held.fresh(CHAT, NOW)).toBeDefined();
    expect(await held.fresh(CHAT, new Date(NOW.getTime() + 1))).toBeUndefined();
  });

  it("defaults to a ten-minute bound", async () => {
    const byDefault = new HeldBalances(handle.db, { callbacksLiveSince: () => liveSince });
    await held.keep(CHAT, accounts, before(10 * 60_000 - 1));
    expect(await byDefault.fresh(CHAT, NOW)).toBeDefined();
    expect(await byDefault.fresh(CHAT, new Date(NOW.getTime() + 1))).toBeUndefined();
  });

  it("never replaces a newer copy with a slower read that started earlier", async () => {
    const newer = accounts.map((a) => ({ ...a, balance: { ...a.balance, minor: a.balance.minor - 1n } }));
    await held.keep(CHAT, newer, before(2_000));
    await held.keep(CHAT, accounts, before(3_000));
    expect(await held.fresh(CHAT, NOW)).toEqual({ accounts: newer, readAt: before(2_000) });
    expect(await held.knownAccounts(CHAT)).toEqual(newer);
    // A later read does replace it.
    await held.keep(CHAT, accounts, before(1_000));
    expect(await held.fresh(CHAT, NOW)).toEqual({ accounts, readAt: before(1_000) });
  });

  it("keeps a copy per chat", async () => {
    await connectChat(handle.db, { chatId: CHAT + 1 });
    const theirs = [account(77, { description: "Theirs" })];
    await held.keep(CHAT, accounts, readAt);
    await held.keep(CHAT + 1, theirs, readAt);
    expect((await held.fresh(CHAT, NOW))?.accounts).toEqual(accounts);
    expect((await held.fresh(CHAT + 1, NOW))?.accounts).toEqual(theirs);
    await held.markMoved(handle.db, CHAT + 1, before(1));
    expect(await held.fresh(CHAT, NOW)).toBeDefined();
    expect(await held.fresh(CHAT + 1, NOW)).toBeUndefined();
  });

  it("stores nothing, and does not fail, for a chat without a connection (one that disconnected meanwhile)", async () => {
    await handle.db.insert(telegramChats).values({ chatId: CHAT + 2, type: "private" });
    await expect(held.keep(CHAT + 2, accounts, readAt)).resolves.toBeUndefined();
    await expect(held.keep(999_999, accounts, readAt)).resolves.toBeUndefined();
    expect(await handle.db.select().from(heldBalances)).toEqual([]);
    expect(await held.fresh(CHAT + 2, NOW)).toBeUndefined();
    expect(await held.knownAccounts(999_999)).toEqual([]);
  });

  it("goes with its connection when the chat disconnects", async () => {
    await held.keep(CHAT, accounts, readAt);
    await handle.db.delete(bunqConnections).where(eq(bunqConnections.chatId, CHAT));
    expect(await held.knownAccounts(CHAT)).toEqual([]);
  });
});
