/** The OAuth code exchange gives up on a token endpoint that stalls or answers with too much. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { NetworkError, ResponseTooLargeError, TimeoutError } from "../../src/bunq/errors.js";
import { exchangeAuthorizationCode, TOKEN_RESPONSE_MAX_BYTES } from "../../src/bunq/oauth.js";

const SECRET = "client-secret-never-shown";
const CODE = "authorization-code-never-shown";
const params = { clientId: "cid", clientSecret: SECRET, code: CODE, redirectUri: "http://cb" };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function tokenEndpoint(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/token`;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => new Error("the exchange succeeded"),
    (error: unknown) => error as Error,
  );
  expect(outcome.message).not.toContain(SECRET);
  expect(outcome.message).not.toContain(CODE);
  return outcome;
}

describe("OAuth token exchange limits", () => {
  it("gives up on an endpoint that never answers", async () => {
    const url = await tokenEndpoint(() => undefined);
    const started = Date.now();
    const error = await failure(exchangeAuthorizationCode(url, params, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("gives up on an endpoint that sends headers and then stalls the body", async () => {
    const url = await tokenEndpoint((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"access_token":');
    });
    const error = await failure(exchangeAuthorizationCode(url, params, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("refuses an answer larger than the cap, even one holding a token", async () => {
    const padding = "x".repeat(TOKEN_RESPONSE_MAX_BYTES);
    const url = await tokenEndpoint((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ access_token: "token-123", padding }));
    });
    const error = await failure(exchangeAuthorizationCode(url, params));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });

  it("stops reading an endless answer", async () => {
    const url = await tokenEndpoint((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, "a");
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const error = await failure(
      exchangeAuthorizationCode(url, params, { maxResponseBytes: 1024, timeoutMs: 5_000 }),
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
  });

  it("still takes a normal answer", async () => {
    const url = await tokenEndpoint((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ access_token: "token-123", token_type: "bearer" }));
    });
    await expect(exchangeAuthorizationCode(url, params)).resolves.toEqual({ accessToken: "token-123" });
  });
});
