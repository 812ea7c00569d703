import { describe, expect, it } from "vitest";
import { ConfigError, demoRequested, loadConfig } from "../../src/config.js";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi";
const KEY = Buffer.alloc(32, 7).toString("base64");

function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("fills every default for the minimal environment", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(config.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(config.http.port).toBe(3000);
    expect(config.http.publicBaseUrl).toBeUndefined();
    expect(config.bunq).toMatchObject({
      environment: "sandbox",
      apiBaseUrl: "https://public-api.sandbox.bunq.com/v1",
      oauthAuthorizeUrl: "https://oauth.sandbox.bunq.com/auth",
      oauthTokenUrl: "https://api-oauth.sandbox.bunq.com/v1/token",
    });
    expect(config.database).toEqual({ url: undefined, dataDir: "./data" });
  });

  it("accepts BUNQ_TIME_SCALE only against the sandbox, and only a fraction", () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).bunq.timeScale).toBe(1);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, BUNQ_TIME_SCALE: "0.05" }).bunq.timeScale).toBe(0.05);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, BUNQ_TIME_SCALE: "2" })).toContain("BUNQ_TIME_SCALE");
    expect(
      errorOf({
        TELEGRAM_BOT_TOKEN: TOKEN,
        BUNQ_TIME_SCALE: "0.1",
        BUNQ_ENVIRONMENT: "production",
        BUNQ_PSD2_CERT_PATH: "/etc/qseal.pem",
        BUNQ_PSD2_KEY_PATH: "/etc/qseal.key",
      }),
    ).toBe(
      "Configuration error: BUNQ_TIME_SCALE is for emulators only and cannot be used with BUNQ_ENVIRONMENT=production",
    );
  });

  it("switches bunq URLs with the environment and lets each be overridden", () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      BUNQ_ENVIRONMENT: "production",
      BUNQ_PSD2_CERT_PATH: "/etc/qseal.pem",
      BUNQ_PSD2_KEY_PATH: "/etc/qseal.key",
      BUNQ_OAUTH_TOKEN_URL: "http://127.0.0.1:9000/api-oauth/v1/token/",
    });
    expect(config.bunq.apiBaseUrl).toBe("https://api.bunq.com/v1");
    expect(config.bunq.oauthAuthorizeUrl).toBe("https://oauth.bunq.com/auth");
    expect(config.bunq.oauthTokenUrl).toBe("http://127.0.0.1:9000/api-oauth/v1/token");
  });

  it("names a missing bot token", () => {
    expect(errorOf({})).toBe(
      "Configuration error: TELEGRAM_BOT_TOKEN is required: the token @BotFather gave your bot",
    );
  });

  it("names a malformed port and shows what it got", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, PORT: "abc" })).toBe(
      'Configuration error: PORT must be an integer between 1 and 65535 (got "abc")',
    );
  });

  it("lists the allowed values of an enumeration", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, BUNQ_ENVIRONMENT: "live" })).toContain(
      'BUNQ_ENVIRONMENT must be one of "sandbox", "production"',
    );
  });

  it("never echoes a malformed secret", () => {
    const message = errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, ENCRYPTION_KEYS: "k1:c2hvcnQtc2VjcmV0" });
    expect(message).toContain("ENCRYPTION_KEYS");
    expect(message).not.toContain("c2hvcnQtc2VjcmV0");
    expect(errorOf({ TELEGRAM_BOT_TOKEN: "oops-not-a-token" })).not.toContain("oops");
  });

  it("parses several encryption keys, newest last", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, ENCRYPTION_KEYS: `old:${KEY}, new:${KEY}` });
    expect(config.encryptionKeys?.map((key) => key.id)).toEqual(["old", "new"]);
  });

  it("refuses production without encryption keys", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, NODE_ENV: "production" })).toContain(
      "ENCRYPTION_KEYS is required",
    );
  });

  it("requires AUDIT_PSEUDONYM_KEY in production, at least 32 bytes, never echoing it", () => {
    const production = { TELEGRAM_BOT_TOKEN: TOKEN, NODE_ENV: "production", ENCRYPTION_KEYS: `k1:${KEY}` };
    expect(errorOf(production)).toBe(
      "Configuration error: AUDIT_PSEUDONYM_KEY is required in production (base64 of at least 32 random bytes)",
    );
    const short = Buffer.alloc(16, 9).toString("base64");
    const message = errorOf({ ...production, AUDIT_PSEUDONYM_KEY: short });
    expect(message).toBe(
      "Configuration error: AUDIT_PSEUDONYM_KEY must be base64 of at least 32 random bytes",
    );
    expect(message).not.toContain(short);
    const long = Buffer.alloc(48, 5);
    expect(
      loadConfig({ ...production, AUDIT_PSEUDONYM_KEY: long.toString("base64") }).auditPseudonymKey,
    ).toEqual(long);
    // Development generates one (see keys.test.ts).
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).auditPseudonymKey).toBeUndefined();
  });

  it("refuses a plain-http public base URL in production, naming the variable", () => {
    const production = {
      TELEGRAM_BOT_TOKEN: TOKEN,
      NODE_ENV: "production",
      ENCRYPTION_KEYS: `k1:${KEY}`,
      AUDIT_PSEUDONYM_KEY: KEY,
    };
    expect(errorOf({ ...production, PUBLIC_BASE_URL: "http://bot.example.com" })).toBe(
      'Configuration error: PUBLIC_BASE_URL must be an https URL in production (got "http://bot.example.com")',
    );
    expect(
      loadConfig({ ...production, PUBLIC_BASE_URL: "https://bot.example.com/" }).http.publicBaseUrl,
    ).toBe("https://bot.example.com");
    // Loopback never leaves the machine (the end-to-end suite runs production mode like this).
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: "http://127.0.0.1:3000" }).http.publicBaseUrl).toBe(
      "http://127.0.0.1:3000",
    );
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_BASE_URL: "http://bot.example.com" }).http,
    ).toMatchObject({ publicBaseUrl: "http://bot.example.com" });
  });

  it("rejects a public base URL that is not http(s)", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_BASE_URL: "ftp://example.com" })).toContain(
      "PUBLIC_BASE_URL must be an http(s) URL",
    );
  });

  it("takes updates by webhook when there is a public URL, unless BOT_DELIVERY says polling", () => {
    const url = "https://bot.example.com";
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram.delivery).toBe("polling");
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_BASE_URL: url }).telegram.delivery).toBe("webhook");
    const polling = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_BASE_URL: url, BOT_DELIVERY: "polling" });
    expect(polling.telegram.delivery).toBe("polling");
    // The OAuth callback still uses the public URL.
    expect(polling.http.publicBaseUrl).toBe(url);
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, BOT_DELIVERY: "webhook" })).toBe(
      "Configuration error: BOT_DELIVERY=webhook needs PUBLIC_BASE_URL (where Telegram sends the updates)",
    );
    expect(errorOf({ TELEGRAM_BOT_TOKEN: TOKEN, BOT_DELIVERY: "push" })).toBe(
      'Configuration error: BOT_DELIVERY must be one of "polling", "webhook" (got "push")',
    );
  });

  it("runs the demo without a token outside production, or when asked", () => {
    expect(demoRequested([], {})).toBe(true);
    expect(demoRequested([], { TELEGRAM_BOT_TOKEN: " " })).toBe(true);
    expect(demoRequested([], { TELEGRAM_BOT_TOKEN: TOKEN })).toBe(false);
    expect(demoRequested([], { NODE_ENV: "production" })).toBe(false);
    expect(demoRequested(["--demo"], { TELEGRAM_BOT_TOKEN: TOKEN, NODE_ENV: "production" })).toBe(true);
  });
});
