import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { control, emulatorWithUser } from "./raw-client.js";

/** A callback receiver that answers with the given status and keeps what it got. */
async function listener(status: () => number) {
  const received: any[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bunq`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const world = emulatorWithUser({
  accounts: [
    { type: "bank", balance: "50.00" },
    { type: "savings", balance: "0.00" },
  ],
});

const setFilters = (path: string, filters: { category: string; notification_target: string }[]) =>
  world.bunq.call("POST", path.replace("{me}", String(world.bunq.userId)), {
    token: world.bunq.sessionToken,
    body: { notification_filters: filters },
  });

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
    const receiver = await listener(() => 200);
    const [main, savings] = world.user.accounts;
    await setFilters(`/user/{me}/monetary-account/${main!.id}/notification-filter-url`, [
      { category: "PAYMENT", notification_target: receiver.url },
    ]);
    const paid = await world.bunq.call(
      "POST",
      `/user/${world.bunq.userId}/monetary-account/${main!.id}/payment`,
      {
        token: world.bunq.sessionToken,
        sign: true,
        body: {
          amount: { value: "5.00", currency: "EUR" },
          counterparty_alias: { type: "IBAN", value: savings!.iban, name: "me" },
          description: "hi",
        },
      },
    );
    await world.emulator.settleCallbacks();
    await receiver.close();
    await setFilters(`/user/{me}/monetary-account/${main!.id}/notification-filter-url`, []);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].NotificationUrl).toMatchObject({
      target_url: receiver.url,
      category: "PAYMENT",
      event_type: "PAYMENT_CREATED",
      object: { Payment: { id: paid.json.Response[0].Id.id, amount: { value: "-5.00", currency: "EUR" } } },
    });
  });

  it("retries a failing target 5 times, then lists the failure", async () => {
    const receiver = await listener(() => 500);
    await setFilters("/user/{me}/notification-filter-url", [
      { category: "MUTATION", notification_target: receiver.url },
    ]);
    await control(world.emulator.urls.control, "POST", `/users/${world.user.user_id}/payments`, {
      monetary_account_id: world.user.accounts[0]!.id,
      count: 1,
    });
    await world.emulator.settleCallbacks();
    await receiver.close();
    expect(receiver.received).toHaveLength(6);
    const failures = await world.bunq.get("/user/{me}/notification-filter-failure");
    expect(failures.json.Response.map((f: any) => f.NotificationFilterFailure)).toEqual([
      expect.objectContaining({ category: "MUTATION", event_type: "PAYMENT_CREATED", response_code: 500 }),
    ]);
  });
});
