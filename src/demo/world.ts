/**
 * The offline demo's world: a seeded bunq emulator (a user with bank, savings and joint
 * accounts and some history) and a Telegram emulator with one person to chat as, started
 * beside the real bot in one process. The bot is configured exactly as in production, only
 * through the environment this returns, so the demo shows the real product, not a mock-up.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { startBunqEmulator } from "../emulator/bunq/index.js";
import { TelegramEmulatorClient } from "../emulator/telegram/control-client.js";
import { startTelegramEmulator } from "../emulator/telegram/index.js";
import type { Logger } from "../logger.js";
import { demoRoutes } from "./routes.js";

/**
 * bunq's rate-limit windows and session lifetimes at a tenth: the demo's setup and its first
 * /connect would otherwise wait out bunq's 30 s session-server window (one per IP).
 */
const BUNQ_TIME_SCALE = 0.1;
const DEMO_PERSON = {
  id: 4_242_001,
  first_name: "Demo",
  last_name: "User",
  username: "demo_user",
  language_code: "en",
} as const;

export interface DemoWorld {
  /** The environment the bot runs with: the caller's, pointed at the emulators. */
  readonly env: NodeJS.ProcessEnv;
  /** The demo page and its API, for the bot's HTTP server. */
  readonly routes: RequestHandler;
  /** Prints the one line a person needs: where to open the demo. */
  announce(appUrl: string, logger: Logger): void;
  close(): Promise<void>;
}

export async function startDemoWorld(env: NodeJS.ProcessEnv): Promise<DemoWorld> {
  const bunq = await startBunqEmulator({ seed: true, timeScale: BUNQ_TIME_SCALE });
  const telegram = await startTelegramEmulator({ botUsername: "bunqbot_demo_bot", botFirstName: "bunqbot" });
  const chat = new TelegramEmulatorClient(telegram.control);
  await chat.createUser(DEMO_PERSON);
  await chat.openPrivateChat(DEMO_PERSON.id);
  const bunqUser = bunq.seedUsers[0];
  if (!bunqUser) throw new Error("the bunq emulator has no seed user");

  // The emulators remember nothing across runs, so neither may the demo's database.
  const dataDir = join(env.DATA_DIR?.trim() || "./data", "demo");
  rmSync(dataDir, { recursive: true, force: true });

  return {
    env: {
      ...env,
      NODE_ENV: "development",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_DELIVERY: "polling",
      PUBLIC_BASE_URL: "",
      BUNQ_ENVIRONMENT: "sandbox",
      BUNQ_API_BASE_URL: bunq.urls.api,
      BUNQ_OAUTH_AUTHORIZE_URL: bunq.urls.oauthAuthorize,
      BUNQ_OAUTH_TOKEN_URL: bunq.urls.oauthToken,
      BUNQ_TIME_SCALE: String(BUNQ_TIME_SCALE),
      BUNQ_PSD2_CERT_PATH: "",
      BUNQ_PSD2_CHAIN_PATH: "",
      BUNQ_PSD2_KEY_PATH: "",
      DATABASE_URL: "",
      DATA_DIR: dataDir,
      ENCRYPTION_KEYS: "",
      AUDIT_PSEUDONYM_KEY: "",
      FAULT_INJECTION: "0",
    },
    routes: demoRoutes({
      telegramControl: telegram.control,
      bunqControl: bunq.urls.control,
      telegramUserId: DEMO_PERSON.id,
      bunqUserId: bunqUser.user_id,
    }),
    announce(appUrl, logger) {
      logger.info(
        { telegramControl: telegram.control, bunqControl: bunq.urls.control },
        "demo emulators ready",
      );
      process.stdout.write(`\nDemo: open ${appUrl}/demo\n\n`);
    },
    async close() {
      await telegram.close();
      await bunq.close();
    },
  };
}
