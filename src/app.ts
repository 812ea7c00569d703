/**
 * The running application: database, then the HTTP server, then the bot's update delivery.
 * `stop()` first stops taking updates and waits (up to the shutdown deadline) for the ones in
 * hand, then writes what was kept while the database was away, and only then closes the
 * server, the bunq transport and the database — so a SIGTERM never cuts a handler's writes.
 */
import { setChatCommands, setDefaultCommands } from "./bot/commands.js";
import { createDelivery } from "./bot/delivery.js";
import { conversationKey, startIdleSweeper } from "./bot/idle-conversations.js";
import { createBot } from "./bot/index.js";
import { startIntentReconciler } from "./bot/intent-notices.js";
import { connectNoticeText } from "./bot/messages/connect.js";
import { StartAbortedError, untilTelegramAnswers } from "./bot/updates/telegram-retry.js";
import { RateLimiter } from "./bunq/rate-limiter.js";
import { BunqTransport } from "./bunq/transport.js";
import type { RequestHandler } from "express";
import { isLoopbackUrl, type Config } from "./config.js";
import { DatabaseApiContextStore } from "./db/api-context-store.js";
import { locationFromConfig, openDatabase, type DatabaseHandle } from "./db/client.js";
import { loadAuditPseudonymKey, loadKeyring } from "./db/keys.js";
import { DatabaseProviderRegistrationStore } from "./db/provider-registration-store.js";
import type { Logger } from "./logger.js";
import { createServer } from "./server/index.js";
import { listen } from "./server/listen.js";
import { bunqOAuthAdapter } from "./services/connect/bunq-oauth-adapter.js";
import { ConnectService } from "./services/connect/connect-service.js";
import { AuditTrail } from "./services/audit.js";
import { AccountsService } from "./services/banking/accounts.js";
import { disconnect } from "./services/banking/disconnect.js";
import { IntentStore } from "./services/banking/intents.js";
import { MoneyIntents } from "./services/banking/money-intents.js";
import { PaymentsService } from "./services/banking/payments.js";
import { RequestsService } from "./services/banking/requests.js";
import { BunqContexts } from "./services/bunq-contexts.js";
import { startHousekeeping } from "./services/housekeeping.js";
import { UpdateInbox } from "./services/update-inbox.js";
import { WriteBehind } from "./services/write-behind.js";
import {
  bunqCallbackUrl,
  certificateSource,
  checkProviderSetup,
  oauthCallbackUrl,
  setUpProvider,
  type ProviderSetupDeps,
} from "./services/provider-setup.js";

export interface RunningApp {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts everything; `signal` (SIGTERM during start-up) stops what was started and rejects
 * with StartAbortedError — start-up may wait a long time for an unreachable Telegram.
 */
export interface AppOptions {
  /**
   * The offline demo's routes (src/demo): mounted on the server, and /connect does not warn
   * that a loopback callback only works on this machine — in the demo, that is the point.
   */
  readonly demoRoutes?: RequestHandler;
}

export async function startApp(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
  options: AppOptions = {},
): Promise<RunningApp> {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    return await start(config, logger, signal, stops, options);
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw signal.aborted ? new StartAbortedError() : error;
  }
}

async function start(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
  stops: (() => Promise<unknown>)[],
  options: AppOptions,
): Promise<RunningApp> {
  // Loaded first so a missing or malformed key stops start-up before anything is touched.
  const keyring = loadKeyring(config, logger);
  const audit = new AuditTrail(loadAuditPseudonymKey(config, logger));
  const database = openDatabase(locationFromConfig(config.database));
  stops.push(() => database.close());
  await database.migrate();
  logger.info({ backend: database.backend, bunqEnvironment: config.bunq.environment }, "database ready");
  const registrations = new DatabaseProviderRegistrationStore(database.db, keyring);
  const contextStore = new DatabaseApiContextStore(database.db, keyring);
  const timeScale = config.bunq.timeScale;
  const transport = new BunqTransport({
    baseUrl: config.bunq.apiBaseUrl,
    limiter: new RateLimiter({ timeScale }),
    timeoutMs: config.bunq.requestTimeoutMs,
  });
  stops.push(() => transport.close());
  await completeProviderSetup(config, logger, { transport, contexts: contextStore, registrations });
  const writes = new WriteBehind(logger);
  if (config.runtime.faultInjection) injectOutageOnSignal(database, logger);
  const contexts = new BunqContexts({
    db: database.db,
    keyring,
    context: {
      transport,
      store: contextStore,
      environment: config.bunq.environment,
      timeScale,
    },
  });
  // The bot needs the service on its context and the service needs bot.api to notify chats.
  // eslint-disable-next-line prefer-const
  let connect: ConnectService;
  const moneyIntents = new MoneyIntents({
    // Headers and body may each take the whole timeout; the lease outlasts both.
    intents: new IntentStore(database.db, 2 * config.bunq.requestTimeoutMs + 2_000),
    contexts,
    writes,
    audit,
    logger,
  });
  const banking = {
    accounts: new AccountsService(contexts),
    payments: new PaymentsService(moneyIntents, contexts),
    requests: new RequestsService(moneyIntents, contexts),
    disconnect: (chatId: number) =>
      disconnect(
        {
          db: database.db,
          contexts,
          audit,
          logger,
          callbackTarget: bunqCallbackUrl(config),
          chatKeys: (id) => [conversationKey(id)],
        },
        chatId,
      ),
  };
  const bot = createBot({
    token: config.telegram.botToken,
    apiRoot: config.telegram.apiRoot,
    logger,
    services: () => ({ db: database.db, connect, logger, ...banking }),
  });
  connect = new ConnectService({
    db: database.db,
    keyring,
    audit,
    environment: config.bunq.environment,
    redirectUri: oauthCallbackUrl(config),
    callbackReachableOnlyHere: isLoopbackUrl(oauthCallbackUrl(config)) && !options.demoRoutes,
    contexts: contextStore,
    retirePrevious: (chatId) => contexts.retire(chatId),
    oauth: bunqOAuthAdapter({
      authorizeUrl: config.bunq.oauthAuthorizeUrl,
      tokenUrl: config.bunq.oauthTokenUrl,
      async credentials() {
        const registration = await registrations.load(config.bunq.environment);
        if (!registration?.oauthClientId || !registration.oauthClientSecret) {
          throw new Error("bunq OAuth client is not registered: run `npm run setup`");
        }
        return { clientId: registration.oauthClientId, clientSecret: registration.oauthClientSecret };
      },
      context: { transport, environment: config.bunq.environment, timeScale },
    }),
    notify: async (chatId, notice) => {
      await bot.api.sendMessage(chatId, connectNoticeText(notice));
    },
    onConnected: async (chatId) => {
      // A reconnect brings a new token: the next command opens a context for it.
      contexts.forget(chatId);
      await setChatCommands(bot.api, chatId, true);
    },
  });

  const delivery = createDelivery({
    bot,
    inbox: new UpdateInbox(database.db, config.runtime.updateLeaseMs),
    writes,
    logger,
    leaseMs: config.runtime.updateLeaseMs,
    webhookBaseUrl: config.telegram.delivery === "webhook" ? config.http.publicBaseUrl : undefined,
  });
  const server = await listen(
    createServer({
      logger,
      connect,
      publicBaseUrl: config.http.publicBaseUrl,
      ping: () => database.ping(),
      ...(delivery.webhook ? { webhook: delivery.webhook } : {}),
      ...(options.demoRoutes ? { demoRoutes: options.demoRoutes } : {}),
    }),
    config.http.host,
    config.http.port,
  );
  stops.push(() => server.close());
  // Not bot.init(): it retries an unreachable Telegram forever without a word or a way out.
  bot.botInfo = await untilTelegramAnswers("getMe", () => bot.api.getMe(), logger, signal);
  await untilTelegramAnswers("setMyCommands", () => setDefaultCommands(bot.api), logger, signal);
  const background = [
    startIntentReconciler({
      intents: moneyIntents,
      api: bot.api,
      logger,
      intervalMs: config.runtime.reconcileIntervalMs,
    }),
    startIdleSweeper({ db: database.db, api: bot.api, logger }),
    startHousekeeping(database.db, logger),
  ];
  stops.push(() => Promise.all(background.map((task) => task.stop())));
  stops.push(() => delivery.stop(0));
  // After listen: in webhook mode Telegram may post at once.
  await untilTelegramAnswers("delivery", () => delivery.start(), logger, signal);
  logger.info(
    { url: server.url, delivery: delivery.webhook ? "webhook" : "polling" },
    "bot and server ready",
  );
  return {
    url: server.url,
    async stop() {
      const deadline = Date.now() + config.runtime.shutdownTimeoutMs;
      const unfinished = await delivery.stop(config.runtime.shutdownTimeoutMs);
      if (unfinished > 0)
        logger.warn(
          { unfinished },
          "updates left unfinished at the deadline; they will be handled after restart",
        );
      await Promise.all(background.map((task) => task.stop()));
      const lost = await writes.flush(Math.max(deadline - Date.now(), 1_000));
      if (lost > 0)
        logger.error({ lost }, "writes could not be stored before shutdown; reconciliation will repair them");
      await server.close();
      await transport.close();
      await database.close();
    },
  };
}

/**
 * Runs the idempotent PSD2 registration steps of `npm run setup` when start-up finds them
 * missing, so `npm start` alone gets a fresh install going; each step is one log line.
 */
async function completeProviderSetup(
  config: Config,
  logger: Logger,
  deps: Pick<ProviderSetupDeps, "transport" | "contexts" | "registrations">,
): Promise<void> {
  const callbackUrl = oauthCallbackUrl(config);
  const missing = await checkProviderSetup({ ...deps, environment: config.bunq.environment, callbackUrl });
  if (missing.length === 0) return;
  logger.info({ missing }, "bunq PSD2 registration incomplete: running the setup steps");
  const summary = await setUpProvider({
    ...deps,
    environment: config.bunq.environment,
    callbackUrl,
    obtainCertificate: certificateSource(config),
    timeScale: config.bunq.timeScale,
    onStep: (step) => logger.info({ step }, `bunq setup: ${step}`),
  });
  logger.info(
    { providerUserId: summary.providerUserId, callbackUrls: summary.callbackUrls },
    "bunq PSD2 registration complete",
  );
}

/** Tests only: SIGUSR2 makes the database unreachable for a few seconds, as a lost connection would. */
function injectOutageOnSignal(database: DatabaseHandle, logger: Logger): void {
  process.on("SIGUSR2", () => {
    logger.warn("fault injection: the database is unreachable for 3 s");
    database.injectOutage?.(3_000);
  });
}
