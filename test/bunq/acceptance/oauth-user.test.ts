import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMonetaryAccounts } from "../../../src/bunq/accounts.js";
import type { ApiContext } from "../../../src/bunq/api-context.js";
import { cancelBunqMeTab, createBunqMeTab, readBunqMeTab } from "../../../src/bunq/bunqme-tabs.js";
import { InMemoryApiContextStore } from "../../../src/bunq/context-store.js";
import { createDraftPayment, readDraftPayment } from "../../../src/bunq/draft-payments.js";
import { BunqUserError, OAuthError } from "../../../src/bunq/errors.js";
import { exchangeAuthorizationCode } from "../../../src/bunq/oauth.js";
import { createPayment } from "../../../src/bunq/payments.js";
import type { ProviderRegistration } from "../../../src/bunq/provider-store.js";
import {
  createRequestInquiry,
  readRequestInquiry,
  revokeRequestInquiry,
} from "../../../src/bunq/request-inquiries.js";
import { certificateSource, setUpProvider } from "../../../src/services/provider-setup.js";
import { control, setup, type EmulatedUser } from "./helpers.js";

const CALLBACK = "http://127.0.0.1:3000/oauth/callback";
const eur = (minor: bigint) => ({ minor, currency: "EUR" });

let env: Awaited<ReturnType<typeof setup>>;
let person: EmulatedUser;
let context: ApiContext;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  env = await setup(0.002);
  person = await env.createUser({
    display_name: "Olivia Owner",
    accounts: [
      { type: "bank", description: "Main", balance: "100.00" },
      { type: "savings", description: "Savings", balance: "0.00" },
    ],
  });
  let stored: ProviderRegistration | undefined;
  const summary = await setUpProvider({
    transport: env.newTransport(),
    contexts: new InMemoryApiContextStore(),
    registrations: { load: async () => stored, save: async (r) => void (stored = r) },
    environment: "sandbox",
    callbackUrl: CALLBACK,
    obtainCertificate: certificateSource({ bunq: { environment: "sandbox" } } as Parameters<
      typeof certificateSource
    >[0]),
    timeScale: 0.002,
  });
  clientId = summary.oauthClientId;
  clientSecret = stored!.oauthClientSecret!;
  const { location } = await control(env.emulator, "POST", "/oauth/authorize", {
    client_id: clientId,
    redirect_uri: CALLBACK,
    state: "s",
    user_id: person.user_id,
    approve: true,
  });
  const code = new URL(location).searchParams.get("code")!;
  const { accessToken } = await exchangeAuthorizationCode(env.emulator.urls.oauthToken, {
    clientId,
    clientSecret,
    code,
    redirectUri: CALLBACK,
  });
  context = await env.open("connection:42", accessToken);
});
afterAll(() => env.close());

describe("a connected user through OAuth", () => {
  it("works as the UserApiKey in URLs and sees the granting user's accounts", async () => {
    const accounts = await listMonetaryAccounts(context);
    expect(accounts.map((a) => a.description)).toEqual(["Main", "Savings"]);
    expect(context.sessionUser).toMatchObject({
      kind: "api_key",
      displayName: "Olivia Owner",
      grantedBy: { id: person.user_id },
    });
    expect(context.userId).not.toBe(person.user_id);
  });

  it("refuses a reused authorization code with a typed error", async () => {
    const { location } = await control(env.emulator, "POST", "/oauth/authorize", {
      client_id: clientId,
      redirect_uri: CALLBACK,
      user_id: person.user_id,
    });
    const code = new URL(location).searchParams.get("code")!;
    const params = { clientId, clientSecret, code, redirectUri: CALLBACK };
    await exchangeAuthorizationCode(env.emulator.urls.oauthToken, params);
    await expect(exchangeAuthorizationCode(env.emulator.urls.oauthToken, params)).rejects.toMatchObject({
      code: "invalid_grant",
    });
    await expect(
      exchangeAuthorizationCode(env.emulator.urls.oauthToken, { ...params, redirectUri: "http://other" }),
    ).rejects.toBeInstanceOf(OAuthError);
  });

  it("pays between own accounts directly but not to anyone else", async () => {
    const [main, savings] = person.accounts;
    await createPayment(context, {
      fromAccountId: main!.id,
      amount: eur(1000n),
      toIban: savings!.iban,
      toName: "Olivia Owner",
      description: "save",
      merchantReference: "test-8",
    });
    await expect(
      createPayment(context, {
        fromAccountId: main!.id,
        amount: eur(100n),
        toIban: "NL91ABNA0417164300",
        toName: "Shop",
        description: "x",
        merchantReference: "test-9",
      }),
    ).rejects.toBeInstanceOf(BunqUserError);
    const state = await control(env.emulator, "GET", `/users/${person.user_id}`);
    expect(state.accounts.map((a: { balance: string }) => a.balance)).toEqual(["90.00", "10.00"]);
  });

  it("creates a draft payment that moves money only once the holder approves it", async () => {
    const main = person.accounts[0]!;
    const draftId = await createDraftPayment(context, {
      fromAccountId: main.id,
      amount: eur(2500n),
      to: { type: "IBAN", value: "NL91ABNA0417164300", name: "Landlord" },
      description: "rent",
      merchantReference: "test-10",
    });
    expect(await readDraftPayment(context, main.id, draftId)).toEqual({ id: draftId, status: "PENDING" });
    await control(env.emulator, "POST", `/draft-payments/${draftId}/accept`);
    expect((await readDraftPayment(context, main.id, draftId)).status).toBe("ACCEPTED");
    expect((await control(env.emulator, "GET", `/users/${person.user_id}`)).accounts[0].balance).toBe(
      "65.00",
    );
  });

  it("requests money with a bunq.me fallback link, and can revoke it", async () => {
    const main = person.accounts[0]!;
    const request = await createRequestInquiry(context, {
      accountId: main.id,
      amount: eur(1500n),
      from: { type: "EMAIL", value: "friend@example.com" },
      description: "dinner",
      merchantReference: "test-11",
    });
    expect(request.status).toBe("PENDING");
    expect(request.shareUrl).toMatch(/^https:\/\/bunq\.me\//);
    await revokeRequestInquiry(context, main.id, request.id);
    expect((await readRequestInquiry(context, main.id, request.id)).status).toBe("REVOKED");
  });

  it("gets sandbox money from sugardaddy@bunq.com at once", async () => {
    const main = person.accounts[0]!;
    const request = await createRequestInquiry(context, {
      accountId: main.id,
      amount: eur(50000n),
      from: { type: "EMAIL", value: "sugardaddy@bunq.com" },
      description: "funding",
      merchantReference: "test-12",
    });
    expect(request.status).toBe("ACCEPTED");
    expect((await control(env.emulator, "GET", `/users/${person.user_id}`)).accounts[0].balance).toBe(
      "565.00",
    );
  });

  it("creates, reads and cancels a bunq.me tab", async () => {
    const main = person.accounts[0]!;
    const tab = await createBunqMeTab(context, {
      accountId: main.id,
      amount: eur(1234n),
      description: "tickets",
    });
    expect(tab).toMatchObject({
      status: "WAITING_FOR_PAYMENT",
      shareUrl: expect.stringMatching(/^https:\/\/bunq\.me\//),
    });
    await cancelBunqMeTab(context, main.id, tab.id);
    expect((await readBunqMeTab(context, main.id, tab.id)).status).toBe("CANCELLED");
  });
});
