import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/logger.js";
import { captureLogs } from "../helpers/logs.js";

const BOT_TOKEN = "7234567890:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
const BUNQ_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

/** No 8-character piece of the secret may appear in the output. */
function expectNoPartOf(secret: string, output: string) {
  for (let start = 0; start + 8 <= secret.length; start += 4) {
    expect(output).not.toContain(secret.slice(start, start + 8));
  }
}

describe("logger redaction", () => {
  it("masks tokens nested in objects under sensitive keys", () => {
    const { logger, output } = captureLogs();
    logger.info({ user: { connection: { accessToken: BUNQ_TOKEN, api_key: "k-123456789" } } }, "connected");
    expect(output()).toContain("connected");
    expectNoPartOf(BUNQ_TOKEN, output());
    expect(output()).not.toContain("k-123456789");
  });

  it("scrubs a token inside an Error message and stack", () => {
    const { logger, output } = captureLogs();
    logger.error(
      { err: new Error(`request to https://api.telegram.org/bot${BOT_TOKEN}/getMe failed`) },
      "boom",
    );
    expect(output()).toContain("failed");
    expectNoPartOf(BOT_TOKEN, output());
  });

  it("scrubs secrets in messages and in values under innocent keys", () => {
    const { logger, output } = captureLogs();
    logger.info(
      { note: `Bearer ${BUNQ_TOKEN}`, url: "/oauth/callback?code=abc123secret&state=xyz789state" },
      `token ${BOT_TOKEN}`,
    );
    expectNoPartOf(BUNQ_TOKEN, output());
    expectNoPartOf(BOT_TOKEN, output());
    expect(output()).not.toContain("abc123secret");
    expect(output()).not.toContain("xyz789state");
    expect(output()).toContain("/oauth/callback?code=");
  });

  it("removes PEM private keys from strings", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    expect(redactSecrets(`key is ${pem} ok`)).toBe("key is [redacted] ok");
  });

  it("keeps ordinary words and amounts readable", () => {
    const { logger, output } = captureLogs();
    logger.info({ amount: "12.50", currency: "EUR", chatId: 42 }, "payment created");
    expect(output()).toContain('"amount":"12.50"');
    expect(output()).toContain('"chatId":42');
  });
});

describe("error codes", () => {
  it("keeps an error's kind in `code` but still masks an OAuth authorization code", () => {
    const { logger, output } = captureLogs();
    logger.warn({ err: { code: "ECONNRESET" } }, "network");
    logger.warn({ err: { code: "invalid_grant" } }, "oauth");
    logger.warn({ err: { code: "7f3a9c2e1b" }, code: "7f3a9c2e1b" }, "callback");
    expect(output()).toContain('"code":"ECONNRESET"');
    expect(output()).toContain('"code":"invalid_grant"');
    expect(output()).not.toContain("7f3a9c2e1b");
  });
});
