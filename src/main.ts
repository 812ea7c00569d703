/**
 * `npm start`: runs the bot until SIGTERM or SIGINT, then shuts down gracefully within
 * SHUTDOWN_TIMEOUT_SECONDS. A signal during start-up (e.g. while Telegram is unreachable) stops
 * what was started and exits cleanly too. Without a bot token outside production, or with
 * `--demo` (`npm run demo`), it runs the offline demo instead (src/demo).
 */
import { startApp, type RunningApp } from "./app.js";
import { StartAbortedError } from "./bot/updates/telegram-retry.js";
import { runCommand } from "./cli/run.js";
import { demoRequested, loadDotEnv } from "./config.js";
import type { Logger } from "./logger.js";

loadDotEnv();
if (demoRequested(process.argv.slice(2), process.env)) {
  // Loaded only here: production never loads the emulators.
  const { startDemoWorld } = await import("./demo/world.js");
  const demo = await startDemoWorld(process.env);
  try {
    await runCommand(
      (config, logger) =>
        runUntilSignal(
          logger,
          (signal) => startApp(config, logger, signal, { demoRoutes: demo.routes }),
          (app) => demo.announce(app.url, logger),
        ),
      demo.env,
    );
  } finally {
    await demo.close();
  }
} else {
  await runCommand((config, logger) => runUntilSignal(logger, (signal) => startApp(config, logger, signal)));
}

async function runUntilSignal(
  logger: Logger,
  start: (signal: AbortSignal) => Promise<RunningApp>,
  onStarted: (app: RunningApp) => void = () => undefined,
): Promise<void> {
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
    app = await start(shutdown.signal);
  } catch (error) {
    if (error instanceof StartAbortedError) return;
    throw error;
  }
  onStarted(app);
  if (!shutdown.signal.aborted) {
    await new Promise((resolve) => shutdown.signal.addEventListener("abort", resolve, { once: true }));
  }
  await app.stop();
}
