/**
 * Every setting comes from the environment (optionally seeded from a `.env` file) and is
 * parsed here, once, into one typed and frozen object. A bad value stops start-up with a
 * single line that names the variable and says what is expected — never its value when
 * that value could be a secret.
 */
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";

export type BunqEnvironment = "sandbox" | "production";

const BUNQ_DEFAULT_URLS: Record<BunqEnvironment, { api: string; authorize: string; token: string }> = {
  sandbox: {
    api: "https://public-api.sandbox.bunq.com/v1",
    authorize: "https://oauth.sandbox.bunq.com/auth",
    token: "https://api-oauth.sandbox.bunq.com/v1/token",
  },
  production: {
    api: "https://api.bunq.com/v1",
    authorize: "https://oauth.bunq.com/auth",
    token: "https://api.oauth.bunq.com/v1/token",
  },
};

/** Variables whose values must never be echoed back in an error message. */
const SECRET_VARIABLES = new Set([
  "TELEGRAM_BOT_TOKEN",
  "ENCRYPTION_KEYS",
  "AUDIT_PSEUDONYM_KEY",
  "DATABASE_URL",
]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const httpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "an http(s) URL")
  .transform((value) => value.replace(/\/+$/, ""));

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const encryptionKey = z.string().transform((entry, ctx) => {
  const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry.trim());
  const key = match ? Buffer.from(match[2]!, "base64") : undefined;
  if (!match || key?.length !== 32) {
    ctx.addIssue({ code: "custom", message: "a comma-separated list of keyId:base64(32 bytes) entries" });
    return z.NEVER;
  }
  return { id: match[1]!, key };
});

const seconds = (min: number, max: number) =>
  z.coerce
    .number({ error: `a number of seconds from ${min} to ${max}` })
    .min(min, `a number of seconds from ${min} to ${max}`)
    .max(max, `a number of seconds from ${min} to ${max}`);

/** Comma-separated IP addresses and CIDR ranges (IPv4 or IPv6), each checked. */
function addressList(hint: string) {
  return z.string().transform((value, ctx) => {
    const entries = value
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0 || !entries.every(isAddressOrRange)) {
      ctx.addIssue({ code: "custom", message: hint });
      return z.NEVER;
    }
    return entries;
  });
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split("/");
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** bunq's published production range; the sandbox calls from changing AWS addresses. */
export const BUNQ_PRODUCTION_CALLBACK_RANGE = "185.40.108.0/22";

function callbackSources(
  configured: "any" | string[] | undefined,
  environment: BunqEnvironment,
): readonly string[] | undefined {
  if (configured === "any") return undefined;
  if (configured) return configured;
  return environment === "production" ? [BUNQ_PRODUCTION_CALLBACK_RANGE] : undefined;
}

/** At least 256 bits, so the audit pseudonyms cannot be recomputed by guessing the key. */
export const AUDIT_KEY_MIN_BYTES = 32;

const auditPseudonymKey = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const key = /^[A-Za-z0-9+/=_-]+$/.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
  if (!key || key.length < AUDIT_KEY_MIN_BYTES) {
    ctx.addIssue({ code: "custom", message: `base64 of at least ${AUDIT_KEY_MIN_BYTES} random bytes` });
    return z.NEVER;
  }
  return key;
});

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    TELEGRAM_BOT_TOKEN: z
      .string({ error: "is required: the token @BotFather gave your bot" })
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "a Telegram bot token like 123456:ABC-DEF…"),
    TELEGRAM_API_ROOT: httpUrl.default("https://api.telegram.org"),
    PUBLIC_BASE_URL: optional(httpUrl),
    BOT_DELIVERY: optional(z.enum(["polling", "webhook"])),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce
      .number({ error: "an integer between 1 and 65535" })
      .int("an integer between 1 and 65535")
      .min(1, "an integer between 1 and 65535")
      .max(65535, "an integer between 1 and 65535")
      .default(3000),
    BUNQ_ENVIRONMENT: z.enum(["sandbox", "production"]).default("sandbox"),
    BUNQ_API_BASE_URL: optional(httpUrl),
    BUNQ_OAUTH_AUTHORIZE_URL: optional(httpUrl),
    BUNQ_OAUTH_TOKEN_URL: optional(httpUrl),
    BUNQ_TIME_SCALE: z.coerce
      .number({ error: "a number above 0 and at most 1" })
      .gt(0, "a number above 0 and at most 1")
      .max(1, "a number above 0 and at most 1")
      .default(1),
    BUNQ_REQUEST_TIMEOUT_SECONDS: seconds(1, 120).default(30),
    BUNQ_PSD2_CERT_PATH: optional(z.string()),
    BUNQ_PSD2_CHAIN_PATH: optional(z.string()),
    BUNQ_PSD2_KEY_PATH: optional(z.string()),
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// connection URL (or leave it unset for PGlite)"),
    ),
    DATA_DIR: z.string().min(1).default("./data"),
    ENCRYPTION_KEYS: optional(
      z
        .string()
        .transform((value) => value.split(",").filter((entry) => entry.trim() !== ""))
        .pipe(z.array(encryptionKey).min(1)),
    ),
    SHUTDOWN_TIMEOUT_SECONDS: seconds(1, 600).default(25),
    UPDATE_LEASE_SECONDS: seconds(1, 600).default(30),
    RECONCILE_INTERVAL_SECONDS: seconds(1, 3600).default(30),
    FAULT_INJECTION: z.enum(["0", "1"]).default("0"),
    FAULT_PAUSE_NOTICES: z.enum(["0", "1"]).default("0"),
    TRUST_PROXY: optional(addressList("addresses or CIDR ranges of your reverse proxies, e.g. 10.0.0.5")),
    BUNQ_CALLBACK_SOURCES: optional(
      z.union([z.literal("any"), addressList("CIDR ranges bunq calls from, e.g. 185.40.108.0/22, or any")]),
    ),
    HELD_BALANCE_MAX_AGE_SECONDS: seconds(0, 24 * 3600).default(600),
    AUDIT_PSEUDONYM_KEY: optional(auditPseudonymKey),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .strip();

export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface Config {
  readonly mode: "development" | "production" | "test";
  readonly telegram: {
    readonly botToken: string;
    readonly apiRoot: string;
    /** How updates arrive: a webhook at PUBLIC_BASE_URL, or long polling (also with a public URL). */
    readonly delivery: "polling" | "webhook";
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicBaseUrl?: string;
    /**
     * The reverse proxies whose X-Forwarded-For is believed (TRUST_PROXY); without them the
     * socket address is the client's, whatever a request claims.
     */
    readonly trustedProxies?: readonly string[];
  };
  readonly bunq: {
    readonly environment: BunqEnvironment;
    readonly apiBaseUrl: string;
    readonly oauthAuthorizeUrl: string;
    readonly oauthTokenUrl: string;
    /**
     * Shrinks bunq's rate-limit windows and session lifetimes to match a bunq emulator run
     * with shrunken time; 1 (real bunq) unless set, and only allowed against the sandbox.
     */
    readonly timeScale: number;
    /** How long bunq may take to answer (headers, then body) before the transport gives up. */
    readonly requestTimeoutMs: number;
    readonly psd2?: { readonly certPath: string; readonly chainPath?: string; readonly keyPath: string };
    /**
     * Where callbacks may come from (CIDR ranges); undefined: anywhere. bunq does not sign
     * callbacks; in production they come from 185.40.108.0/22 (bunq's docs), the default there.
     */
    readonly callbackSources?: readonly string[];
    /** How long /balance may answer from balances held since the last bunq read. */
    readonly heldBalanceMaxAgeMs: number;
  };
  readonly database: { readonly url?: string; readonly dataDir: string };
  /** Configured keys, newest last; undefined means "generate one for development". */
  readonly encryptionKeys?: readonly EncryptionKey[];
  /**
   * The HMAC key of audit pseudonyms; undefined means "generate one for development". Apart
   * from ENCRYPTION_KEYS so that rotating those keeps old audit rows correlated.
   */
  readonly auditPseudonymKey?: Buffer;
  readonly logLevel: string;
  readonly runtime: {
    /** How long SIGTERM waits for updates in hand before the process stops anyway. */
    readonly shutdownTimeoutMs: number;
    /** How long a worker owns an update it took; a dead process's updates are taken again after it. */
    readonly updateLeaseMs: number;
    /** How often payments left executing by a crash are looked up at bunq. */
    readonly reconcileIntervalMs: number;
    /** Tests only (sandbox): SIGUSR2 makes the database unreachable for a few seconds. */
    readonly faultInjection: boolean;
    /**
     * Tests only (with FAULT_INJECTION): callbacks are stored but not announced, so a test can
     * kill the process between the two.
     */
    readonly pauseMoneyNotices: boolean;
  };
}

/** Parses an environment into a Config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const raw = env[variable];
    const shown = raw === undefined || SECRET_VARIABLES.has(variable) ? "" : ` (got ${JSON.stringify(raw)})`;
    const expected = issue.code === "invalid_value" ? describeEnum(issue) : issue.message;
    const verb = expected.startsWith("is required") ? "" : "must be ";
    throw new ConfigError(`Configuration error: ${variable} ${verb}${expected}${shown}`);
  }
  const e = parsed.data;
  const urls = BUNQ_DEFAULT_URLS[e.BUNQ_ENVIRONMENT];
  if (e.BUNQ_ENVIRONMENT === "production" && (!e.BUNQ_PSD2_CERT_PATH || !e.BUNQ_PSD2_KEY_PATH)) {
    throw new ConfigError(
      "Configuration error: BUNQ_PSD2_CERT_PATH and BUNQ_PSD2_KEY_PATH are required when BUNQ_ENVIRONMENT is production",
    );
  }
  if (e.BUNQ_TIME_SCALE !== 1 && e.BUNQ_ENVIRONMENT !== "sandbox") {
    throw new ConfigError(
      "Configuration error: BUNQ_TIME_SCALE is for emulators only and cannot be used with BUNQ_ENVIRONMENT=production",
    );
  }
  if (e.FAULT_INJECTION === "1" && e.BUNQ_ENVIRONMENT !== "sandbox") {
    throw new ConfigError(
      "Configuration error: FAULT_INJECTION is for tests only and cannot be used with BUNQ_ENVIRONMENT=production",
    );
  }
  if (e.NODE_ENV === "production" && !e.ENCRYPTION_KEYS) {
    throw new ConfigError(
      "Configuration error: ENCRYPTION_KEYS is required in production (keyId:base64 of 32 random bytes)",
    );
  }
  if (e.NODE_ENV === "production" && !e.AUDIT_PSEUDONYM_KEY) {
    throw new ConfigError(
      `Configuration error: AUDIT_PSEUDONYM_KEY is required in production (base64 of at least ${AUDIT_KEY_MIN_BYTES} random bytes)`,
    );
  }
  if (e.NODE_ENV === "production" && e.PUBLIC_BASE_URL && !servedSecurely(e.PUBLIC_BASE_URL)) {
    throw new ConfigError(
      `Configuration error: PUBLIC_BASE_URL must be an https URL in production (got ${JSON.stringify(e.PUBLIC_BASE_URL)})`,
    );
  }
  if (e.BOT_DELIVERY === "webhook" && !e.PUBLIC_BASE_URL) {
    throw new ConfigError(
      "Configuration error: BOT_DELIVERY=webhook needs PUBLIC_BASE_URL (where Telegram sends the updates)",
    );
  }
  return Object.freeze({
    mode: e.NODE_ENV,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      delivery: e.BOT_DELIVERY ?? (e.PUBLIC_BASE_URL ? "webhook" : "polling"),
    },
    http: {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      ...(e.TRUST_PROXY ? { trustedProxies: e.TRUST_PROXY } : {}),
    },
    bunq: {
      environment: e.BUNQ_ENVIRONMENT,
      apiBaseUrl: e.BUNQ_API_BASE_URL ?? urls.api,
      oauthAuthorizeUrl: e.BUNQ_OAUTH_AUTHORIZE_URL ?? urls.authorize,
      oauthTokenUrl: e.BUNQ_OAUTH_TOKEN_URL ?? urls.token,
      timeScale: e.BUNQ_TIME_SCALE,
      requestTimeoutMs: e.BUNQ_REQUEST_TIMEOUT_SECONDS * 1000,
      psd2:
        e.BUNQ_PSD2_CERT_PATH && e.BUNQ_PSD2_KEY_PATH
          ? {
              certPath: e.BUNQ_PSD2_CERT_PATH,
              chainPath: e.BUNQ_PSD2_CHAIN_PATH,
              keyPath: e.BUNQ_PSD2_KEY_PATH,
            }
          : undefined,
      callbackSources: callbackSources(e.BUNQ_CALLBACK_SOURCES, e.BUNQ_ENVIRONMENT),
      heldBalanceMaxAgeMs: e.HELD_BALANCE_MAX_AGE_SECONDS * 1000,
    },
    database: { url: e.DATABASE_URL, dataDir: e.DATA_DIR },
    encryptionKeys: e.ENCRYPTION_KEYS,
    auditPseudonymKey: e.AUDIT_PSEUDONYM_KEY,
    logLevel: e.LOG_LEVEL,
    runtime: {
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      updateLeaseMs: e.UPDATE_LEASE_SECONDS * 1000,
      reconcileIntervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
      faultInjection: e.FAULT_INJECTION === "1",
      pauseMoneyNotices: e.FAULT_INJECTION === "1" && e.FAULT_PAUSE_NOTICES === "1",
    },
  });
}

/**
 * OAuth callbacks and webhook updates travel to PUBLIC_BASE_URL, so in production it must be
 * https. A loopback address never leaves the machine (the end-to-end suite runs production
 * mode that way); nobody outside could reach it anyway.
 */
function servedSecurely(url: string): boolean {
  return new URL(url).protocol === "https:" || isLoopbackUrl(url);
}

/** True for URLs that only reach this machine (localhost, 127.x.x.x, [::1]). */
export function isLoopbackUrl(url: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(new URL(url).hostname);
}

function describeEnum(issue: z.core.$ZodIssue): string {
  const values = "values" in issue && Array.isArray(issue.values) ? issue.values : [];
  return `one of ${values.map((value) => JSON.stringify(value)).join(", ")}`;
}

/**
 * The offline demo runs when asked for (`--demo`, `npm run demo`) or when a developer starts
 * the bot without a token; in production a missing token stays a start-up error.
 */
export function demoRequested(args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (args.includes("--demo")) return true;
  return !env.TELEGRAM_BOT_TOKEN?.trim() && env.NODE_ENV !== "production";
}

/** Adds the variables of `.env` (if present) to process.env; the real environment wins. */
export function loadDotEnv(envFile = ".env"): void {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
}
