import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startBunqEmulator, type BunqEmulator } from "../../../src/emulator/bunq/index.js";
import { installOnly, pause, REDIRECT, registerCredential, selfSigned } from "./psd2.js";
import { control, RawBunq } from "./raw-client.js";

let emulator: BunqEmulator;
let provider: RawBunq;
let client: { id: number; client_id: string; secret: string };
let person: { user_id: number; api_key: string };

beforeAll(async () => {
  emulator = await startBunqEmulator({ timeScale: 0.001 });
  person = await control(emulator.urls.control, "POST", "/users", { display_name: "Olivia Owner" });
  provider = new RawBunq(emulator.urls.api);
  await installOnly(provider);
  const credential = await registerCredential(provider, selfSigned("Test App PISP AISP"));
  expect(credential.status).toBe(200);
  expect(credential.signatureValid).toBe(true);
  const apiKey = credential.json.Response[0].CredentialPasswordIp.token_value;
  await provider.call("POST", "/device-server", {
    body: { description: "psd2", secret: apiKey },
    token: provider.installationToken,
  });
  await provider.openSession(apiKey);
  const created = await provider.call("POST", `/user/${provider.userId}/oauth-client`, {
    token: provider.sessionToken,
    body: { status: "ACTIVE" },
  });
  const clientId = created.json.Response[0].Id.id;
  await provider.call("POST", `/user/${provider.userId}/oauth-client/${clientId}/callback-url`, {
    token: provider.sessionToken,
    body: { url: REDIRECT },
  });
  client = (await provider.get(`/user/{me}/oauth-client/${clientId}`)).json.Response[0].OauthClient;
  client.id = clientId;
});
afterAll(async () => {
  // Every response served during this file fits bunq's OpenAPI spec.
  expect(emulator.specViolations()).toEqual([]);
  await emulator.close();
});
beforeEach(() => pause(40));

async function authorizeInBrowser(decision: "approve" | "deny", state = "state-123") {
  const authorize = new URL(emulator.urls.oauthAuthorize);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    state,
  })) {
    authorize.searchParams.set(k, v);
  }
  const pageResponse = await fetch(authorize);
  const html = await pageResponse.text();
  expect(pageResponse.status).toBe(200);
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
    form.set(match[1]!, match[2]!.replace(/&amp;/g, "&"));
  const option = [...html.matchAll(/<option value="(\d+)">([^<]*)<\/option>/g)].find(
    (m) => m[2] === "Olivia Owner",
  )!;
  form.set("user_id", option[1]!);
  form.set("decision", decision);
  const action = new URL(/action="([^"]+)"/.exec(html)![1]!, authorize);
  const submitted = await fetch(action, { method: "POST", body: form, redirect: "manual" });
  expect(submitted.status).toBe(302);
  return new URL(submitted.headers.get("location")!);
}

function exchange(params: Record<string, string>, body?: string) {
  const url = new URL(emulator.urls.oauthToken);
  for (const [k, v] of Object.entries({
    grant_type: "authorization_code",
    redirect_uri: REDIRECT,
    client_id: client.client_id,
    client_secret: client.secret,
    ...params,
  })) {
    url.searchParams.set(k, v);
  }
  return fetch(url, { method: "POST", body });
}

describe("bunq emulator: PSD2 provider and OAuth", () => {
  it("registers a provider whose session is a UserPaymentServiceProvider with one OAuth client", async () => {
    expect(provider.sessionUser.UserPaymentServiceProvider).toBeDefined();
    expect(client).toMatchObject({
      status: "ACTIVE",
      callback_url: [{ url: REDIRECT }],
    });
    const second = await provider.call("POST", `/user/${provider.userId}/oauth-client`, {
      token: provider.sessionToken,
      body: {},
    });
    expect(second.status).toBe(400);
  });

  it("refuses a bad credential signature and a certificate without PSD2 roles", async () => {
    const other = new RawBunq(emulator.urls.api);
    await installOnly(other);
    expect((await registerCredential(other, selfSigned("Test App PISP"), true)).status).toBe(400);
    const noRoles = await registerCredential(other, selfSigned("Just An App"));
    expect(noRoles.status).toBe(400);
    expect(noRoles.json.Error[0].error_description).toMatch(/AISP/);
  });

  it("runs the authorize page → code → token → user API context flow", async () => {
    const redirect = await authorizeInBrowser("approve");
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
    expect(redirect.searchParams.get("state")).toBe("state-123");
    const token = await exchange({ code: redirect.searchParams.get("code")! });
    expect(token.status).toBe(200);
    const { access_token: accessToken, token_type } = (await token.json()) as {
      access_token: string;
      token_type: string;
    };
    expect(token_type).toBe("bearer");

    await pause(40);
    const user = new RawBunq(emulator.urls.api);
    await user.connect(accessToken);
    const apiKey = user.sessionUser.UserApiKey;
    expect(apiKey.granted_by_user.UserPerson.id).toBe(person.user_id);
    expect(apiKey.requested_by_user.UserPaymentServiceProvider).toBeDefined();
    expect(user.userId).toBe(apiKey.id);
    const accounts = await user.get("/user/{me}/monetary-account");
    expect(accounts.status).toBe(200);
    expect(accounts.json.Response[0].MonetaryAccountBank.user_id).toBe(person.user_id);
  });

  it("redirects with error=access_denied when the user denies", async () => {
    const redirect = await authorizeInBrowser("deny", "s2");
    expect(redirect.searchParams.get("error")).toBe("access_denied");
    expect(redirect.searchParams.get("state")).toBe("s2");
    expect(redirect.searchParams.has("code")).toBe(false);
  });

  it("rejects a reused code, a wrong redirect URI, and a body on the token call", async () => {
    const code = (await authorizeInBrowser("approve")).searchParams.get("code")!;
    expect((await exchange({ code }, "code=x")).status).toBe(400);
    expect((await exchange({ code })).status).toBe(200);
    const reused = await exchange({ code });
    expect(await reused.json()).toEqual({
      error: "invalid_grant",
      error_description: "The authorization code is invalid or expired.",
    });
    const other = (await authorizeInBrowser("approve")).searchParams.get("code")!;
    expect(
      (
        (await (await exchange({ code: other, redirect_uri: "http://127.0.0.1:3999/elsewhere" })).json()) as {
          error: string;
        }
      ).error,
    ).toBe("invalid_grant");
  });

  it("lets codes expire", async () => {
    const code = (await authorizeInBrowser("approve")).searchParams.get("code")!;
    await pause(320); // five scaled minutes
    expect(((await (await exchange({ code })).json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("shows no consent page for an unregistered redirect URI", async () => {
    const url = new URL(emulator.urls.oauthAuthorize);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: "https://evil.example/cb",
      state: "x",
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain("<form");
  });
});
