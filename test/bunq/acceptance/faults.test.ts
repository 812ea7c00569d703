import { afterEach, describe, expect, it } from "vitest";
import { listMonetaryAccounts } from "../../../src/bunq/accounts.js";
import { BunqUserError, MaintenanceError, NetworkError, ServerError } from "../../../src/bunq/errors.js";
import { createPayment } from "../../../src/bunq/payments.js";
import { control, setup } from "./helpers.js";

let env: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function connected(balance = "50.00") {
  env = await setup(0.002);
  const user = await env.createUser({
    accounts: [
      { type: "bank", balance },
      { type: "savings", balance: "0.00" },
    ],
  });
  const context = await env.open("connection:1", user.api_key);
  await context.session();
  return { env, user, context };
}

describe("bunq client under faults", () => {
  it("retries reads through maintenance (491) and server errors", async () => {
    const { env, context } = await connected();
    await control(env.emulator, "POST", "/faults", { kind: "maintenance", path: "monetary-account$" });
    await control(env.emulator, "POST", "/faults", {
      kind: "status",
      status: 503,
      path: "monetary-account$",
    });
    expect(await listMonetaryAccounts(context)).toHaveLength(2);
    const statuses = (await env.requests())
      .filter((r) => r.path.endsWith("/monetary-account"))
      .map((r) => r.status);
    expect(statuses).toEqual([491, 503, 200]);
  });

  it("gives up on a read after a bounded number of attempts with a typed error", async () => {
    const { env, context } = await connected();
    await control(env.emulator, "POST", "/faults", {
      kind: "maintenance",
      path: "monetary-account$",
      times: 10,
    });
    await expect(listMonetaryAccounts(context)).rejects.toBeInstanceOf(MaintenanceError);
    expect((await env.requests()).filter((r) => r.path.endsWith("/monetary-account"))).toHaveLength(4);
  });

  it("never resends a payment whose connection dropped, and finds it was not made", async () => {
    const { env, user, context } = await connected();
    await control(env.emulator, "POST", "/faults", { kind: "drop", method: "POST", path: "/payment$" });
    const attempt = createPayment(context, {
      fromAccountId: user.accounts[0]!.id,
      amount: { minor: 100n, currency: "EUR" },
      toIban: user.accounts[1]!.iban,
      toName: "Me",
      description: "dropped",
      merchantReference: "test-5",
    });
    await expect(attempt).rejects.toThrow(/outcome|not confirm/i);
    await expect(attempt).rejects.toMatchObject({ cause: expect.any(NetworkError) });
    const posts = (await env.requests()).filter((r) => r.method === "POST" && r.path.endsWith("/payment"));
    expect(posts).toHaveLength(1);
    expect((await control(env.emulator, "GET", `/users/${user.user_id}`)).accounts[0].balance).toBe("50.00");
  });

  it("does not retry a payment after a 500 either", async () => {
    const { env, user, context } = await connected();
    await control(env.emulator, "POST", "/faults", {
      kind: "status",
      status: 500,
      method: "POST",
      path: "/payment$",
    });
    const attempt = createPayment(context, {
      fromAccountId: user.accounts[0]!.id,
      amount: { minor: 100n, currency: "EUR" },
      toIban: user.accounts[1]!.iban,
      toName: "Me",
      description: "server error",
      merchantReference: "test-6",
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.any(ServerError) });
    expect(
      (await env.requests()).filter((r) => r.method === "POST" && r.path.endsWith("/payment")),
    ).toHaveLength(1);
  });

  it("reports bunq's refusal in bunq's words, with its response id", async () => {
    const { user, context } = await connected("1.00");
    const refusal = await createPayment(context, {
      fromAccountId: user.accounts[0]!.id,
      amount: { minor: 100_000n, currency: "EUR" },
      toIban: user.accounts[1]!.iban,
      toName: "Me",
      description: "too much",
      merchantReference: "test-7",
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BunqUserError);
    expect(refusal).toMatchObject({
      message: "Insufficient balance.",
      status: 400,
      responseId: expect.any(String),
    });
  });

  it("deletes its session at bunq", async () => {
    const { env, context } = await connected();
    await context.endSession();
    expect((await env.requests()).at(-1)).toMatchObject({ method: "DELETE", status: 200 });
    await new Promise((resolve) => setTimeout(resolve, 80)); // session-server: one per scaled 30 s
    expect(await listMonetaryAccounts(context)).toHaveLength(2);
  });
});
