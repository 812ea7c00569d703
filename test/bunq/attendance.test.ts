import { afterEach, describe, expect, it } from "vitest";
import { ApiContext, type ApiContextOptions } from "../../src/bunq/api-context.js";
import {
  attended,
  currentAttendance,
  InMemoryUnattendedReadBudget,
  UNATTENDED_READ_WINDOW_MS,
  UNATTENDED_READS_PER_WINDOW,
  type UnattendedReadBudget,
} from "../../src/bunq/attendance.js";
import { InMemoryApiContextStore, type Principal } from "../../src/bunq/context-store.js";
import { BunqError, UnattendedReadRefusedError } from "../../src/bunq/errors.js";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { contextAnswer, startFakeBunq } from "./fake-bunq.js";

const READ = { method: "GET", path: "/user/{userId}/monetary-account/7/payment", idempotent: true } as const;
const READ_URL = "/v1/user/42/monetary-account/7/payment";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A fake bunq that registers and opens sessions, and answers every other call with nothing. */
async function fakeBunq() {
  const fake = await startFakeBunq((req) => {
    const context = contextAnswer(req.url, fake.serverPublicKeyPem, {
      id: 42,
      display_name: "Ann",
      session_timeout: 3600,
    });
    if (context) return context;
    return { body: { Response: [] } };
  });
  closers.push(fake.close);
  const transport = new BunqTransport({
    baseUrl: fake.baseUrl,
    limiter: new RateLimiter({ timeScale: 0.001 }),
    backoffMs: 1,
  });
  closers.push(() => transport.close());
  return {
    fake,
    calls: (url: string) => fake.requests.filter((r) => r.url === url).length,
    open: (principal: Principal, extra: Partial<ApiContextOptions> = {}) =>
      ApiContext.open(principal, "oauth-token-secret", {
        transport,
        store: new InMemoryApiContextStore(),
        environment: "sandbox",
        ...extra,
      }),
  };
}

/** The in-memory budget on a clock the test moves. */
function budgetAt(start: Date) {
  const inner = new InMemoryUnattendedReadBudget();
  let now = start;
  const budget: UnattendedReadBudget = { take: (principal) => inner.take(principal, now) };
  return {
    budget,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);
const refusals = (results: PromiseSettledResult<unknown>[]) =>
  results.filter((r) => r.status === "rejected" && r.reason instanceof UnattendedReadRefusedError).length;

describe("the attendance marker", () => {
  it("holds across awaits, timers and everything started inside, and nowhere else", async () => {
    expect(currentAttendance()).toBeUndefined();
    const seen = await attended("telegram-update", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inTimer = await new Promise((resolve) => setTimeout(() => resolve(currentAttendance()), 1));
      const inner = await attended("payment-reconcile", async () => currentAttendance());
      return [currentAttendance(), inTimer, inner];
    });
    expect(seen).toEqual(["telegram-update", "telegram-update", "payment-reconcile"]);
    expect(currentAttendance()).toBeUndefined();
  });

  it("keeps concurrent branches apart", async () => {
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const [a, b] = await Promise.all([
      attended("oauth-browser", async () => {
        await tick();
        await tick();
        return currentAttendance();
      }),
      (async () => {
        await tick();
        return currentAttendance();
      })(),
    ]);
    expect([a, b]).toEqual(["oauth-browser", undefined]);
  });
});

describe("unattended reads through the API context", () => {
  it(`lets ${UNATTENDED_READS_PER_WINDOW} unattended reads through and refuses the next before it is sent`, async () => {
    const { calls, open } = await fakeBunq();
    const context = await open("connection:1", { unattendedReads: new InMemoryUnattendedReadBudget() });
    for (let i = 0; i < 4; i++) await context.send(READ);
    expect(calls(READ_URL)).toBe(4);

    const refused = await context.send({ ...READ, query: { count: 200 } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnattendedReadRefusedError);
    expect(refused).toBeInstanceOf(BunqError);
    expect(refused).toMatchObject({
      name: "UnattendedReadRefusedError",
      method: "GET",
      path: "/user/{userId}/monetary-account/{id}/payment",
    });
    const message = (refused as Error).message;
    expect(message).not.toMatch(/secret|token|count=|42/);
    expect(calls(READ_URL)).toBe(4);
  });

  it("never counts or refuses attended reads", async () => {
    const { calls, open } = await fakeBunq();
    const context = await open("connection:2", { unattendedReads: new InMemoryUnattendedReadBudget() });
    await attended("telegram-update", async () => {
      for (let i = 0; i < 8; i++) await context.send(READ);
    });
    expect(calls(READ_URL)).toBe(8);
    // The attended reads left the whole budget for unattended ones.
    for (let i = 0; i < 4; i++) await context.send(READ);
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    await attended("payment-reconcile", () => context.send(READ));
    expect(calls(READ_URL)).toBe(13);
  });

  it("does not count writes", async () => {
    const { calls, open } = await fakeBunq();
    const context = await open("connection:3", { unattendedReads: new InMemoryUnattendedReadBudget() });
    for (let i = 0; i < 6; i++) {
      await context.send({ method: "POST", path: "/user/{userId}/monetary-account/7/payment", body: {} });
    }
    await context.send({ method: "PUT", path: "/user/{userId}/monetary-account/7", body: {} });
    for (let i = 0; i < 4; i++) await context.send(READ);
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    expect(calls("/v1/user/42/monetary-account/7/payment")).toBe(10);
  });

  it("slides the 24-hour window: a read older than a day no longer counts", async () => {
    const { calls, open } = await fakeBunq();
    const clock = budgetAt(new Date("2030-01-01T00:00:00Z"));
    const context = await open("connection:4", { unattendedReads: clock.budget });
    await context.send(READ); // 00:00
    clock.advance(6 * 3600_000);
    for (let i = 0; i < 3; i++) await context.send(READ); // 06:00
    clock.advance(17 * 3600_000);
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError); // 23:00
    clock.advance(3600_000 - 1);
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError); // 23:59:59.999
    clock.advance(1);
    await context.send(READ); // 24:00: the first read is a day old
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    clock.advance(6 * 3600_000);
    for (let i = 0; i < 3; i++) await context.send(READ); // the three of 06:00 are gone
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    expect(calls(READ_URL)).toBe(8);
  });

  it("tells concurrent attended and unattended branches apart", async () => {
    const { calls, open } = await fakeBunq();
    const context = await open("connection:5", { unattendedReads: new InMemoryUnattendedReadBudget() });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const [attendedResults, unattendedResults] = await Promise.all([
      attended("telegram-update", async () => {
        await tick();
        return settle(
          Array.from({ length: 6 }, async () => {
            await tick();
            return context.send(READ);
          }),
        );
      }),
      (async () => {
        await tick();
        return settle(Array.from({ length: 6 }, () => context.send(READ)));
      })(),
    ]);
    expect(attendedResults.every((r) => r.status === "fulfilled")).toBe(true);
    expect(refusals(unattendedResults)).toBe(2);
    expect(calls(READ_URL)).toBe(10);
  });

  it("refuses before anything leaves, not even a session", async () => {
    const { calls, open } = await fakeBunq();
    const closed: UnattendedReadBudget = { take: async () => false };
    const context = await open("connection:6", { unattendedReads: closed });
    await expect(context.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    expect(calls("/v1/session-server")).toBe(0);
    expect(calls(READ_URL)).toBe(0);
  });

  it("counts per principal, and leaves the provider's own registration reads alone", async () => {
    const { calls, open } = await fakeBunq();
    const budget = new InMemoryUnattendedReadBudget();
    const first = await open("connection:7", { unattendedReads: budget });
    const second = await open("connection:8", { unattendedReads: budget });
    const provider = await open("provider", { unattendedReads: budget });
    for (let i = 0; i < 4; i++) await first.send(READ);
    await expect(first.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    for (let i = 0; i < 4; i++) await second.send(READ);
    for (let i = 0; i < 6; i++) await provider.send({ method: "GET", path: "/user/{userId}/oauth-client" });
    expect(calls(READ_URL)).toBe(8);
    expect(calls("/v1/user/42/oauth-client")).toBe(6);
  });

  it("holds without a configured budget: contexts of one principal share a process-wide one", async () => {
    const { calls, open } = await fakeBunq();
    const one = await open("connection:default-budget");
    const other = await open("connection:default-budget");
    await settle([one.send(READ), one.send(READ), other.send(READ)]);
    await other.send(READ);
    await expect(one.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    await expect(other.send(READ)).rejects.toBeInstanceOf(UnattendedReadRefusedError);
    expect(calls(READ_URL)).toBe(4);
  });
});

describe("the in-memory budget", () => {
  it("allows exactly the limit of concurrent takes, per principal, in a sliding window", async () => {
    const budget = new InMemoryUnattendedReadBudget();
    const now = new Date("2030-01-01T00:00:00Z");
    const taken = await Promise.all(Array.from({ length: 10 }, () => budget.take("connection:1", now)));
    expect(taken.filter(Boolean)).toHaveLength(UNATTENDED_READS_PER_WINDOW);
    expect(await budget.take("connection:2", now)).toBe(true);
    const later = new Date(now.getTime() + UNATTENDED_READ_WINDOW_MS - 1);
    expect(await budget.take("connection:1", later)).toBe(false);
    const dayLater = new Date(now.getTime() + UNATTENDED_READ_WINDOW_MS);
    expect(await budget.take("connection:1", dayLater)).toBe(true);
  });
});
