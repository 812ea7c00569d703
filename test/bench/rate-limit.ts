/**
 * Benchmark: how close does the client get to bunq's documented GET limit (3 per 3 s per
 * endpoint) without a single 429? Runs a burst against the bunq emulator at a time scale
 * (default 0.25: 3 per 750 ms) and reports throughput as a share of the documented limit.
 *
 *   npm run bench:rate-limit -- [--requests 100] [--time-scale 0.25]
 */
import { parseArgs } from "node:util";
import { listMonetaryAccounts } from "../../src/bunq/accounts.js";
import { ApiContext } from "../../src/bunq/api-context.js";
import { InMemoryApiContextStore } from "../../src/bunq/context-store.js";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { startBunqEmulator } from "../../src/emulator/bunq/index.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "100" },
    "time-scale": { type: "string", default: "0.25" },
  },
});
const requests = Number(values.requests);
const timeScale = Number(values["time-scale"]);

const emulator = await startBunqEmulator({ timeScale });
const control = async (method: string, path: string, body?: unknown) =>
  (
    await fetch(emulator.urls.control + path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  ).json() as Promise<any>;
const user = await control("POST", "/users", {});
const transport = new BunqTransport({ baseUrl: emulator.urls.api, limiter: new RateLimiter({ timeScale }) });
const context = await ApiContext.open("provider", user.api_key, {
  transport,
  store: new InMemoryApiContextStore(),
  environment: "sandbox",
  timeScale,
});
await context.session();

const started = performance.now();
await Promise.all(Array.from({ length: requests }, () => listMonetaryAccounts(context)));
const elapsedMs = performance.now() - started;

const log: { status: number }[] = await control("GET", "/requests");
const windowMs = 3000 * timeScale;
// The documented limit lets 3 through at once, then 3 more per window.
const idealMs = Math.floor((requests - 1) / 3) * windowMs;
console.log(
  JSON.stringify(
    {
      requests,
      timeScale,
      elapsedMs: Math.round(elapsedMs),
      idealMs,
      shareOfDocumentedLimit: Number((idealMs / elapsedMs).toFixed(3)),
      rateLimited429: log.filter((entry) => entry.status === 429).length,
    },
    null,
    2,
  ),
);
await transport.close();
await emulator.close();
