/** `npm start`: runs the bot until SIGTERM or SIGINT, then shuts down gracefully. */
import { startApp } from "./app.js";
import { runCommand } from "./cli/run.js";

await runCommand(async (config, logger) => {
  const app = await startApp(config, logger);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
  await app.stop();
});
