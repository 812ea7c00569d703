/**
 * Acceptance of issue 6 end to end: the real app process, the Telegram and bunq emulators and
 * the app's database. One scripted user with three accounts (bank, savings, joint) uses every
 * command the way a person would, and every effect is checked where it lands — in bunq (the
 * emulator's state), in the chat (the transcript) and in the database.
 */
import { notificationsLine } from "../../src/bot/messages/connect.js";
import { REVOKED_TEXT } from "../../src/bot/messages/money-notice.js";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  bunqApiContexts,
  bunqConnections,
  kvStore,
  paymentIntents,
  telegramChats,
} from "../../src/db/schema.js";
import type { TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import { GROUP_EXPLANATION } from "../../src/bot/filters/private-chat.js";
import { decodeQr } from "../helpers/qr.js";
import { people, until } from "./people.js";
import { startStack, type Delivery, type Stack } from "./stack.js";

const SLOW = 120_000;

describe.each<Delivery>(["polling", "webhook"])("banking commands end to end, %s delivery", (delivery) => {
  let stack: Stack;

  beforeAll(async () => {
    // Telegram at a tenth of real time: callback queries stay answerable for 1.5 s, as a slow
    // CI machine needs right after a restart.
    stack = await startStack({
      delivery,
      telegramTimeScale: 0.1,
      logLevel: process.env.E2E_LOG_LEVEL ?? "info",
    });
  }, SLOW);
  afterAll(async () => {
    if (process.env.E2E_DEBUG) {
      console.log(stack?.output());
      console.log(
        JSON.stringify(
          (await stack.control.calls()).map((c) => JSON.stringify(c).slice(0, 300)),
          null,
          1,
        ),
      );
      console.log(JSON.stringify(await stack.bunqControl("GET", "/requests")));
    }
    await stack?.close();
  }, SLOW);
  afterEach(async () => {
    await stack.expectClean();
  });

  const {
    bunqUser,
    balancesIn,
    authorize,
    newConnectedPerson: connectedPerson,
    ownPaymentSummary,
  } = people(() => stack, 610_000);
  // Money notices would interleave with the replies this suite reads (notifications.test.ts has them).
  const newConnectedPerson = (firstName: string) => connectedPerson(firstName, { notifications: false });

  it(
    "/balance lists bank, savings and joint with the right total, and Refresh matches bunq after a payment",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Bella");
      const contextCalls = async () =>
        (await stack.bunqControl<{ path: string }[]>("GET", "/requests")).filter((r) =>
          /\/(installation|device-server|session-server)$/.test(r.path),
        ).length;
      const contextCallsBefore = await contextCalls();
      const [balance] = await p.say("/balance");
      // The API context opened at /connect was kept: no new installation, device or session.
      expect(await contextCalls()).toBe(contextCallsBefore);
      expect(balance!.text).toContain("Main: €500.00");
      expect(balance!.text).toContain("Rainy day: €1,000.00");
      expect(balance!.text).toContain("Household: €250.50");
      expect(balance!.text).toContain("Total: €1,750.50");
      for (const account of sandbox.accounts) {
        expect(balance!.text?.replace(/\s/g, "")).toContain(account.iban);
      }

      // Move money in bunq behind the bot's back, then Refresh.
      const [main] = sandbox.accounts;
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/payments`, {
        monetary_account_id: main!.id,
        count: 1,
        amount: "-20.25",
      });
      await p.press(balance!, "Refresh");
      const refreshed = await p.edited(
        balance!.message_id,
        (m) => m.text?.includes("Main: €479.75") ?? false,
      );
      expect(await balancesIn(sandbox)).toEqual(["479.75", "1000.00", "250.50"]);
      expect(refreshed.text).toContain("Total: €1,730.25");
    },
    SLOW,
  );

  it(
    "/transactions pages through 35 payments with Older and Newer, editing one message, each payment once",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Tom");
      const household = sandbox.accounts[2]!;
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/payments`, {
        monetary_account_id: household.id,
        count: 35,
        amount: "-1.00",
      });
      const [question] = await p.say("/transactions");
      expect(question!.text).toBe("Which account?");
      // The chooser turns into the first page.
      await p.press(question!, "Household · EUR");
      const listing = await p.edited(
        question!.message_id,
        (m) => m.text?.includes("Emulated payment") ?? false,
      );
      const seenDescriptions: string[] = [];
      const lines = (m: TranscriptMessage) =>
        (m.text ?? "").split("\n").filter((l) => l.includes("Emulated payment"));
      let current = listing;
      seenDescriptions.push(...lines(current));
      for (let page = 2; page <= 4; page++) {
        const before = current.text;
        await p.press(current, "Older ›");
        current = await p.edited(listing.message_id, (m) => m.text !== before);
        seenDescriptions.push(...lines(current));
      }
      expect(current.buttons.flat().map((b) => b.text)).toEqual(["‹ Newer"]);
      const numbers = seenDescriptions.map((line) => Number(/Emulated payment (\d+)/.exec(line)![1]));
      expect(numbers).toHaveLength(35);
      expect(new Set(numbers).size).toBe(35);
      expect(numbers).toEqual([...numbers].sort((a, b) => b - a)); // newest first

      // And back to the newest page.
      for (let page = 3; page >= 1; page--) {
        const before = current.text;
        await p.press(current, "‹ Newer");
        current = await p.edited(listing.message_id, (m) => m.text !== before);
      }
      expect(current.text).toBe(listing.text);
      expect(current.buttons.flat().map((b) => b.text)).toEqual(["Older ›"]);
      // Still one message: every page was an edit.
      expect((await p.botMessages()).filter((m) => m.text?.includes("Emulated payment"))).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "/pay between own accounts moves the money once, even with two taps and a redelivered tap",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Olga");
      const [from] = await p.say("/pay");
      expect(from!.text).toBe("Pay from which account?");
      const { replies: toQuestion } = await p.press(from!, "Main · EUR", 1);
      const { replies: amountQuestion } = await p.press(toQuestion[0]!, "Rainy day · EUR", 1);
      expect(amountQuestion[0]!.text).toBe("How much (EUR)?");
      await p.say("12,50");
      const summary = (await p.say("Savings top-up"))[0]!;
      expect(summary.text).toContain("Amount: €12.50");
      expect(summary.text).toContain("Between your own accounts");

      // Two presses at once, then the first press delivered again.
      const [first] = await Promise.all([
        p.press(summary, "Confirm"),
        p.press(summary, "Confirm").catch(() => undefined),
      ]);
      const final = await p.edited(summary.message_id, (m) => m.text?.includes("✔ Paid.") ?? false);
      expect(final.buttons).toEqual([]);
      expect(final.entities).toEqual(summary.entities); // still formatted as the summary was
      await stack.control.redeliverUpdate(first.press.update_id!);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // The second tap is told the payment was already handled; the redelivered one has no effect.
      const notes = (await p.botMessages()).filter((m) => m.text?.includes("already confirmed"));
      expect(notes).toHaveLength(1);
      await p.skipSeen();

      expect(await balancesIn(sandbox)).toEqual(["487.50", "1012.50", "250.50"]);
      const { intents, audits } = await stack.withDatabase(async (db) => ({
        intents: await db.select().from(paymentIntents).where(eq(paymentIntents.chatId, p.user.id)),
        audits: await db
          .select()
          .from(auditLog)
          .where(eq(auditLog.subject, stack.audit.pseudonym(p.user.id))),
      }));
      expect(intents.map((i) => i.status)).toEqual(["completed"]);
      const paid = audits.filter((a) => a.action === "payment.created");
      expect(paid).toHaveLength(1);
      expect(paid[0]!.details).toMatchObject({ amount: "1250", currency: "EUR", result: "paid" });
      // Pseudonymised, masked and without secrets: no chat id, no full IBAN, no token.
      const auditText = JSON.stringify(audits);
      expect(auditText).not.toContain(String(p.user.id));
      expect(auditText).not.toContain(sandbox.accounts[1]!.iban);

      const [balance] = await p.say("/balance");
      expect(balance!.text).toContain("Main: €487.50");
      expect(balance!.text).toContain("Rainy day: €1,012.50");
    },
    SLOW,
  );

  it(
    "/pay to an IBAN re-prompts on a bad IBAN, bad amounts and a long description, then a draft is approved",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Ivan");
      const [from] = await p.say("/pay");
      await p.press(from!, "Main · EUR", 1);
      const [badIban] = await p.say("NL91 ABNA 0417 1643 01");
      expect(badIban!.text).toContain("That IBAN is not valid");
      const [name] = await p.say("NL91 ABNA 0417 1643 00");
      expect(name!.text).toContain("name of the account holder of NL91 ABNA 0417 1643 00");
      const [amount] = await p.say("Jan Jansen");
      expect(amount!.text).toBe("How much (EUR)?");
      for (const [typed, reason] of [
        ["1e3", "That is not an amount"],
        ["12abc", "That is not an amount"],
        ["0", "more than zero"],
        ["-5", "must be positive"],
        ["12.345", "at most 2 decimals"],
      ] as const) {
        const [answer] = await p.say(typed);
        expect(answer!.text).toContain(reason);
        expect(answer!.text).toContain("How much (EUR)?");
      }
      const [description] = await p.say("7.50");
      expect(description!.text).toContain("up to 140 characters");
      const [tooLong] = await p.say("x".repeat(141));
      expect(tooLong!.text).toContain("141 characters; up to 140 are allowed here");
      const summary = (await p.say("Lunch"))[0]!;
      expect(summary.text).toContain("To: Jan Jansen (NL91 ABNA 0417 1643 00)");
      expect(summary.text).toContain("draft payment that you approve in the bunq app");
      await p.press(summary, "Confirm");
      const drafted = await p.edited(summary.message_id, (m) => m.text?.includes("Draft created") ?? false);
      expect(drafted.buttons.flat().map((b) => b.text)).toEqual(["Check status"]);

      const [draft] = (await bunqUser(sandbox)).draft_payments;
      expect(draft?.status).toBe("PENDING");
      const { replies: pending } = await p.press(drafted, "Check status", 1);
      expect(pending[0]!.text).toContain("waiting for your approval");
      await stack.bunqControl("POST", `/draft-payments/${draft!.id}/accept`);
      const { replies: accepted } = await p.press(drafted, "Check status", 1);
      expect(accepted[0]!.text).toContain("approved and paid");
      expect((await bunqUser(sandbox)).accounts[0]!.balance).toBe("492.50");
    },
    SLOW,
  );

  it(
    "a confirmation older than 5 minutes is refused and nothing is paid",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Edda");
      const summary = await ownPaymentSummary(p, "Main", "Household", "5", "-");
      // Five minutes pass (the stored expiry is moved; the app reads it from the database).
      await stack.withDatabase((db) =>
        db
          .update(paymentIntents)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where(eq(paymentIntents.chatId, p.user.id)),
      );
      await p.press(summary, "Confirm");
      const final = await p.edited(summary.message_id, (m) => m.text?.includes("expired") ?? false);
      expect(final.buttons).toEqual([]);
      expect(await balancesIn(sandbox)).toEqual(["500.00", "1000.00", "250.50"]);
    },
    SLOW,
  );

  it(
    "a crash in the middle of /pay continues the same conversation after the restart",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Rita");
      const [from] = await p.say("/pay");
      const { replies: to } = await p.press(from!, "Main · EUR", 1);
      const { replies: amount } = await p.press(to[0]!, "Rainy day · EUR", 1);
      expect(amount[0]!.text).toBe("How much (EUR)?");
      // The plugin writes the conversation's state just after the reply goes out; a crash inside
      // those milliseconds would lose that one step (the bot would then re-ask), not the conversation.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stack.kill();
      await stack.start();
      const [description] = await p.say("3");
      expect(description!.text).toContain("Description for the payment?");
      const summary = (await p.say("After the restart"))[0]!;
      expect(summary.text).toContain("Amount: €3.00");
      expect(summary.text).toContain("From: Main");
      await p.press(summary, "Confirm");
      await p.edited(summary.message_id, (m) => m.text?.includes("✔ Paid.") ?? false);
      expect(await balancesIn(sandbox)).toEqual(["497.00", "1003.00", "250.50"]);
    },
    SLOW,
  );

  it(
    "a crash while bunq is answering a payment never resends it, and after the restart the chat hears what bunq did",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Kai");
      const summary = await ownPaymentSummary(p, "Main", "Rainy day", "4", "-");
      const paymentPosts = async () =>
        (await stack.bunqControl<{ method: string; path: string }[]>("GET", "/requests")).filter(
          (r) => r.method === "POST" && r.path.endsWith("/payment"),
        ).length;
      const postsBefore = await paymentPosts();
      // bunq is slow to answer; the bot dies while it waits.
      await stack.bunqControl("POST", "/faults", {
        kind: "latency",
        method: "POST",
        path: "payment$",
        ms: 4000,
      });
      await p.press(summary, "Confirm");
      await until(
        async () => ((await paymentPosts()) > postsBefore ? true : undefined),
        "the payment POST",
        10_000,
      ).catch(() => new Promise((resolve) => setTimeout(resolve, 1000)));
      await stack.kill();
      await stack.start();
      // Whether bunq carried the payment out depends on whether the POST was complete when the
      // bot died. After the restart the intent is looked up by its marker: either the
      // redelivered tap edits the summary, or the reconciler sends a notice — whichever gets
      // there first — and what it says must match bunq's books; never "outcome unknown".
      const told = await until(async () => {
        const messages = await p.botMessages();
        const notice = messages.find((m) => m.text?.startsWith("About your payment of €4.00"));
        const edited = messages.find(
          (m) => m.message_id === summary.message_id && /✔ Paid\.|✖ Not sent/.test(m.text ?? ""),
        );
        return notice ?? edited;
      }, "the payment's outcome after the restart");
      const paid = (await balancesIn(sandbox))[0] === "496.00";
      expect(told.text).toContain(paid ? "✔ Paid." : "✖ Not sent: bunq has no record of it");
      await p.skipSeen();
      // Tapping Confirm again does not resend it either.
      const { replies } = await p.press(summary, "Confirm", 1);
      expect(replies[0]!.text).toContain("already confirmed");
      expect(await paymentPosts()).toBeLessThanOrEqual(postsBefore + 1);
      expect(await balancesIn(sandbox)).toEqual(
        paid ? ["496.00", "1004.00", "250.50"] : ["500.00", "1000.00", "250.50"],
      );
      const intents = await stack.withDatabase((db) =>
        db.select().from(paymentIntents).where(eq(paymentIntents.chatId, p.user.id)),
      );
      expect(intents.map((i) => [i.status, i.notifiedAt !== null])).toEqual([
        [paid ? "completed" : "failed", true],
      ]);
    },
    SLOW,
  );

  it(
    "bunq's refusals, maintenance and an expired session read as short messages, with bunq's reference",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Nina");
      // bunq refuses: more than the balance.
      const summary = await ownPaymentSummary(p, "Household", "Main", "999", "Too much");
      await p.press(summary, "Confirm");
      const refused = await p.edited(summary.message_id, (m) => m.text?.includes("bunq refused") ?? false);
      expect(refused.text).toMatch(/✖ bunq refused the payment: Insufficient balance\. \(reference [\w-]+\)/);

      // bunq answers a draft payment with a 500: it may exist, so the bot does not guess; it looks
      // the draft up by its marker and tells the chat that bunq has no record of it.
      const [draftFrom] = await p.say("/pay");
      await p.press(draftFrom!, "Main · EUR", 1);
      await p.say("NL91 ABNA 0417 1643 00");
      await p.say("Jan Jansen");
      await p.say("2");
      const draftSummary = (await p.say("Coffee"))[0]!;
      await stack.bunqControl("POST", "/faults", {
        kind: "status",
        status: 500,
        method: "POST",
        path: "draft-payment$",
      });
      await p.press(draftSummary, "Confirm");
      const checking = await p.edited(draftSummary.message_id, (m) => m.text?.includes("⏳") ?? false);
      expect(checking.text).toContain("I am checking with bunq and will tell you here");
      expect(checking.text).not.toMatch(/try again/i);
      expect(checking.buttons).toEqual([]);
      const notice = await until(
        async () => (await p.botMessages()).find((m) => m.text?.startsWith("About your payment of €2.00")),
        "the draft's outcome",
      );
      expect(notice.text).toContain("✖ Not sent: bunq has no record of it. Nothing was paid");
      await p.skipSeen();

      // Maintenance on every try: a short message instead of an error dump. (Refresh always reads
      // bunq; /balance may answer from the balances held since the last read.)
      const [balance] = await p.say("/balance");
      await stack.bunqControl("POST", "/faults", {
        kind: "maintenance",
        path: "monetary-account$",
        times: 10,
      });
      const { replies: maintenance } = await p.press(balance!, "Refresh", 1);
      expect(maintenance[0]!.text).toBe(
        "bunq is in maintenance right now. Please try again in a few minutes.",
      );
      await stack.bunqControl("DELETE", "/faults");

      // bunq ended the session: renewed silently (the account picker reads bunq).
      await stack.bunqControl("POST", "/sessions/expire", {});
      const [renewed] = await p.say("/transactions");
      expect(renewed!.buttons.flat().map((b) => b.text)).toContain("Main · EUR");
      expect(await balancesIn(sandbox)).toEqual(["500.00", "1000.00", "250.50"]);
    },
    SLOW,
  );

  it(
    "/cancel leaves /pay at any step, and another command during /pay leaves it and runs",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Carl");
      const [from] = await p.say("/pay");
      await p.press(from!, "Main · EUR", 1);
      const [cancelled] = await p.say("/cancel");
      expect(cancelled!.text).toBe("Cancelled. Nothing was sent.");
      // "12" is no longer read as part of /pay.
      const [notUnderstood] = await p.say("12");
      expect(notUnderstood!.text).toContain("I did not understand that");

      const [again] = await p.say("/pay");
      const { replies: to } = await p.press(again!, "Main · EUR", 1);
      await p.press(to[0]!, "Rainy day · EUR", 1);
      const [left, balance] = await p.say("/balance", 2);
      expect(left!.text).toBe("Left /pay without sending anything.");
      expect(balance!.text).toContain("Total: €1,750.50");
      const [afterwards] = await p.say("5");
      expect(afterwards!.text).toContain("I did not understand that");
      expect(await balancesIn(sandbox)).toEqual(["500.00", "1000.00", "250.50"]);
    },
    SLOW,
  );

  it(
    "/request with and without a counterparty gives a link button and a QR of the same link",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Quinn");
      for (const whom of ["friend@example.com", "Anyone"]) {
        const [account] = await p.say("/request");
        const { replies: amount } = await p.press(account!, "Main · EUR", 1);
        expect(amount[0]!.text).toContain("How much do you ask for");
        await p.say("15");
        const [question] = await p.say("Concert tickets");
        const [reply, photo] =
          whom === "Anyone"
            ? (await p.press(question!, "Anyone (payment link)", 2)).replies
            : await p.say(whom, 2);
        const link = reply!.buttons.flat().find((b) => b.text === "Open payment link")?.url;
        expect(typeof link).toBe("string");
        expect(decodeQr(Buffer.from(photo!.photo!.base64, "base64"))).toBe(link);
        const { replies: status } = await p.press(reply!, "Check status", 1);
        expect(status[0]!.text).toMatch(/waiting to be paid/);
      }
      const audits = await stack.withDatabase((db) =>
        db
          .select()
          .from(auditLog)
          .where(eq(auditLog.subject, stack.audit.pseudonym(p.user.id))),
      );
      expect(audits.map((a) => a.action)).toEqual([
        "bunq.connected",
        "request_inquiry.created",
        "bunqme_tab.created",
      ]);
      expect(audits[1]!.details).toMatchObject({
        amount: "1500",
        currency: "EUR",
        counterpartyType: "EMAIL",
      });
      expect(JSON.stringify(audits)).not.toContain("friend@example.com");
      const state = await bunqUser(sandbox);
      expect(state.request_inquiries).toHaveLength(1);
      expect(state.request_inquiries[0]!.status).toBe("PENDING");
      expect(state.bunqme_tabs).toHaveLength(1);
      expect(state.bunqme_tabs[0]!.status).toBe("WAITING_FOR_PAYMENT");
    },
    SLOW,
  );

  it(
    "reconnecting replaces the connection cleanly: one connection, one context, one bunq session",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Remy");
      const [offer] = await p.say("/connect");
      expect(offer!.text).toContain("already connected to Sam Sandbox");
      const { replies } = await p.press(offer!, "Reconnect", 2);
      const reconnected = await authorize(p, sandbox, replies[0]!);
      expect(reconnected.text).toBe(`Connected: Sam Sandbox, 3 accounts\n\n${notificationsLine("on")}`);
      expect((await bunqUser(sandbox)).active_sessions).toBe(1);
      const [balance] = await p.say("/balance");
      expect(balance!.text).toContain("Total: €1,750.50");
      const rows = await stack.withDatabase(async (db) => ({
        connections: await db.select().from(bunqConnections).where(eq(bunqConnections.chatId, p.user.id)),
        contexts: await db
          .select()
          .from(bunqApiContexts)
          .where(eq(bunqApiContexts.principal, `connection:${p.user.id}`)),
      }));
      expect(rows.connections).toHaveLength(1);
      expect(rows.contexts).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "/disconnect leaves no token, context, conversation or session behind, and /balance then asks to connect",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Dora");
      expect((await bunqUser(sandbox)).active_sessions).toBeGreaterThan(0);
      // Our filters (registered at Confirm) and one of another app.
      const theirs = { category: "MUTATION", target: "https://other-app.example/hook" };
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/notification-filters`, {
        filters: [theirs],
      });
      const ours = (await bunqUser(sandbox)).notification_filters.filter((f) => f.target !== theirs.target);
      expect(ours).toHaveLength(6);
      const [question] = await p.say("/disconnect");
      const { replies } = await p.press(question!, "Yes, disconnect", 1);
      expect(replies[0]!.text).toContain("Disconnected.");
      const state = await bunqUser(sandbox);
      expect(state.active_sessions).toBe(0);
      expect(state.notification_filters).toEqual([theirs]);
      const rows = await stack.withDatabase(async (db) => ({
        chats: await db.select().from(telegramChats).where(eq(telegramChats.chatId, p.user.id)),
        connections: await db.select().from(bunqConnections).where(eq(bunqConnections.chatId, p.user.id)),
        contexts: await db
          .select()
          .from(bunqApiContexts)
          .where(eq(bunqApiContexts.principal, `connection:${p.user.id}`)),
        kv: await db
          .select()
          .from(kvStore)
          .where(eq(kvStore.key, `conversation:${p.user.id}`)),
      }));
      expect(rows).toEqual({ chats: [], connections: [], contexts: [], kv: [] });
      const [after] = await p.say("/balance");
      expect(after!.text).toContain("Send /connect first");
      const menu = await stack.control.chatCommands(p.user.id);
      expect(JSON.stringify(menu)).not.toContain("balance");
    },
    SLOW,
  );

  it(
    "in a group every financial command is refused and nothing is fetched from bunq",
    async () => {
      const { p } = await newConnectedPerson("Gus");
      const group = await stack.control.createGroup("Family", [p.user.id]);
      const before = (await stack.bunqControl<unknown[]>("GET", "/requests")).length;
      for (const command of ["/balance", "/transactions", "/pay", "/request", "/disconnect", "/connect"]) {
        await stack.control.sendMessage(p.user.id, command, { chatId: group.id });
      }
      const { messages } = await stack.control.waitForBotMessages(group.id, 6, 20_000);
      expect(messages.filter((m) => m.sender === "bot").map((m) => m.text)).toEqual(
        Array(6).fill(GROUP_EXPLANATION),
      );
      expect((await stack.bunqControl<unknown[]>("GET", "/requests")).length).toBe(before);
    },
    SLOW,
  );

  it(
    "a consent revoked in bunq marks the connection revoked and asks the user to connect again",
    async () => {
      const { p, sandbox } = await newConnectedPerson("Vera");
      await p.say("/balance");
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/revoke-grants`);
      // bunq's OAUTH callback tells the chat at once (notifications.test.ts times it).
      await until(
        async () => (await p.botMessages()).find((m) => m.text === REVOKED_TEXT),
        "the revocation notice",
      );
      const [answer] = await p.say("/balance");
      expect(answer!.text).toContain("no longer accepts this connection");
      const [row] = await stack.withDatabase((db) =>
        db.select().from(bunqConnections).where(eq(bunqConnections.chatId, p.user.id)),
      );
      expect(row?.status).toBe("revoked");
    },
    SLOW,
  );
});
