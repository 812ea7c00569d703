/** `npm run db:migrate`: applies pending migrations (start-up does the same). */
import { locationFromConfig, openDatabase } from "../db/client.js";
import { runCommand } from "./run.js";

await runCommand(async (config, logger) => {
  const database = openDatabase(locationFromConfig(config.database));
  try {
    await database.migrate();
    logger.info({ backend: database.backend }, "migrations applied");
  } finally {
    await database.close();
  }
});
