import { describe, expect, it } from "vitest";
import { control, emulatorWithUser } from "./raw-client.js";

// Rate limits are scaled down to a few milliseconds; a short pause keeps bursts under them.
const pause = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
const world = emulatorWithUser({
  display_name: "Mo Money",
  accounts: [
    { type: "bank", balance: "100.00" },
    { type: "savings", balance: "0.00" },
  ],
});

const base = (accountIndex = 0) =>
  `/user/${world.bunq.userId}/monetary-account/${world.user.accounts[accountIndex]!.id}`;
const post = async (path: string, body: unknown) => {
  await pause();
  const answer = await world.bunq.call("POST", `${base()}/${path}`, {
    body,
    token: world.bunq.sessionToken,
    sign: true,
  });
  expect(answer.status, answer.body.toString()).toBe(200);
  return answer.json.Response[0].Id.id as number;
};
const get = async (path: string) => {
  await pause();
  const answer = await world.bunq.get(path);
  expect(answer.status, answer.body.toString()).toBe(200);
  return answer.json;
};
const money = (value: string) => ({ value, currency: "EUR" });

const kinds = [
  {
    path: "draft-payment",
    wrapper: "DraftPayment",
    body: (i: number) => ({
      entries: [
        {
          amount: money(`${i}.00`),
          counterparty_alias: { type: "IBAN", value: "NL91ABNA0417164300", name: "Shop" },
          description: `draft ${i}`,
        },
      ],
      number_of_required_accepts: 1,
    }),
  },
  {
    path: "request-inquiry",
    wrapper: "RequestInquiry",
    body: (i: number) => ({
      amount_inquired: money(`${i}.00`),
      counterparty_alias: { type: "EMAIL", value: "friend@example.com", name: "Friend" },
      description: `request ${i}`,
      allow_bunqme: true,
    }),
  },
  {
    path: "bunqme-tab",
    wrapper: "BunqMeTab",
    body: (i: number) => ({
      bunqme_tab_entry: { amount_inquired: money(`${i}.00`), description: `tab ${i}` },
    }),
  },
] as const;

describe("bunq emulator: listings of draft payments, request-inquiries and world.bunq.me tabs", () => {
  it.each(kinds)("pages GET …/$path newest first, as payments are paged", async (kind) => {
    const created: number[] = [];
    for (let i = 1; i <= 7; i++) created.push(await post(kind.path, kind.body(i)));
    const newest = [...created].reverse();
    const listing = `${base()}/${kind.path}`;

    const first = await get(`${listing}?count=3`);
    const ids = first.Response.map((item: any) => item[kind.wrapper].id);
    expect(ids).toEqual(newest.slice(0, 3));
    expect(first.Pagination).toEqual({
      future_url: `/v1${listing}?count=3&newer_id=${newest[0]}`,
      newer_url: null,
      older_url: `/v1${listing}?count=3&older_id=${newest[2]}`,
    });

    const seen = [...ids];
    let next: string | null = first.Pagination.older_url;
    while (next) {
      const page = await get(next.replace(/^\/v1/, ""));
      seen.push(...page.Response.map((item: any) => item[kind.wrapper].id));
      next = page.Pagination.older_url;
    }
    expect(seen).toEqual(newest);

    const newer = await get(`${listing}?count=3&newer_id=${newest[5]}`);
    expect(newer.Response.map((item: any) => item[kind.wrapper].id)).toEqual(newest.slice(2, 5));
    expect(newer.Pagination.newer_url).toBe(`/v1${listing}?count=3&newer_id=${newest[2]}`);
    expect((await get(listing)).Response).toHaveLength(7);
    await pause();
    expect((await world.bunq.get(`${listing}?count=0`)).status).toBe(400);

    // Another account's listing does not show them.
    const other = await get(`${base(1)}/${kind.path}`);
    expect(other).toEqual({
      Response: [],
      Pagination: { future_url: null, newer_url: null, older_url: null },
    });
  });
});

describe("bunq emulator: merchant_reference on draft payments and request-inquiries", () => {
  const shop = { type: "IBAN", value: "NL91ABNA0417164300", name: "Shop" };

  it("keeps it per draft entry, returns it in the draft and the listing, and puts it on the payments", async () => {
    const id = await post("draft-payment", {
      entries: [
        {
          amount: money("1.25"),
          counterparty_alias: shop,
          description: "one",
          merchant_reference: "ref-one",
        },
        { amount: money("2.50"), counterparty_alias: shop, description: "two" },
      ],
      number_of_required_accepts: 1,
    });
    const read = (await get(`${base()}/draft-payment/${id}`)).Response[0].DraftPayment;
    expect(read.entries.map((e: any) => e.merchant_reference)).toEqual(["ref-one", undefined]);
    const listed = (await get(`${base()}/draft-payment?count=1`)).Response[0].DraftPayment;
    expect(listed).toMatchObject({
      id,
      entries: [{ merchant_reference: "ref-one" }, { description: "two" }],
    });

    const accepted = await control(world.emulator.urls.control, "POST", `/draft-payments/${id}/accept`);
    const payments = [];
    for (const paymentId of accepted.payment_ids)
      payments.push((await get(`${base()}/payment/${paymentId}`)).Response[0].Payment);
    expect(payments.map((p) => [p.description, p.merchant_reference])).toEqual([
      ["one", "ref-one"],
      ["two", undefined],
    ]);
  });

  it("keeps a request-inquiry's, returns it in the request and the listing, and on the payment that arrives", async () => {
    const id = await post("request-inquiry", {
      amount_inquired: money("4.00"),
      counterparty_alias: { type: "EMAIL", value: "friend@example.com", name: "Friend" },
      description: "for lunch",
      allow_bunqme: false,
      merchant_reference: "bunqbot:req:91c2",
    });
    const read = (await get(`${base()}/request-inquiry/${id}`)).Response[0].RequestInquiry;
    expect(read).toMatchObject({ id, merchant_reference: "bunqbot:req:91c2" });
    const listed = (await get(`${base()}/request-inquiry?count=1`)).Response[0].RequestInquiry;
    expect(listed).toMatchObject({ id, merchant_reference: "bunqbot:req:91c2" });

    await control(world.emulator.urls.control, "POST", `/request-inquiries/${id}/accept`);
    const arrived = (await get(`${base()}/payment?count=1`)).Response[0].Payment;
    expect(arrived).toMatchObject({ amount: { value: "4.00" }, merchant_reference: "bunqbot:req:91c2" });
  });
});
