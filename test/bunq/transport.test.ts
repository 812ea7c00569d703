import { createPublicKey, verify } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BunqUserError,
  RateLimitedError,
  ServerError,
  SignatureInvalidError,
} from "../../src/bunq/errors.js";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { generateInstallationKeyPair, type KeyPair } from "../../src/bunq/signing.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { startFakeBunq, type ScriptedAnswer } from "./fake-bunq.js";

let clientKeys: KeyPair;
beforeAll(async () => {
  clientKeys = await generateInstallationKeyPair();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(
  answer: (index: number) => ScriptedAnswer,
  limiter = new RateLimiter({ timeScale: 0.01 }),
) {
  const fake = await startFakeBunq((_req, index) => answer(index));
  const transport = new BunqTransport({ baseUrl: fake.baseUrl, limiter, backoffMs: 5 });
  cleanups.push(() => transport.close(), fake.close);
  return { fake, transport };
}

describe("bunq transport", () => {
  it("signs exactly the bytes it sends, with the documented headers and a fresh request id", async () => {
    const { fake, transport } = await setup(() => ({ body: { Response: [{ Id: { id: 1 } }] } }));
    const body = { amount: { value: "12.50", currency: "EUR" }, description: 'Café ☕ "quoted"' };
    for (let i = 0; i < 2; i++) {
      await transport.send({
        method: "POST",
        path: "/user/1/monetary-account/2/payment",
        body,
        authentication: "session-token",
        signingKeyPem: clientKeys.privateKeyPem,
        serverPublicKeyPem: fake.serverPublicKeyPem,
      });
    }
    const [first, second] = fake.requests;
    const signature = Buffer.from(String(first!.headers["x-bunq-client-signature"]), "base64");
    expect(verify("sha256", first!.body, createPublicKey(clientKeys.publicKeyPem), signature)).toBe(true);
    expect(JSON.parse(first!.body.toString())).toEqual(body);
    expect(first!.headers["x-bunq-client-authentication"]).toBe("session-token");
    expect(first!.headers["cache-control"]).toBe("no-cache");
    expect(first!.headers["x-bunq-geolocation"]).toBe("0 0 0 0 000");
    expect(first!.headers["x-bunq-client-request-id"]).not.toBe(second!.headers["x-bunq-client-request-id"]);
  });

  it("rejects a response whose signature does not verify and never returns its body", async () => {
    const { fake, transport } = await setup(() => ({
      body: { Response: [{ secret: "forged" }] },
      corruptSignature: true,
    }));
    const sent = transport.send({
      method: "GET",
      path: "/user",
      serverPublicKeyPem: fake.serverPublicKeyPem,
    });
    await expect(sent).rejects.toBeInstanceOf(SignatureInvalidError);
    await expect(sent).rejects.not.toHaveProperty("body");
    await expect(sent).rejects.toMatchObject({ responseId: "response-1" });
  });

  it("turns bunq's error body into a typed error with its description and response id", async () => {
    const { transport } = await setup(() => ({
      status: 400,
      body: {
        Error: [{ error_description: "Amount too high.", error_description_translated: "Bedrag te hoog." }],
      },
    }));
    const error = await transport
      .send({ method: "POST", path: "/user/1/x", body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BunqUserError);
    expect(error).toMatchObject({
      message: "Amount too high.",
      status: 400,
      responseId: "response-1",
      path: "/user/{id}/x",
    });
  });

  it("waits and retries after a 429", async () => {
    const { fake, transport } = await setup((index) =>
      index === 0 ? { status: 429, body: { Error: [{ error_description: "Too many requests." }] } } : {},
    );
    await expect(
      transport.send({ method: "POST", path: "/user/1/payment", body: {} }),
    ).resolves.toMatchObject({ status: 200 });
    expect(fake.requests).toHaveLength(2);
  });

  it("gives up on a persistent 429 with a typed error", async () => {
    const { fake, transport } = await setup(() => ({ status: 429 }));
    await expect(transport.send({ method: "GET", path: "/user", idempotent: true })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(fake.requests).toHaveLength(4);
  });

  it("retries a read after a 500 but never repeats a write", async () => {
    const read = await setup((index) => (index === 0 ? { status: 500 } : {}));
    await expect(
      read.transport.send({ method: "GET", path: "/user", idempotent: true }),
    ).resolves.toMatchObject({ status: 200 });
    expect(read.fake.requests).toHaveLength(2);

    const write = await setup(() => ({ status: 500 }));
    await expect(
      write.transport.send({ method: "POST", path: "/user/1/monetary-account/2/payment", body: {} }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(write.fake.requests).toHaveLength(1);
  });

  it("never lets more than the documented number of GETs reach bunq within one window", async () => {
    const windowMs = 3_000 * 0.1;
    const { fake, transport } = await setup(() => ({}), new RateLimiter({ timeScale: 0.1 }));
    await Promise.all(
      Array.from({ length: 12 }, () => transport.send({ method: "GET", path: "/user/1/monetary-account" })),
    );
    const times = fake.requests.map((req) => req.at).sort((a, b) => a - b);
    for (let i = 3; i < times.length; i++) expect(times[i]! - times[i - 3]!).toBeGreaterThanOrEqual(windowMs);
  });
});
