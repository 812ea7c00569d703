/**
 * End-to-end stack: the REAL app process (`tsx src/main.ts`, exactly what `npm start` runs)
 * against the bunq and Telegram emulators running in the test process, on a database of its
 * own. Everything the app sees comes through its environment, as in production, so these tests
 * cover configuration, `npm run setup`, start-up, both update deliveries and graceful shutdown
 * — the parts the in-process harness in test/bot cannot.
 *
 * One stack per describe block is the intended use (start-up costs a few seconds); tests keep
 * out of each other's way by using their own Telegram users and chats.
 *
 * ```ts
 * const stack = await startStack({ delivery: "polling" });
 * await stack.control.sendMessage(userId, "/start");   // act as a Telegram user
 * await stack.withDatabase((db) => db.select().from(bunqConnections));
 * await stack.expectClean();                           // after each test
 * await stack.close();                                 // after all
 * ```
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "../../src/db/client.js";
import { Keyring } from "../../src/db/crypto.js";
import { startBunqEmulator, type BunqEmulator } from "../../src/emulator/bunq/index.js";
import { TelegramEmulatorClient } from "../../src/emulator/telegram/control-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "../../src/emulator/telegram/index.js";
import { AuditTrail } from "../../src/services/audit.js";
import { scratchPostgresDatabase } from "../helpers/databases.js";

export const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
/** `node --import tsx`, resolved from the project (the app runs in a temp dir with no node_modules). */
export const TSX_LOADER = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const READY_MESSAGE = "bot and server ready";

export type Delivery = "polling" | "webhook";

export interface StackOptions {
  /** polling: no PUBLIC_BASE_URL; webhook: PUBLIC_BASE_URL is the app's own address. */
  readonly delivery: Delivery;
  /**
   * bunq emulator time scale (rate-limit windows, code and session lifetimes). Default 0.02:
   * setup and the app share one IP, and bunq allows one session-server call per 30 s per IP,
   * so at full scale the first /connect after setup would be refused with 429 (and the app's
   * client then waits out a whole 30 s window). At 0.02 that window is 0.6 s and OAuth codes
   * live 6 s — plenty, as the browser is redirected straight to the callback.
   */
  readonly bunqTimeScale?: number;
  /** Telegram emulator time scale (webhook retry backoff, callback-query window). Default 0.01. */
  readonly telegramTimeScale?: number;
  /** The app's LOG_LEVEL. Default "info" (the ready line is logged at info). */
  readonly logLevel?: string;
  /** Extra environment for the app and setup; wins over what the stack sets. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long start-up may take before it counts as failed. Default 45 s (CI has 2 cores). */
  readonly startTimeoutMs?: number;
  /**
   * Which database the app gets. Default: PostgreSQL when DATABASE_URL is set (a fresh scratch
   * database), PGlite otherwise; "pglite" forces PGlite.
   */
  readonly database?: "pglite" | "postgres";
  /**
   * PostgreSQL only: the app reaches its database through this proxy (its port in
   * DATABASE_URL), so a test can cut the connection as a network or server fault would.
   */
  readonly databaseProxy?: { readonly listen: (target: { host: string; port: number }) => Promise<number> };
  /** Run `npm run setup` before the first start (default true); false leaves it to `npm start`. */
  readonly setup?: boolean;
}

/** A sandbox user made through the bunq emulator's control API. */
export interface SandboxUser {
  user_id: number;
  api_key: string;
  accounts: { id: number; iban: string; type: string }[];
}

export interface Stack {
  readonly delivery: Delivery;
  readonly backend: "pglite" | "postgres";
  /** http://127.0.0.1:<port> — where the app's HTTP server listens. */
  readonly baseUrl: string;
  /** The OAuth callback URL registered at bunq by setup and used by the app. */
  readonly callbackUrl: string;
  readonly telegram: TelegramEmulator;
  /** Acts as Telegram users and reads what the bot sent. */
  readonly control: TelegramEmulatorClient;
  readonly bunq: BunqEmulator;
  /** The key the app encrypts with (passed as ENCRYPTION_KEYS), to open envelopes in assertions. */
  readonly keyring: Keyring;
  /** Keyed like the app's (AUDIT_PSEUDONYM_KEY): `audit.pseudonym(chatId)` finds a chat's audit rows. */
  readonly audit: AuditTrail;
  /** The environment the app and setup run with. */
  readonly env: Readonly<Record<string, string>>;
  /** True while an app process is up. */
  readonly running: boolean;
  /** Everything setup and every app run printed so far (JSON log lines), for failure messages. */
  output(): string;
  /** Calls the bunq emulator's control API (`/_emulator<path>`). */
  bunqControl<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Creates a bunq sandbox user (POST /_emulator/users), e.g. to pick on the consent page. */
  createSandboxUser(body?: {
    display_name?: string;
    accounts?: { type?: "bank" | "savings" | "joint"; description?: string; balance?: string }[];
  }): Promise<SandboxUser>;
  /** Sends a signal to the running app process (e.g. SIGUSR2 for FAULT_INJECTION's database outage). */
  signal(signal: NodeJS.Signals): void;
  /**
   * Spawns the app and waits for its ready line. Throws (with the output) if it exits or hangs.
   * `env` adds to (or overrides) the stack's environment for this run only.
   */
  start(options?: { until?: string; env?: Readonly<Record<string, string>> }): Promise<void>;
  /** SIGTERM, then requires exit code 0 — which also proves the shutdown was graceful. */
  stop(): Promise<void>;
  /** stop() then start(), same environment and database (e.g. a restart mid-conversation). */
  restart(): Promise<void>;
  /** SIGKILL to the app's whole process group: a crash, nothing gets to clean up. */
  kill(): Promise<void>;
  /**
   * Runs `fn` against the app's database. Postgres: a second connection, the app keeps running.
   * PGlite: only one process may open the directory, so the app is stopped first and (unless
   * `restart: false`) started again afterwards.
   */
  withDatabase<T>(fn: (db: Database) => Promise<T>, options?: { restart?: boolean }): Promise<T>;
  /**
   * Asserts that since the last call every Bot API call passed the emulator's spec validation
   * and every bunq response fitted bunq's OpenAPI spec. Call after each test. `tolerate` names
   * refusals that are Telegram's correct answer in the situation a test creates.
   */
  expectClean(options?: { tolerate?: RegExp }): Promise<void>;
  /** Stops the app (if running), the emulators, and removes the database and temp directory. */
  close(): Promise<void>;
}

/** A port that was free a moment ago (the app needs it before it starts, for its callback URL). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface PreparedDatabase {
  readonly backend: "pglite" | "postgres";
  /** DATABASE_URL (Postgres) or DATA_DIR (PGlite) for the app. */
  readonly env: Record<string, string>;
  open(): DatabaseHandle;
  drop(): Promise<void>;
}

/** A fresh, randomly named Postgres database, or a PGlite dir. */
async function prepareDatabase(
  adminUrl: string | undefined,
  dataDir: string,
  proxy: StackOptions["databaseProxy"],
): Promise<PreparedDatabase> {
  if (!adminUrl) {
    return {
      backend: "pglite",
      env: { DATA_DIR: dataDir },
      open: () => openDatabase({ kind: "pglite", dataDir }),
      drop: async () => undefined,
    };
  }
  const scratch = await scratchPostgresDatabase(adminUrl, "bunqbot_e2e");
  let appUrl = scratch.url;
  if (proxy) {
    const direct = new URL(scratch.url);
    const port = await proxy.listen({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(scratch.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(port);
    appUrl = proxied.toString();
  }
  return {
    backend: "postgres",
    env: { DATABASE_URL: appUrl, DATA_DIR: dataDir },
    open: () => openDatabase({ kind: "postgres", url: scratch.url }),
    drop: () => scratch.drop(),
  };
}

interface AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), "bunqbot-e2e-"));
  const bunqTimeScale = options.bunqTimeScale ?? 0.02;
  const bunq = await startBunqEmulator({ timeScale: bunqTimeScale });
  const telegram = await startTelegramEmulator({ timeScale: options.telegramTimeScale ?? 0.01 });
  const control = new TelegramEmulatorClient(telegram.control);
  const adminUrl = options.database === "pglite" ? undefined : process.env.DATABASE_URL;
  if (options.database === "postgres" && !adminUrl) throw new Error("a postgres stack needs DATABASE_URL");
  const database = await prepareDatabase(adminUrl, join(workDir, "data"), options.databaseProxy);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const key = randomBytes(32);
  const keyring = new Keyring([{ id: "e2e", key }]);
  const auditKey = randomBytes(32);

  // Only what the app is meant to read: no inherited variables (a developer's .env values,
  // DATABASE_URL of the test run) can leak in. The cwd is the temp dir for the same reason:
  // the app reads `.env` from its working directory.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: workDir,
    NODE_ENV: "production", // JSON logs; ENCRYPTION_KEYS and AUDIT_PSEUDONYM_KEY required as in a real deployment
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    BUNQ_ENVIRONMENT: "sandbox",
    BUNQ_API_BASE_URL: bunq.urls.api,
    BUNQ_OAUTH_AUTHORIZE_URL: bunq.urls.oauthAuthorize,
    BUNQ_OAUTH_TOKEN_URL: bunq.urls.oauthToken,
    // The app's rate limiter and session clock run at the emulator's speed, as they would share real time.
    BUNQ_TIME_SCALE: String(bunqTimeScale),
    HOST: "127.0.0.1",
    PORT: String(port),
    ENCRYPTION_KEYS: `e2e:${key.toString("base64")}`,
    AUDIT_PSEUDONYM_KEY: auditKey.toString("base64"),
    LOG_LEVEL: options.logLevel ?? "info",
    // Short enough that a crashed payment is reconciled within seconds, long enough for CI.
    BUNQ_REQUEST_TIMEOUT_SECONDS: "2",
    RECONCILE_INTERVAL_SECONDS: "1",
    UPDATE_LEASE_SECONDS: "3",
    SHUTDOWN_TIMEOUT_SECONDS: "10",
    BOT_DELIVERY: options.delivery,
    ...(options.delivery === "webhook" ? { PUBLIC_BASE_URL: baseUrl } : {}),
    ...database.env,
    ...options.env,
  };
  // Mirrors oauthCallbackUrl(): the public URL when set, else 127.0.0.1 and PORT.
  const callbackUrl = `${env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`}/oauth/callback`;
  const startTimeoutMs = options.startTimeoutMs ?? 45_000;

  const output: string[] = [];
  let runs = 0;
  let app: AppProcess | undefined;
  let violationsSeen = 0;
  let dbHandle: DatabaseHandle | undefined;

  const describeOutput = () => {
    const text = output.join("");
    return text.length > 20_000 ? `…${text.slice(-20_000)}` : text;
  };

  async function setup(): Promise<void> {
    output.push("--- npm run setup ---\n");
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        TSX,
        [join(ROOT, "src/cli/setup.ts")],
        { cwd: workDir, env, timeout: startTimeoutMs },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
    output.push(result.stdout, result.stderr);
    if (result.code !== 0) throw new Error(`setup exited with ${result.code}:\n${describeOutput()}`);
    // bunq accepts only an exactly registered redirect URI, so setup and the app must agree on it.
    const registered = /^Callback URLs: (.*)$/m.exec(result.stdout)?.[1]?.split(", ") ?? [];
    if (!registered.includes(callbackUrl)) {
      throw new Error(`setup registered ${registered.join(", ") || "no"} callback URL, not ${callbackUrl}`);
    }
  }

  /** `until`: the log message to wait for instead of the ready line (e.g. a start-up warning). */
  async function start(
    options: { until?: string; env?: Readonly<Record<string, string>> } = {},
  ): Promise<void> {
    const awaited = options.until ?? READY_MESSAGE;
    if (app) throw new Error("the app is already running");
    runs += 1;
    output.push(`--- app run ${runs} ---\n`);
    // Exactly what `npm start` runs: one node process, so a signal reaches the app itself.
    // detached: the app gets its own process group, so kill() is sure to reach all of it.
    const child = spawn(process.execPath, ["--import", TSX_LOADER, join(ROOT, "src/main.ts")], {
      cwd: workDir,
      env: { ...env, ...options.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once("exit", (code, signal) => done({ code, signal })),
    );
    const current: AppProcess = { child, exited };
    app = current;
    const ready = new Promise<void>((done) => {
      let pending = "";
      child.stdout.on("data", (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        output.push(text);
        pending += text;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        if (lines.some((line) => isLogLine(line, awaited))) done();
      });
    });
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready.then(() => "ready" as const),
      exited.then(({ code, signal }) => `exited (code ${code}, signal ${signal})`),
      new Promise<string>((done) => {
        timer = setTimeout(() => done(`not ready after ${startTimeoutMs} ms`), startTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== "ready") {
      killGroup(current, "SIGKILL");
      await current.exited;
      app = undefined;
      throw new Error(`the app did not start: ${outcome}\n${describeOutput()}`);
    }
  }

  async function stop(): Promise<void> {
    const current = app;
    if (!current) return;
    current.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      current.exited,
      new Promise<undefined>((done) => {
        timer = setTimeout(() => done(undefined), 20_000);
      }),
    ]);
    clearTimeout(timer);
    app = undefined;
    if (!result) {
      killGroup(current, "SIGKILL");
      await current.exited;
      throw new Error(`the app did not stop within 20 s of SIGTERM\n${describeOutput()}`);
    }
    if (result.code !== 0) {
      throw new Error(
        `the app exited with code ${result.code} (signal ${result.signal}) on SIGTERM\n${describeOutput()}`,
      );
    }
  }

  async function kill(): Promise<void> {
    const current = app;
    if (!current) return;
    killGroup(current, "SIGKILL");
    await current.exited;
    app = undefined;
  }

  // A test run that dies without close() must not leave an app process behind.
  const killOnExit = () => {
    if (app) killGroup(app, "SIGKILL");
  };
  process.once("exit", killOnExit);

  async function bunqControl<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${bunq.urls.control}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`bunq emulator control ${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as T;
  }

  try {
    if (options.setup ?? true) await setup();
    await start();
  } catch (error) {
    await bunq.close();
    await telegram.close();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
    process.removeListener("exit", killOnExit);
    throw error;
  }

  return {
    delivery: options.delivery,
    backend: database.backend,
    baseUrl,
    callbackUrl,
    telegram,
    control,
    bunq,
    keyring,
    audit: new AuditTrail(auditKey),
    env,
    get running() {
      return app !== undefined;
    },
    output: () => output.join(""),
    signal(signal) {
      if (!app) throw new Error("the app is not running");
      app.child.kill(signal);
    },
    bunqControl,
    createSandboxUser: (body = {}) => bunqControl<SandboxUser>("POST", "/users", body),
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    kill,
    async withDatabase<T>(fn: (db: Database) => Promise<T>, options: { restart?: boolean } = {}) {
      if (database.backend === "postgres") {
        dbHandle ??= database.open();
        return fn(dbHandle.db);
      }
      const wasRunning = app !== undefined;
      await stop();
      const handle = database.open();
      try {
        return await fn(handle.db);
      } finally {
        await handle.close();
        if (wasRunning && options.restart !== false) await start();
      }
    },
    async expectClean({ tolerate }: { tolerate?: RegExp } = {}) {
      const rejected = (await control.rejectedCalls()).filter(
        (call) => !tolerate?.test(`${call.method}: ${call.description ?? ""}`),
      );
      await control.clearCalls();
      const violations = bunq.specViolations().slice(violationsSeen);
      violationsSeen += violations.length;
      expect(
        rejected.map((call) => `${call.method}: ${call.description ?? ""}`),
        "Bot API calls the Telegram emulator rejected",
      ).toEqual([]);
      expect(violations, "bunq responses outside bunq's OpenAPI spec").toEqual([]);
    },
    async close() {
      try {
        await stop();
      } finally {
        process.removeListener("exit", killOnExit);
        await dbHandle?.close();
        await bunq.close();
        await telegram.close();
        await database.drop();
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}

function isLogLine(line: string, message: string): boolean {
  if (!line.includes(message)) return false;
  try {
    return (JSON.parse(line) as { msg?: unknown }).msg === message;
  } catch {
    return false;
  }
}

function killGroup(app: AppProcess, signal: NodeJS.Signals): void {
  // The group, not just tsx: its node child may outlive it for a moment.
  if (app.child.pid === undefined) return;
  try {
    process.kill(-app.child.pid, signal);
  } catch {
    // Already gone.
  }
}
