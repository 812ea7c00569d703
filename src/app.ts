/**
 * The running application: database, then the HTTP server, then the bot's update delivery.
 * Everything started here is stopped by `stop()` in reverse order, so a SIGTERM lets in-flight
 * updates and requests finish and never cuts a write in half.
 */
import { setChatCommands, setDefaultCommands } from "./bot/commands.js";
import { chooseDelivery } from "./bot/delivery.js";
import { conversationKey, startIdleSweeper } from "./bot/idle-conversations.js";
import { createBot } from "./bot/index.js";
import { tellInterruptedPayments } from "./bot/interrupted-payments.js";
import { RateLimiter } from "./bunq/rate-limiter.js";
import { BunqTransport } from "./bunq/transport.js";
import type { Config } from "./config.js";
import { DatabaseApiContextStore } from "./db/api-context-store.js";
import { locationFromConfig, openDatabase } from "./db/client.js";
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
import { PaymentsService } from "./services/banking/payments.js";
import { RequestsService } from "./services/banking/requests.js";
import { BunqContexts } from "./services/bunq-contexts.js";
import { startHousekeeping } from "./services/housekeeping.js";
import { bunqCallbackUrl, checkProviderSetup, oauthCallbackUrl } from "./services/provider-setup.js";

export interface RunningApp {
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  // Loaded first so a missing or malformed key stops start-up before anything is touched.
  const keyring = loadKeyring(config, logger);
  const audit = new AuditTrail(loadAuditPseudonymKey(config, logger));
  const database = openDatabase(locationFromConfig(config.database));
  await database.migrate();
  logger.info({ backend: database.backend, bunqEnvironment: config.bunq.environment }, "database ready");
  const registrations = new DatabaseProviderRegistrationStore(database.db, keyring);
  const contextStore = new DatabaseApiContextStore(database.db, keyring);
  const missing = await checkProviderSetup({
    contexts: contextStore,
    registrations,
    environment: config.bunq.environment,
    callbackUrl: oauthCallbackUrl(config),
  });
  if (missing.length > 0) {
    logger.warn({ missing }, "bunq PSD2 registration is incomplete: run `npm run setup`");
  }

  const timeScale = config.bunq.timeScale;
  const transport = new BunqTransport({
    baseUrl: config.bunq.apiBaseUrl,
    limiter: new RateLimiter({ timeScale }),
  });
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
  const banking = {
    accounts: new AccountsService(contexts),
    payments: new PaymentsService(database.db, contexts, audit),
    requests: new RequestsService(database.db, contexts, audit),
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
    notify: async (chatId, text) => {
      await bot.api.sendMessage(chatId, text);
    },
    onConnected: async (chatId) => {
      // A reconnect brings a new token: the next command opens a context for it.
      contexts.forget(chatId);
      await setChatCommands(bot.api, chatId, true);
    },
  });

  const delivery = chooseDelivery(bot, config.http.publicBaseUrl);
  const server = await listen(
    createServer({
      logger,
      connect,
      publicBaseUrl: config.http.publicBaseUrl,
      ping: () => database.ping(),
      ...(delivery.webhook ? { webhook: delivery.webhook } : {}),
    }),
    config.http.host,
    config.http.port,
  );
  await setDefaultCommands(bot.api);
  await tellInterruptedPayments(bot.api, logger, await banking.payments.recoverInterrupted());
  const idleSweeper = startIdleSweeper({ db: database.db, api: bot.api, logger });
  const cleaner = startHousekeeping(database.db, logger);
  // After listen: in webhook mode Telegram may post at once.
  await delivery.start();
  logger.info(
    { url: server.url, delivery: delivery.webhook ? "webhook" : "polling" },
    "bot and server ready",
  );
  return {
    async stop() {
      await delivery.stop();
      await idleSweeper.stop();
      await cleaner.stop();
      await server.close();
      await transport.close();
      await database.close();
    },
  };
}
