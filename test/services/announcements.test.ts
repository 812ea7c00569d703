/**
 * What a stored callback means for its chat. One money movement is one message: a balance
 * change (MUTATION) says nothing on its own, a payment the bot made itself was already told by
 * /pay, and a transfer between the user's own accounts is told from the side it left. Drafts and
 * requests are told once decided, a bunq.me link per payment. Nothing while the chat turned
 * notifications off, nothing under its minimum, nothing once the connection is revoked; a
 * revocation callback always revokes.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { bunqConnections, paymentIntents, telegramChats } from "../../src/db/schema.js";
import { HeldBalances } from "../../src/services/banking/held-balances.js";
import { markerOf } from "../../src/services/banking/intents.js";
import { Announcements } from "../../src/services/notifications/announcements.js";
import {
  account,
  amount,
  connectChat,
  draftCallback,
  IBAN_MAIN,
  IBAN_SAVINGS,
  IBAN_STRANGER,
  oauthCallback,
  ownAccounts,
  paymentCallback,
  requestCallback,
  tabCallback,
  tabResult,
} from "../helpers/callbacks.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const CHAT = 7001;
const OTHER_CHAT = 7002;
const eur = (minor: bigint) => ({ minor, currency: "EUR" });

describe.each(testBackends)("announcements on $name", (backend) => {
  let handle: DatabaseHandle;
  let announcements: Announcements;

  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(async () => {
    await handle.db.delete(telegramChats);
    const held = new HeldBalances(handle.db, { callbacksLiveSince: () => new Date(0) });
    announcements = new Announcements(handle.db, held);
    await connectChat(handle.db, { chatId: CHAT, languageCode: "nl" });
    await held.keep(CHAT, ownAccounts(), new Date());
    await connectChat(handle.db, { chatId: OTHER_CHAT });
    await held.keep(OTHER_CHAT, [account(21)], new Date());
  });

  const setChat = (values: Partial<typeof telegramChats.$inferInsert>) =>
    handle.db.update(telegramChats).set(values).where(eq(telegramChats.chatId, CHAT));
  const intent = (chatId: number, nonce: string) =>
    handle.db.insert(paymentIntents).values({
      nonce,
      chatId,
      kind: "own_account",
      fromAccountId: 11,
      amountMinor: 2500n,
      currency: "EUR",
      description: "Dinner",
      status: "completed",
      expiresAt: new Date(Date.now() + 60_000),
    });

  describe("payments", () => {
    it("announces money received, with who sent it, the account and its balance after", async () => {
      expect(await announcements.decide(CHAT, paymentCallback())).toEqual({
        action: "announce",
        languageCode: "nl",
        notice: {
          kind: "payment_in",
          amount: eur(2500n),
          counterpartyName: "Bob Stranger",
          counterpartyIban: IBAN_STRANGER,
          description: "Dinner",
          accountName: "Main",
          balanceAfter: eur(12500n),
        },
      });
    });

    it("announces money sent as a positive amount that left the account", async () => {
      const decision = await announcements.decide(
        CHAT,
        paymentCallback({ monetary_account_id: 12, alias: { iban: IBAN_SAVINGS }, amount: amount("-0.01") }),
      );
      expect(decision).toMatchObject({
        action: "announce",
        notice: { kind: "payment_out", amount: eur(1n), accountName: "Savings" },
      });
    });

    it("leaves out what bunq did not say, and names an unnamed account plainly", async () => {
      const decision = await announcements.decide(
        CHAT,
        paymentCallback({
          monetary_account_id: 99,
          counterparty_alias: undefined,
          balance_after_mutation: undefined,
          description: undefined,
        }),
      );
      expect(decision).toEqual({
        action: "announce",
        languageCode: "nl",
        notice: { kind: "payment_in", amount: eur(2500n), description: "", accountName: "your account" },
      });
    });

    it("gives no language when the chat has none", async () => {
      await setChat({ languageCode: null });
      const decision = await announcements.decide(CHAT, paymentCallback());
      expect(decision.action).toBe("announce");
      expect(decision).not.toHaveProperty("languageCode");
    });

    it("says nothing for the balance change bunq reports alongside (MUTATION)", async () => {
      expect(await announcements.decide(CHAT, paymentCallback({}, "MUTATION", "MUTATION_RECEIVED"))).toEqual({
        action: "skip",
        reason: "balance change only",
      });
    });

    it("does not announce again a payment this chat made through the bot", async () => {
      await intent(CHAT, "mine-1");
      const body = paymentCallback({ amount: amount("-25.00"), merchant_reference: markerOf("mine-1") });
      expect(await announcements.decide(CHAT, body)).toEqual({
        action: "skip",
        reason: "nothing to announce",
      });
    });

    it("announces a payment carrying another chat's marker, or a marker of no intent", async () => {
      await intent(OTHER_CHAT, "theirs-1");
      const theirs = paymentCallback({ amount: amount("-25.00"), merchant_reference: markerOf("theirs-1") });
      expect(await announcements.decide(CHAT, theirs)).toMatchObject({
        action: "announce",
        notice: { kind: "payment_out", amount: eur(2500n) },
      });
      const unknown = paymentCallback({ merchant_reference: markerOf("nobody") });
      expect((await announcements.decide(CHAT, unknown)).action).toBe("announce");
      // A nonce without the bot's prefix is someone else's reference, even if it matches.
      await intent(CHAT, "mine-2");
      const bare = paymentCallback({ merchant_reference: "mine-2" });
      expect((await announcements.decide(CHAT, bare)).action).toBe("announce");
    });

    it("tells a transfer between own accounts once: from the side it left, not where it arrived", async () => {
      const arrived = paymentCallback({
        monetary_account_id: 12,
        alias: { iban: IBAN_SAVINGS },
        amount: amount("100.00"),
        counterparty_alias: { iban: IBAN_MAIN.toLowerCase(), display_name: "Alice Owner" },
      });
      expect(await announcements.decide(CHAT, arrived)).toEqual({
        action: "skip",
        reason: "nothing to announce",
      });
      const left = paymentCallback({
        amount: amount("-100.00"),
        counterparty_alias: { iban: IBAN_SAVINGS, display_name: "Alice Owner" },
      });
      expect(await announcements.decide(CHAT, left)).toMatchObject({
        action: "announce",
        notice: { kind: "payment_out", amount: eur(10000n), counterpartyIban: IBAN_SAVINGS },
      });
    });
  });

  describe("drafts, requests and bunq.me links", () => {
    it("announces an approved draft with the total of its entries, and a declined one", async () => {
      expect(await announcements.decide(CHAT, draftCallback("ACCEPTED"))).toEqual({
        action: "announce",
        languageCode: "nl",
        notice: {
          kind: "draft_accepted",
          amount: eur(1250n),
          counterpartyName: "Carol Landlord",
          description: "Rent part 1",
          accountName: "Main",
        },
      });
      expect(await announcements.decide(CHAT, draftCallback("REJECTED"))).toMatchObject({
        action: "announce",
        notice: { kind: "draft_rejected", amount: eur(1250n) },
      });
    });

    it.each(["PENDING", "CANCELLED"])("says nothing of a draft that is %s", async (status) => {
      expect(await announcements.decide(CHAT, draftCallback(status))).toEqual({
        action: "skip",
        reason: "nothing to announce",
      });
    });

    it("says nothing of a decided draft without entries", async () => {
      expect((await announcements.decide(CHAT, draftCallback("ACCEPTED", { entries: [] }))).action).toBe(
        "skip",
      );
    });

    it("announces a paid request and a declined one", async () => {
      expect(await announcements.decide(CHAT, requestCallback("ACCEPTED"))).toEqual({
        action: "announce",
        languageCode: "nl",
        notice: {
          kind: "request_paid",
          amount: eur(4000n),
          counterpartyName: "Dave Debtor",
          description: "Concert tickets",
          accountName: "Main",
        },
      });
      expect(await announcements.decide(CHAT, requestCallback("REJECTED"))).toMatchObject({
        action: "announce",
        notice: { kind: "request_declined", amount: eur(4000n) },
      });
    });

    it.each(["PENDING", "REVOKED", "EXPIRED"])("says nothing of a request that is %s", async (status) => {
      expect((await announcements.decide(CHAT, requestCallback(status))).action).toBe("skip");
    });

    it("announces the latest payment to a bunq.me link, not the link's asked amount", async () => {
      const body = tabCallback("WAITING_FOR_PAYMENT", [
        tabResult(1, "15.00", "Erin"),
        tabResult(2, "7.25", "Frank"),
      ]);
      expect(await announcements.decide(CHAT, body)).toEqual({
        action: "announce",
        languageCode: "nl",
        notice: {
          kind: "bunqme_paid",
          amount: eur(725n),
          payerName: "Frank",
          description: "Pizza night",
          accountName: "Main",
        },
      });
    });

    it("says nothing of a bunq.me link nobody paid yet", async () => {
      expect(await announcements.decide(CHAT, tabCallback("WAITING_FOR_PAYMENT"))).toEqual({
        action: "skip",
        reason: "nothing to announce",
      });
    });
  });

  describe("the chat's settings and connection", () => {
    it("says nothing while the chat turned notifications off", async () => {
      await setChat({ notificationsEnabled: false });
      for (const body of [paymentCallback(), draftCallback("ACCEPTED"), requestCallback("ACCEPTED")]) {
        expect(await announcements.decide(CHAT, body)).toEqual({
          action: "skip",
          reason: "notifications off",
        });
      }
      // The revocation still happens.
      expect(await announcements.decide(CHAT, oauthCallback(501))).toEqual({ action: "revoke" });
    });

    it("says nothing under the chat's minimum, and announces from the minimum on, in both directions", async () => {
      await setChat({ notificationsMinimumMinor: 2500n });
      const below = (value: string) => paymentCallback({ amount: amount(value) });
      expect(await announcements.decide(CHAT, below("24.99"))).toEqual({
        action: "skip",
        reason: "below the chat's minimum",
      });
      expect(await announcements.decide(CHAT, below("-24.99"))).toEqual({
        action: "skip",
        reason: "below the chat's minimum",
      });
      expect((await announcements.decide(CHAT, below("25.00"))).action).toBe("announce");
      expect((await announcements.decide(CHAT, below("-25.00"))).action).toBe("announce");
      expect((await announcements.decide(CHAT, draftCallback("ACCEPTED"))).action).toBe("skip"); // 12.50
      expect((await announcements.decide(CHAT, requestCallback("ACCEPTED"))).action).toBe("announce"); // 40.00
      const tab = tabCallback("WAITING_FOR_PAYMENT", [
        tabResult(1, "100.00", "Erin"),
        tabResult(2, "1.00", "Frank"),
      ]);
      expect((await announcements.decide(CHAT, tab)).action).toBe("skip"); // the latest: 1.00
    });

    it("applies the minimum of the chat concerned only", async () => {
      await handle.db
        .update(telegramChats)
        .set({ notificationsMinimumMinor: 1_000_000n, notificationsEnabled: false })
        .where(eq(telegramChats.chatId, OTHER_CHAT));
      expect((await announcements.decide(CHAT, paymentCallback())).action).toBe("announce");
    });

    it("says nothing once the connection is revoked, or gone", async () => {
      await handle.db
        .update(bunqConnections)
        .set({ status: "revoked" })
        .where(eq(bunqConnections.chatId, CHAT));
      expect(await announcements.decide(CHAT, paymentCallback())).toEqual({
        action: "skip",
        reason: "not connected",
      });
      expect(await announcements.decide(CHAT, requestCallback("ACCEPTED"))).toEqual({
        action: "skip",
        reason: "not connected",
      });
      await handle.db.delete(bunqConnections).where(eq(bunqConnections.chatId, CHAT));
      expect(await announcements.decide(CHAT, paymentCallback())).toEqual({
        action: "skip",
        reason: "not connected",
      });
    });

    it("revokes on an OAuth revocation callback", async () => {
      expect(await announcements.decide(CHAT, oauthCallback(501))).toEqual({ action: "revoke" });
      expect(await announcements.decide(CHAT, oauthCallback())).toEqual({ action: "revoke" });
    });
  });
});
