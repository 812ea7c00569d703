import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";
import { control, RawBunq } from "./raw-client.js";

// 3 s windows become 30 ms, 30 s becomes 300 ms.
const TIME_SCALE = 0.01;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let emulator: BunqEmulator;
let apiKey: string;
beforeAll(async () => {
  emulator = await startBunqEmulator({ timeScale: TIME_SCALE });
  ({ api_key: apiKey } = await control(emulator.urls.control, "POST", "/users", {
    display_name: "Ann Example",
  }));
});
afterAll(async () => {
  // Every response served during this file fits bunq's OpenAPI spec.
  expect(emulator.specViolations()).toEqual([]);
  await emulator.close();
});
// Every test opens a session, and session-server allows one call per (scaled) 30 s.
beforeEach(() => pause(310));

describe("bunq emulator: API context", () => {
  it("runs installation → device-server → session-server and signs every response", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    expect(bunq.sessionUser.UserPerson).toMatchObject({
      display_name: "Ann Example",
      session_timeout: 604800,
    });
    const user = await bunq.get("/user/{me}");
    expect(user.status).toBe(200);
    expect(user.signatureValid).toBe(true);
    expect(user.json.Response[0].UserPerson.id).toBe(bunq.userId);
  });

  it("accepts each token only where documented", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    const withInstallationToken = await bunq.call("GET", `/user/${bunq.userId}`, {
      token: bunq.installationToken,
    });
    expect(withInstallationToken.status).toBe(401);
    expect(withInstallationToken.json.Error[0].error_description).toBe("Insufficient authorisation.");
    expect(withInstallationToken.signatureValid).toBe(true);
    await pause(310); // rate limits are counted before authentication
    const sessionWithSessionToken = await bunq.call("POST", "/session-server", {
      body: { secret: apiKey },
      token: bunq.sessionToken,
      sign: true,
    });
    expect(sessionWithSessionToken.status).toBe(401);
    const otherUser = await bunq.get(`/user/${bunq.userId + 1}`);
    expect(otherUser.status).toBe(403);
    const wrongKey = await bunq.call("POST", "/device-server", {
      body: { description: "x", secret: "nope" },
      token: bunq.installationToken,
    });
    expect(wrongKey.status).toBe(400);
  });

  it("requires a signature on session-server (466) and refuses a wrong one", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    await pause(300);
    const unsigned = await bunq.call("POST", "/session-server", {
      body: { secret: apiKey },
      token: bunq.installationToken,
    });
    expect(unsigned.status).toBe(466);
    expect(unsigned.json.Error[0]).toEqual({
      error_description: "Request signature is required for this operation.",
      error_description_translated: "Request signature is required for this operation.",
    });
    await pause(300);
    const tampered = await bunq.call("POST", "/session-server", {
      body: { secret: apiKey },
      token: bunq.installationToken,
      sign: "tamper",
    });
    expect(tampered.status).toBe(400);
  });

  it("expires sessions and deletes them on request", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    await control(emulator.urls.control, "POST", "/sessions/expire", { session_token: bunq.sessionToken });
    expect((await bunq.get("/user/{me}")).status).toBe(401);

    await pause(300);
    const fresh = await bunq.openSession(apiKey);
    const sessionId = Object.assign({}, ...fresh.json.Response).Id.id;
    expect((await bunq.call("DELETE", `/session/${sessionId}`, { token: bunq.sessionToken })).status).toBe(
      200,
    );
    expect((await bunq.get("/user/{me}")).status).toBe(401);
  });

  it("limits GETs to 3 per window per endpoint with bunq's 429 body", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    // The first answer of an operation compiles its spec validator; keep that out of the burst.
    await bunq.get("/user/{me}/monetary-account");
    await pause(40);
    const answers = await Promise.all([1, 2, 3, 4].map(() => bunq.get("/user/{me}/monetary-account")));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.json.Error[0].error_description).toMatch(/Too many requests/);
    expect(limited.signatureValid).toBe(true);
    await pause(40);
    expect((await bunq.get("/user/{me}/monetary-account")).status).toBe(200);
  });

  it("allows one session-server call per 30 seconds", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    expect((await bunq.openSession(apiKey)).status).toBe(429);
    await pause(310);
    expect((await bunq.openSession(apiKey)).status).toBe(200);
  });

  it("can corrupt a response signature on request", async () => {
    const bunq = new RawBunq(emulator.urls.api);
    await bunq.connect(apiKey);
    await control(emulator.urls.control, "POST", "/faults", {
      kind: "corrupt-signature",
      path: "/user/\\d+$",
    });
    expect((await bunq.get("/user/{me}")).signatureValid).toBe(false);
    expect((await bunq.get("/user/{me}")).signatureValid).toBe(true);
  });
});
