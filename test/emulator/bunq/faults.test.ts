import { beforeEach, describe, expect, it } from "vitest";
import { control, emulatorWithUser } from "./raw-client.js";

const world = emulatorWithUser({
  display_name: "Fay Fault",
  accounts: [
    { type: "bank", balance: "100.00" },
    { type: "savings", balance: "0.00" },
  ],
});
beforeEach(() => control(world.emulator.urls.control, "DELETE", "/faults"));

const paymentPath = () => `/user/${world.bunq.userId}/monetary-account/${world.user.accounts[0]!.id}/payment`;
const pay = (value: string, sign = true) =>
  world.bunq.call("POST", paymentPath(), {
    body: {
      amount: { value, currency: "EUR" },
      counterparty_alias: { type: "IBAN", value: world.user.accounts[1]!.iban, name: "Fay Fault" },
      description: `pay ${value}`,
    },
    token: world.bunq.sessionToken,
    sign,
  });
const accounts = async () =>
  (await control(world.emulator.urls.control, "GET", `/users/${world.user.user_id}`)).accounts as {
    balance: string;
    payments: number;
  }[];
const lastLogged = async (method: string) =>
  (await control(world.emulator.urls.control, "GET", "/requests"))
    .filter((r: any) => r.method === method)
    .at(-1);

describe("bunq emulator: faults after execution", () => {
  it("drop-after makes the payment, then closes the connection without an answer", async () => {
    const [before] = await accounts();
    await control(world.emulator.urls.control, "POST", "/faults", {
      kind: "drop-after",
      method: "POST",
      path: "/payment$",
    });
    await expect(pay("1.00")).rejects.toThrow(/fetch failed/);
    const [after] = await accounts();
    expect(after!.payments).toBe(before!.payments + 1);
    expect(Number(after!.balance)).toBeCloseTo(Number(before!.balance) - 1, 2);
    expect(await lastLogged("POST")).toMatchObject({
      path: `/v1${paymentPath()}`,
      status: -1,
      fault: "drop-after",
    });
    const listed = await world.bunq.get(`${paymentPath()}?count=1`);
    expect(listed.json.Response[0].Payment).toMatchObject({
      description: "pay 1.00",
      amount: { value: "-1.00" },
    });
    // One use only: the next payment is answered normally.
    expect((await pay("1.00")).status).toBe(200);
  });

  it("status-after makes the payment, then answers with the given status in bunq's error shape", async () => {
    const [before] = await accounts();
    await control(world.emulator.urls.control, "POST", "/faults", {
      kind: "status-after",
      status: 503,
      method: "POST",
      path: "/payment$",
    });
    const answer = await pay("2.00");
    expect(answer.status).toBe(503);
    expect(answer.json.Error[0].error_description).toBeTypeOf("string");
    expect(answer.signatureValid).toBe(true);
    const [after] = await accounts();
    expect(after!.payments).toBe(before!.payments + 1);
    expect(Number(after!.balance)).toBeCloseTo(Number(before!.balance) - 2, 2);
    expect(await lastLogged("POST")).toMatchObject({ status: 503, fault: "status-after" });
  });

  it("latency-after makes the payment at once and answers only after the delay", async () => {
    const [before] = await accounts();
    await control(world.emulator.urls.control, "POST", "/faults", {
      kind: "latency-after",
      ms: 400,
      method: "POST",
      path: "/payment$",
    });
    const started = Date.now();
    const answer = pay("3.00");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await accounts())[0]!.payments).toBe(before!.payments + 1);
    expect((await answer).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("is not used up by a request refused before the route ran", async () => {
    const [before] = await accounts();
    await control(world.emulator.urls.control, "POST", "/faults", {
      kind: "drop-after",
      method: "POST",
      path: "/payment$",
    });
    expect((await pay("1.00", false)).status).toBe(466);
    expect((await pay("1000.00")).status).toBe(400);
    expect((await accounts())[0]!.payments).toBe(before!.payments);
    await expect(pay("1.00")).rejects.toThrow(/fetch failed/);
    expect((await accounts())[0]!.payments).toBe(before!.payments + 1);
  });

  it("refuses unknown fault kinds", async () => {
    await expect(
      control(world.emulator.urls.control, "POST", "/faults", { kind: "explode-after" }),
    ).rejects.toThrow(/400/);
  });
});
