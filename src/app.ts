/**
 * The running application: database, then the bot and HTTP server. Everything started here
 * is stopped by `stop()` in reverse order, so a SIGTERM never cuts a write in half.
 */
import type { Config } from "./config.js";
import { DatabaseApiContextStore } from "./db/api-context-store.js";
import { locationFromConfig, openDatabase } from "./db/client.js";
import { loadKeyring } from "./db/keys.js";
import { DatabaseProviderRegistrationStore } from "./db/provider-registration-store.js";
import type { Logger } from "./logger.js";
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
  const missing = await checkProviderSetup({
    contexts: new DatabaseApiContextStore(database.db, keyring),
    registrations: new DatabaseProviderRegistrationStore(database.db, keyring),
    environment: config.bunq.environment,
    callbackUrl: oauthCallbackUrl(config),
  });
  if (missing.length > 0) {
    logger.warn({ missing }, "bunq PSD2 registration is incomplete: run `npm run setup`");
  }
  return {
    async stop() {
      await database.close();
    },
  };
}
