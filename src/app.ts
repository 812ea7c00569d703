/**
 * The running application: database, then the HTTP server, then the bot's update delivery.
 * Everything started here is stopped by `stop()` in reverse order, so a SIGTERM lets in-flight
 * updates and requests finish and never cuts a write in half.
 */
import { setChatCommands, setDefaultCommands } from "./bot/commands.js";
import { chooseDelivery } from "./bot/delivery.js";
import { createBot } from "./bot/index.js";
import { BunqTransport } from "./bunq/transport.js";
import type { Config } from "./config.js";
import { DatabaseApiContextStore } from "./db/api-context-store.js";
import { locationFromConfig, openDatabase } from "./db/client.js";
import { loadKeyring } from "./db/keys.js";
import { DatabaseProviderRegistrationStore } from "./db/provider-registration-store.js";
import type { Logger } from "./logger.js";
import { createServer } from "./server/index.js";
import { listen } from "./server/listen.js";
import { bunqOAuthAdapter } from "./services/connect/bunq-oauth-adapter.js";
import { ConnectService } from "./services/connect/connect-service.js";
import { checkProviderSetup, oauthCallbackUrl } from "./services/provider-setup.js";

export interface RunningApp {
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  // Loaded first so a missing or malformed key stops start-up before anything is touched.
  const keyring = loadKeyring(config, logger);
  const database = openDatabase(locationFromConfig(config.database));
  await database.migrate();
  logger.info({ backend: database.backend, bunqEnvironment: config.bunq.environment }, "database ready");
  const registrations = new DatabaseProviderRegistrationStore(database.db, keyring);
  const missing = await checkProviderSetup({
    contexts: new DatabaseApiContextStore(database.db, keyring),
    registrations,
    environment: config.bunq.environment,
    callbackUrl: oauthCallbackUrl(config),
  });
  if (missing.length > 0) {
    logger.warn({ missing }, "bunq PSD2 registration is incomplete: run `npm run setup`");
  }

  const transport = new BunqTransport({ baseUrl: config.bunq.apiBaseUrl });
  // The bot needs the service on its context and the service needs bot.api to notify chats.
  // eslint-disable-next-line prefer-const
  let connect: ConnectService;
  const bot = createBot({
    token: config.telegram.botToken,
    apiRoot: config.telegram.apiRoot,
    logger,
    services: () => ({ db: database.db, connect, logger }),
  });
  connect = new ConnectService({
    db: database.db,
    keyring,
    environment: config.bunq.environment,
    redirectUri: oauthCallbackUrl(config),
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
      context: { transport, environment: config.bunq.environment },
    }),
    notify: async (chatId, text) => {
      await bot.api.sendMessage(chatId, text);
    },
    onConnected: (chatId) => setChatCommands(bot.api, chatId, true),
  });

  const delivery = chooseDelivery(bot, config.http.publicBaseUrl);
  const server = await listen(
    createServer({
      logger,
      connect,
      ping: () => database.ping(),
      ...(delivery.webhook ? { webhook: delivery.webhook } : {}),
    }),
    config.http.host,
    config.http.port,
  );
  await setDefaultCommands(bot.api);
  // After listen: in webhook mode Telegram may post at once.
  await delivery.start();
  logger.info(
    { url: server.url, delivery: delivery.webhook ? "webhook" : "polling" },
    "bot and server ready",
  );
  return {
    async stop() {
      await delivery.stop();
      await server.close();
      await transport.close();
      await database.close();
    },
  };
}
