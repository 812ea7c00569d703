/**
 * Acceptance of issue 11 end to end: bunq's callbacks reach the real app process (both delivery
 * modes) from the bunq emulator, which sends them as bunq documents them — with its retries — and
 * the chat hears each money movement once. Also: nothing a callback says causes a bunq read,
 * forged callbacks change nothing, and a revocation in bunq is told at once.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { notificationsLine } from "../../src/bot/messages/connect.js";
import { REVOKED_TEXT } from "../../src/bot/messages/money-notice.js";
import { auditLog, bunqApiContexts, bunqCallbacks, bunqConnections } from "../../src/db/schema.js";
import type { TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import { people, until, type Person } from "./people.js";
import { startStack, type Delivery, type SandboxUser, type Stack } from "./stack.js";

const SLOW = 120_000;
/** Long enough for a duplicate to have arrived, had one been sent: bunq's retries here are 1.2 s apart. */
const QUIET_MS = 2_500;

interface CallbackAttempt {
  target: string;
  category: string;
  event_type: string;
  object_id: number;
  attempt: number;
  status: number | null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tools(stack: () => Stack) {
  const { bunqUser, ...rest } = people(stack, 720_000);
  /** Our callback URL for the user (with its secret), as registered at bunq. */
  const ourTarget = async (sandbox: SandboxUser) => {
    const filters = (await bunqUser(sandbox)).notification_filters;
    const target = filters.find((f) => f.target.startsWith(`${stack().baseUrl}/bunq/callback/`))?.target;
    if (!target) throw new Error(`no filter of ours in ${JSON.stringify(filters)}`);
    return target;
  };
  const money = (sandbox: SandboxUser, amount: string, extra: Record<string, string> = {}) =>
    stack().bunqControl<{ payment_id: number; balance: string }>(
      "POST",
      `/accounts/${sandbox.accounts[0]!.id}/incoming-payments`,
      { amount, counterparty_name: "Stranger Shop", description: "Invoice 42", ...extra },
    );
  const bunqGets = async () =>
    (await stack().bunqControl<{ method: string }[]>("GET", "/requests")).filter((r) => r.method === "GET")
      .length;
  const attempts = (target: string) =>
    stack()
      .bunqControl<CallbackAttempt[]>("GET", "/callbacks")
      .then((log) => log.filter((entry) => entry.target === target));
  const messagesMatching = async (p: Person, pattern: RegExp) =>
    (await p.botMessages()).filter((m) => pattern.test(m.text ?? ""));
  /** Waits for one message matching `pattern`, then for QUIET_MS, and says how many there are. */
  async function announced(p: Person, pattern: RegExp): Promise<TranscriptMessage[]> {
    await until(
      async () => ((await messagesMatching(p, pattern)).length > 0 ? true : undefined),
      `${pattern}`,
    );
    await pause(QUIET_MS);
    return messagesMatching(p, pattern);
  }
  /** A PAYMENT callback body as bunq would send it, written by the test (a forger, or a proxy's client). */
  const paymentBody = (
    target: string,
    p: { id: number; accountId: number; value: string; description: string; from: string },
  ) =>
    JSON.stringify({
      NotificationUrl: {
        target_url: target,
        category: "PAYMENT",
        event_type: "PAYMENT_RECEIVED",
        object: {
          Payment: {
            id: p.id,
            created: "2026-12-01 10:00:00.000000",
            monetary_account_id: p.accountId,
            amount: { value: p.value, currency: "EUR" },
            description: p.description,
            counterparty_alias: { display_name: p.from },
          },
        },
      },
    });
  return {
    bunqUser,
    ourTarget,
    money,
    bunqGets,
    attempts,
    messagesMatching,
    announced,
    paymentBody,
    ...rest,
  };
}

describe.each<Delivery>(["polling", "webhook"])("money notices end to end, %s delivery", (delivery) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ delivery, telegramTimeScale: 0.1, env: { FAULT_INJECTION: "1" } });
  }, SLOW);
  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log(stack?.output());
    await stack?.close();
  }, SLOW);
  afterEach(async () => {
    await stack.bunqControl("POST", "/callbacks/settings", { deliveries: 1 });
    await stack.expectClean();
  });
  const t = tools(() => stack);

  it(
    "a stranger's payment is announced once with amount and new balance, costs no bunq read, and /balance then shows it",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Ina");
      const [before] = await p.say("/balance");
      expect(before!.text).toContain("€500.00");
      const getsBefore = await t.bunqGets();

      const { balance } = await t.money(sandbox, "12.50");
      expect(balance).toBe("512.50");
      const notices = await t.announced(p, /You received/);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.text).toBe(
        [
          "💶 You received €12.50 on Main",
          "From: Stranger Shop (NL02 ABNA 0123 4567 89)",
          "“Invoice 42”",
          "Balance of Main: €512.50",
        ].join("\n"),
      );
      // Neither the callbacks (MUTATION and PAYMENT) nor the notice asked bunq anything.
      expect(await t.bunqGets()).toBe(getsBefore);

      const [after] = await p.say("/balance");
      expect(after!.text).toContain("Main: €512.50");
      expect(await t.bunqGets()).toBeGreaterThan(getsBefore);
    },
    SLOW,
  );

  it(
    "/notifications sets a minimum and turns messages off and on",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Mira");
      const [bad] = await p.say("/notifications lots");
      expect(bad!.text).toContain("is not an amount");
      const [settings] = await p.say("/notifications 20");
      expect(settings!.text).toContain("payments of €20.00 or more");
      await t.money(sandbox, "12.50", { description: "Small" });
      await t.money(sandbox, "30.00", { description: "Large" });
      expect((await t.announced(p, /You received/)).map((m) => m.text)).toEqual([
        expect.stringContaining("€30.00"),
      ]);

      await p.press(settings!, "Turn off");
      await p.edited(settings!.message_id, (m) => m.text?.startsWith("Notifications are off") ?? false);
      await t.money(sandbox, "40.00", { description: "While off" });
      await pause(QUIET_MS);
      expect(await t.messagesMatching(p, /€40\.00/)).toEqual([]);

      const off = (await p.botMessages()).find((m) => m.message_id === settings!.message_id)!;
      await p.press(off, "Turn on");
      await p.edited(settings!.message_id, (m) => m.text?.startsWith("Notifications are on") ?? false);
      await t.money(sandbox, "25.00", { description: "On again" });
      expect(await t.announced(p, /€25\.00/)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "bunq delivering every callback six times (its retries) still gives one message",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Jo");
      await stack.bunqControl("POST", "/callbacks/settings", { deliveries: 6 });
      await t.money(sandbox, "3.21", { description: "Refund" });
      expect(await t.announced(p, /You received €3\.21/)).toHaveLength(1);
      const target = await t.ourTarget(sandbox);
      await until(async () => {
        const payments = (await t.attempts(target)).filter((a) => a.category === "PAYMENT");
        return payments.length >= 6 ? true : undefined;
      }, "six deliveries of the PAYMENT callback");
      expect(await t.messagesMatching(p, /You received €3\.21/)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "/pay's own transfer is not announced again; a draft approved in bunq, a request paid and a bunq.me payment are",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Kai");
      const summary = await t.ownPaymentSummary(p, "Main", "Rainy day", "5", "To savings");
      await p.press(summary, "Confirm");
      await p.edited(summary.message_id, (m) => m.text?.includes("Paid") ?? false);
      await pause(QUIET_MS);
      expect(await t.messagesMatching(p, /You received|left Main|left Rainy day/)).toEqual([]);

      const [from] = await p.say("/pay");
      await p.press(from!, "Main · EUR", 1);
      await p.say("NL91 ABNA 0417 1643 00");
      await p.say("Jan Jansen");
      await p.say("7.50");
      const draftSummary = (await p.say("Lunch"))[0]!;
      await p.press(draftSummary, "Confirm");
      await p.edited(draftSummary.message_id, (m) => m.text?.includes("Draft created") ?? false);
      const [draft] = (await t.bunqUser(sandbox)).draft_payments;
      await stack.bunqControl("POST", `/draft-payments/${draft!.id}/accept`);
      const approved = await t.announced(p, /approved in the bunq app/);
      expect(approved.map((m) => m.text)).toEqual([
        "✅ Your payment of €7.50 to Jan Jansen was approved in the bunq app and sent from Main.\n“Lunch”",
      ]);
      // The draft's payment carries our marker: not announced a second time.
      expect(await t.messagesMatching(p, /left Main/)).toEqual([]);

      const [account] = await p.say("/request");
      await p.press(account!, "Main · EUR", 1);
      await p.say("15");
      await p.say("Concert tickets");
      await p.say("friend@example.com", 2);
      const inquiry = (await t.bunqUser(sandbox)).request_inquiries.at(-1)!;
      await stack.bunqControl("POST", `/request-inquiries/${inquiry.id}/accept`);
      expect((await t.announced(p, /paid your request/)).map((m) => m.text)).toEqual([
        "✅ friend@example.com paid your request of €15.00; it arrived on Main.\n“Concert tickets”",
      ]);

      const [again] = await p.say("/request");
      await p.press(again!, "Main · EUR", 1);
      await p.say("4");
      const [whom] = await p.say("Pizza");
      await p.press(whom!, "Anyone (payment link)", 2);
      const tab = (await t.bunqUser(sandbox)).bunqme_tabs.at(-1)!;
      await stack.bunqControl("POST", `/bunqme-tabs/${tab.id}/pay`, { payer_name: "Pat Payer" });
      expect((await t.announced(p, /bunq\.me link/)).map((m) => m.text)).toEqual([
        "✅ Pat Payer paid €4.00 through your bunq.me link; it arrived on Main.\n“Pizza”",
      ]);
      expect(await t.messagesMatching(p, /You received/)).toEqual([]);
    },
    SLOW,
  );

  it(
    "a callback stored just before a crash is announced once after the restart",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Lou");
      await stack.stop();
      await stack.start({ env: { FAULT_PAUSE_NOTICES: "1" } });
      const target = await t.ourTarget(sandbox);
      await t.money(sandbox, "8.00", { description: "Before the crash" });
      await until(async () => {
        const stored = (await t.attempts(target)).filter((a) => a.category === "PAYMENT" && a.status === 200);
        return stored.length > 0 ? true : undefined;
      }, "the PAYMENT callback answered 200");
      await pause(500);
      expect(await t.messagesMatching(p, /You received €8\.00/)).toEqual([]);
      await stack.kill();
      await stack.start();
      expect(await t.announced(p, /You received €8\.00/)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "forged and malformed callbacks are refused or ignored: nothing stored, nothing sent",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Max");
      const stranger = await stack.createSandboxUser({ display_name: "Other Person" });
      const target = await t.ourTarget(sandbox);
      const post = (url: string, body: string) =>
        fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      const payment = (accountId: number) =>
        t.paymentBody(target, {
          id: 990_001,
          accountId,
          value: "999.00",
          description: "Forged",
          from: "Mallory",
        });
      const unknownSecret = `${stack.baseUrl}/bunq/callback/${"A".repeat(43)}`;
      expect((await post(unknownSecret, payment(sandbox.accounts[0]!.id))).status).toBe(404);
      expect((await post(target, "{not json")).status).toBe(400);
      expect(
        (await post(target, payment(sandbox.accounts[0]!.id).replace('"PAYMENT"', '"BILLING"'))).status,
      ).toBe(400);
      expect((await post(target, JSON.stringify({ padding: "x".repeat(200_000) }))).status).toBe(413);
      expect((await post(target, payment(sandbox.accounts[0]!.id).replace('"999.00"', '"9e2"'))).status).toBe(
        400,
      );
      // Well-formed, but about an account of another bunq user: ignored (200, so bunq would not retry).
      expect((await post(target, payment(stranger.accounts[0]!.id))).status).toBe(200);
      await pause(QUIET_MS);
      expect(await t.messagesMatching(p, /Forged|Mallory|999/)).toEqual([]);
      const stored = await stack.withDatabase((db) =>
        db.select().from(bunqCallbacks).where(eq(bunqCallbacks.objectId, 990_001)),
      );
      expect(stored).toEqual([]);
      // The same body for the user's own account is accepted: the refusals above were about content.
      expect((await post(target, payment(sandbox.accounts[0]!.id))).status).toBe(200);
      expect(await t.announced(p, /Forged/)).toHaveLength(1);
      // The secret in the path is the callback's only credential: it never reaches the log.
      const secret = target.split("/").at(-1)!;
      expect(stack.output()).toContain("/bunq/callback/:secret");
      expect(stack.output()).not.toContain(secret);
    },
    SLOW,
  );

  it(
    "revoking the app in bunq tells the chat within a second, resets the menu and deletes the token",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Noor");
      const revokedAt = Date.now();
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/revoke-grants`);
      await until(
        async () => ((await t.messagesMatching(p, /withdrawn in bunq/)).length > 0 ? true : undefined),
        "the revocation notice",
        5_000,
      );
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect((await t.messagesMatching(p, /withdrawn in bunq/)).map((m) => m.text)).toEqual([REVOKED_TEXT]);
      await until(async () => {
        const menu = JSON.stringify(await stack.control.chatCommands(p.user.id));
        return menu.includes("connect") && !menu.includes("balance") ? true : undefined;
      }, "the not-connected menu");
      const [balance] = await p.say("/balance");
      expect(balance!.text).toContain("/connect");
      const rows = await stack.withDatabase(async (db) => ({
        connection: await db
          .select({
            status: bunqConnections.status,
            token: bunqConnections.accessTokenEncrypted,
            secret: bunqConnections.callbackTokenHash,
          })
          .from(bunqConnections)
          .where(eq(bunqConnections.chatId, p.user.id)),
        contexts: await db
          .select()
          .from(bunqApiContexts)
          .where(eq(bunqApiContexts.principal, `connection:${p.user.id}`)),
        audit: await db
          .select({ action: auditLog.action })
          .from(auditLog)
          .where(eq(auditLog.subject, stack.audit.pseudonym(p.user.id))),
      }));
      expect(rows.connection).toEqual([{ status: "revoked", token: null, secret: null }]);
      expect(rows.contexts).toEqual([]);
      expect(rows.audit.map((a) => a.action)).toContain("bunq.revoked");
    },
    SLOW,
  );

  it(
    "another app's filter survives connect and disconnect; with both URLs of a category taken, the chat is told and the rest works",
    async () => {
      const sandbox = await t.threeAccounts();
      const theirs = { category: "PAYMENT", target: "https://other-app.example/hook" };
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/notification-filters`, {
        filters: [theirs],
      });
      const user = await stack.control.createUser({ id: 729_001, first_name: "Ole", language_code: "en" });
      const p = t.person(user);
      await t.connect(p, sandbox);
      const filters = (await t.bunqUser(sandbox)).notification_filters;
      expect(filters).toContainEqual(theirs);
      expect(filters).toHaveLength(7);
      const [question] = await p.say("/disconnect");
      await p.press(question!, "Yes, disconnect", 1);
      expect((await t.bunqUser(sandbox)).notification_filters).toEqual([theirs]);

      const second = { category: "PAYMENT", target: "https://second-app.example/hook" };
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/notification-filters`, {
        filters: [second],
      });
      const connected = await t.connect(p, sandbox);
      expect(connected.text).toBe(`Connected: Sam Sandbox, 3 accounts\n\n${notificationsLine("full")}`);
      expect((await t.bunqUser(sandbox)).notification_filters).toEqual([theirs, second]);
      const [balance] = await p.say("/balance");
      expect(balance!.text).toContain("Main: €500.00");
      const [settings] = await p.say("/notifications");
      expect(settings!.text).toBe(notificationsLine("full"));
    },
    SLOW,
  );
});

describe("callbacks in production mode (bunq's source range)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      delivery: "polling",
      telegramTimeScale: 0.1,
      env: { BUNQ_CALLBACK_SOURCES: "185.40.108.0/22" },
    });
  }, SLOW);
  afterAll(async () => {
    await stack?.close();
  }, SLOW);
  const t = tools(() => stack);

  it(
    "refuses callbacks from other addresses and a spoofed X-Forwarded-For; believes it only from TRUST_PROXY",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Pia");
      const target = await t.ourTarget(sandbox);
      await t.money(sandbox, "2.00");
      await until(async () => {
        const refused = (await t.attempts(target)).filter((a) => a.status === 403);
        return refused.length > 0 ? true : undefined;
      }, "the emulator's callback refused with 403");
      const body = t.paymentBody(target, {
        id: 991_001,
        accountId: sandbox.accounts[0]!.id,
        value: "1.00",
        description: "Through the proxy",
        from: "Proxy Test",
      });
      const viaProxy = () =>
        fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "185.40.108.9" },
          body,
        });
      expect((await viaProxy()).status).toBe(403);
      await pause(QUIET_MS);
      expect(await t.messagesMatching(p, /You received|Through the proxy/)).toEqual([]);
      expect(stack.output()).toContain("bunq callback refused: not from bunq's address range");

      await stack.stop();
      await stack.start({ env: { TRUST_PROXY: "127.0.0.1" } });
      expect((await viaProxy()).status).toBe(200);
      expect(await t.announced(p, /Through the proxy/)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "without bunq's OAUTH callback, bunq refusing the token revokes at once and tells the chat once",
    async () => {
      const { p, sandbox } = await t.newConnectedPerson("Quin");
      const [balance] = await p.say("/balance");
      await stack.bunqControl("POST", `/users/${sandbox.user_id}/revoke-grants`);
      await p.press(balance!, "Refresh");
      await until(
        async () => ((await t.messagesMatching(p, /withdrawn in bunq/)).length > 0 ? true : undefined),
        "the revocation notice",
      );
      await pause(QUIET_MS);
      const after = (await p.botMessages()).filter((m) => m.message_id > balance!.message_id);
      expect(after.map((m) => m.text)).toEqual([REVOKED_TEXT]);
      const [connection] = await stack.withDatabase((db) =>
        db
          .select({ status: bunqConnections.status, token: bunqConnections.accessTokenEncrypted })
          .from(bunqConnections)
          .where(eq(bunqConnections.chatId, p.user.id)),
      );
      expect(connection).toEqual({ status: "revoked", token: null });
    },
    SLOW,
  );
});
