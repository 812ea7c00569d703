import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";
import { control, RawBunq } from "./raw-client.js";

let emulator: BunqEmulator;
let bunq: RawBunq;
let user: { user_id: number; api_key: string; accounts: { id: number; iban: string; type: string }[] };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // A tiny time scale: these tests are about data, not limits.
  emulator = await startBunqEmulator({ timeScale: 0.0005 });
  user = await control(emulator.urls.control, "POST", "/users", {
    display_name: "Pat Payer",
    accounts: [
      { type: "bank", description: "Main", balance: "100.00" },
      { type: "savings", description: "Savings", balance: "0.00" },
      { type: "joint", description: "Joint", balance: "10.00" },
    ],
  });
  bunq = new RawBunq(emulator.urls.api);
  await bunq.connect(user.api_key);
});
afterAll(async () => {
  // Every response served during this file fits bunq's OpenAPI spec.
  expect(emulator.specViolations()).toEqual([]);
  await emulator.close();
});

describe("bunq emulator: accounts and payments", () => {
  it("lists bank, savings and joint accounts with balances and IBAN aliases", async () => {
    const listing = await bunq.get("/user/{me}/monetary-account");
    const kinds = listing.json.Response.map((item: object) => Object.keys(item)[0]);
    expect(kinds).toEqual(["MonetaryAccountBank", "MonetaryAccountSavings", "MonetaryAccountJoint"]);
    const main = listing.json.Response[0].MonetaryAccountBank;
    expect(main).toMatchObject({
      description: "Main",
      balance: { value: "100.00", currency: "EUR" },
      status: "ACTIVE",
    });
    expect(main.alias[0]).toEqual({ type: "IBAN", value: user.accounts[0]!.iban, name: "Pat Payer" });
    expect(user.accounts[0]!.iban).toMatch(/^NL\d{2}BUNQ\d{10}$/);
    const savingsOnly = await bunq.get("/user/{me}/monetary-account-savings");
    expect(savingsOnly.json.Response).toHaveLength(1);
  });

  it("pages payments exactly as documented", async () => {
    const account = user.accounts[2]!.id;
    await control(emulator.urls.control, "POST", `/users/${user.user_id}/payments`, {
      monetary_account_id: account,
      count: 25,
      amount: "-0.10",
    });
    const base = `/user/${bunq.userId}/monetary-account/${account}/payment`;
    const first = await bunq.get(`${base}?count=10`);
    const ids: number[] = first.json.Response.map((p: any) => p.Payment.id);
    expect(ids).toHaveLength(10);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(first.json.Pagination).toEqual({
      future_url: `/v1${base}?count=10&newer_id=${ids[0]}`,
      newer_url: null,
      older_url: `/v1${base}?count=10&older_id=${ids[9]}`,
    });
    const seen = new Set(ids);
    let next: string | null = first.json.Pagination.older_url;
    while (next) {
      await pause(5);
      const page = await bunq.get(next.replace(/^\/v1/, ""));
      for (const p of page.json.Response) seen.add(p.Payment.id);
      next = page.json.Pagination.older_url;
    }
    expect(seen.size).toBe(25);
    const back = await bunq.get(`${base}?count=10&newer_id=${ids[9]}`);
    expect(back.json.Response.map((p: any) => p.Payment.id)).toEqual(ids.slice(0, 9));
    expect((await bunq.get(`${base}?count=201`)).status).toBe(400);
    expect((await bunq.get(`${base}`)).json.Response).toHaveLength(10);
  });

  it("moves money between own accounts with consistent balances", async () => {
    const [main, savings] = user.accounts;
    const body = {
      amount: { value: "12.50", currency: "EUR" },
      counterparty_alias: { type: "IBAN", value: savings!.iban, name: "Pat Payer" },
      description: "to savings",
    };
    const unsigned = await bunq.call("POST", `/user/${bunq.userId}/monetary-account/${main!.id}/payment`, {
      body,
      token: bunq.sessionToken,
    });
    expect(unsigned.status).toBe(466);
    const created = await bunq.call("POST", `/user/${bunq.userId}/monetary-account/${main!.id}/payment`, {
      body,
      token: bunq.sessionToken,
      sign: true,
    });
    expect(created.status).toBe(200);
    const paymentId = created.json.Response[0].Id.id;
    const payment = await bunq.get(`/user/{me}/monetary-account/${main!.id}/payment/${paymentId}`);
    expect(payment.json.Response[0].Payment).toMatchObject({
      amount: { value: "-12.50" },
      balance_after_mutation: { value: "87.50" },
    });
    const state = await control(emulator.urls.control, "GET", `/users/${user.user_id}`);
    expect(state.accounts.map((a: any) => a.balance).slice(0, 2)).toEqual(["87.50", "12.50"]);
  });

  it("refuses overdrafts and malformed amounts without moving money", async () => {
    const [main, savings] = user.accounts;
    const pay = (value: string) =>
      bunq.call("POST", `/user/${bunq.userId}/monetary-account/${main!.id}/payment`, {
        body: {
          amount: { value, currency: "EUR" },
          counterparty_alias: { type: "IBAN", value: savings!.iban, name: "x" },
          description: "x",
        },
        token: bunq.sessionToken,
        sign: true,
      });
    expect((await pay("1000000.00")).json.Error[0].error_description).toBe("Insufficient balance.");
    expect((await pay("1e3")).status).toBe(400);
    const state = await control(emulator.urls.control, "GET", `/users/${user.user_id}`);
    expect(state.accounts[0].balance).toBe("87.50");
  });

  it("keeps a payment's merchant_reference and returns it in the payment and the listing", async () => {
    const [main, savings] = user.accounts;
    const base = `/user/${bunq.userId}/monetary-account/${main!.id}/payment`;
    const created = await bunq.call("POST", base, {
      body: {
        amount: { value: "0.50", currency: "EUR" },
        counterparty_alias: { type: "IBAN", value: savings!.iban, name: "Pat Payer" },
        description: "with a reference",
        merchant_reference: "bunqbot:pay:7f3a",
      },
      token: bunq.sessionToken,
      sign: true,
    });
    expect(created.status).toBe(200);
    const id = created.json.Response[0].Id.id;
    await pause(5);
    const payment = await bunq.get(`${base}/${id}`);
    expect(payment.json.Response[0].Payment).toMatchObject({ id, merchant_reference: "bunqbot:pay:7f3a" });
    await pause(5);
    const listed = await bunq.get(`${base}?count=200`);
    const found = listed.json.Response.filter(
      (p: any) => p.Payment.merchant_reference === "bunqbot:pay:7f3a",
    );
    expect(found.map((p: any) => p.Payment.id)).toEqual([id]);
  });
});

describe("bunq emulator: sandbox helpers and attachments", () => {
  it("creates a sandbox user with an API key, without authentication", async () => {
    const created = await bunq.call("POST", "/sandbox-user-person", { body: {} });
    expect(created.status).toBe(200);
    const apiKey = created.json.Response.find((r: any) => r.ApiKey).ApiKey.api_key;
    await pause(5);
    const other = new RawBunq(emulator.urls.api);
    await other.connect(apiKey);
    expect(
      (await other.get("/user/{me}/monetary-account")).json.Response[0].MonetaryAccountBank.balance.value,
    ).toBe("500.00");
  });

  it("accepts only images as attachments", async () => {
    const url = `${emulator.urls.api}/user/${bunq.userId}/monetary-account/${user.accounts[0]!.id}/attachment`;
    const upload = (type: string) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": type, "X-Bunq-Client-Authentication": bunq.sessionToken },
        body: Buffer.from("GIF89a"),
      });
    expect((await upload("image/gif")).status).toBe(200);
    expect((await upload("application/pdf")).status).toBe(400);
  });
});

describe("bunq emulator: seed data", () => {
  it("starts with sandbox users whose accounts have history", async () => {
    const seeded = await startBunqEmulator({ seed: true, timeScale: 0.001 });
    try {
      const [alice] = seeded.seedUsers;
      const state = await control(seeded.urls.control, "GET", `/users/${alice!.user_id}`);
      expect(state.accounts.map((a: any) => a.type)).toEqual([
        "MonetaryAccountBank",
        "MonetaryAccountSavings",
        "MonetaryAccountJoint",
      ]);
      expect(state.accounts[0].payments).toBeGreaterThan(3);
    } finally {
      await seeded.close();
    }
  });
});
