/** The HTTP app on its own: health, headers, request logs, limits. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { createServer } from "../../src/server/index.js";
import { STRICT_TRANSPORT_SECURITY } from "../../src/server/security-headers.js";
import type { ConnectService } from "../../src/services/connect/connect-service.js";

let http: Server;
let baseUrl: string;
let healthy = true;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = createLogger({
    level: "info",
    pretty: false,
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  });
  // Only the OAuth routes touch the service; these tests send them invalid input.
  const connect = {
    handleCallback: async () => ({ kind: "invalid" }),
    confirm: async () => ({ kind: "invalid" }),
  } as unknown as ConnectService;
  const app = createServer({
    logger,
    connect,
    publicBaseUrl: undefined,
    ping: async () => {
      if (!healthy) throw new Error("connection refused");
    },
  });
  http = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

describe("server", () => {
  it("/healthz reports the database", async () => {
    healthy = true;
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    healthy = false;
    const down = await fetch(`${baseUrl}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.text()).not.toContain("connection refused");
    healthy = true;
  });

  it("sends security headers and no-referrer on OAuth pages", async () => {
    const response = await fetch(`${baseUrl}/oauth/callback?state=abc&code=secret-code`);
    expect(response.status).toBe(400);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-powered-by")).toBeNull();
    const html = await response.text();
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it("logs requests without their query string", async () => {
    await fetch(`${baseUrl}/oauth/callback?state=state-value-123&code=code-value-456`);
    const lines = logLines.filter((line) => line.includes("/oauth/callback"));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toMatch(/state-value-123|code-value-456|\?/);
  });

  it("refuses an oversized confirmation form", async () => {
    const response = await fetch(`${baseUrl}/oauth/confirm`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `state=${"a".repeat(10_000)}`,
    });
    expect(response.status).toBe(413);
  });
});

describe("Strict-Transport-Security", () => {
  async function headerFor(publicBaseUrl: string | undefined): Promise<string | null> {
    const logger = createLogger({ level: "silent", pretty: false });
    const app = createServer({ logger, connect: {} as ConnectService, publicBaseUrl, ping: async () => {} });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    try {
      const port = (server.address() as AddressInfo).port;
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).headers.get("strict-transport-security");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it("is sent on every response when the public URL is https", async () => {
    expect(await headerFor("https://bot.example.com")).toBe(STRICT_TRANSPORT_SECURITY);
    expect(STRICT_TRANSPORT_SECURITY).toBe("max-age=31536000; includeSubDomains");
  });

  it("is not sent for an http or no public URL (it would pin a development host to https)", async () => {
    expect(await headerFor("http://127.0.0.1:3000")).toBeNull();
    expect(await headerFor(undefined)).toBeNull();
  });
});
