import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { DatabaseApiContextStore } from "../../src/db/api-context-store.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { DatabaseProviderRegistrationStore } from "../../src/db/provider-registration-store.js";
import { providerRegistrations } from "../../src/db/schema.js";
import { startBunqEmulator, type BunqEmulator } from "../../src/emulator/bunq/index.js";
import { certificateSource, checkProviderSetup, setUpProvider } from "../../src/services/provider-setup.js";
import { openMigrated, testBackends } from "../helpers/databases.js";
import { testKeyring } from "../helpers/keys.js";

const TIME_SCALE = 0.005;
const CALLBACK = "http://127.0.0.1:3000/oauth/callback";

describe.each(testBackends)("PSD2 provider setup on $name", (backend) => {
  let emulator: BunqEmulator;
  let handle: DatabaseHandle;
  let transport: BunqTransport;
  const keyring = testKeyring("k1");

  beforeAll(async () => {
    emulator = await startBunqEmulator({ timeScale: TIME_SCALE });
    handle = await openMigrated(backend);
    transport = new BunqTransport({
      baseUrl: emulator.urls.api,
      limiter: new RateLimiter({ timeScale: TIME_SCALE }),
    });
  });
  afterAll(async () => {
    await transport.close();
    expect(emulator.specViolations()).toEqual([]);
    await emulator.close();
    await handle.close();
  });

  const deps = () => ({
    transport,
    contexts: new DatabaseApiContextStore(handle.db, keyring),
    registrations: new DatabaseProviderRegistrationStore(handle.db, keyring),
    environment: "sandbox" as const,
    callbackUrl: CALLBACK,
    obtainCertificate: certificateSource({ bunq: { environment: "sandbox" } } as Parameters<
      typeof certificateSource
    >[0]),
    timeScale: TIME_SCALE,
  });
  const requestLog = async () =>
    (await (await fetch(`${emulator.urls.control}/requests`)).json()) as {
      method: string;
      path: string;
      status: number;
    }[];

  it("reports everything missing before setup", async () => {
    expect(await checkProviderSetup(deps())).toEqual([
      "PSD2 certificate",
      "PSD2 credential and API context",
      "OAuth client",
    ]);
  });

  it("registers the provider and its OAuth client against a fresh bunq", async () => {
    const summary = await setUpProvider(deps());
    expect(summary.callbackUrls).toEqual([CALLBACK]);
    expect(summary.changes).toEqual(
      expect.arrayContaining(["PSD2 credential", "OAuth client and callback URL"]),
    );
    const paths = (await requestLog()).map(
      (r) => `${r.method} ${r.path.replace(/\d+/g, "{id}")} ${r.status}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        "POST /v{id}/installation 200",
        "POST /v{id}/payment-service-provider-credential 200",
        "POST /v{id}/device-server 200",
        "POST /v{id}/session-server 200",
        "POST /v{id}/user/{id}/oauth-client 200",
        "POST /v{id}/user/{id}/oauth-client/{id}/callback-url 200",
      ]),
    );
    expect(await checkProviderSetup(deps())).toEqual([]);
  });

  it("changes nothing at bunq when run again, and stores no secret in clear", async () => {
    const before = (await requestLog()).length;
    const summary = await setUpProvider(deps());
    expect(summary.changes).toEqual([]);
    const newCalls = (await requestLog()).slice(before);
    expect(newCalls.length).toBeGreaterThan(0);
    expect(newCalls.filter((call) => call.method !== "GET")).toEqual([]);
    const [row] = await handle.db.select().from(providerRegistrations);
    const registration = await deps().registrations.load("sandbox");
    expect(JSON.stringify(row)).not.toContain(registration!.oauthClientSecret);
    expect(JSON.stringify(row)).not.toContain("PRIVATE KEY");
  });

  it("adds a new callback URL without creating a second client", async () => {
    const summary = await setUpProvider({ ...deps(), callbackUrl: "https://bot.example/oauth/callback" });
    expect(summary.callbackUrls).toEqual([CALLBACK, "https://bot.example/oauth/callback"]);
    expect(
      (await requestLog()).filter((r) => r.method === "POST" && r.path.endsWith("/oauth-client")),
    ).toHaveLength(1);
  });
});
