/**
 * `npm start`: runs the bot until SIGTERM or SIGINT, then shuts down gracefully within
 * SHUTDOWN_TIMEOUT_SECONDS. A signal during start-up (e.g. while Telegram is unreachable) stops
 * what was started and exits cleanly too.
 */
import { startApp } from "./app.js";
import { StartAbortedError } from "./bot/updates/telegram-retry.js";
import { runCommand } from "./cli/run.js";

await runCommand(async (config, logger) => {
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown.signal.aborted) return;
    logger.info({ signal }, "shutting down");
    shutdown.abort();
  };
  // Kept for the whole run: a repeated signal while stopping must not fall through to Node's
  // default (an immediate exit 143 in the middle of the graceful stop).
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  let app;
  try {
    app = await startApp(config, logger, shutdown.signal);
  } catch (error) {
    if (error instanceof StartAbortedError) return;
    throw error;
  }
  if (!shutdown.signal.aborted) {
    await new Promise((resolve) => shutdown.signal.addEventListener("abort", resolve, { once: true }));
  }
  await app.stop();
});
