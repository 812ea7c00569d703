/** `npm run db:rotate-keys`: re-encrypts every secret under the newest ENCRYPTION_KEYS entry. */
import { locationFromConfig, openDatabase } from "../db/client.js";
import { loadKeyring } from "../db/keys.js";
import { reencryptAll } from "../db/rotate.js";
import { runCommand } from "./run.js";

await runCommand(async (config, logger) => {
  const keyring = loadKeyring(config, logger);
  const database = openDatabase(locationFromConfig(config.database));
  try {
    await database.migrate();
    const { reencrypted, legacyContextsBound } = await reencryptAll(database.db, keyring);
    logger.info(
      { keyId: keyring.currentKeyId, reencrypted, legacyContextsBound },
      "secrets re-encrypted under the newest key",
    );
  } finally {
    await database.close();
  }
});
