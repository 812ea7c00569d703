import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";

// 3 s becomes 60 ms.
const TIME_SCALE = 0.02;
const WINDOW_MS = 3000 * TIME_SCALE;

describe("rate limiter", () => {
  it("holds a slot until a window after the answer, so a slow answer cannot lead to a 429", async () => {
    const limiter = new RateLimiter({ timeScale: TIME_SCALE });
    const inFlight = await Promise.all(
      [1, 2, 3].map(() => limiter.acquire("GET", "/user/1/monetary-account")),
    );
    let fourthGrantedAt: number | undefined;
    const fourth = limiter.acquire("GET", "/user/2/monetary-account").then((release) => {
      fourthGrantedAt = Date.now();
      return release;
    });

    // Three requests still waiting for bunq's answer: any of them may only now be counted.
    await sleep(WINDOW_MS * 2);
    expect(fourthGrantedAt).toBeUndefined();

    const answeredAt = Date.now();
    inFlight[0]!();
    (await fourth)();
    expect(fourthGrantedAt! - answeredAt).toBeGreaterThanOrEqual(WINDOW_MS - 1);
    for (const release of inFlight.slice(1)) release();
  });

  it("keeps every endpoint pattern separate and shares them across callers", async () => {
    const limiter = new RateLimiter({ timeScale: TIME_SCALE });
    const started = Date.now();
    const granted = await Promise.all([
      ...[1, 2, 3].map((user) => limiter.acquire("GET", `/user/${user}/monetary-account`)),
      ...[1, 2, 3].map((user) => limiter.acquire("GET", `/user/${user}/monetary-account/9/payment`)),
    ]);
    expect(Date.now() - started).toBeLessThan(WINDOW_MS);
    for (const release of granted) release();
  });
});
