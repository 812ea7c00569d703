import { describe, expect, it } from "vitest";
import { startBunqEmulator } from "../../../src/emulator/bunq/index.js";
import { control, emulatorWithUser } from "./raw-client.js";
import { receiver, type Receiver } from "./receiver.js";

// Rate limits are scaled down to a few milliseconds; a short pause keeps bursts under them.
const pause = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

const world = emulatorWithUser({
  display_name: "Cal Back",
  accounts: [
    { type: "bank", balance: "50.00" },
    { type: "savings", balance: "0.00" },
  ],
});

const TOO_MANY = "You can register at most 2 callback URLs per notification category.";
const SHOP = { type: "IBAN", value: "NL91ABNA0417164300", name: "Shop" };
const money = (value: string) => ({ value, currency: "EUR" });
const accountPath = (index: number) =>
  `/user/${world.bunq.userId}/monetary-account/${world.user.accounts[index]!.id}`;
const ctl = (method: string, path: string, body?: unknown) =>
  control(world.emulator.urls.control, method, path, body);

/** A control call that may fail: its status and JSON answer. */
async function controlAnswer(method: string, path: string, body?: unknown) {
  const response = await fetch(world.emulator.urls.control + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

async function api(method: string, path: string, body?: unknown) {
  await pause();
  return world.bunq.call(method, path.replace("{me}", String(world.bunq.userId)), {
    token: world.bunq.sessionToken,
    sign: true,
    body,
  });
}

/** POSTs and returns the new object's id. */
async function create(path: string, body: unknown): Promise<number> {
  const answer = await api("POST", path, body);
  expect(answer.status, answer.body.toString()).toBe(200);
  return answer.json.Response[0].Id.id as number;
}

/** What GET answers for one object: `{"Payment": {…}}` and the like. */
async function read(path: string) {
  await pause();
  const answer = await world.bunq.get(path);
  expect(answer.status, answer.body.toString()).toBe(200);
  return answer.json.Response[0];
}

const setFilters = (path: string, filters: { category: string; notification_target: string }[]) =>
  api("POST", path, { notification_filters: filters });

/**
 * Runs `act` with a fresh receiver registered for `categories` at user level, waits for every
 * delivery, then removes the filters again.
 */
async function watching(categories: string[], act: () => Promise<void>): Promise<Receiver> {
  const r = await receiver();
  await setFilters(
    "/user/{me}/notification-filter-url",
    categories.map((category) => ({ category, notification_target: r.url })),
  );
  try {
    await act();
    await world.emulator.settleCallbacks();
  } finally {
    await setFilters("/user/{me}/notification-filter-url", []);
    await r.close();
  }
  return r;
}

describe("bunq emulator: notification filters and callbacks", () => {
  it("replaces the whole filter set on each POST", async () => {
    await setFilters("/user/{me}/notification-filter-url", [
      { category: "PAYMENT", notification_target: "https://a.example/cb" },
      { category: "MUTATION", notification_target: "https://a.example/cb" },
    ]);
    await setFilters("/user/{me}/notification-filter-url", [
      { category: "REQUEST", notification_target: "https://b.example/cb" },
    ]);
    const listed = await world.bunq.get("/user/{me}/notification-filter-url");
    expect(listed.json.Response[0].NotificationFilterUrl.notification_filters).toEqual([
      {
        category: "REQUEST",
        notification_target: "https://b.example/cb",
        notification_delivery_method: "URL",
      },
    ]);
    await setFilters("/user/{me}/notification-filter-url", []);
  });

  it("posts a NotificationUrl for a payment to account-level filter targets", async () => {
    const r = await receiver();
    const [main, savings] = world.user.accounts;
    await setFilters(`/user/{me}/monetary-account/${main!.id}/notification-filter-url`, [
      { category: "PAYMENT", notification_target: r.url },
    ]);
    const paid = await api("POST", `${accountPath(0)}/payment`, {
      amount: money("5.00"),
      counterparty_alias: { type: "IBAN", value: savings!.iban, name: "me" },
      description: "hi",
    });
    await world.emulator.settleCallbacks();
    await r.close();
    await setFilters(`/user/{me}/monetary-account/${main!.id}/notification-filter-url`, []);
    expect(r.received).toHaveLength(1);
    expect(r.received[0].NotificationUrl).toMatchObject({
      target_url: r.url,
      category: "PAYMENT",
      event_type: "PAYMENT_CREATED",
      object: { Payment: { id: paid.json.Response[0].Id.id, amount: { value: "-5.00", currency: "EUR" } } },
    });
  });

  it("retries a failing target 5 times, then lists the failure", async () => {
    const r = await receiver(() => 500);
    await setFilters("/user/{me}/notification-filter-url", [
      { category: "MUTATION", notification_target: r.url },
    ]);
    await ctl("POST", `/users/${world.user.user_id}/payments`, {
      monetary_account_id: world.user.accounts[0]!.id,
      count: 1,
    });
    await world.emulator.settleCallbacks();
    await r.close();
    await setFilters("/user/{me}/notification-filter-url", []);
    expect(r.received).toHaveLength(6);
    await pause();
    const failures = await world.bunq.get("/user/{me}/notification-filter-failure");
    expect(failures.json.Response.map((f: any) => f.NotificationFilterFailure)).toEqual([
      expect.objectContaining({ category: "MUTATION", event_type: "MUTATION_CREATED", response_code: 500 }),
    ]);
    const log = ((await ctl("GET", "/callbacks")) as any[]).filter((a) => a.target === r.url);
    expect(log.map((a) => [a.attempt, a.status])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 500]));
  });
});

describe("bunq emulator: callbacks carry what GET returns", () => {
  it("reports a transfer between own accounts: MUTATION_CREATED for both sides, PAYMENT_CREATED out, PAYMENT_RECEIVED in", async () => {
    let outgoingId = 0;
    const r = await watching(["MUTATION", "PAYMENT"], async () => {
      outgoingId = await create(`${accountPath(0)}/payment`, {
        amount: money("2.00"),
        counterparty_alias: { type: "IBAN", value: world.user.accounts[1]!.iban, name: "Savings" },
        description: "to savings",
        merchant_reference: "ref-1",
      });
    });
    expect(r.kinds()).toEqual([
      "MUTATION MUTATION_CREATED",
      "MUTATION MUTATION_CREATED",
      "PAYMENT PAYMENT_CREATED",
      "PAYMENT PAYMENT_RECEIVED",
    ]);
    const outgoing = await read(`${accountPath(0)}/payment/${outgoingId}`);
    const incoming = await read(`${accountPath(1)}/payment?count=1`);
    expect(outgoing.Payment).toMatchObject({
      amount: money("-2.00"),
      alias: { iban: world.user.accounts[0]!.iban, display_name: "Cal Back" },
      counterparty_alias: { iban: world.user.accounts[1]!.iban, display_name: "Savings" },
      balance_after_mutation: { currency: "EUR" },
      created: expect.any(String),
      merchant_reference: "ref-1",
    });
    expect(incoming.Payment.amount).toEqual(money("2.00"));
    expect(r.one("PAYMENT", "PAYMENT_CREATED").object).toEqual(outgoing);
    expect(r.one("PAYMENT", "PAYMENT_RECEIVED").object).toEqual(incoming);
    const mutations = r
      .callbacks()
      .filter((c) => c.category === "MUTATION")
      .map((c) => c.object)
      .sort((a, b) => a.Payment.id - b.Payment.id);
    expect(mutations).toEqual([outgoing, incoming]);
  });

  it("reports money from a stranger as MUTATION_CREATED and PAYMENT_RECEIVED", async () => {
    let paymentId = 0;
    const r = await watching(["MUTATION", "PAYMENT"], async () => {
      paymentId = (
        await ctl("POST", `/accounts/${world.user.accounts[0]!.id}/incoming-payments`, {
          amount: "12.50",
          counterparty_name: "Stan Stranger",
        })
      ).payment_id;
    });
    expect(r.kinds()).toEqual(["MUTATION MUTATION_CREATED", "PAYMENT PAYMENT_RECEIVED"]);
    const payment = await read(`${accountPath(0)}/payment/${paymentId}`);
    expect(payment.Payment.counterparty_alias.display_name).toBe("Stan Stranger");
    expect(r.one("PAYMENT", "PAYMENT_RECEIVED").object).toEqual(payment);
    expect(r.one("MUTATION", "MUTATION_CREATED").object).toEqual(payment);
  });

  it("reports request-inquiries created, accepted (money as a MUTATION only), rejected and revoked", async () => {
    const ask = (description: string) =>
      create(`${accountPath(0)}/request-inquiry`, {
        amount_inquired: money("4.00"),
        counterparty_alias: { type: "EMAIL", value: "friend@example.com", name: "Friend" },
        description,
        allow_bunqme: false,
      });
    const ids = { accepted: 0, rejected: 0, revoked: 0 };
    const r = await watching(["REQUEST", "MUTATION", "PAYMENT"], async () => {
      ids.accepted = await ask("accept me");
      await ctl("POST", `/request-inquiries/${ids.accepted}/accept`);
      ids.rejected = await ask("reject me");
      await ctl("POST", `/request-inquiries/${ids.rejected}/reject`);
      ids.revoked = await ask("revoke me");
      expect(
        (
          await api("PUT", `${accountPath(0)}/request-inquiry/${ids.revoked}`, {
            status: "REVOKED",
            allow_bunqme: false,
          })
        ).status,
      ).toBe(200);
    });
    expect(r.kinds()).toEqual([
      "MUTATION MUTATION_CREATED",
      "REQUEST REQUEST_INQUIRY_ACCEPTED",
      "REQUEST REQUEST_INQUIRY_CREATED",
      "REQUEST REQUEST_INQUIRY_CREATED",
      "REQUEST REQUEST_INQUIRY_CREATED",
      "REQUEST REQUEST_INQUIRY_REJECTED",
      "REQUEST REQUEST_INQUIRY_REVOKED",
    ]);
    const now = {
      accepted: await read(`${accountPath(0)}/request-inquiry/${ids.accepted}`),
      rejected: await read(`${accountPath(0)}/request-inquiry/${ids.rejected}`),
      revoked: await read(`${accountPath(0)}/request-inquiry/${ids.revoked}`),
    };
    expect(r.one("REQUEST", "REQUEST_INQUIRY_ACCEPTED").object).toEqual(now.accepted);
    expect(r.one("REQUEST", "REQUEST_INQUIRY_REJECTED").object).toEqual(now.rejected);
    expect(r.one("REQUEST", "REQUEST_INQUIRY_REVOKED").object).toEqual(now.revoked);
    expect(now.rejected.RequestInquiry.status).toBe("REJECTED");
    const created = r
      .callbacks()
      .filter((c) => c.event_type === "REQUEST_INQUIRY_CREATED")
      .map((c) => c.object);
    expect(created).toEqual(
      expect.arrayContaining(
        Object.values(now).map((o) => ({ RequestInquiry: { ...o.RequestInquiry, status: "PENDING" } })),
      ),
    );
    const arrived = await read(`${accountPath(0)}/payment?count=1`);
    expect(arrived.Payment.amount).toEqual(money("4.00"));
    expect(r.one("MUTATION", "MUTATION_CREATED").object).toEqual(arrived);
  });

  it("tells nobody of a sugardaddy request it refuses, and reports the one it pays", async () => {
    const ask = (value: string) =>
      api("POST", `${accountPath(0)}/request-inquiry`, {
        amount_inquired: money(value),
        counterparty_alias: { type: "EMAIL", value: "sugardaddy@bunq.com" },
        description: "sugar",
        allow_bunqme: false,
      });
    const r = await watching(["REQUEST", "MUTATION", "PAYMENT"], async () => {
      expect((await ask("600.00")).status).toBe(400);
      expect((await ask("5.00")).status).toBe(200);
    });
    expect(r.kinds()).toEqual([
      "MUTATION MUTATION_CREATED",
      "REQUEST REQUEST_INQUIRY_ACCEPTED",
      "REQUEST REQUEST_INQUIRY_CREATED",
    ]);
  });

  it("reports draft payments created, accepted (with their payments) and rejected", async () => {
    const draft = (description: string) =>
      create(`${accountPath(0)}/draft-payment`, {
        entries: [{ amount: money("1.50"), counterparty_alias: SHOP, description }],
        number_of_required_accepts: 1,
      });
    const ids = { accepted: 0, rejected: 0 };
    let paymentIds: number[] = [];
    const r = await watching(["DRAFT_PAYMENT", "MUTATION", "PAYMENT"], async () => {
      ids.accepted = await draft("accept me");
      paymentIds = (await ctl("POST", `/draft-payments/${ids.accepted}/accept`)).payment_ids;
      ids.rejected = await draft("reject me");
      await ctl("POST", `/draft-payments/${ids.rejected}/reject`);
    });
    expect(r.kinds()).toEqual([
      "DRAFT_PAYMENT DRAFT_PAYMENT_ACCEPTED",
      "DRAFT_PAYMENT DRAFT_PAYMENT_CREATED",
      "DRAFT_PAYMENT DRAFT_PAYMENT_CREATED",
      "DRAFT_PAYMENT DRAFT_PAYMENT_REJECTED",
      "MUTATION MUTATION_CREATED",
      "PAYMENT PAYMENT_CREATED",
    ]);
    const accepted = await read(`${accountPath(0)}/draft-payment/${ids.accepted}`);
    const rejected = await read(`${accountPath(0)}/draft-payment/${ids.rejected}`);
    expect(r.one("DRAFT_PAYMENT", "DRAFT_PAYMENT_ACCEPTED").object).toEqual(accepted);
    expect(r.one("DRAFT_PAYMENT", "DRAFT_PAYMENT_REJECTED").object).toEqual(rejected);
    expect(rejected.DraftPayment.status).toBe("REJECTED");
    const created = r
      .callbacks()
      .filter((c) => c.event_type === "DRAFT_PAYMENT_CREATED")
      .map((c) => c.object);
    expect(created).toEqual(
      expect.arrayContaining(
        [accepted, rejected].map((o) => ({ DraftPayment: { ...o.DraftPayment, status: "PENDING" } })),
      ),
    );
    const payment = await read(`${accountPath(0)}/payment/${paymentIds[0]}`);
    expect(r.one("PAYMENT", "PAYMENT_CREATED").object).toEqual(payment);
  });

  it("reports bunq.me tabs created, paid (result inquiries; money as a MUTATION only) and cancelled", async () => {
    let tabId = 0;
    const paid: any[] = [];
    const r = await watching(["BUNQME_TAB", "MUTATION", "PAYMENT"], async () => {
      tabId = await create(`${accountPath(0)}/bunqme-tab`, {
        bunqme_tab_entry: { amount_inquired: money("7.50"), description: "pizza" },
      });
      paid.push(await ctl("POST", `/bunqme-tabs/${tabId}/pay`));
      paid.push(await ctl("POST", `/bunqme-tabs/${tabId}/pay`, { amount: "2.25", payer_name: "Pia Payer" }));
      const cancel = () =>
        api("PUT", `${accountPath(0)}/bunqme-tab/${tabId}`, {
          status: "CANCELLED",
          bunqme_tab_entry: { amount_inquired: money("7.50"), description: "pizza" },
        });
      for (let i = 0; i < 2; i++) {
        const answer = await cancel();
        expect(answer.status, answer.body.toString()).toBe(200);
      }
    });
    expect(r.kinds()).toEqual([
      "BUNQME_TAB BUNQME_TAB_CANCELLED",
      "BUNQME_TAB BUNQME_TAB_CREATED",
      "BUNQME_TAB BUNQME_TAB_RESULT_INQUIRY_CREATED",
      "BUNQME_TAB BUNQME_TAB_RESULT_INQUIRY_CREATED",
      "MUTATION MUTATION_CREATED",
      "MUTATION MUTATION_CREATED",
    ]);
    expect(paid[0]).toMatchObject({ id: tabId, status: "WAITING_FOR_PAYMENT", result_inquiries: 1 });
    expect(paid[1]).toMatchObject({ result_inquiries: 2 });

    const tab = await read(`${accountPath(0)}/bunqme-tab/${tabId}`);
    const payments = [
      await read(`${accountPath(0)}/payment/${paid[0].payment_id}`),
      await read(`${accountPath(0)}/payment/${paid[1].payment_id}`),
    ];
    expect(payments.map((p) => [p.Payment.amount.value, p.Payment.counterparty_alias.display_name])).toEqual([
      ["7.50", "J. Payer"],
      ["2.25", "Pia Payer"],
    ]);
    expect(tab.BunqMeTab.status).toBe("CANCELLED");
    expect(tab.BunqMeTab.result_inquiries).toEqual(
      payments.map((p) => ({ payment: p.Payment, bunq_me_tab_id: tabId })),
    );
    expect(r.one("BUNQME_TAB", "BUNQME_TAB_CANCELLED").object).toEqual(tab);
    const inquiries = r
      .callbacks()
      .filter((c) => c.event_type === "BUNQME_TAB_RESULT_INQUIRY_CREATED")
      .map((c) => c.object.BunqMeTab)
      .sort((a, b) => a.result_inquiries.length - b.result_inquiries.length);
    expect(inquiries.map((t) => [t.status, t.result_inquiries.length])).toEqual([
      ["WAITING_FOR_PAYMENT", 1],
      ["WAITING_FOR_PAYMENT", 2],
    ]);
    expect(inquiries[1]).toEqual({ ...tab.BunqMeTab, status: "WAITING_FOR_PAYMENT" });
    const mutations = r
      .callbacks()
      .filter((c) => c.category === "MUTATION")
      .map((c) => c.object)
      .sort((a, b) => a.Payment.id - b.Payment.id);
    expect(mutations).toEqual(payments);

    // Only a tab waiting for payment can be paid; the rest is refused before anything happens.
    expect(await controlAnswer("POST", `/bunqme-tabs/${tabId}/pay`)).toEqual({
      status: 409,
      json: { error: "tab is CANCELLED" },
    });
    expect((await controlAnswer("POST", "/bunqme-tabs/999999/pay")).status).toBe(404);
    const open = await create(`${accountPath(0)}/bunqme-tab`, {
      bunqme_tab_entry: { amount_inquired: money("1.00"), description: "open" },
    });
    expect((await controlAnswer("POST", `/bunqme-tabs/${open}/pay`, { amount: "-1.00" })).status).toBe(400);
    expect((await read(`${accountPath(0)}/bunqme-tab/${open}`)).BunqMeTab.result_inquiries).toEqual([]);
  });
});

describe("bunq emulator: at most 2 callback URLs per category", () => {
  const userFilters = "/user/{me}/notification-filter-url";
  const listed = async (path: string) => {
    await pause();
    return (await world.bunq.get(path)).json.Response[0].NotificationFilterUrl.notification_filters.map(
      (f: any) => [f.category, f.notification_target],
    );
  };
  const filter = (category: string, host: string) => ({
    category,
    notification_target: `https://${host}.example/cb`,
  });

  it("refuses a set naming a third URL for one category with bunq's 400, changing nothing", async () => {
    const two = [
      filter("MUTATION", "a"),
      filter("MUTATION", "b"),
      filter("PAYMENT", "c"),
      filter("PAYMENT", "d"),
    ];
    expect((await setFilters(userFilters, two)).status).toBe(200);
    const before = await listed(userFilters);

    const three = await setFilters(userFilters, [...two, filter("MUTATION", "e")]);
    expect(three.status).toBe(400);
    expect(three.json.Error[0].error_description).toBe(TOO_MANY);
    expect(await listed(userFilters)).toEqual(before);

    // The same URL twice is still one URL.
    expect((await setFilters(userFilters, [...two, filter("MUTATION", "a")])).status).toBe(200);

    const account = `/user/{me}/monetary-account/${world.user.accounts[0]!.id}/notification-filter-url`;
    const crowded = [filter("REQUEST", "a"), filter("REQUEST", "b"), filter("REQUEST", "c")];
    expect((await setFilters(account, crowded)).status).toBe(400);
    expect(await listed(account)).toEqual([]);

    // The control API's seeding keeps to the limit too.
    const seed = (host: string) =>
      controlAnswer("POST", `/users/${world.user.user_id}/notification-filters`, {
        filters: [{ category: "MUTATION", target: `https://${host}.example/cb` }],
      });
    expect(await seed("e")).toEqual({ status: 400, json: { error: TOO_MANY } });
    expect((await seed("b")).status).toBe(200);
    await setFilters(userFilters, []);
  });
});

describe("bunq emulator: callback deliveries and their log", () => {
  it("POSTs each callback `deliveries` times in a row, as JSON with a User-Agent, and logs every POST", async () => {
    expect(await ctl("POST", "/callbacks/settings", { deliveries: 3 })).toEqual({ deliveries: 3 });
    expect(await ctl("GET", "/callbacks/settings")).toEqual({ deliveries: 3 });
    let paymentId = 0;
    const r = await watching(["PAYMENT"], async () => {
      paymentId = (
        await ctl("POST", `/accounts/${world.user.accounts[0]!.id}/incoming-payments`, { amount: "1.00" })
      ).payment_id;
    });
    await ctl("POST", "/callbacks/settings", {});
    expect(await ctl("GET", "/callbacks/settings")).toEqual({ deliveries: 1 });

    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((body) => JSON.stringify(body))).size).toBe(1);
    for (const headers of r.headers) {
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["user-agent"]).toMatch(/^bunq-/);
    }
    const log = ((await ctl("GET", "/callbacks")) as any[]).filter((a) => a.target === r.url);
    expect(log).toEqual(
      [1, 2, 3].map((attempt) => ({
        target: r.url,
        category: "PAYMENT",
        event_type: "PAYMENT_RECEIVED",
        object_id: paymentId,
        attempt,
        status: 200,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      })),
    );
  });

  it("retries a failed POST as before, then goes on with the repeats", async () => {
    await ctl("POST", "/callbacks/settings", { deliveries: 2 });
    let calls = 0;
    const r = await receiver(() => (++calls === 1 ? 503 : 200));
    await setFilters("/user/{me}/notification-filter-url", [
      { category: "MUTATION", notification_target: r.url },
    ]);
    await ctl("POST", `/accounts/${world.user.accounts[0]!.id}/incoming-payments`, { amount: "1.00" });
    await world.emulator.settleCallbacks();
    await ctl("POST", "/callbacks/settings", { deliveries: 1 });
    await setFilters("/user/{me}/notification-filter-url", []);
    await r.close();
    const log = ((await ctl("GET", "/callbacks")) as any[]).filter((a) => a.target === r.url);
    expect(log.map((a) => [a.attempt, a.status])).toEqual([
      [1, 503],
      [2, 200],
      [3, 200],
    ]);
  });

  it("refuses a number of deliveries outside 1..10", async () => {
    for (const deliveries of [0, 11, 2.5, "3"]) {
      expect((await controlAnswer("POST", "/callbacks/settings", { deliveries })).status).toBe(400);
    }
    expect(await ctl("GET", "/callbacks/settings")).toEqual({ deliveries: 1 });
  });

  it("forgets the log and the settings on reset", async () => {
    const emulator = await startBunqEmulator({ timeScale: 0.0005 });
    const r = await receiver();
    try {
      const call = (method: string, path: string, body?: unknown) =>
        control(emulator.urls.control, method, path, body);
      const user = await call("POST", "/users", {});
      await call("POST", `/users/${user.user_id}/notification-filters`, {
        filters: [{ category: "MUTATION", target: r.url }],
      });
      await call("POST", "/callbacks/settings", { deliveries: 2 });
      await call("POST", `/accounts/${user.accounts[0].id}/incoming-payments`, { amount: "1.00" });
      await emulator.settleCallbacks();
      expect(await call("GET", "/callbacks")).toHaveLength(2);
      await call("POST", "/reset");
      expect(await call("GET", "/callbacks")).toEqual([]);
      expect(await call("GET", "/callbacks/settings")).toEqual({ deliveries: 1 });
    } finally {
      await r.close();
      await emulator.close();
    }
  });
});
