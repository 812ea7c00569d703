import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";
import { approve, connectApp, pause, psd2Provider } from "./psd2.js";
import { control, RawBunq } from "./raw-client.js";
import { receiver, type Receiver } from "./receiver.js";

let emulator: BunqEmulator;
let person: { user_id: number; api_key: string; accounts: { id: number; iban: string }[] };
/** Two apps of different providers the person has connected, and the person's own API-key context. */
let appA: RawBunq;
let appB: RawBunq;
let own: RawBunq;
let hooks: { a: Receiver; b: Receiver; own: Receiver };

const filtersOf = (bunq: RawBunq, accountId?: number) =>
  accountId === undefined
    ? `/user/${bunq.userId}/notification-filter-url`
    : `/user/${bunq.userId}/monetary-account/${accountId}/notification-filter-url`;

async function listFilters(bunq: RawBunq, accountId?: number) {
  await pause(5);
  const answer = await bunq.call("GET", filtersOf(bunq, accountId), { token: bunq.sessionToken });
  expect(answer.status).toBe(200);
  return answer.json.Response[0].NotificationFilterUrl.notification_filters.map((f: any) => ({
    category: f.category,
    notification_target: f.notification_target,
  }));
}

/** Adds filters the way apps must (bunq replaces the set): read, merge, write back. */
async function addFilters(bunq: RawBunq, added: { category: string; target: string }[], accountId?: number) {
  const current = await listFilters(bunq, accountId);
  await pause(5);
  const answer = await bunq.call("POST", filtersOf(bunq, accountId), {
    token: bunq.sessionToken,
    body: {
      notification_filters: [
        ...current,
        ...added.map((f) => ({ category: f.category, notification_target: f.target })),
      ],
    },
  });
  expect(answer.status, answer.body.toString()).toBe(200);
}

beforeAll(async () => {
  emulator = await startBunqEmulator({ timeScale: 0.001 });
  person = await control(emulator.urls.control, "POST", "/users", {
    display_name: "Rita Revoker",
    accounts: [{ type: "bank", balance: "20.00" }],
  });
  const providerA = await psd2Provider(emulator, "App A PISP AISP");
  const providerB = await psd2Provider(emulator, "App B AISP");
  appA = await connectApp(emulator, await approve(emulator, providerA, person.user_id));
  appB = await connectApp(emulator, await approve(emulator, providerB, person.user_id));
  await pause(40);
  own = new RawBunq(emulator.urls.api);
  await own.connect(person.api_key);
  hooks = { a: await receiver(), b: await receiver(), own: await receiver() };
});
afterAll(async () => {
  expect(emulator.specViolations()).toEqual([]);
  await Promise.all(Object.values(hooks).map((r) => r.close()));
  await emulator.close();
});

describe("bunq emulator: OAUTH callbacks and revoked apps' filters", () => {
  it("tells each revoked app through its own OAUTH filters, then drops every filter it wrote", async () => {
    const account = person.accounts[0]!.id;
    await addFilters(appA, [
      { category: "OAUTH", target: hooks.a.url },
      { category: "MUTATION", target: hooks.a.url },
    ]);
    await addFilters(appA, [{ category: "PAYMENT", target: hooks.a.url }], account);
    // App B and the person write the whole set back with their own additions: A's stay A's.
    await addFilters(appB, [{ category: "OAUTH", target: hooks.b.url }]);
    await addFilters(own, [{ category: "MUTATION", target: hooks.own.url }]);
    await addFilters(own, [{ category: "OAUTH", target: hooks.own.url }], account);

    const grantA = appA.sessionUser.UserApiKey.id as number;
    const grantB = appB.sessionUser.UserApiKey.id as number;
    const seen = await control(emulator.urls.control, "GET", `/users/${person.user_id}`);
    expect(seen.notification_filters).toEqual([
      { category: "OAUTH", target: hooks.a.url, grant_id: grantA },
      { category: "MUTATION", target: hooks.a.url, grant_id: grantA },
      { category: "OAUTH", target: hooks.b.url, grant_id: grantB },
      { category: "MUTATION", target: hooks.own.url },
      { category: "PAYMENT", target: hooks.a.url, grant_id: grantA },
      { category: "OAUTH", target: hooks.own.url },
    ]);

    const answer = await control(emulator.urls.control, "POST", `/users/${person.user_id}/revoke-grants`);
    expect(answer).toEqual({ revoked: 2, filters_removed: 4 });
    await emulator.settleCallbacks();

    // Each app hears of its own revocation, as the UserApiKey its session worked as; nobody else does.
    const callbacksOf = (r: Receiver) => r.callbacks().map((c) => [c.category, c.event_type, c.object]);
    expect(callbacksOf(hooks.a)).toEqual([
      ["OAUTH", "OAUTH_REVOKED", { UserApiKey: appA.sessionUser.UserApiKey }],
    ]);
    expect(callbacksOf(hooks.b)).toEqual([
      ["OAUTH", "OAUTH_REVOKED", { UserApiKey: appB.sessionUser.UserApiKey }],
    ]);
    expect(hooks.own.received).toEqual([]);
    expect(appA.sessionUser.UserApiKey.granted_by_user.UserPerson.id).toBe(person.user_id);

    // Only the person's own filters are left, and revoked apps are called no more.
    expect(await listFilters(own)).toEqual([{ category: "MUTATION", notification_target: hooks.own.url }]);
    expect(await listFilters(own, account)).toEqual([
      { category: "OAUTH", notification_target: hooks.own.url },
    ]);
    await control(emulator.urls.control, "POST", `/accounts/${account}/incoming-payments`, {
      amount: "3.00",
    });
    await emulator.settleCallbacks();
    expect(hooks.a.received).toHaveLength(1);
    expect(hooks.own.callbacks().map((c) => c.event_type)).toEqual(["MUTATION_CREATED"]);
    await pause(5);
    expect((await appA.call("GET", filtersOf(appA), { token: appA.sessionToken })).status).toBe(401);
  });
});
