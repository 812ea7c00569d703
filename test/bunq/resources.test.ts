import { afterEach, describe, expect, it } from "vitest";
import { listMonetaryAccounts } from "../../src/bunq/accounts.js";
import { ApiContext } from "../../src/bunq/api-context.js";
import { InMemoryApiContextStore } from "../../src/bunq/context-store.js";
import { OAuthError, OutcomeUnknownError } from "../../src/bunq/errors.js";
import { buildAuthorizeUrl, exchangeAuthorizationCode } from "../../src/bunq/oauth.js";
import { createPayment, iteratePayments, listPaymentsPage } from "../../src/bunq/payments.js";
import { RateLimiter } from "../../src/bunq/rate-limiter.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { contextAnswer, startFakeBunq, type RecordedRequest, type ScriptedAnswer } from "./fake-bunq.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A fake bank: context endpoints plus whatever `resources` answers. */
async function connectedContext(resources: (req: RecordedRequest, url: URL) => ScriptedAnswer) {
  const fake = await startFakeBunq((req) => {
    const url = new URL(req.url, "http://fake");
    const context = contextAnswer(url.pathname, fake.serverPublicKeyPem, { id: 7, display_name: "Ann" });
    if (context) return context;
    return resources(req, url);
  });
  const transport = new BunqTransport({
    baseUrl: fake.baseUrl,
    limiter: new RateLimiter({ timeScale: 0.001 }),
    backoffMs: 1,
  });
  closers.push(() => transport.close(), fake.close);
  const context = await ApiContext.open("provider", "key", {
    transport,
    store: new InMemoryApiContextStore(),
    environment: "sandbox",
  });
  return { fake, context };
}

function paymentObject(id: number, value = "-1.00") {
  return {
    Payment: {
      id,
      created: "2026-11-24 10:00:00.000000",
      amount: { value, currency: "EUR" },
      description: `payment ${id}`,
      merchant_reference: null as string | null,
      counterparty_alias: { iban: "NL91ABNA0417164300", display_name: "Shop" },
    },
  };
}

/** bunq's documented pagination over ids 1..total, newest first. */
function paginate(url: URL, total: number) {
  const count = Number(url.searchParams.get("count") ?? 10);
  const olderId = url.searchParams.get("older_id");
  const newest = olderId === null ? total : Number(olderId) - 1;
  const ids = Array.from({ length: Math.max(0, Math.min(count, newest)) }, (_, i) => newest - i);
  const base = url.pathname;
  return {
    Response: ids.map((id) => paymentObject(id)),
    Pagination: {
      future_url: null,
      newer_url: ids.length && ids[0]! < total ? `${base}?count=${count}&newer_id=${ids[0]}` : null,
      older_url: ids.length && ids.at(-1)! > 1 ? `${base}?count=${count}&older_id=${ids.at(-1)}` : null,
    },
  };
}

describe("bunq resources", () => {
  it("normalizes accounts of every type with balance, IBAN and status", async () => {
    const { context } = await connectedContext(() => ({
      body: {
        Response: [
          {
            MonetaryAccountBank: {
              id: 1,
              description: "Main",
              currency: "EUR",
              balance: { value: "100.50", currency: "EUR" },
              status: "ACTIVE",
              alias: [{ type: "IBAN", value: "NL32BUNQ2025822858", name: "Ann" }],
            },
          },
          {
            MonetaryAccountSavings: {
              id: 2,
              description: "Savings",
              currency: "EUR",
              balance: { value: "0.00", currency: "EUR" },
              status: "ACTIVE",
              alias: [],
            },
          },
          {
            MonetaryAccountJoint: {
              id: 3,
              description: "Joint",
              currency: "EUR",
              balance: { value: "-5.00", currency: "EUR" },
              status: "CANCELLED",
              alias: [],
            },
          },
        ],
      },
    }));
    const accounts = await listMonetaryAccounts(context);
    expect(accounts.map((a) => [a.type, a.balance.minor, a.active])).toEqual([
      ["bank", 10050n, true],
      ["savings", 0n, true],
      ["joint", -500n, false],
    ]);
    expect(accounts[0]).toMatchObject({ iban: "NL32BUNQ2025822858", description: "Main" });
  });

  it("pages through 1,000 payments with count=200 in 5 requests, each payment once", async () => {
    const { fake, context } = await connectedContext((_req, url) => ({ body: paginate(url, 1000) }));
    const seen: number[] = [];
    for await (const payment of iteratePayments(context, 5)) seen.push(payment.id);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen[0]).toBe(1000);
    expect(fake.requests.filter((r) => r.url.includes("/payment")).length).toBe(5);
  });

  it("exposes older and newer ids for moving between pages", async () => {
    const { context } = await connectedContext((_req, url) => ({ body: paginate(url, 35) }));
    const first = await listPaymentsPage(context, 5, { count: 10 });
    expect(first.payments.map((p) => p.id)).toEqual([35, 34, 33, 32, 31, 30, 29, 28, 27, 26]);
    expect(first).toMatchObject({ olderId: 26, newerId: undefined });
    const second = await listPaymentsPage(context, 5, { count: 10, olderId: first.olderId });
    expect(second.payments[0]?.id).toBe(25);
    expect(second.newerId).toBe(25);
  });

  it("looks the payment up by its marker instead of repeating it when the answer was lost", async () => {
    const history = [paymentObject(10)];
    const { fake, context } = await connectedContext((req) => {
      if (req.method === "POST") {
        history.unshift(paymentObject(11, "-12.50"));
        history[0]!.Payment.merchant_reference = "test-14";
        return { status: 500 };
      }
      return { body: { Response: history } };
    });
    const id = await createPayment(context, {
      fromAccountId: 5,
      amount: { minor: 1250n, currency: "EUR" },
      toIban: "NL91ABNA0417164300",
      toName: "Shop",
      description: "rent",
      merchantReference: "test-14",
    });
    expect(id).toBe(11);
    expect(fake.requests.filter((r) => r.method === "POST" && r.url.includes("/payment"))).toHaveLength(1);
    expect(
      fake.requests.find((r) => r.method === "POST" && r.url.includes("/payment"))?.headers[
        "x-bunq-client-signature"
      ],
    ).toBeTruthy();
  });

  it("says the outcome is unknown when the payment cannot be found", async () => {
    const { fake, context } = await connectedContext((req) =>
      req.method === "POST" ? { status: 503 } : { body: { Response: [] } },
    );
    const attempt = createPayment(context, {
      fromAccountId: 5,
      amount: { minor: 100n, currency: "EUR" },
      toIban: "NL91ABNA0417164300",
      toName: "Shop",
      description: "x",
      merchantReference: "test-15",
    });
    await expect(attempt).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(fake.requests.filter((r) => r.method === "POST" && r.url.includes("/payment"))).toHaveLength(1);
  });
});

describe("bunq OAuth", () => {
  it("builds the documented authorize URL", () => {
    const url = new URL(
      buildAuthorizeUrl("https://oauth.sandbox.bunq.com/auth", {
        clientId: "cid",
        redirectUri: "http://127.0.0.1:3000/oauth/callback",
        state: "s1",
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "cid",
      redirect_uri: "http://127.0.0.1:3000/oauth/callback",
      state: "s1",
    });
  });

  it("exchanges a code with query parameters only and maps invalid_grant", async () => {
    const fake = await startFakeBunq((req) => {
      const params = new URL(req.url, "http://fake").searchParams;
      if (req.body.length > 0) return { status: 400, body: { error: "invalid_request" } };
      return params.get("code") === "good" && params.get("redirect_uri") === "http://cb"
        ? { body: { access_token: "token-123", token_type: "bearer" } }
        : {
            status: 400,
            body: {
              error: "invalid_grant",
              error_description: "The authorization code is invalid or expired.",
            },
          };
    });
    closers.push(fake.close);
    const tokenUrl = fake.baseUrl + "/token";
    const credentials = { clientId: "cid", clientSecret: "csecret-very-secret", redirectUri: "http://cb" };
    await expect(exchangeAuthorizationCode(tokenUrl, { ...credentials, code: "good" })).resolves.toEqual({
      accessToken: "token-123",
    });
    const failure = await exchangeAuthorizationCode(tokenUrl, { ...credentials, code: "reused" }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(OAuthError);
    expect(failure).toMatchObject({ code: "invalid_grant" });
    expect(String((failure as Error).message)).not.toContain("csecret");
    expect(String((failure as Error).message)).not.toContain("reused");
    const sent = new URL(fake.requests[0]!.url, "http://fake").searchParams;
    expect(sent.get("grant_type")).toBe("authorization_code");
    expect(sent.get("client_secret")).toBe("csecret-very-secret");
  });
});
