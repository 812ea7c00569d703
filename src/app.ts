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
import { REVOKED_TEXT } from "./bot/messages/money-notice.js";
import { startMoneyNoticeWorker } from "./bot/money-notices.js";
import { StartAbortedError, untilTelegramAnswers } from "./bot/updates/telegram-retry.js";
import { RateLimiter } from "./bunq/rate-limiter.js";
import { BunqTransport } from "./bunq/transport.js";
import type { RequestHandler } from "express";
import { isLoopbackUrl, type Config } from "./config.js";
import { DatabaseApiContextStore } from "./db/api-context-store.js";
import { locationFromConfig, openDatabase, type DatabaseHandle } from "./db/client.js";
import { loadAuditPseudonymKey, loadKeyring } from "./db/keys.js";
import { DatabaseProviderRegistrationStore } from "./db/provider-registration-store.js";
import { DatabaseUnattendedReadBudget } from "./db/unattended-read-budget.js";
import type { Logger } from "./logger.js";
import { bunqCallbackRoutes } from "./server/bunq-callbacks.js";
import { createServer } from "./server/index.js";
import { listen } from "./server/listen.js";
import { bunqOAuthAdapter } from "./services/connect/bunq-oauth-adapter.js";
import { ConnectService } from "./services/connect/connect-service.js";
import { Revocation } from "./services/connect/revocation.js";
import { Announcements } from "./services/notifications/announcements.js";
import { CallbackInbox } from "./services/notifications/callback-inbox.js";
import { CallbackReceiver } from "./services/notifications/callback-receiver.js";
import { CallbackRegistration } from "./services/notifications/registration.js";
import { NotificationSettingsStore } from "./services/notifications/settings.js";
import { AuditTrail } from "./services/audit.js";
import { AccountsService } from "./services/banking/accounts.js";
import { disconnect } from "./services/banking/disconnect.js";
import { HeldBalances } from "./services/banking/held-balances.js";
import { IntentStore } from "./services/banking/intents.js";
import { MoneyIntents } from "./services/banking/money-intents.js";
import { PaymentsService } from "./services/banking/payments.js";
import { RequestsService } from "./services/banking/requests.js";
import { BunqContexts } from "./services/bunq-contexts.js";
import { startHousekeeping } from "./services/housekeeping.js";
import { UpdateInbox } from "./services/update-inbox.js";
import { WriteBehind } from "./services/write-behind.js";
import {
  bunqCallbackPrefix,
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
  // The bot and the revocation need each other (bot.api tells the chat); bound below.
  // eslint-disable-next-line prefer-const
  let revocation: Revocation;
  const contexts = new BunqContexts({
    db: database.db,
    keyring,
    context: {
      transport,
      store: contextStore,
      environment: config.bunq.environment,
      timeScale,
      // PSD2's 4 unattended reads per 24 h, counted in the database so every instance agrees.
      unattendedReads: new DatabaseUnattendedReadBudget(database.db),
    },
    onTokenRefused: (chatId) => revocation.revokeAndTell(chatId, "token_refused"),
  });
  // Callbacks missed while no instance listened (or while we answered 5xx) make held balances
  // untrustworthy: only copies read after this instance started, and after its last failure, count.
  let callbacksLiveSince = new Date();
  const held = new HeldBalances(database.db, {
    maxAgeMs: config.bunq.heldBalanceMaxAgeMs,
    callbacksLiveSince: () => callbacksLiveSince,
  });
  const callbackPrefix = bunqCallbackPrefix(config);
  const registration = new CallbackRegistration({
    db: database.db,
    contexts,
    logger,
    prefix: callbackPrefix,
  });
  const callbackInbox = new CallbackInbox(database.db, config.runtime.updateLeaseMs);
  let wakeNoticeWorker: () => void = () => undefined;
  const receiver = new CallbackReceiver({
    db: database.db,
    inbox: callbackInbox,
    held,
    logger,
    onStored: () => wakeNoticeWorker(),
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
    accounts: new AccountsService(contexts, held),
    payments: new PaymentsService(moneyIntents, contexts),
    requests: new RequestsService(moneyIntents, contexts),
    disconnect: (chatId: number) =>
      disconnect(
        {
          db: database.db,
          contexts,
          audit,
          logger,
          isOurCallback: registration.isOurs,
          chatKeys: (id) => [conversationKey(id)],
        },
        chatId,
      ),
    notifications: new NotificationSettingsStore(database.db, callbackPrefix !== undefined),
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
    registerCallbacks: async (chatId) => {
      const availability = await registration.register(chatId);
      // Read once the filters are in place, so the held copy is vouched for by callbacks.
      if (availability === "on") {
        await banking.accounts.accounts(chatId).catch((error: unknown) => {
          logger.warn({ chatId, err: { name: (error as Error).name } }, "first balance read failed");
        });
      }
      return availability;
    },
  });
  revocation = new Revocation({
    db: database.db,
    audit,
    logger,
    forget: (chatId) => contexts.forget(chatId),
    tellChat: async (chatId) => {
      await bot.api.sendMessage(chatId, REVOKED_TEXT);
      await setChatCommands(bot.api, chatId, false);
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
      ...(config.http.trustedProxies ? { trustedProxies: config.http.trustedProxies } : {}),
      bunqCallbacks: bunqCallbackRoutes({
        receiver,
        logger,
        ...(config.bunq.callbackSources ? { allowedSources: config.bunq.callbackSources } : {}),
        onFailure: () => {
          callbacksLiveSince = new Date();
        },
      }),
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
  if (config.runtime.pauseMoneyNotices) {
    logger.warn("fault injection: money notices paused (callbacks are stored, not announced)");
  } else {
    const noticeWorker = startMoneyNoticeWorker({
      inbox: callbackInbox,
      announcements: new Announcements(database.db, held),
      revocation,
      api: bot.api,
      logger,
    });
    wakeNoticeWorker = () => noticeWorker.wake();
    background.push(noticeWorker);
  }
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
