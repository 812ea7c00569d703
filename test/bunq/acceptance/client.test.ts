import { afterEach, describe, expect, it } from "vitest";
import { listMonetaryAccounts } from "../../../src/bunq/accounts.js";
import { InMemoryApiContextStore } from "../../../src/bunq/context-store.js";
import { BunqUserError, SignatureInvalidError } from "../../../src/bunq/errors.js";
import { createPayment, iteratePayments } from "../../../src/bunq/payments.js";
import { generateInstallationKeyPair } from "../../../src/bunq/signing.js";
import { control, setup } from "./helpers.js";

let env: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const sessionCalls = (log: { path: string }[]) => log.filter((r) => r.path === "/v1/session-server").length;
const limited = (log: { status: number }[]) => log.filter((r) => r.status === 429).length;

describe("bunq client against the emulator", () => {
  it("reuses a stored context after a restart: no new session-server call", async () => {
    env = await setup(0.01);
    const user = await env.createUser();
    const store = new InMemoryApiContextStore();
    const before = await env.open("connection:1", user.api_key, store);
    expect(await listMonetaryAccounts(before)).toHaveLength(1);
    const afterRestart = await env.open("connection:1", user.api_key, store);
    expect(await listMonetaryAccounts(afterRestart)).toHaveLength(1);
    const log = await env.requests();
    expect(sessionCalls(log)).toBe(1);
    expect(log.filter((r) => r.path === "/v1/installation")).toHaveLength(1);
  });

  it("creates exactly one session for 50 concurrent requests, without a 429", async () => {
    env = await setup(0.002);
    const user = await env.createUser();
    const context = await env.open("provider", user.api_key);
    const results = await Promise.all(Array.from({ length: 50 }, () => listMonetaryAccounts(context)));
    expect(results.every((accounts) => accounts.length === 1)).toBe(true);
    const log = await env.requests();
    expect(sessionCalls(log)).toBe(1);
    expect(limited(log)).toBe(0);
  });

  it("starts 20 principals at once without a single 429", async () => {
    env = await setup(0.002);
    const users = await Promise.all(Array.from({ length: 20 }, () => env!.createUser()));
    const contexts = await Promise.all(users.map((user, i) => env!.open(`connection:${i}`, user.api_key)));
    await Promise.all(contexts.map((context) => listMonetaryAccounts(context)));
    const log = await env.requests();
    expect(sessionCalls(log)).toBe(20);
    expect(limited(log)).toBe(0);
  });

  it("sends a burst of 100 GETs to one endpoint with zero 429s", async () => {
    // Throughput is measured by `npm run bench:rate-limit`, not here.
    env = await setup(0.01);
    const user = await env.createUser();
    const context = await env.open("provider", user.api_key);
    await context.session();
    await Promise.all(Array.from({ length: 100 }, () => listMonetaryAccounts(context)));
    const log = await env.requests();
    expect(log.filter((r) => r.path.endsWith("/monetary-account"))).toHaveLength(100);
    expect(limited(log)).toBe(0);
  });

  it("completes a request after an injected 429", async () => {
    env = await setup(0.01);
    const user = await env.createUser();
    const context = await env.open("provider", user.api_key);
    await context.session();
    await control(env.emulator, "POST", "/faults", { kind: "rate-limit", path: "monetary-account$" });
    expect(await listMonetaryAccounts(context)).toHaveLength(1);
    expect(limited(await env.requests())).toBe(1);
  });

  it("renews an expired session transparently, with one retry", async () => {
    env = await setup(0.01);
    const user = await env.createUser();
    const context = await env.open("provider", user.api_key);
    await listMonetaryAccounts(context);
    await control(env.emulator, "POST", "/sessions/expire", {});
    await new Promise((resolve) => setTimeout(resolve, 310)); // session-server: 1 per scaled 30 s
    expect(await listMonetaryAccounts(context)).toHaveLength(1);
    const log = await env.requests();
    expect(sessionCalls(log)).toBe(2);
    expect(log.filter((r) => r.path.endsWith("/monetary-account")).map((r) => r.status)).toEqual([
      200, 401, 200,
    ]);
  });

  it("rejects a response with a corrupted signature and returns nothing from it", async () => {
    env = await setup(0.01);
    const user = await env.createUser();
    const context = await env.open("provider", user.api_key);
    await context.session();
    await control(env.emulator, "POST", "/faults", { kind: "corrupt-signature", path: "monetary-account$" });
    await expect(listMonetaryAccounts(context)).rejects.toBeInstanceOf(SignatureInvalidError);
  });

  it("signs payments with the installation key, which the emulator verifies", async () => {
    env = await setup(0.01);
    const user = await env.createUser({
      accounts: [
        { type: "bank", balance: "50.00" },
        { type: "savings", balance: "0.00" },
      ],
    });
    const context = await env.open("provider", user.api_key);
    const [main, savings] = user.accounts;
    const newPayment = {
      fromAccountId: main!.id,
      amount: { minor: 1250n, currency: "EUR" },
      toIban: savings!.iban,
      toName: "Me",
      description: "to savings",
      merchantReference: "test-4",
    };
    await expect(createPayment(context, newPayment)).resolves.toBeGreaterThan(0);

    // The same request signed with any other key is refused: the signature is what counts.
    const session = await context.session();
    const stranger = await generateInstallationKeyPair();
    const forged = env.newTransport().send({
      method: "POST",
      path: `/user/${session.userId}/monetary-account/${main!.id}/payment`,
      body: {
        amount: { value: "1.00", currency: "EUR" },
        counterparty_alias: { type: "IBAN", value: savings!.iban, name: "Me" },
        description: "forged",
      },
      authentication: session.token,
      signingKeyPem: stranger.privateKeyPem,
    });
    await expect(forged).rejects.toThrow(BunqUserError);
    await expect(forged).rejects.toThrow("The request signature is invalid.");
    const state = await control(env.emulator, "GET", `/users/${user.user_id}`);
    expect(state.accounts.map((a: { balance: string }) => a.balance)).toEqual(["37.50", "12.50"]);
  });

  it("pages through 1,000 payments with count=200 in 5 requests, each payment once", async () => {
    env = await setup(0.001);
    const user = await env.createUser();
    const account = user.accounts[0]!.id;
    await control(env.emulator, "POST", `/users/${user.user_id}/payments`, {
      monetary_account_id: account,
      count: 1000,
      amount: "-0.01",
    });
    const context = await env.open("provider", user.api_key);
    const seen = new Set<number>();
    let count = 0;
    for await (const payment of iteratePayments(context, account, 200)) {
      seen.add(payment.id);
      count++;
    }
    expect([count, seen.size]).toEqual([1000, 1000]);
    expect((await env.requests()).filter((r) => r.path.endsWith("/payment"))).toHaveLength(5);
  });
});
