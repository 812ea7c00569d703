import { expect } from "vitest";
import { ApiContext } from "../../../src/bunq/api-context.js";
import {
  InMemoryApiContextStore,
  type ApiContextStore,
  type Principal,
} from "../../../src/bunq/context-store.js";
import { RateLimiter } from "../../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../../src/bunq/transport.js";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";

export interface EmulatedUser {
  user_id: number;
  api_key: string;
  accounts: { id: number; iban: string; type: string }[];
}

export async function control<T = any>(
  emulator: BunqEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(emulator.urls.control + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** The emulator and the client share one time scale, as they would share real time. */
export async function setup(timeScale: number) {
  const emulator = await startBunqEmulator({ timeScale });
  const limiter = new RateLimiter({ timeScale });
  const transports: BunqTransport[] = [];
  const newTransport = () => {
    const transport = new BunqTransport({
      baseUrl: emulator.urls.api,
      limiter,
      backoffMs: 50 * timeScale * 10,
    });
    transports.push(transport);
    return transport;
  };
  const open = (
    principal: Principal,
    secret: string,
    store: ApiContextStore = new InMemoryApiContextStore(),
  ) =>
    ApiContext.open(principal, secret, {
      transport: newTransport(),
      store,
      environment: "sandbox",
      timeScale,
      // These tests read as a user would; the PSD2 limit on unattended reads has its own tests.
      unattendedReads: { take: async () => true },
    });
  const requests = () =>
    control<{ method: string; path: string; status: number }[]>(emulator, "GET", "/requests");
  return {
    emulator,
    open,
    newTransport,
    requests,
    createUser: (body: unknown = {}) => control<EmulatedUser>(emulator, "POST", "/users", body),
    async close() {
      for (const transport of transports) await transport.close();
      await emulator.close();
      // Every response the client saw fits bunq's OpenAPI spec.
      expect(emulator.specViolations()).toEqual([]);
    },
  };
}
