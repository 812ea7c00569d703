import { createPublicKey, verify } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ApiContext } from "../../src/bunq/api-context.js";
import { InMemoryApiContextStore } from "../../src/bunq/context-store.js";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { startFakeBunq, type RecordedRequest, type ScriptedAnswer } from "./fake-bunq.js";

const TIME_SCALE = 0.001;

/** A minimal bunq: installation, device-server, session-server; other calls answer `other`. */
async function fakeWithContext(
  other: (req: RecordedRequest) => ScriptedAnswer = () => ({ body: { Response: [] } }),
) {
  let sessions = 0;
  let installationPublicKey = "";
  const fake = await startFakeBunq((req) => {
    if (req.url === "/v1/installation") {
      installationPublicKey = (JSON.parse(req.body.toString()) as { client_public_key: string })
        .client_public_key;
      return {
        body: {
          Response: [
            { Id: { id: 1 } },
            { Token: { token: "installation-token" } },
            { ServerPublicKey: { server_public_key: fake.serverPublicKeyPem } },
          ],
        },
      };
    }
    if (req.url === "/v1/device-server") return { body: { Response: [{ Id: { id: 2 } }] } };
    if (req.url === "/v1/session-server") {
      const signature = Buffer.from(String(req.headers["x-bunq-client-signature"]), "base64");
      if (!verify("sha256", req.body, createPublicKey(installationPublicKey), signature)) {
        return { status: 400, body: { Error: [{ error_description: "The request signature is invalid." }] } };
      }
      sessions++;
      return {
        body: {
          Response: [
            { Id: { id: 100 + sessions } },
            { Token: { token: `session-token-${sessions}` } },
            { UserPerson: { id: 42, display_name: "Ann", session_timeout: 3600 } },
          ],
        },
      };
    }
    return other(req);
  });
  return {
    fake,
    sessions: () => sessions,
    calls: (url: string) => fake.requests.filter((r) => r.url === url).length,
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function transportFor(baseUrl: string) {
  const transport = new BunqTransport({
    baseUrl,
    limiter: new RateLimiter({ timeScale: TIME_SCALE }),
    backoffMs: 1,
  });
  closers.push(() => transport.close());
  return transport;
}

describe("API context", () => {
  it("registers once, signs session-server with the installation key, and survives a restart", async () => {
    const { fake, calls } = await fakeWithContext();
    closers.push(fake.close);
    const store = new InMemoryApiContextStore();
    const options = { store, environment: "sandbox" as const, timeScale: 1 };
    const first = await ApiContext.open("connection:1", "api-key", {
      ...options,
      transport: transportFor(fake.baseUrl),
    });
    await first.send({ method: "GET", path: "/user/{userId}" });
    expect(fake.requests.at(-1)?.url).toBe("/v1/user/42");
    expect(fake.requests.at(-1)?.headers["x-bunq-client-authentication"]).toBe("session-token-1");

    const afterRestart = await ApiContext.open("connection:1", "api-key", {
      ...options,
      transport: transportFor(fake.baseUrl),
    });
    await afterRestart.send({ method: "GET", path: "/user/{userId}" });
    expect([calls("/v1/installation"), calls("/v1/device-server"), calls("/v1/session-server")]).toEqual([
      1, 1, 1,
    ]);
  });

  it("creates exactly one session for 50 concurrent requests", async () => {
    const { fake, calls } = await fakeWithContext();
    closers.push(fake.close);
    const context = await ApiContext.open("provider", "api-key", {
      store: new InMemoryApiContextStore(),
      environment: "sandbox",
      transport: transportFor(fake.baseUrl),
    });
    await Promise.all(
      Array.from({ length: 50 }, () =>
        context.send({ method: "GET", path: "/user/{userId}/monetary-account" }),
      ),
    );
    expect(calls("/v1/session-server")).toBe(1);
    expect(calls("/v1/user/42/monetary-account")).toBe(50);
  });

  it("renews a session bunq says expired, once, and retries the request once", async () => {
    let refusals = 1;
    const { fake, calls } = await fakeWithContext((req) =>
      req.headers["x-bunq-client-authentication"] === "session-token-1" && refusals-- > 0
        ? { status: 401, body: { Error: [{ error_description: "Insufficient authorisation." }] } }
        : { body: { Response: [] } },
    );
    closers.push(fake.close);
    const context = await ApiContext.open("provider", "api-key", {
      store: new InMemoryApiContextStore(),
      environment: "sandbox",
      transport: transportFor(fake.baseUrl),
    });
    await expect(context.send({ method: "GET", path: "/user/{userId}" })).resolves.toMatchObject({
      status: 200,
    });
    expect(calls("/v1/session-server")).toBe(2);
    expect(calls("/v1/user/42")).toBe(2);
  });

  it("does not loop when bunq keeps refusing", async () => {
    const { fake, calls } = await fakeWithContext(() => ({
      status: 401,
      body: { Error: [{ error_description: "Insufficient authorisation." }] },
    }));
    closers.push(fake.close);
    const context = await ApiContext.open("provider", "api-key", {
      store: new InMemoryApiContextStore(),
      environment: "sandbox",
      transport: transportFor(fake.baseUrl),
    });
    await expect(context.send({ method: "GET", path: "/user/{userId}" })).rejects.toThrow(
      "Insufficient authorisation.",
    );
    expect(calls("/v1/session-server")).toBe(2);
  });

  it("renews ahead of the expiry computed from session_timeout", async () => {
    const { fake, calls } = await fakeWithContext();
    closers.push(fake.close);
    // session_timeout 3600 s scaled by 0.0001 → 360 ms; renew margin 100 ms.
    const context = await ApiContext.open("provider", "api-key", {
      store: new InMemoryApiContextStore(),
      environment: "sandbox",
      transport: transportFor(fake.baseUrl),
      timeScale: 0.0001,
      refreshMarginMs: 100,
    });
    await context.send({ method: "GET", path: "/user/{userId}" });
    await context.send({ method: "GET", path: "/user/{userId}" });
    expect(calls("/v1/session-server")).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await context.send({ method: "GET", path: "/user/{userId}" });
    expect(calls("/v1/session-server")).toBe(2);
  });
});
