/**
 * Receiving a bunq callback, with the real inbox and held balances: the secret in the URL picks
 * the connection; an event is stored once (bunq's retries are duplicates) and another state of
 * the object is a new event; anything about an account, currency, IBAN or bunq user that is not
 * the connection's is ignored without a trace in the inbox or the held balances; and an event
 * that moved money makes /balance read bunq again, while one that did not leaves the copy usable.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { bunqCallbacks, heldBalances, telegramChats } from "../../src/db/schema.js";
import { createLogger } from "../../src/logger.js";
import { HeldBalances } from "../../src/services/banking/held-balances.js";
import { CallbackInbox } from "../../src/services/notifications/callback-inbox.js";
import { CallbackReceiver } from "../../src/services/notifications/callback-receiver.js";
import {
  account,
  amount,
  connectChat,
  draftCallback,
  IBAN_MAIN,
  IBAN_OTHER_CHAT,
  IBAN_SAVINGS,
  notification,
  oauthCallback,
  ownAccounts,
  paymentCallback,
  requestCallback,
  tabCallback,
  tabResult,
} from "../helpers/callbacks.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const CHAT = 6001;
const OTHER_CHAT = 6002;
const SECRET = "secret-of-chat-6001-aaaaaaaaaaaaaaaaaaaa";
const OTHER_SECRET = "secret-of-chat-6002-bbbbbbbbbbbbbbbbbbbb";

describe.each(testBackends)("callback receiver on $name", (backend) => {
  let handle: DatabaseHandle;
  let held: HeldBalances;
  let receiver: CallbackReceiver;
  let wakes: number;

  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.delete(telegramChats);
    held = new HeldBalances(handle.db, { callbacksLiveSince: () => new Date(0) });
    wakes = 0;
    receiver = new CallbackReceiver({
      db: handle.db,
      inbox: new CallbackInbox(handle.db, 10_000),
      held,
      logger: createLogger({ level: "silent", pretty: false }),
      onStored: () => wakes++,
    });
    await connectChat(handle.db, { chatId: CHAT, bunqUserId: 501, secret: SECRET });
    await held.keep(CHAT, ownAccounts(), new Date(Date.now() - 1_000));
    await connectChat(handle.db, { chatId: OTHER_CHAT, bunqUserId: 502, secret: OTHER_SECRET });
    await held.keep(
      OTHER_CHAT,
      [
        account(21, { iban: IBAN_OTHER_CHAT }),
        account(22, { currency: "USD", balance: { minor: 1n, currency: "USD" } }),
      ],
      new Date(Date.now() - 1_000),
    );
  });

  const stored = () => handle.db.select().from(bunqCallbacks).orderBy(bunqCallbacks.id);
  /** What the route does: find the connection by the secret in the URL, then receive the body. */
  const receive = async (secret: string, body: unknown) => {
    const connection = await receiver.connectionFor(secret);
    if (!connection) throw new Error(`no connection owns ${secret}`);
    return receiver.receive(connection, body);
  };
  const isFresh = async (chatId = CHAT) => (await held.fresh(chatId)) !== undefined;

  it("stores an event once; bunq's repeated delivery is a duplicate and wakes nobody", async () => {
    expect(await isFresh()).toBe(true);
    const body = paymentCallback();
    expect(await receive(SECRET, body)).toEqual({ kind: "stored" });
    expect(wakes).toBe(1);
    expect(await receive(SECRET, body)).toEqual({ kind: "duplicate" });
    expect(await receive(SECRET, paymentCallback())).toEqual({ kind: "duplicate" });
    expect(wakes).toBe(1);
    const rows = await stored();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ chatId: CHAT, category: "PAYMENT", objectId: 9001, payload: body });
  });

  it("stores another state of the same object as a new event (request PENDING → ACCEPTED)", async () => {
    expect(await receive(SECRET, requestCallback("PENDING"))).toEqual({ kind: "stored" });
    expect(await receive(SECRET, requestCallback("ACCEPTED"))).toEqual({ kind: "stored" });
    expect(await receive(SECRET, requestCallback("ACCEPTED"))).toEqual({ kind: "duplicate" });
    expect((await stored()).map((r) => r.objectState)).toEqual(["PENDING", "ACCEPTED"]);
    expect(wakes).toBe(2);
  });

  it("knows no connection by an unknown secret, nor by a revoked connection's", async () => {
    expect(await receiver.connectionFor("not-a-secret")).toBeUndefined();
    expect(await receiver.connectionFor(SECRET.toUpperCase())).toBeUndefined();
    await connectChat(handle.db, { chatId: 6003, secret: "revoked-secret", status: "revoked" });
    await held.keep(6003, ownAccounts(), new Date());
    expect(await receiver.connectionFor("revoked-secret")).toBeUndefined();
    expect(await receiver.connectionFor(SECRET)).toEqual({ chatId: CHAT, bunqUserId: expect.any(Number) });
    expect(await stored()).toEqual([]);
    expect(wakes).toBe(0);
  });

  it.each([
    ["a malformed body", { NotificationUrl: { category: "PAYMENT" } }],
    ["an unknown category", paymentCallback({}, "SCHEDULE_RESULT")],
    [
      "an object its category does not carry",
      notification("PAYMENT", "PAYMENT_RECEIVED", draftCallback("ACCEPTED").NotificationUrl.object),
    ],
    ["a malformed amount", paymentCallback({ amount: amount("1,00") })],
    ["an amount with too many decimals", paymentCallback({ amount: amount("12.345") })],
    ["a malformed currency", paymentCallback({ amount: amount("1.00", "eur") })],
  ])("refuses %s as malformed, storing nothing", async (_name, body) => {
    const outcome = await receive(SECRET, body);
    expect(outcome.kind).toBe("malformed");
    expect(await stored()).toEqual([]);
    expect(await isFresh()).toBe(true);
    expect(wakes).toBe(0);
  });

  it.each([
    [
      "an account that is not the chat's",
      paymentCallback({ monetary_account_id: 99 }),
      "not one of the connection's accounts",
    ],
    [
      "another chat's account",
      paymentCallback({ monetary_account_id: 21, alias: { iban: IBAN_OTHER_CHAT } }),
      "not one of the connection's accounts",
    ],
    [
      "a request on another account",
      requestCallback("ACCEPTED", { monetary_account_id: 21 }),
      "not one of the connection's accounts",
    ],
    [
      "a draft on another account",
      draftCallback("ACCEPTED", { monetary_account_id: 99 }),
      "not one of the connection's accounts",
    ],
    [
      "a paid tab on another account",
      tabCallback("WAITING_FOR_PAYMENT", [tabResult(1, "1.00", "X")], { monetary_account_id: 99 }),
      "not one of the connection's accounts",
    ],
    [
      "a payment in another currency",
      paymentCallback({ amount: amount("5.00", "USD"), balance_after_mutation: amount("5.00", "USD") }),
      "currency of another account",
    ],
    [
      "a payment with another own IBAN",
      paymentCallback({ alias: { iban: IBAN_SAVINGS } }),
      "IBAN of another account",
    ],
    [
      "a payment with another chat's IBAN",
      paymentCallback({ alias: { iban: IBAN_OTHER_CHAT } }),
      "IBAN of another account",
    ],
    ["another bunq user's grant", oauthCallback(502), "grant of another user"],
  ])("ignores %s: nothing stored, the held balances stay usable", async (_name, body, reason) => {
    expect(await receive(SECRET, body)).toEqual({ kind: "foreign", reason });
    expect(await stored()).toEqual([]);
    expect(await isFresh()).toBe(true);
    expect(await isFresh(OTHER_CHAT)).toBe(true);
    expect(wakes).toBe(0);
  });

  it("takes the account's IBAN however it is spaced or cased", async () => {
    const spaced = IBAN_MAIN.toLowerCase()
      .replace(/(.{4})/g, "$1 ")
      .trim();
    expect(await receive(SECRET, paymentCallback({ alias: { iban: spaced } }))).toEqual({
      kind: "stored",
    });
  });

  it("stores the revocation of the chat's own grant, with or without the granting user named", async () => {
    expect(await receive(SECRET, oauthCallback(501))).toEqual({ kind: "stored" });
    expect(await receive(OTHER_SECRET, oauthCallback())).toEqual({ kind: "stored" });
    expect((await stored()).map((r) => [r.chatId, r.category])).toEqual([
      [CHAT, "OAUTH"],
      [OTHER_CHAT, "OAUTH"],
    ]);
    // A revocation moves no money.
    expect(await isFresh()).toBe(true);
  });

  it("files an event under the connection whose secret it came with", async () => {
    const body = paymentCallback({ monetary_account_id: 21, alias: { iban: IBAN_OTHER_CHAT } });
    expect(await receive(OTHER_SECRET, body)).toEqual({ kind: "stored" });
    expect((await stored()).map((r) => r.chatId)).toEqual([OTHER_CHAT]);
    expect(await isFresh(OTHER_CHAT)).toBe(false);
    expect(await isFresh(CHAT)).toBe(true);
  });

  it.each([
    ["a payment", paymentCallback()],
    ["a balance change (MUTATION)", paymentCallback({}, "MUTATION", "MUTATION_RECEIVED")],
    [
      "a payment from the savings account",
      paymentCallback({ monetary_account_id: 12, alias: { iban: IBAN_SAVINGS } }),
    ],
    ["an approved draft", draftCallback("ACCEPTED")],
    ["a paid request", requestCallback("ACCEPTED")],
    ["a paid bunq.me tab", tabCallback("WAITING_FOR_PAYMENT", [tabResult(1, "15.00", "Erin")])],
  ])("makes /balance read bunq again after %s", async (_name, body) => {
    expect(await isFresh()).toBe(true);
    expect(await receive(SECRET, body)).toEqual({ kind: "stored" });
    expect(await isFresh()).toBe(false);
    const [row] = await handle.db.select().from(heldBalances).where(eq(heldBalances.chatId, CHAT));
    expect(row!.movedAt).toBeInstanceOf(Date);
  });

  it.each([
    ["a pending draft", draftCallback("PENDING")],
    ["a rejected draft", draftCallback("REJECTED")],
    ["a pending request", requestCallback("PENDING")],
    ["a declined request", requestCallback("REJECTED")],
    ["a new bunq.me tab", tabCallback("WAITING_FOR_PAYMENT")],
  ])("keeps the held balances usable after %s", async (_name, body) => {
    expect(await receive(SECRET, body)).toEqual({ kind: "stored" });
    expect(await isFresh()).toBe(true);
  });

  it("does not mark the balances moved again for bunq's repeat of an event already stored", async () => {
    expect(await receive(SECRET, paymentCallback())).toEqual({ kind: "stored" });
    expect(await isFresh()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await held.keep(CHAT, ownAccounts(), new Date()); // /balance read bunq afterwards
    expect(await isFresh()).toBe(true);
    expect(await receive(SECRET, paymentCallback())).toEqual({ kind: "duplicate" });
    expect(await isFresh()).toBe(true);
  });
});
