/**
 * A running bot + server against the Telegram emulator and a real database, with a fake bunq
 * OAuth (code "good-code" works, anything else fails) and a clock tests can move.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { createBot } from "../../src/bot/index.js";
import { createDelivery } from "../../src/bot/delivery.js";
import { connectNoticeText } from "../../src/bot/messages/connect.js";
import { setChatCommands, setDefaultCommands } from "../../src/bot/commands.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { Keyring } from "../../src/db/crypto.js";
import { TelegramEmulatorClient } from "../../src/emulator/telegram/control-client.js";
import { startTelegramEmulator, type TelegramEmulator } from "../../src/emulator/telegram/index.js";
import { createLogger } from "../../src/logger.js";
import { InMemoryApiContextStore } from "../../src/bunq/context-store.js";
import { BunqTransport } from "../../src/bunq/transport.js";
import { AccountsService } from "../../src/services/banking/accounts.js";
import { IntentStore } from "../../src/services/banking/intents.js";
import { MoneyIntents } from "../../src/services/banking/money-intents.js";
import { PaymentsService } from "../../src/services/banking/payments.js";
import { RequestsService } from "../../src/services/banking/requests.js";
import { BunqContexts } from "../../src/services/bunq-contexts.js";
import { createServer } from "../../src/server/index.js";
import { listen } from "../../src/server/listen.js";
import type { BunqOAuth } from "../../src/services/connect/bunq-oauth-port.js";
import { NotificationSettingsStore } from "../../src/services/notifications/settings.js";
import { ConnectService } from "../../src/services/connect/connect-service.js";
import { UpdateInbox } from "../../src/services/update-inbox.js";
import { WriteBehind } from "../../src/services/write-behind.js";
import { openMigrated, type TestBackend } from "../helpers/databases.js";
import { testAuditTrail } from "../helpers/keys.js";

export const GOOD_CODE = "good-code";
export const ACCESS_TOKEN = "bunq-access-token-0123456789abcdef";

export const fakeOAuth: BunqOAuth = {
  authorizeUrl: async (state, redirectUri) =>
    `https://oauth.bunq.test/auth?${new URLSearchParams({ response_type: "code", client_id: "cid", redirect_uri: redirectUri, state }).toString()}`,
  exchangeCode: async (code) => {
    if (code !== GOOD_CODE) throw new Error("invalid_grant");
    return { accessToken: ACCESS_TOKEN };
  },
  describeUser: async () => ({ displayName: "Alice Bunq", bunqUserId: 4242, accountCount: 2 }),
};

export interface Running {
  emulator: TelegramEmulator;
  control: TelegramEmulatorClient;
  database: DatabaseHandle;
  baseUrl: string;
  logLines: string[];
  /** Moves the service's clock forward. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startRunning(backend: TestBackend, mode: "polling" | "webhook"): Promise<Running> {
  const emulator = await startTelegramEmulator({ timeScale: 0.01 });
  const control = new TelegramEmulatorClient(emulator.control);
  const database = await openMigrated(backend);
  const logLines: string[] = [];
  const logger = createLogger({
    level: "info",
    pretty: false,
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  });
  let offset = 0;
  const keyring = new Keyring([{ id: "test", key: randomBytes(32) }]);
  const audit = testAuditTrail();
  // /connect runs against a fake OAuth; the banking services exist but bunq is never reached.
  const contexts = new BunqContexts({
    db: database.db,
    keyring,
    context: {
      transport: new BunqTransport({ baseUrl: "http://127.0.0.1:9" }),
      store: new InMemoryApiContextStore(),
      environment: "sandbox",
    },
  });
  const writes = new WriteBehind(logger);
  const intents = new MoneyIntents({
    intents: new IntentStore(database.db, 10_000),
    contexts,
    writes,
    audit,
    logger,
  });
  const banking = {
    accounts: new AccountsService(contexts),
    payments: new PaymentsService(intents, contexts),
    requests: new RequestsService(intents, contexts),
    disconnect: () => Promise.resolve({ bunqCleanedUp: true }),
    notifications: new NotificationSettingsStore(database.db, false),
  };
  const bot = createBot({
    token: emulator.token,
    apiRoot: emulator.apiRoot,
    logger,
    services: () => ({ db: database.db, connect, logger, ...banking }),
  });
  const connect = new ConnectService({
    db: database.db,
    keyring,
    audit,
    oauth: fakeOAuth,
    environment: "sandbox",
    redirectUri: "http://127.0.0.1/oauth/callback",
    notify: async (chatId, notice) => {
      await bot.api.sendMessage(chatId, connectNoticeText(notice));
    },
    onConnected: (chatId) => setChatCommands(bot.api, chatId, true),
    now: () => new Date(Date.now() + offset),
  });
  // In webhook mode the "public" URL is the server's own address, known only once it listens.
  let baseUrl = "";
  const delivery = createDelivery({
    bot,
    inbox: new UpdateInbox(database.db, 10_000),
    writes,
    logger,
    leaseMs: 10_000,
    get webhookBaseUrl() {
      return mode === "webhook" ? baseUrl : undefined;
    },
  });
  const { webhook } = delivery;
  const app = createServer({
    logger,
    connect,
    publicBaseUrl: undefined,
    ping: () => database.ping(),
    ...(webhook ? { webhook } : {}),
  });
  const server = await listen(app, "127.0.0.1", 0);
  baseUrl = server.url;
  await bot.init();
  await delivery.start();
  await setDefaultCommands(bot.api);
  return {
    emulator,
    control,
    database,
    baseUrl,
    logLines,
    advance: (ms) => {
      offset += ms;
    },
    async stop() {
      await delivery.stop(5_000);
      await server.close();
      await emulator.close();
      await database.close();
    },
  };
}
