/**
 * `npm run setup`: registers this bot as a PSD2 provider with bunq (idempotent) and prints a
 * short summary — never a secret.
 */
import { RateLimiter } from "../bunq/rate-limiter.js";
import { BunqTransport } from "../bunq/transport.js";
import { DatabaseApiContextStore } from "../db/api-context-store.js";
import { locationFromConfig, openDatabase } from "../db/client.js";
import { loadKeyring } from "../db/keys.js";
import { DatabaseProviderRegistrationStore } from "../db/provider-registration-store.js";
import { certificateSource, oauthCallbackUrl, setUpProvider } from "../services/provider-setup.js";
import { runCommand } from "./run.js";

await runCommand(async (config, logger) => {
  const keyring = loadKeyring(config, logger);
  const database = openDatabase(locationFromConfig(config.database));
  const transport = new BunqTransport({
    baseUrl: config.bunq.apiBaseUrl,
    limiter: new RateLimiter({ timeScale: config.bunq.timeScale }),
  });
  try {
    await database.migrate();
    const summary = await setUpProvider({
      transport,
      contexts: new DatabaseApiContextStore(database.db, keyring),
      registrations: new DatabaseProviderRegistrationStore(database.db, keyring),
      environment: config.bunq.environment,
      callbackUrl: oauthCallbackUrl(config),
      obtainCertificate: certificateSource(config),
    });
    process.stdout.write(
      [
        `bunq ${summary.environment}: PSD2 provider user ${summary.providerUserId}`,
        `OAuth client id: ${summary.oauthClientId}`,
        `Callback URLs: ${summary.callbackUrls.join(", ")}`,
        summary.changes.length
          ? `Done now: ${summary.changes.join(", ")}`
          : "Everything was already set up; nothing changed.",
        "",
      ].join("\n"),
    );
  } finally {
    await transport.close();
    await database.close();
  }
});
